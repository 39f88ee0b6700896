#' Put staggered-DID estimates side by side
#'
#' Stacks the results of several estimators into one data frame with common
#' columns, so that the paper's TWFE estimate or event study can be shown
#' beside the heterogeneity-robust ones in one table ([autoplot()] draws them
#' in one figure).
#'
#' Each result is tidied with its [tidy()] method:
#' * [twfe()] fits give their first coefficient (the treatment, by the
#'   convention of [placebo_test()]) as the overall estimate, term `"ATT"`;
#' * event studies (`event_study()`), [sun_abraham()], [did_imputation()] with
#'   `horizon`, and [aggregate.pilotdid_att_gt()] with `type = "dynamic"` give
#'   one row per relative period (numeric `rel_time`; reference periods have
#'   estimate 0 and no standard error), plus the overall ATT where they report
#'   one (`rel_time` `NA`);
#' * an [att_gt()] result gives its `"dynamic"` aggregation by relative period
#'   and its `"simple"` aggregation as the overall ATT (the average effect on
#'   the treated observations, the target of the TWFE coefficient, of
#'   Sun-Abraham's ATT and of the imputation ATT); an aggregation passed
#'   itself keeps its own overall row ("ATT_dynamic" and so on);
#' * any other object whose `tidy()` has `estimate` and `std.error` columns,
#'   or such a data frame itself (e.g. a `tidy()` output), is taken as it is
#'   (without `rel_time`, its rows count as overall estimates).
#'
#' Confidence intervals are those each result reports (95% by default);
#' where a result has none, normal intervals at `level` are added.
#'
#' @param ... Results to compare, preferably named: the names label the
#'   estimators (`TWFE = fit, CS = cs`). Unnamed results are labelled by their
#'   class ("TWFE", "Event study", "Sun-Abraham", "Callaway-Sant'Anna",
#'   "Imputation").
#' @param level Confidence level of the intervals added where a result has
#'   none.
#' @return A data frame of class `pilotdid_compare_estimators` with columns `estimator`
#'   (a factor, in the order given), `term`, `rel_time`, `estimate`,
#'   `std.error`, `conf.low`, `conf.high`.
#' @family robust estimators
#' @export
#' @examples
#' d <- simulate_panel(n_id = 80, n_t = 10, seed = 1)
#' cmp <- compare_estimators(
#'   TWFE = twfe(y ~ treat | id + year, data = d),
#'   CS = aggregate(att_gt(y ~ 1 | id + year, data = d, cohort = "cohort"), "dynamic"),
#'   SA = sun_abraham(y ~ 1 | id + year, data = d, cohort = "cohort"),
#'   BJS = did_imputation(y ~ 1 | id + year, data = d, cohort = "cohort", horizon = TRUE)
#' )
#' cmp[cmp$term == "ATT", ]
#' autoplot(cmp)
#' autoplot(cmp, type = "overall")
compare_estimators <- function(..., level = 0.95) {
  x <- list(...)
  if (!length(x)) abort_input("Give at least one result to compare.")
  check_level(level)
  nm <- names(x) %||% rep("", length(x))
  nm[nm == ""] <- vapply(x[nm == ""], estimator_label, "")
  if (anyDuplicated(nm)) nm <- make.unique(nm, sep = " ")
  rows <- Map(function(obj, lab, k) compare_rows(obj, lab, k, level), x, nm, seq_along(x))
  out <- do.call(rbind, rows)
  out$estimator <- factor(out$estimator, levels = nm)
  rownames(out) <- NULL
  structure(out, class = c("pilotdid_compare_estimators", "data.frame"))
}

estimator_label <- function(obj) {
  cls <- class(obj)[1L]
  switch(cls, pilotdid_twfe = "TWFE", pilotdid_event_study = "Event study", pilotdid_sun_abraham = "Sun-Abraham",
         pilotdid_att_gt = , pilotdid_aggregate = "Callaway-Sant'Anna", pilotdid_did_imputation = "Imputation",
         cls)
}

# One result's rows in the common format.
compare_rows <- function(obj, label, k, level, call = caller_env()) {
  if (inherits(obj, "pilotdid_bacon_decomp")) {
    abort_input("Result {k} is a Goodman-Bacon decomposition, not an estimate: pass the {.fn twfe} fit instead.",
                call = call)
  }
  if (inherits(obj, "pilotdid_att_gt")) {
    dyn <- tidy(aggregate(obj, "dynamic"))
    obj <- rbind(dyn[dyn$term != "ATT_dynamic", ], tidy(aggregate(obj, "simple")))
  }
  tb <- if (is.data.frame(obj)) obj else tryCatch(as.data.frame(tidy(obj)), error = function(e) NULL)
  if (is.null(tb) || !all(c("estimate", "std.error") %in% names(tb))) {
    abort_input("Result {k} ({.cls {class(obj)[1L]}}) has no {.field estimate} and {.field std.error} columns, nor a {.fn tidy} method giving them.",
                call = call)
  }
  if (inherits(obj, "pilotdid_twfe")) {
    tb <- tb[1L, , drop = FALSE]
    tb$term <- "ATT"
  }
  n <- nrow(tb)
  term <- if (is.null(tb$term)) rep("ATT", n) else as.character(tb$term)
  rel <- if (is.null(tb$rel_time)) rep(NA_real_, n) else as.numeric(tb$rel_time)
  z <- stats::qnorm((1 + level) / 2)
  lo <- tb$conf.low %||% (tb$estimate - z * tb$std.error)
  hi <- tb$conf.high %||% (tb$estimate + z * tb$std.error)
  data.frame(estimator = rep(label, n), term = term, rel_time = rel, estimate = as.numeric(tb$estimate),
             std.error = as.numeric(tb$std.error), conf.low = as.numeric(lo), conf.high = as.numeric(hi))
}

