# save_table(): every format written and read back.

save_pair <- function() {
  d <- make_panel(n_id = 40, n_t = 6, seed = 41, effect = 1)
  a <- twfe(y ~ treat + x1 | id + year, data = d)
  b <- twfe(y ~ treat + x1 + x2 | id + year, data = d)
  list(a = a, b = b, tab = did_table(a, b, title = "Table 2. Baseline", lang = "zh"))
}

# "0.665***" from the fit, as the text table shows it.
star_cell <- function(fit, term) {
  td <- tidy(fit)
  r <- td[td$term == term, ]
  s <- if (r$p.value < 0.01) "***" else if (r$p.value < 0.05) "**" else if (r$p.value < 0.1) "*" else ""
  c(num = sprintf("%.3f", r$estimate), stars = s, se = sprintf("(%.3f)", r$std.error))
}

test_that(".docx: the document holds the coefficients, superscript stars, notes and Chinese text", {
  skip_if_not_installed("flextable")
  skip_if_not_installed("officer")
  skip_if_not_installed("xml2")
  p <- save_pair()
  path <- withr::local_tempfile(fileext = ".docx")
  expect_identical(save_table(p$tab, path), path)
  dir <- withr::local_tempdir()
  utils::unzip(path, exdir = dir)
  xml <- xml2::read_xml(file.path(dir, "word", "document.xml"))
  ns <- xml2::xml_ns(xml)
  runs <- xml2::xml_find_all(xml, "//w:r", ns)
  txt <- xml2::xml_text(runs)
  sup <- vapply(runs, function(r) length(xml2::xml_find_all(r, ".//w:vertAlign[@w:val='superscript']", ns)) > 0, TRUE)
  for (fit in list(p$a, p$b)) {
    cell <- star_cell(fit, "treat")
    k <- which(txt == cell[["num"]])
    expect_true(length(k) >= 1L)
    if (nzchar(cell[["stars"]])) expect_true(any(txt[k + 1L] == cell[["stars"]] & sup[k + 1L]))
    expect_true(cell[["se"]] %in% txt)
  }
  all_text <- paste(xml2::xml_text(xml2::xml_find_all(xml, "//w:p", ns)), collapse = "\n")
  expect_match(all_text, "\u5e74\u4efd\u56fa\u5b9a\u6548\u5e94")
  expect_match(all_text, p$tab$notes[2L], fixed = TRUE)
  expect_match(all_text, "Table 2. Baseline", fixed = TRUE)
})

test_that(".xlsx: one sheet per table, numbers as numbers shown with their stars", {
  skip_if_not_installed("openxlsx")
  p <- save_pair()
  ds <- describe_panel(make_panel(n_id = 10, n_t = 3), vars = c("y", "x1"))
  path <- withr::local_tempfile(fileext = ".xlsx")
  save_table(list(Baseline = p$tab, "Stats: all" = ds), path)
  expect_equal(openxlsx::getSheetNames(path), c("Baseline", "Stats_ all"))
  sh <- openxlsx::read.xlsx(path, sheet = 1, colNames = FALSE, skipEmptyRows = FALSE)
  expect_equal(sh[1, 1], "Table 2. Baseline")
  row <- which(sh[, 1] == "treat")
  got <- suppressWarnings(as.numeric(unlist(sh[row, 2:3])))
  expect_equal(got, as.numeric(sprintf("%.3f", c(coef(p$a)[["treat"]], coef(p$b)[["treat"]]))))
  se <- suppressWarnings(as.numeric(unlist(sh[row + 1L, 2:3])))
  expect_equal(se, as.numeric(sprintf("%.3f", c(tidy(p$a)$std.error[1], tidy(p$b)$std.error[1]))))
  expect_equal(as.numeric(sh[which(sh[, 1] == "\u89c2\u6d4b\u503c"), 2]), 240)
  # the number formats carry the stars and parentheses
  dir <- withr::local_tempdir()
  utils::unzip(path, exdir = dir)
  styles <- paste(readLines(file.path(dir, "xl", "styles.xml"), warn = FALSE), collapse = "")
  cell <- star_cell(p$a, "treat")
  if (nzchar(cell[["stars"]])) {
    expect_match(styles, paste0("formatCode=\"0.000&quot;", cell[["stars"]], "&quot;\""), fixed = TRUE)
  }
  expect_match(styles, "formatCode=\"(0.000)\"", fixed = TRUE)
  st <- openxlsx::read.xlsx(path, sheet = 2, colNames = TRUE)
  expect_equal(st$Mean, as.numeric(sprintf("%.3f", tidy(ds)$mean)))
})

test_that("xlsx_number() reads the text of a number cell", {
  expect_equal(xlsx_number("0.512***"), list(value = 0.512, format = "0.000\"***\""))
  expect_equal(xlsx_number("(0.071)"), list(value = 0.071, format = "(0.000)"))
  expect_equal(xlsx_number("-1.50"), list(value = -1.5, format = "0.00"))
  expect_equal(xlsx_number("240"), list(value = 240, format = "0"))
  expect_null(xlsx_number("YES"))
  expect_null(xlsx_number("(1"))
})

test_that(".tex, .md and .html hold what format() gives", {
  p <- save_pair()
  for (ext in c("tex", "md", "html")) {
    path <- withr::local_tempfile(fileext = paste0(".", ext))
    save_table(p$tab, path)
    got <- readLines(path, encoding = "UTF-8")
    fmt <- c(tex = "latex", md = "markdown", html = "html")[[ext]]
    expect_true(all(format(p$tab, fmt) %in% got))
  }
})

test_that("as_flextable() gives the Word table", {
  skip_if_not_installed("flextable")
  p <- save_pair()
  ft <- flextable::as_flextable(p$tab)
  expect_s3_class(ft, "flextable")
  expect_equal(nrow(ft$body$dataset), sum(p$tab$row_type != "header"))
  expect_equal(unname(unlist(ft$body$dataset[1, ])), unname(p$tab$cells[p$tab$row_type != "header", ][1, ]))
})

test_that("save_table() errors clearly", {
  p <- save_pair()
  expect_error(save_table(p$tab, "table.pdf"), class = "pilotdid_error_input")
  expect_error(save_table(p$tab, "table"), class = "pilotdid_error_input")
  expect_error(save_table(p$tab, tempfile(fileext = ".md"), foo = 1), class = "pilotdid_error_input")
  expect_error(need_package("pilotdidNoSuchPackage", "an Excel file"), "install.packages",
               class = "pilotdid_error_missing_package")
})
