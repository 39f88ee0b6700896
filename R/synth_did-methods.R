#' Methods for synthetic DID results
#'
#' `print()` shows the estimate, its standard error and interval, the cohort
#' estimates and the largest weights; `summary()` returns them as a
#' `summary.pilotdid_synth_did` object. `coef()` is the estimate (named
#' `"ATT"`), `vcov()` its 1 x 1 variance, `nobs()` the unit-periods used.
#'
#' `tidy()` columns (`what = "estimate"`): `term` (`"ATT"`, then
#' `"cohort_<first period>"` for each cohort of a staggered design),
#' `estimate`, `std.error`, `statistic` (estimate / standard error),
#' `p.value` (two-sided, normal), `conf.low`, `conf.high`. With
#' `what = "unit_weights"`: `cohort`, `unit`, `weight`; with
#' `what = "time_weights"`: `cohort`, `time`, `weight`. `glance()` gives one
#' row: `estimate`, `std.error`, `method`, `se_method`, `n_draws`,
#' `n_units`, `n_treated`, `n_periods`, `n_cohorts`, `nobs`.
#'
#' @param object,x A `pilotdid_synth_did` result.
#' @param what `"estimate"`, `"unit_weights"` or `"time_weights"`.
#' @param conf.int Add the confidence interval columns?
#' @param conf.level Confidence level.
#' @param ... Unused.
#' @return `summary()`: a `summary.pilotdid_synth_did` list; `tidy()`, `glance()`:
#'   data frames; `coef()`: a named number; `vcov()`: a 1 x 1 matrix; `nobs()`:
#'   an integer.
#' @family robust estimators
#' @name synth_did-methods
#' @examples
#' fit <- synth_did(PacksPerCapita ~ 1 | State + Year, data = california_prop99,
#'                  treat = "treated", n = 50, seed = 1)
#' summary(fit)
#' tidy(fit)
#' head(tidy(fit, what = "time_weights"))
#' glance(fit)
#' coef(fit)
#' vcov(fit)
NULL

#' @rdname synth_did-methods
#' @export
summary.pilotdid_synth_did <- function(object, ...) {
  uw <- object$unit_weights
  tw <- object$time_weights
  structure(list(table = tidy(object), cohorts = object$cohorts,
                 top_units = utils::head(uw[order(-uw$weight), ], 5L),
                 top_times = utils::head(tw[order(-tw$weight), ], 3L),
                 method = object$method, se_method = object$se_method, n = object$n,
                 seed = object$seed, level = object$level, covariates = object$covariates,
                 yname = object$panel$yname, n_units = length(object$panel$units),
                 n_treated = sum(!is.na(object$panel$first)), n_periods = length(object$panel$periods)),
            class = "summary.pilotdid_synth_did")
}

#' @rdname synth_did-methods
#' @export
print.summary.pilotdid_synth_did <- function(x, ...) {
  name <- c(sdid = "Synthetic difference-in-differences", sc = "Synthetic control",
            did = "Difference-in-differences")[[x$method]]
  cat(sprintf("%s: %s, %d units (%d treated) x %d periods\n", name, x$yname, x$n_units, x$n_treated,
              x$n_periods))
  t1 <- x$table[1L, ]
  se_txt <- if (x$se_method == "none") "no standard error" else
    sprintf("%s SE %.4g%s", x$se_method, t1$std.error,
            if (is.na(x$n)) "" else sprintf(" (%d draws, seed %s)", x$n, format(x$seed, scientific = FALSE)))
  cat(sprintf("ATT %.6g, %s\n", t1$estimate, se_txt))
  if (!is.na(t1$std.error)) {
    cat(sprintf("%g%% CI [%.4g, %.4g], p = %.3g\n", 100 * x$level, t1$conf.low, t1$conf.high, t1$p.value))
  }
  if (x$covariates != "none") cat(sprintf("Covariates: %s\n", x$covariates))
  if (nrow(x$cohorts) > 1L) {
    cat("Cohorts (weights proportional to treated unit-periods):\n")
    print(format(x$cohorts, digits = 4), row.names = FALSE)
  }
  tag <- function(w) if (nrow(x$cohorts) > 1L) sprintf(" (cohort %s)", w$cohort) else ""
  if (x$method != "did") {
    u <- x$top_units
    cat("Largest unit weights: ", paste0(sprintf("%s %.3f", u$unit, u$weight), tag(u), collapse = ", "), "\n",
        sep = "")
  }
  if (x$method == "sdid") {
    tw <- x$top_times
    cat("Largest time weights: ", paste0(sprintf("%s %.3f", tw$time, tw$weight), tag(tw), collapse = ", "),
        "\n", sep = "")
  }
  invisible(x)
}

#' @rdname synth_did-methods
#' @export
print.pilotdid_synth_did <- function(x, ...) {
  print(summary(x))
  invisible(x)
}

#' @rdname synth_did-methods
#' @method tidy pilotdid_synth_did
#' @export
tidy.pilotdid_synth_did <- function(x, what = c("estimate", "unit_weights", "time_weights"),
                                    conf.int = TRUE, conf.level = x$level, ...) {
  what <- check_choice(what, c("estimate", "unit_weights", "time_weights"), "what")
  if (what == "unit_weights") return(x$unit_weights)
  if (what == "time_weights") return(x$time_weights)
  co <- x$cohorts
  stag <- nrow(co) > 1L
  est <- c(x$estimate, if (stag) co$estimate)
  se <- c(x$std.error, if (stag) co$std.error)
  out <- data.frame(term = c("ATT", if (stag) paste0("cohort_", co$cohort)), estimate = est,
                    std.error = se, statistic = est / se, p.value = 2 * stats::pnorm(-abs(est / se)))
  if (conf.int) {
    z <- stats::qnorm((1 + conf.level) / 2)
    out$conf.low <- est - z * se
    out$conf.high <- est + z * se
  }
  out
}

#' @rdname synth_did-methods
#' @method glance pilotdid_synth_did
#' @export
glance.pilotdid_synth_did <- function(x, ...) {
  data.frame(estimate = x$estimate, std.error = x$std.error, method = x$method,
             se_method = x$se_method, n_draws = x$n, n_units = length(x$panel$units),
             n_treated = sum(!is.na(x$panel$first)), n_periods = length(x$panel$periods),
             n_cohorts = nrow(x$cohorts), nobs = x$nobs)
}

#' @rdname synth_did-methods
#' @export
coef.pilotdid_synth_did <- function(object, ...) c(ATT = object$estimate)

#' @rdname synth_did-methods
#' @export
vcov.pilotdid_synth_did <- function(object, ...) matrix(object$std.error^2, 1L, 1L, dimnames = list("ATT", "ATT"))

#' @rdname synth_did-methods
#' @export
nobs.pilotdid_synth_did <- function(object, ...) as.integer(object$nobs)
