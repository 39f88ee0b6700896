#' Write tables to Word, Excel, LaTeX, Markdown or HTML files
#'
#' `save_table()` writes one table, or a list of tables, to a file whose
#' format is read from its extension:
#'
#' | extension | content |
#' |---|---|
#' | `.docx` | a Word document (flextable and officer): booktabs-style rules, superscript stars, the notes under the table, one table after the other |
#' | `.xlsx` | an Excel workbook (openxlsx): one sheet per table; numbers are stored as numbers, shown with the table's decimals, stars and parentheses through the cell's number format (`0.512***`, `(0.071)`) |
#' | `.tex` | the LaTeX (booktabs) code of [did_table()]'s `format = "latex"` |
#' | `.md` | Markdown pipe tables |
#' | `.html` | a UTF-8 HTML page with the tables |
#'
#' `as_flextable()` gives the flextable object the Word file is made of, to
#' style further ([as_tinytable()] a tinytable object).
#'
#' @param x A [did_table()] or [describe_panel()] table, a result that
#'   [did_table()] takes (a fit, [twfe_steps()], [heterogeneity()], ...), or a
#'   list of them (its names name the Excel sheets and the Word headings).
#' @param file Path of the file to write; its extension chooses the format.
#' @param lang For a [describe_panel()] table: headers in English (`"en"`) or
#'   Chinese (`"zh"`).
#' @param ... Unused.
#' @return `save_table()`: `file`, invisibly. `as_flextable()`: a
#'   `flextable` object.
#' @family tables
#' @export
#' @examples
#' d <- simulate_panel(n_id = 40, n_t = 6, seed = 2)
#' tab <- did_table(twfe(y ~ treat + x1 | id + year, data = d), title = "Baseline")
#' save_table(tab, tempfile(fileext = ".tex"))
#' if (requireNamespace("openxlsx", quietly = TRUE)) {
#'   save_table(list(Baseline = tab), tempfile(fileext = ".xlsx"))
#' }
#' if (requireNamespace("flextable", quietly = TRUE)) {
#'   save_table(tab, tempfile(fileext = ".docx"))
#' }
save_table <- function(x, file, lang = c("en", "zh"), ...) {
  lang <- check_choice(lang, c("en", "zh"), "lang")
  check_no_dots(...)
  check_strings(file, "file", single = TRUE)
  ext <- tolower(if (grepl(".", basename(file), fixed = TRUE)) sub(".*\\.", "", basename(file)) else "")
  formats <- c(docx = "docx", xlsx = "xlsx", tex = "latex", md = "markdown", html = "html", htm = "html")
  if (!ext %in% names(formats)) {
    abort_input(c("Cannot tell the format of {.arg file} {.file {file}} from its extension.",
                  "i" = "Use one of {.val {paste0('.', names(formats))}}."))
  }
  tabs <- if (is.list(x) && is.null(oldClass(x))) x else list(x)
  if (!length(tabs)) abort_input("{.arg x} has no table to write.")
  specs <- lapply(tabs, table_spec, lang = lang)
  names(specs) <- names(tabs) %||% rep("", length(tabs))
  switch(formats[[ext]],
         docx = save_docx(specs, file),
         xlsx = save_xlsx(specs, file),
         save_text(specs, file, formats[[ext]]))
  invisible(file)
}

# What every writer needs of a table: cells, row types, alignment, title, notes.
table_spec <- function(x, lang = "en", ...) {
  if (inherits(x, "pilotdid_did_table")) {
    return(list(cells = x$cells, row_type = x$row_type, align = c("l", rep("c", ncol(x$cells) - 1L)),
                title = x$title, notes = x$notes, spans = x$spans))
  }
  if (inherits(x, "pilotdid_describe_panel")) {
    cl <- describe_cells(x, lang, 3L)
    return(list(cells = cl$cells, row_type = c("header", rep("body", nrow(cl$cells) - 1L)),
                align = cl$align, title = NULL, notes = character()))
  }
  table_spec(did_table(x, lang = lang))
}

need_package <- function(pkg, what, call = caller_env()) {
  if (!requireNamespace(pkg, quietly = TRUE)) {
    cli::cli_abort(c("Writing {what} needs the {.pkg {pkg}} package.",
                     "i" = "Install it with {.code install.packages(\"{pkg}\")}."),
                   class = c("pilotdid_error_missing_package", "pilotdid_error"), call = call)
  }
}

