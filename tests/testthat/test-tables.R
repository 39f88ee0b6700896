# did_table(): cells checked against the fits' numbers, every format by snapshot.

table_pair <- function() {
  d <- make_panel(n_id = 40, n_t = 6, seed = 41)
  list(d = d,
       a = twfe(y ~ treat + x1 | id + year, data = d),
       b = twfe(y ~ treat + x1 + x2 | id + year, data = d))
}

# The cell text of a coefficient: 3 decimals and stars at 10/5/1%.
coef_cell <- function(fit, term) {
  td <- tidy(fit)
  r <- td[td$term == term, ]
  s <- if (r$p.value < 0.01) "***" else if (r$p.value < 0.05) "**" else if (r$p.value < 0.1) "*" else ""
  paste0(sprintf("%.3f", r$estimate), s)
}

test_that("cells hold each fit's coefficients, SEs, FE rows, N and R2", {
  p <- table_pair()
  tab <- did_table(p$a, p$b)
  cl <- tab$cells
  expect_equal(dim(cl), c(2L + 6L + 4L, 3L))
  expect_equal(cl[1, ], c("", "y", "y"))
  expect_equal(cl[2, ], c("", "(1)", "(2)"))
  expect_equal(cl[3, ], c("treat", coef_cell(p$a, "treat"), coef_cell(p$b, "treat")))
  expect_equal(cl[4, ], c("", sprintf("(%.3f)", tidy(p$a)$std.error[1]), sprintf("(%.3f)", tidy(p$b)$std.error[1])))
  expect_equal(cl[5, ], c("x1", coef_cell(p$a, "x1"), coef_cell(p$b, "x1")))
  expect_equal(cl[7, ], c("x2", "", coef_cell(p$b, "x2")))
  expect_equal(cl[8, ], c("", "", sprintf("(%.3f)", tidy(p$b)$std.error[3])))
  expect_equal(cl[9, ], c("id FE", "YES", "YES"))
  expect_equal(cl[10, ], c("Year FE", "YES", "YES"))
  expect_equal(cl[11, ], c("N", "240", "240"))
  expect_equal(cl[12, ], c("R2", sprintf("%.3f", p$a$r2), sprintf("%.3f", p$b$r2)))
  expect_equal(tab$row_type, c("header", "header", rep(c("coef", "se"), 3), rep("stat", 4)))
  expect_equal(tab$notes, c("Standard errors in parentheses, clustered by id.",
                            "* p < 0.1, ** p < 0.05, *** p < 0.01."))
  expect_equal(tidy(tab)$estimate, c(coef(p$a)[1], coef(p$b)[1], coef(p$a)[2], coef(p$b)[2], coef(p$b)[3]),
               ignore_attr = TRUE)
  expect_equal(glance(tab)$nobs, c(240, 240))
})

test_that("every format prints the same table", {
  d <- make_panel(n_id = 40, n_t = 6, seed = 41, effect = 1)
  a <- twfe(y ~ treat + x1 | id + year, data = d)
  b <- twfe(y ~ treat + x1 + I(-x2) | id + year, data = d)
  tab <- did_table(Baseline = a, "With x_2" = b, rename = c(treat = "DID", "I(-x2)" = "minus_x2"),
                   title = "Baseline results", notes = "Simulated data: 40 cities & 6 years.")
  expect_snapshot({
    print(tab)
    print(tab, format = "markdown")
    print(tab, format = "latex")
    print(tab, format = "html")
  })
  expect_identical(format(did_table(a, b, format = "latex")), format(did_table(a, b), "latex"))
})

test_that("keep, rename, order and controls choose and label the rows", {
  p <- table_pair()
  tab <- did_table(p$a, p$b, keep = c("x1", "DID"), rename = c(treat = "DID"))
  expect_equal(tab$cells[tab$row_type == "coef", 1], c("x1", "DID"))
  expect_equal(tab$cells[tab$cells[, 1] == "Controls", ], c("Controls", "NO", "YES"))
  tab <- did_table(p$a, p$b, order = "x2")
  expect_equal(tab$cells[tab$row_type == "coef", 1], c("x2", "treat", "x1"))
  tab <- did_table(p$a, p$b, controls = c("x1", "x2"))
  expect_equal(tab$cells[tab$row_type == "coef", 1], "treat")
  expect_equal(tab$cells[tab$cells[, 1] == "Controls", ], c("Controls", "YES", "YES"))
  tab <- did_table(p$a, p$b, fe_labels = c(id = "Prefecture FE"), r2 = "within", se = "t", digits = 2)
  expect_true("Prefecture FE" %in% tab$cells[, 1])
  expect_equal(tab$cells[tab$cells[, 1] == "Within R2", 2], sprintf("%.2f", p$a$r2_within))
  expect_equal(tab$cells[4, 2], sprintf("(%.2f)", tidy(p$a)$statistic[1]))
  expect_match(tab$notes[1], "^t statistics in parentheses")
  expect_warning(did_table(p$a, keep = c("treat", "nope")), "nope")
})

