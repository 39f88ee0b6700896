# placebo_test(): every draw against a full twfe() refit on its assignment.

expect_draws_match_refits <- function(fit, d, type, draws = 0:3, ...) {
  pl <- placebo_test(fit, n = max(draws) + 1L, type = type, seed = 99, studentized = TRUE)
  # coefficient-only draws take other code paths (closed forms): same numbers
  pl0 <- placebo_test(fit, n = max(draws) + 1L, type = type, seed = 99)
  expect_equal(pl0$estimates$estimate, pl$estimates$estimate, tolerance = 1e-10)
  for (j in draws) {
    ref <- placebo_refit(fit, d, j, type, seed = 99, ...)
    expect_equal(pl$estimates$estimate[j + 1], unname(coef(ref)[1]), tolerance = 1e-8)
    expect_equal(pl$estimates$statistic[j + 1], unname(coef(ref)[1] / sqrt(vcov(ref)[1, 1])),
                 tolerance = 1e-8)
  }
}

test_that("space, time and mixed draws equal full refits on a balanced panel", {
  d <- make_panel(n_id = 50, n_t = 8, seed = 31)
  fit <- twfe(y ~ treat + x1 + x2 | id + year, data = d)
  for (type in c("space", "time", "mixed")) expect_draws_match_refits(fit, d, type)
})

test_that("draws equal refits on unbalanced, weighted and three-way FE panels, any vcov", {
  d <- make_panel(n_id = 50, n_t = 8, drop_share = 0.15, seed = 32)
  d$w <- withr::with_seed(2, stats::runif(nrow(d), 0.5, 1.5))
  d$region <- d$id %% 4
  fit <- twfe(y ~ treat + x1 + x2 | id + year, data = d, weights = ~w)
  expect_draws_match_refits(fit, d, "space", weights = ~w)
  fit <- twfe(y ~ treat + x1 | id + year + region^year, data = d)
  expect_draws_match_refits(fit, d, "mixed", draws = 0:1)
  fit <- twfe(y ~ treat + x1 | id + year, data = d, vcov = "hetero")
  expect_draws_match_refits(fit, d, "time", draws = 0:1, vcov = "hetero")
  fit <- twfe(y ~ treat | id + year, data = d, vcov = "iid")
  expect_draws_match_refits(fit, d, "space", draws = 0:1, vcov = "iid")
})

test_that("draws equal refits when the fixed effects are projected out iteratively", {
  d <- make_panel(n_id = 50, n_t = 8, drop_share = 0.15, seed = 33)
  d$region <- d$id %% 4
  withr::local_options(pilotdid.max_exact = 0L)
  fit <- twfe(y ~ treat + x1 | id + year + region^year, data = d)
  expect_false(fit$exact)
  expect_draws_match_refits(fit, d, "mixed", draws = 0:2)
})

test_that("the actual estimate and t statistic are the fit's", {
  d <- make_panel(n_id = 40, n_t = 7, seed = 33)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  pl <- placebo_test(fit, n = 10, seed = 1, studentized = TRUE)
  expect_equal(pl$actual[["estimate"]], unname(coef(fit)["treat"]), tolerance = 1e-10)
  expect_equal(pl$actual[["statistic"]], unname(tidy(fit)$statistic[1]), tolerance = 1e-10)
})

test_that("space draws keep the number of treated units and the cohort sizes", {
  d <- make_panel(n_id = 40, n_t = 8, seed = 34)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  st <- pilotdid:::placebo_state(pilotdid:::placebo_inputs(fit, d, environment(), NULL, NULL, NULL, NULL, "space", 5, FALSE))
  actual <- pilotdid:::cpp_placebo_assignment(st, -1)
  for (j in 0:4) {
    a <- pilotdid:::cpp_placebo_assignment(st, j)
    expect_equal(sort(a[, 2]), sort(actual[, 2]))
    expect_false(anyDuplicated(a[, 1]) > 0)
  }
  st <- pilotdid:::placebo_state(pilotdid:::placebo_inputs(fit, d, environment(), NULL, NULL, NULL, NULL, "time", 5, FALSE))
  a <- pilotdid:::cpp_placebo_assignment(st, 3)
  expect_equal(sort(a[, 1]), sort(actual[, 1]))
  expect_true(all(a[, 2] >= 1 & a[, 2] <= 7))
})

test_that("the same seed gives identical draws for 1 and 2 threads, any chunking and set.seed()", {
  d <- make_panel(n_id = 50, n_t = 8, drop_share = 0.1, seed = 35)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  a <- placebo_test(fit, n = 300, seed = 11, threads = 1, studentized = TRUE)
  b <- placebo_test(fit, n = 300, seed = 11, threads = 2, studentized = TRUE)
  expect_identical(a$estimates, b$estimates)
  c <- placebo_test(fit, n = 100, seed = 11)
  expect_identical(c$estimates$estimate, a$estimates$estimate[1:100])
  withr::with_seed(3, x <- placebo_test(fit, n = 50))
  withr::with_seed(3, y <- placebo_test(fit, n = 50))
  expect_identical(x$estimates, y$estimates)
})

test_that("the future backend returns the same draws as the threads backend", {
  skip_if_not_installed("future.apply")
  d <- make_panel(n_id = 40, n_t = 6, seed = 36)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  a <- placebo_test(fit, n = 120, seed = 21, studentized = TRUE)
  withr::defer(future::plan(future::sequential))
  future::plan(future::multisession, workers = 2)
  b <- placebo_test(fit, n = 120, seed = 21, studentized = TRUE, backend = "future")
  expect_identical(a$estimates, b$estimates)
})

