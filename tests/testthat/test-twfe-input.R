# twfe() on awkward input: each case a result equal to the reference or a
# classed error naming the problem.

test_that("repeated row numbers in subset are used as given, as lm() and fixest do on d[idx, ]", {
  d <- make_panel(n_id = 30, n_t = 5, seed = 401)
  idx <- c(1:150, 1:20, 37, 37)
  expect_message(fit <- twfe(y ~ treat + x1 | id + year, data = d, subset = idx), "repeats 22 row numbers")
  ref <- twfe(y ~ treat + x1 | id + year, data = d[idx, ])
  expect_equal(coef(fit), coef(ref))
  expect_equal(vcov(fit), vcov(ref))
  expect_equal(nobs(fit), length(idx))
  skip_if_not_installed("fixest")
  fx <- fixest::feols(y ~ treat + x1 | id + year, data = d[idx, ], cluster = ~id, ssc = fixest_ssc())
  expect_lt(rel_diff(coef(fit), coef(fx)), 1e-8)
  expect_lt(rel_diff(sqrt(diag(vcov(fit))), fixest::se(fx)), 1e-8)
})

test_that("missing weights on rows that leave the sample anyway are accepted, as in fixest", {
  d <- make_panel(n_id = 30, n_t = 5, seed = 402)
  d$x1[1:4] <- NA
  w <- stats::runif(nrow(d), 0.5, 2)
  w[1:4] <- NA
  fit <- suppressMessages(twfe(y ~ treat + x1 | id + year, data = d, weights = w))
  expect_equal(nobs(fit), nrow(d) - 4L)
  w[5] <- NA
  expect_error(suppressMessages(twfe(y ~ treat + x1 | id + year, data = d, weights = w)), "1 missing value",
               class = "pilotdid_error_input")
  w[5] <- Inf
  expect_error(suppressMessages(twfe(y ~ treat + x1 | id + year, data = d, weights = w)), "infinite",
               class = "pilotdid_error_input")
  skip_if_not_installed("fixest")
  w[5] <- 1
  d$w <- w
  fx <- fixest::feols(y ~ treat + x1 | id + year, data = d, weights = ~w, cluster = ~id, ssc = fixest_ssc(),
                      notes = FALSE)
  fit <- suppressMessages(twfe(y ~ treat + x1 | id + year, data = d, weights = w))
  expect_lt(rel_diff(coef(fit), coef(fx)), 1e-8)
})

test_that("tibble, data.table, Chinese names, factor and character ids give the same fit", {
  d <- make_panel(n_id = 30, n_t = 5, seed = 403)
  base <- twfe(y ~ treat + x1 | id + year, data = d)
  d2 <- data.table::as.data.table(d)
  expect_equal(coef(twfe(y ~ treat + x1 | id + year, data = d2)), coef(base))
  d3 <- d
  names(d3)[names(d3) == "y"] <- "\u65b0\u8d28\u751f\u4ea7\u529b"
  d3$id <- paste0("\u57ce\u5e02", d3$id)
  f3 <- stats::as.formula(paste0("`", names(d3)[names(d3) != names(d)][1], "` ~ treat + x1 | id + year"))
  fit3 <- twfe(f3, data = d3)
  expect_equal(coef(fit3), coef(base))
  expect_equal(vcov(fit3), vcov(base))
  d4 <- d
  d4$id <- factor(d4$id)
  expect_equal(vcov(twfe(y ~ treat + x1 | id + year, data = d4)), vcov(base))
  d5 <- d
  d5$year <- as.Date(paste0(d5$year, "-01-01"))
  expect_equal(coef(twfe(y ~ treat + x1 | id + year, data = d5)), coef(base))
})

test_that("a single cluster, no treated unit and a dropped treatment are clear", {
  d <- make_panel(n_id = 30, n_t = 5, seed = 404)
  expect_error(twfe(y ~ treat | id + year, data = d[d$id == 1, ], cluster = ~id), "single level",
               class = "pilotdid_error_input")
  d$treat0 <- 0
  fit <- suppressMessages(twfe(y ~ treat0 + x1 | id + year, data = d))
  expect_equal(names(coef(fit)), "x1")
  expect_error(placebo_test(fit, n = 10, seed = 1), "dropped", class = "pilotdid_error_input")
})

