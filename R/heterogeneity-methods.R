#' Methods for heterogeneity results
#'
#' `print()` shows the group estimates and the difference tests;
#' `summary()` returns them as a `summary.pilotdid_heterogeneity` object.
#' `tidy()` gives one row per group (`term` = the treatment, `group`, broom's
#' columns, `n_obs`) followed by one row per difference (`term` =
#' `"difference"`, `group` = the contrast `"B - A"`) and, with more than two
#' groups, the joint test (`term` = `"joint"`, `statistic` = F statistic or,
#' for permutations, the dispersion of the group coefficients); `glance()`
#' one row: `test`, `by`, `n_groups`, `nobs`, `n` (permutations), `p.value`
#' (the joint test, or the single difference with two groups).
#'
#' `heterogeneity_plot_data()` returns the numbers [autoplot()] draws: one row
#' per group with the estimate and its confidence interval (from the group
#' fit), and the p-value of the difference test for the caption.
#'
#' @param object,x A `pilotdid_heterogeneity` result.
#' @param level Confidence level of the intervals.
#' @param conf.level Confidence level of the group intervals in `tidy()` (recomputed
#'   from each group fit).
#' @param lang Labels in English (`"en"`) or Chinese (`"zh"`).
#' @param family Font family of the text (see [figures]).
#' @param ... Unused.
#' @return `summary()`: a list; `tidy()`, `glance()`: data frames;
#'   `heterogeneity_plot_data()`: a list with `groups` (a data frame: `group`,
#'   `estimate`, `conf.low`, `conf.high`, `n_obs`), `p_value`, `test`, `level`;
#'   `autoplot()`: a ggplot object.
#' @family inference
#' @name heterogeneity-methods
#' @examples
#' d <- simulate_panel(n_id = 80, n_t = 8, seed = 2)
#' d$region <- c("East", "Central", "West")[d$id %% 3 + 1]
#' fit <- twfe(y ~ treat + x1 | id + year, data = d)
#' het <- heterogeneity(fit, "region", test = "interaction")
#' summary(het)
#' tidy(het)
#' heterogeneity_plot_data(het)
#' autoplot(het, lang = "zh")
NULL

#' @rdname heterogeneity-methods
#' @export
summary.pilotdid_heterogeneity <- function(object, ...) {
  out <- lapply(c(groups = "groups", differences = "differences", joint = "joint", test = "test",
                  by = "by", treat = "treat", n = "n", seed = "seed", n_failed = "n_failed"),
                function(nm) object[[nm]])
  structure(out, class = "summary.pilotdid_heterogeneity")
}

#' @rdname heterogeneity-methods
#' @export
print.summary.pilotdid_heterogeneity <- function(x, ...) {
  cat(sprintf("Heterogeneity of %s by %s: %d groups\n", x$treat, x$by, nrow(x$groups)))
  cat("Difference test:", het_test_name(x$test, x[["n"]], x[["seed"]], "en"), "\n\n")
  g <- x$groups
  print(data.frame(group = g$group, n_obs = g$n_obs, n_units = g$n_units, estimate = signif(g$estimate, 4),
                   std.error = signif(g$std.error, 4), p.value = signif(g$p.value, 3)), row.names = FALSE)
  cat("\n")
  d <- x$differences
  show <- data.frame(contrast = d$contrast, estimate = signif(d$estimate, 4))
  if (x$test != "permutation") {
    show$std.error <- signif(d$std.error, 4)
    show$statistic <- signif(d$statistic, 4)
  }
  show$p.value <- signif(d$p.value, 3)
  print(show, row.names = FALSE)
  if (!is.null(x$joint)) {
    j <- x$joint
    stat <- if (x$test == "permutation") {
      sprintf("dispersion %.4g", j$statistic)
    } else {
      sprintf("F(%d, %s) = %.4g", j$df1, format(j$df2), j$statistic)
    }
    cat(sprintf("\nJoint test of equal effects in all groups: %s, p = %.3g\n", stat, j$p.value))
  }
  if (isTRUE(x[["n_failed"]] > 0)) {
    cat(sprintf("(%d draw%s left out: a group's coefficient was not estimable)\n", x$n_failed,
                if (x$n_failed == 1L) "" else "s"))
  }
  invisible(x)
}

#' @rdname heterogeneity-methods
#' @export
print.pilotdid_heterogeneity <- function(x, ...) {
  print(summary(x))
  invisible(x)
}

het_test_name <- function(test, n, seed, lang) {
  if (lang == "zh") {
    return(switch(test, permutation = sprintf("\u7f6e\u6362\u68c0\u9a8c\uff08%d \u6b21\uff09", n),
                  interaction = "\u4ea4\u4e92\u9879\u68c0\u9a8c", suest = "\u4f3c\u65e0\u76f8\u5173\u68c0\u9a8c"))
  }
  switch(test,
         permutation = sprintf("Fisher permutation test (%d draws%s)", n,
                               if (is.null(seed)) "" else paste0(", seed ", format(seed, scientific = FALSE))),
         interaction = "fully interacted pooled model",
         suest = "seemingly unrelated estimation (stacked, cluster-robust)")
}

