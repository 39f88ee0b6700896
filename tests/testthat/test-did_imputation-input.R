# did_imputation() on awkward input: each case a result equal to the same call
# on clean input, or a classed error naming the problem.

input_impute <- function(seed = 521) make_staggered(n_id = 40, n_t = 6, cohorts = c(2012, 2014), seed = seed)

test_that("data.table input, Chinese names and values, factor/character/integer ids give the same estimates", {
  d <- input_impute()
  base <- did_imputation(y ~ 1 | id + year, data = d, cohort = "cohort", horizon = TRUE)
  expect_equal(did_imputation(y ~ 1 | id + year, data = data.table::as.data.table(d), cohort = "cohort",
                              horizon = TRUE)$estimates, base$estimates)
  d2 <- d
  names(d2)[names(d2) == "y"] <- "\u4ea7\u51fa"
  names(d2)[names(d2) == "cohort"] <- "\u6279\u6b21"
  d2$id <- factor(paste0("\u57ce\u5e02", d2$id))
  d2$prov <- paste0("\u7701", d2$id)
  zh <- did_imputation(stats::as.formula("`\u4ea7\u51fa` ~ 1 | id + year"), data = d2, cohort = "\u6279\u6b21",
                       horizon = TRUE, cluster = "prov")
  expect_equal(zh$estimates, base$estimates)
  d3 <- d
  d3$id <- as.character(d3$id)
  d3$year <- as.integer(d3$year)
  expect_equal(did_imputation(y ~ 1 | id + year, data = d3, cohort = "cohort", horizon = TRUE)$estimates,
               base$estimates)
  skip_if_not_installed("tibble")
  expect_equal(did_imputation(y ~ 1 | id + year, data = tibble::as_tibble(d), cohort = "cohort",
                              horizon = TRUE)$estimates, base$estimates)
})

test_that("NA, NaN or Inf in the outcome, unit or time drops the row, as the call without it", {
  d <- input_impute(522)
  ref <- did_imputation(y ~ 1 | id + year, data = d[-9, ], cohort = "cohort", horizon = TRUE)
  for (role in c("y", "id", "year")) {
    for (v in list(NA, NaN, Inf)) {
      if (role != "y" && !identical(v, NA)) next
      d1 <- d
      d1[[role]][9] <- v
      fit <- suppressMessages(did_imputation(y ~ 1 | id + year, data = d1, cohort = "cohort", horizon = TRUE))
      expect_equal(fit$estimates, ref$estimates)
    }
  }
  for (v in c(NaN, 0, Inf)) {
    d1 <- d
    d1$cohort[is.na(d1$cohort)] <- v
    expect_equal(did_imputation(y ~ 1 | id + year, data = d1, cohort = "cohort")$estimates,
                 did_imputation(y ~ 1 | id + year, data = d, cohort = "cohort")$estimates)
  }
})

test_that("a single cluster, an NA cluster, duplicate rows, no treated and all treated units are classed errors", {
  d <- input_impute(523)
  d$one <- 1
  expect_error(did_imputation(y ~ 1 | id + year, data = d, cohort = "cohort", cluster = "one"), "single cluster",
               class = "pilotdid_error_input")
  expect_error(did_imputation(y ~ 1 | id + year, data = d[d$id == d$id[1], ], cohort = "cohort"),
               class = "pilotdid_error_input")
  d$cl <- d$id %% 5
  d$cl[1] <- NA
  expect_error(did_imputation(y ~ 1 | id + year, data = d, cohort = "cohort", cluster = "cl"), "missing",
               class = "pilotdid_error_input")
  dup <- rbind(d, d[5, ])
  expect_error(did_imputation(y ~ 1 | id + year, data = dup, cohort = "cohort"), "duplicated",
               class = "pilotdid_error_input")
  none <- transform(d, cohort = NA)
  expect_error(did_imputation(y ~ 1 | id + year, data = none, cohort = "cohort"), "No observation is treated",
               class = "pilotdid_error_input")
  all1 <- transform(d, cohort = 2012)
  expect_error(suppressMessages(did_imputation(y ~ 1 | id + year, data = all1, cohort = "cohort")), "imputed",
               class = "pilotdid_error_input")
  expect_snapshot(error = TRUE, {
    did_imputation(y ~ 1 | id + year, data = d, cohort = "cohort", cluster = "one")
    did_imputation(y ~ 1 | id + year, data = d, cohort = "cohort", cluster = "cl")
    did_imputation(y ~ 1 | id + year, data = dup, cohort = "cohort")
    did_imputation(y ~ 1 | id + year, data = none, cohort = "cohort")
    did_imputation(y ~ 1 | id + year, data = d, cohort = "cohort", cluster = "nope")
  })
})

test_that("bad level, horizon and pretrends are classed errors naming them", {
  d <- input_impute(524)
  for (lv in list(0, 1, NA, "0.9")) {
    expect_error(did_imputation(y ~ 1 | id + year, data = d, cohort = "cohort", level = lv), "level",
                 class = "pilotdid_error_input")
  }
  expect_snapshot(error = TRUE, {
    did_imputation(y ~ 1 | id + year, data = d, cohort = "cohort", level = 1.5)
    did_imputation(y ~ 1 | id + year, data = d, cohort = "cohort", horizon = c(0, NA))
    did_imputation(y ~ 1 | id + year, data = d, cohort = "cohort", horizon = -1)
    did_imputation(y ~ 1 | id + year, data = d, cohort = "cohort", pretrends = NA)
  })
})

test_that("integer64 id, time and cohort columns give the same estimates", {
  skip_if_not_installed("bit64")
  d <- input_impute(529)
  base <- did_imputation(y ~ x1 | id + year, data = d, cohort = "cohort", horizon = TRUE)
  a <- did_imputation(y ~ x1 | id + year, data = to_integer64(d, c("id", "year", "cohort")), cohort = "cohort",
                      horizon = TRUE)
  expect_equal(a$estimates, base$estimates, tolerance = 1e-12)
})

test_that("bad weights are classed errors naming weights; NA weights on rows that leave the sample are fine", {
  d <- input_impute(530)
  d$w <- 1 + (d$id %% 3)
  d2 <- d
  d2$y[3] <- NA
  d2$w[3] <- NA
  a <- suppressMessages(did_imputation(y ~ 1 | id + year, data = d2, cohort = "g", weights = ~w, horizon = TRUE))
  b <- did_imputation(y ~ 1 | id + year, data = d[-3, ], cohort = "g", weights = ~w, horizon = TRUE)
  expect_equal(a$estimates, b$estimates)
  bad <- function(w) {
    d$w <- w
    did_imputation(y ~ 1 | id + year, data = d, cohort = "g", weights = ~w)
  }
  expect_error(bad(replace(d$w, 5, NA)), "weights.*missing", class = "pilotdid_error_input")
  expect_error(bad(replace(d$w, 5, -1)), "weights.*negative", class = "pilotdid_error_input")
  expect_error(bad(replace(d$w, 5, Inf)), "weights.*infinite", class = "pilotdid_error_input")
  expect_error(bad(0 * d$w), "all zero", class = "pilotdid_error_input")
  # zero weights drop their rows, with a note
  expect_message(z <- bad(replace(d$w, 5, 0)), "zero weight")
  expect_equal(z$estimates, did_imputation(y ~ 1 | id + year, data = d[-5, ], cohort = "g", weights = ~w)$estimates)
  expect_snapshot(error = TRUE, bad(replace(d$w, 5, -1)))
})