test_that("coefficients renamed to one label share a row; stars follow the cut-offs", {
  p <- table_pair()
  p$d$did <- p$d$treat
  c2 <- twfe(y ~ did + x1 | id + year, data = p$d)
  tab <- did_table(p$a, c2, rename = c(treat = "DID", did = "DID"), keep = "DID")
  expect_equal(tab$cells[tab$row_type == "coef", ], c("DID", coef_cell(p$a, "treat"), coef_cell(c2, "did")))
  tab <- did_table(p$a, stars = NULL)
  expect_false(any(grepl("\\*", tab$cells)))
  expect_length(tab$notes, 1L)
  tab <- did_table(p$a, stars = c(0.5, 0.99))
  pv <- tidy(p$a)$p.value[1]
  expect_equal(tab$cells[3, 2], paste0(sprintf("%.3f", coef(p$a)[1]), strrep("*", (pv < 0.99) + (pv < 0.5))))
})

test_that("fits given as a list, named or not, give the same cells", {
  p <- table_pair()
  expect_identical(did_table(list(p$a, p$b))$cells, did_table(p$a, p$b)$cells)
  tab <- did_table(list(A = p$a, B = p$b))
  expect_equal(tab$cells[1, ], c("", "A", "B"))
  expect_identical(tab$cells, did_table(A = p$a, B = p$b)$cells)
})

test_that("Chinese labels and notes", {
  p <- table_pair()
  tab <- did_table(p$a, p$b, keep = "treat", lang = "zh")
  lab <- tab$cells[, 1]
  expect_true(all(c("\u63a7\u5236\u53d8\u91cf", "id\u56fa\u5b9a\u6548\u5e94",
                    "\u5e74\u4efd\u56fa\u5b9a\u6548\u5e94", "\u89c2\u6d4b\u503c") %in% lab))
  expect_equal(tab$cells[2, 1], "\u53d8\u91cf")
  expect_equal(tab$notes[1], "\u6ce8\uff1a\u62ec\u53f7\u5185\u4e3a\u6309 id \u805a\u7c7b\u7684\u7a33\u5065\u6807\u51c6\u8bef\u3002")
  expect_match(tab$notes[2], "10%\u30015%\u30011%", fixed = TRUE)
})

test_that("the notes say which SE each column has when they differ", {
  p <- table_pair()
  h <- twfe(y ~ treat + x1 | id + year, data = p$d, vcov = "hetero")
  two <- twfe(y ~ treat + x1 | id + year, data = p$d, cluster = ~ id + year)
  tab <- did_table(p$a, h, two)
  expect_equal(tab$notes[1], paste("Standard errors in parentheses: (1) clustered by id; (2) heteroskedasticity-robust (HC1);",
                                   "(3) clustered by id and year."))
})

test_that("special characters are escaped in LaTeX, Markdown and HTML", {
  d <- make_panel(n_id = 30, n_t = 5, seed = 42)
  d$ln_gdp <- d$x1
  fit <- twfe(y ~ treat + ln_gdp | id + year, data = d)
  tex <- format(did_table(fit, title = "A & B"), "latex")
  expect_true(any(grepl("^ln\\\\_gdp & ", tex)))
  expect_true("\\caption{A \\& B}" %in% tex)
  neg <- did_table(fit, rename = c(treat = "x<0"))
  expect_true(any(grepl("x&lt;0", format(neg, "html"), fixed = TRUE)))
  expect_true(any(grepl("\\*\\*\\*", format(neg, "markdown"), fixed = TRUE)))
})

test_that("objects holding a twfe fit in $fit, or with tidy()/glance(), become columns", {
  p <- table_pair()
  holder <- structure(list(fit = p$b), class = "pd_test_holder")
  expect_identical(did_table(p$a, holder)$cells, did_table(p$a, p$b)$cells)
  registerS3method("tidy", "pd_test_model", function(x, ...) {
    data.frame(term = "treat", estimate = 0.5, std.error = 0.1)
  }, envir = asNamespace("generics"))
  registerS3method("glance", "pd_test_model", function(x, ...) data.frame(nobs = 99, r.squared = 0.25),
                   envir = asNamespace("generics"))
  other <- structure(list(), class = "pd_test_model")
  tab <- did_table(p$a, other)
  expect_equal(tab$cells[3, 3], "0.500***")
  expect_equal(tab$cells[4, 3], "(0.100)")
  expect_equal(tab$cells[tab$cells[, 1] == "id FE", 3], "")
  expect_equal(tab$cells[tab$cells[, 1] == "N", 3], "99")
  expect_equal(tab$cells[tab$cells[, 1] == "R2", 3], "0.250")
  expect_match(tab$notes[1], "\\(2\\) as reported by the model")
})

