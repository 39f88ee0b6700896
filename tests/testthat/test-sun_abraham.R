# sun_abraham() against fixest::feols(y ~ sunab(cohort, time) | id + time),
# aggregated by relative period and to the ATT; SEs clustered by unit with
# fixest_ssc() (see helper-panels.R).

sunab_reference <- function(d, rhs = "", ...) {
  d$gs <- ifelse(is.na(d$cohort), 10000, d$cohort)
  f <- stats::as.formula(paste("y ~", rhs, "sunab(gs, year) | id + year"))
  fixest::feols(f, data = d, cluster = ~id, ssc = fixest_ssc(), ...)
}

expect_matches_sunab <- function(sa, ref) {
  ct <- fixest::coeftable(summary(ref, agg = TRUE))
  ct <- ct[grep("^year::", rownames(ct)), , drop = FALSE]
  tb <- tidy(sa)
  tb <- tb[!tb$ref & tb$term != "ATT", ]
  expect_equal(tb$rel_time, as.numeric(sub("year::", "", rownames(ct))))
  expect_equal(tb$estimate, unname(ct[, 1]), tolerance = 1e-8)
  expect_lt(rel_diff(tb$std.error, ct[, 2]), 1e-8)
  att <- stats::aggregate(ref, agg = "att")
  expect_equal(sa$att$estimate, unname(att[1, 1]), tolerance = 1e-8)
  expect_lt(rel_diff(sa$att$std.error, att[1, 2]), 1e-8)
}

test_that("relative-period estimates, SEs and the ATT equal fixest::sunab on an unbalanced panel with controls", {
  skip_if_not_installed("fixest")
  d <- make_staggered(n_id = 80, n_t = 10, cohorts = c(2011, 2013, 2016), drop_share = 0.05, seed = 3)
  expect_matches_sunab(sun_abraham(y ~ x1 | id + year, data = d, cohort = "cohort"),
                       sunab_reference(d, "x1 +"))
  expect_matches_sunab(sun_abraham(y ~ 1 | id + year, data = d, cohort = ~g),
                       sunab_reference(d))
})

test_that("weights and two reference periods equal fixest::sunab", {
  skip_if_not_installed("fixest")
  d <- make_staggered(n_id = 60, n_t = 9, seed = 4)
  d$w <- withr::with_seed(1, stats::runif(nrow(d), 0.5, 2))
  sa <- sun_abraham(y ~ 1 | id + year, data = d, cohort = "cohort", weights = ~w)
  expect_matches_sunab(sa, sunab_reference(d, weights = ~w))
  d$gs <- ifelse(is.na(d$cohort), 10000, d$cohort)
  sa <- sun_abraham(y ~ 1 | id + year, data = d, cohort = "cohort", ref = c(-1, -4))
  ref <- fixest::feols(y ~ sunab(gs, year, ref.p = c(-1, -4)) | id + year, data = d, cluster = ~id,
                       ssc = fixest_ssc())
  expect_matches_sunab(sa, ref)
  expect_equal(tidy(sa)$estimate[tidy(sa)$ref], c(0, 0))
})

test_that("always-treated units are dropped; without never-treated units the last cohort is the control", {
  skip_if_not_installed("fixest")
  d <- make_staggered(n_id = 60, n_t = 9, cohorts = c(2009, 2012, 2014), seed = 5)
  expect_snapshot(sa <- sun_abraham(y ~ 1 | id + year, data = d, cohort = "cohort"))
  expect_matches_sunab(sa, sunab_reference(d[is.na(d$cohort) | d$cohort > 2009, ]))
  d <- make_staggered(n_id = 60, n_t = 9, cohorts = c(2011, 2013, 2015), share_treated = 1, seed = 6)
  expect_snapshot(sa <- sun_abraham(y ~ 1 | id + year, data = d, cohort = "cohort"))
  d2 <- d[d$year < 2015, ]
  d2$cohort[d2$cohort == 2015] <- NA
  expect_matches_sunab(sa, sunab_reference(d2))
  expect_equal(sa$control, "cohort 2015")
})

