#' Methods for psm_did() results
#'
#' `print()` shows the matching, a one-line balance summary and the DID
#' coefficients; `summary()` returns a `summary.pilotdid_psm_did` object (the
#' balance table, the overall balance statistics and the DID fit's summary)
#' whose print method does the printing. `coef()`, `vcov()`, `confint()` and
#' `nobs()` are those of the re-estimated DID (`x$fit`).
#'
#' @param object,x A `pilotdid_psm_did` result.
#' @param digits Significant digits to print.
#' @param parm,level As in [confint.pilotdid_twfe()].
#' @param ... Passed on to the fit's methods; unused by the print methods.
#' @return `summary()`: a list of class `summary.pilotdid_psm_did` with `settings`,
#'   `counts`, `balance`, `overall` and `fit` (the `summary.pilotdid_twfe` of
#'   the DID).
#' @family PSM-DID
#' @name psm_did-methods
#' @examples
#' d <- simulate_panel(n_id = 60, n_t = 6, seed = 1)
#' d$ever <- as.integer(!is.na(d$cohort))
#' res <- psm_did(y ~ treat + x1 + x2 | id + year, data = d, treat = ~ever)
#' summary(res)
#' coef(res)
NULL

#' @rdname psm_did-methods
#' @export
print.pilotdid_psm_did <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  cat(psm_header(x$settings), "\n", sep = "")
  cat(psm_counts_line(x$counts, x$settings), "\n", sep = "")
  o <- x$overall
  cat(sprintf("Mean |standardized bias|: %s%% before, %s%% after; pseudo-R2: %s before, %s after\n",
              format(o$mean_bias[1L], digits = digits), format(o$mean_bias[2L], digits = digits),
              format(o$pseudo_r2[1L], digits = digits), format(o$pseudo_r2[2L], digits = digits)))
  cat(psm_sample_line(x), "\n", sep = "")
  stats::printCoefmat(summary(x$fit)$coefficients, digits = digits, signif.legend = FALSE)
  invisible(x)
}

#' @rdname psm_did-methods
#' @export
summary.pilotdid_psm_did <- function(object, ...) {
  structure(list(settings = object$settings, counts = object$counts, balance = object$balance,
                 overall = object$overall, fit = summary(object$fit), sample_line = psm_sample_line(object)),
            class = "summary.pilotdid_psm_did")
}

#' @rdname psm_did-methods
#' @export
print.summary.pilotdid_psm_did <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  cat(psm_header(x$settings), "\n", sep = "")
  cat(psm_counts_line(x$counts, x$settings), "\n\n", sep = "")
  cat("Covariate balance (% bias: standardized bias; after matching, weighted means over unmatched SDs)\n")
  print(balance_long(x$balance, digits), row.names = FALSE, right = TRUE)
  cat("\n")
  o <- x$overall
  ov <- data.frame(`Pseudo-R2` = o$pseudo_r2, `LR chi2` = o$lr_chi2, df = o$df, `p > chi2` = o$p_value,
                   `Mean bias` = o$mean_bias, `Median bias` = o$median_bias,
                   Treated = o$n_treated, Controls = o$n_control,
                   row.names = o$sample, check.names = FALSE)
  print(format(ov, digits = digits), quote = FALSE)
  cat("\n", x$sample_line, "\n", sep = "")
  print(x$fit, digits = digits)
  invisible(x)
}

# pstest's layout: two rows per covariate, unmatched (U) and matched (M).
balance_long <- function(b, digits) {
  k <- nrow(b)
  f <- function(v) formatC(v, digits = digits, format = "fg")
  i <- rep(seq_len(k), each = 2L)
  after <- rep(c(FALSE, TRUE), k)
  pick <- function(before, aft) ifelse(after, f(aft)[i], f(before)[i])
  red <- ifelse(after, formatC(b$reduction[i], format = "f", digits = 1L), "")
  data.frame(Covariate = formatC(ifelse(after, "", b$covariate[i]), width = -max(nchar(b$covariate), 9L)), Sample = ifelse(after, "M", "U"),
             Treated = pick(b$mean_treated_before, b$mean_treated_after),
             Control = pick(b$mean_control_before, b$mean_control_after),
             `% bias` = formatC(ifelse(after, b$bias_after[i], b$bias_before[i]), format = "f", digits = 1L),
             `% reduction` = red,
             `t-test p` = formatC(ifelse(after, b$p_after[i], b$p_before[i]), format = "f", digits = 3L),
             check.names = FALSE)
}