save_text <- function(specs, file, format) {
  parts <- lapply(specs, function(s) render_table(s$cells, s$row_type, format, s$title, s$notes, s$align, s$spans))
  lines <- unlist(lapply(parts, function(p) c(p, "")), use.names = FALSE)
  if (format == "html") {
    lines <- c("<!DOCTYPE html>", "<html>", "<head>", "<meta charset=\"utf-8\">", "</head>", "<body>",
               lines, "</body>", "</html>")
  }
  con <- file(file, open = "w", encoding = "UTF-8")
  on.exit(close(con))
  writeLines(enc2utf8(lines), con, useBytes = TRUE)
}

# ---- Excel ------------------------------------------------------------------------

# A number cell's value and the Excel number format that shows it as in the
# text: "0.512***" -> 0.512 with 0.000"***"; "(0.071)" -> 0.071 with (0.000).
xlsx_number <- function(x) {
  m <- regmatches(x, regexec("^(\\()?(-?[0-9]*\\.?[0-9]+)(\\))?(\\**)$", x))[[1L]]
  if (!length(m) || (nzchar(m[2L]) != nzchar(m[4L]))) return(NULL)
  num <- m[3L]
  dec <- if (grepl(".", num, fixed = TRUE)) nchar(sub("^[^.]*\\.", "", num)) else 0L
  fmt <- if (dec) paste0("0.", strrep("0", dec)) else "0"
  if (nzchar(m[5L])) fmt <- paste0(fmt, "\"", m[5L], "\"")
  if (nzchar(m[2L])) fmt <- paste0("(", fmt, ")")
  list(value = as.numeric(num), format = fmt)
}

save_xlsx <- function(specs, file) {
  need_package("openxlsx", "an Excel file")
  wb <- openxlsx::createWorkbook()
  sheets <- sheet_names(names(specs))
  for (k in seq_along(specs)) {
    openxlsx::addWorksheet(wb, sheets[k])
    write_sheet(wb, sheets[k], specs[[k]])
  }
  openxlsx::saveWorkbook(wb, file, overwrite = TRUE)
}

# Excel sheet names: at most 31 characters, none of []:*?/\, unique.
sheet_names <- function(nms) {
  nms[is.na(nms) | !nzchar(nms)] <- paste("Table", seq_along(nms))[is.na(nms) | !nzchar(nms)]
  nms <- substr(gsub("[][:*?/\\\\]", "_", nms, perl = TRUE), 1L, 31L)
  make.unique(nms, sep = " ")
}

write_sheet <- function(wb, sheet, s) {
  top <- if (is.null(s$title)) 0L else 2L
  if (top) openxlsx::writeData(wb, sheet, s$title, startRow = 1L, startCol = 1L)
  cells <- s$cells
  for (i in seq_len(nrow(cells))) {
    for (j in seq_len(ncol(cells))) {
      num <- if (j > 1L && s$row_type[i] != "header") xlsx_number(cells[i, j]) else NULL
      if (is.null(num)) {
        if (nzchar(cells[i, j])) openxlsx::writeData(wb, sheet, cells[i, j], startRow = top + i, startCol = j)
        next
      }
      openxlsx::writeData(wb, sheet, num$value, startRow = top + i, startCol = j)
      openxlsx::addStyle(wb, sheet, openxlsx::createStyle(numFmt = num$format, halign = "center"),
                         rows = top + i, cols = j)
    }
  }
  n <- nrow(cells)
  rules <- c(which(s$row_type[-1L] != s$row_type[-n] & !(s$row_type[-1L] %in% c("coef", "se") &
                                                            s$row_type[-n] %in% c("coef", "se"))), n)
  for (r in rules) {
    openxlsx::addStyle(wb, sheet, openxlsx::createStyle(border = "bottom"), rows = top + r,
                       cols = seq_len(ncol(cells)), stack = TRUE)
  }
  openxlsx::addStyle(wb, sheet, openxlsx::createStyle(border = "top"), rows = top + 1L,
                     cols = seq_len(ncol(cells)), stack = TRUE)
  for (r in seq_len(NROW(s$spans))) {
    cols <- (s$spans$from[r]:s$spans$to[r]) + 1L
    openxlsx::mergeCells(wb, sheet, cols = cols, rows = top + 1L)
    openxlsx::addStyle(wb, sheet, openxlsx::createStyle(halign = "center", border = "bottom"), rows = top + 1L,
                       cols = cols, stack = TRUE)
  }
  if (length(s$notes)) openxlsx::writeData(wb, sheet, s$notes, startRow = top + n + 1L, startCol = 1L)
  openxlsx::setColWidths(wb, sheet, cols = 1L, widths = max(10, nchar(cells[, 1L], type = "width") + 2))
}

# ---- Word -------------------------------------------------------------------------

