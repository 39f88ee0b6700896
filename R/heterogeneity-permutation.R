# Fisher permutation test of group differences (heterogeneity(test = "permutation")).
#
# The group labels of the units are reshuffled; each draw needs the treatment
# coefficient of every group regression. With two fixed effects, the first
# being the units (nested in the groups), a group's regression follows from
# sums of per-unit cross-products (unit-stats.R): a draw costs a few sums over
# units and one small solve per group. Other fixed effects refit each group
# (within_transform + least squares).

het_permutation <- function(smp, g, treat, fit, n, seed, engine = c("auto", "loop"),
                            call = caller_env()) {
  engine <- match.arg(engine)
  u <- smp$codes[[1L]]
  U <- max(u) + 1L
  het_check_units(g, u, fit$fe[1L], call)
  gu <- integer(U)
  gu[u + 1L] <- g
  X <- smp$X[, setdiff(colnames(smp$X), fit$dropped_vars), drop = FALSE]
  j <- match(treat, colnames(X))
  perms <- het_perm_assign(gu, n, seed)
  fast <- engine == "auto" && length(smp$codes) == 2L
  assign <- unname(cbind(gu, perms))
  est <- if (fast) het_perm_fast(smp, X, j, assign) else het_perm_loop(smp, X, j, assign)
  actual <- est[1L, ]
  draws <- est[-1L, , drop = FALSE]
  ok <- stats::complete.cases(draws)
  if (any(!ok)) {
    note("Left out {sum(!ok)} of {n} permutation{?s} in which a group's treatment coefficient could not be estimated.")
  }
  list(draws = draws, actual = actual, n = n, seed = seed, n_failed = sum(!ok), engine = if (fast) "fast" else "loop",
       p_pairs = het_perm_p(draws[ok, , drop = FALSE], actual),
       p_joint = het_perm_p_joint(draws[ok, , drop = FALSE], actual))
}

# The permutation test moves whole units: `by` must be constant within them.
het_check_units <- function(g, u, unit, call = caller_env()) {
  per_unit <- tapply(g, u, function(x) length(unique(x)))
  if (any(per_unit > 1L)) {
    abort_input(c("The permutation test reshuffles groups across units ({.field {unit}}), but {.arg by} varies within {sum(per_unit > 1L)} unit{?s}.",
                  "i" = "Use a unit-level grouping, or {.code test = \"interaction\"} or {.code \"suest\"}."),
                call = call)
  }
  invisible(TRUE)
}

# Group of every unit (rows) in every draw (columns): the labels reshuffled.
het_perm_assign <- function(gu, n, seed) {
  U <- length(gu)
  matrix(with_seed(seed, vapply(seq_len(n), function(k) gu[sample.int(U)], integer(U))), nrow = U)
}

het_perm_p <- function(draws, actual) {
  K <- length(actual)
  pairs <- utils::combn(K, 2L)
  cnt <- vapply(seq_len(ncol(pairs)), function(p) {
    i <- pairs[1L, p]
    j <- pairs[2L, p]
    sum(abs(draws[, j] - draws[, i]) >= abs(actual[j] - actual[i]))
  }, 0)
  m <- nrow(draws)
  list(share = cnt / m, plus1 = (cnt + 1) / (m + 1))
}

het_perm_p_joint <- function(draws, actual) {
  disp <- rowSums((draws - rowMeans(draws))^2)
  cnt <- sum(disp >= het_dispersion(actual))
  list(share = cnt / nrow(draws), plus1 = (cnt + 1) / (nrow(draws) + 1))
}

# Refit every group of every assignment (columns of `assign`: group per unit),
# with a progress bar for long runs.
het_perm_loop <- function(smp, X, j, assign) {
  u <- smp$codes[[1L]] + 1L
  w <- smp$w %||% rep(1, length(smp$y))
  K <- max(assign)
  out <- matrix(NA_real_, ncol(assign), K)
  pb <- cli::cli_progress_bar("Permutations", total = ncol(assign), clear = TRUE)
  for (d in seq_len(ncol(assign))) {
    gg <- assign[u, d]
    for (k in seq_len(K)) {
      r <- which(gg == k)
      codes <- lapply(smp$codes, function(cd) group_codes(list(cd[r])))
      dm <- within_transform(X[r, , drop = FALSE], smp$y[r], codes, w[r], 1L)
      out[d, k] <- seq_ols(crossprod(dm$X * w[r], dm$X), crossprod(dm$X * w[r], dm$y), dm$ss)[j]
    }
    cli::cli_progress_update(id = pb)
  }
  cli::cli_progress_done(id = pb)
  out
}

# Per-unit cross-products, then group sums for all assignments at once.
het_perm_fast <- function(smp, X, j, assign) {
  st <- unit_stats(smp, X)
  K <- max(assign)
  out <- matrix(NA_real_, ncol(assign), K)
  for (chunk in split(seq_len(ncol(assign)), ceiling(seq_len(ncol(assign)) / 250L))) {
    ind <- matrix(0, length(chunk) * K, nrow(assign))
    rows <- (rep(seq_along(chunk), each = nrow(assign)) - 1L) * K + as.vector(assign[, chunk])
    ind[cbind(rows, rep(seq_len(nrow(assign)), length(chunk)))] <- 1
    sums <- ind %*% st$M
    for (r in seq_len(nrow(sums))) {
      out[chunk[(r - 1L) %/% K + 1L], (r - 1L) %% K + 1L] <- het_group_coef(sums[r, ], st, j)
    }
  }
  out
}

# Treatment coefficient of one group from its summed statistics (NA when the
# treatment is dropped as collinear, with the tolerance of cpp_ols()).
het_group_coef <- function(s, st, j) {
  S <- unit_crossprod(s, st)
  seq_ols(S$S[-1L, -1L, drop = FALSE], S$S[-1L, 1L], S$raw[-1L])[j]
}
