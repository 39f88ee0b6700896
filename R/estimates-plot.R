#' Figures of the staggered estimators and of twfe() fits
#'
#' `autoplot()` draws the estimates of [att_gt()] (one panel per cohort, the
#' group-time effects by period, pre-treatment periods in a second colour, as
#' `did::ggdid()`), of [aggregate()] on it (by relative period, by cohort, by
#' calendar period, or the overall ATT), of [sun_abraham()] and
#' [did_imputation()] (by relative period, a reference period as a hollow point
#' at zero), and of a [twfe()] fit (a coefficient plot). Each point has its
#' confidence interval: that of the result's own `level` for the staggered
#' estimators, `level` for a `twfe()` fit. `estimates_plot_data()` returns the
#' numbers drawn.
#'
#' @param object A result of [att_gt()], [aggregate()] on it, [sun_abraham()],
#'   [did_imputation()] or [twfe()].
#' @param level For a `twfe()` fit: confidence level of the intervals.
#' @param lang Labels in English (`"en"`) or Chinese (`"zh"`).
#' @param family Font family of the text (see [figures]).
#' @param ... Unused; an error.
#' @return `estimates_plot_data()`: a data frame with one row per point:
#'   `x` (relative period, period, cohort, 1 for an overall ATT, or the
#'   coefficient's position), `label` (the term), `estimate`, `conf.low`,
#'   `conf.high`, `ref` (a reference period, fixed at zero), `post`
#'   (treated period), `panel` (the cohort for [att_gt()], `NA` otherwise) and
#'   `kind` (`"event"`, `"group_time"`, `"group"`, `"calendar"`, `"overall"` or
#'   `"coef"`). `autoplot()`: a ggplot.
#' @family figures
#' @name estimates-plot
#' @examples
#' d <- simulate_panel(n_id = 60, n_t = 8, cohorts = c(2011, 2013, 2015), seed = 1)
#' sa <- sun_abraham(y ~ 1 | id + year, data = d, cohort = "cohort")
#' autoplot(sa)
#' cs <- att_gt(y ~ 1 | id + year, data = d, cohort = "cohort")
#' autoplot(cs)
#' autoplot(aggregate(cs, "dynamic"))
#' autoplot(twfe(y ~ treat + x1 + x2 | id + year, data = d))
NULL

#' @rdname estimates-plot
#' @export
estimates_plot_data <- function(object, level = 0.95) {
  ok <- c("pilotdid_att_gt", "pilotdid_aggregate", "pilotdid_sun_abraham", "pilotdid_did_imputation",
          "pilotdid_twfe")
  if (!inherits(object, ok)) {
    abort_input("{.arg object} must be a result of {.fn att_gt}, {.fn aggregate}, {.fn sun_abraham}, {.fn did_imputation} or {.fn twfe}, not {.cls {class(object)[1]}}.")
  }
  if (inherits(object, "pilotdid_twfe")) return(twfe_plot_rows(object, level))
  td <- tidy(object)
  ref <- if ("ref" %in% names(td)) td$ref %in% TRUE else rep(FALSE, nrow(td))
  kind <- if (inherits(object, "pilotdid_att_gt")) "group_time" else if (inherits(object, "pilotdid_aggregate")) {
    switch(object$type, dynamic = "event", group = "group", calendar = "calendar", "overall")
  } else "event"
  keep <- switch(kind, event = !is.na(td$rel_time), group = !is.na(td$group), calendar = !is.na(td$time),
                 overall = td$term == "ATT", group_time = rep(TRUE, nrow(td)))
  x <- switch(kind, event = td$rel_time, group = td$group, calendar = td$time, overall = rep(1, nrow(td)),
              group_time = td$time)
  post <- if ("post" %in% names(td)) td$post else if ("rel_time" %in% names(td)) td$rel_time >= 0 else TRUE
  out <- data.frame(x = as.numeric(x), label = as.character(td$term), estimate = td$estimate,
                    conf.low = ifelse(ref, 0, td$conf.low), conf.high = ifelse(ref, 0, td$conf.high), ref = ref,
                    post = post %in% TRUE | kind %in% c("group", "calendar", "overall"),
                    panel = if (kind == "group_time") td$group else NA_real_, kind = kind,
                    stringsAsFactors = FALSE)[keep, , drop = FALSE]
  out$estimate[out$ref] <- 0
  rownames(out) <- NULL
  out
}

twfe_plot_rows <- function(object, level) {
  if (!is.numeric(level) || length(level) != 1L || !(level > 0 && level < 1)) {
    abort_input("{.arg level} must be a number between 0 and 1.")
  }
  ci <- stats::confint(object, level = level)
  b <- stats::coef(object)
  data.frame(x = seq_along(b), label = names(b), estimate = unname(b), conf.low = unname(ci[, 1L]),
             conf.high = unname(ci[, 2L]), ref = FALSE, post = TRUE, panel = NA_real_, kind = "coef",
             stringsAsFactors = FALSE)
}

