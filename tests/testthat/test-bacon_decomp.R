# bacon_decomp() against bacondecomp::bacon() and against twfe().

bacon_reference <- function(d) {
  ref <- bacondecomp::bacon(y ~ treat, data = d, id_var = "id", time_var = "year", quietly = TRUE)
  ref$untreated[ref$untreated == 99999] <- Inf
  ref
}

expect_matches_bacon <- function(bd, ref) {
  m <- merge(tidy(bd), ref, by.x = c("treated", "control"), by.y = c("treated", "untreated"))
  expect_equal(nrow(m), nrow(ref))
  expect_equal(nrow(m), nrow(tidy(bd)))
  expect_equal(m$type.x, m$type.y)
  expect_equal(m$estimate.x, m$estimate.y, tolerance = 1e-8)
  expect_equal(m$weight.x, m$weight.y, tolerance = 1e-8)
}

test_that("estimates, weights and types equal bacondecomp, with always-treated units", {
  skip_if_not_installed("bacondecomp")
  d <- make_staggered(n_id = 80, n_t = 10, cohorts = c(2009, 2011, 2013, 2016), seed = 3)
  bd <- bacon_decomp(y ~ treat | id + year, data = d)
  expect_matches_bacon(bd, bacon_reference(d))
  expect_setequal(unique(tidy(bd)$type), c("Treated vs Untreated", "Earlier vs Later Treated",
                                           "Later vs Earlier Treated", "Later vs Always Treated"))
})

test_that("estimates and weights equal bacondecomp without never-treated units", {
  skip_if_not_installed("bacondecomp")
  d <- make_staggered(n_id = 45, n_t = 9, cohorts = c(2011, 2012, 2015), share_treated = 1, seed = 4)
  bd <- bacon_decomp(y ~ treat | id + year, data = d)
  expect_matches_bacon(bd, bacon_reference(d))
  expect_false("Treated vs Untreated" %in% tidy(bd)$type)
})

test_that("weights sum to one and the weighted estimates to the TWFE coefficient", {
  d <- make_staggered(n_id = 70, n_t = 12, cohorts = c(2011, 2014, 2017), seed = 5)
  bd <- bacon_decomp(y ~ treat | id + year, data = d)
  tab <- tidy(bd)
  expect_equal(sum(tab$weight), 1, tolerance = 1e-12)
  expect_equal(sum(tab$weight * tab$estimate), unname(coef(twfe(y ~ treat | id + year, data = d))),
               tolerance = 1e-10)
  expect_equal(bd$twfe, sum(tab$weight * tab$estimate))
  # the summary's per-type numbers recombine to the same estimate
  s <- summary(bd)$by_type
  expect_equal(sum(s$weight * s$estimate), bd$twfe, tolerance = 1e-12)
  # same result after shuffling rows and relabelling units
  d2 <- d[sample(nrow(d)), ]
  d2$id <- paste0("u", d2$id)
  expect_equal(tidy(bacon_decomp(y ~ treat | id + year, data = d2)), tab, tolerance = 1e-12)
})

test_that("unbalanced panels are balanced with a note and decompose the balanced TWFE", {
  d <- make_staggered(n_id = 60, n_t = 8, drop_share = 0.03, seed = 6)
  d$y[3] <- NA
  expect_snapshot(bd <- bacon_decomp(y ~ treat | id + year, data = d))
  full <- names(which(table(d$id[!is.na(d$y)]) == 8))
  fit <- twfe(y ~ treat | id + year, data = d[d$id %in% full, ])
  expect_equal(bd$twfe, unname(coef(fit)), tolerance = 1e-10)
  expect_equal(bd$n_units, length(full))
})

test_that("print, summary and the plot data", {
  d <- make_staggered(n_id = 40, n_t = 8, seed = 7)
  bd <- bacon_decomp(y ~ treat | id + year, data = d)
  expect_snapshot(print(bd))
  pd <- bacon_plot_data(bd)
  td <- tidy(bd)
  expect_equal(pd$points, td[names(pd$points)], ignore_attr = TRUE)
  expect_equal(td$term[1], paste0(td$type[1], ": ", td$treated[1], " vs ", td$control[1]))
  expect_equal(pd$twfe, bd$twfe)
  expect_s3_class(autoplot(bd), "ggplot")
})

test_that("bad inputs give clear errors", {
  d <- make_staggered(n_id = 30, n_t = 6, seed = 8)
  d_off <- d
  d_off$treat[d_off$id == d_off$id[d_off$treat == 1][1] & d_off$year == max(d_off$year)] <- 0
  d_dup <- rbind(d, d[1, ])
  d_none <- d
  d_none$treat <- 0
  expect_snapshot(error = TRUE, {
    bacon_decomp(y ~ treat + x1 | id + year, data = d)
    bacon_decomp(y ~ treat | id, data = d)
    bacon_decomp(y ~ treat, data = d)
    bacon_decomp(y ~ x1 | id + year, data = d)
    bacon_decomp(y ~ treat | id + year, data = d_off)
    bacon_decomp(y ~ treat | id + year, data = d_dup)
    bacon_decomp(y ~ treat | id + year, data = d_none)
    bacon_decomp(y ~ treat | id + nope, data = d)
  })
  expect_error(bacon_decomp(y ~ treat | id + year, data = d_off), class = "pilotdid_error_input")
  expect_error(bacon_decomp(y ~ treat | id + year, data = as.matrix(d)), class = "pilotdid_error_input")
})

test_that("with unit weights the 2x2 terms sum to the weighted twfe() coefficient and equal bacondecomp on replicated units", {
  d <- simulate_panel(n_id = 40, n_t = 8, cohorts = c(2011, 2013, 2015), seed = 12)
  d$w <- 1 + (d$id %% 3)
  bd <- bacon_decomp(y ~ treat | id + year, data = d, weights = ~w)
  fit <- twfe(y ~ treat | id + year, data = d, weights = ~w)
  expect_equal(sum(bd$two_by_two$weight * bd$two_by_two$estimate), unname(coef(fit)["treat"]), tolerance = 1e-12)
  expect_equal(sum(bd$two_by_two$weight), 1, tolerance = 1e-14)
  # integer unit weights = units replicated that many times
  rep_d <- d[rep(seq_len(nrow(d)), d$w), ]
  rep_d$id <- paste(rep_d$id, stats::ave(rep_d$year, rep_d$id, rep_d$year, FUN = seq_along))
  un <- bacon_decomp(y ~ treat | id + year, data = rep_d)
  expect_equal(bd$two_by_two, un$two_by_two, tolerance = 1e-12)
  skip_if_not_installed("bacondecomp")
  ref <- suppressMessages(bacondecomp::bacon(y ~ treat, data = rep_d, id_var = "id", time_var = "year", quietly = TRUE))
  expect_equal(sort(bd$two_by_two$estimate), sort(ref$estimate), tolerance = 1e-10)
  expect_equal(sort(bd$two_by_two$weight), sort(ref$weight), tolerance = 1e-10)
})

test_that("bacon_decomp(subset =) equals the call on the subset", {
  d <- simulate_panel(n_id = 40, n_t = 8, cohorts = c(2011, 2013, 2015), seed = 13)
  s <- bacon_decomp(y ~ treat | id + year, data = d, subset = id > 5)
  r <- bacon_decomp(y ~ treat | id + year, data = d[d$id > 5, ])
  expect_equal(s$two_by_two, r$two_by_two)
})
