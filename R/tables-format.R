# Rendering a table's cell matrix as text, Markdown, LaTeX (booktabs) or HTML.
# `cells` is a character matrix (first column the row labels), `row_type` says
# for each row "header", "coef", "se", "stat" or "body"; a rule separates the
# header, the coefficient block and the statistics. Cells hold plain text:
# "0.512***", "(0.071)", "-0.030"; each format typesets stars, minus signs and
# R2 in its own way.

render_table <- function(cells, row_type, format, title = NULL, notes = character(),
                         align = c("l", rep("c", ncol(cells) - 1L)), spans = NULL) {
  block <- ifelse(row_type %in% c("coef", "se"), "body", row_type)
  rule_after <- which(block[-1L] != block[-length(block)])
  switch(format,
         text = render_text(cells, rule_after, title, notes, align, spans),
         markdown = render_markdown(cells, sum(row_type == "header"), title, notes, align),
         latex = render_latex(cells, rule_after, title, notes, align, spans),
         html = render_html(cells, sum(row_type == "header"), rule_after, title, notes, align, spans))
}

pad_cell <- function(x, width, align) {
  gap <- pmax(0L, width - nchar(x, type = "width"))
  left <- switch(align, l = 0L, r = gap, c = gap %/% 2L)
  paste0(strrep(" ", left), x, strrep(" ", gap - left))
}

render_text <- function(cells, rule_after, title, notes, align, spans = NULL) {
  widths <- apply(cells, 2L, function(col) max(nchar(col, type = "width"), 1L))
  if (!is.null(spans)) widths <- apply(cells[-1L, , drop = FALSE], 2L, function(col) max(nchar(col, type = "width"), 1L))
  widths[-1L] <- pmax(widths[-1L], 6L)
  if (!is.null(spans)) widths <- text_span_widths(spans, widths)
  line <- function(i) {
    txt <- vapply(seq_len(ncol(cells)), function(j) pad_cell(cells[i, j], widths[j], align[j]), "")
    sub("\\s+$", "", paste(txt, collapse = "  "))
  }
  total <- sum(widths) + 2L * (ncol(cells) - 1L)
  out <- character()
  if (!is.null(title)) out <- title
  out <- c(out, strrep("=", total))
  for (i in seq_len(nrow(cells))) {
    out <- c(out, if (i == 1L && !is.null(spans)) text_spanner_lines(spans, widths) else line(i))
    if (i %in% rule_after) out <- c(out, strrep("-", total))
  }
  c(out, strrep("=", total), notes)
}

# Markdown: stars and pipes escaped; the first header row is the pipe-table header.
md_escape <- function(x) gsub("([*|])", "\\\\\\1", x)

render_markdown <- function(cells, n_header, title, notes, align) {
  cells <- md_escape(cells)
  row <- function(v) paste0("| ", paste(v, collapse = " | "), " |")
  rule <- paste0("|", paste(c(l = ":---", c = ":---:", r = "---:")[align], collapse = "|"), "|")
  head <- if (n_header >= 1L) cells[1L, ] else rep("", ncol(cells))
  rest <- if (n_header >= 1L) cells[-1L, , drop = FALSE] else cells
  out <- c(row(head), rule, apply(rest, 1L, row))
  if (!is.null(title)) out <- c(paste("Table:", md_escape(caption_text(title))), "", out)
  if (length(notes)) out <- c(out, "", paste0(md_escape(notes), "  "))
  out
}

# Plain text to LaTeX that compiles under pdflatex with the default (OT1)
# font encoding as well as under xelatex: < and > in math mode (OT1 has no
# such glyphs: "p < 0.1" would print "p ¡ 0.1"), the times and minus signs and
# the special characters as commands. Chinese text needs ctex (or CJK).
latex_escape <- function(x) {
  x <- gsub("\\\\", "\001", x)
  x <- gsub("([&%$#_{}])", "\\\\\\1", x)
  x <- gsub("\001", "\\textbackslash{}", x, fixed = TRUE)
  x <- gsub("~", "\\textasciitilde{}", x, fixed = TRUE)
  x <- gsub("^", "\\textasciicircum{}", x, fixed = TRUE)
  x <- gsub("<", "$<$", x, fixed = TRUE)
  x <- gsub(">", "$>$", x, fixed = TRUE)
  x <- gsub("\u00d7", "$\\times$", x, fixed = TRUE)
  x <- gsub("\u2212", "$-$", x, fixed = TRUE)
  x <- gsub("\u2264", "$\\leq$", x, fixed = TRUE)
  gsub("\u2265", "$\\geq$", x, fixed = TRUE)
}

