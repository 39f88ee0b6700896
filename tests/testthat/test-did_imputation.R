# did_imputation() against didimputation::did_imputation() (estimates 1e-8,
# standard errors 1e-6) and against a hand computation.

expect_matches_didimputation <- function(fit, ref) {
  ref <- ref[is.finite(ref$estimate), ]
  expect_equal(nrow(tidy(fit)), nrow(ref))
  expect_equal(tidy(fit)$estimate, ref$estimate, tolerance = 1e-8)
  expect_lt(rel_diff(tidy(fit)$std.error, ref$std.error), 1e-6)
}

test_that("overall ATT and horizons equal didimputation on an unbalanced panel with always-treated units", {
  skip_if_not_installed("didimputation")
  d <- make_staggered(n_id = 80, n_t = 10, cohorts = c(2009, 2011, 2013, 2016), drop_share = 0.05, seed = 3)
  expect_message(fit <- did_imputation(y ~ 1 | id + year, data = d, cohort = "g"), "cannot be imputed")
  ref <- didimputation_ref(d, "y", "g", "year", "id")
  expect_matches_didimputation(fit, ref)
  fit <- suppressMessages(did_imputation(y ~ 1 | id + year, data = d, cohort = ~cohort, horizon = TRUE))
  ref <- didimputation_ref(d, "y", "g", "year", "id", horizon = TRUE)
  expect_matches_didimputation(fit, ref)
  expect_equal(tidy(fit)$rel_time, as.numeric(ref$term[is.finite(ref$estimate)]))
})

test_that("controls in the first stage, chosen horizons and another cluster equal didimputation", {
  skip_if_not_installed("didimputation")
  d <- make_staggered(n_id = 70, n_t = 9, seed = 4)
  d$x2 <- withr::with_seed(1, stats::rnorm(nrow(d)))
  d$region <- d$id %% 7
  fit <- did_imputation(y ~ x1 + x2 | id + year, data = d, cohort = "g", horizon = c(0, 2, 3))
  ref <- didimputation_ref(d, "y", "g", "year", "id", first_stage = ~ x1 + x2 | id + year,
                                       horizon = c(0, 2, 3))
  expect_matches_didimputation(fit, ref)
  expect_equal(names(fit$first_stage), c("x1", "x2"))
  fit <- did_imputation(y ~ x1 | id + year, data = d, cohort = "g", cluster = ~region)
  ref <- didimputation_ref(d, "y", "g", "year", "id", first_stage = ~ x1 | id + year,
                                       cluster_var = "region")
  expect_matches_didimputation(fit, ref)
})

test_that("pre-trend coefficients equal didimputation's, before the horizons", {
  skip_if_not_installed("didimputation")
  d <- make_staggered(n_id = 70, n_t = 9, drop_share = 0.05, seed = 9)
  fit <- did_imputation(y ~ x1 | id + year, data = d, cohort = "g", horizon = 0:2, pretrends = -3:-1)
  ref <- didimputation_ref(d, "y", "g", "year", "id", first_stage = ~ x1 | id + year, horizon = 0:2,
                           pretrends = -3:-1)
  expect_matches_didimputation(fit, ref)
  expect_equal(tidy(fit)$term, c("pre_3", "pre_2", "pre_1", "current", "post_1", "post_2"))
  expect_equal(tidy(fit)$rel_time, as.numeric(ref$term))
})

test_that("the iterative solver, two threads, shuffled rows and relabelled units give the same answer", {
  d <- make_staggered(n_id = 50, n_t = 8, drop_share = 0.05, seed = 5)
  base <- tidy(did_imputation(y ~ x1 | id + year, data = d, cohort = "g", horizon = TRUE))
  withr::with_options(list(pilotdid.max_exact = 0L), {
    it <- tidy(did_imputation(y ~ x1 | id + year, data = d, cohort = "g", horizon = TRUE))
  })
  expect_equal(it$estimate, base$estimate, tolerance = 1e-8)
  expect_equal(it$std.error, base$std.error, tolerance = 1e-8)
  two <- tidy(did_imputation(y ~ x1 | id + year, data = d, cohort = "g", horizon = TRUE, threads = 2))
  expect_identical(two, base)
  d2 <- d[withr::with_seed(3, sample(nrow(d))), ]
  d2$id <- paste0("unit", d2$id)
  sh <- tidy(did_imputation(y ~ x1 | id + year, data = d2, cohort = "g", horizon = TRUE))
  expect_equal(sh, base, tolerance = 1e-10)
})

