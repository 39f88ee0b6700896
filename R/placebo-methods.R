#' Methods for placebo tests
#'
#' `print()` shows the actual estimate, the placebo distribution and the
#' randomization p-values; `summary()` returns them as a
#' `summary.pilotdid_placebo_test` object; `tidy()` gives one row per statistic
#' (the estimate, and the t statistic when studentized) with columns
#' `term`, `estimate` (actual), `placebo_mean`, `placebo_sd`, `p.value`
#' (two-sided share), `p.value_plus1` (two-sided (count+1)/(n+1)),
#' `p.value_one_sided` and `n`.
#'
#' `placebo_plot_data()` returns the numbers [autoplot.pilotdid_placebo_test()]
#' draws: the kernel density of the placebo estimates (`density`), the
#' histogram bins (`histogram`, density scale), each draw's estimate and, when
#' studentized, its own two-sided p-value (`draws`: `estimate`, `p.value`, from
#' the t distribution with the fit's degrees of freedom), the actual estimate
#' and the randomization p-value.
#'
#' `autoplot()` draws, by `style`: `"density"` the kernel density of the
#' placebo estimates with the actual estimate marked (red line);
#' `"histogram"` the same over a histogram; `"density_pvalue"` the variant
#' Chinese journals print: the density (left axis) and a scatter of each
#' draw's p-value against its estimate (right axis, 0 to 1, with a dotted
#' line at p = 0.1), the actual estimate marked (needs
#' `placebo_test(studentized = TRUE)`).
#'
#' @param object,x A `pilotdid_placebo_test` result.
#' @param statistic Plot the placebo `"estimate"`s or, when studentized, the
#'   t `"statistic"`s.
#' @param style `"density"`, `"density_pvalue"` or `"histogram"` (see above).
#' @param histogram Deprecated: `TRUE` is `style = "histogram"`.
#' @param bins Number of histogram bins.
#' @param lang Labels in English (`"en"`) or Chinese (`"zh"`).
#' @param family Font family of the text (see [figures]).
#' @param ... Unused; an error in `autoplot()`.
#' @return `summary()`: a `summary.pilotdid_placebo_test` list; `tidy()`: a data
#'   frame with broom's columns (`std.error`, `statistic`, `conf.low` and
#'   `conf.high` are `NA`: randomization inference gives a p-value, not a
#'   standard error), `placebo_mean`, `placebo_sd`, `p.value_plus1`,
#'   `p.value_one_sided` and `n`; `placebo_plot_data()`: a list of data frames and numbers;
#'   `autoplot()`: a ggplot object.
#' @family inference
#' @name placebo-methods
#' @examples
#' d <- simulate_panel(n_id = 60, n_t = 8, seed = 1)
#' fit <- twfe(y ~ treat + x1 | id + year, data = d)
#' pl <- placebo_test(fit, n = 200, seed = 1)
#' summary(pl)
#' tidy(pl)
#' autoplot(pl, style = "histogram")
#' pt <- placebo_test(fit, n = 100, seed = 1, studentized = TRUE)
#' autoplot(pt, style = "density_pvalue")
NULL

#' @rdname placebo-methods
#' @export
summary.pilotdid_placebo_test <- function(object, ...) {
  structure(object[c("actual", "p_values", "stats", "type", "n", "seed", "treat", "studentized")],
            class = "summary.pilotdid_placebo_test")
}

#' @rdname placebo-methods
#' @export
print.summary.pilotdid_placebo_test <- function(x, ...) {
  cat(sprintf("Placebo test (%s design): %d draws of %s, seed %s\n", x$type, x$n, x$treat,
              format(x$seed, scientific = FALSE)))
  cat(sprintf("Actual estimate: %.6g%s\n", x$actual[["estimate"]],
              if (x$studentized) sprintf("   (t = %.4g)", x$actual[["statistic"]]) else ""))
  s <- x$stats
  cat(sprintf("Placebo estimates: mean %.4g, sd %.4g, 5%%-95%% [%.4g, %.4g]\n",
              s[["mean"]], s[["sd"]], s[["q05"]], s[["q95"]]))
  p <- x$p_values
  for (k in seq_len(nrow(p))) {
    cat(sprintf("P-values for the %s: two-sided %.4g (plus-one %.4g), one-sided %.4g (plus-one %.4g)\n",
                p$statistic[k], p$two_sided[k], p$two_sided_plus1[k], p$one_sided[k], p$one_sided_plus1[k]))
  }
  invisible(x)
}

#' @rdname placebo-methods
#' @export
print.pilotdid_placebo_test <- function(x, ...) {
  print(summary(x))
  invisible(x)
}