test_that("the cohort effects are the regression's interaction coefficients, shares are cell counts", {
  d <- make_staggered(n_id = 40, n_t = 7, seed = 7)
  sa <- sun_abraham(y ~ 1 | id + year, data = d, cohort = "cohort")
  ce <- sa$cohort_effects
  e0 <- ce[ce$rel_time == 0, ]
  expect_equal(sa$estimates$estimate[sa$estimates$rel_time == 0],
               sum(e0$estimate * e0$n_obs) / sum(e0$n_obs), tolerance = 1e-12)
  expect_equal(e0$n_obs, as.vector(table(d$cohort[d$year == d$cohort])))
  expect_snapshot(print(sa))
})

test_that("bad inputs give clear errors", {
  d <- make_staggered(n_id = 30, n_t = 6, seed = 8)
  d_one <- d
  d_one$cohort[!is.na(d_one$cohort)] <- 2011
  d_one <- d_one[!is.na(d_one$cohort), ]
  expect_snapshot(error = TRUE, {
    sun_abraham(y ~ 1 | id + year, data = d)
    sun_abraham(y ~ 1 | id + year, data = d, cohort = "cohort", ref = 0.5)
    sun_abraham(y ~ 1 | id + year, data = d_one, cohort = "cohort")
  })
  expect_error(sun_abraham(y ~ 1 | id + year, data = d, cohort = "cohort", level = 2),
               class = "pilotdid_error_input")
})

test_that("did_table() shows the event-time effects and the ATT, not the cohort dummies", {
  d <- make_staggered(n_id = 60, n_t = 8, seed = 4)
  sa <- sun_abraham(y ~ 1 | id + year, data = d, cohort = "cohort")
  tab <- did_table(SA = sa, keep = "ATT")
  td <- tidy(sa)
  expect_equal(tab$coefs$term, "ATT")
  expect_equal(tab$coefs$estimate, td$estimate[td$term == "ATT"])
  expect_match(tab$cells[tab$row_type == "coef", 2], sprintf("%.3f", td$estimate[td$term == "ATT"]), fixed = TRUE)
  expect_setequal(did_table(sa)$coefs$term, td$term[!td$ref])
})

test_that("a reference period absent from the data is refused, as in event_study()", {
  d <- make_staggered(n_id = 40, n_t = 8, seed = 451)
  d5 <- d[d$year %% 2 == 1, ]    # observed every other year: relative period -1 may never occur
  e <- d5$year - d5$cohort
  expect_false(any(e == -1, na.rm = TRUE))
  expect_error(sun_abraham(y ~ 1 | id + year, data = d5, cohort = "cohort"), "does not occur",
               class = "pilotdid_error_input")
  expect_error(sun_abraham(y ~ 1 | id + year, data = d, cohort = "cohort", ref = -20), "-20",
               class = "pilotdid_error_input")
})

test_that("subset equals the call on the subset; a weight column may be named by a string", {
  d <- make_staggered(n_id = 40, n_t = 8, seed = 9)
  d$w <- 1 + (d$id %% 4)
  s <- suppressMessages(sun_abraham(y ~ x1 | id + year, data = d, cohort = "cohort", subset = year > 2008))
  r <- suppressMessages(sun_abraham(y ~ x1 | id + year, data = d[d$year > 2008, ], cohort = "cohort"))
  expect_equal(tidy(s), tidy(r))
  expect_equal(s$fit$obs, which(d$year > 2008)[r$fit$obs])
  a <- sun_abraham(y ~ x1 | id + year, data = d, cohort = "cohort", weights = "w")
  b <- sun_abraham(y ~ x1 | id + year, data = d, cohort = "cohort", weights = ~w)
  expect_equal(tidy(a), tidy(b))
})
