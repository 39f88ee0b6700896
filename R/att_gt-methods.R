#' Methods for Callaway-Sant'Anna results
#'
#' `tidy()` on an [att_gt()] result gives one row per ATT(g,t):
#'
#' | column | meaning |
#' |---|---|
#' | term | "ATT(g,t)" label, e.g. "ATT(2013,2015)" |
#' | group | adoption cohort \eqn{g} |
#' | time | period \eqn{t} |
#' | rel_time | \eqn{t - g} |
#' | estimate, std.error | ATT(g,t) and its analytical standard error |
#' | statistic, p.value | z statistic and two-sided normal p-value |
#' | conf.low, conf.high | pointwise normal confidence interval |
#' | post | `TRUE` for \eqn{t \ge g} |
#'
#' `tidy()` on an [aggregate.pilotdid_att_gt()] result gives one row per
#' cohort, event time or period (`term`: "group_2013", "pre_1", "current",
#' "post_2", "time_2015"), then the overall ATT of the aggregation (`term`
#' "ATT" for `"simple"`; "ATT_group", "ATT_dynamic", "ATT_calendar" for the
#' overall averages of the other types, which weight differently), with the
#' columns `group`, `time`, `rel_time` (`NA` where they do not apply),
#' `estimate`, `std.error`, `statistic`, `p.value`, `conf.low`, `conf.high`
#' and, with a uniform band, `band.low`, `band.high` (`NA` for the overall
#' ATT), and `ref` (`TRUE` for the reference period of an event study with
#' `base_period = "universal"`, estimate 0 without variance). `coef()` and
#' `vcov()` give the rows and the overall ATT with their joint covariance,
#' `crossprod(psi) / n^2` of the influence functions.
#'
#' @param x,object A `pilotdid_att_gt` or `pilotdid_aggregate` result.
#' @param ... Unused.
#' @return `tidy()`: a data frame; `summary()`: a list of class
#'   `summary.pilotdid_att_gt` or `summary.pilotdid_aggregate` that prints.
#' @family robust estimators
#' @name attgt-methods
#' @examples
#' d <- simulate_panel(n_id = 80, n_t = 8, seed = 1)
#' cs <- att_gt(y ~ 1 | id + year, data = d, cohort = "cohort")
#' head(tidy(cs))
#' summary(aggregate(cs, "group"))
NULL

#' @rdname attgt-methods
#' @method tidy pilotdid_att_gt
#' @export
tidy.pilotdid_att_gt <- function(x, ...) {
  e <- x$estimates
  stat <- e$estimate / e$std.error
  data.frame(term = sprintf("ATT(%s,%s)", format_value(e$group), format_value(e$time)),
             group = e$group, time = e$time, rel_time = e$rel_time, estimate = e$estimate,
             std.error = e$std.error, statistic = stat, p.value = 2 * stats::pnorm(-abs(stat)),
             conf.low = e$conf.low, conf.high = e$conf.high, post = e$post)
}

format_value <- function(x) format(x, scientific = FALSE, trim = TRUE)

#' @rdname attgt-methods
#' @export
summary.pilotdid_att_gt <- function(object, ...) {
  structure(list(table = tidy(object), formula = object$formula, n_units = object$n_units,
                 periods = object$periods, groups = object$groups, control_group = object$control_group,
                 anticipation = object$anticipation, base_period = object$base_period,
                 dropped_units = object$dropped_units, level = object$level,
                 est_method = object$est_method),
            class = "summary.pilotdid_att_gt")
}

#' @rdname attgt-methods
#' @export
print.summary.pilotdid_att_gt <- function(x, ...) {
  cat("Group-time ATTs (Callaway and Sant'Anna):", deparse1(x$formula), "\n")
  cat(sprintf("Units: %d   periods: %s-%s   cohorts: %s\n", x$n_units, format_value(min(x$periods)),
              format_value(max(x$periods)), paste(format_value(x$groups), collapse = ", ")))
  cat(sprintf("Comparison group: %s   base period: %s   anticipation: %d\n",
              if (x$control_group == "never") "never treated" else "not yet treated",
              x$base_period, x$anticipation))
  if (!identical(x$est_method, "none")) {
    cat("Covariates:", if (x$est_method == "dr") "doubly robust" else "outcome regression", "\n")
  }
  cat("Standard errors: analytical (influence function), clustered by unit\n")
  print_estimate_table(x$table, x$level)
  invisible(x)
}

#' @rdname attgt-methods
#' @export
print.pilotdid_att_gt <- function(x, ...) {
  print(summary(x))
  invisible(x)
}

#' @rdname attgt-methods
#' @method tidy pilotdid_aggregate
#' @export
tidy.pilotdid_aggregate <- function(x, ...) {
  ov <- x$overall
  for (b in setdiff(names(x$estimates), names(ov))) ov[[b]] <- NA_real_
  out <- rbind(x$estimates, ov)
  stat <- out$estimate / out$std.error
  band <- intersect(c("band.low", "band.high"), names(out))
  out <- data.frame(out[c("term", "group", "time", "rel_time", "estimate", "std.error")],
                    statistic = stat, p.value = 2 * stats::pnorm(-abs(stat)),
                    conf.low = out$conf.low, conf.high = out$conf.high, out[band])
  # reference period of an event study with a universal base period: 0, no variance
  out$ref <- !is.na(out$rel_time) & !is.na(out$estimate) & out$estimate == 0 & is.na(out$std.error)
  rownames(out) <- NULL
  out
}

#' @rdname attgt-methods
#' @export
summary.pilotdid_aggregate <- function(object, ...) {
  structure(list(table = tidy(object), type = object$type, level = object$level,
                 crit_value = object$crit_value, biters = object$biters),
            class = "summary.pilotdid_aggregate")
}

#' @rdname attgt-methods
#' @export
print.summary.pilotdid_aggregate <- function(x, ...) {
  lab <- c(simple = "overall (simple weighted average)", group = "by adoption cohort",
           dynamic = "by event time (event study)", calendar = "by calendar period")
  cat("Aggregated Callaway-Sant'Anna ATT,", lab[[x$type]], "\n")
  print_estimate_table(x$table, x$level)
  if (!is.null(x$crit_value)) {
    cat(sprintf("Uniform %g%% band: critical value %.3f (multiplier bootstrap, %d draws)\n",
                100 * x$level, x$crit_value, x$biters))
  }
  invisible(x)
}

#' @rdname attgt-methods
#' @export
print.pilotdid_aggregate <- function(x, ...) {
  print(summary(x))
  invisible(x)
}

#' @rdname attgt-methods
#' @export
coef.pilotdid_aggregate <- function(object, ...) {
  stats::setNames(c(object$estimates$estimate, object$overall$estimate),
                  c(object$estimates$term, object$overall$term))
}

# Joint covariance of every row and the overall ATT: the influence functions'
# cross-products, crossprod(psi) / n^2 (the variance behind each std.error).
#' @rdname attgt-methods
#' @export
vcov.pilotdid_aggregate <- function(object, ...) {
  V <- crossprod(object$inf_func) / nrow(object$inf_func)^2
  dimnames(V) <- list(names(stats::coef(object)), names(stats::coef(object)))
  V
}