#' @rdname placebo-methods
#' @method tidy pilotdid_placebo_test
#' @export
tidy.pilotdid_placebo_test <- function(x, ...) {
  p <- x$p_values
  vals <- lapply(p$statistic, function(s) x$estimates[[s]])
  broom_columns(data.frame(term = paste0(x$treat, if (nrow(p) > 1L) c("", " (t)") else ""),
             estimate = unname(x$actual[p$statistic]),
             placebo_mean = vapply(vals, mean, 0), placebo_sd = vapply(vals, stats::sd, 0),
             p.value = p$two_sided, p.value_plus1 = p$two_sided_plus1,
             p.value_one_sided = p$one_sided, n = x$n))
}

#' @rdname placebo-methods
#' @export
placebo_plot_data <- function(x, statistic = c("estimate", "statistic"), bins = 30L) {
  statistic <- match.arg(statistic)
  if (statistic == "statistic" && !x$studentized) {
    abort_input("The draws have no t statistics: rerun {.fn placebo_test} with {.code studentized = TRUE}.")
  }
  v <- x$estimates[[statistic]]
  dens <- stats::density(v)
  df <- x$df_t %||% Inf
  draws <- data.frame(estimate = v, p.value = if (x$studentized) {
    2 * stats::pt(-abs(x$estimates$statistic), df)
  } else NA_real_)
  br <- pretty(range(v, x$actual[[statistic]]), n = bins)
  h <- graphics::hist(v, breaks = br, plot = FALSE)
  list(density = data.frame(x = dens$x, y = dens$y),
       histogram = data.frame(xmin = utils::head(h$breaks, -1L), xmax = h$breaks[-1L], density = h$density),
       draws = draws,
       actual = x$actual[[statistic]],
       p_value = x$p_values$two_sided[x$p_values$statistic == statistic],
       statistic = statistic, n = x$n)
}

#' @rdname placebo-methods
#' @method autoplot pilotdid_placebo_test
#' @export
autoplot.pilotdid_placebo_test <- function(object, statistic = c("estimate", "statistic"),
                                           style = c("density", "density_pvalue", "histogram"),
                                           histogram = FALSE, bins = 30L, lang = c("en", "zh"),
                                           family = NULL, ...) {
  args <- plot_args(lang, family, ...)
  style <- check_choice(style, c("density", "density_pvalue", "histogram"), "style")
  if (isTRUE(histogram)) style <- "histogram"
  if (style == "density_pvalue" && !object$studentized) {
    abort_input(c("{.code style = \"density_pvalue\"} needs each draw's p-value.",
                  "i" = "Rerun {.fn placebo_test} with {.code studentized = TRUE}."))
  }
  pd <- placebo_plot_data(object, check_choice(statistic, c("estimate", "statistic"), "statistic"), bins)
  lab <- placebo_labels(args$lang, pd)
  g <- ggplot2::ggplot()
  if (style == "histogram") {
    g <- g + ggplot2::geom_rect(data = pd$histogram,
                                ggplot2::aes(xmin = .data$xmin, xmax = .data$xmax, ymin = 0, ymax = .data$density),
                                fill = "grey85", colour = "white")
  }
  top <- max(pd$density$y)
  if (style == "density_pvalue") {
    g <- g + ggplot2::geom_hline(yintercept = 0.1 * top, linetype = "dotted", colour = "grey50") +
      ggplot2::geom_point(data = pd$draws, ggplot2::aes(x = .data$estimate, y = .data$p.value * top),
                          shape = 1, size = 1, colour = pd_palette[3L], alpha = 0.6)
  }
  g <- g + ggplot2::geom_line(data = pd$density, ggplot2::aes(x = .data$x, y = .data$y), colour = pd_colour) +
    ggplot2::geom_vline(xintercept = 0, linetype = "dashed", colour = "grey40") +
    ggplot2::geom_vline(xintercept = pd$actual, colour = pd_accent) +
    ggplot2::labs(x = lab$x, y = lab$y, caption = lab$caption)
  if (style == "density_pvalue") {
    g <- g + ggplot2::scale_y_continuous(sec.axis = ggplot2::sec_axis(~ . / top, name = lab$p))
  }
  finish_plot(g, args)
}

placebo_labels <- function(lang, pd) {
  stat <- if (pd$statistic == "estimate") "estimates" else "t statistics"
  p <- if (pd$p_value == 0) sprintf("< %.3g", 1 / pd$n) else sprintf("= %.3f", pd$p_value)
  if (lang == "zh") {
    return(list(x = if (pd$statistic == "estimate") "\u5b89\u6170\u5242\u4f30\u8ba1\u7cfb\u6570" else "\u5b89\u6170\u5242 t \u503c",
                y = "\u6838\u5bc6\u5ea6", p = "p \u503c",
                caption = sprintf("%d \u6b21\u968f\u673a\u62bd\u6837\uff1b\u7ea2\u7ebf\uff1a\u771f\u5b9e\u4f30\u8ba1\u503c\uff1b\u53cc\u4fa7p\u503c %s",
                                  pd$n, p)))
  }
  list(x = paste("Placebo", stat), y = "Density", p = "p-value",
       caption = sprintf("%d random draws; red line: actual estimate; two-sided p %s", pd$n, p))
}
