# did_table() on awkward input: each case a table equal to the one from clean
# input, a warning naming what is ignored, or a classed error naming the
# problem.

input_fits <- function(seed = 561) {
  d <- make_panel(n_id = 20, n_t = 4, seed = seed)
  list(d = d, a = twfe(y ~ treat + x1 | id + year, data = d), b = twfe(y ~ treat + x1 + x2 | id + year, data = d))
}

test_that("a misspelt name in controls warns, as one in keep does", {
  p <- input_fits()
  good <- did_table(p$a, p$b, controls = c("x1", "x2"))
  expect_warning(bad <- did_table(p$a, p$b, controls = c("x1", "x2", "x3")), "controls.*x3")
  expect_identical(format(bad), format(good))
  expect_warning(did_table(p$a, p$b, keep = c("treat", "x3")), "keep.*x3")
  expect_no_warning(did_table(p$a, p$b, controls = c("x1", "x2")))
  expect_snapshot(invisible(did_table(p$a, p$b, controls = c("x1", "x_2"))))
})

test_that("fits on data.table, Chinese names and factor ids give the same cells", {
  p <- input_fits(562)
  base <- format(did_table(p$a, p$b))
  dt <- data.table::as.data.table(p$d)
  expect_identical(format(did_table(twfe(y ~ treat + x1 | id + year, data = dt),
                                    twfe(y ~ treat + x1 + x2 | id + year, data = dt))), base)
  d2 <- p$d
  d2$id <- factor(paste0("\u57ce\u5e02", d2$id))
  names(d2)[names(d2) == "x1"] <- "\u63a7\u5236"
  a2 <- twfe(stats::as.formula("y ~ treat + `\u63a7\u5236` | id + year"), data = d2)
  t2 <- did_table(a2, keep = "treat", rename = c(treat = "\u8bd5\u70b9"), lang = "zh")
  t1 <- did_table(p$a, keep = "treat", rename = c(treat = "\u8bd5\u70b9"), lang = "zh")
  expect_identical(format(t2), format(t1))
  expect_match(paste(format(t2), collapse = "\n"), "\u8bd5\u70b9")
})

test_that("bad stars, digits, format, lang, keep, rename, wild draws and stray arguments are classed errors", {
  p <- input_fits(563)
  expect_error(did_table(p$a, conf.level = 2), "conf.level", class = "pilotdid_error_input")
  expect_error(did_table(p$a, stars = c(0.1, 2)), "stars", class = "pilotdid_error_input")
  expect_error(did_table(p$a, digits = NA), "digits", class = "pilotdid_error_input")
  expect_error(did_table(p$a, p = "wild", wild = list(n = 9, seed = NA)), "seed", class = "pilotdid_error_input")
  expect_error(did_table(p$a, p = "wild", wild = list(n = 3e9, seed = 1)), "n", class = "pilotdid_error_input")
  expect_error(did_table(), "at least one fit", class = "pilotdid_error_input")
  expect_snapshot(error = TRUE, {
    did_table(p$a, conf.level = 2)
    did_table(p$a, "b")
    did_table(p$a, stars = c(0.1, 2))
    did_table(p$a, digits = -1)
    did_table(p$a, format = "pdf")
    did_table(p$a, lang = "fr")
    did_table(p$a, keep = 1)
    did_table(p$a, rename = "DID")
    did_table(p$a, p = "wild", wild = list(n = 3e9, seed = 1))
    did_table(p$a, p = "wild", wild = list(n = 9, seed = NA))
  })
})
