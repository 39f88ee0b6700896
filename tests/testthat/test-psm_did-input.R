# psm_did() on awkward input: each case a result equal to the same call on
# clean input (or to twfe() on the matched rows), or a classed error naming the
# problem.

test_that("data.table, tibble, Chinese names and values, logical treat give the same result", {
  d <- make_psm_panel(seed = 141)
  base <- quiet_psm(psm_fml, data = d, treat = ~ever)
  a <- quiet_psm(psm_fml, data = data.table::as.data.table(d), treat = ~ever)
  expect_equal(coef(a), coef(base))
  expect_equal(vcov(a), vcov(base))
  d2 <- d
  d2[["\u89c4\u6a21"]] <- d2$x1
  d2$id <- paste0("\u57ce\u5e02", d2$id)
  f2 <- stats::as.formula(paste0("y ~ did + `", "\u89c4\u6a21", "` + x2 + x3 | id + year"))
  b <- quiet_psm(f2, data = d2, treat = ~ever)
  expect_equal(unname(coef(b)), unname(coef(base)))
  expect_equal(b$scores$weights, base$scores$weights)
  d3 <- d
  d3$ever <- d3$ever == 1
  d3$id <- factor(d3$id)
  e <- quiet_psm(psm_fml, data = d3, treat = ~ever)
  expect_equal(coef(e), coef(base))
  skip_if_not_installed("tibble")
  expect_equal(coef(quiet_psm(psm_fml, data = tibble::as_tibble(d), treat = ~ever)), coef(base))
})

test_that("NA, NaN or Inf in a covariate or treat leaves the row out of the matching, as dropping it does", {
  d <- make_psm_panel(seed = 142)
  for (v in list(list("x1", NA), list("x1", NaN), list("x1", Inf), list("ever", NA))) {
    d5 <- d
    d5[[v[[1]]]][c(1, 8)] <- v[[2]]
    expect_message(a <- psm_did(psm_fml, data = d5, treat = ~ever), "Left 2 rows")
    b <- quiet_psm(psm_fml, data = d[-c(1, 8), ], treat = ~ever)
    expect_equal(coef(a), coef(b))
    expect_equal(vcov(a), vcov(b))
    expect_equal(nobs(a), nobs(b))
  }
})

test_that("NA or Inf in the outcome, unit or time: same matches, the DID fit drops the row as twfe() does", {
  d <- make_psm_panel(seed = 143)
  base <- quiet_psm(psm_fml, data = d, treat = ~ever, cluster = ~id)
  for (v in list(list("y", Inf), list("y", NA), list("id", NA), list("year", NA))) {
    d5 <- d
    d5[[v[[1]]]][1] <- v[[2]]
    a <- quiet_psm(psm_fml, data = d5, treat = ~ever, cluster = ~id)
    expect_equal(a$scores$weights, base$scores$weights)
    w <- a$scores$weights
    ref <- suppressMessages(twfe(psm_fml, data = d5, weights = w, subset = w > 0, cluster = ~id))
    expect_equal(coef(a), coef(ref), tolerance = 1e-10)
    expect_equal(vcov(a), vcov(ref), tolerance = 1e-10)
  }
})

test_that("duplicate (unit, time) rows are matched and used as given", {
  d <- make_psm_panel(seed = 144)
  d <- rbind(d, d[c(3, 3), ])
  res <- quiet_psm(psm_fml, data = d, treat = ~ever, cluster = ~id)
  w <- res$scores$weights
  expect_length(w, nrow(d))
  ref <- twfe(psm_fml, data = d, weights = w, subset = w > 0, cluster = ~id)
  expect_equal(coef(res), coef(ref), tolerance = 1e-10)
})

test_that("no treated or all treated rows, a non 0/1 treat, one cluster and bad options are classed errors", {
  d <- make_psm_panel(seed = 145)
  d0 <- d
  d0$ever <- 0L
  d1 <- d
  d1$ever <- 1L
  d2 <- d
  d2$ever[1] <- 2
  d2i <- d
  d2i$ever[1] <- Inf
  d$one <- 1
  res <- quiet_psm(psm_fml, data = d, treat = ~ever)
  expect_error(quiet_psm(psm_fml, data = d0, treat = ~ever), "ever", class = "pilotdid_error_input")
  expect_error(quiet_psm(psm_fml, data = d, treat = ~ever, ratio = 3e9), "ratio", class = "pilotdid_error_input")
  expect_error(tidy(res, conf.level = 2), "conf.level", class = "pilotdid_error_input")
  expect_snapshot(error = TRUE, {
    quiet_psm(psm_fml, data = d0, treat = ~ever)
    quiet_psm(psm_fml, data = d1, treat = ~ever)
    quiet_psm(psm_fml, data = d2, treat = ~ever)
    quiet_psm(psm_fml, data = d2i, treat = ~ever)
    quiet_psm(psm_fml, data = d, treat = ~ever, cluster = ~one)
    quiet_psm(psm_fml, data = d, treat = ~nope)
    quiet_psm(psm_fml, data = d, treat = ~ever, ratio = 0)
    quiet_psm(psm_fml, data = d, treat = ~ever, ratio = NA)
    quiet_psm(psm_fml, data = d, treat = ~ever, caliper = -1)
    quiet_psm(psm_fml, data = d, treat = ~ever, caliper = Inf)
    quiet_psm(psm_fml, data = d, treat = ~ever, order = "random", seed = NA)
    quiet_psm(psm_fml, data = d, treat = ~ever, level = 2)
    tidy(res, conf.level = 2)
  })
})

test_that("integer64 id and time columns give the same matches and estimate", {
  skip_if_not_installed("bit64")
  d <- make_psm_panel(seed = 149)
  base <- quiet_psm(psm_fml, data = d, treat = ~ever)
  a <- quiet_psm(psm_fml, data = to_integer64(d, c("id", "year")), treat = ~ever)
  expect_equal(coef(a), coef(base), tolerance = 1e-12)
  expect_equal(vcov(a), vcov(base), tolerance = 1e-12)
})