test_that("tiny weights and huge regressors are rescaled or refused, never silently wrong", {
  d <- make_panel(n_id = 30, n_t = 5, seed = 405)
  w <- stats::runif(nrow(d), 0.5, 2)
  base <- twfe(y ~ treat + x1 | id + year, data = d, weights = w)
  expect_message(tiny <- twfe(y ~ treat + x1 | id + year, data = d, weights = w * 1e-300), "Divided")
  expect_equal(coef(tiny), coef(base), tolerance = 1e-10)
  expect_equal(vcov(tiny), vcov(base), tolerance = 1e-10)
  d$x1[1] <- 1e300
  expect_error(twfe(y ~ treat + x1 | id + year, data = d), "above 1e150", class = "pilotdid_error_input")
})

test_that("awkward arguments across verbs get classed errors that name them", {
  d <- make_panel(n_id = 30, n_t = 5, seed = 406)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  d$c0 <- 1
  empty <- suppressMessages(twfe(y ~ c0 | id + year, data = d))
  expect_named(tidy(empty), c("term", "estimate", "std.error", "statistic", "p.value", "conf.low", "conf.high"))
  expect_snapshot(error = TRUE, {
    twfe(y ~ . | id + year, data = d)
    placebo_test(fit, n = 3e9)
    placebo_test(fit, n = 10, seed = NA)
    simulate_panel(n_id = 10, n_t = 5, cohorts = 2030, seed = 1)
    simulate_panel(n_id = 10, n_t = 5, share_treated = 1.5, seed = 1)
    sun_abraham(y ~ 1 | id + year, data = d, cohort = "cohort", foo = 1)
    twfe_steps(y ~ treat | id + year, controls = c("treat", "x1"), data = d)
    tidy(fit, conf.level = 2)
  })
})

test_that("integer64 columns (data.table::fread, databases) give the results of plain numbers", {
  skip_if_not_installed("bit64")
  d <- make_panel(n_id = 30, n_t = 5, seed = 411)
  d$cl <- d$id %% 7
  d$cl[c(3, 9)] <- NA
  d$xi <- round(d$x1 * 1000)
  d64 <- d
  d64$id <- bit64::as.integer64(d$id) + bit64::as.integer64("9000000000000000")
  for (v in c("year", "cl", "xi")) d64[[v]] <- bit64::as.integer64(d[[v]])
  ref <- suppressMessages(twfe(y ~ treat + xi | id + year, data = d, cluster = ~cl))
  expect_message(fit <- twfe(y ~ treat + xi | id + year, data = d64, cluster = ~cl), "cl \\(2\\)")
  expect_equal(coef(fit), coef(ref), tolerance = 1e-12)
  expect_equal(vcov(fit), vcov(ref), tolerance = 1e-12)
  # bit64's NA is a double 0 when unclassed: a missing cluster must not join cluster 0
  expect_equal(fit$n_clusters, ref$n_clusters)
  expect_equal(unname(fit$n_clusters), 7L)
  # identifiers beyond 2^53 keep their identity (read as character, with a note)
  d64$big <- bit64::as.integer64("123456789012345678") + bit64::as.integer64(d$id)
  d$big <- as.character(d64$big)
  expect_message(f2 <- twfe(y ~ treat | big + year, data = d64), "beyond 2\\^53")
  expect_equal(vcov(f2), vcov(twfe(y ~ treat | big + year, data = d, cluster = ~big)), tolerance = 1e-12)
  expect_error(suppressMessages(twfe(big ~ treat | id + year, data = d64)), "must be numeric",
               class = "pilotdid_error_input")
})

test_that("weights named by a string are the column's weights", {
  d <- simulate_panel(n_id = 30, n_t = 6, seed = 41)
  d$w <- 1 + (d$id %% 3)
  a <- twfe(y ~ treat + x1 | id + year, data = d, weights = "w")
  b <- twfe(y ~ treat + x1 | id + year, data = d, weights = ~w)
  expect_equal(coef(a), coef(b))
  expect_equal(vcov(a), vcov(b))
  expect_error(twfe(y ~ treat | id + year, data = d, weights = "nope"), "nope", class = "pilotdid_error_input")
})

test_that("an outcome constant within the fixed effects is an error, not zero estimates with tiny SEs", {
  d <- make_panel(n_id = 20, n_t = 5, seed = 412)
  d$yc <- 5
  expect_error(twfe(yc ~ treat + x1 | id + year, data = d), "constant within the fixed effects",
               class = "pilotdid_error_input")
  d$yu <- d$id * 2   # varies across units only: absorbed by the unit effects
  expect_error(twfe(yu ~ treat + x1 | id + year, data = d), "yu.*constant within the fixed effects",
               class = "pilotdid_error_input")
  # a little variation left is a regular fit
  d$yu[1] <- d$yu[1] + 1
  expect_equal(nobs(twfe(yu ~ treat + x1 | id + year, data = d)), nrow(d))
})
