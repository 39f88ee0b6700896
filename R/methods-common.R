# Methods every result answers in the same way (the conformity layer):
# coef() from tidy(), nobs() and glance() for the results whose own methods
# would only repeat this, and broom's columns in every tidy().

#' Common methods of pilotdid results
#'
#' Every result of a pilotdid verb answers `print()`, `summary()`, [tidy()]
#' (with broom's columns `term`, `estimate`, `std.error`, `statistic`,
#' `p.value`, `conf.low`, `conf.high`, `NA` where a column has no meaning for
#' the result), [glance()] (one row), `coef()` (the `estimate` column of
#' `tidy()`, named by `term`) and `nobs()` (the observations used).
#'
#' @param object,x A pilotdid result.
#' @param ... Unused.
#' @return `coef()`: a named numeric vector; `nobs()`: a number; `glance()`:
#'   a one-row data frame.
#' @name pilotdid-methods
#' @family inference
#' @examples
#' d <- simulate_panel(n_id = 60, n_t = 8, seed = 1)
#' fit <- twfe(y ~ treat + x1 | id + year, data = d)
#' pl <- placebo_test(fit, n = 100, seed = 1)
#' coef(pl)
#' glance(pl)
#' sa <- sun_abraham(y ~ x1 | id + year, data = d, cohort = "cohort")
#' coef(sa)
#' nobs(sa)
NULL

coef_from_tidy <- function(object, ...) {
  rlang::check_dots_empty()
  td <- tidy(object)
  stats::setNames(td$estimate, td$term)
}

# broom's columns, in broom's order, before the result's own columns.
broom_columns <- function(df) {
  cols <- c("term", "estimate", "std.error", "statistic", "p.value", "conf.low", "conf.high")
  for (v in setdiff(cols, names(df))) df[[v]] <- rep(NA_real_, nrow(df))
  df[c(cols, setdiff(names(df), cols))]
}

#' @rdname pilotdid-methods
#' @export
coef.pilotdid_placebo_test <- coef_from_tidy
#' @rdname pilotdid-methods
#' @export
coef.pilotdid_heterogeneity <- coef_from_tidy
#' @rdname pilotdid-methods
#' @export
coef.pilotdid_mechanism <- coef_from_tidy
#' @rdname pilotdid-methods
#' @export
coef.pilotdid_att_gt <- function(object, ...) {
  rlang::check_dots_empty()
  e <- object$estimates
  stats::setNames(e$estimate, sprintf("ATT(%s,%s)", e$group, e$time))
}
#' @rdname pilotdid-methods
#' @export
coef.pilotdid_did_imputation <- coef_from_tidy
#' @rdname pilotdid-methods
#' @export
coef.pilotdid_bacon_decomp <- coef_from_tidy
#' @rdname pilotdid-methods
#' @export
coef.pilotdid_entropy_index <- coef_from_tidy
#' @rdname pilotdid-methods
#' @export
coef.pilotdid_twfe_steps <- function(object, ...) {
  rlang::check_dots_empty()
  td <- tidy(object)
  stats::setNames(td$estimate, paste0("(", td$step, ") ", td$term))
}

#' @rdname pilotdid-methods
#' @export
nobs.pilotdid_placebo_test <- function(object, ...) object$nobs
#' @rdname pilotdid-methods
#' @export
nobs.pilotdid_heterogeneity <- function(object, ...) sum(object$groups$n_obs)
#' @rdname pilotdid-methods
#' @export
nobs.pilotdid_mechanism <- function(object, ...) max(object$effects$nobs)
#' @rdname pilotdid-methods
#' @export
nobs.pilotdid_att_gt <- function(object, ...) object$n_units * length(object$periods)
#' @rdname pilotdid-methods
#' @export
nobs.pilotdid_aggregate <- function(object, ...) nrow(object$inf_func)
#' @rdname pilotdid-methods
#' @export
nobs.pilotdid_sun_abraham <- function(object, ...) object$fit$nobs
#' @rdname pilotdid-methods
#' @export
nobs.pilotdid_did_imputation <- function(object, ...) object$n_untreated_obs + object$n_treated_obs
#' @rdname pilotdid-methods
#' @export
nobs.pilotdid_bacon_decomp <- function(object, ...) object$n_units * object$n_periods
#' @rdname pilotdid-methods
#' @export
nobs.pilotdid_twfe_steps <- function(object, ...) max(vapply(unclass(object), nobs, 1))

#' @rdname pilotdid-methods
#' @export
glance.pilotdid_placebo_test <- function(x, ...) {
  p <- x$p_values[1L, ]
  data.frame(n = x$n, type = x$type, estimate = x$actual[["estimate"]], placebo_mean = x$stats[["mean"]],
             placebo_sd = x$stats[["sd"]], p.value = p$two_sided, p.value_plus1 = p$two_sided_plus1,
             seed = x$seed, nobs = x$nobs)
}
#' @rdname pilotdid-methods
#' @export
glance.pilotdid_att_gt <- function(x, ...) {
  data.frame(nobs = nobs(x), n_units = x$n_units, n_periods = length(x$periods), n_groups = length(x$groups),
             control_group = x$control_group, anticipation = x$anticipation, base_period = x$base_period)
}
#' @rdname pilotdid-methods
#' @export
glance.pilotdid_aggregate <- function(x, ...) {
  data.frame(type = x$type, n_units = nobs(x), estimate = x$overall$estimate, std.error = x$overall$std.error,
             conf.low = x$overall$conf.low, conf.high = x$overall$conf.high, level = x$level)
}
#' @rdname pilotdid-methods
#' @export
glance.pilotdid_sun_abraham <- function(x, ...) {
  g <- glance(x$fit)
  data.frame(nobs = g$nobs, r.squared = g$r.squared, within.r.squared = g$within.r.squared,
             nclusters = g$nclusters, vcov.type = g$vcov.type, control = x$control,
             dropped_units = x$dropped_units)
}
#' @rdname pilotdid-methods
#' @export
glance.pilotdid_did_imputation <- function(x, ...) {
  data.frame(nobs = nobs(x), n_units = x$n_units, n_untreated_obs = x$n_untreated_obs,
             n_treated_obs = x$n_treated_obs, dropped_treated = x$dropped_treated, cluster = x$cluster)
}
#' @rdname pilotdid-methods
#' @export
glance.pilotdid_bacon_decomp <- function(x, ...) {
  data.frame(nobs = nobs(x), n_units = x$n_units, n_periods = x$n_periods, twfe = x$twfe,
             n_comparisons = nrow(x$two_by_two))
}
#' @rdname pilotdid-methods
#' @export
glance.pilotdid_entropy_index <- function(x, ...) {
  data.frame(nobs = x$nobs, n_indicators = length(unique(x$weights$indicator)),
             n_dropped = x$n_dropped %||% 0L)
}
