#' Methods and figure for pre-trend power results
#'
#' `tidy()` returns the period table with broom's columns first: `term` (the
#' coefficient's name), `estimate` (the event-study coefficient), `std.error`,
#' `statistic` and `p.value` (the pre-test's z test of each coefficient),
#' `conf.low`, `conf.high` (normal, level `1 - alpha`), all `NA` but the
#' estimate for the reference period; then `t`, `betahat`, `se`, `delta` (the
#' hypothesised violation), `mean_after_pretest` (expected coefficient
#' conditional on passing the pre-test), `pre`, `ref`. `glance()` has one row
#' with `slope`, `power`, `bayes_factor`, `likelihood_ratio`, `size`,
#' `alpha` and `nobs`. `coef()` is the `estimate` column of `tidy()` named by
#' `term`; `nobs()` the observations of the event study the result was
#' computed from (`NA` for plain `betahat` and `sigma`, which carry no sample
#' size). `summary()` returns a `summary.pilotdid_pretrend_power` object that
#' prints like the result. `pretrend_power_plot_data()` returns the numbers the figure draws
#' and `autoplot()` draws them: the event study with `1 - alpha` confidence
#' bars, the hypothesised violation, and the expectation after pre-testing
#' (dashed), as in the pretrends package.
#'
#' @param x,object A `pilotdid_pretrend_power` result.
#' @param lang Labels in English (`"en"`) or Chinese (`"zh"`).
#' @param digits Significant digits printed.
#' @param ... Unused.
#' @return `tidy()`, `glance()`, `pretrend_power_plot_data()`: data frames
#'   (the plot data in long form: `t`, `series`, `label` (in `lang`), `value`,
#'   `conf.low`, `conf.high`); `coef()`: a named numeric vector; `nobs()`: a
#'   number; `summary()`: a `summary.pilotdid_pretrend_power` list;
#'   `autoplot()`: a ggplot object; `print()`: `x`, invisibly.
#' @family event studies
#' @name pretrend_power-methods
#' @examples
#' pp <- pretrend_power(betahat = c(0.05, -0.01, 0.1, 0.2), sigma = diag(c(0.01, 0.01, 0.02, 0.02)),
#'                      tVec = c(-3, -2, 0, 1), referencePeriod = -1)
#' tidy(pp)
#' glance(pp)
#' summary(pp)
#' pretrend_power_plot_data(pp)
#' autoplot(pp)
NULL

#' @rdname pretrend_power-methods
#' @export
tidy.pilotdid_pretrend_power <- function(x, ...) {
  tab <- x$table
  ok <- !tab$ref & tab$se > 0
  z <- ifelse(ok, tab$betahat / tab$se, NA_real_)
  q <- stats::qnorm(1 - x$alpha / 2)
  out <- data.frame(term = tab$term, estimate = tab$betahat, std.error = ifelse(ok, tab$se, NA_real_),
                    statistic = z, p.value = 2 * stats::pnorm(-abs(z)),
                    conf.low = ifelse(ok, tab$betahat - q * tab$se, NA_real_),
                    conf.high = ifelse(ok, tab$betahat + q * tab$se, NA_real_), stringsAsFactors = FALSE)
  cbind(out, tab[setdiff(names(tab), "term")])
}

#' @rdname pretrend_power-methods
#' @export
glance.pilotdid_pretrend_power <- function(x, ...) {
  data.frame(slope = x$slope, power = x$power, bayes_factor = x$bayes_factor,
             likelihood_ratio = x$likelihood_ratio, size = x$size, alpha = x$alpha, nobs = nobs(x))
}

#' @rdname pretrend_power-methods
#' @export
coef.pilotdid_pretrend_power <- function(object, ...) coef_from_tidy(object, ...)

#' @rdname pretrend_power-methods
#' @export
nobs.pilotdid_pretrend_power <- function(object, ...) object$nobs %||% NA_real_

#' @rdname pretrend_power-methods
#' @export
summary.pilotdid_pretrend_power <- function(object, ...) {
  structure(object[c("slope", "power", "bayes_factor", "likelihood_ratio", "size", "alpha", "table")],
            class = "summary.pilotdid_pretrend_power")
}

