# Per-unit cross-products (unit-stats.R) against the demeaned data, and the
# sequential least squares against cpp_ols().

test_that("summed per-unit statistics give the cross-products of the two-way demeaned data", {
  d <- make_panel(n_id = 30, n_t = 6, drop_share = 0.1, seed = 101)
  d$w <- withr::with_seed(1, stats::runif(nrow(d), 0.5, 2))
  fit <- twfe(y ~ treat + x1 + x2 | id + year, data = d, weights = ~w)
  smp <- pilotdid:::fit_sample(fit)
  st <- pilotdid:::unit_stats(smp, smp$X)
  S <- pilotdid:::unit_crossprod(colSums(st$M), st)
  dm <- pilotdid:::within_transform(smp$X, smp$y, smp$codes, smp$w, 1L)
  Z <- cbind(dm$y, dm$X)
  expect_equal(S$S, crossprod(Z * smp$w, Z), tolerance = 1e-9, ignore_attr = TRUE)
  beta <- pilotdid:::seq_ols(S$S[-1, -1], S$S[-1, 1], S$raw[-1])
  expect_equal(beta, unname(coef(fit)), tolerance = 1e-9)
  # a multiset of units (bootstrap copies): refit on the duplicated data
  cnt <- c(2, 0, 1, rep(1, 27))
  S2 <- pilotdid:::unit_crossprod(drop(cnt %*% st$M), st)
  ids <- unique(d$id[fit$obs])
  rs <- do.call(rbind, lapply(seq_along(ids), function(k) {
    if (!cnt[k]) return(NULL)
    do.call(rbind, lapply(seq_len(cnt[k]), function(j) transform(d[d$id == ids[k], ], bid = paste(k, j))))
  }))
  ref <- twfe(y ~ treat + x1 + x2 | bid + year, data = rs, weights = ~w)
  expect_equal(pilotdid:::seq_ols(S2$S[-1, -1], S2$S[-1, 1], S2$raw[-1]), unname(coef(ref)), tolerance = 1e-9)
})

test_that("seq_ols() drops collinear and FE-absorbed columns in order, as twfe() does", {
  d <- make_panel(n_id = 30, n_t = 6, seed = 102)
  d$x3 <- d$x1 - 2 * d$x2
  d$size <- d$id %% 4
  f <- y ~ treat + x1 + x2 + x3 + size | id + year
  fit <- suppressMessages(twfe(f, data = d))
  smp <- pilotdid:::twfe_sample(pilotdid:::parse_fe_formula(f), d, seq_len(nrow(d)), list(), NULL, FALSE)
  st <- pilotdid:::unit_stats(smp, smp$X)
  S <- pilotdid:::unit_crossprod(colSums(st$M), st)
  beta <- pilotdid:::seq_ols(S$S[-1, -1], S$S[-1, 1], S$raw[-1])
  expect_equal(is.na(beta), c(FALSE, FALSE, FALSE, TRUE, TRUE))
  expect_equal(beta[1:3], unname(coef(fit)), tolerance = 1e-8)
})

test_that("psd_solve() uses the pseudo-inverse when the matrix is singular", {
  C <- matrix(c(2, 1, 0, 1, 2, 0, 0, 0, 0), 3)
  R <- matrix(c(1, 2, 0), 3)
  out <- pilotdid:::psd_solve(C, R)
  expect_equal(out[1:2], drop(solve(C[1:2, 1:2], R[1:2])))
  expect_equal(out[3], 0)
})
