# did_table(): rows and headers by name (fixed effects, labels dictionary,
# group headers), digits, notes, and the escaping each format needs.

city_panel <- function(seed = 43) {
  d <- make_panel(n_id = 40, n_t = 6, seed = seed)
  d$nbs_code <- 440000L + d$id
  d$prov <- d$id %% 4L
  d$stkcd <- d$id
  d
}

fe_cells <- function(tab) {
  out <- tab$cells[tab$row_type == "stat", , drop = FALSE]
  out[grepl("FE$|\u56fa\u5b9a\u6548\u5e94$", out[, 1L]), , drop = FALSE]
}

test_that("fixed-effect rows are found by name, whatever their order", {
  d <- city_panel()
  a <- twfe(y ~ treat | year + nbs_code, data = d)
  b <- twfe(y ~ treat | nbs_code + prov^year, data = d)
  f <- twfe(y ~ treat | stkcd + year, data = d)
  tab <- did_table(a, b, f)
  expect_equal(fe_cells(tab), rbind(c("Year FE", "YES", "NO", "YES"),
                                    c("City FE", "YES", "YES", "NO"),
                                    c("prov \u00d7 year FE", "NO", "YES", "NO"),
                                    c("stkcd FE", "NO", "NO", "YES")))
  zh <- did_table(a, b, f, lang = "zh")
  expect_equal(fe_cells(zh)[, 1L], c("\u5e74\u4efd\u56fa\u5b9a\u6548\u5e94", "\u57ce\u5e02\u56fa\u5b9a\u6548\u5e94",
                                      "prov\u00d7\u5e74\u4efd\u56fa\u5b9a\u6548\u5e94", "stkcd\u56fa\u5b9a\u6548\u5e94"))
  # the same interaction written the other way round shares the row
  b2 <- twfe(y ~ treat | nbs_code + year^prov, data = d)
  expect_equal(fe_cells(did_table(b, b2))[, -1L], rbind(c("YES", "YES"), c("YES", "YES")))
  lab <- did_table(a, b, f, labels = c(prov = "province", stkcd = "firm"))
  expect_equal(fe_cells(lab)[, 1L], c("Year FE", "City FE", "Province \u00d7 year FE", "Firm FE"))
  withr::local_options(pilotdid.labels = list(en = c(stkcd = "firm"), zh = c(stkcd = "\u4f01\u4e1a")))
  expect_equal(fe_cells(did_table(f))[, 1L], c("Firm FE", "Year FE"))
  expect_equal(fe_cells(did_table(f, lang = "zh"))[, 1L],
               c("\u4f01\u4e1a\u56fa\u5b9a\u6548\u5e94", "\u5e74\u4efd\u56fa\u5b9a\u6548\u5e94"))
  expect_equal(fe_cells(did_table(f, fe_labels = c(stkcd = "Stock FE")))[, 1L], c("Stock FE", "Year FE"))
  expect_error(did_table(f, labels = c("firm")), class = "pilotdid_error_input")
})

test_that("labels name the coefficients, dependent variables and the clustering", {
  d <- city_panel()
  d$ln_gdp <- d$y
  fit <- twfe(ln_gdp ~ treat + x1 | nbs_code + year, data = d, cluster = ~nbs_code)
  tab <- did_table(fit, labels = c(ln_gdp = "ln GDP", x1 = "Openness"), rename = c(treat = "DID"))
  expect_equal(tab$cells[1L, 2L], "ln GDP")
  expect_equal(tab$cells[tab$row_type == "coef", 1L], c("DID", "Openness"))
  expect_equal(tab$notes[1L], "Standard errors in parentheses, clustered by city.")
  zh <- did_table(fit, lang = "zh")
  expect_equal(zh$notes[1L], "\u6ce8\uff1a\u62ec\u53f7\u5185\u4e3a\u6309\u57ce\u5e02\u805a\u7c7b\u7684\u7a33\u5065\u6807\u51c6\u8bef\u3002")
})

test_that("a number that rounds to zero keeps significant digits", {
  expect_equal(fmt_num(c(0.00031234, -0.0004, 0, 0.1234, NA, -0.00000049), 3),
               c("0.000312", "-0.0004", "0.000", "0.123", "", "-0.00000049"))
  d <- city_panel()
  d$small <- d$y / 10000
  fit <- twfe(small ~ treat | nbs_code + year, data = d)
  tab <- did_table(fit)
  est <- coef(fit)[["treat"]]
  expect_true(abs(est) < 5e-4)
  expect_equal(sub("\\*+$", "", tab$cells[3L, 2L]), formatC(signif(est, 3), format = "fg", digits = 3))
  expect_equal(as.numeric(sub("\\*+$", "", tab$cells[3L, 2L])), est, tolerance = 5e-3)
})