test_that("the ATT is the mean of y minus the fixed effects fitted on untreated rows (lm with dummies)", {
  d <- make_staggered(n_id = 30, n_t = 6, seed = 6)
  d0 <- d[d$treat == 0, ]
  m <- lm(y ~ factor(id) + factor(year), data = d0)
  d1 <- d[d$treat == 1, ]
  tau <- d1$y - predict(m, newdata = d1)
  fit <- did_imputation(y ~ 1 | id + year, data = d, cohort = "g", horizon = TRUE)
  expect_equal(tidy(did_imputation(y ~ 1 | id + year, data = d, cohort = "g"))$estimate, mean(tau),
               tolerance = 1e-10)
  e <- d1$year - d1$cohort
  expect_equal(tidy(fit)$estimate, as.vector(tapply(tau, e, mean)), tolerance = 1e-10)
  expect_equal(tidy(fit)$term[1:2], c("current", "post_1"))
})

test_that("print and summary", {
  d <- make_staggered(n_id = 40, n_t = 7, seed = 7)
  fit <- did_imputation(y ~ 1 | id + year, data = d, cohort = "g", horizon = 0:2)
  expect_snapshot(print(fit))
  expect_s3_class(summary(fit), "summary.pilotdid_did_imputation")
})

test_that("bad inputs give clear errors", {
  d <- make_staggered(n_id = 30, n_t = 6, seed = 8)
  d_var <- d
  d_var$g[1] <- 2012
  d_chr <- d
  d_chr$g <- as.character(d_chr$g)
  expect_snapshot(error = TRUE, {
    did_imputation(y ~ 1 | id + year, data = d)
    did_imputation(y ~ 1 | id + year, data = d, cohort = "nope")
    did_imputation(y ~ 1 | id + year, data = d_var, cohort = "g")
    did_imputation(y ~ 1 | id + year, data = d_chr, cohort = "g")
    did_imputation(y ~ 1 | id + year, data = d, cohort = "g", horizon = -1)
    did_imputation(y ~ 1 | id + year, data = d, cohort = "g", pretrends = 1)
    did_imputation(y ~ 1 | id + year, data = d, cohort = "g", level = 95)
    did_imputation(y ~ 1 | id, data = d, cohort = "g")
  })
  d_none <- d
  d_none$g <- 0
  expect_error(did_imputation(y ~ 1 | id + year, data = d_none, cohort = "g"), class = "pilotdid_error_input")
})

test_that("a single cluster or missing cluster values are errors, not tiny standard errors", {
  d <- make_staggered(n_id = 40, n_t = 8, seed = 452)
  d$one <- 1
  expect_error(did_imputation(y ~ 1 | id + year, data = d, cohort = "cohort", cluster = ~one), "single cluster",
               class = "pilotdid_error_input")
  d$cl <- d$id %% 5
  d$cl[3] <- NA
  expect_error(did_imputation(y ~ 1 | id + year, data = d, cohort = "cohort", cluster = ~cl), "missing",
               class = "pilotdid_error_input")
})

