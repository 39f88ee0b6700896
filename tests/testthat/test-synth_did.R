# Oracles: the published Proposition 99 results (synthdid's vignette and tests,
# Arkhangelsky et al. 2021, /work/shared/data/README.md) and a step-by-step R
# implementation of synthdid's solver (helper-synth.R).

prop99_fit <- function(method = "sdid", se = "none", ...) {
  synth_did(PacksPerCapita ~ 1 | State + Year, data = california_prop99, treat = "treated",
            method = method, se = se, ...)
}

test_that("synth_did() reproduces the published Proposition 99 estimates", {
  # synthdid's tests use a tolerance of 1e-4 relative
  expect_equal(coef(prop99_fit("sdid"))[["ATT"]], -15.60383, tolerance = 1e-4)
  expect_equal(coef(prop99_fit("did"))[["ATT"]], -27.34911, tolerance = 1e-4)
  expect_equal(coef(prop99_fit("sc"))[["ATT"]], -19.61966, tolerance = 1e-4)
})

test_that("synth_did() reproduces the published Proposition 99 unit and time weights", {
  fit <- prop99_fit()
  uw <- tidy(fit, what = "unit_weights")
  uw <- uw[order(-uw$weight), ]
  expect_equal(uw$unit[1:5], c("Nevada", "New Hampshire", "Connecticut", "Delaware", "Colorado"))
  expect_equal(uw$weight[1:5], c(0.124, 0.105, 0.078, 0.070, 0.058), tolerance = 1e-3 / 0.058)
  expect_true(all(abs(uw$weight[1:5] - c(0.124, 0.105, 0.078, 0.070, 0.058)) < 1e-3))
  tw <- tidy(fit, what = "time_weights")
  tw <- tw[order(-tw$weight), ]
  expect_equal(tw$time[1:3], c(1988, 1986, 1987))
  expect_true(all(abs(tw$weight[1:3] - c(0.427, 0.366, 0.206)) < 1e-3))
  expect_equal(sum(tw$weight), 1, tolerance = 1e-12)
  expect_equal(sum(uw$weight), 1, tolerance = 1e-12)
})

test_that("synth_did() equals a step-by-step R implementation of synthdid's Frank-Wolfe solver", {
  Y <- prop99_matrix()
  for (m in c("sdid", "sc", "did")) {
    ref <- ref_synthdid(Y, 38, 19, m)
    fit <- prop99_fit(m)
    expect_equal(fit$estimate, ref$estimate, tolerance = 1e-10)
    om <- fit$unit_weights$weight[match(rownames(Y)[1:38], fit$unit_weights$unit)]
    expect_equal(om, ref$omega, tolerance = 1e-8)
    expect_equal(fit$time_weights$weight, ref$lambda, tolerance = 1e-8)
  }
})

test_that("the Frank-Wolfe unit weights nearly attain the exact QP optimum (quadprog)", {
  skip_if_not_installed("quadprog")
  Y <- prop99_matrix()
  N0 <- 38; T0 <- 19
  noise <- stats::sd(apply(Y[1:N0, 1:T0], 1, diff))
  zeta <- (1 * 12)^(1 / 4) * noise
  Yc <- ref_collapsed(Y, N0, T0)
  M <- t(Yc[, 1:T0])
  M <- apply(M, 2, function(col) col - mean(col))
  A <- M[, 1:N0]; b <- M[, N0 + 1]; n <- nrow(A)
  # objective zeta^2 |x|^2 + |Ax - b|^2 / n over the simplex
  obj <- function(x) zeta^2 * sum(x^2) + sum((A %*% x - b)^2) / n
  qp <- quadprog::solve.QP(Dmat = 2 * (crossprod(A) / n + zeta^2 * diag(N0)), dvec = 2 * c(crossprod(A, b)) / n,
                           Amat = cbind(rep(1, N0), diag(N0)), bvec = c(1, rep(0, N0)), meq = 1)
  fw <- pilotdid:::cpp_synth_fw(A, b, zeta, rep(1 / N0, N0), 0, 100000L)
  expect_equal(fw$value, obj(fw$x), tolerance = 1e-12)
  expect_gte(fw$value, obj(qp$solution) - 1e-9)
  expect_lt((fw$value - obj(qp$solution)) / obj(qp$solution), 1e-3)
  # synthdid's stopping rule (with its sparsification) is within 1% of the optimum
  fit <- prop99_fit()
  om <- fit$unit_weights$weight[match(rownames(Y)[1:38], fit$unit_weights$unit)]
  expect_lt((obj(om) - obj(qp$solution)) / obj(qp$solution), 0.01)
})