test_that("did_table(event study, lang = 'zh') labels the periods like the figure", {
  d <- make_event_panel(n_id = 60, n_t = 10, seed = 27)
  es <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort")
  tab <- did_table(es, lang = "zh")
  rows <- tab$cells[tab$row_type == "coef", 1L]
  ev <- es$table[!es$table$ref, ]
  expect_equal(rows[seq_len(nrow(ev))], event_plot_data(es, lang = "zh")$label[!es$table$ref])
  expect_equal(rows[1L], "\u653f\u7b56\u524d5\u671f\u53ca\u4ee5\u524d")
  expect_true("\u653f\u7b56\u524d4\u671f" %in% rows)
  expect_equal(did_table(es)$cells[tab$row_type == "coef", 1L][seq_len(nrow(ev))], ev$label)
})

test_that("heterogeneity results: group values as headers, one note per test naming its columns", {
  d <- city_panel()
  d$big <- as.integer(d$id %% 2)
  d$east <- ifelse(d$id <= 20, "East", "West")
  fit <- twfe(y ~ treat | nbs_code + year, data = d, cluster = ~nbs_code)
  h1 <- heterogeneity(fit, by = "big", test = "suest")
  h2 <- heterogeneity(fit, by = "east", test = "suest")
  tab <- did_table(h1, h2, labels = c("big = 1" = "Big cities", "big = 0" = "Small cities"))
  expect_equal(tab$cells[1L, ], c("", "Small cities", "Big cities", "East", "West"))
  expect_equal(did_table(h1)$cells[1L, ], c("", "big = 0", "big = 1"))
  expect_length(grep("^Columns \\(1\\)-\\(2\\): Difference p-value", tab$notes), 1L)
  expect_length(grep("^Columns \\(3\\)-\\(4\\): Difference p-value", tab$notes), 1L)
  p <- tab$cells[tab$cells[, 1L] == "Difference p-value", ]
  expect_equal(p[c(2L, 4L)], sprintf("%.3f", c(h1$differences$p.value[1L], h2$differences$p.value[1L])))
  zh <- did_table(h1, h2, lang = "zh")
  expect_length(grep("^\u7b2c\\(3\\)-\\(4\\)\u5217\uff1a", zh$notes), 1L)
})

test_that("LaTeX escapes < > _ % & # everywhere and does not number a numbered title twice", {
  d <- city_panel()
  d$ln_gdp <- d$x1
  fit <- twfe(y ~ treat + ln_gdp | nbs_code + prov^year, data = d)
  tab <- did_table(fit, title = "Table 7. Growth & 5% <rates>", notes = "Sample: #1 cities, x > 0.",
                   rename = c(treat = "D_it"))
  tex <- format(tab, "latex")
  expect_true("\\caption{Growth \\& 5\\% $<$rates$>$}" %in% tex)
  body <- tex[!grepl("^\\\\(begin|end|caption|toprule|midrule|bottomrule|centering|par)", tex)]
  expect_false(any(grepl("[<>]", gsub("\\$[<>]\\$", "", body))))
  expect_false(any(grepl("(^|[^\\\\])[_%&#]", gsub(" & ", " ", gsub("\\$[^$]*\\$", "", body)))))
  expect_true(any(grepl("p $<$ 0.1", tex, fixed = TRUE)))
  expect_true(any(grepl("Sample: \\#1 cities, x $>$ 0.", tex, fixed = TRUE)))
  expect_true(any(grepl("^prov \\$\\\\times\\$ year FE & YES", tex)))
  expect_true(any(grepl("^D\\\\_it & ", tex)))
  expect_equal(format(tab, "markdown")[1L], "Table: Growth & 5% <rates>")
  expect_equal(caption_text(c("Table 3: A", "\u88683 B", "Table of C")), c("A", "B", "Table of C"))
})

test_that("the LaTeX table compiles with pdflatex and xelatex", {
  engines <- Filter(nzchar, Sys.which(c("pdflatex", "xelatex")))
  skip_if(!length(engines), "no LaTeX engine on this machine")
  d <- city_panel()
  fit <- twfe(y ~ treat + x1 | nbs_code + prov^year, data = d)
  tab <- did_table(fit, fit, title = "A <b> & c_d", notes = "x < 1 % # > 0", constant = TRUE,
                   spanners = list("Spanner <1> & 2" = 1:2))
  tex <- format(tab, "latex")
  expect_false(any(grepl("[<>]", gsub("\\$[<>]\\$", "", tex))))
  dir <- withr::local_tempdir()
  doc <- c("\\documentclass{article}", "\\usepackage{booktabs}", "\\begin{document}", tex, "\\end{document}")
  for (e in names(engines)) {
    writeLines(doc, file.path(dir, paste0(e, ".tex")))
    status <- withr::with_dir(dir, system2(engines[[e]], c("-interaction=nonstopmode", "-halt-on-error", paste0(e, ".tex")),
                                           stdout = FALSE, stderr = FALSE))
    expect_equal(status, 0L)
    expect_true(file.exists(file.path(dir, paste0(e, ".pdf"))))
    log <- readLines(file.path(dir, paste0(e, ".log")), warn = FALSE)
    expect_false(any(grepl("^! |Missing character", log)))
  }
})

