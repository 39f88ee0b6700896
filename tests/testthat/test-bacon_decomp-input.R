# bacon_decomp() on awkward input: each case a result equal to the same call
# on clean input, or a classed error naming the problem.

input_bacon <- function(seed = 531) make_staggered(n_id = 40, n_t = 6, cohorts = c(2012, 2014), seed = seed)

test_that("data.table input, Chinese names and values, factor/character ids and a logical treatment give the same table", {
  d <- input_bacon()
  base <- bacon_decomp(y ~ treat | id + year, data = d)
  expect_equal(tidy(bacon_decomp(y ~ treat | id + year, data = data.table::as.data.table(d))), tidy(base))
  d2 <- d
  names(d2)[names(d2) == "y"] <- "\u4ea7\u51fa"
  names(d2)[names(d2) == "treat"] <- "\u8bd5\u70b9"
  d2$id <- paste0("\u57ce\u5e02", d2$id)
  zh <- bacon_decomp(stats::as.formula("`\u4ea7\u51fa` ~ `\u8bd5\u70b9` | id + year"), data = d2)
  expect_equal(tidy(zh), tidy(base))
  d3 <- d
  d3$id <- factor(d3$id)
  d3$treat <- d3$treat == 1
  expect_equal(tidy(bacon_decomp(y ~ treat | id + year, data = d3)), tidy(base))
  skip_if_not_installed("tibble")
  expect_equal(tidy(bacon_decomp(y ~ treat | id + year, data = tibble::as_tibble(d))), tidy(base))
})

test_that("NA, NaN or Inf in the outcome, treatment, unit or time drops that unit, as the call without it", {
  d <- input_bacon(532)
  ref <- bacon_decomp(y ~ treat | id + year, data = d[d$id != d$id[4], ])
  for (role in c("y", "treat", "id", "year")) {
    for (v in list(NA, NaN, Inf)) {
      if (!role %in% c("y", "treat") && !identical(v, NA)) next
      d1 <- d
      d1[[role]][4] <- v
      expect_equal(tidy(suppressMessages(bacon_decomp(y ~ treat | id + year, data = d1))), tidy(ref))
    }
  }
})

test_that("duplicate rows, a non 0/1 or switching treatment, no treated and all treated units are classed errors", {
  d <- input_bacon(533)
  dup <- rbind(d, d[5, ])
  expect_error(bacon_decomp(y ~ treat | id + year, data = dup), "duplicated", class = "pilotdid_error_input")
  half <- d
  half$treat[half$treat == 1] <- 0.5
  expect_error(bacon_decomp(y ~ treat | id + year, data = half), "0/1", class = "pilotdid_error_input")
  off <- d
  off$treat[which(off$cohort %in% 2012 & off$year == 2013)[1]] <- 0
  expect_error(bacon_decomp(y ~ treat | id + year, data = off), "switches off", class = "pilotdid_error_input")
  none <- transform(d, treat = 0)
  expect_error(bacon_decomp(y ~ treat | id + year, data = none), "never varies", class = "pilotdid_error_input")
  all1 <- transform(d, treat = 1)
  expect_error(bacon_decomp(y ~ treat | id + year, data = all1), "never varies", class = "pilotdid_error_input")
  expect_snapshot(error = TRUE, {
    bacon_decomp(y ~ treat | id + year, data = dup)
    bacon_decomp(y ~ treat | id + year, data = half)
    bacon_decomp(y ~ treat | id + year, data = off)
    bacon_decomp(y ~ treat | id + year, data = none)
    bacon_decomp(y ~ treat + x1 | id + year, data = d)
    bacon_decomp(y ~ treat | id + year, data = "d")
  })
})

test_that("bad weights are classed errors: missing, negative, infinite, varying within units", {
  d <- simulate_panel(n_id = 30, n_t = 6, cohorts = c(2012, 2014), seed = 14)
  d$w <- 1 + (d$id %% 2)
  bad <- function(w) {
    d$w <- w
    bacon_decomp(y ~ treat | id + year, data = d, weights = ~w)
  }
  expect_error(bad(replace(d$w, 4, NA)), "weights.*missing", class = "pilotdid_error_input")
  expect_error(bad(replace(d$w, d$id == 2, -1)), "weights.*negative", class = "pilotdid_error_input")
  expect_error(bad(replace(d$w, d$id == 2, Inf)), "weights.*infinite", class = "pilotdid_error_input")
  expect_error(bad(d$w + (d$year == 2012)), "constant per unit", class = "pilotdid_error_input")
  # a unit leaving the balanced panel (missing outcome) may have a missing weight
  d2 <- d
  d2$y[d2$id == 1 & d2$year == 2011] <- NA
  d2$w[d2$id == 1] <- NA
  expect_equal(suppressMessages(bacon_decomp(y ~ treat | id + year, data = d2, weights = ~w))$two_by_two,
               bacon_decomp(y ~ treat | id + year, data = d[d$id != 1, ], weights = ~w)$two_by_two)
})
