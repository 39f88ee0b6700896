#' Methods for event_study() results
#'
#' `summary()` returns a `summary.pilotdid_event_study` object (the event table, the
#' pre-trend test, the control coefficients and fit statistics) whose print
#' method does the printing; `print()` prints the event table and the
#' pre-trend test only. `coef()` and `vcov()` give the estimated event
#' coefficients (named by their labels, reference periods excluded) and their
#' variance; the control coefficients are in `coef(x$fit)`.
#'
#' @param object,x A `pilotdid_event_study` result.
#' @param digits Significant digits to print.
#' @param controls Print the control coefficients too?
#' @param ... Unused.
#' @param parm,level Coefficients (names or positions among the event-time
#'   coefficients) and confidence level of `confint()`.
#' @return `summary()`: a list of class `summary.pilotdid_event_study` with `table`
#'   (the event table), `wald` (the pre-trend test), `controls` (a coefficient
#'   matrix: estimate, std. error, t value, p-value), `nobs`, `r2`,
#'   `r2_within`, `se` (a description of the standard errors) and the settings
#'   of the event study. `coef()`: a named vector; `vcov()`: a matrix.
#' @family event studies
#' @name event_study-methods
#' @examples
#' d <- simulate_panel(n_id = 60, n_t = 12, cohorts = c(2013, 2015, 2017), seed = 1)
#' es <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort", window = c(-4, 4))
#' summary(es)
#' coef(es)
NULL

#' @rdname event_study-methods
#' @export
summary.pilotdid_event_study <- function(object, ...) {
  fit <- object$fit
  ctab <- summary(fit)$coefficients
  ctab <- ctab[!rownames(ctab) %in% object$table$label, , drop = FALSE]
  out <- object[c("table", "wald", "window", "ref", "bin", "cohort", "time", "unit",
                  "n_treated", "n_never", "formula")]
  out$controls <- ctab
  out$nobs <- fit$nobs
  out$r2 <- fit$r2
  out$r2_within <- fit$r2_within
  out$se <- se_label(fit)
  structure(out, class = "summary.pilotdid_event_study")
}

#' @rdname event_study-methods
#' @export
print.summary.pilotdid_event_study <- function(x, digits = max(3L, getOption("digits") - 3L),
                                         controls = TRUE, ...) {
  cat("Event study:", deparse1(x$formula), "\n")
  cat(sprintf("Cohort: %s   Time: %s   Unit: %s\n", x$cohort, x$time, x$unit))
  cat(sprintf("Window: [%d, %d]%s   Reference: %s\n", x$window[1L], x$window[2L],
              if (x$bin) ", end points binned" else ", rows outside dropped",
              paste0(event_labels(x$ref), " (", x$ref, ")", collapse = ", ")))
  cat(sprintf("Observations: %s   Treated units: %d   Never treated: %d\n",
              format(x$nobs, big.mark = ","), x$n_treated, x$n_never))
  cat("Standard errors:", x$se, "\n\n")
  print(event_print_table(x$table, digits), quote = FALSE, right = TRUE)
  cat("---\nSignif. codes: 0.01 '***' 0.05 '**' 0.1 '*'\n")
  cat(format_wald(x$wald, digits), "\n")
  if (controls && nrow(x$controls)) {
    cat("\nControls:\n")
    stats::printCoefmat(x$controls, digits = digits, signif.legend = FALSE)
  }
  if (controls) {
    cat(sprintf("R2: %s   Within R2: %s\n", format(x$r2, digits = digits),
                format(x$r2_within, digits = digits)))
  }
  invisible(x)
}

#' @rdname event_study-methods
#' @export
print.pilotdid_event_study <- function(x, ...) {
  print(summary(x), controls = FALSE, ...)
  invisible(x)
}

#' @rdname event_study-methods
#' @export
coef.pilotdid_event_study <- function(object, ...) {
  tab <- object$table[!object$table$ref, , drop = FALSE]
  stats::setNames(tab$estimate, tab$label)
}

#' @rdname event_study-methods
#' @export
vcov.pilotdid_event_study <- function(object, ...) {
  k <- object$table$label[!object$table$ref]
  object$fit$vcov[k, k, drop = FALSE]
}

#' @rdname event_study-methods
#' @export
nobs.pilotdid_event_study <- function(object, ...) object$fit$nobs

#' @rdname event_study-methods
#' @export
confint.pilotdid_event_study <- function(object, parm, level = 0.95, ...) {
  check_level(level)
  k <- names(coef(object))
  if (missing(parm)) parm <- k
  if (is.numeric(parm)) parm <- k[parm]
  confint.pilotdid_twfe(object$fit, parm, level = level)
}

# Character matrix of the event table: period, relative time, estimate with stars, SE, t, p.
event_print_table <- function(tab, digits) {
  fmt <- function(v) {
    out <- rep("", length(v))
    out[!is.na(v)] <- format(v[!is.na(v)], digits = digits)
    out
  }
  rel <- as.character(tab$rel_time)
  lo <- tab$binned & tab$rel_time == min(tab$rel_time) & tab$rel_time < 0
  hi <- tab$binned & tab$rel_time == max(tab$rel_time) & tab$rel_time >= 0
  rel[lo] <- paste0("<=", rel[lo])
  rel[hi] <- paste0(">=", rel[hi])
  est <- ifelse(tab$ref, "0 (ref.)", paste0(fmt(tab$estimate), stars(tab$p.value)))
  out <- cbind(Period = tab$label, `Rel. time` = rel, Estimate = est, `Std. Error` = fmt(tab$std.error),
               `t value` = fmt(tab$statistic), `Pr(>|t|)` = format_p(tab$p.value), N = tab$n_obs)
  rownames(out) <- rep("", nrow(out))
  out
}

format_p <- function(p) {
  ifelse(is.na(p), "", ifelse(p < 1e-4, "<1e-04", formatC(p, digits = 4, format = "f")))
}

format_wald <- function(w, digits = 4L) {
  if (is.na(w$statistic)) return("Pre-trend test: not available (no pre-period coefficient).")
  num <- function(v) format(v, digits = digits)
  sprintf("Pre-trend test (H0: %s = 0): F(%d, %d) = %s, p = %s; chi2(%d) = %s, p = %s",
          paste(w$terms, collapse = " = "), w$df1, w$df2, num(w$statistic), format_p(w$p.value),
          w$df1, num(w$chisq), format_p(w$chisq_p.value))
}