# A title without its own "Table 7." / "表7" prefix: LaTeX and pandoc number
# captions themselves ("Table 2: Table 7. ..." otherwise).
caption_text <- function(title) {
  sub("^\\s*(Table\\s*[0-9A-Za-z.-]*[0-9][.:]?|\u8868\\s*[0-9.-]+[.:\uff1a]?)\\s*", "", title)
}

# Escaped cells; numbers get a typographic minus and superscript stars (`sup`
# is a sprintf format), and an "R2" label becomes `r2`.
markup_cells <- function(x, escape, minus, sup, r2) {
  num <- grepl("^\\(?-?[0-9.]+\\)?\\**$", x)
  y <- escape(x)
  y[num] <- sub("^(\\(?)-", paste0("\\1", minus), y[num])
  y[num] <- sub("(\\*+)$", sprintf(sup, "\\1"), y[num])
  sub("(^|\\s)R2$", paste0("\\1", r2), y)
}

latex_cell <- function(x) markup_cells(x, latex_escape, "$-$", "$^{%s}$", "$R^2$")

render_latex <- function(cells, rule_after, title, notes, align, spans = NULL) {
  body <- matrix(latex_cell(cells), nrow = nrow(cells))
  lines <- paste0(apply(body, 1L, paste, collapse = " & "), " \\\\")
  out <- c("\\begin{table}[!htbp]", "\\centering")
  if (!is.null(title)) out <- c(out, paste0("\\caption{", latex_escape(caption_text(title)), "}"))
  out <- c(out, paste0("\\begin{tabular}{", paste(align, collapse = ""), "}"), "\\toprule")
  for (i in seq_along(lines)) {
    out <- c(out, if (i == 1L && !is.null(spans)) latex_spanner_lines(spans, ncol(cells)) else lines[i])
    if (i %in% rule_after) out <- c(out, "\\midrule")
  }
  out <- c(out, "\\bottomrule", "\\end{tabular}")
  if (length(notes)) {
    out <- c(out, "\\par\\smallskip", "\\begin{minipage}{0.95\\linewidth}\\footnotesize",
             paste0(latex_escape(notes), "\\par"), "\\end{minipage}")
  }
  c(out, "\\end{table}")
}

html_escape <- function(x) {
  x <- gsub("&", "&amp;", x, fixed = TRUE)
  x <- gsub("<", "&lt;", x, fixed = TRUE)
  gsub(">", "&gt;", x, fixed = TRUE)
}

# Stars and underscores as character references, so that pandoc cannot read
# emphasis or a list marker ("* p < 0.1") in the raw HTML it passes through.
html_protect <- function(x) gsub("_", "&#95;", gsub("*", "&#42;", x, fixed = TRUE), fixed = TRUE)

html_cell <- function(x) {
  html_protect(markup_cells(x, html_escape, "&minus;", "<sup>%s</sup>", "R<sup>2</sup>"))
}

render_html <- function(cells, n_header, rule_after, title, notes, align, spans = NULL) {
  al <- c(l = "left", c = "center", r = "right")[align]
  body <- matrix(html_cell(cells), nrow = nrow(cells))
  border <- function(i) {
    s <- character()
    if (i == 1L) s <- "border-top: 2px solid"
    if ((i - 1L) %in% rule_after) s <- c(s, "border-top: 1px solid")
    if (i == nrow(cells)) s <- c(s, "border-bottom: 2px solid")
    s
  }
  row <- function(i) {
    tag <- if (i <= n_header) "th" else "td"
    td <- sprintf("<%s style=\"text-align: %s; padding: 2px 8px\">%s</%s>", tag, al, body[i, ], tag)
    st <- border(i)
    tr <- if (length(st)) sprintf("<tr style=\"%s\">", paste(st, collapse = "; ")) else "<tr>"
    paste0(tr, paste(td, collapse = ""), "</tr>")
  }
  rows <- vapply(seq_len(nrow(cells)), row, "")
  if (!is.null(spans)) rows[1L] <- html_spanner_row(spans, ncol(cells))
  out <- "<table class=\"pilotdid-table\" style=\"border-collapse: collapse\">"
  if (!is.null(title)) out <- c(out, paste0("<caption>", html_protect(html_escape(title)), "</caption>"))
  if (n_header) out <- c(out, "<thead>", rows[seq_len(n_header)], "</thead>")
  out <- c(out, "<tbody>", rows[setdiff(seq_along(rows), seq_len(n_header))], "</tbody>")
  if (length(notes)) {
    out <- c(out, "<tfoot>", sprintf("<tr><td colspan=\"%d\" style=\"text-align: left; font-size: 85%%\">%s</td></tr>",
                                     ncol(cells), html_protect(html_escape(notes))), "</tfoot>")
  }
  c(out, "</table>")
}
