#' Methods for HonestDiD sensitivity results
#'
#' `tidy()` returns the original confidence interval followed by the robust
#' sets, one row per value of \eqn{\bar M} or \eqn{M}, with broom's columns
#' first:
#'
#' | column | meaning |
#' |---|---|
#' | term | `"Original"`, or method and grid value: `"C-LF, Mbar = 0.5"`, `"FLCI, M = 0.01"` |
#' | estimate | the target parameter \eqn{l'\hat\beta_{post}} (the same on every row) |
#' | std.error, statistic, p.value | its standard error, z statistic and normal p-value on the original row; `NA` on the robust rows (a robust set is not a Wald interval) |
#' | conf.low, conf.high | bounds of the confidence set (`lb`, `ub`) |
#' | type | `"original"`, `"relative_magnitude"` or `"smoothness"` |
#' | method | `"Original"`, `"C-LF"`, `"Conditional"` or `"FLCI"` |
#' | M | \eqn{\bar M} (relative magnitudes) or \eqn{M} (smoothness); `NA` for the original |
#' | lb, ub | bounds of the confidence set at level `1 - alpha` |
#'
#' `glance()` has one row: the estimate \eqn{l'\hat\beta_{post}}, its standard
#' error, `alpha`, the numbers of pre- and post-periods, the breakdown
#' values and `nobs`. `coef()` is the `estimate` column of `tidy()` named by
#' `term`. `nobs()` is the number of observations of the event study the
#' result was computed from, and `NA` when it was computed from plain
#' `betahat` and `sigma`, which carry no sample size. `summary()` returns a
#' `summary.pilotdid_honest_did` object (the table, breakdown values and
#' set-up) that prints like the result.
#'
#' @param x,object A `pilotdid_honest_did` result (or its summary for `print()`).
#' @param digits Significant digits printed.
#' @param ... Unused.
#' @return `tidy()`, `glance()`: data frames; `coef()`: a named numeric
#'   vector; `nobs()`: a number; `summary()`: a `summary.pilotdid_honest_did`
#'   list; `print()`: `x`, invisibly.
#' @family event studies
#' @name honest_did-methods
#' @examples
#' hd <- honest_did(betahat = c(0.01, -0.01, 0.02, 0.5, 0.6), sigma = diag(0.01, 5),
#'                  numPrePeriods = 3, numPostPeriods = 2, Mbar = c(0, 1), M = c(0, 0.1))
#' tidy(hd)
#' glance(hd)
#' summary(hd)
NULL

#' @rdname honest_did-methods
#' @export
tidy.pilotdid_honest_did <- function(x, ...) {
  orig <- data.frame(type = "original", method = "Original", M = NA_real_, lb = x$original$lb,
                     ub = x$original$ub, stringsAsFactors = FALSE)
  tab <- rbind(orig, x$results)
  rownames(tab) <- NULL
  robust <- tab$type != "original"
  z <- x$estimate / x$std.error
  out <- data.frame(term = honest_terms(tab), estimate = rep(x$estimate, nrow(tab)),
                    std.error = ifelse(robust, NA_real_, x$std.error),
                    statistic = ifelse(robust, NA_real_, z),
                    p.value = ifelse(robust, NA_real_, 2 * stats::pnorm(-abs(z))),
                    conf.low = tab$lb, conf.high = tab$ub, stringsAsFactors = FALSE)
  cbind(out, tab)
}

# "Original", "C-LF, Mbar = 0.5", "FLCI, M = 0.01".
honest_terms <- function(tab) {
  par <- ifelse(tab$type == "relative_magnitude", "Mbar", "M")
  ifelse(tab$type == "original", "Original", paste0(tab$method, ", ", par, " = ", as.character(tab$M)))
}

#' @rdname honest_did-methods
#' @export
glance.pilotdid_honest_did <- function(x, ...) {
  bd <- function(t) {
    if (is.null(x$breakdown) || !t %in% x$breakdown$type) return(NA_real_)
    x$breakdown$M[x$breakdown$type == t]
  }
  data.frame(estimate = x$estimate, std.error = x$std.error, alpha = x$alpha,
             n_pre = x$numPrePeriods, n_post = x$numPostPeriods,
             breakdown_Mbar = bd("relative_magnitude"), breakdown_M = bd("smoothness"),
             nobs = nobs(x))
}

#' @rdname honest_did-methods
#' @export
coef.pilotdid_honest_did <- function(object, ...) coef_from_tidy(object, ...)

#' @rdname honest_did-methods
#' @export
nobs.pilotdid_honest_did <- function(object, ...) object$nobs %||% NA_real_

#' @rdname honest_did-methods
#' @export
summary.pilotdid_honest_did <- function(object, ...) {
  structure(list(table = tidy(object), breakdown = object$breakdown, estimate = object$estimate,
                 std.error = object$std.error, l_vec = object$l_vec, alpha = object$alpha,
                 numPrePeriods = object$numPrePeriods, numPostPeriods = object$numPostPeriods,
                 nobs = nobs(object)),
            class = "summary.pilotdid_honest_did")
}

