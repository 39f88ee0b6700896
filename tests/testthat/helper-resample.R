# The resamples drawn by the engine of heterogeneity() and mechanism()
# (src/resample.cpp), so that tests can refit them with twfe().

# Group of every row of the data in permutations 1..n of
# heterogeneity(fit, ..., seed = seed), from the actual group of each row
# (`g_row`, 1..K); NA for rows outside the fit's sample.
perm_groups <- function(fit, g_row, seed, n) {
  smp <- pilotdid:::fit_sample(fit)
  setup <- pilotdid:::resample_setup(smp, smp$X, seed, group = g_row[smp$obs], target = 1L)
  a <- pilotdid:::cpp_resample_assign(setup$state, 0, n) + 1L
  out <- matrix(NA_integer_, length(g_row), n)
  out[smp$obs, ] <- a[pilotdid:::dense_codes(smp$codes[[1L]]) + 1L, ]
  out
}

# The bootstrap resample of draws 1..n of mechanism(fit, ..., seed = seed)
# for the outcome fit `f_out`: per draw, the data rows of each drawn cluster
# copy, stacked with `copy` (1..G) so that every copy has its own units.
boot_resamples <- function(data, f_out, seed, n) {
  smp <- pilotdid:::fit_sample(f_out)
  cl <- if (f_out$vcov_type == "cluster") smp$cl_codes[[1L]] else smp$codes[[1L]]
  cl <- pilotdid:::dense_codes(cl)
  setup <- pilotdid:::resample_setup(smp, smp$X, seed, cluster = cl, jt = 1L, jm = 2L)
  a <- pilotdid:::cpp_resample_assign(setup$state, 0, n) + 1L
  rows <- split(smp$obs, cl)
  lapply(seq_len(n), function(k) {
    do.call(rbind, lapply(seq_len(nrow(a)), function(j) transform(data[rows[[a[j, k]]], ], copy = j)))
  })
}
