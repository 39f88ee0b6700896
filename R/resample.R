# Resampling units of a fixed-effects regression (src/resample.cpp): the draws
# of heterogeneity()'s permutation test (group labels reshuffled across units)
# and of mechanism()'s cluster bootstrap (clusters drawn with replacement, each
# copy its own units). Draw j is built from the stream (seed, j) in C++ on
# either path:
# * fast: per-unit cross-products of [y, X] and of the other fixed effects'
#   indicators, summed over the resampled units (no pass over the data);
# * refit: the resampled rows demeaned again (fixed effects whose level
#   graph is too large for the small dense blocks of the fast path, units not
#   nested in the bootstrap clusters).
# Both return, per draw, the group coefficients (permutation) or a*b, a, b
# (bootstrap).

# Everything a draw needs, as plain R objects (future workers rebuild the
# state from them), and the state for this session: `group` (per row, 1..K)
# makes permutations, `cluster` (per row, 0-based) a cluster bootstrap. The
# fast path is used unless `engine = "loop"`, the units are not nested in the
# clusters, or its blocks of levels would cost more than refitting.
resample_setup <- function(smp, X, seed, group = NULL, target = NULL, cluster = NULL, jt = NULL, jm = NULL,
                           engine = "auto") {
  inputs <- resample_inputs(smp, X, seed, group, target, cluster, jt, jm, engine)
  state <- resample_state(inputs)
  if (inputs$fast && resample_cost(state) > 50 * length(smp$y) * (ncol(X) + 1)) {
    inputs <- resample_inputs(smp, X, seed, group, target, cluster, jt, jm, engine = "loop")
    state <- resample_state(inputs)
  }
  list(inputs = inputs, state = state)
}

resample_inputs <- function(smp, X, seed, group, target, cluster, jt, jm, engine) {
  unit <- dense_codes(smp$codes[[1L]])
  boot <- !is.null(cluster)
  lev <- resample_levels(smp$codes)
  fast <- engine == "auto" && (!boot || resample_nested(smp$codes, lev$kept, cluster))
  per_unit <- function(x) x[match(seq_len(max(unit) + 1L) - 1L, unit)]
  inputs <- list(kind = as.integer(boot), seed = seed, fast = fast,
                 group = if (!boot) per_unit(group) - 1L else integer(),
                 target = if (!boot) target else 0L,
                 cluster = if (boot) per_unit(cluster) else integer(), Gc = if (boot) max(cluster) + 1L else 0L,
                 jt = jt %||% 0L, jm = jm %||% 0L)
  if (fast) {
    return(c(inputs, list(Z = cbind(smp$y, X), w = smp$w %||% rep(1, length(smp$y)), unit = unit,
                          levels = lev$levels, n_levels = lev$n)))
  }
  c(inputs, list(Z = matrix(0, 0L, 0L), w = numeric(), unit = integer(), levels = list(), n_levels = 0L,
                 X = X, y = smp$y, w_rows = smp$w %||% rep(1, length(smp$y)), codes = unname(smp$codes),
                 unit_rows = unit + 1L, cluster_rows = cluster))
}

dense_codes <- function(x) match(x, sort(unique(x))) - 1L

# Fixed effects after the first (the unit) that span something the others do
# not: a dimension constant within units, or determined by another kept
# dimension (year by province^year), adds nothing to the span. Returns the
# kept dimensions and their codes numbered consecutively.
resample_levels <- function(codes) {
  kept <- integer()
  rest <- seq_along(codes)[-1L]
  for (q in rest) {
    others <- c(kept, rest[rest > q])
    if (is_nested(codes[[1L]], codes[[q]]) || any(vapply(others, function(r) is_nested(codes[[r]], codes[[q]]), TRUE))) next
    kept <- c(kept, q)
  }
  G <- vapply(codes[kept], function(cd) max(cd) + 1L, 1L)
  off <- cumsum(c(0L, G))
  list(kept = kept, levels = lapply(seq_along(kept), function(k) codes[[kept[k]]] + off[k]), n = off[length(off)])
}

# The fast bootstrap path needs the units nested in the clusters and the other
# fixed effects shared across clusters (a copy of a cluster gets new units only).
resample_nested <- function(codes, kept, cluster) {
  is_nested(codes[[1L]], cluster) && !any(vapply(codes[kept], is_nested, TRUE, cl = cluster))
}

# Work of one fast draw: the dense blocks of the other fixed effects' levels.
resample_cost <- function(state) {
  info <- cpp_resample_info(state)
  sum(info$levels^3) / 3 + info$entries
}