#' @rdname compare_estimators
#' @param x,object A `pilotdid_compare_estimators` data frame.
#' @param type `"dynamic"`: estimates by relative period (the default when
#'   there are any); `"overall"`: the overall estimates, one per estimator.
#' @param width Total horizontal space the estimators of one relative period
#'   are spread over (dodging).
#' @param lang Labels in English (`"en"`) or Chinese (`"zh"`).
#' @param family Font family of the text (see [figures]).
#' @return `compare_plot_data()`: the data frame drawn, with the position `x`
#'   (relative period plus the dodge offset, or the estimator's position).
#'   `autoplot()`: a ggplot.
#' @export
compare_plot_data <- function(x, type = c("dynamic", "overall"), width = 0.5) {
  if (!inherits(x, "pilotdid_compare_estimators")) abort_input("{.arg x} must be a {.fn compare_estimators} result.")
  type <- check_choice(type, c("dynamic", "overall"), "type")
  lev <- levels(x$estimator)
  if (type == "dynamic") {
    d <- x[!is.na(x$rel_time), , drop = FALSE]
    if (!nrow(d)) abort_input("None of the results has estimates by relative period: use {.code type = \"overall\"}.")
    used <- lev[lev %in% d$estimator]
    k <- match(as.character(d$estimator), used)
    K <- length(used)
    d$x <- d$rel_time + if (K > 1L) (k - (K + 1) / 2) * width / (K - 1) else 0
  } else {
    d <- x[is.na(x$rel_time) & x$term == "ATT", , drop = FALSE]
    if (!nrow(d)) abort_input("None of the results has an overall estimate (term \"ATT\").")
    d$x <- match(as.character(d$estimator), lev)
  }
  rownames(d) <- NULL
  as.data.frame(d)
}

#' @rdname compare_estimators
#' @method autoplot pilotdid_compare_estimators
#' @export
autoplot.pilotdid_compare_estimators <- function(object, type = NULL, width = 0.5, lang = c("en", "zh"),
                                                 family = NULL, ...) {
  args <- plot_args(lang, family, ...)
  zh <- args$lang == "zh"
  if (is.null(type)) type <- if (any(!is.na(object$rel_time))) "dynamic" else "overall"
  pd <- compare_plot_data(object, type, width)
  g <- ggplot2::ggplot(pd, ggplot2::aes(x = .data$x, y = .data$estimate, colour = .data$estimator,
                                        shape = .data$estimator)) +
    ggplot2::geom_hline(yintercept = 0, linetype = "dashed", colour = "grey50")
  if (type == "dynamic") {
    g <- g + ggplot2::geom_vline(xintercept = -0.5, linetype = "dotted", colour = "grey50")
  }
  # the same colour and shape for an estimator in every figure of `object`
  lev <- levels(object$estimator)
  shown <- lev[lev %in% pd$estimator]
  pal <- rep_len(pd_palette, length(lev))
  g <- g + ggplot2::geom_errorbar(ggplot2::aes(ymin = .data$conf.low, ymax = .data$conf.high),
                                  width = if (type == "dynamic") width / 4 else 0.15, na.rm = TRUE) +
    ggplot2::geom_point(size = 2) +
    ggplot2::scale_colour_manual(values = stats::setNames(pal, lev), limits = lev, breaks = shown) +
    ggplot2::scale_shape_discrete(limits = lev, breaks = shown) +
    ggplot2::labs(x = if (type == "dynamic") (if (zh) "\u76f8\u5bf9\u653f\u7b56\u5b9e\u65bd\u7684\u65f6\u671f" else "Periods since adoption") else NULL,
                  y = if (zh) "\u4f30\u8ba1\u7cfb\u6570" else "Estimate", colour = NULL, shape = NULL)
  g <- if (type == "overall") {
    g + ggplot2::scale_x_continuous(breaks = seq_along(lev), labels = lev)
  } else {
    g + ggplot2::scale_x_continuous(breaks = sort(unique(pd$rel_time)))
  }
  finish_plot(g, args)
}
