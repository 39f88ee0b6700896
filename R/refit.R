# Refitting a twfe() fit inside other verbs (mechanism(), heterogeneity()):
# the new fits are real twfe() calls, evaluated where the user called the
# verb, so update(), placebo_test() and did_table() work on them.

# The twfe() fit of `x`: the fit itself, or the fit an estimator keeps in `$fit`.
as_twfe_fit <- function(x, arg = "fit", call = caller_env()) {
  if (inherits(x, "pilotdid_twfe")) return(x)
  if (is.list(x) && inherits(x$fit, "pilotdid_twfe")) return(x$fit)
  abort_input("{.arg {arg}} must be a {.fn twfe} fit (or hold one in {.field $fit}).", call = call)
}

# The treatment regressor: `treat`, or the first regressor of the fit's
# formula (an error if it was dropped, rather than taking the next one).
fit_treat <- function(treat, fit, call = caller_env()) {
  if (is.null(treat)) {
    treat <- names(fit$sample$hash)[2L] %||% names(fit$coefficients)[1L]
    if (treat %in% fit$dropped_vars) {
      abort_input(c("The treatment {.field {treat}} (the first regressor) was dropped from {.arg fit}: it is constant within the fixed effects or collinear.",
                    "i" = "Name another regressor with {.arg treat}, or check the model."), call = call)
    }
  }
  if (is.character(treat) && length(treat) == 1L && treat %in% fit$dropped_vars) {
    abort_input("The treatment {.field {treat}} was dropped from {.arg fit}: it is constant within the fixed effects or collinear.",
                call = call)
  }
  if (!is.character(treat) || length(treat) != 1L || !treat %in% names(fit$coefficients)) {
    abort_input("{.arg treat} must name a coefficient of {.arg fit}.", call = call)
  }
  treat
}

# A twfe() fit made by another verb on data of its own (event dummies, cohort
# cells, matched rows), adopted as a fit of the user's data: its rows `obs`
# in `data`, whose expression in the user's call is `data_name`.
adopt_fit <- function(fit, obs, data, data_name) {
  fit$obs <- obs
  fit$sample$n_data <- nrow(data)
  fit$data_name <- if (is.language(data_name)) data_name
  fit$args$refit <- FALSE
  fit
}

# A twfe() fit on rows `keep` of a fit's sample (same fixed effects, variance
# request and small-sample settings), estimated from the kept demeaned
# columns. Its `call` is NULL: it is derived, not a call to update().
fit_subset <- function(fit, keep, smp = fit_sample(fit)) {
  sub <- subset_sample(smp, keep)
  if (isTRUE(fit$args$drop_singletons)) {
    s <- singleton_rows(sub$codes)
    if (length(s)) sub <- subset_sample(sub, -s)
  }
  sub$removed <- data.frame(reason = "subset of the fit's sample", n = length(smp$y) - length(sub$y))
  old <- options(pilotdid.quiet = TRUE)
  on.exit(options(old))
  out <- twfe_estimate(sub, fit$vcov_spec, fit$ssc %||% ssc(), 1L)
  out[c("formula", "data_name", "args")] <- list(fit$formula, fit$data_name, fit$args)
  new_pilotdid_twfe(out)
}

# Estimate a twfe() fit again on `data` (its data, checked by fit_data())
# with another formula and/or an extra condition `cond` (an expression
# evaluated in the data) on its rows, with the same fixed effects, weights,
# variance and settings.
refit_twfe <- function(fit, data, formula = NULL, cond = NULL, quiet = FALSE, call = caller_env()) {
  if (isFALSE(fit$args$refit)) {
    abort_input("{.arg fit} was made inside another verb on data of its own; estimate the model with {.fn twfe} first.",
                call = call)
  }
  rows <- fit$args$rows %||% seq_len(nrow(data))
  if (!is.null(cond)) rows <- rows[eval(cond, data, environment(fit$formula))[rows] %in% TRUE]
  v <- fit$vcov_spec
  vcov <- if (v$type == "cluster") NULL else v$type
  cluster <- if (v$type == "cluster") vapply(v$cluster, paste, "", collapse = "^") else NULL
  if (quiet) {
    old <- options(pilotdid.quiet = TRUE)
    on.exit(options(old))
  }
  # do.call() puts the row numbers themselves in the call: no name to clash with a column
  out <- do.call(twfe, list(formula = formula %||% fit$formula, data = data, cluster = cluster, vcov = vcov,
                            weights = fit$args$weights, subset = rows,
                            drop_singletons = isTRUE(fit$args$drop_singletons), ssc = fit$ssc, lag = v$lag))
  out$call <- fit$call
  out$call$formula <- out$formula
  out$data_name <- fit$data_name
  out
}

# Rows `keep` (logical or positions) of a sample (from twfe_sample() or
# fit_sample()), with the fixed-effect and cluster codes made dense again.
subset_sample <- function(smp, keep) {
  if (is.logical(keep)) keep <- which(keep)
  recode <- function(cd) group_codes(list(cd[keep]))
  old <- smp$codes
  smp$y <- smp$y[keep]
  if (!is.null(smp$y_raw)) smp$y_raw <- smp$y_raw[keep]
  smp$X <- smp$X[keep, , drop = FALSE]
  if (!is.null(smp$w)) smp$w <- smp$w[keep]
  smp$codes <- lapply(smp$codes, recode)
  smp$cl_codes <- lapply(smp$cl_codes, recode)
  if (!is.null(smp$levels)) {
    smp$levels <- Map(function(lv, o, cd) if (is.null(lv)) NULL else lv[o[keep][match(seq_len(n_levels(list(cd))) - 1L, cd)] + 1L],
                      smp$levels, old, smp$codes)
  }
  smp$binary <- lapply(smp$binary, `[`, keep)
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