estimates_labels <- function(kind, lang) {
  zh <- lang == "zh"
  x <- switch(kind,
              event = if (zh) "\u76f8\u5bf9\u653f\u7b56\u5b9e\u65bd\u7684\u65f6\u671f" else "Periods relative to adoption",
              group_time = if (zh) "\u65f6\u671f" else "Period",
              group = if (zh) "\u653f\u7b56\u5b9e\u65bd\u6279\u6b21" else "Cohort (adoption period)",
              calendar = if (zh) "\u65f6\u671f" else "Period",
              overall = NULL,
              coef = if (zh) "\u4f30\u8ba1\u7cfb\u6570" else "Estimate")
  y <- if (kind == "coef") NULL else if (zh) "\u4f30\u8ba1\u7cfb\u6570\u53ca\u7f6e\u4fe1\u533a\u95f4" else "Estimate and confidence interval"
  post <- if (zh) c("\u653f\u7b56\u524d", "\u653f\u7b56\u540e") else c("Pre-treatment", "Post-treatment")
  list(x = x, y = y, post = post)
}

# The shared drawing: points and bars around a dashed zero line.
draw_estimates <- function(pd, args) {
  kind <- pd$kind[1L]
  lab <- estimates_labels(kind, args$lang)
  if (kind == "coef") {
    g <- ggplot2::ggplot(pd, ggplot2::aes(x = .data$estimate, y = .data$label)) +
      ggplot2::geom_vline(xintercept = 0, linetype = "dashed", colour = "grey40") +
      ggplot2::geom_errorbar(ggplot2::aes(xmin = .data$conf.low, xmax = .data$conf.high), width = 0.2,
                             colour = pd_colour, orientation = "y") +
      ggplot2::geom_point(colour = pd_colour, size = 2) +
      ggplot2::scale_y_discrete(limits = rev(pd$label)) +
      ggplot2::labs(x = lab$x, y = NULL)
    return(finish_plot(g, args))
  }
  pd$period <- factor(lab$post[1L + pd$post], levels = lab$post)
  est <- pd[!pd$ref, , drop = FALSE]
  g <- ggplot2::ggplot(pd, ggplot2::aes(x = .data$x, y = .data$estimate)) +
    ggplot2::geom_hline(yintercept = 0, linetype = "dashed", colour = "grey40")
  if (kind == "event") g <- g + ggplot2::geom_vline(xintercept = -0.5, linetype = "longdash", colour = "grey60")
  g <- g + ggplot2::geom_errorbar(ggplot2::aes(ymin = .data$conf.low, ymax = .data$conf.high, colour = .data$period),
                                  data = est, width = 0.2) +
    ggplot2::geom_point(ggplot2::aes(colour = .data$period), data = est, size = 2) +
    ggplot2::geom_point(data = pd[pd$ref, , drop = FALSE], shape = 21, fill = "white", colour = pd_colour,
                        size = 2.5) +
    ggplot2::scale_colour_manual(values = stats::setNames(pd_palette[c(2L, 1L)], lab$post), drop = TRUE) +
    ggplot2::labs(x = lab$x, y = lab$y, colour = NULL)
  g <- if (kind == "overall") {
    g + ggplot2::scale_x_continuous(breaks = 1, labels = "ATT")
  } else {
    g + ggplot2::scale_x_continuous(breaks = sort(unique(pd$x)))
  }
  if (kind == "group_time") g <- g + ggplot2::facet_wrap(ggplot2::vars(.data$panel), ncol = 1L)
  finish_plot(g, args)
}

#' @rdname estimates-plot
#' @method autoplot pilotdid_att_gt
#' @export
autoplot.pilotdid_att_gt <- function(object, lang = c("en", "zh"), family = NULL, ...) {
  args <- plot_args(lang, family, ...)
  draw_estimates(estimates_plot_data(object), args)
}

#' @rdname estimates-plot
#' @method autoplot pilotdid_aggregate
#' @export
autoplot.pilotdid_aggregate <- autoplot.pilotdid_att_gt

#' @rdname estimates-plot
#' @method autoplot pilotdid_sun_abraham
#' @export
autoplot.pilotdid_sun_abraham <- autoplot.pilotdid_att_gt

#' @rdname estimates-plot
#' @method autoplot pilotdid_did_imputation
#' @export
autoplot.pilotdid_did_imputation <- autoplot.pilotdid_att_gt

#' @rdname estimates-plot
#' @method autoplot pilotdid_twfe
#' @export
autoplot.pilotdid_twfe <- function(object, level = 0.95, lang = c("en", "zh"), family = NULL, ...) {
  args <- plot_args(lang, family, ...)
  draw_estimates(estimates_plot_data(object, level), args)
}
