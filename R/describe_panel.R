#' Descriptive statistics of the main variables
#'
#' `describe_panel()` gives the descriptive-statistics table of a DID paper:
#' for each variable the number of non-missing observations, the mean,
#' standard deviation, minimum and maximum, with optional labels (the
#' variable's name in words) and variable-type groups ("Dependent variable",
#' "Controls", ...).
#'
#' @param data A data frame.
#' @param vars Names of the (numeric or logical) columns to describe, in the
#'   order of the table.
#' @param labels Optional labels: a character vector as long as `vars`, or a
#'   named one (`c(gov = "Government intervention")`) for some of them.
#' @param groups Optional variable types: a named list of column names
#'   (`list(Dependent = "np", Controls = c("gov", "fdi"))`), or a character
#'   vector as long as `vars`, or a named one (`c(np = "Dependent")`). Rows
#'   are ordered by group, in the order groups first appear.
#' @return A data frame of class `pilotdid_describe_panel` with columns `group` (if
#'   given), `variable`, `label` (if given), `n`, `mean`, `sd`, `min`, `max`.
#'   It prints as a table (`print(x, format = "latex", lang = "zh")` for the
#'   other formats and Chinese headers) and renders itself in knitted
#'   documents; `tidy()` returns the plain data frame, `glance()` one row
#'   (`n_vars`, `nobs`: rows of `data`, `complete`: rows complete in every
#'   variable).
#' @family tables
#' @export
#' @examples
#' d <- simulate_panel(n_id = 50, n_t = 8, seed = 1)
#' ds <- describe_panel(d, c("y", "treat", "x1", "x2"),
#'                      labels = c(y = "Outcome", treat = "Pilot city x post"),
#'                      groups = list(Dependent = "y", Treatment = "treat", Controls = c("x1", "x2")))
#' ds
#' print(ds, format = "markdown", lang = "zh")
describe_panel <- function(data, vars, labels = NULL, groups = NULL) {
  data <- check_data(data)
  if (!is.character(vars) || !length(vars) || anyNA(vars)) {
    abort_input("{.arg vars} must be a character vector of column names.")
  }
  check_columns(data, vars, "vars")
  bad <- vars[!vapply(vars, function(v) is.numeric(data[[v]]) || is.logical(data[[v]]), TRUE)]
  if (length(bad)) abort_input("{cli::qty(length(bad))}Column{?s} {.field {bad}} must be numeric to be described.")
  grp <- describe_by_var(groups, vars, "groups")
  lab <- describe_by_var(labels, vars, "labels")
  if (!is.null(grp)) {
    o <- order(match(grp, unique(grp)))
    vars <- vars[o]
    grp <- grp[o]
    if (!is.null(lab)) lab <- lab[o]
  }
  stat <- function(f) vapply(vars, function(v) {
    x <- as.numeric(data[[v]])
    x <- x[is.finite(x)]
    if (length(x)) f(x) else NA_real_
  }, 0, USE.NAMES = FALSE)
  n_inf <- vapply(vars, function(v) sum(is.infinite(as.numeric(data[[v]]))), 1L)
  if (any(n_inf > 0)) {
    note("Left out infinite values, counted as missing: {paste0(vars[n_inf > 0], ' (', n_inf[n_inf > 0], ')', collapse = ', ')}.")
  }
  out <- data.frame(variable = vars)
  if (!is.null(grp)) out <- cbind(group = grp, out)
  if (!is.null(lab)) out$label <- ifelse(is.na(lab), "", lab)
  out$n <- vapply(vars, function(v) sum(is.finite(as.numeric(data[[v]]))), 1L, USE.NAMES = FALSE)
  out$mean <- stat(mean)
  out$sd <- stat(stats::sd)
  out$min <- stat(min)
  out$max <- stat(max)
  new_pilotdid_describe_panel(out, nrow(data), sum(stats::complete.cases(data[vars])))
}

new_pilotdid_describe_panel <- function(x, nobs, complete) {
  structure(x, nobs = nobs, complete = complete, class = c("pilotdid_describe_panel", "data.frame"))
}