test_that("vcov() of horizons and pre-trends: conservative score cross-products and the twfe() block, by hand", {
  d <- make_panel(n_id = 40, n_t = 8, cohorts = c(2013, 2015), seed = 3)
  imp <- did_imputation(y ~ 1 | id + year, data = d, cohort = "cohort", horizon = TRUE, pretrends = -3:-2)
  V <- vcov(imp)
  tab <- imp$estimates
  expect_equal(rownames(V), tab$term)
  expect_equal(sqrt(diag(V)), tab$std.error, tolerance = 1e-10, ignore_attr = TRUE)
  pre <- tab$rel_time < 0
  post <- !pre
  expect_true(all(abs(V[pre, post]) > 0))
  # horizons, by hand: weights v of every outcome (v0 = -Z0 (Z0'Z0)^-1 Z1'w1 on
  # untreated rows), first-stage residuals, imputed effects minus their
  # cohort-by-horizon means, cluster sums by unit, cross-products
  g <- d$cohort
  treated <- !is.na(g) & g > 0 & is.finite(g) & d$year >= g
  d0 <- d[!treated, ]
  d1 <- d[treated, ]
  lev_id <- sort(unique(d0$id))
  lev_t <- sort(unique(d0$year))
  expect_true(all(d1$id %in% lev_id & d1$year %in% lev_t))
  Z <- function(dd) model.matrix(~ factor(id, levels = lev_id) + factor(year, levels = lev_t), dd)
  Z0 <- Z(d0)
  Z1 <- Z(d1)
  e1 <- d1$year - d1$cohort
  h <- sort(unique(e1))
  W1 <- sapply(h, function(k) (e1 == k) / sum(e1 == k))
  b0 <- solve(crossprod(Z0), crossprod(Z0, d0$y))
  r0 <- drop(d0$y - Z0 %*% b0)
  tau <- drop(d1$y - Z1 %*% b0)
  expect_equal(unname(tab$estimate[post]), drop(crossprod(W1, tau)), tolerance = 1e-8)
  v0 <- -Z0 %*% solve(crossprod(Z0), crossprod(Z1, W1))
  tilde <- tau - ave(tau, d1$cohort, e1)
  S <- rowsum(rbind(v0 * r0, W1 * tilde), c(d0$id, d1$id))
  expect_equal(unname(V[post, post]), unname(crossprod(S)), tolerance = 1e-8)
  # pre-trend block: the clustered covariance of the lead dummies on the untreated rows (fixest)
  skip_if_not_installed("fixest")
  e0 <- d0$year - d0$cohort
  d0$l3 <- as.numeric(!is.na(e0) & e0 == -3)
  d0$l2 <- as.numeric(!is.na(e0) & e0 == -2)
  fx <- fixest::feols(y ~ l3 + l2 | id + year, data = d0, cluster = ~id)
  expect_equal(unname(V[pre, pre]), unname(vcov(fx)), tolerance = 1e-8, ignore_attr = TRUE)
  # cross block, by brute force: each lead coefficient is a' y0 with a the
  # rows of (Z'Z)^-1 Z' of the dummy regression on the untreated rows (leads,
  # unit and year dummies); its scores a_i e_i with that regression's
  # residuals, summed by unit, times the root of fixest's small-sample factor
  # (n - 1) / (n - K) * G / (G - 1), K = leads + year effects + 1 (the unit
  # effects are nested in the clusters); the horizons' cluster sums S above.
  Zp <- cbind(l3 = d0$l3, l2 = d0$l2, Z0)
  A <- solve(crossprod(Zp), t(Zp))[c("l3", "l2"), ]
  ep <- drop(d0$y - Zp %*% solve(crossprod(Zp), crossprod(Zp, d0$y)))
  n0 <- nrow(d0)
  K <- 2 + length(lev_t)
  G0 <- length(lev_id)
  q <- (n0 - 1) / (n0 - K) * G0 / (G0 - 1)
  U <- rowsum(t(A) * ep, d0$id) * sqrt(q)
  expect_equal(unname(crossprod(U)), unname(vcov(fx)), tolerance = 1e-8, ignore_attr = TRUE)
  Ufull <- matrix(0, nrow(S), 2, dimnames = list(rownames(S), NULL))
  Ufull[rownames(U), ] <- U
  cross <- crossprod(Ufull, S)
  expect_lt(max(abs(V[pre, post] - cross)), 1e-10 * max(abs(cross)))
  expect_equal(unname(V[post, pre]), t(unname(cross)), tolerance = 1e-10)
  expect_gt(min(eigen(V, symmetric = TRUE, only.values = TRUE)$values), -1e-12 * max(abs(V)))
  # clustered by region (units nested in regions, so the same K): the same
  # sums by region
  d$region <- d$id %% 6
  d0$region <- d0$id %% 6
  d1$region <- d1$id %% 6
  Vr <- vcov(did_imputation(y ~ 1 | id + year, data = d, cohort = "cohort", horizon = TRUE,
                            pretrends = -3:-2, cluster = ~region))
  Sr <- rowsum(rbind(v0 * r0, W1 * tilde), c(d0$region, d1$region))
  expect_equal(unname(Vr[post, post]), unname(crossprod(Sr)), tolerance = 1e-8)
  qr_ <- (n0 - 1) / (n0 - K) * 6 / 5
  Ur <- rowsum(t(A) * ep, d0$region) * sqrt(qr_)
  fxr <- fixest::feols(y ~ l3 + l2 | id + year, data = d0, cluster = ~region)
  expect_equal(unname(Vr[pre, pre]), unname(crossprod(Ur)), tolerance = 1e-10)
  # (fixest's iterative demeaning agrees to about 1e-7 here)
  expect_equal(unname(crossprod(Ur)), unname(vcov(fxr)), tolerance = 1e-6, ignore_attr = TRUE)
  crossr <- crossprod(Ur, Sr[rownames(Ur), ])
  expect_lt(max(abs(Vr[pre, post] - crossr)), 1e-10 * max(abs(crossr)))
})

