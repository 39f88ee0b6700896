#' Methods for twfe() fits
#'
#' `summary()` returns a `summary.pilotdid_twfe` object (the coefficient table
#' and fit statistics) whose print method does the printing; `print()` prints
#' the summary. `coef()`, `vcov()`, `confint()`, `nobs()`, `residuals()` and
#' `fitted()` work as for [lm()]; confidence intervals use the t distribution
#' with the degrees of freedom described in [twfe()].
#'
#' @param object,x A `pilotdid_twfe` fit.
#' @param parm Coefficients (names or positions); all by default.
#' @param level Confidence level.
#' @param digits Significant digits to print.
#' @param ... Unused.
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
summary.pilotdid_twfe <- function(object, ...) {
  est <- object$coefficients
  se <- sqrt(diag(object$vcov))
  tval <- est / se
  p <- 2 * stats::pt(abs(tval), df = object$df_t, lower.tail = FALSE)
  tab <- cbind(Estimate = est, `Std. Error` = se, `t value` = tval, `Pr(>|t|)` = p)
  out <- object[c("formula", "nobs", "fe", "fe_sizes", "vcov_type", "cluster", "n_clusters",
                  "cluster_default", "r2", "r2_within", "adj_r2", "sigma", "df_t",
                  "removed", "dropped_vars")]
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
vcov.pilotdid_twfe <- function(object, ...) object$vcov

#' @rdname twfe-methods
#' @export
nobs.pilotdid_twfe <- function(object, ...) object$nobs

#' @rdname twfe-methods
#' @export
residuals.pilotdid_twfe <- function(object, ...) object$residuals

#' @rdname twfe-methods
#' @export
fitted.pilotdid_twfe <- function(object, ...) object$fitted.values

#' @rdname twfe-methods
#' @export
confint.pilotdid_twfe <- function(object, parm, level = 0.95, ...) {
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
  extras <- match.call(expand.dots = FALSE)$...
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
