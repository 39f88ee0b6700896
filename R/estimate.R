# The numerical core shared by twfe() and the verbs built on it:
# within transformation -> least squares -> sandwich variance.

# Fit on a sample built by twfe_sample(), with the variance requested by
# `vspec` (see vcov_spec()). The fit keeps its sample in `$sample`.
twfe_estimate <- function(smp, vspec, ssc, threads) {
  n <- length(smp$y)
  w <- smp$w %||% numeric()   # empty: weights 1
  G <- n_levels(smp$codes)
  demeaned <- isTRUE(smp$demeaned)
  # raw 0/1 regressors, before X is demeaned in place
  binary <- if (demeaned) smp$binary else binary_columns(smp$X, smp$raw$binary)
  xnames <- colnames(smp$X)
  dm <- within_transform(smp$X, smp$y, smp$codes, w, threads, in_place = isTRUE(smp$owned))
  smp$X <- NULL   # raw columns: gone when demeaned in place
  ols <- cpp_ols(dm$X, dm$y, w, dm$ss, 1e-10, threads)
  y_raw <- smp$y_raw %||% smp$y
  ss <- cpp_fit_sums(smp$y, y_raw, dm$y, ols$resid, smp$w %||% numeric(), threads)
  if (ss[["ss_dm"]] <= 1e-20 * ss[["ss_y"]]) {
    abort_input("The outcome {.field {smp$yname}} is constant within the fixed effects: there is no variation left to estimate any coefficient from.",
                call = NULL)
  }
  kept <- ols$kept
  dropped <- report_dropped(xnames, dm, w, kept)
  Xk <- if (length(kept) < ncol(dm$X)) dm$X[, kept, drop = FALSE] else dm$X
  dm$X <- NULL   # Xk the only reference: naming its columns does not copy it
  if (!identical(colnames(Xk), xnames[kept])) colnames(Xk) <- xnames[kept]
  e <- ols$resid
  coefs <- stats::setNames(as.vector(ols$coef), xnames[kept])
  p <- length(kept)
  K_full <- p + 1L + sum(G - 1L)
  B <- ols$XtX_inv
  dimnames(B) <- list(names(coefs), names(coefs))
  rss <- ss[["rss"]]
  r2 <- 1 - rss / ss[["tss"]]
  fit <- list(coefficients = coefs, residuals = e, nobs = n, fe_sizes = G, r2 = r2,
              r2_within = 1 - rss / ss[["ss_dm"]], adj_r2 = 1 - (1 - r2) * (n - 1) / (n - K_full),
              rss = rss, sigma = sqrt(rss / (n - K_full)), removed = smp$removed,
              dropped_vars = dropped, obs = smp$obs, fe = names(smp$codes), yname = smp$yname,
              weights = smp$w, exact = dm$exact,
              sample = list(y = y_raw, X = Xk, bread = B, codes = smp$codes, cl_codes = smp$cl_codes,
                            levels = smp$levels,
                            x_mean = if (!demeaned) smp$raw$wsum[kept] / ss[["sw"]],
                            binary = binary[names(binary) %in% names(coefs)],
                            hash = if (!demeaned) smp$raw$hash,
                            n_data = smp$n_data))
  set_fit_vcov(fit, vspec, ssc, threads)
}

# Compute the variance of `fit` for request `vspec` and store it with what
# describes it (type, clusters, K, degrees of freedom).
set_fit_vcov <- function(fit, vspec, ssc, threads = 1L, cl_codes = NULL) {
  s <- fit$sample
  cl_codes <- cl_codes %||% s$cl_codes
  panel <- if (vspec$type %in% c("NW", "DK")) fit_panel(fit) else NULL
  V <- vcov_compute(vspec$type, s$X, fit$residuals, fit$weights, s$bread, s$codes,
                    cl_codes, panel, vspec$lag, ssc, threads)
  if (V$repaired) {
    note("The variance matrix was not positive semi-definite: its eigenvalues below 1e-16 were set to 1e-16, as fixest does.")
  }
  dimnames(V$V) <- dimnames(s$bread)
  fit$vcov <- V$V
  fit$K <- V$K
  fit$df_t <- V$df_t
  fit$n_clusters <- if (length(cl_codes)) stats::setNames(n_levels(cl_codes), names(cl_codes)) else integer()
  fit$vcov_type <- vspec$type
  fit$cluster <- names(cl_codes)
  fit$cluster_default <- isTRUE(vspec$default)
  fit$vcov_spec <- utils::modifyList(vspec, list(lag = V$lag))
  fit$ssc <- ssc
  fit$vcov_repaired <- V$repaired
  fit
}

# Unit and time codes (time in period order) for Newey-West and Driscoll-Kraay.
fit_panel <- function(fit) {
  s <- fit$sample
  tl <- s$levels[[2L]]
  if (is.null(tl) || !(is.numeric(tl) || inherits(tl, "Date"))) {
    abort_input("{.code vcov = \"{fit$vcov_spec$type %||% \"NW\"}\"} needs a numeric time variable as the second fixed effect; {.field {fit$fe[2L]}} is not.",
                call = NULL)
  }
  list(unit = s$codes[[1L]], time = match(tl, sort(tl))[s$codes[[2L]] + 1L] - 1L)
}

# Regressors that are 0/1 dummies (`is_binary`, one flag per column), kept raw
# for the verbs that need the assignment itself (placebo_test()).
binary_columns <- function(X, is_binary) {
  bin <- which(is_binary)
  stats::setNames(cpp_raw_columns(X, ncol(X), bin), colnames(X)[bin])
}

# Settings of the within transformation (see ?twfe, "Fixed effects"): the
# largest number of levels of the non-largest dimensions solved exactly, the
# relative root-mean-square error allowed in a demeaned column, the iteration cap.
demean_control <- function() {
  list(max_exact = getOption("pilotdid.max_exact", 400L), tol = getOption("pilotdid.tol", 1e-10),
       maxit = getOption("pilotdid.maxit", 10000L))
}

# Demean y and the columns of X on the fixed effects (C++). `in_place`: X is
# overwritten (only for a matrix nothing else refers to).
within_transform <- function(X, y, codes, w, threads, in_place = FALSE) {
  G <- n_levels(codes)
  ctl <- demean_control()
  dm <- cpp_demean(X, y, unname(codes), G, w, ctl$max_exact, ctl$tol, ctl$maxit, threads, in_place)
  if (any(dm$iterations < 0L)) {
    warn_pd("The within transformation stopped after {ctl$maxit} iterations without converging; results may be inaccurate.")
  }
  dm
}

# Name the regressors cpp_ols() dropped, with the reason.
report_dropped <- function(xnames, dm, w, kept) {
  out <- setdiff(seq_along(xnames), kept)
  if (!length(out)) return(character())
  nm <- xnames[out]
  within <- vapply(out, function(j) sum(if (length(w)) w * dm$X[, j]^2 else dm$X[, j]^2), 0) <= 1e-10 * dm$ss[out]
  if (any(within)) note("Dropped regressor{?s} {.field {nm[within]}}: constant within the fixed effects.")
  if (any(!within)) note("Dropped regressor{?s} {.field {nm[!within]}}: collinear with the other regressors.")
  nm
}

# Is every level of `fe` inside a single level of `cl`?
is_nested <- function(fe, cl) cpp_is_nested(fe, cl, n_levels(list(fe)))

# Number of levels of each code vector (codes are dense, 0-based).
n_levels <- function(codes) vapply(codes, function(cd) attr(cd, "G") %||% (max(cd) + 1L), 1L)

