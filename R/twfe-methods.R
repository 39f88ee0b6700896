#' Methods for twfe() fits
#'
#' `summary()` returns a `summary.pilotdid_twfe` object (the coefficient table
#' and fit statistics) whose print method does the printing; `print()` prints
#' the summary. `coef()`, `vcov()`, `confint()`, `nobs()`, `residuals()` and
#' `fitted()` work as for [lm()]; confidence intervals use the t distribution
#' with the degrees of freedom described in [twfe()].
#'
#' `vcov()`, `summary()`, `confint()` and [tidy()] take the variance
#' arguments of [twfe()] (`vcov`, `cluster`, `ssc`, `lag`) and recompute the
#' standard errors from the demeaned regressors and residuals the fit keeps,
#' without estimating again: `summary(fit, vcov = "hetero")`,
#' `summary(fit, cluster = ~year)`, `vcov(fit, vcov = "DK")`. Clustering on a
#' column the fit did not use needs the data: given as `data`, or found
#' where the fit's data argument names it, and checked against the fit's
#' sample.
#'
#' @param object,x A `pilotdid_twfe` fit.
#' @param parm Coefficients (names or positions); all by default.
#' @param level Confidence level, between 0 and 1.
#' @param digits Significant digits to print.
#' @param vcov,cluster,ssc,lag The variance to report, as in [twfe()];
#'   by default the fit's own.
#' @param data The fit's data, needed only to cluster on a column the fit did
#'   not use (found from the fit's call when omitted).
#' @param ... Must be empty: an unknown argument is an error.
#' @return `summary()`: a list of class `summary.pilotdid_twfe` with
#'   `coefficients` (a matrix: estimate, std. error, t value, p-value) and the
#'   fit's statistics. `confint()`: a matrix with one row per coefficient.
#' @family estimators
#' @name twfe-methods
#' @examples
#' d <- simulate_panel(n_id = 40, n_t = 6, seed = 2)
#' fit <- twfe(y ~ treat + x1 | id + year, data = d)
#' summary(fit)
#' confint(fit, level = 0.9)
#' nobs(fit)
NULL

#' @rdname twfe-methods
#' @export
summary.pilotdid_twfe <- function(object, vcov = NULL, cluster = NULL, ssc = NULL, lag = NULL,
                                  data = NULL, ...) {
  rlang::check_dots_empty()
  object <- fit_with_vcov(object, vcov, cluster, ssc, lag, data, parent.frame())
  est <- object$coefficients
  se <- sqrt(diag(object$vcov))
  tval <- est / se
  p <- 2 * stats::pt(abs(tval), df = object$df_t, lower.tail = FALSE)
  tab <- cbind(Estimate = est, `Std. Error` = se, `t value` = tval, `Pr(>|t|)` = p)
  out <- object[c("formula", "nobs", "fe", "fe_sizes", "vcov_type", "cluster", "n_clusters",
                  "cluster_default", "r2", "r2_within", "adj_r2", "sigma", "df_t",
                  "removed", "dropped_vars", "vcov_spec", "vcov")]
  out$coefficients <- tab
  structure(out, class = "summary.pilotdid_twfe")
}

#' @rdname twfe-methods
#' @export
print.summary.pilotdid_twfe <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  cat("TWFE estimation:", deparse1(x$formula), "\n")
  cat("Observations:", format(x$nobs, big.mark = ","), "\n")
  cat("Fixed effects:", paste0(x$fe, " (", x$fe_sizes, ")", collapse = ", "), "\n")
  cat("Standard errors:", se_label(x), "\n")
  stats::printCoefmat(x$coefficients, digits = digits, signif.legend = TRUE)
  cat(sprintf("R2: %s   Within R2: %s   Adj. R2: %s\n", format(x$r2, digits = digits),
              format(x$r2_within, digits = digits), format(x$adj_r2, digits = digits)))
  invisible(x)
}

# "Clustered by id (218 clusters)" and friends; shared with the tables.
se_label <- function(x) {
  switch(x$vcov_type,
         iid = "IID",
         hetero = "Heteroskedasticity-robust (HC1)",
         NW = paste0("Newey-West (", x$vcov_spec$lag, " lag", if (x$vcov_spec$lag != 1) "s", ")"),
         DK = paste0("Driscoll-Kraay (", x$vcov_spec$lag, " lag", if (x$vcov_spec$lag != 1) "s", ")"),
         cluster = paste0("Clustered by ", paste(x$cluster, collapse = " & "), " (",
                          paste(x$n_clusters, collapse = " & "), " clusters)",
                          if (isTRUE(x$cluster_default)) ", the first fixed effect (default)" else ""))
}

#' @rdname twfe-methods
#' @export
print.pilotdid_twfe <- function(x, ...) {
  print(summary(x), ...)
  invisible(x)
}

#' @rdname twfe-methods
#' @export
coef.pilotdid_twfe <- function(object, ...) object$coefficients

#' @rdname twfe-methods
#' @export
vcov.pilotdid_twfe <- function(object, vcov = NULL, cluster = NULL, ssc = NULL, lag = NULL, data = NULL,
                               ...) {
  rlang::check_dots_empty()
  fit_with_vcov(object, vcov, cluster, ssc, lag, data, parent.frame())$vcov
}

#' @rdname twfe-methods
#' @export
nobs.pilotdid_twfe <- function(object, ...) object$nobs

#' @rdname twfe-methods
#' @export
residuals.pilotdid_twfe <- function(object, ...) object$residuals

#' @rdname twfe-methods
#' @export
fitted.pilotdid_twfe <- function(object, ...) object$sample$y - object$residuals

