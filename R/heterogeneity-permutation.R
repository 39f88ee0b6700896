# Fisher permutation test of group differences (heterogeneity(test = "permutation")).
#
# The group labels of the units are reshuffled; each draw needs the treatment
# coefficient of every group regression, computed by the resampling engine
# (resample.R): from per-unit cross-products when the fixed effects allow it,
# by refitting the groups otherwise.

het_permutation <- function(smp, g, treat, fit, n, seed, threads = 1L, backend = "threads",
                            engine = c("auto", "loop"), call = caller_env()) {
  engine <- match.arg(engine)
  het_check_units(g, smp$codes[[1L]], fit$fe[1L], call)
  X <- smp$X[, setdiff(colnames(smp$X), fit$dropped_vars), drop = FALSE]
  setup <- resample_setup(smp, X, seed, group = g, target = match(treat, colnames(X)), engine = engine)
  actual <- resample_run(setup$inputs, -1, 1L, 1L, setup$state)[1L, ]
  draws <- resample_draws(setup, n, threads, backend, "Permutations")
  ok <- stats::complete.cases(draws)
  if (any(!ok)) {
    note("Left out {sum(!ok)} of {n} permutation{?s} in which a group's treatment coefficient could not be estimated.")
  }
  list(draws = draws, actual = actual, n = n, seed = seed, n_failed = sum(!ok),
       engine = if (setup$inputs$fast) "fast" else "loop",
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