#' @rdname heterogeneity-methods
#' @method tidy pilotdid_heterogeneity
#' @export
tidy.pilotdid_heterogeneity <- function(x, conf.level = 0.95, ...) {
  check_level(conf.level, "conf.level")
  g <- x$groups
  if (conf.level != 0.95) {
    ci <- vapply(x$fits, function(f) {
      td <- tidy.pilotdid_twfe(f, conf.level = conf.level)
      unlist(td[td$term == x$treat, c("conf.low", "conf.high")])
    }, c(0, 0))
    g$conf.low <- ci[1L, ]
    g$conf.high <- ci[2L, ]
  }
  out <- data.frame(term = x$treat, group = g$group, estimate = g$estimate, std.error = g$std.error,
                    statistic = g$statistic, p.value = g$p.value, conf.low = g$conf.low,
                    conf.high = g$conf.high, n_obs = g$n_obs)
  d <- x$differences
  diff <- data.frame(term = "difference", group = d$contrast, estimate = d$estimate, std.error = d$std.error,
                     statistic = d$statistic, p.value = d$p.value, conf.low = NA_real_,
                     conf.high = NA_real_, n_obs = NA_integer_)
  out <- rbind(out, diff)
  if (!is.null(x$joint)) {
    out <- rbind(out, data.frame(term = "joint", group = "all", estimate = NA_real_, std.error = NA_real_,
                                 statistic = x$joint$statistic, p.value = x$joint$p.value,
                                 conf.low = NA_real_, conf.high = NA_real_, n_obs = NA_integer_))
  }
  out
}

#' @rdname heterogeneity-methods
#' @method glance pilotdid_heterogeneity
#' @export
glance.pilotdid_heterogeneity <- function(x, ...) {
  data.frame(test = x$test, by = x$by, n_groups = nrow(x$groups), nobs = sum(x$groups$n_obs),
             n = x[["n"]], p.value = het_main_p(x))
}

het_main_p <- function(x) if (is.null(x$joint)) x$differences$p.value[1L] else x$joint$p.value

#' @noRd
#' @export
table_models.pilotdid_heterogeneity <- function(x, ...) {
  p <- het_main_p(x)
  list(fits = x$fits, by = x$by,
       extra = list(list(key = "diff_p", values = formatC(p, format = "f", digits = 3L), first = 1L)),
       notes = list(en = paste0("Difference p-value: ", het_test_name(x$test, x[["n"]], x[["seed"]], "en"),
                                if (is.null(x$joint)) "" else ", joint test of all groups", "."),
                    zh = paste0("\u7ec4\u95f4\u7cfb\u6570\u5dee\u5f02\u68c0\u9a8c\uff1a",
                                het_test_name(x$test, x[["n"]], x[["seed"]], "zh"), "\u3002")))
}

#' @rdname heterogeneity-methods
#' @export
heterogeneity_plot_data <- function(x, level = 0.95) {
  if (!inherits(x, "pilotdid_heterogeneity")) abort_input("{.arg x} must be a {.fn heterogeneity} result.")
  if (!is.numeric(level) || length(level) != 1L || !(level > 0 && level < 1)) {
    abort_input("{.arg level} must be a number between 0 and 1.")
  }
  ci <- t(vapply(x$fits, function(f) stats::confint(f, x$treat, level = level)[1L, ], c(0, 0)))
  groups <- data.frame(group = factor(x$groups$group, levels = x$groups$group),
                       estimate = x$groups$estimate, conf.low = ci[, 1L], conf.high = ci[, 2L],
                       n_obs = x$groups$n_obs, row.names = NULL)
  list(groups = groups, p_value = het_main_p(x), test = x$test, level = level)
}

#' @rdname heterogeneity-methods
#' @method autoplot pilotdid_heterogeneity
#' @export
autoplot.pilotdid_heterogeneity <- function(object, level = 0.95, lang = c("en", "zh"), family = NULL, ...) {
  args <- plot_args(lang, family, ...)
  lang <- args$lang
  pd <- heterogeneity_plot_data(object, level)
  zh <- lang == "zh"
  cap <- if (zh) {
    sprintf("%s\uff1a\u7ec4\u95f4\u5dee\u5f02 p = %.3f\uff1b\u8bef\u5dee\u7ebf\uff1a%d%% \u7f6e\u4fe1\u533a\u95f4",
            het_test_name(pd$test, object[["n"]], object[["seed"]], "zh"), pd$p_value, round(100 * level))
  } else {
    sprintf("%s: difference p = %.3f; bars: %d%% confidence intervals",
            het_test_name(pd$test, object[["n"]], object[["seed"]], "en"), pd$p_value, round(100 * level))
  }
  g <- ggplot2::ggplot(pd$groups, ggplot2::aes(x = .data$group, y = .data$estimate)) +
    ggplot2::geom_hline(yintercept = 0, linetype = "dashed", colour = "grey40") +
    ggplot2::geom_pointrange(ggplot2::aes(ymin = .data$conf.low, ymax = .data$conf.high), colour = pd_colour) +
    ggplot2::labs(x = if (zh) "\u5206\u7ec4" else object$by,
                  y = if (zh) "\u4f30\u8ba1\u7cfb\u6570" else paste("Coefficient of", object$treat),
                  caption = cap)
  finish_plot(g, args)
}
