# Refits inside verbs: real twfe() calls, subsets combined with the fit's own.

test_that("refits keep the fit's subset, given as a condition or as row numbers", {
  d <- make_group_panel(n_id = 30, n_t = 6, seed = 111)
  fit <- twfe(y ~ treat + x1 | id + year, data = d, subset = year <= 2013)
  g <- pilotdid:::refit_twfe(fit, environment(), d, cond = quote(big))
  expect_equal(coef(g), coef(twfe(y ~ treat + x1 | id + year, data = d, subset = year <= 2013 & big)))
  expect_equal(deparse1(g$call$subset), "(year <= 2013) & (big)")
  rows <- twfe(y ~ treat + x1 | id + year, data = d, subset = 1:120)
  g <- pilotdid:::refit_twfe(rows, environment(), d, cond = quote(big))
  expect_equal(g$obs, intersect(1:120, which(d$big)))
})

test_that("refits take a new formula and the data expression of the verb", {
  d <- make_mediator_panel(n_id = 30, n_t = 6, seed = 112)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  other <- d
  g <- pilotdid:::refit_twfe(fit, environment(), other, data_expr = quote(other),
                             formula = m ~ treat + x1 | id + year)
  expect_equal(g$call$data, quote(other))
  expect_equal(coef(g), coef(twfe(m ~ treat + x1 | id + year, data = d)))
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
