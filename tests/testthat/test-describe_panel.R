# describe_panel(): statistics by hand, layout by snapshot.

test_that("N, mean, SD, min and max equal the hand computation, missing values left out", {
  d <- make_panel(n_id = 30, n_t = 5, seed = 61)
  d$x1[c(2, 9)] <- NA
  ds <- describe_panel(d, c("y", "treat", "x1"))
  expect_s3_class(ds, "pilotdid_describe_panel")
  expect_equal(ds$variable, c("y", "treat", "x1"))
  expect_equal(ds$n, c(150L, 150L, 148L))
  x <- d$x1[!is.na(d$x1)]
  expect_equal(unlist(ds[3, c("mean", "sd", "min", "max")]), c(mean = mean(x), sd = sd(x), min = min(x), max = max(x)))
  expect_equal(ds$mean[2], mean(d$treat))
  gl <- glance(ds)
  expect_equal(gl$nobs, 150L)
  expect_equal(gl$complete, 148L)
  expect_false(inherits(tidy(ds), "pilotdid_describe_panel"))
})

test_that("labels and groups, given as lists or vectors, order and label the rows", {
  d <- make_panel(n_id = 30, n_t = 5, seed = 62)
  ds <- describe_panel(d, c("x1", "y", "treat", "x2"), labels = c(y = "Outcome", treat = "Pilot x post"),
                       groups = list(Dependent = "y", Treatment = "treat", Controls = c("x1", "x2")))
  expect_equal(ds$variable, c("x1", "x2", "y", "treat"))
  expect_equal(ds$group, c("Controls", "Controls", "Dependent", "Treatment"))
  expect_equal(ds$label, c("", "", "Outcome", "Pilot x post"))
  same <- describe_panel(d, c("x1", "y", "treat", "x2"), groups = c("Controls", "Dependent", "Treatment", "Controls"))
  expect_equal(same$variable, ds$variable)
})

test_that("the table prints in every format and in Chinese", {
  d <- make_panel(n_id = 30, n_t = 5, seed = 63)
  ds <- describe_panel(d, c("y", "treat", "x1"), labels = c("Outcome", "Pilot city x post", "Control 1"),
                       groups = c("Dependent", "Treatment", "Controls"))
  expect_snapshot({
    print(ds)
    print(ds, format = "markdown", lang = "zh")
    print(ds, format = "latex", digits = 2)
    print(ds, format = "html")
  })
  expect_identical(format(ds, "markdown")[1], "| Type | Variable | Label | N | Mean | SD | Min | Max |")
})

test_that("knit_print() renders the table for the document", {
  skip_if_not_installed("knitr")
  d <- make_panel(n_id = 20, n_t = 5, seed = 65)
  out <- knitr::knit_print(describe_panel(d, c("y", "x1")))
  expect_s3_class(out, "knit_asis")
  expect_match(out, "| y | 100 |", fixed = TRUE)
})

test_that("bad input gives clear errors", {
  d <- make_panel(n_id = 20, n_t = 5, seed = 64)
  d$name <- as.character(d$id)
  expect_snapshot(error = TRUE, {
    describe_panel(d, c("y", "nope"))
    describe_panel(d, c("y", "name"))
    describe_panel(d, "y", labels = c(x1 = "Control"))
    describe_panel(d, c("y", "x1"), groups = "one")
  })
  expect_error(describe_panel(as.list(d), "y"), class = "pilotdid_error_input")
})

test_that("infinite values are left out with a note saying how many", {
  d <- data.frame(a = c(1, 2, Inf, 4), b = c(1, -Inf, 3, 4))
  expect_message(ds <- describe_panel(d, c("a", "b")), "a \\(1\\), b \\(1\\)")
  expect_equal(ds$n, c(3L, 3L))
  expect_equal(ds$mean[1], mean(c(1, 2, 4)))
})
