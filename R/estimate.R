# The numerical core shared by twfe() and the verbs built on it:
# within transformation -> least squares -> sandwich variance.

# Fit on a sample built by twfe_sample().
twfe_estimate <- function(smp, vcov_type, threads) {
  n <- length(smp$y)
  w <- smp$w %||% rep(1, n)
  G <- n_levels(smp$codes)
  dm <- within_transform(smp$X, smp$y, smp$codes, w, threads)
  ols <- cpp_ols(dm$X, dm$y, w, dm$ss, 1e-10, threads)
  kept <- ols$kept
  dropped <- report_dropped(smp$X, dm, w, kept)
  Xk <- if (length(kept) < ncol(dm$X)) dm$X[, kept, drop = FALSE] else dm$X
  e <- ols$resid
  coefs <- stats::setNames(as.vector(ols$coef), colnames(smp$X)[kept])
  p <- length(kept)
  K_full <- p + 1L + sum(G - 1L)
  V <- sandwich_vcov(vcov_type, Xk, e, w, ols$XtX_inv, smp$codes, smp$cl_codes, p, threads)
  dimnames(V$V) <- list(names(coefs), names(coefs))
  rss <- sum(w * e^2)
  ybar <- sum(w * smp$y) / sum(w)
  tss <- sum(w * (smp$y - ybar)^2)
  r2 <- 1 - rss / tss
  list(coefficients = coefs, vcov = V$V, residuals = e, fitted.values = smp$y - e,
       nobs = n, n_clusters = V$G, fe_sizes = G, r2 = r2,
       r2_within = 1 - rss / sum(w * dm$y^2), adj_r2 = 1 - (1 - r2) * (n - 1) / (n - K_full),
       rss = rss, sigma = sqrt(rss / (n - K_full)), df_t = V$df_t, K = V$K,
       vcov_type = vcov_type, cluster = names(smp$cl_codes), removed = smp$removed,
       dropped_vars = dropped, obs = smp$obs, fe = names(smp$codes), yname = smp$yname,
       weights = smp$w, exact = dm$exact)
}

# Settings of the within transformation (see ?twfe, "Fixed effects"): the
# largest number of levels of the non-largest dimensions solved exactly, the
# relative root-mean-square error allowed in a demeaned column, the iteration cap.
demean_control <- function() {
  list(max_exact = getOption("pilotdid.max_exact", 400L), tol = getOption("pilotdid.tol", 1e-10),
       maxit = getOption("pilotdid.maxit", 10000L))
}

# Demean y and the columns of X on the fixed effects (C++).
within_transform <- function(X, y, codes, w, threads) {
  G <- n_levels(codes)
  ctl <- demean_control()
  dm <- cpp_demean(X, y, unname(codes), G, w, ctl$max_exact, ctl$tol, ctl$maxit, threads)
  if (any(dm$iterations < 0L)) {
    warn_pd("The within transformation stopped after {ctl$maxit} iterations without converging; results may be inaccurate.")
  }
  dm
}

# Name the regressors cpp_ols() dropped, with the reason.
report_dropped <- function(X, dm, w, kept) {
  out <- setdiff(seq_len(ncol(X)), kept)
  if (!length(out)) return(character())
  nm <- colnames(X)[out]
  within <- vapply(out, function(j) sum(w * dm$X[, j]^2), 0) <= 1e-10 * dm$ss[out]
  if (any(within)) note("Dropped regressor{?s} {.field {nm[within]}}: constant within the fixed effects.")
  if (any(!within)) note("Dropped regressor{?s} {.field {nm[!within]}}: collinear with the other regressors.")
  nm
}

# Sandwich variance with fixest's default small-sample factors (see ?twfe).
sandwich_vcov <- function(type, Xk, e, w, B, codes, cl_codes, p, threads) {
  n <- length(e)
  G <- n_levels(codes)
  if (type == "iid") {
    K <- p + 1L + sum(G - 1L)
    return(list(V = B * sum(w * e^2) / (n - K), K = K, df_t = n - K, G = integer()))
  }
  if (type == "hetero") {
    K <- p + 1L + sum(G - 1L)
    meat <- cpp_vcov_meat(Xk, e, w, integer(), 0L, threads)
    return(list(V = n / (n - K) * B %*% meat %*% B, K = K, df_t = n - K, G = integer()))
  }
  Gc <- n_levels(cl_codes)
  nested <- vapply(codes, function(fe) any(vapply(cl_codes, function(cl) identical(cl, fe) || is_nested(fe, cl), TRUE)), TRUE)
  K <- p + 1L + sum(G[!nested] - 1L)
  meat_of <- function(cd) cpp_vcov_meat(Xk, e, w, cd, n_levels(list(cd)), threads)
  meat <- meat_of(cl_codes[[1L]])
  if (length(cl_codes) == 2L) {
    meat <- meat + meat_of(cl_codes[[2L]]) - meat_of(group_codes(unname(cl_codes)))
  }
  Gmin <- min(Gc)
  V <- Gmin / (Gmin - 1) * (n - 1) / (n - K) * B %*% meat %*% B
  list(V = V, K = K, df_t = Gmin - 1L, G = Gc)
}

# Is every level of `fe` inside a single level of `cl`?
is_nested <- function(fe, cl) cpp_is_nested(fe, cl, n_levels(list(fe)))

# Number of levels of each code vector (codes are dense, 0-based).
n_levels <- function(codes) vapply(codes, function(cd) attr(cd, "G") %||% (max(cd) + 1L), 1L)

# The data a fit was estimated on: its `data` argument evaluated where the
# user called the verb.
fit_data <- function(fit, env, call = caller_env()) {
  data <- tryCatch(eval(fit$call$data, env), error = function(e) NULL)
  if (!is.data.frame(data)) {
    abort_input(c("Cannot find the data of {.arg fit}.",
                  "i" = "Call this where {.code {deparse1(fit$call$data)}} exists."), call = call)
  }
  data
}

# Rebuild a fit's estimation sample (codes, outcome, regressors) without notes.
fit_sample <- function(fit, data, call = caller_env()) {
  old <- options(pilotdid.quiet = TRUE)
  on.exit(options(old))
  a <- fit$args
  smp <- twfe_sample(parse_fe_formula(fit$formula, call), data, a$rows, a$cluster, fit$vcov_type,
                     a$weights, a$drop_singletons, call)
  if (length(smp$y) != fit$nobs) {
    abort_input("The data of {.arg fit} changed since it was estimated ({length(smp$y)} rows now, {fit$nobs} then).",
                call = call)
  }
  smp
}