test_that("p-values follow their stated formulas", {
  d <- make_panel(n_id = 40, n_t = 7, seed = 37)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  pl <- placebo_test(fit, n = 99, seed = 4)
  b <- pl$estimates$estimate
  a <- pl$actual[["estimate"]]
  expect_equal(pl$p_values$two_sided, mean(abs(b) >= abs(a)))
  expect_equal(pl$p_values$two_sided_plus1, (sum(abs(b) >= abs(a)) + 1) / 100)
  expect_equal(pl$p_values$one_sided, if (a >= 0) mean(b >= a) else mean(b <= a))
  expect_equal(tidy(pl)$p.value, pl$p_values$two_sided)
})

test_that("p-values are not systematically small under the null and tiny under a large effect", {
  p <- vapply(1:40, function(s) {
    d <- make_panel(n_id = 30, n_t = 6, effect = 0, seed = 100 + s)
    placebo_test(twfe(y ~ treat | id + year, data = d), n = 99, seed = s)$p_values$two_sided
  }, 0)
  expect_gt(mean(p), 0.35)
  expect_lt(mean(p < 0.05), 0.2)
  d <- make_panel(n_id = 60, n_t = 8, effect = 2, seed = 7)
  pl <- placebo_test(twfe(y ~ treat + x1 | id + year, data = d), n = 500, seed = 1)
  expect_lt(pl$p_values$two_sided_plus1, 0.01)
})

test_that("a cohort column gives the same draws as the treatment and is checked", {
  d <- make_panel(n_id = 40, n_t = 8, seed = 38)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  a <- placebo_test(fit, n = 20, seed = 2)
  b <- placebo_test(fit, n = 20, seed = 2, cohort = "cohort")
  expect_identical(a$estimates, b$estimates)
  d$cohort2 <- d$cohort
  d$cohort2[d$id == d$id[!is.na(d$cohort)][1] & d$year == 2010] <- 2000
  expect_error(placebo_test(fit, n = 5, cohort = "cohort2"), "varies within")
})

test_that("plot data hold the density, the actual estimate and the p-value", {
  d <- make_panel(n_id = 40, n_t = 7, seed = 39)
  pl <- placebo_test(twfe(y ~ treat + x1 | id + year, data = d), n = 200, seed = 3)
  pd <- placebo_plot_data(pl)
  dens <- stats::density(pl$estimates$estimate)
  expect_equal(pd$density$y, dens$y)
  expect_equal(pd$actual, pl$actual[["estimate"]])
  expect_equal(sum(pd$histogram$density * (pd$histogram$xmax - pd$histogram$xmin)), 1)
  g <- autoplot(pl, histogram = TRUE)
  expect_s3_class(g, "ggplot")
  expect_equal(geom_classes(g), c("GeomRect", "GeomLine", "GeomVline", "GeomVline"))
  expect_equal(geom_classes(autoplot(pl, style = "histogram")), geom_classes(g))
  expect_match(plot_label(autoplot(pl, lang = "zh", family = "sans"), "caption"), "\u53cc\u4fa7p\u503c")
  expect_error(placebo_plot_data(pl, "statistic"), "studentized")
})

test_that("bad input gives clear errors", {
  d <- make_panel(n_id = 30, n_t = 6, seed = 40)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  d2 <- d
  d2$treat[d2$id == d2$id[d2$treat == 1][1] & d2$year == max(d2$year)] <- 0L
  fit_off <- twfe(y ~ treat + x1 | id + year, data = d2)
  fit_cont <- twfe(y ~ x1 + treat | id + year, data = d)
  expect_snapshot(error = TRUE, {
    placebo_test(lm(y ~ treat, data = d))
    placebo_test(fit, n = 0)
    placebo_test(fit_off, n = 10)
    placebo_test(fit_cont, n = 10)
    placebo_test(fit, n = 10, seed = -1)
  })
})

test_that("the caption gives p as '< 1/n' when no draw is as extreme", {
  d <- make_panel(n_id = 60, n_t = 8, effect = 3, seed = 8)
  pl <- placebo_test(twfe(y ~ treat + x1 | id + year, data = d), n = 200, seed = 2)
  expect_equal(pl$p_values$two_sided, 0)
  expect_match(plot_label(autoplot(pl), "caption"), "two-sided p < 0.005", fixed = TRUE)
  pl$p_values$two_sided <- 0.25
  expect_match(plot_label(autoplot(pl), "caption"), "two-sided p = 0.250", fixed = TRUE)
})

test_that("chunks are sized by measured time: never above the budget, draws unchanged", {
  expect_equal(pilotdid:::draw_chunk_size(last = 10, elapsed = 1, left = 1000), 2L)       # 0.1 s a draw
  expect_equal(pilotdid:::draw_chunk_size(last = 1, elapsed = 5, left = 1000), 1L)        # slow draws: one at a time
  expect_equal(pilotdid:::draw_chunk_size(last = 100, elapsed = 0.001, left = 1e6), 400L) # grows at most 4x
  expect_equal(pilotdid:::draw_chunk_size(last = 100, elapsed = 0.001, left = 7), 7L)
  d <- make_panel(n_id = 40, n_t = 6, seed = 36)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  a <- placebo_test(fit, n = 300, seed = 4)
  b <- placebo_test(fit, n = 300, seed = 4, backend = "threads", threads = 2)
  expect_identical(a$estimates, b$estimates)
})