test_that("honest_did() and lincom() on did_imputation() use its joint covariance, without a message", {
  d <- make_panel(n_id = 60, n_t = 10, cohorts = c(2014, 2016), seed = 4)
  imp <- did_imputation(y ~ 1 | id + year, data = d, cohort = "cohort", horizon = 0:2, pretrends = -4:-2)
  expect_no_message(hd <- honest_did(imp, Mbar = c(0, 1), M = c(0, 0.1), breakdown = FALSE))
  expect_no_message(pretrend_power(imp, slope = 0.05))
  ref <- honest_did(betahat = imp$estimates$estimate, sigma = unname(vcov(imp)), numPrePeriods = 3,
                    numPostPeriods = 3, Mbar = c(0, 1), M = c(0, 0.1), breakdown = FALSE)
  expect_equal(tidy(hd)[-1], tidy(ref)[-1], tolerance = 1e-10)
  lc <- lincom(imp, c(avg = "(current + post_1 + post_2) / 3"))
  w <- c(0, 0, 0, 1, 1, 1) / 3
  expect_equal(lc$std.error, sqrt(drop(t(w) %*% vcov(imp) %*% w)), tolerance = 1e-12)
  expect_true(all(vcov(imp)[1:3, 4:6] != 0))
  imp2 <- did_imputation(y ~ 1 | id + year, data = d, cohort = "cohort", horizon = TRUE)
  expect_equal(sqrt(diag(vcov(imp2))), imp2$estimates$std.error, tolerance = 1e-10, ignore_attr = TRUE)
})

test_that("sampling weights: estimates equal didimputation::did_imputation(wname =); SEs for constant weights", {
  skip_if_not_installed("didimputation")
  d <- make_staggered(n_id = 80, n_t = 8, seed = 3, drop_share = 0.05)
  d$w <- withr::with_seed(2, stats::runif(nrow(d), 0.2, 3))
  d$wc <- 2.5
  for (ctrl in c(FALSE, TRUE)) for (hz in list(NULL, TRUE)) {
    f <- if (ctrl) y ~ x1 | id + year else y ~ 1 | id + year
    fs <- if (ctrl) ~ x1 | id + year
    fit <- suppressMessages(did_imputation(f, data = d, cohort = "g", weights = ~w, horizon = hz))
    ref <- didimputation_ref(data = d, yname = "y", gname = "g", tname = "year", idname = "id", wname = "w",
                             first_stage = fs, horizon = hz)
    expect_lt(rel_diff(tidy(fit)$estimate, ref$estimate), 1e-8)
    # didimputation's standard errors with weights agree with the exact ones
    # only for constant weights (see ?did_imputation, "Sampling weights")
    fit_c <- suppressMessages(did_imputation(f, data = d, cohort = "g", weights = ~wc, horizon = hz))
    ref_c <- didimputation_ref(data = d, yname = "y", gname = "g", tname = "year", idname = "id", wname = "wc",
                               first_stage = fs, horizon = hz)
    expect_lt(rel_diff(tidy(fit_c)$std.error, ref_c$std.error), 1e-8)
    expect_lt(rel_diff(tidy(fit_c)$std.error,
                       tidy(did_imputation(f, data = d, cohort = "g", horizon = hz))$std.error), 1e-10)
  }
  # pre-trend coefficients: didimputation's weighted fixest fit
  fit <- suppressMessages(did_imputation(y ~ 1 | id + year, data = d, cohort = "g", weights = "w",
                                         horizon = TRUE, pretrends = -3:-1))
  ref <- didimputation_ref(data = d, yname = "y", gname = "g", tname = "year", idname = "id", wname = "w",
                           horizon = TRUE, pretrends = -3:-1)
  pre <- tidy(fit)$term %in% c("pre_3", "pre_2", "pre_1")
  expect_equal(sum(pre), 3L)
  expect_lt(rel_diff(tidy(fit)$estimate, ref$estimate), 1e-8)
  expect_lt(rel_diff(tidy(fit)$std.error[pre], ref$std.error[match(c(-3, -2, -1), ref$term)]), 1e-8)
})