psm_header <- function(s) {
  paste0("PSM-DID: ", s$ratio, ":1 nearest-neighbour matching ",
         if (s$replace) "with" else "without", " replacement on a logit propensity score",
         if (s$caliper_scale == "logit") " (logit scale)" else "",
         if (!is.null(s$caliper)) paste0(", caliper ", s$caliper, " SD") else "",
         "\nMatched ", if (s$match_within == "pooled") "on the pooled rows" else paste0("within each period of ", s$time),
         ", order ", s$order, "; treat: ", s$treat, "; covariates: ", paste(s$covariates, collapse = ", "),
         if (!is.null(s$weights)) paste0("; sampling weights: ", s$weights) else "")
}

psm_counts_line <- function(n, s) {
  paste0("Treated rows: ", n[["treated"]], " (", n[["matched_treated"]], " matched, ",
         n[["unmatched_treated"]], " unmatched, ", n[["off_support"]], " off support)",
         "   Control rows: ", n[["controls"]], " (", n[["matched_controls"]], " matched)")
}

psm_sample_line <- function(x) {
  sw <- !is.null(x$settings$weights)
  what <- if (x$settings$sample == "matched") {
    paste0("the matched sample, weighted", if (sw) " (matching times sampling weights)" else "")
  } else {
    paste0("the common support, ", if (sw) "weighted by the sampling weights" else "unweighted")
  }
  paste0("DID re-estimated on ", what, " (N = ", format(x$fit$nobs, big.mark = ","), "):")
}

#' @rdname psm_did-methods
#' @export
coef.pilotdid_psm_did <- function(object, ...) stats::coef(object$fit, ...)

#' @rdname psm_did-methods
#' @export
vcov.pilotdid_psm_did <- function(object, ...) stats::vcov(object$fit, ...)

#' @rdname psm_did-methods
#' @export
nobs.pilotdid_psm_did <- function(object, ...) stats::nobs(object$fit, ...)

#' @rdname psm_did-methods
#' @export
confint.pilotdid_psm_did <- function(object, parm, level = 0.95, ...) {
  if (missing(parm)) stats::confint(object$fit, level = level) else stats::confint(object$fit, parm, level = level)
}

#' Tidy a psm_did() result
#'
#' `tidy()` gives the coefficients of the re-estimated DID with broom's columns
#' (those of [tidy.pilotdid_twfe()]); `glance()` one row describing the
#' matching.
#'
#' | column of `glance()` | meaning |
#' |---|---|
#' | nobs | observations of the re-estimated DID |
#' | sample | `"matched"` or `"support"` |
#' | n_treated, n_control | rows in the matching sample |
#' | n_matched_treated, n_matched_control | rows with a positive matching weight |
#' | n_unmatched_treated, n_off_support | treated rows left unmatched / off the common support |
#' | pseudo_r2_before, pseudo_r2_after | McFadden pseudo-R² of the score model before and after matching |
#' | mean_bias_before, mean_bias_after | mean absolute standardized bias (%) |
#'
#' @param x A `pilotdid_psm_did` result.
#' @param conf.int,conf.level As in [tidy.pilotdid_twfe()].
#' @param ... Unused.
#' @return A data frame.
#' @family PSM-DID
#' @method tidy pilotdid_psm_did
#' @export
#' @examples
#' d <- simulate_panel(n_id = 60, n_t = 6, seed = 1)
#' d$ever <- as.integer(!is.na(d$cohort))
#' res <- psm_did(y ~ treat + x1 + x2 | id + year, data = d, treat = ~ever)
#' tidy(res)
#' glance(res)
tidy.pilotdid_psm_did <- function(x, conf.int = TRUE, conf.level = 0.95, ...) {
  tidy.pilotdid_twfe(x$fit, conf.int = conf.int, conf.level = conf.level)
}

