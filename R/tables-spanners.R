# Header spanners of did_table(spanners = list("Baseline" = 1:2, ...)): one
# header row on top of the table, each label over a run of adjacent columns,
# rendered merged in every format (a centred label over a rule in text,
# \multicolumn + \cmidrule in LaTeX, colspan in HTML, merged cells in Word
# and Excel, column groups in tinytable). `spans` is a data frame (label,
# from, to) in table columns (1 = the first model column); the spanner row is
# the first row of the cells.

check_spanners <- function(spanners, k, call = caller_env()) {
  if (is.null(spanners)) return(NULL)
  nms <- names(spanners)
  if (!is.list(spanners) || !length(spanners) || is.null(nms) || anyNA(nms) || any(!nzchar(nms))) {
    abort_input(c("{.arg spanners} must be a named list of column numbers, e.g. {.code list(Baseline = 1:2, Robustness = 3:4)}.",
                  "x" = "Got {.cls {class(spanners)[1]}}{if (is.list(spanners)) ' without a name for every element' else ''}."),
                call = call)
  }
  spans <- lapply(seq_along(spanners), function(i) {
    cols <- spanners[[i]]
    ok <- is.numeric(cols) && length(cols) && !anyNA(cols) && all(cols == round(cols))
    if (!ok || any(cols < 1 | cols > k)) {
      abort_input(c("{.arg spanners} element {.val {nms[i]}} must hold column numbers between 1 and {k}.",
                    "x" = "Got {.val {cols}}."), call = call)
    }
    cols <- sort(unique(as.integer(cols)))
    if (any(diff(cols) != 1L)) {
      abort_input("{.arg spanners} element {.val {nms[i]}} must cover adjacent columns; got {.val {cols}}.", call = call)
    }
    data.frame(label = nms[i], from = cols[1L], to = cols[length(cols)])
  })
  spans <- do.call(rbind, spans)
  spans <- spans[order(spans$from), , drop = FALSE]
  clash <- which(spans$from[-1L] <= spans$to[-nrow(spans)])
  if (length(clash)) {
    abort_input("{.arg spanners} {.val {spans$label[clash[1L]]}} and {.val {spans$label[clash[1L] + 1L]}} overlap: a column can be under one spanner only.",
                call = call)
  }
  rownames(spans) <- NULL
  spans
}

# The spanner row of the cells: each label in the first column of its span.
spanner_row <- function(spans, k) {
  if (is.null(spans)) return(NULL)
  row <- rep("", k + 1L)
  row[spans$from + 1L] <- spans$label
  matrix(row, nrow = 1L)
}

# Text: each label centred over its columns, a rule of dashes under it.
text_spanner_lines <- function(spans, widths, gap = 2L) {
  start <- cumsum(c(0L, widths[-length(widths)] + gap))
  total <- sum(widths) + gap * (length(widths) - 1L)
  label <- rule <- strrep(" ", total)
  for (r in seq_len(nrow(spans))) {
    a <- start[spans$from[r] + 1L]
    b <- start[spans$to[r] + 1L] + widths[spans$to[r] + 1L]
    substr(label, a + 1L, b) <- pad_cell(spans$label[r], b - a, "c")
    substr(rule, a + 1L, b) <- strrep("-", b - a)
  }
  sub("\\s+$", "", c(label, rule))
}

# Widths of text columns widened so that each spanner label fits over its columns.
text_span_widths <- function(spans, widths, gap = 2L) {
  for (r in seq_len(nrow(spans))) {
    j <- (spans$from[r]:spans$to[r]) + 1L
    short <- nchar(spans$label[r], type = "width") - (sum(widths[j]) + gap * (length(j) - 1L))
    if (short > 0L) widths[j[length(j)]] <- widths[j[length(j)]] + short
  }
  widths
}

# Runs of the spanner row: list of (label, first cell column, number of columns),
# columns without a spanner as runs of one empty cell.
span_runs <- function(spans, n_cols) {
  runs <- list()
  j <- 1L
  while (j <= n_cols) {
    r <- match(j - 1L, spans$from)
    if (!is.na(r)) {
      runs[[length(runs) + 1L]] <- list(label = spans$label[r], col = j, n = spans$to[r] - spans$from[r] + 1L)
      j <- j + runs[[length(runs)]]$n
    } else {
      runs[[length(runs) + 1L]] <- list(label = "", col = j, n = 1L)
      j <- j + 1L
    }
  }
  runs
}

latex_spanner_lines <- function(spans, n_cols) {
  runs <- span_runs(spans, n_cols)
  cells <- vapply(runs, function(r) {
    if (r$n == 1L) latex_escape(r$label) else sprintf("\\multicolumn{%d}{c}{%s}", r$n, latex_escape(r$label))
  }, "")
  rules <- sprintf("\\cmidrule(lr){%d-%d}", spans$from + 1L, spans$to + 1L)
  c(paste0(paste(cells, collapse = " & "), " \\\\"), paste(rules, collapse = " "))
}

html_spanner_row <- function(spans, n_cols) {
  runs <- span_runs(spans, n_cols)
  th <- vapply(runs, function(r) {
    if (r$n == 1L && !nzchar(r$label)) return("<th style=\"padding: 2px 8px\"></th>")
    sprintf("<th colspan=\"%d\" style=\"text-align: center; padding: 2px 8px; border-bottom: 1px solid\">%s</th>",
            r$n, html_protect(html_escape(r$label)))
  }, "")
  paste0("<tr style=\"border-top: 2px solid\">", paste(th, collapse = ""), "</tr>")
}