save_docx <- function(specs, file) {
  need_package("flextable", "a Word file")
  need_package("officer", "a Word file")
  doc <- officer::read_docx()
  for (k in seq_along(specs)) {
    if (nzchar(names(specs)[k])) doc <- officer::body_add_par(doc, names(specs)[k], style = "heading 2")
    s <- specs[[k]]
    if (!is.null(s$title)) doc <- officer::body_add_par(doc, s$title, style = "Normal")
    doc <- flextable::body_add_flextable(doc, spec_flextable(s, caption = FALSE))
    doc <- officer::body_add_par(doc, "")
  }
  print(doc, target = file)
}

#' @rdname save_table
#' @exportS3Method flextable::as_flextable
as_flextable.pilotdid_did_table <- function(x, ...) {
  need_package("flextable", "a flextable")
  spec_flextable(table_spec(x))
}

#' @rdname save_table
#' @exportS3Method flextable::as_flextable
as_flextable.pilotdid_describe_panel <- function(x, lang = "en", ...) {
  need_package("flextable", "a flextable")
  spec_flextable(table_spec(x, lang = lang))
}

# A booktabs-style flextable: thick rules at the top and bottom, a thin rule
# under the header and between blocks, stars as superscripts, notes below
# (the title as a caption; Word files get it as a paragraph above the table).
spec_flextable <- function(s, caption = TRUE) {
  cells <- s$cells
  k <- ncol(cells)
  keys <- paste0("c", seq_len(k))
  head <- cells[s$row_type == "header", , drop = FALSE]
  body <- cells[s$row_type != "header", , drop = FALSE]
  df <- as.data.frame(body, stringsAsFactors = FALSE)
  names(df) <- keys
  ft <- flextable::flextable(df, col_keys = keys)
  nh <- nrow(head)
  if (nh) {
    ft <- flextable::set_header_labels(ft, values = stats::setNames(as.list(head[nh, ]), keys))
    for (i in rev(seq_len(nh - 1L))) ft <- ft_header_row(ft, head[i, ], if (i == 1L) s$spans)
  } else {
    ft <- flextable::delete_part(ft, part = "header")
  }
  ft <- ft_stars(ft, body)
  ft <- flextable::border_remove(ft)
  thick <- officer::fp_border(width = 1.5)
  thin <- officer::fp_border(width = 0.75)
  ft <- flextable::hline_top(ft, border = thick, part = if (nh) "header" else "body")
  if (nh) ft <- flextable::hline_bottom(ft, border = thin, part = "header")
  for (r in seq_len(NROW(s$spans))) {
    ft <- flextable::hline(ft, i = 1L, j = (s$spans$from[r]:s$spans$to[r]) + 1L, border = thin, part = "header")
  }
  type <- s$row_type[s$row_type != "header"]
  block <- ifelse(type %in% c("coef", "se"), "body", type)
  mid <- which(block[-1L] != block[-length(block)])
  if (length(mid)) ft <- flextable::hline(ft, i = mid, border = thin, part = "body")
  ft <- flextable::hline_bottom(ft, border = thick, part = "body")
  al <- c(l = "left", c = "center", r = "right")[s$align]
  for (j in seq_len(k)) ft <- flextable::align(ft, j = j, align = al[[j]], part = "all")
  if (length(s$notes)) ft <- flextable::add_footer_lines(ft, values = s$notes)
  if (caption && !is.null(s$title)) ft <- flextable::set_caption(ft, caption = s$title)
  flextable::autofit(ft)
}

# A header row on top; the spanner row with each label merged over its columns.
ft_header_row <- function(ft, values, spans = NULL) {
  if (is.null(spans)) return(flextable::add_header_row(ft, values = values, top = TRUE))
  runs <- span_runs(spans, length(values))
  flextable::add_header_row(ft, values = vapply(runs, `[[`, "", "label"),
                            colwidths = vapply(runs, `[[`, 1L, "n"), top = TRUE)
}

# Stars of number cells as superscripts: "0.512***" -> 0.512 + superscript ***.
ft_stars <- function(ft, body) {
  hit <- which(matrix(grepl("^\\(?-?[0-9.]+\\)?\\*+$", body), nrow = nrow(body)), arr.ind = TRUE)
  for (r in seq_len(nrow(hit))) {
    i <- hit[r, 1L]
    j <- hit[r, 2L]
    num <- sub("\\*+$", "", body[i, j])
    st <- sub("^[^*]*", "", body[i, j])
    ft <- flextable::compose(ft, i = i, j = j, part = "body",
                             value = flextable::as_paragraph(num, flextable::as_sup(st)))
  }
  ft
}