test_that("placebo standard error is reproducible with a seed, close to the published 8.4, and each draw is a refit", {
  a <- prop99_fit(se = "placebo", n = 200, seed = 1)
  b <- prop99_fit(se = "placebo", n = 200, seed = 1)
  expect_identical(a$draws, b$draws)
  expect_identical(a$std.error, b$std.error)
  # the published 8.4 comes from one set of 200 draws: within 15%
  expect_lt(abs(a$std.error - 8.4) / 8.4, 0.15)
  d <- a$draws[, 1]
  expect_equal(a$std.error, sqrt(199 / 200) * stats::sd(d), tolerance = 1e-12)
  # draw j: the shuffled controls, the last one placebo-treated, refit with the
  # original regularisation and the original weights as starting values
  Y <- prop99_matrix()
  inputs <- pilotdid:::synth_inputs(list(Y = Y, X = list(), first = c(rep(NA, 38), 20L), T = 31), "sdid",
                                    "optimized", 1, "placebo")
  st <- pilotdid:::synth_state(inputs)
  fit0 <- pilotdid:::cpp_synth_fit(st)
  ref0 <- ref_synthdid(Y, 38, 19)
  for (j in c(0, 7)) {
    rows <- pilotdid:::cpp_synth_draw_rows(st, j)$rows + 1L
    expect_setequal(rows, 1:38)
    ref <- ref_synthdid(Y[rows, ], 37, 19, opts = ref0$opts,
                        omega = fit0$omega[[1]][rows[1:37]] / sum(fit0$omega[[1]][rows[1:37]]),
                        lambda = fit0$lambda[[1]])
    expect_equal(pilotdid:::cpp_synth_draws(st, j, 1L, 1L)[1, 1], ref$estimate, tolerance = 1e-8)
  }
})

test_that("draws are identical for 1 and 2 threads", {
  a <- prop99_fit(se = "placebo", n = 30, seed = 5, threads = 1)
  b <- prop99_fit(se = "placebo", n = 30, seed = 5, threads = 2)
  expect_identical(a$draws, b$draws)
  d <- make_synth_panel(seed = 2)
  a <- synth_did(y ~ 1 | id + year, data = d, treat = "treated", se = "bootstrap", n = 20, seed = 3, threads = 1)
  b <- synth_did(y ~ 1 | id + year, data = d, treat = "treated", se = "bootstrap", n = 20, seed = 3, threads = 2)
  expect_identical(a$draws, b$draws)
  expect_false(anyNA(a$draws[, 1]))
})

test_that("staggered synth_did() recovers a known ATT and each cohort equals a block fit on that cohort", {
  d <- make_synth_panel(n_id = 80, n_t = 12, effect = 0, seed = 4)
  tau <- c(`2015` = 1, `2018` = 3)
  d$y <- d$y + ifelse(d$treated == 1, tau[as.character(d$cohort)], 0)
  fit <- synth_did(y ~ 1 | id + year, data = d, treat = "treated", se = "none")
  co <- fit$cohorts
  n1 <- tapply(d$id[!is.na(d$cohort)], d$cohort[!is.na(d$cohort)], function(x) length(unique(x)))
  t1 <- c(2020 - 2015 + 1, 2020 - 2018 + 1)
  expect_equal(co$n_treated, unname(as.vector(n1)))
  expect_equal(co$weight, as.vector(n1 * t1 / sum(n1 * t1)))
  truth <- sum(tau * n1 * t1) / sum(n1 * t1)
  expect_lt(abs(fit$estimate - truth), 0.3)
  expect_equal(fit$estimate, sum(co$weight * co$estimate), tolerance = 1e-12)
  for (k in seq_len(nrow(co))) {
    sub <- d[is.na(d$cohort) | d$cohort == co$cohort[k], ]
    blk <- synth_did(y ~ 1 | id + year, data = sub, treat = "treated", se = "none")
    expect_equal(co$estimate[k], blk$estimate, tolerance = 1e-10)
    # and the block fit equals the R reference on that cohort's matrix
    Y <- with(sub, tapply(y, list(id, year), identity))
    tr <- rownames(Y) %in% unique(sub$id[!is.na(sub$cohort)])
    Y <- Y[c(which(!tr), which(tr)), ]
    ref <- ref_synthdid(Y, sum(!tr), co$n_pre[k])
    expect_equal(blk$estimate, ref$estimate, tolerance = 1e-8)
  }
})