resample_state <- function(inputs) {
  cpp_resample_prepare(inputs$Z, inputs$w, inputs$unit, if (length(inputs$unit)) max(inputs$unit) + 1L else 1L,
                       inputs$levels, inputs$n_levels, inputs$kind, inputs$seed,
                       inputs$group, inputs$target, inputs$cluster, inputs$Gc, inputs$jt, inputs$jm, 1e-10)
}

# Draws first .. first + count - 1 as rows.
resample_run <- function(inputs, first, count, threads, state = NULL) {
  if (is.null(state)) state <- resample_state(inputs)
  if (inputs$fast) return(cpp_resample_draws(state, first, count, threads))
  assign <- cpp_resample_assign(state, first, count)
  if (inputs$kind == 0L) resample_refit_groups(inputs, assign) else resample_refit_clusters(inputs, assign)
}

# All n draws of a resample_setup() on this machine's threads or the future
# plan's workers.
resample_draws <- function(setup, n, threads, backend, label) {
  if (!setup$inputs$fast || n * resample_cost(setup$state) < 2e7) threads <- 1L
  draw_rows(resample_run, setup$inputs, n, threads, backend, label, setup$state)
}

# Refit path, permutation: each group of each assignment (columns: group of
# every unit, 0-based) demeaned again.
resample_refit_groups <- function(inputs, assign) {
  K <- max(inputs$group) + 1L
  out <- matrix(NA_real_, ncol(assign), K)
  for (d in seq_len(ncol(assign))) {
    gg <- assign[inputs$unit_rows, d] + 1L
    for (k in seq_len(K)) {
      r <- which(gg == k)
      codes <- lapply(inputs$codes, function(cd) group_codes(list(cd[r])))
      dm <- within_transform(inputs$X[r, , drop = FALSE], inputs$y[r], codes, inputs$w_rows[r], 1L)
      w <- inputs$w_rows[r]
      out[d, k] <- seq_ols(crossprod(dm$X * w, dm$X), crossprod(dm$X * w, dm$y), dm$ss)[inputs$target]
    }
  }
  out
}

# Refit path, bootstrap: the rows of the drawn clusters (columns of `assign`,
# 0-based), fixed effects nested in the clusters recoded per copy.
resample_refit_clusters <- function(inputs, assign) {
  cl <- inputs$cluster_rows
  by_cl <- split(seq_along(cl), factor(cl, levels = seq_len(inputs$Gc) - 1L))
  nested <- vapply(inputs$codes, is_nested, TRUE, cl = cl)
  t(apply(assign, 2L, function(s) {
    rows <- unlist(by_cl[s + 1L], use.names = FALSE)
    copy <- rep(seq_along(s), lengths(by_cl[s + 1L]))
    codes <- Map(function(cd, nest) group_codes(if (nest) list(cd[rows], copy) else list(cd[rows])),
                 inputs$codes, nested)
    w <- inputs$w_rows[rows]
    dm <- within_transform(inputs$X[rows, , drop = FALSE], inputs$y[rows], unname(codes), w, 1L)
    Z <- cbind(dm$y, dm$X)
    mediation_coefs(crossprod(Z * w, Z), c(NA_real_, dm$ss), inputs$jt, inputs$jm)
  }))
}

# a*b, a, b from Z'MZ (Z = [y, X], jt and jm 0-based columns of Z): b the
# mediator's coefficient in y ~ X, a the treatment's in m ~ X without m.
mediation_coefs <- function(S, raw, jt, jm) {
  b <- seq_ols(S[-1L, -1L, drop = FALSE], S[-1L, 1L], raw[-1L])[jm]
  idx <- setdiff(seq_len(ncol(S) - 1L), jm)
  a <- seq_ols(S[idx + 1L, idx + 1L, drop = FALSE], S[idx + 1L, jm + 1L], raw[idx + 1L])[match(jt, idx)]
  c(a * b, a, b)
}

# Least squares from cross-products, dropping columns in order as cpp_ols()
# does; dropped columns get NA.
seq_ols <- function(XtX, Xty, raw, tol = 1e-10) {
  p <- ncol(XtX)
  kept <- integer()
  L <- matrix(0, p, p)
  for (k in seq_len(p)) {
    r <- length(kept)
    l <- if (r) forwardsolve(L[seq_len(r), seq_len(r), drop = FALSE], XtX[kept, k]) else numeric()
    d <- XtX[k, k] - sum(l^2)
    if (!(d > tol * XtX[k, k]) || !(XtX[k, k] > tol * raw[k])) next
    L[r + 1L, seq_len(r)] <- l
    L[r + 1L, r + 1L] <- sqrt(d)
    kept <- c(kept, k)
  }
  beta <- rep(NA_real_, p)
  if (!length(kept)) return(beta)
  Lk <- L[seq_along(kept), seq_along(kept), drop = FALSE]
  beta[kept] <- backsolve(t(Lk), forwardsolve(Lk, Xty[kept]))
  beta
}
