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

test_that("missing weights on rows that leave the sample are fine: same result as without those rows", {
  d <- make_psm_panel(seed = 150)
  d$sw <- psm_sampling_weights(d, seed = 150)
  withr::local_options(pilotdid.quiet = TRUE)
  # outside the subset
  d1 <- d
  d1$sw[d1$year == 2011] <- NA
  a <- psm_did(psm_fml, data = d1, treat = ~ever, weights = ~sw, subset = year > 2011)
  b <- psm_did(psm_fml, data = d[d$year > 2011, ], treat = ~ever, weights = ~sw)
  expect_equal(coef(a), coef(b), tolerance = 1e-12)
  expect_equal(vcov(a), vcov(b), tolerance = 1e-12)
  expect_equal(a$balance, b$balance, tolerance = 1e-12)
  # on rows left out of the matching for a missing covariate
  d2 <- d
  d2$x2[c(4, 9)] <- NA
  d2$sw[c(4, 9)] <- NA
  a <- psm_did(psm_fml, data = d2, treat = ~ever, weights = ~sw)
  b <- psm_did(psm_fml, data = d[-c(4, 9), ], treat = ~ever, weights = ~sw)
  expect_equal(coef(a), coef(b), tolerance = 1e-12)
  expect_equal(a$overall, b$overall, tolerance = 1e-12)
})

test_that("bad weights on rows used, and a subset without treated rows, are classed errors naming them", {
  d <- make_psm_panel(seed = 151)
  d$sw <- psm_sampling_weights(d, seed = 151)
  bad <- function(v) {
    d$sw[3] <- v
    d
  }
  dz <- d
  dz$sw <- 0
  dt <- d
  dt$sw[dt$ever == 1] <- 0
  d$txt <- "a"
  for (dd in list(bad(NA), bad(-1), bad(Inf), dz, dt)) {
    expect_error(quiet_psm(psm_fml, data = dd, treat = ~ever, weights = ~sw), "weights", class = "pilotdid_error_input")
  }
  expect_error(quiet_psm(psm_fml, data = d, treat = ~ever, weights = 1:3), "weights", class = "pilotdid_error_input")
  expect_error(quiet_psm(psm_fml, data = d, treat = ~ever, subset = year > 2011 & ever == 0), "subset",
               class = "pilotdid_error_input")
  expect_snapshot(error = TRUE, {
    quiet_psm(psm_fml, data = bad(NA), treat = ~ever, weights = ~sw)
    quiet_psm(psm_fml, data = bad(-1), treat = ~ever, weights = ~sw)
    quiet_psm(psm_fml, data = bad(Inf), treat = ~ever, weights = ~sw)
    quiet_psm(psm_fml, data = dz, treat = ~ever, weights = ~sw)
    quiet_psm(psm_fml, data = dt, treat = ~ever, weights = "sw")
    quiet_psm(psm_fml, data = d, treat = ~ever, weights = 1:3)
    quiet_psm(psm_fml, data = d, treat = ~ever, weights = ~nope)
    quiet_psm(psm_fml, data = d, treat = ~ever, weights = ~txt)
    quiet_psm(psm_fml, data = d, treat = ~ever, subset = year > 2011 & ever == 0)
    quiet_psm(psm_fml, data = d, treat = ~ever, subset = c(TRUE, FALSE))
    quiet_psm(psm_fml, data = d, treat = ~ever, subset = 0)
  })
})

test_that("a period whose treated rows all have zero weight is skipped with a note", {
  d <- make_psm_panel(n_id = 40, share = 0.25, seed = 152)
  d$sw <- psm_sampling_weights(d, seed = 152)
  d$sw[d$year == 2012 & d$ever == 1] <- 0
  expect_message(res <- psm_did(psm_fml, data = d, treat = ~ever, weights = ~sw, match_within = "period",
                                covariates = ~ x1 + x2 + x3),
                 "No matching in period \"2012\".*positive weight")
  in_2012 <- res$scores$cell == "2012"
  expect_true(all(res$scores$weights[in_2012] == 0))
  expect_false(any(res$scores$support[in_2012 & d$ever == 1]))
})

test_that("a weighted score model still warns about separation, and only about it", {
  d <- make_psm_panel(n_id = 40, seed = 153)
  d$sw <- psm_sampling_weights(d, seed = 153)
  d$sep <- d$ever * 10 + stats::runif(nrow(d))
  withr::local_options(pilotdid.quiet = TRUE)
  expect_warning(psm_did(psm_fml, data = d, treat = ~ever, covariates = ~ x1 + sep, weights = ~sw),
                 "separated: sep separates", class = "pilotdid_warning")
  # non-integer weights alone are no warning (glm()'s binomial family would give one)
  expect_no_warning(psm_did(psm_fml, data = d, treat = ~ever, covariates = ~ x1 + x2, weights = ~sw))
})
