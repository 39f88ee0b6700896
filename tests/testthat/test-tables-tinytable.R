# as_tinytable(): the cells, groups, caption and notes of a did_table().

test_that("as_tinytable() holds the coefficients, stars, notes and spanners", {
  skip_if_not_installed("tinytable")
  d <- make_panel(n_id = 40, n_t = 6, seed = 41, effect = 1)
  a <- twfe(y ~ treat + x1 | id + year, data = d)
  b <- twfe(y ~ treat + x1 + x2 | id + year, data = d)
  tab <- did_table(Base = a, Wide = b, a, b, keep = "treat", title = "Spanned & stars",
                   spanners = list(Baseline = 1:2, Robustness = 3:4))
  tt <- as_tinytable(tab)
  expect_s4_class(tt, "tinytable")
  body <- tab$cells[tab$row_type != "header", ]
  expect_equal(unname(as.matrix(tt@data)), unname(body))
  expect_equal(tt@names, c(" ", "(1)", "(2)", "(3)", "(4)"))
  r <- tidy(a)
  s <- if (r$p.value[1] < 0.01) "***" else if (r$p.value[1] < 0.05) "**" else if (r$p.value[1] < 0.1) "*" else ""
  expect_equal(tt@data[1, 2], paste0(sprintf("%.3f", r$estimate[1]), s))
  expect_equal(tt@data[2, 2], sprintf("(%.3f)", r$std.error[1]))
  expect_equal(unlist(tt@notes), tab$notes)
  expect_equal(tt@caption, "Spanned & stars")
  md <- tinytable::save_tt(tt, "markdown")
  lines <- strsplit(md, "\n")[[1L]]
  top <- grep("Baseline", lines)
  expect_length(top, 1L)
  expect_match(lines[top], "Robustness")
  expect_true(grep("Base ", lines)[1L] > top)
  expect_true(grep("\\(1\\)", lines)[1L] > grep("Base ", lines)[1L])
  expect_true(any(grepl(tt@data[1, 2], lines, fixed = TRUE)))
  expect_true(any(grepl(tab$notes[2L], lines, fixed = TRUE)))
  html <- tinytable::save_tt(tt, "html")
  expect_match(html, "colspan=\"?2\"?[^>]*>Baseline<", perl = TRUE)
  tex <- tinytable::save_tt(tt, "latex")
  expect_match(tex, "Spanned \\& stars", fixed = TRUE)
  expect_match(tex, "c=2}", fixed = TRUE)
})

test_that("header_groups() merges adjacent equal labels; as_tinytable() takes tables only", {
  expect_equal(header_groups(c("", "y", "y", "z", "")), list(y = 2:3, z = 4L))
  spans <- data.frame(label = c("A", "B"), from = c(1L, 3L), to = c(2L, 3L))
  expect_equal(header_groups(c("", "A", "", "B"), spans), list(A = 2:3, B = 4:4))
  expect_error(as_tinytable(1), class = "pilotdid_error_input")
  skip_if_not_installed("tinytable")
  ds <- describe_panel(make_panel(n_id = 10, n_t = 3), vars = c("y", "x1"))
  tt <- as_tinytable(ds, lang = "zh")
  expect_equal(nrow(tt@data), 2L)
  expect_error(as_tinytable(ds, foo = 1), class = "pilotdid_error_input")
})

test_that("a tinytable that is installed but cannot be loaded is a clear error", {
  skip_if(!nzchar(system.file(package = "tinytable")))
  expect_snapshot(error = TRUE, check_tinytable(load = function() stop("object 'record_print' not found")))
  expect_error(check_tinytable(load = function() stop("no")), class = "pilotdid_error_missing_package")
})
