# Refitting a twfe() fit inside other verbs (mechanism(), heterogeneity()):
# the new fits are real twfe() calls, evaluated where the user called the
# verb, so update(), placebo_test() and did_table() work on them.

# The twfe() fit of `x`: the fit itself, or the fit an estimator keeps in `$fit`.
as_twfe_fit <- function(x, arg = "fit", call = caller_env()) {
  if (inherits(x, "pilotdid_twfe")) return(x)
  if (is.list(x) && inherits(x$fit, "pilotdid_twfe")) return(x$fit)
  abort_input("{.arg {arg}} must be a {.fn twfe} fit (or hold one in {.field $fit}).", call = call)
}

# The treatment regressor: `treat`, or the fit's first coefficient.
fit_treat <- function(treat, fit, call = caller_env()) {
  treat <- treat %||% names(fit$coefficients)[1L]
  if (!is.character(treat) || length(treat) != 1L || !treat %in% names(fit$coefficients)) {
    abort_input("{.arg treat} must name a coefficient of {.arg fit}.", call = call)
  }
  treat
}

# The data a verb works on: its `data` argument, else the fit's.
verb_data <- function(fit, data, env, call = caller_env()) {
  if (is.null(data)) return(fit_data(fit, env, call))
  if (!is.data.frame(data)) abort_input("{.arg data} must be a data frame.", call = call)
  data
}

# Evaluate the fit's call again with another formula and/or an extra
# condition `cond` (an expression, evaluated in the data) added to its subset.
refit_twfe <- function(fit, env, data, data_expr = NULL, formula = NULL, cond = NULL, quiet = FALSE) {
  call <- fit$call
  call[[1L]] <- quote(pilotdid::twfe)
  call$formula <- formula %||% fit$formula
  if (!is.null(data_expr)) call$data <- data_expr
  if (!is.null(cond)) call$subset <- and_subset(call$subset, cond, fit, data, env)
  if (quiet) {
    old <- options(pilotdid.quiet = TRUE)
    on.exit(options(old))
  }
  eval(call, env)
}

# `(old) & (cond)` when the old subset is a condition; row numbers otherwise.
and_subset <- function(old, cond, fit, data, env) {
  if (is.null(old)) return(cond)
  val <- tryCatch(eval(old, data, env), error = function(e) NULL)
  if (is.logical(val)) return(call("&", call("(", old), call("(", cond)))
  rows <- which(eval(cond, data, env) %in% TRUE)
  intersect(fit$args$rows, rows)
}

# Rows `keep` (logical or positions) of a sample built by twfe_sample(), with
# the fixed-effect and cluster codes made dense again.
subset_sample <- function(smp, keep) {
  if (is.logical(keep)) keep <- which(keep)
  recode <- function(cd) group_codes(list(cd[keep]))
  smp$y <- smp$y[keep]
  smp$X <- smp$X[keep, , drop = FALSE]
  if (!is.null(smp$w)) smp$w <- smp$w[keep]
  smp$codes <- lapply(smp$codes, recode)
  smp$cl_codes <- lapply(smp$cl_codes, recode)
  smp$obs <- smp$obs[keep]
  smp
}

# Demean and regress: coefficients, kept columns, residuals, demeaned X and
# (X'WX)^-1 of a sample (no variance, no notes).
fast_fit <- function(X, y, codes, w, threads = 1L) {
  dm <- within_transform(X, y, codes, w, threads)
  ols <- cpp_ols(dm$X, dm$y, w, dm$ss, 1e-10, threads)
  coef <- rep(NA_real_, ncol(X))
  names(coef) <- colnames(X)
  coef[ols$kept] <- ols$coef
  list(coef = coef, kept = ols$kept, resid = ols$resid, X = dm$X[, ols$kept, drop = FALSE],
       B = ols$XtX_inv)
}