test_that("jackknife standard error equals the fixed-weights leave-one-unit-out formula", {
  d <- make_synth_panel(n_id = 40, n_t = 10, seed = 6)
  fit <- synth_did(y ~ 1 | id + year, data = d, treat = "treated", se = "jackknife")
  Y <- fit$panel$Y
  first <- fit$panel$first
  co <- fit$cohorts
  U <- nrow(Y)
  one <- function(keep) {
    est <- n <- numeric()
    for (k in seq_len(nrow(co))) {
      tr <- which(keep & !is.na(first) & fit$panel$periods[pmax(first, 1)] == co$cohort[k])
      ct <- which(keep & is.na(first))
      if (!length(tr)) next
      om <- fit$unit_weights$weight[fit$unit_weights$cohort == co$cohort[k]]
      om <- om[match(ct, which(is.na(first)))]
      om <- om / sum(om)
      lam <- fit$time_weights$weight[fit$time_weights$cohort == co$cohort[k]]
      T0 <- co$n_pre[k]; T1 <- ncol(Y) - T0
      e <- c(colMeans(Y[tr, , drop = FALSE]) - colSums(om * Y[ct, , drop = FALSE])) %*%
        c(-lam, rep(1 / T1, T1))
      est <- c(est, e); n <- c(n, length(tr) * T1)
    }
    sum(est * n) / sum(n)
  }
  u <- vapply(seq_len(U), function(i) one(seq_len(U) != i), 0)
  expect_equal(fit$draws[, 1], u, tolerance = 1e-10)
  expect_equal(fit$std.error, sqrt((U - 1) / U * (U - 1) * stats::var(u)), tolerance = 1e-10)
})

test_that("optimized covariates equal synthdid's joint Frank-Wolfe and gradient steps", {
  d <- california_prop99
  withr::local_seed(3)
  d$x1 <- stats::rnorm(nrow(d)) + (d$Year - 1970) / 10
  d$y <- d$PacksPerCapita + 3 * d$x1
  fit <- synth_did(y ~ x1 | State + Year, data = d, treat = "treated", se = "none")
  ref <- ref_synthdid_cov(prop99_matrix("y", d), list(prop99_matrix("x1", d)), 38, 19)
  expect_equal(fit$estimate, ref$estimate, tolerance = 1e-8)
  expect_equal(unname(fit$beta[[1]]), ref$beta, tolerance = 1e-8)
  expect_equal(fit$covariates, "optimized")
})

test_that("projected covariates residualise the outcome on never-treated units with unit and time effects", {
  skip_if_not_installed("fixest")
  d <- make_synth_panel(seed = 7)
  fit <- synth_did(y ~ x1 | id + year, data = d, treat = "treated", covariates = "projected", se = "none")
  never <- is.na(d$cohort)
  b <- stats::coef(fixest::feols(y ~ x1 | id + year, data = d[never, ]))[["x1"]]
  expect_equal(unname(fit$beta[["x1"]]), b, tolerance = 1e-8)
  d$y_adj <- d$y - b * d$x1
  ref <- synth_did(y_adj ~ 1 | id + year, data = d, treat = "treated", se = "none")
  expect_equal(fit$estimate, ref$estimate, tolerance = 1e-10)
})

test_that("synth_did() is invariant to row order and unit labels", {
  d <- make_synth_panel(seed = 8)
  a <- synth_did(y ~ 1 | id + year, data = d, treat = "treated", se = "placebo", n = 10, seed = 1)
  withr::local_seed(1)
  d2 <- d[sample(nrow(d)), ]
  b <- synth_did(y ~ 1 | id + year, data = d2, treat = "treated", se = "placebo", n = 10, seed = 1)
  expect_equal(a$estimate, b$estimate, tolerance = 1e-12)
  expect_identical(a$draws, b$draws)
})

test_that("methods return the documented columns", {
  fit <- prop99_fit(se = "placebo", n = 20, seed = 2)
  td <- tidy(fit)
  expect_named(td, c("term", "estimate", "std.error", "statistic", "p.value", "conf.low", "conf.high"))
  expect_equal(td$conf.high - td$estimate, stats::qnorm(0.975) * td$std.error, tolerance = 1e-12)
  expect_equal(td$p.value, 2 * stats::pnorm(-abs(td$estimate / td$std.error)))
  expect_named(tidy(fit, what = "unit_weights"), c("cohort", "unit", "weight"))
  expect_named(tidy(fit, what = "time_weights"), c("cohort", "time", "weight"))
  expect_equal(nrow(glance(fit)), 1L)
  expect_equal(vcov(fit)[1, 1], fit$std.error^2)
  expect_equal(nobs(fit), 1209L)
  expect_s3_class(summary(fit), "summary.pilotdid_synth_did")
  expect_snapshot(print(fit))
  d <- make_synth_panel(seed = 2)
  st <- synth_did(y ~ 1 | id + year, data = d, treat = "treated", se = "bootstrap", n = 20, seed = 1)
  expect_equal(tidy(st)$term, c("ATT", "cohort_2015", "cohort_2018"))
  expect_snapshot(print(st))
})