test_that("a robustness table from update(): periods and cities dropped, controls changed", {
  p <- table_pair()
  d <- p$d                                  # update() finds the data where it is called
  base <- p$b
  early <- update(base, subset = year <= 2012)
  no_muni <- update(base, subset = !id %in% 1:4)
  fewer <- update(base, . ~ . - x2)
  tab <- did_table(base, early, no_muni, fewer, keep = "treat")
  expect_equal(tab$cells[tab$cells[, 1] == "N", -1], as.character(c(240, 4 * 40, 6 * 36, 240)))
  expect_equal(tab$cells[tab$cells[, 1] == "Controls", -1], rep("YES", 4))
  expect_equal(tab$cells[3, 4], coef_cell(twfe(y ~ treat + x1 + x2 | id + year, data = p$d[!p$d$id %in% 1:4, ]), "treat"))
  expect_equal(tab$notes[1], "Standard errors in parentheses, clustered by id.")
})

test_that("knit_print() renders Markdown outside LaTeX and HTML documents", {
  skip_if_not_installed("knitr")
  p <- table_pair()
  out <- knitr::knit_print(did_table(p$a))
  expect_s3_class(out, "knit_asis")
  expect_match(out, "| treat |", fixed = TRUE)
  out <- knitr::knit_print(did_table(p$a, format = "html"))
  expect_match(out, "<table", fixed = TRUE)
})

test_that("bad input gives clear errors", {
  p <- table_pair()
  expect_snapshot(error = TRUE, {
    did_table()
    did_table(p$a, stars = 2)
    did_table(p$a, rename = "DID")
    did_table(p$a, format = "pdf")
    did_table(p$a, digits = -1)
    did_table(p$a, structure(list(), class = "pd_no_methods"))
  })
  expect_error(did_table(p$a, keep = 1), class = "pilotdid_error_input")
  expect_error(did_table(p$a, title = c("a", "b")), class = "pilotdid_error_input")
  expect_error(did_table(p$a, p$b, rename = c(treat = "A", x1 = "A")), class = "pilotdid_error_input")
})

test_that("did_table(vcov =, cluster =) shows recomputed standard errors", {
  d <- make_panel(n_id = 40, n_t = 6, seed = 470)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  het <- twfe(y ~ treat + x1 | id + year, data = d, vcov = "hetero")
  expect_identical(did_table(fit, vcov = "hetero")$cells, did_table(het)$cells)
  yr <- twfe(y ~ treat + x1 | id + year, data = d, cluster = ~year)
  expect_identical(did_table(fit, cluster = ~year, lang = "zh")$cells, did_table(yr, lang = "zh")$cells)
  expect_error(did_table(event_study(y ~ x1 | id + year, data = d, cohort = "cohort"), vcov = "iid"),
               class = "pilotdid_error_input")
})

test_that("did_table(breakdown =) prints the breakdown values of honest_did() under an event study", {
  d <- make_panel(n_id = 60, n_t = 12, cohorts = c(2013, 2015, 2017), seed = 1)
  es <- event_study(y ~ x1 + x2 | id + year, data = d, cohort = "cohort", window = c(-4, 2))
  hd <- honest_did(es, Mbar = c(0, 0.5, 1, 2), M = c(0, 0.05, 0.1, 0.2), l_vec = c(0, 1, 0))
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  tab <- did_table(fit, es, breakdown = list(NULL, hd), digits = 4)
  cells <- tab$cells
  rb <- which(cells[, 1] == "Breakdown M\u0304")
  rs <- which(cells[, 1] == "Breakdown M")
  expect_length(rb, 1L)
  expect_length(rs, 1L)
  expect_equal(tab$row_type[c(rb, rs)], c("stat", "stat"))
  expect_equal(cells[c(rb, rs), 2], c("", ""))
  bd <- hd$breakdown
  expect_false(any(is.na(bd$M)))
  # the cell is the breakdown value of honest_did(), rounded to `digits`
  cell_value <- function(x) as.numeric(sub("^>= ", "", x))
  expect_equal(cell_value(cells[rb, 3]), round(bd$M[bd$type == "relative_magnitude"], 4))
  expect_equal(cell_value(cells[rs, 3]), round(bd$M[bd$type == "smoothness"], 4))
  expect_equal(grepl("^>= ", cells[c(rb, rs), 3]), bd$censored)
  # one result for the only event-study column; TRUE runs honest_did() with its defaults
  expect_equal(did_table(fit, es, breakdown = hd, digits = 4)$cells, cells)
  auto <- did_table(es, breakdown = TRUE, lang = "zh")
  hd0 <- glance(honest_did(es))
  expect_equal(auto$cells[auto$cells[, 1] == "\u4e34\u754c\u503c M\u0304", 2],
               if (is.na(hd0$breakdown_Mbar)) "\u65e0" else sprintf("%.3f", hd0$breakdown_Mbar))
  expect_error(did_table(fit, breakdown = TRUE), class = "pilotdid_error_input")
  expect_error(did_table(fit, es, breakdown = list(hd)), class = "pilotdid_error_input")
  expect_error(did_table(es, es, breakdown = hd), class = "pilotdid_error_input")
})