#' @rdname honest_did-methods
#' @export
print.summary.pilotdid_honest_did <- function(x, digits = 3, ...) {
  cat("Sensitivity to violations of parallel trends (Rambachan and Roth 2023)\n")
  cat(sprintf("Parameter: l'beta_post with l = (%s); %d pre-periods, %d post-periods; %s%% sets\n",
              paste(format(x$l_vec, digits = digits), collapse = ", "), x$numPrePeriods,
              x$numPostPeriods, format(100 * (1 - x$alpha))))
  tab <- x$table
  out <- data.frame(Restriction = c(original = "Original", relative_magnitude = "Relative magnitude (Mbar)",
                                    smoothness = "Smoothness (M)")[tab$type],
                    Method = tab$method, M = ifelse(is.na(tab$M), "", format(tab$M, digits = digits)),
                    lb = fmt_signif(tab$lb, digits), ub = fmt_signif(tab$ub, digits))
  print(out, row.names = FALSE, right = FALSE)
  if (!is.null(x$breakdown)) {
    for (i in seq_len(nrow(x$breakdown))) {
      b <- x$breakdown[i, ]
      nm <- if (b$type == "relative_magnitude") "Mbar" else "M"
      val <- if (is.na(b$M)) "none (not significant at 0)" else
        paste0(if (b$censored) ">= " else "", format(b$M, digits = digits))
      cat(sprintf("Breakdown %s: %s\n", nm, val))
    }
  }
  invisible(x)
}

#' @rdname honest_did-methods
#' @export
print.pilotdid_honest_did <- function(x, digits = 3, ...) {
  print(summary(x), digits = digits)
  invisible(x)
}

#' HonestDiD sensitivity plot
#'
#' `honest_did_plot_data()` returns the intervals the sensitivity plot draws;
#' `autoplot()` draws them: for each restriction, the original confidence
#' interval on the left (placed one grid step before the smallest
#' \eqn{\bar M} or \eqn{M}, as in HonestDiD's plots), then the robust sets
#' by \eqn{\bar M} or \eqn{M}, with a line at zero.
#'
#' @param object A `pilotdid_honest_did` result.
#' @param lang Labels in English (`"en"`) or Chinese (`"zh"`).
#' @param ... Unused.
#' @return `honest_did_plot_data()`: a data frame with `type`, `panel` (its
#'   label in `lang`), `method`, `M` (`NA` for the original interval), `x`
#'   (horizontal position), `lb`, `ub`, `original`, and attribute `width`
#'   (bar widths by type). `autoplot()`: a ggplot object.
#' @family event studies
#' @name honest_did_plot
#' @examples
#' hd <- honest_did(betahat = c(0.01, -0.01, 0.02, 0.5, 0.6), sigma = diag(0.01, 5),
#'                  numPrePeriods = 3, numPostPeriods = 2, Mbar = c(0, 0.5, 1), M = c(0, 0.1))
#' honest_did_plot_data(hd)
#' autoplot(hd)
NULL

#' @rdname honest_did_plot
#' @export
honest_did_plot_data <- function(object, lang = c("en", "zh")) {
  if (!inherits(object, "pilotdid_honest_did")) {
    abort_input("{.arg object} must be a {.fn honest_did} result, not {.cls {class(object)[1]}}.")
  }
  lang <- match.arg(lang)
  txt <- honest_plot_text(lang)
  parts <- lapply(split(object$results, object$results$type), function(r) {
    gap <- if (nrow(r) > 1L) min(diff(sort(r$M))) else max(r$M, 1) / 2
    orig <- data.frame(type = r$type[1L], method = "Original", M = NA_real_, x = min(r$M) - gap,
                       lb = object$original$lb, ub = object$original$ub, original = TRUE,
                       stringsAsFactors = FALSE)
    rob <- data.frame(type = r$type, method = r$method, M = r$M, x = r$M, lb = r$lb, ub = r$ub,
                      original = FALSE, stringsAsFactors = FALSE)
    out <- rbind(orig, rob)
    out$width <- gap / 2
    out
  })
  pd <- do.call(rbind, unname(parts))
  pd$panel <- unname(txt$panel[pd$type])
  rownames(pd) <- NULL
  pd[, c("type", "panel", "method", "M", "x", "lb", "ub", "original", "width")]
}

#' @rdname honest_did_plot
#' @method autoplot pilotdid_honest_did
#' @export
autoplot.pilotdid_honest_did <- function(object, lang = c("en", "zh"), ...) {
  lang <- match.arg(lang)
  pd <- honest_did_plot_data(object, lang = lang)
  txt <- honest_plot_text(lang)
  pd$what <- ifelse(pd$original, txt$original, txt$robust)
  ggplot2::ggplot(pd, ggplot2::aes(x = .data$x, ymin = .data$lb, ymax = .data$ub, colour = .data$what)) +
    ggplot2::geom_hline(yintercept = 0, colour = "grey40") +
    lapply(split(pd, pd$type), function(d) ggplot2::geom_errorbar(data = d, width = d$width[1L], linewidth = 0.8)) +
    ggplot2::facet_wrap(~panel, scales = "free_x") +
    ggplot2::scale_colour_manual(values = stats::setNames(c("#c0392b", "#01a2d9"), c(txt$original, txt$robust))) +
    ggplot2::labs(x = txt$x, y = txt$y, colour = NULL) +
    ggplot2::theme_bw() +
    ggplot2::theme(legend.position = "bottom", panel.grid.minor = ggplot2::element_blank())
}

fmt_signif <- function(x, digits) vapply(x, function(v) format(signif(v, digits)), "")

honest_plot_text <- function(lang) {
  if (lang == "zh") {
    return(list(panel = c(relative_magnitude = "\u76f8\u5bf9\u5e45\u5ea6 (Mbar)",
                          smoothness = "\u5e73\u6ed1\u6027 (M)"),
                original = "\u539f\u59cb\u7f6e\u4fe1\u533a\u95f4",
                robust = "\u7a33\u5065\u7f6e\u4fe1\u533a\u95f4",
                x = "M", y = "\u5904\u7406\u6548\u5e94"))
  }
  list(panel = c(relative_magnitude = "Relative magnitudes (Mbar)", smoothness = "Smoothness (M)"),
       original = "Original CI", robust = "Robust confidence set", x = "M", y = "Treatment effect")
}