test_that("plot data: the estimate is the weighted unit differences and the diagram's arrow", {
  fit <- prop99_fit(se = "placebo", n = 20, seed = 2)
  pd <- synth_did_plot_data(fit)
  expect_equal(sum(pd$units$weight * pd$units$difference), fit$estimate, tolerance = 1e-10)
  expect_equal(pd$diagram$treated_post - pd$diagram$counterfactual_post, fit$estimate, tolerance = 1e-10)
  Y <- prop99_matrix()
  expect_equal(pd$trajectories$value[pd$trajectories$series == "treated"], unname(Y["California", ]))
  expect_equal(max(pd$ribbon$ymax - pd$ribbon$ymin), diff(range(pd$trajectories$value)) / 3)
  expect_equal(pd$onset, 1988)
  expect_s3_class(autoplot(fit), "ggplot")
  expect_s3_class(autoplot(fit, type = "units", lang = "zh"), "ggplot")
  sc <- prop99_fit("sc")
  expect_equal(nrow(synth_did_plot_data(sc)$ribbon), 0L)
  expect_error(synth_did_plot_data(fit, cohort = 1990), class = "pilotdid_error_input")
})

test_that("synth_did() rejects bad designs before any C++ runs", {
  d <- make_synth_panel(seed = 9)
  bad <- d
  u <- bad$id[bad$treated == 1][1]
  bad$treated[bad$id == u & bad$year == max(bad$year)] <- 0L
  expect_error(synth_did(y ~ 1 | id + year, data = bad, treat = "treated"), class = "pilotdid_error_input")
  expect_snapshot(synth_did(y ~ 1 | id + year, data = bad, treat = "treated"), error = TRUE)
  # more treated than never-treated units: no placebo
  many <- make_synth_panel(n_id = 20, share_treated = 0.6, seed = 9)
  expect_snapshot(synth_did(y ~ 1 | id + year, data = many, treat = "treated", se = "placebo"), error = TRUE)
  none <- many[!is.na(many$cohort), ]
  expect_error(synth_did(y ~ 1 | id + year, data = none, treat = "treated", se = "placebo"),
               "No unit is never treated", class = "pilotdid_error_input")
  expect_error(synth_did(y ~ 1 | id + year, data = none, treat = "treated", se = "bootstrap"),
               class = "pilotdid_error_input")
  # unbalanced: the missing cells are named, or their units dropped with a message
  unb <- d[-c(5, 30), ]
  expect_snapshot(synth_did(y ~ 1 | id + year, data = unb, treat = "treated"), error = TRUE)
  expect_message(fit <- synth_did(y ~ 1 | id + year, data = unb, treat = "treated", se = "none",
                                  unbalanced = "drop"), "Dropped 2 units")
  expect_equal(length(fit$panel$units), 38L)
  expect_error(synth_did(y ~ 1 | id + year, data = d, treat = "x1"), class = "pilotdid_error_input")
  expect_error(synth_did(y ~ 1 | id + year, data = d), class = "pilotdid_error_input")
  expect_error(synth_did(y ~ 1 | id + year, data = d, treat = "treated", method = "ols"),
               class = "pilotdid_error_input")
  # jackknife needs two treated units per cohort, the bootstrap two treated units
  expect_error(prop99_fit(se = "jackknife"), class = "pilotdid_error_input")
  expect_error(prop99_fit(se = "bootstrap"), class = "pilotdid_error_input")
  # cohorts need two pre-treatment periods
  early <- d
  early$treated[early$id %in% unique(d$id[!is.na(d$cohort)]) & early$year >= min(early$year) + 1] <- 1L
  expect_error(synth_did(y ~ 1 | id + year, data = early, treat = "treated"), class = "pilotdid_error_input")
})

test_that("did_table() takes a synth_did() fit as a column", {
  fit <- prop99_fit(se = "placebo", n = 20, seed = 2)
  tab <- did_table(SDID = fit)
  co <- tidy(tab)
  expect_equal(co$estimate[co$term == "ATT"], fit$estimate)
  expect_equal(co$std.error[co$term == "ATT"], fit$std.error)
  expect_equal(glance(tab)$nobs, 1209)
})

test_that("the future backend returns the same draws as the threads backend", {
  skip_if_not_installed("future.apply")
  a <- prop99_fit(se = "placebo", n = 12, seed = 4)
  withr::defer(future::plan(future::sequential))
  future::plan(future::multisession, workers = 2)
  b <- prop99_fit(se = "placebo", n = 12, seed = 4, backend = "future")
  expect_identical(a$draws, b$draws)
})

test_that("synth_did(subset =) equals the call on the subset", {
  keep <- california_prop99$Year >= 1975
  s <- synth_did(PacksPerCapita ~ 1 | State + Year, data = california_prop99, treat = "treated", se = "none",
                 subset = Year >= 1975)
  r <- synth_did(PacksPerCapita ~ 1 | State + Year, data = california_prop99[keep, ], treat = "treated", se = "none")
  expect_equal(coef(s), coef(r))
  expect_equal(tidy(s, what = "unit_weights"), tidy(r, what = "unit_weights"))
})