#' @rdname pretrend_power-methods
#' @export
print.summary.pilotdid_pretrend_power <- function(x, digits = 4, ...) {
  cat("Power of the pre-trend test (Roth 2022)\n")
  if (!is.na(x$slope)) cat("Linear violation, slope:", format(x$slope, digits = digits), "per period\n")
  cat(sprintf("Power %s   Bayes factor %s   Likelihood ratio %s   (size %s)\n",
              format(x$power, digits = digits), format(x$bayes_factor, digits = digits),
              format(x$likelihood_ratio, digits = digits), format(x$size, digits = digits)))
  tab <- x$table
  out <- data.frame(t = tab$t, betahat = signif(tab$betahat, digits), delta = signif(tab$delta, digits),
                    `mean after pretest` = signif(tab$mean_after_pretest, digits), check.names = FALSE)
  print(out, row.names = FALSE)
  invisible(x)
}

#' @rdname pretrend_power-methods
#' @export
print.pilotdid_pretrend_power <- function(x, digits = 4, ...) {
  print(summary(x), digits = digits)
  invisible(x)
}

#' @rdname pretrend_power-methods
#' @export
pretrend_power_plot_data <- function(object, lang = c("en", "zh")) {
  if (!inherits(object, "pilotdid_pretrend_power")) {
    abort_input("{.arg object} must be a {.fn pretrend_power} result, not {.cls {class(object)[1]}}.")
  }
  lang <- match.arg(lang)
  lab <- pretrend_plot_text(lang)
  tab <- object$table
  z <- stats::qnorm(1 - object$alpha / 2)
  long <- function(series, value, lo = NA_real_, hi = NA_real_) {
    data.frame(t = tab$t, series = series, label = unname(lab[series]), value = value,
               conf.low = lo, conf.high = hi, stringsAsFactors = FALSE)
  }
  rbind(long("estimate", tab$betahat, tab$betahat - z * tab$se, tab$betahat + z * tab$se),
        long("delta", tab$delta), long("mean_after_pretest", tab$mean_after_pretest))
}

#' @rdname pretrend_power-methods
#' @method autoplot pilotdid_pretrend_power
#' @export
autoplot.pilotdid_pretrend_power <- function(object, lang = c("en", "zh"), ...) {
  lang <- match.arg(lang)
  pd <- pretrend_power_plot_data(object, lang = lang)
  lab <- pretrend_plot_text(lang)
  pd$label <- factor(pd$label, levels = unname(lab[c("estimate", "delta", "mean_after_pretest")]))
  est <- pd[pd$series == "estimate", , drop = FALSE]
  lines <- pd[pd$series != "estimate", , drop = FALSE]
  ggplot2::ggplot(pd, ggplot2::aes(x = .data$t, y = .data$value, colour = .data$label)) +
    ggplot2::geom_hline(yintercept = 0, colour = "grey60") +
    ggplot2::geom_pointrange(data = est, ggplot2::aes(ymin = .data$conf.low, ymax = .data$conf.high)) +
    ggplot2::geom_line(data = lines, ggplot2::aes(linetype = .data$label)) +
    ggplot2::geom_point(data = lines, size = 2.2) +
    ggplot2::scale_colour_manual(values = stats::setNames(c("black", "#c0392b", "#1f4e79"), levels(pd$label))) +
    ggplot2::scale_linetype_manual(values = stats::setNames(c("solid", "solid", "dashed"), levels(pd$label)),
                                   guide = "none") +
    ggplot2::labs(x = lab[["x"]], y = NULL, colour = NULL) +
    ggplot2::theme_bw() +
    ggplot2::theme(legend.position = "bottom", panel.grid.minor = ggplot2::element_blank())
}

pretrend_plot_text <- function(lang) {
  if (lang == "zh") {
    return(c(estimate = "\u4f30\u8ba1\u7cfb\u6570", delta = "\u5047\u8bbe\u7684\u8fdd\u80cc",
             mean_after_pretest = "\u901a\u8fc7\u9884\u68c0\u9a8c\u540e\u7684\u671f\u671b",
             x = "\u76f8\u5bf9\u653f\u7b56\u5b9e\u65bd\u7684\u65f6\u671f"))
  }
  c(estimate = "Estimated coefficients", delta = "Hypothesised trend",
    mean_after_pretest = "Expectation after pre-testing", x = "Relative time")
}