# labels/groups given as a named list, a named vector or one value per variable.
describe_by_var <- function(x, vars, arg, call = caller_env()) {
  if (is.null(x)) return(NULL)
  if (is.list(x) && !is.null(names(x)) && all(nzchar(names(x)))) {
    x <- stats::setNames(rep(names(x), lengths(x)), unlist(x, use.names = FALSE))
  }
  if (!is.character(x)) abort_input("{.arg {arg}} must be a character vector or a named list.", call = call)
  if (is.null(names(x))) {
    if (length(x) != length(vars)) {
      abort_input("{.arg {arg}} must name the variables or give one value per variable ({length(vars)}).",
                  call = call)
    }
    return(x)
  }
  unknown <- setdiff(names(x), vars)
  if (length(unknown)) abort_input("{.arg {arg}} names {.val {unknown}}, which {?is/are} not in {.arg vars}.",
                                   call = call)
  unname(x[vars])
}

# The cells of the table: headers, then one row per variable.
describe_cells <- function(x, lang, digits) {
  zh <- lang == "zh"
  head <- if (zh) {
    c(group = "\u53d8\u91cf\u7c7b\u578b", variable = "\u53d8\u91cf\u7b26\u53f7", label = "\u53d8\u91cf\u540d",
      n = "\u6837\u672c\u91cf", mean = "\u5747\u503c", sd = "\u6807\u51c6\u5dee", min = "\u6700\u5c0f\u503c",
      max = "\u6700\u5927\u503c")
  } else {
    c(group = "Type", variable = "Variable", label = "Label", n = "N", mean = "Mean", sd = "SD",
      min = "Min", max = "Max")
  }
  cols <- intersect(names(head), names(x))
  df <- as.data.frame(unclass(x))[cols]
  ends <- cbind(df$min, df$max)
  whole <- rowSums(ends != round(ends), na.rm = TRUE) == 0
  for (v in c("mean", "sd")) df[[v]] <- fmt_num(df[[v]], digits)
  for (v in c("min", "max")) df[[v]] <- ifelse(whole, fmt_num(df[[v]], 0L), fmt_num(df[[v]], digits))
  df$n <- as.character(df$n)
  if ("group" %in% cols) df$group[duplicated(df$group)] <- ""
  cells <- rbind(unname(head[cols]), as.matrix(df))
  dimnames(cells) <- NULL
  list(cells = cells, align = ifelse(cols %in% c("group", "variable", "label"), "l", "r"))
}

#' @rdname describe_panel
#' @param x A `pilotdid_describe_panel` table.
#' @param format Output format: `"text"`, `"markdown"`, `"latex"` or `"html"`.
#' @param lang Column headers in English (`"en"`) or Chinese (`"zh"`).
#' @param digits Decimals of the statistics.
#' @param title Optional title.
#' @param ... Unused.
#' @export
format.pilotdid_describe_panel <- function(x, format = c("text", "markdown", "latex", "html"),
                                     lang = c("en", "zh"), digits = 3, title = NULL, ...) {
  format <- check_choice(format, c("text", "markdown", "latex", "html"), "format")
  lang <- check_choice(lang, c("en", "zh"), "lang")
  digits <- check_count(digits, "digits", min = 0)
  cl <- describe_cells(x, lang, digits)
  render_table(cl$cells, c("header", rep("body", nrow(cl$cells) - 1L)), format, title, character(),
               cl$align)
}

#' @rdname describe_panel
#' @export
print.pilotdid_describe_panel <- function(x, format = "text", lang = "en", digits = 3, title = NULL, ...) {
  if (!all(c("variable", "n", "mean", "sd", "min", "max") %in% names(x))) return(NextMethod())
  cat(format.pilotdid_describe_panel(x, format = format, lang = lang, digits = digits, title = title), sep = "\n")
  invisible(x)
}

#' @rdname describe_panel
#' @exportS3Method knitr::knit_print
knit_print.pilotdid_describe_panel <- function(x, ...) {
  cl <- describe_cells(x, "en", 3L)
  knit_table(cl$cells, c("header", rep("body", nrow(cl$cells) - 1L)), "text", NULL, character(),
             cl$align)
}

#' @rdname describe_panel
#' @method tidy pilotdid_describe_panel
#' @export
tidy.pilotdid_describe_panel <- function(x, ...) {
  out <- as.data.frame(unclass(x))
  attr(out, "nobs") <- attr(out, "complete") <- NULL
  out
}

#' @rdname describe_panel
#' @method glance pilotdid_describe_panel
#' @export
glance.pilotdid_describe_panel <- function(x, ...) {
  data.frame(n_vars = nrow(x), nobs = attr(x, "nobs") %||% NA_integer_,
             complete = attr(x, "complete") %||% NA_integer_)
}