test_that("sampling weights: standard errors from the exact weights of the untreated outcomes (brute force)", {
  d <- make_staggered(n_id = 40, n_t = 7, seed = 31, drop_share = 0.05)
  d$w <- withr::with_seed(4, stats::runif(nrow(d), 0.2, 3))
  treated <- d$g > 0 & d$year >= d$g
  d0 <- d[!treated, ]
  d1 <- d[treated, ]
  lev_id <- sort(unique(d0$id))
  lev_t <- sort(unique(d0$year))
  for (ctrl in c(FALSE, TRUE)) {
    f <- if (ctrl) y ~ x1 | id + year else y ~ 1 | id + year
    fit <- suppressMessages(did_imputation(f, data = d, cohort = "g", weights = ~w, horizon = TRUE))
    Z <- function(dd) {
      m <- model.matrix(~ factor(id, levels = lev_id) + factor(year, levels = lev_t), dd)
      if (ctrl) cbind(m, x1 = dd$x1) else m
    }
    Z0 <- Z(d0)
    Z1 <- Z(d1)
    e1 <- d1$year - d1$g
    h <- sort(unique(e1))
    W1 <- sapply(h, function(k) d1$w * (e1 == k) / sum(d1$w[e1 == k]))
    A <- solve(crossprod(Z0, d0$w * Z0))
    b0 <- A %*% crossprod(Z0, d0$w * d0$y)
    r0 <- drop(d0$y - Z0 %*% b0)
    tau <- drop(d1$y - Z1 %*% b0)
    expect_lt(rel_diff(tidy(fit)$estimate, drop(crossprod(W1, tau))), 1e-8)
    # the weights of the untreated outcomes in the estimate ...
    v0 <- -d0$w * (Z0 %*% A %*% crossprod(Z1, W1))
    # ... are its derivatives: moving one untreated outcome by 1 moves the estimates by v0
    for (j in c(3, 57, 150)) {
      dj <- d
      dj$y[which(!treated)[j]] <- dj$y[which(!treated)[j]] + 1
      fj <- suppressMessages(did_imputation(f, data = dj, cohort = "g", weights = ~w, horizon = TRUE))
      expect_equal(tidy(fj)$estimate - tidy(fit)$estimate, unname(v0[j, ]), tolerance = 1e-7)
    }
    cell <- paste(d1$g, e1)
    tilde <- sapply(seq_along(h), function(k) {
      v2 <- W1[, k]^2
      m <- tapply(v2 * tau, cell, sum) / tapply(v2, cell, sum)
      m[is.nan(m)] <- 0
      tau - m[cell]
    })
    S <- rowsum(rbind(v0 * r0, W1 * tilde), c(d0$id, d1$id))
    expect_lt(rel_diff(tidy(fit)$std.error, sqrt(colSums(S^2))), 1e-8)
  }
})

test_that("imputation weights: the estimate is the weighted mean of the imputed effects, subset is the subset", {
  d <- make_staggered(n_id = 50, n_t = 7, seed = 8)
  d$w <- withr::with_seed(3, stats::runif(nrow(d), 0.5, 2))
  fit <- did_imputation(y ~ 1 | id + year, data = d, cohort = "g", weights = ~w)
  # hand computation: weighted two-way fixed effects on the untreated rows
  tr <- !is.na(d$cohort) & d$year >= d$cohort
  fs <- stats::lm(y ~ factor(id) + factor(year), data = d[!tr, ], weights = w)
  tau <- d$y[tr] - stats::predict(fs, newdata = d[tr, ])
  expect_equal(fit$estimates$estimate, sum(d$w[tr] * tau) / sum(d$w[tr]), tolerance = 1e-10)
  s <- did_imputation(y ~ 1 | id + year, data = d, cohort = "g", weights = ~w, subset = year <= 2012)
  r <- did_imputation(y ~ 1 | id + year, data = d[d$year <= 2012, ], cohort = "g", weights = ~w)
  expect_equal(s$estimates, r$estimates)
})