test_that("the Chinese LaTeX table compiles with xelatex and a CJK font", {
  xelatex <- Sys.which("xelatex")
  skip_if(!nzchar(xelatex), "no xelatex on this machine")
  fs <- if (nzchar(Sys.which("kpsewhich"))) suppressWarnings(system2("kpsewhich", "fontspec.sty", stdout = TRUE))
  skip_if(!length(fs) || !nzchar(fs[1L]), "no fontspec")
  font <- cjk_fonts()
  skip_if(!length(font), "no CJK font")
  d <- city_panel()
  tab <- did_table(twfe(y ~ treat + x1 | nbs_code + year, data = d), lang = "zh", constant = TRUE,
                   title = "\u8868 2 \u57fa\u51c6\u56de\u5f52", spanners = list("\u5168\u6837\u672c" = 1))
  dir <- withr::local_tempdir()
  doc <- c("\\documentclass{article}", "\\usepackage{booktabs}", "\\usepackage{fontspec}",
           paste0("\\setmainfont{", font[1L], "}"), "\\begin{document}", format(tab, "latex"), "\\end{document}")
  con <- file(file.path(dir, "zh.tex"), open = "w", encoding = "UTF-8")
  writeLines(enc2utf8(doc), con, useBytes = TRUE)
  close(con)
  status <- withr::with_dir(dir, system2(xelatex, c("-interaction=nonstopmode", "-halt-on-error", "zh.tex"),
                                         stdout = FALSE, stderr = FALSE))
  expect_equal(status, 0L)
  log <- readLines(file.path(dir, "zh.log"), warn = FALSE)
  expect_false(any(grepl("^! |Missing character", log)))
})

test_that("HTML notes keep their stars through pandoc and the table stays one table", {
  skip_if_not(rmarkdown::pandoc_available())
  d <- city_panel()
  tab <- did_table(twfe(y ~ treat + x1 | nbs_code + year, data = d), format = "html",
                   notes = "*Note:* x_1 < 2.")
  html <- format(tab)
  expect_true(any(grepl("&#42; p &lt; 0.1, &#42;&#42; p", html, fixed = TRUE)))
  dir <- withr::local_tempdir()
  rmd <- file.path(dir, "t.Rmd")
  writeLines(c("---", "title: t", "---", "", "```{r, echo = FALSE}", "tab", "```"), rmd)
  out <- rmarkdown::render(rmd, output_format = rmarkdown::html_fragment(), envir = list2env(list(tab = tab)),
                           quiet = TRUE)
  got <- paste(readLines(out, encoding = "UTF-8"), collapse = "\n")
  expect_match(got, "(\\*|&#42;) p &lt; 0.1, (\\*|&#42;){2} p &lt; 0.05")
  expect_match(got, "(\\*|&#42;)Note:(\\*|&#42;) x(_|&#95;)1 &lt; 2.")
  expect_false(grepl("<ul>|<li>|<em>", got))
  expect_equal(lengths(regmatches(got, gregexpr("<table", got))), 1L)
  expect_equal(lengths(regmatches(got, gregexpr("</table>", got))), 1L)
})

test_that("labels come from a Stata file's variable and value labels", {
  d <- city_panel()
  d$region <- ifelse(d$id <= 20, 1, 2)
  attr(d$y, "label") <- "ln GDP"
  attr(d$region, "labels") <- c(East = 1, West = 2)
  expect_equal(labels_from_data(d[c("y", "region")]), c(y = "ln GDP", "region = 1" = "East", "region = 2" = "West"))
  fit <- twfe(y ~ treat | nbs_code + year, data = d, cluster = ~nbs_code)
  h <- heterogeneity(fit, by = "region", test = "suest")
  tab <- did_table(h, labels = d)
  expect_equal(tab$cells[1L, ], c("", "East", "West"))
  expect_equal(tab$cells[2L, ], c("", "ln GDP", "ln GDP"))
  skip_if_not_installed("haven")
  path <- withr::local_tempfile(fileext = ".dta")
  dd <- d[c("y", "region", "nbs_code", "year", "treat")]
  dd$region <- haven::labelled(d$region, c(East = 1, West = 2), label = "Region")
  haven::write_dta(dd, path)
  back <- haven::read_dta(path)
  expect_equal(labels_from_data(back)[c("y", "region", "region = 1")],
               c(y = "ln GDP", region = "Region", "region = 1" = "East"))
})
