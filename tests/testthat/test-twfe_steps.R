# twfe_steps(): every step is the twfe() call it stands for.

# The fields of a fit that hold results (not the call).
fit_results <- function(fit) {
  fit[c("coefficients", "vcov", "residuals", "fitted.values", "nobs", "n_clusters", "fe_sizes", "r2",
        "r2_within", "adj_r2", "rss", "sigma", "df_t", "K", "vcov_type", "cluster", "obs", "fe",
        "dropped_vars", "removed")]
}

test_that("each step equals the individual twfe() call with the controls so far", {
  d <- make_panel(n_id = 40, n_t = 7, n_x = 3, drop_share = 0.05, seed = 51)
  steps <- twfe_steps(y ~ treat | id + year, controls = c("x1", "x2", "x3"), data = d)
  expect_s3_class(steps, "pilotdid_twfe_steps")
  expect_length(steps, 4L)
  direct <- list(twfe(y ~ treat | id + year, data = d),
                 twfe(y ~ treat + x1 | id + year, data = d),
                 twfe(y ~ treat + x1 + x2 | id + year, data = d),
                 twfe(y ~ treat + x1 + x2 + x3 | id + year, data = d))
  for (k in 1:4) {
    expect_equal(fit_results(steps[[k]]), fit_results(direct[[k]]))
    expect_equal(steps[[k]]$formula, direct[[k]]$formula, ignore_formula_env = TRUE)
  }
})

test_that("cluster, vcov, weights and subset reach every step, and the steps can be updated", {
  d <- make_panel(n_id = 40, n_t = 7, seed = 52)
  d$w <- withr::with_seed(3, stats::runif(nrow(d), 0.5, 1.5))
  d$prov <- d$id %% 6
  steps <- twfe_steps(y ~ treat | id + year, controls = ~ x1 + x2, data = d, cluster = ~prov,
                      weights = ~w, subset = year <= 2014)
  ref <- twfe(y ~ treat + x1 | id + year, data = d, cluster = ~prov, weights = ~w, subset = year <= 2014)
  expect_equal(fit_results(steps[[2]]), fit_results(ref))
  expect_equal(steps[[3]]$cluster, "prov")
  het <- twfe_steps(y ~ treat | id + year, controls = "x1", data = d, vcov = "hetero")
  expect_equal(het[[2]]$vcov, twfe(y ~ treat + x1 | id + year, data = d, vcov = "hetero")$vcov)
  late <- update(steps[[3]], subset = year >= 2011)
  expect_equal(coef(late), coef(twfe(y ~ treat + x1 + x2 | id + year, data = d, cluster = ~prov,
                                     weights = ~w, subset = year >= 2011)))
})

test_that("controls can be terms, and printing shows the stepwise table", {
  d <- make_panel(n_id = 30, n_t = 6, seed = 53)
  d$pos <- exp(d$x1)
  steps <- twfe_steps(y ~ treat | id + year, controls = c("log(pos)", "x2"), data = d)
  expect_equal(names(coef(steps[[3]])), c("treat", "log(pos)", "x2"))
  expect_equal(coef(steps[[2]]), coef(twfe(y ~ treat + log(pos) | id + year, data = d)))
  expect_identical(did_table(steps)$cells, did_table(unclass(steps))$cells)
  expect_snapshot(print(steps))
})

test_that("tidy() and glance() give every step", {
  d <- make_panel(n_id = 30, n_t = 6, seed = 54)
  steps <- twfe_steps(y ~ treat | id + year, controls = c("x1", "x2"), data = d)
  td <- tidy(steps)
  expect_equal(td$step, c(1, 2, 2, 3, 3, 3))
  expect_equal(td$estimate[td$step == 3], unname(coef(steps[[3]])))
  gl <- glance(steps)
  expect_equal(gl$added, c(NA, "x1", "x2"))
  expect_equal(gl$r.squared, vapply(steps, `[[`, 0, "r2"))
})

test_that("knit_print() renders the stepwise table", {
  skip_if_not_installed("knitr")
  d <- make_panel(n_id = 20, n_t = 5, seed = 56)
  steps <- twfe_steps(y ~ treat | id + year, controls = "x1", data = d)
  expect_identical(unclass(knitr::knit_print(steps)), unclass(knitr::knit_print(did_table(steps))))
})

test_that("bad input gives clear errors", {
  d <- make_panel(n_id = 20, n_t = 5, seed = 55)
  expect_snapshot(error = TRUE, {
    twfe_steps(y ~ treat | id + year, controls = character(), data = d)
    twfe_steps(y ~ treat | id + year, controls = c("x1", "nope"), data = d)
    twfe_steps(y ~ treat, controls = "x1", data = d)
    twfe_steps(y ~ treat | id + year, controls = "x1 +", data = d)
  })
  expect_error(twfe_steps(y ~ treat | id + year, controls = 1, data = d), class = "pilotdid_error_input")
})
