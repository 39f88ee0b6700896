# att_gt() and aggregate() on awkward input: each case a result equal to the
# same call on clean input, or a classed error naming the problem.

input_staggered <- function(seed = 501) make_staggered(n_id = 40, n_t = 6, cohorts = c(2012, 2014), seed = seed)

test_that("data.table input, Chinese names and values, factor/character/integer ids give the same estimates", {
  d <- input_staggered()
  base <- att_gt(y ~ 1 | id + year, data = d, cohort = "cohort")
  expect_equal(tidy(att_gt(y ~ 1 | id + year, data = data.table::as.data.table(d), cohort = "cohort")), tidy(base))
  d2 <- d
  names(d2)[names(d2) == "y"] <- "\u4ea7\u51fa"
  names(d2)[names(d2) == "cohort"] <- "\u6279\u6b21"
  d2$id <- factor(paste0("\u57ce\u5e02", d2$id))
  zh <- att_gt(stats::as.formula("`\u4ea7\u51fa` ~ 1 | id + year"), data = d2, cohort = "\u6279\u6b21")
  expect_equal(tidy(zh)$estimate, tidy(base)$estimate)
  expect_equal(tidy(zh)$std.error, tidy(base)$std.error)
  d3 <- d
  d3$id <- as.character(d3$id)
  d3$year <- as.integer(d3$year)
  expect_equal(tidy(att_gt(y ~ 1 | id + year, data = d3, cohort = "cohort")), tidy(base))
  skip_if_not_installed("tibble")
  expect_equal(tidy(att_gt(y ~ 1 | id + year, data = tibble::as_tibble(d), cohort = "cohort")), tidy(base))
})

test_that("NA, NaN or Inf in the outcome, unit or time drops that unit, as att_gt() without it, and counts it", {
  d <- input_staggered(502)
  bad_unit <- d$id[3]
  ref <- att_gt(y ~ 1 | id + year, data = d[d$id != bad_unit, ], cohort = "cohort")
  for (role in c("y", "id", "year")) {
    for (v in list(NA, NaN, Inf)) {
      if (role != "y" && !identical(v, NA)) next
      d1 <- d
      d1[[role]][3] <- v
      fit <- suppressMessages(att_gt(y ~ 1 | id + year, data = d1, cohort = "cohort"))
      expect_equal(tidy(fit), tidy(ref))
      expect_equal(fit$dropped_units, 1L)
    }
  }
  msgs <- testthat::capture_messages(att_gt(y ~ 1 | id + year, data = transform(d, y = replace(y, 3, Inf)),
                                            cohort = "cohort"))
  expect_match(paste(msgs, collapse = ""), "Dropped 1 unit")
})

test_that("NA, NaN, 0 and Inf in the cohort all mean never treated", {
  d <- input_staggered(503)
  base <- att_gt(y ~ 1 | id + year, data = d, cohort = "cohort")
  for (v in c(NaN, 0, Inf)) {
    d1 <- d
    d1$cohort[is.na(d1$cohort)] <- v
    expect_equal(tidy(att_gt(y ~ 1 | id + year, data = d1, cohort = "cohort")), tidy(base))
  }
})

test_that("duplicate rows, bad cohorts, no treated and all treated units are classed errors", {
  d <- input_staggered(504)
  dup <- rbind(d, d[5, ])
  expect_error(att_gt(y ~ 1 | id + year, data = dup, cohort = "cohort"), "duplicated", class = "pilotdid_error_input")
  d1 <- d
  d1$cohort <- NA
  expect_error(att_gt(y ~ 1 | id + year, data = d1, cohort = "cohort"), "No unit adopts", class = "pilotdid_error_input")
  d2 <- d
  d2$cohort <- 2012
  expect_error(suppressMessages(att_gt(y ~ 1 | id + year, data = d2, cohort = "cohort")), class = "pilotdid_error_input")
  d3 <- d
  d3$cohort[which(!is.na(d3$cohort))[1]] <- 2013
  expect_error(att_gt(y ~ 1 | id + year, data = d3, cohort = "cohort"), "varies", class = "pilotdid_error_input")
  d4 <- d
  d4$cohort <- as.character(d4$cohort)
  expect_error(att_gt(y ~ 1 | id + year, data = d4, cohort = "cohort"), "numeric", class = "pilotdid_error_input")
  expect_snapshot(error = TRUE, {
    att_gt(y ~ 1 | id + year, data = dup, cohort = "cohort")
    att_gt(y ~ 1 | id + year, data = d1, cohort = "cohort")
    att_gt(y ~ 1 | id + year, data = d3, cohort = "cohort")
    att_gt(y ~ 1 | id + year, data = d4, cohort = "cohort")
    att_gt(y ~ 1 | id + year, data = d, cohort = "nope")
  })
})

