# sun_abraham() on awkward input: each case a result equal to the same call on
# clean input, or a classed error naming the problem.

input_sunab <- function(seed = 511) make_staggered(n_id = 40, n_t = 6, cohorts = c(2012, 2014), seed = seed)

test_that("the note on dropped rows does not count never-treated units (NA cohort) as dropped", {
  d <- input_sunab()
  d$y[3] <- NA
  msgs <- paste(testthat::capture_messages(sun_abraham(y ~ x1 | id + year, data = d, cohort = "cohort")),
                collapse = "")
  expect_match(msgs, "Dropped 1 row with missing or infinite values: y (1).", fixed = TRUE)
  expect_no_match(msgs, "cohort")
  msgs <- paste(testthat::capture_messages(did_imputation(y ~ 1 | id + year, data = d, cohort = "cohort")),
                collapse = "")
  expect_match(msgs, "values: y (1).", fixed = TRUE)
})

test_that("data.table input, Chinese names and values, factor/character ids give the same fit", {
  d <- input_sunab(512)
  base <- sun_abraham(y ~ x1 | id + year, data = d, cohort = "cohort")
  expect_equal(tidy(sun_abraham(y ~ x1 | id + year, data = data.table::as.data.table(d), cohort = "cohort")),
               tidy(base))
  d2 <- d
  names(d2)[names(d2) == "y"] <- "\u4ea7\u51fa"
  names(d2)[names(d2) == "cohort"] <- "\u6279\u6b21"
  d2$id <- paste0("\u57ce\u5e02", d2$id)
  zh <- sun_abraham(stats::as.formula("`\u4ea7\u51fa` ~ x1 | id + year"), data = d2, cohort = "\u6279\u6b21")
  expect_equal(tidy(zh), tidy(base))
  d3 <- d
  d3$id <- factor(d3$id)
  expect_equal(tidy(sun_abraham(y ~ x1 | id + year, data = d3, cohort = "cohort")), tidy(base))
  skip_if_not_installed("tibble")
  expect_equal(tidy(sun_abraham(y ~ x1 | id + year, data = tibble::as_tibble(d), cohort = "cohort")), tidy(base))
})

test_that("NA, NaN or Inf in the outcome or a control drops the row, as the fit without it", {
  d <- input_sunab(513)
  ref <- sun_abraham(y ~ x1 | id + year, data = d[-7, ], cohort = "cohort")
  for (role in c("y", "x1")) {
    for (v in c(NA, NaN, Inf, -Inf)) {
      d1 <- d
      d1[[role]][7] <- v
      fit <- suppressMessages(sun_abraham(y ~ x1 | id + year, data = d1, cohort = "cohort"))
      expect_equal(tidy(fit), tidy(ref))
      expect_equal(nobs(fit), nrow(d) - 1L)
    }
  }
  d1 <- d
  d1$cohort[is.na(d1$cohort)] <- 0
  expect_equal(tidy(sun_abraham(y ~ x1 | id + year, data = d1, cohort = "cohort")),
               tidy(sun_abraham(y ~ x1 | id + year, data = d, cohort = "cohort")))
})

test_that("duplicate rows, no treated, all treated, a single cluster and bad weights are classed errors", {
  d <- input_sunab(514)
  dup <- rbind(d, d[5, ])
  expect_error(sun_abraham(y ~ x1 | id + year, data = dup, cohort = "cohort"), "duplicated",
               class = "pilotdid_error_input")
  none <- transform(d, cohort = NA)
  expect_error(sun_abraham(y ~ x1 | id + year, data = none, cohort = "cohort"), "No unit adopts",
               class = "pilotdid_error_input")
  all1 <- transform(d, cohort = 2012)
  expect_error(sun_abraham(y ~ x1 | id + year, data = all1, cohort = "cohort"), "no comparison group",
               class = "pilotdid_error_input")
  d$one <- 1
  expect_error(sun_abraham(y ~ x1 | id + year, data = d, cohort = "cohort", cluster = ~one), "single level",
               class = "pilotdid_error_input")
  w <- rep(c(1, Inf), length.out = nrow(d))
  expect_error(sun_abraham(y ~ x1 | id + year, data = d, cohort = "cohort", weights = w), "infinite",
               class = "pilotdid_error_input")
  expect_snapshot(error = TRUE, {
    sun_abraham(y ~ x1 | id + year, data = dup, cohort = "cohort")
    sun_abraham(y ~ x1 | id + year, data = none, cohort = "cohort")
    sun_abraham(y ~ x1 | id + year, data = all1, cohort = "cohort")
    sun_abraham(y ~ x1 | id + year, data = d, cohort = "cohort", cluster = ~one)
    sun_abraham(y ~ x1 | id + year, data = d, cohort = "cohort", weights = w)
  })
})

test_that("bad level and ref are classed errors naming them", {
  d <- input_sunab(515)
  for (lv in list(1, 1.5, NA, "0.95")) {
    expect_error(sun_abraham(y ~ x1 | id + year, data = d, cohort = "cohort", level = lv), "level",
                 class = "pilotdid_error_input")
  }
  expect_snapshot(error = TRUE, {
    sun_abraham(y ~ x1 | id + year, data = d, cohort = "cohort", level = 1.5)
    sun_abraham(y ~ x1 | id + year, data = d, cohort = "cohort", ref = NA)
    sun_abraham(y ~ x1 | id + year, data = d, cohort = "cohort", ref = -20)
  })
})

test_that("integer64 id, time, cohort and cluster columns give the same fit", {
  skip_if_not_installed("bit64")
  d <- input_sunab(519)
  d$cl <- d$id %% 6
  base <- sun_abraham(y ~ x1 | id + year, data = d, cohort = "cohort", cluster = ~cl)
  a <- sun_abraham(y ~ x1 | id + year, data = to_integer64(d, c("id", "year", "cohort", "cl")),
                   cohort = "cohort", cluster = ~cl)
  expect_equal(tidy(a), tidy(base), tolerance = 1e-12)
  expect_equal(vcov(a), vcov(base), tolerance = 1e-12)
})

test_that("rows dropped for a missing cluster are noted and the fit equals the one without them", {
  d <- input_sunab(520)
  d$cl <- d$id %% 6
  d$cl[c(3, 50, 101)] <- NA
  expect_message(a <- sun_abraham(y ~ x1 | id + year, data = d, cohort = "cohort", cluster = ~cl),
                 "Dropped 3 rows with missing or infinite values: cl (3).", fixed = TRUE)
  ref <- sun_abraham(y ~ x1 | id + year, data = d[!is.na(d$cl), ], cohort = "cohort", cluster = ~cl)
  expect_equal(nobs(a), nrow(d) - 3L)
  expect_equal(tidy(a), tidy(ref))
  expect_equal(vcov(a), vcov(ref))
})