#' @rdname tidy.pilotdid_psm_did
#' @method glance pilotdid_psm_did
#' @export
glance.pilotdid_psm_did <- function(x, ...) {
  n <- x$counts
  o <- x$overall
  data.frame(nobs = x$fit$nobs, sample = x$settings$sample,
             n_treated = n[["treated"]], n_control = n[["controls"]],
             n_matched_treated = n[["matched_treated"]], n_matched_control = n[["matched_controls"]],
             n_unmatched_treated = n[["unmatched_treated"]], n_off_support = n[["off_support"]],
             pseudo_r2_before = o$pseudo_r2[1L], pseudo_r2_after = o$pseudo_r2[2L],
             mean_bias_before = o$mean_bias[1L], mean_bias_after = o$mean_bias[2L])
}

#' Covariate balance of a matching
#'
#' The balance table of [psm_did()]: per covariate, the means of treated and
#' controls, the standardized bias (%) and the t-test p-value before and after
#' matching, and the % reduction of the absolute bias; or the overall
#' statistics (pseudo-R², likelihood-ratio test, mean and median bias). See
#' the Balance section of [psm_did()] for the formulas.
#'
#' @param x A `pilotdid_psm_did` result.
#' @param what `"covariates"` for the per-covariate table, `"overall"` for the
#'   overall statistics.
#' @param ... Unused.
#' @return A data frame (columns described in [psm_did()]'s `balance` and
#'   `overall`).
#' @family PSM-DID
#' @export
#' @examples
#' d <- simulate_panel(n_id = 60, n_t = 6, seed = 1)
#' d$ever <- as.integer(!is.na(d$cohort))
#' res <- psm_did(y ~ treat + x1 + x2 | id + year, data = d, treat = ~ever)
#' balance(res)
#' balance(res, "overall")
balance <- function(x, ...) UseMethod("balance")

#' @rdname balance
#' @export
balance.pilotdid_psm_did <- function(x, what = c("covariates", "overall"), ...) {
  what <- match.arg(what)
  if (what == "covariates") x$balance else x$overall
}

#' Numbers behind the PSM-DID figures
#'
#' `psm_plot_data()` returns what [autoplot.pilotdid_psm_did()] draws.
#' * `type = "bias"`: one row per covariate and sample (`Unmatched`, `Matched`)
#'   with `covariate` (a factor ordered by the absolute bias before matching)
#'   and `bias`, the standardized bias in % (the paper's Figure 3, pstest's
#'   graph).
#' * `type = "score"`: kernel density estimates of the propensity score for
#'   treated and controls before matching (weighted by the sampling weights,
#'   if any) and after (weighted by the matching weights times the sampling
#'   weights): columns `sample`, `group` (`Treated`, `Control`), `score`
#'   and `density`, 512 points per curve on the range of the scores, with
#'   Silverman's bandwidth ([bw.nrd0()]) of each group's scores.
#'
#' @param x A `pilotdid_psm_did` result.
#' @param type `"bias"` or `"score"`.
#' @return A data frame.
#' @family PSM-DID
#' @export
#' @examples
#' d <- simulate_panel(n_id = 60, n_t = 6, seed = 1)
#' d$ever <- as.integer(!is.na(d$cohort))
#' res <- psm_did(y ~ treat + x1 + x2 | id + year, data = d, treat = ~ever)
#' psm_plot_data(res, "bias")
#' head(psm_plot_data(res, "score"))
psm_plot_data <- function(x, type = c("bias", "score")) {
  type <- match.arg(type)
  if (!inherits(x, "pilotdid_psm_did")) abort_input("{.arg x} must be a {.fn psm_did} result.")
  if (type == "bias") {
    b <- x$balance
    lev <- b$covariate[order(abs(b$bias_before))]
    return(data.frame(covariate = factor(rep(b$covariate, 2L), levels = lev),
                      sample = factor(rep(c("Unmatched", "Matched"), each = nrow(b)),
                                      levels = c("Unmatched", "Matched")),
                      bias = c(b$bias_before, b$bias_after)))
  }
  s <- x$scores[!is.na(x$scores$pscore), ]
  rng <- range(s$pscore)
  curve <- function(rows, w, smp, grp) {
    p <- s$pscore[rows]
    w <- w[rows] / sum(w[rows])
    bw <- if (length(p) > 1L) stats::bw.nrd0(p) else 0.01
    dens <- stats::density(p, bw = bw, weights = w, from = rng[1L], to = rng[2L], n = 512L)
    data.frame(sample = smp, group = grp, score = dens$x, density = dens$y)
  }
  sw <- s$sampling_weights %||% rep(1, nrow(s))
  after <- s$weights * sw
  out <- rbind(curve(s$treat == 1L & sw > 0, sw, "Unmatched", "Treated"),
               curve(s$treat == 0L & sw > 0, sw, "Unmatched", "Control"),
               curve(s$treat == 1L & after > 0, after, "Matched", "Treated"),
               curve(s$treat == 0L & after > 0, after, "Matched", "Control"))
  out$sample <- factor(out$sample, levels = c("Unmatched", "Matched"))
  out$group <- factor(out$group, levels = c("Treated", "Control"))
  out
}

