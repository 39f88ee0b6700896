# Per-unit statistics of the resampling engine (src/resample.cpp, R/resample.R)
# against the demeaned data, and least squares from cross-products against
# twfe()/cpp_ols().

# Z'MZ of [y, X] for the units weighted by `cnt` (copies of a unit are
# distinct units) through the engine, and the same from the data demeaned by
# within_transform() on the duplicated rows.
engine_and_demeaned <- function(fit, cnt) {
  smp <- pilotdid:::fit_sample(fit)
  setup <- pilotdid:::resample_setup(smp, smp$X, 1, group = rep(1L, length(smp$y)), target = 1L)
  eng <- pilotdid:::cpp_resample_crossprod(setup$state, cnt)
  unit <- pilotdid:::dense_codes(smp$codes[[1L]])
  rows <- unlist(lapply(seq_along(cnt), function(u) rep(list(which(unit == u - 1L)), cnt[u])))
  copy <- rep(seq_len(sum(cnt)), vapply(seq_along(cnt), function(u) sum(unit == u - 1L), 1L)[rep(seq_along(cnt), cnt)])
  codes <- c(list(copy - 1L), lapply(smp$codes[-1L], function(cd) pilotdid:::group_codes(list(cd[rows]))))
  w <- smp$w %||% rep(1, length(smp$y))
  dm <- pilotdid:::within_transform(smp$X[rows, , drop = FALSE], smp$y[rows], codes, w[rows], 1L)
  Z <- cbind(dm$y, dm$X)
  list(engine = eng, direct = crossprod(Z * w[rows], Z), setup = setup)
}

test_that("summed per-unit statistics give the cross-products of the demeaned data (2 and 3 fixed effects)", {
  d <- make_panel(n_id = 30, n_t = 6, drop_share = 0.1, seed = 101)
  d$w <- withr::with_seed(1, stats::runif(nrow(d), 0.5, 2))
  d$prov <- d$id %% 4
  fit2 <- twfe(y ~ treat + x1 + x2 | id + year, data = d, weights = ~w)
  fit3 <- twfe(y ~ treat + x1 + x2 | id + year + prov^year, data = d, weights = ~w)
  cnt <- withr::with_seed(2, tabulate(sample.int(30, 30, replace = TRUE), 30))
  for (f in list(fit2, fit3)) {
    for (c in list(rep(1, 30), cnt)) {
      r <- engine_and_demeaned(f, c)
      expect_equal(r$engine$S, r$direct, tolerance = 1e-9, ignore_attr = TRUE)
    }
  }
  # years are nested in province-years: one block of levels per province
  expect_equal(engine_and_demeaned(fit3, rep(1, 30))$engine$components, 4L)
  expect_equal(engine_and_demeaned(fit2, rep(1, 30))$engine$components, 1L)
})

test_that("resamples that split a block of levels (singular blocks) use the pseudo-inverse", {
  d <- make_panel(n_id = 24, n_t = 5, seed = 103)
  d$prov <- d$id %% 3
  ids1 <- sort(unique(d$id[d$prov == 1]))[1:2]
  # in province 1, unit A is seen in years 1-2 and unit B in years 3-5 only
  d <- d[!(d$id == ids1[1] & d$year > min(d$year) + 1) & !(d$id == ids1[2] & d$year <= min(d$year) + 1), ]
  fit <- twfe(y ~ treat + x1 | id + year + prov^year, data = d)
  smp <- pilotdid:::fit_sample(fit)
  unit_id <- d$id[smp$obs][match(0:23, pilotdid:::dense_codes(smp$codes[[1L]]))]
  unit_prov <- unit_id %% 3
  # province 0 left out, province 1 only A and B (twice): its block splits in two
  cnt <- ifelse(unit_prov == 0, 0, ifelse(unit_prov == 1, 0, 1))
  cnt[unit_id %in% ids1] <- 2
  r <- engine_and_demeaned(fit, cnt)
  expect_equal(r$engine$S, r$direct, tolerance = 1e-9, ignore_attr = TRUE)
})

test_that("least squares from cross-products drop collinear and absorbed columns in order, as twfe() does", {
  d <- make_panel(n_id = 30, n_t = 6, seed = 102)
  d$x3 <- d$x1 - 2 * d$x2
  d$size <- d$id %% 4
  f <- y ~ treat + x1 + x2 + x3 + size | id + year
  fit <- suppressMessages(twfe(f, data = d))
  smp <- pilotdid:::twfe_sample(pilotdid:::parse_fe_formula(f), d, seq_len(nrow(d)), list(), NULL, FALSE)
  setup <- pilotdid:::resample_setup(smp, smp$X, 1, group = rep(1L, nrow(d)), target = 1L)
  S <- pilotdid:::cpp_resample_crossprod(setup$state, rep(1, 30))
  beta <- pilotdid:::seq_ols(S$S[-1, -1], S$S[-1, 1], S$raw[-1])
  expect_equal(is.na(beta), c(FALSE, FALSE, FALSE, TRUE, TRUE))
  expect_equal(beta[1:3], unname(coef(fit)), tolerance = 1e-8)
  # the C++ path (the actual sample, draw -1) gives the same treatment coefficient
  expect_equal(pilotdid:::cpp_resample_draws(setup$state, -1, 1L, 1L)[1, 1], unname(coef(fit)[1]), tolerance = 1e-8)
  # a treatment absorbed by the fixed effects is NA, as in cpp_ols()
  setup2 <- pilotdid:::resample_setup(smp, smp$X, 1, group = rep(1L, nrow(d)), target = 5L)
  expect_true(is.na(pilotdid:::cpp_resample_draws(setup2$state, -1, 1L, 1L)[1, 1]))
})
