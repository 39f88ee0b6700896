# entropy_index() on awkward input: each case a result equal to the base-R
# reference (helper-entropy.R) or to the same call on clean input, or a
# classed error naming the problem.

test_that("data.table input and Chinese indicator names give the reference weights and scores", {
  d <- make_indicators(seed = 541)
  ref <- entropy_reference(d[c("x1", "x2", "x3")])
  base <- entropy_index(d, c("x1", "x2", "x3"))
  expect_equal(base$scores$score, ref$score, ignore_attr = TRUE)
  dt <- entropy_index(data.table::as.data.table(d), c("x1", "x2", "x3"))
  expect_equal(dt$scores$score, ref$score, ignore_attr = TRUE)
  expect_equal(dt$weights, base$weights)
  d2 <- d
  names(d2)[3:5] <- c("\u7ecf\u6d4e", "\u521b\u65b0", "\u7eff\u8272")
  d2$city <- paste0("\u57ce\u5e02", d2$id)
  zh <- entropy_index(d2, c("\u7ecf\u6d4e", "\u521b\u65b0", "\u7eff\u8272"))
  expect_equal(zh$scores$score, base$scores$score)
  expect_equal(unname(zh$weights$weight), unname(base$weights$weight))
  d3 <- d
  d3$x3 <- as.integer(d3$x3)
  expect_equal(entropy_index(d3, c("x1", "x2", "x3"))$scores$score, ref$score, ignore_attr = TRUE)
  skip_if_not_installed("tibble")
  expect_equal(entropy_index(tibble::as_tibble(d), c("x1", "x2", "x3"))$scores$score, ref$score,
               ignore_attr = TRUE)
})

test_that("NA and NaN fail by default and are dropped with na = \"omit\", as the call without the row", {
  d <- make_indicators(seed = 542)
  ref <- entropy_reference(d[-6, c("x1", "x2", "x3")])
  for (v in c(NA, NaN)) {
    d1 <- d
    d1$x2[6] <- v
    expect_error(entropy_index(d1, c("x1", "x2", "x3")), "Missing", class = "pilotdid_error_input")
    fit <- suppressMessages(entropy_index(d1, c("x1", "x2", "x3"), na = "omit"))
    expect_true(is.na(fit$scores$score[6]))
    expect_equal(fit$scores$score[-6], ref$score, ignore_attr = TRUE)
  }
})

test_that("Inf, a constant or character indicator, unknown columns, one row and bad shift are classed errors", {
  d <- make_indicators(seed = 543)
  inf <- d
  inf$x1[2] <- Inf
  expect_error(entropy_index(inf, c("x1", "x2", "x3")), "finite", class = "pilotdid_error_input")
  expect_error(entropy_index(inf, c("x1", "x2", "x3"), na = "omit"), "finite", class = "pilotdid_error_input")
  const <- transform(d, x1 = 3)
  expect_error(entropy_index(const, c("x1", "x2", "x3")), "constant", class = "pilotdid_error_input")
  chr <- transform(d, x1 = as.character(x1))
  expect_error(entropy_index(chr, c("x1", "x2", "x3")), "numeric", class = "pilotdid_error_input")
  for (s in list(-1, NA, Inf, "a", c(0, 1))) {
    expect_error(entropy_index(d, c("x1", "x2", "x3"), shift = s), "shift", class = "pilotdid_error_input")
  }
  expect_snapshot(error = TRUE, {
    entropy_index(inf, c("x1", "x2", "x3"))
    entropy_index(const, c("x1", "x2", "x3"))
    entropy_index(chr, c("x1", "x2", "x3"))
    entropy_index(d, c("x1", "x2", "x9"))
    entropy_index(d[1, ], c("x1", "x2", "x3"))
    entropy_index(d, c("x1", "x2", "x3"), shift = -1)
    entropy_index(d, c("x1", "x2", "x3"), na = "drop")
  })
})

test_that("NA in a `by` column fails naming it", {
  d <- make_indicators(seed = 544)
  d$year[1] <- NA
  expect_error(entropy_index(d, c("x1", "x2", "x3"), by = "year"), "year", class = "pilotdid_error_input")
})

test_that("integer64 indicators give the reference weights", {
  skip_if_not_installed("bit64")
  d <- make_indicators(seed = 549)
  d$x3 <- round(d$x3 * 100)
  ref <- entropy_reference(d[c("x1", "x2", "x3")])
  a <- entropy_index(to_integer64(d, "x3"), c("x1", "x2", "x3"))
  expect_equal(a$scores$score, ref$score, ignore_attr = TRUE)
})