#' Plot a psm_did() result
#'
#' `type = "bias"`: the standardized bias of each covariate before and after
#' matching, a dot plot like the paper's Figure 3 (Stata's `pstest, graph`, a
#' love plot), covariates ordered by their bias before matching, with dotted
#' reference lines at ±10% (the usual threshold, cobalt's default).
#' `type = "score"`: densities of the propensity score of treated
#' and controls before and after matching. The numbers drawn are those of
#' [psm_plot_data()].
#'
#' @param object A `pilotdid_psm_did` result.
#' @param type `"bias"` or `"score"`.
#' @param lang Labels in English (`"en"`) or Chinese (`"zh"`).
#' @param family Font family of the text (see [figures]).
#' @param threshold Standardized bias (%) of the reference lines; `NULL` for none.
#' @param ... Unused; an error.
#' @return A ggplot object.
#' @family PSM-DID
#' @importFrom rlang .data
#' @method autoplot pilotdid_psm_did
#' @export
#' @examples
#' d <- simulate_panel(n_id = 60, n_t = 6, seed = 1)
#' d$ever <- as.integer(!is.na(d$cohort))
#' res <- psm_did(y ~ treat + x1 + x2 | id + year, data = d, treat = ~ever)
#' autoplot(res)
#' autoplot(res, type = "score")
autoplot.pilotdid_psm_did <- function(object, type = c("bias", "score"), lang = c("en", "zh"),
                                      family = NULL, threshold = 10, ...) {
  args <- plot_args(lang, family, ...)
  type <- check_choice(type, c("bias", "score"), "type")
  pd <- psm_plot_data(object, type)
  lab <- psm_labels(args$lang)
  if (type == "bias") {
    levels(pd$sample) <- lab$sample
    shapes <- stats::setNames(c(16, 4), lab$sample)
    g <- ggplot2::ggplot(pd, ggplot2::aes(x = .data$bias, y = .data$covariate,
                                          shape = .data$sample, colour = .data$sample)) +
      ggplot2::geom_vline(xintercept = 0, linetype = "dashed", colour = "grey50")
    if (length(threshold)) {
      g <- g + ggplot2::geom_vline(xintercept = c(-1, 1) * abs(threshold[1L]), linetype = "dotted",
                                   colour = "grey40")
    }
    g <- g + ggplot2::geom_point(size = 2.5) +
      ggplot2::scale_shape_manual(values = shapes) +
      ggplot2::scale_colour_manual(values = stats::setNames(pd_palette[1:2], lab$sample)) +
      ggplot2::labs(x = lab$bias, y = NULL, shape = NULL, colour = NULL)
    return(finish_plot(g, args))
  }
  levels(pd$sample) <- lab$sample
  levels(pd$group) <- lab$group
  g <- ggplot2::ggplot(pd, ggplot2::aes(x = .data$score, y = .data$density, colour = .data$group,
                                        linetype = .data$group)) +
    ggplot2::geom_line() +
    ggplot2::facet_wrap(~sample) +
    ggplot2::scale_colour_manual(values = stats::setNames(pd_palette[1:2], lab$group)) +
    ggplot2::labs(x = lab$score, y = lab$density, colour = NULL, linetype = NULL)
  finish_plot(g, args)
}

psm_labels <- function(lang) {
  if (lang == "zh") {
    return(list(sample = c("\u5339\u914d\u524d", "\u5339\u914d\u540e"),
                group = c("\u5904\u7406\u7ec4", "\u63a7\u5236\u7ec4"),
                bias = "\u6807\u51c6\u5316\u504f\u5dee\uff08%\uff09", score = "\u503e\u5411\u5f97\u5206",
                density = "\u6838\u5bc6\u5ea6"))
  }
  list(sample = c("Unmatched", "Matched"), group = c("Treated", "Control"), bias = "Standardized bias (%)",
       score = "Propensity score", density = "Density")
}