#' @rdname twfe-methods
#' @export
confint.pilotdid_twfe <- function(object, parm, level = 0.95, vcov = NULL, cluster = NULL, ssc = NULL,
                                  lag = NULL, data = NULL, ...) {
  rlang::check_dots_empty()
  check_level(level)
  object <- fit_with_vcov(object, vcov, cluster, ssc, lag, data, parent.frame())
  est <- object$coefficients
  if (missing(parm)) parm <- names(est)
  if (is.numeric(parm)) parm <- names(est)[parm]
  se <- sqrt(diag(object$vcov))[parm]
  q <- stats::qt((1 + level) / 2, df = object$df_t)
  lab <- paste(format(100 * c((1 - level) / 2, (1 + level) / 2), trim = TRUE), "%")
  matrix(c(est[parm] - q * se, est[parm] + q * se), ncol = 2L, dimnames = list(parm, lab))
}

#' Refit a twfe() model with changes
#'
#' Changes the formula, data, subset or any other argument of the original
#' call and fits again; clustering, weights and fixed effects are kept unless
#' changed. The formula is updated part by part: `. ~ . - gov` changes the
#' regressors and keeps the fixed effects; `. ~ . | . + province` adds a fixed
#' effect.
#'
#' @param object A `pilotdid_twfe` fit.
#' @param formula. Changes to the formula, as in [update.formula()].
#' @param ... Arguments of [twfe()] to change, e.g. `subset = year <= 2019`.
#' @param evaluate If `FALSE`, return the updated call.
#' @return A new `pilotdid_twfe` fit (or a call).
#' @family estimators
#' @export
#' @examples
#' d <- simulate_panel(n_id = 40, n_t = 8, seed = 3)
#' fit <- twfe(y ~ treat + x1 + x2 | id + year, data = d)
#' update(fit, subset = year <= 2015)
#' update(fit, . ~ . - x2)
update.pilotdid_twfe <- function(object, formula., ..., evaluate = TRUE) {
  call <- object$call
  if (!missing(formula.)) call$formula <- update_fe_formula(object$formula, formula.)
  if (is.null(call)) {
    abort_input("{.arg object} was estimated from another fit's sample (e.g. a group of {.fn heterogeneity}); update the original fit.")
  }
  extras <- match.call(expand.dots = FALSE)$...
  # a new variance type replaces the old clustering unless clusters are given too
  if ("vcov" %in% names(extras) && !"cluster" %in% names(extras)) call$cluster <- NULL
  for (nm in names(extras)) call[[nm]] <- extras[[nm]]
  if (evaluate) eval(call, parent.frame()) else call
}

# Update `y ~ x | fe` part by part; `.` in the FE part stands for the old FEs.
update_fe_formula <- function(old, new) {
  new <- stats::as.formula(new)
  o_rhs <- old[[3L]]
  old_main <- call("~", old[[2L]], o_rhs[[2L]])
  fe <- o_rhs[[3L]]
  n_rhs <- new[[length(new)]]
  if (is.call(n_rhs) && identical(n_rhs[[1L]], as.name("|"))) {
    fe <- do.call(substitute, list(n_rhs[[3L]], list(. = fe)))
    n_rhs <- n_rhs[[2L]]
  }
  new_main <- if (length(new) == 3L) call("~", new[[2L]], n_rhs) else call("~", n_rhs)
  main <- stats::update.formula(stats::as.formula(old_main), stats::as.formula(new_main))
  stats::as.formula(call("~", main[[2L]], call("|", main[[3L]], fe)), env = environment(old))
}

# `fit` with its variance recomputed for the request (unchanged when none).
fit_with_vcov <- function(fit, vcov, cluster, ssc, lag, data, env, call = caller_env()) {
  if (is.null(vcov) && is.null(cluster) && is.null(ssc) && is.null(lag)) return(fit)
  vspec <- vcov_spec(vcov, cluster, fit$fe, lag, current = fit$vcov_spec, call = call)
  ssc <- if (is.null(ssc)) fit$ssc %||% ssc() else check_ssc(ssc, call)
  cl_codes <- fit_cluster_codes(fit, vspec$cluster, data, env, call)
  set_fit_vcov(fit, vspec, ssc, 1L, cl_codes)
}

# Codes of cluster variables for the rows of a fit: those the fit keeps, its
# fixed effects, or columns of its data.
fit_cluster_codes <- function(fit, vars, data, env, call) {
  s <- fit$sample
  checked <- FALSE
  out <- lapply(vars, function(v) {
    nm <- paste(v, collapse = "^")
    if (nm %in% names(s$cl_codes)) return(s$cl_codes[[nm]])
    if (nm %in% names(s$codes)) return(s$codes[[nm]])
    if (!checked) {
      data <<- fit_data(fit, data, env, call)
      checked <<- TRUE
    }
    check_columns(data, v, "cluster", call)
    cols <- lapply(as.list(data)[v], `[`, fit$obs)
    miss <- Reduce(`|`, lapply(cols, is.na))
    if (any(miss)) {
      abort_input("Cluster variable {.field {nm}} has {sum(miss)} missing value{?s} on rows of the fit; estimate again with {.code cluster = ~{nm}} to drop them.",
                  call = call)
    }
    group_codes(cols)
  })
  names(out) <- vapply(vars, paste, "", collapse = "^")
  for (k in seq_along(out)) {
    if (n_levels(out[k]) < 2L) {
      abort_input("Cluster variable {.field {names(out)[k]}} has a single level in the estimation sample: standard errors clustered on it are not defined.",
                  call = call)
    }
  }
  out
}