test_that("bad level, n, seed and type in att_gt() and aggregate() are classed errors naming them", {
  d <- input_staggered(505)
  fit <- att_gt(y ~ 1 | id + year, data = d, cohort = "cohort")
  for (lv in list(1.5, 0, NA, "0.9", c(0.9, 0.95))) {
    expect_error(att_gt(y ~ 1 | id + year, data = d, cohort = "cohort", level = lv), "level",
                 class = "pilotdid_error_input")
    expect_error(aggregate(fit, "dynamic", level = lv), "level", class = "pilotdid_error_input")
  }
  for (s in list(NA, "a", 2^40, 1.5)) {
    expect_error(aggregate(fit, "dynamic", cband = TRUE, n = 50, seed = s), "seed", class = "pilotdid_error_input")
  }
  expect_error(aggregate(fit, "dynamic", cband = TRUE, n = 3e9, seed = 1), "n", class = "pilotdid_error_input")
  expect_snapshot(error = TRUE, {
    att_gt(y ~ 1 | id + year, data = d, cohort = "cohort", level = 1.5)
    aggregate(fit, "dynamic", level = 2)
    aggregate(fit, "dynamic", cband = TRUE, n = 3e9, seed = 1)
    aggregate(fit, "dynamic", cband = TRUE, n = 50, seed = NA)
    aggregate(fit, "weekly")
  })
})

test_that("integer64 id, time and cohort columns give the same estimates", {
  skip_if_not_installed("bit64")
  d <- input_staggered(509)
  base <- att_gt(y ~ x1 | id + year, data = d, cohort = "cohort")
  a <- att_gt(y ~ x1 | id + year, data = to_integer64(d, c("id", "year", "cohort")), cohort = "cohort")
  expect_equal(tidy(a), tidy(base), tolerance = 1e-12)
  expect_equal(tidy(aggregate(a, "dynamic")), tidy(aggregate(base, "dynamic")), tolerance = 1e-12)
})

test_that("bad weights are classed errors naming weights; NA weights on rows that leave the sample are fine", {
  d <- make_staggered(n_id = 40, n_t = 6, cohorts = c(2012, 2014), seed = 31)
  d$w <- 1 + (d$id %% 3)
  # a unit with a missing outcome leaves the balanced panel: its weight may be NA
  gone <- d$id == d$id[1]
  d2 <- d
  d2$y[gone & d2$year == 2011] <- NA
  d2$w[gone] <- NA
  a <- suppressMessages(att_gt(y ~ 1 | id + year, data = d2, cohort = "g", weights = ~w))
  b <- att_gt(y ~ 1 | id + year, data = d[!gone, ], cohort = "g", weights = ~w)
  expect_equal(a$estimates, b$estimates)
  bad <- function(w) {
    d$w <- w
    att_gt(y ~ 1 | id + year, data = d, cohort = "g", weights = ~w)
  }
  expect_error(bad(replace(d$w, 5, NA)), "weights.*missing", class = "pilotdid_error_input")
  expect_error(bad(replace(d$w, d$id == 2, -1)), "weights.*negative", class = "pilotdid_error_input")
  expect_error(bad(replace(d$w, d$id == 2, Inf)), "weights.*infinite", class = "pilotdid_error_input")
  expect_error(bad(d$w + (d$year == 2011)), "constant per unit", class = "pilotdid_error_input")
  expect_error(bad(0 * d$w), "all zero", class = "pilotdid_error_input")
  expect_error(att_gt(y ~ 1 | id + year, data = d, cohort = "g", weights = ~nope), "nope",
               class = "pilotdid_error_input")
  expect_error(att_gt(y ~ 1 | id + year, data = d, cohort = "g", weights = 1:3), "weights",
               class = "pilotdid_error_input")
  expect_snapshot(error = TRUE, bad(d$w + (d$year == 2011)))
})
