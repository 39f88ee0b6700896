# placebo_test() on awkward input: each case draws equal to the same call on
# clean input (or to a full twfe() refit), or a classed error naming the problem.

test_that("data.table, tibble, Chinese names and values, factor ids give the same draws", {
  d <- make_panel(n_id = 30, n_t = 6, seed = 131)
  base <- placebo_test(twfe(y ~ treat + x1 | id + year, data = d), n = 20, seed = 1)
  a <- placebo_test(twfe(y ~ treat + x1 | id + year, data = data.table::as.data.table(d)), n = 20, seed = 1)
  expect_equal(a$estimates, base$estimates)
  expect_equal(a$p_values, base$p_values)
  d2 <- d
  d2[["\u8bd5\u70b9"]] <- d2$treat
  d2$id <- paste0("\u57ce\u5e02", d2$id)
  f2 <- stats::as.formula(paste0("y ~ `", "\u8bd5\u70b9", "` + x1 | id + year"))
  b <- placebo_test(twfe(f2, data = d2), n = 20, seed = 1)
  expect_equal(b$treat, "\u8bd5\u70b9")
  expect_equal(b$estimates, base$estimates)
  d3 <- d
  d3$id <- factor(d3$id)
  d3$year <- as.integer(d3$year)
  expect_equal(placebo_test(twfe(y ~ treat + x1 | id + year, data = d3), n = 20, seed = 1)$estimates,
               base$estimates)
  skip_if_not_installed("tibble")
  e <- placebo_test(twfe(y ~ treat + x1 | id + year, data = tibble::as_tibble(d)), n = 20, seed = 1)
  expect_equal(e$estimates, base$estimates)
})

test_that("NA, NaN and Inf in the outcome and a control: the draws equal refits on the fit's rows", {
  d <- make_panel(n_id = 30, n_t = 6, seed = 132)
  d$y[2] <- NA
  d$y[9] <- Inf
  d$x1[15] <- NaN
  fit <- suppressMessages(twfe(y ~ treat + x1 | id + year, data = d))
  expect_equal(nobs(fit), nrow(d) - 3L)
  pl <- placebo_test(fit, n = 3, type = "space", seed = 7)
  clean <- d[is.finite(d$y) & is.finite(d$x1), ]
  for (j in 0:2) {
    ref <- suppressMessages(placebo_refit(fit, d, j, "space", 7))
    expect_equal(pl$estimates$estimate[j + 1L], unname(coef(ref)["ptreat"]), tolerance = 1e-8)
    expect_equal(nobs(ref), nrow(clean))
  }
})

test_that("a cohort column must agree with the treatment and be finite and constant within units", {
  d <- make_panel(n_id = 30, n_t = 6, seed = 133)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  first <- stats::ave(ifelse(d$treat == 1, d$year, Inf), d$id, FUN = min)
  d$coh <- ifelse(is.finite(first), first, NA)
  a <- placebo_test(fit, n = 10, seed = 1, cohort = "coh")
  expect_equal(a$estimates, placebo_test(fit, n = 10, seed = 1)$estimates)
  d$coh_inf <- ifelse(is.na(d$coh), Inf, d$coh)
  expect_equal(placebo_test(fit, n = 10, seed = 1, cohort = "coh_inf")$estimates, a$estimates)
  d$coh_bad <- d$coh
  d$coh_bad[which(!is.na(d$coh))[1]] <- d$coh_bad[which(!is.na(d$coh))[1]] + 1
  d$coh_off <- ifelse(d$id %% 2 == 0, min(d$year) + 2, NA)
  expect_error(placebo_test(fit, n = 10, seed = 1, cohort = "coh_bad"), "coh_bad", class = "pilotdid_error_input")
  expect_error(placebo_test(fit, n = 10, seed = 1, cohort = "coh_off"), "coh_off", class = "pilotdid_error_input")
  expect_snapshot(error = TRUE, {
    placebo_test(fit, n = 10, seed = 1, cohort = "coh_bad")
    placebo_test(fit, n = 10, seed = 1, cohort = "coh_off")
    placebo_test(fit, n = 10, seed = 1, cohort = "nope")
  })
})

test_that("all units treated, a non 0/1 treatment and bad n/seed/threads are classed errors", {
  d <- make_panel(n_id = 30, n_t = 6, seed = 134)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  d$tall <- as.integer(d$year >= min(d$year) + 2)
  fit_all <- suppressMessages(twfe(y ~ tall + x1 | id + year, data = d))
  d$tcont <- d$treat + withr::with_seed(1, stats::rnorm(nrow(d)))
  fit_cont <- twfe(y ~ tcont + x1 | id + year, data = d)
  expect_error(placebo_test(fit_all, n = 10, seed = 1, treat = "tall"), class = "pilotdid_error_input")
  expect_error(placebo_test(fit, n = 10, seed = NA), "seed", class = "pilotdid_error_input")
  expect_error(placebo_test(fit, n = 3e9, seed = 1), "n", class = "pilotdid_error_input")
  expect_snapshot(error = TRUE, {
    placebo_test(fit_all, n = 10, seed = 1, treat = "tall")
    placebo_test(fit_cont, n = 10, seed = 1)
    placebo_test(fit, n = 10, seed = 1, treat = "x2")
    placebo_test(fit, n = 0, seed = 1)
    placebo_test(fit, n = 2.5, seed = 1)
    placebo_test(fit, n = Inf, seed = 1)
    placebo_test(fit, n = 10, seed = -1)
    placebo_test(fit, n = 10, seed = "a")
    placebo_test(fit, n = 10, seed = 1, threads = 0)
    placebo_test(fit, n = 10, seed = 1, type = "other")
  })
})

test_that("integer64 id and time columns give the same draws", {
  skip_if_not_installed("bit64")
  d <- make_panel(n_id = 30, n_t = 6, seed = 139)
  base <- placebo_test(twfe(y ~ treat + x1 | id + year, data = d), n = 20, seed = 1)
  d64 <- to_integer64(d, c("id", "year"))
  a <- placebo_test(twfe(y ~ treat + x1 | id + year, data = d64), n = 20, seed = 1)
  expect_equal(a$estimates, base$estimates, tolerance = 1e-12)
  expect_equal(a$p_values, base$p_values, tolerance = 1e-12)
})
