#' Methods for linear combinations
#'
#' A [lincom()] result is a data frame of the combinations with broom's
#' columns (`term`, `estimate`, `std.error`, `statistic`, `p.value`,
#' `conf.low`, `conf.high`), so code that reads its columns keeps working;
#' `tidy()` and `as.data.frame()` return exactly those columns as a plain
#' data frame (`as.data.frame()` keeps the `"weights"` attribute).
#' `coef()` is the `estimate` column named by `term`; `vcov()` the
#' covariance \eqn{WVW'} of the combinations; `nobs()` the observations of
#' the result the combinations were computed from (`NA` when it has none).
#' `glance()` has one row: the number of combinations, the degrees of freedom
#' (`Inf` for normal inference), the confidence level and `nobs`.
#' `summary()` returns a `summary.pilotdid_lincom` object that prints like the
#' result.
#'
#' @param x,object A `pilotdid_lincom` result (or its summary for `print()`).
#' @param row.names,optional Ignored (as for data frames).
#' @param digits Significant digits printed.
#' @param ... Unused.
#' @return `tidy()`, `as.data.frame()`, `glance()`: data frames; `coef()`: a
#'   named numeric vector; `vcov()`: a matrix; `nobs()`: a number;
#'   `summary()`: a `summary.pilotdid_lincom` list; `print()`: `x`, invisibly.
#' @family inference
#' @name lincom-methods
#' @examples
#' d <- simulate_panel(n_id = 60, n_t = 12, cohorts = c(2013, 2015, 2017), seed = 1)
#' es <- event_study(y ~ x1 + x2 | id + year, data = d, cohort = "cohort", window = c(-3, 3))
#' lc <- lincom(es, c(average = "(current + post_1 + post_2 + post_3) / 4", jump = "current - pre_2"))
#' lc
#' tidy(lc)
#' vcov(lc)
#' glance(lc)
NULL

#' @rdname lincom-methods
#' @export
as.data.frame.pilotdid_lincom <- function(x, row.names = NULL, optional = FALSE, ...) {
  out <- data.frame(term = x$term, estimate = x$estimate, std.error = x$std.error, statistic = x$statistic,
                    p.value = x$p.value, conf.low = x$conf.low, conf.high = x$conf.high,
                    stringsAsFactors = FALSE)
  attr(out, "weights") <- attr(x, "weights")
  out
}

#' @rdname lincom-methods
#' @export
tidy.pilotdid_lincom <- function(x, ...) {
  out <- as.data.frame(x)
  attr(out, "weights") <- NULL
  out
}

#' @rdname lincom-methods
#' @export
glance.pilotdid_lincom <- function(x, ...) {
  data.frame(n_combinations = nrow(x), df = attr(x, "df") %||% NA_real_,
             level = attr(x, "level") %||% NA_real_, nobs = nobs(x))
}

#' @rdname lincom-methods
#' @export
coef.pilotdid_lincom <- function(object, ...) coef_from_tidy(object, ...)

#' @rdname lincom-methods
#' @export
vcov.pilotdid_lincom <- function(object, ...) {
  V <- attr(object, "vcov")
  if (is.null(V) || nrow(V) != nrow(object)) {
    abort_input(c("{.arg object} has lost the covariance of its rows (they were subset or bound).",
                  "i" = "Call {.fn lincom} with the combinations you need."))
  }
  V
}

#' @rdname lincom-methods
#' @export
nobs.pilotdid_lincom <- function(object, ...) attr(object, "nobs") %||% NA_real_

#' @rdname lincom-methods
#' @export
summary.pilotdid_lincom <- function(object, ...) {
  structure(list(table = tidy(object), df = attr(object, "df") %||% NA_real_,
                 level = attr(object, "level") %||% NA_real_, null = attr(object, "null"),
                 nobs = nobs(object)),
            class = "summary.pilotdid_lincom")
}

#' @rdname lincom-methods
#' @export
print.summary.pilotdid_lincom <- function(x, digits = 3, ...) {
  inf <- if (is.na(x$df)) "" else if (is.finite(x$df)) sprintf("t tests with %s df", format(x$df)) else "normal inference"
  cat(sprintf("Linear combinations of coefficients (%s%s)\n", inf,
              if (is.na(x$level)) "" else sprintf(", %s%% intervals", format(100 * x$level))))
  tab <- x$table
  out <- data.frame(term = tab$term, estimate = fmt_signif(tab$estimate, digits),
                    std.error = fmt_signif(tab$std.error, digits), statistic = fmt_signif(tab$statistic, digits),
                    p.value = format.pval(tab$p.value, digits = digits),
                    conf.low = fmt_signif(tab$conf.low, digits), conf.high = fmt_signif(tab$conf.high, digits))
  if (length(x$null) == nrow(out) && any(x$null != 0)) out$null <- format(x$null, digits = digits)
  print(out, row.names = FALSE, right = FALSE)
  invisible(x)
}

#' @rdname lincom-methods
#' @export
print.pilotdid_lincom <- function(x, digits = 3, ...) {
  print(summary(x), digits = digits)
  invisible(x)
}
