# Refits inside verbs (mechanism()): twfe() on the fit's data with the fit's
# rows, fixed effects and variance, a new formula and/or an extra condition.

test_that("refits keep the fit's subset, given as a condition or as row numbers", {
  d <- make_group_panel(n_id = 30, n_t = 6, seed = 111)
  fit <- twfe(y ~ treat + x1 | id + year, data = d, subset = year <= 2013)
  g <- pilotdid:::refit_twfe(fit, d, cond = quote(big))
  expect_equal(coef(g), coef(twfe(y ~ treat + x1 | id + year, data = d, subset = year <= 2013 & big)))
  rows <- twfe(y ~ treat + x1 | id + year, data = d, subset = 1:120)
  g <- pilotdid:::refit_twfe(rows, d, cond = quote(big))
  expect_equal(g$obs, intersect(1:120, which(d$big)))
})

test_that("refits take a new formula and keep the variance of the fit", {
  d <- make_mediator_panel(n_id = 30, n_t = 6, seed = 112)
  fit <- twfe(y ~ treat + x1 | id + year, data = d, vcov = "hetero")
  g <- pilotdid:::refit_twfe(fit, d, formula = m ~ treat + x1 | id + year)
  expect_equal(g$vcov_type, "hetero")
  expect_equal(vcov(g), vcov(twfe(m ~ treat + x1 | id + year, data = d, vcov = "hetero")))
  # a data column called `rows` does not shadow the row numbers of the refit
  d$rows <- 0
  fit <- twfe(y ~ treat + x1 | id + year, data = d, subset = year <= 2013)
  expect_equal(nobs(pilotdid:::refit_twfe(fit, d)), nobs(fit))
})

test_that("verbs take an object holding a twfe() fit in $fit, and say when the data is missing", {
  d <- make_mediator_panel(n_id = 30, n_t = 6, seed = 113)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  holder <- structure(list(fit = fit), class = "pd_test_holder")
  expect_equal(mechanism(holder, "m")$effects, mechanism(fit, "m")$effects)
  lost <- local({
    e <- make_mediator_panel(n_id = 30, n_t = 6, seed = 113)
    twfe(y ~ treat + x1 | id + year, data = e)
  })
  expect_error(mechanism(lost, "m"), class = "pilotdid_error_input")
  expect_equal(mechanism(lost, "m", data = d)$effects$estimate, mechanism(fit, "m")$effects$estimate)
})
