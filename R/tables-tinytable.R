#' Tables as tinytable objects
#'
#' `as_tinytable()` turns a [did_table()] or [describe_panel()] table into a
#' [tinytable](https://vincentarelbundock.github.io/tinytable/) object, for
#' users who style tables further with `tinytable::style_tt()`,
#' `tinytable::format_tt()` or `tinytable::theme_tt()` and save them with
#' `tinytable::save_tt()` (HTML, LaTeX, Word, Typst, PNG, PDF). The body rows
#' are the table's cells as text (`"0.512***"`, `"(0.071)"`); the last
#' header row (`(1)`, `(2)`, ...) holds the column names; the header rows above
#' it (spanners, model names, dependent variables) become column groups
#' (`tinytable::group_tt()`), adjacent columns with the same label merged
#' into one group; the title is the caption and the notes are the table's
#' notes. Cells are escaped for the output format (`format_tt(escape = TRUE)`).
#' tinytable 0.8 or later cannot be loaded next to xfun older than 0.51 (a
#' classed error says so).
#'
#' @param x A [did_table()] or [describe_panel()] table.
#' @param lang For a [describe_panel()] table: headers in English (`"en"`) or
#'   Chinese (`"zh"`).
#' @param ... Unused.
#' @return A `tinytable` object.
#' @family tables
#' @export
#' @examples
#' if (requireNamespace("tinytable", quietly = TRUE)) {
#'   d <- simulate_panel(n_id = 40, n_t = 6, seed = 2)
#'   a <- twfe(y ~ treat + x1 | id + year, data = d)
#'   b <- twfe(y ~ treat + x1 + x2 | id + year, data = d)
#'   tab <- did_table(a, b, a, b, spanners = list(Baseline = 1:2, Robustness = 3:4))
#'   as_tinytable(tab)
#' }
as_tinytable <- function(x, ...) UseMethod("as_tinytable")

#' @rdname as_tinytable
#' @export
as_tinytable.pilotdid_did_table <- function(x, ...) {
  check_no_dots(...)
  spec_tinytable(table_spec(x))
}

#' @rdname as_tinytable
#' @export
as_tinytable.pilotdid_describe_panel <- function(x, lang = c("en", "zh"), ...) {
  check_no_dots(...)
  lang <- check_choice(lang, c("en", "zh"), "lang")
  spec_tinytable(table_spec(x, lang = lang))
}

#' @rdname as_tinytable
#' @export
as_tinytable.default <- function(x, ...) {
  abort_input(c("{.fn as_tinytable} takes a {.fn did_table} or {.fn describe_panel} table.",
                "x" = "Got {.cls {class(x)[1]}}."))
}

spec_tinytable <- function(s, call = caller_env()) {
  check_tinytable(call)
  head <- s$cells[s$row_type == "header", , drop = FALSE]
  body <- s$cells[s$row_type != "header", , drop = FALSE]
  nh <- nrow(head)
  df <- as.data.frame(body, stringsAsFactors = FALSE)
  names(df) <- if (nh) ifelse(nzchar(head[nh, ]), head[nh, ], " ") else rep(" ", ncol(body))
  args <- list(df)
  if (!is.null(s$title)) args$caption <- s$title
  if (length(s$notes)) args$notes <- as.list(s$notes)
  tt <- do.call(tinytable::tt, args)
  for (i in rev(seq_len(max(nh - 1L, 0L)))) {
    groups <- header_groups(head[i, ], if (i == 1L) s$spans)
    if (length(groups)) tt <- tinytable::group_tt(tt, j = groups)
  }
  tinytable::format_tt(tt, escape = TRUE)
}

# tinytable installed and loadable. tinytable >= 0.8 registers a method for
# xfun::record_print(), so it cannot be loaded next to xfun < 0.51 (say so,
# rather than "not installed").
check_tinytable <- function(call = caller_env(), load = function() loadNamespace("tinytable")) {
  if (nzchar(system.file(package = "tinytable"))) {
    err <- tryCatch({
      load()
      NULL
    }, error = function(e) conditionMessage(e))
    if (!is.null(err)) {
      cli::cli_abort(c("The {.pkg tinytable} package is installed but cannot be loaded.",
                       "x" = "{err}",
                       "i" = "With {.pkg xfun} older than 0.51, update {.pkg xfun}, {.pkg knitr} and {.pkg highr}: {.code install.packages(c(\"xfun\", \"knitr\", \"highr\"))}."),
                     class = c("pilotdid_error_missing_package", "pilotdid_error"), call = call)
    }
  }
  rlang::check_installed("tinytable", reason = "to make a tinytable.", call = call)
}

# Column groups of a header row: the spans of the spanner row, else runs of
# adjacent cells with the same non-empty label (named list of columns).
header_groups <- function(values, spans = NULL) {
  if (!is.null(spans)) return(stats::setNames(Map(`:`, spans$from + 1L, spans$to + 1L), spans$label))
  runs <- rle(values)
  end <- cumsum(runs$lengths)
  start <- end - runs$lengths + 1L
  keep <- nzchar(runs$values)
  stats::setNames(Map(`:`, start[keep], end[keep]), runs$values[keep])
}
