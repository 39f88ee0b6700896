# describe_panel() on awkward input: each case statistics equal to the hand
# computation or to the same call on clean input, or a classed error naming
# the problem.

test_that("data.table input, Chinese names and labels, integer and logical columns give the hand statistics", {
  d <- make_panel(n_id = 20, n_t = 4, seed = 551)
  base <- describe_panel(d, c("y", "x1"))
  expect_equal(as.data.frame(describe_panel(data.table::as.data.table(d), c("y", "x1"))), as.data.frame(base))
  d2 <- d
  names(d2)[names(d2) == "y"] <- "\u4ea7\u51fa"
  zh <- describe_panel(d2, c("\u4ea7\u51fa", "x1"), labels = c("\u4ea7\u51fa" = "\u5730\u533a\u751f\u4ea7\u603b\u503c"))
  expect_equal(zh$variable, c("\u4ea7\u51fa", "x1"))
  expect_equal(zh$label[1], "\u5730\u533a\u751f\u4ea7\u603b\u503c")
  expect_equal(zh$mean, base$mean)
  d3 <- d
  d3$b <- d3$treat == 1
  d3$k <- as.integer(d3$id)
  ds <- describe_panel(d3, c("b", "k"))
  expect_equal(ds$mean, c(mean(d3$treat), mean(d3$id)))
  expect_equal(ds$sd, c(stats::sd(d3$treat), stats::sd(d3$id)))
  expect_equal(ds$n, c(80L, 80L))
  skip_if_not_installed("tibble")
  expect_equal(as.data.frame(describe_panel(tibble::as_tibble(d), c("y", "x1"))), as.data.frame(base))
})

test_that("NA and NaN are left out, Inf is left out with a note, an all-missing column has n = 0", {
  d <- make_panel(n_id = 20, n_t = 4, seed = 552)
  x <- d$y[-c(1, 2, 3)]
  d$y[1:3] <- c(NA, NaN, Inf)
  expect_message(ds <- describe_panel(d, c("y", "x1")), "infinite")
  expect_equal(ds$n, c(77L, 80L))
  expect_equal(unlist(ds[1, c("mean", "sd", "min", "max")]),
               c(mean = mean(x), sd = stats::sd(x), min = min(x), max = max(x)))
  d$z <- NA_real_
  expect_equal(describe_panel(d, c("z", "x1"))$n, c(0L, 80L))
})

test_that("non-numeric or unknown columns and bad vars, labels or groups are classed errors", {
  d <- make_panel(n_id = 20, n_t = 4, seed = 553)
  d$city <- paste0("\u57ce\u5e02", d$id)
  d$f <- factor(d$id)
  expect_error(describe_panel(d, c("y", "city")), "city", class = "pilotdid_error_input")
  expect_error(describe_panel(d, c("y", "f")), "numeric", class = "pilotdid_error_input")
  expect_error(describe_panel(d, c("y", "zz")), "zz", class = "pilotdid_error_input")
  expect_error(describe_panel(d, NA_character_), "vars", class = "pilotdid_error_input")
  expect_error(describe_panel(as.matrix(d[c("y", "x1")]), "y"), "data", class = "pilotdid_error_input")
  expect_snapshot(error = TRUE, {
    describe_panel(d, c("y", "city"))
    describe_panel(d, c("y", "zz"))
    describe_panel(d, character())
    describe_panel(list(y = 1:3), "y")
    describe_panel(d, c("y", "x1"), labels = 1:2)
    describe_panel(d, c("y", "x1"), groups = c("a", "b", "c"))
  })
})

test_that("an integer64 column gives the statistics of the same numbers", {
  skip_if_not_installed("bit64")
  d <- make_panel(n_id = 20, n_t = 4, seed = 559)
  d$xi <- round(d$x1 * 1000)
  d$xi[c(2, 7)] <- NA
  base <- describe_panel(d, c("y", "xi"))
  expect_equal(as.data.frame(describe_panel(to_integer64(d, "xi"), c("y", "xi"))), as.data.frame(base))
  expect_equal(base$n[2], nrow(d) - 2L)
})
