test_that("full enumeration matches a brute-force refit for G = 6 (weights, FE, bootcluster != cluster)", {
  d <- make_prov_panel(n_prov = 6, cities = c(3, 5, 4, 6, 2, 4), seed = 1, drop_share = 0.05)
  fit <- twfe(y ~ did + x1 | id + year, data = d, cluster = ~id, weights = ~pw)
  bt <- suppressMessages(boot_test(fit, "did", r = 0.2, bootcluster = ~prov, seed = 1))
  bf <- brute_boot(d, c("did", "x1"), c(1, 0), 0.2, "id", "prov", w = "pw")
  expect_true(bt$enumerated)
  expect_equal(bt$n, 64L)
  expect_equal(sort(bt$draws[, 1]), sort(bf$t), tolerance = 1e-10)
  expect_equal(bt$table$statistic, bf$t0, tolerance = 1e-10)
  p <- brute_p(bf$t, bf$t0)
  expect_identical(bt$table$p.value, p[["sym"]])
  expect_identical(bt$table$p.value_et, p[["et"]])
})

test_that("full enumeration matches a brute-force refit for G = 10, WCR and WCU, a linear combination", {
  d <- make_prov_panel(n_prov = 10, cities = c(2, 4, 3, 5), seed = 2, drop_share = 0.1)
  fit <- twfe(y ~ did + x1 | id + year, data = d, cluster = ~id, weights = ~pw)
  for (wcr in c(TRUE, FALSE)) {
    bt <- suppressMessages(boot_test(fit, c(did = 1, x1 = -1), r = -0.3, impose_null = wcr,
                                     bootcluster = ~prov, conf_int = FALSE, seed = 1))
    bf <- brute_boot(d, c("did", "x1"), c(1, -1), -0.3, "id", "prov", w = "pw", wcr = wcr)
    expect_equal(bt$n, 1024L)
    expect_equal(sort(bt$draws[, 1]), sort(bf$t), tolerance = 1e-10)
    p <- brute_p(bf$t, bf$t0)
    expect_identical(bt$table$p.value, p[["sym"]])
    expect_identical(bt$table$p.value_et, p[["et"]])
  }
  expect_identical(bt$table$term, "did - x1")
})

test_that("random draws equal the brute force on the same weights (Webb, province clusters, iterative demeaning)", {
  d <- make_prov_panel(n_prov = 8, cities = c(3, 5), seed = 3, drop_share = 0.1)
  fit <- twfe(y ~ did + x1 | id + year, data = d, cluster = ~prov)
  bt <- suppressMessages(boot_test(fit, "x1", r = 0.4, n = 200, type = "webb", seed = 9,
                                   conf_int = FALSE))
  # bootstrap clusters are coded in order of appearance, as in brute_boot()
  V <- pilotdid:::cpp_boot_weights(8L, 1L, FALSE, 9, 0, 200L)
  bf <- brute_boot(d, c("did", "x1"), c(0, 1), 0.4, "prov", "prov", V = V)
  expect_equal(bt$draws[, 1], bf$t, tolerance = 1e-10)
  withr::local_options(pilotdid.max_exact = 0L, pilotdid.tol = 1e-13)
  fit2 <- twfe(y ~ did + x1 | id + year, data = d, cluster = ~id)
  b2 <- suppressMessages(boot_test(fit2, "x1", r = 0.4, n = 200, type = "webb", seed = 9,
                                   bootcluster = "prov", conf_int = FALSE))
  bf2 <- brute_boot(d, c("did", "x1"), c(0, 1), 0.4, "id", "prov", V = V)
  expect_equal(b2$draws[, 1], bf2$t, tolerance = 1e-7)
})

test_that("the t statistic and standard error of the original sample are twfe()'s", {
  d <- make_prov_panel(n_prov = 12, cities = c(3, 6), seed = 4)
  fit <- twfe(y ~ did + x1 | id + year, data = d, cluster = ~prov, weights = ~pw)
  bt <- boot_test(fit, c("did", "x1"), n = 99, seed = 1, conf_int = FALSE)
  tab <- summary(fit)$coefficients
  expect_equal(bt$table$statistic, unname(tab[, 3]), tolerance = 1e-10)
  expect_equal(bt$table$std.error, unname(tab[, 2]), tolerance = 1e-10)
  fit_id <- twfe(y ~ did + x1 | id + year, data = d, cluster = ~id)
  b2 <- boot_test(fit_id, "did", n = 99, seed = 1, cluster = ~prov, conf_int = FALSE)
  ref <- twfe(y ~ did + x1 | id + year, data = d, cluster = ~prov)
  expect_equal(b2$table$statistic, unname(summary(ref)$coefficients["did", 3]), tolerance = 1e-10)
  # the variance recomputed from the fit (tidy(cluster = )), also with other ssc() settings,
  # and a bootstrap cluster that is a fixed effect of the fit (no data needed)
  td <- tidy(fit_id, cluster = ~prov)
  expect_equal(b2$table$statistic, td$statistic[td$term == "did"], tolerance = 1e-10)
  expect_equal(b2$table$std.error, td$std.error[td$term == "did"], tolerance = 1e-10)
  fit_s <- twfe(y ~ did + x1 | id + year, data = d, cluster = ~id, ssc = ssc(G.adj = FALSE, K.fixef = "full"))
  b3 <- boot_test(fit_s, c("did", "x1"), n = 99, seed = 1, cluster = "prov", bootcluster = ~id,
                  conf_int = FALSE)
  td <- tidy(fit_s, cluster = ~prov)
  expect_equal(b3$table$statistic, td$statistic, tolerance = 1e-10)
  expect_identical(b3$bootcluster, "id")
})

test_that("under the null with 10 clusters WCR p-values are close to uniform while CR1 over-rejects", {
  res <- vapply(1:80, function(s) {
    d <- make_prov_panel(n_prov = 10, cities = c(2, 8, 4, 12, 3), treated = 1:2, seed = 500 + s)
    fit <- twfe(y ~ did + x1 | id + year, data = d, cluster = ~prov)
    bt <- suppressMessages(boot_test(fit, "did", conf_int = FALSE, seed = s))
    c(wcr = bt$table$p.value, cr1 = summary(fit)$coefficients["did", 4])
  }, c(wcr = 0, cr1 = 0))
  rej <- rowMeans(res < 0.05)
  expect_lt(rej[["wcr"]], 0.10)
  expect_gt(rej[["cr1"]], rej[["wcr"]] + 0.04)
  expect_gt(mean(res["wcr", ]), 0.35)
  expect_lt(mean(res["wcr", ]), 0.65)
})

test_that("draws are identical across threads, chunks, backends and with set.seed()", {
  d <- make_prov_panel(n_prov = 20, cities = c(3, 4), seed = 5)
  fit <- twfe(y ~ did + x1 | id + year, data = d, cluster = ~prov)
  for (type in c("rademacher", "webb", "mammen", "norm")) {
    a <- boot_test(fit, "did", n = 500, type = type, seed = 3, threads = 1, conf_int = FALSE)
    b <- boot_test(fit, "did", n = 500, type = type, seed = 3, threads = 2, conf_int = FALSE)
    expect_identical(a$draws, b$draws)
  }
  # the draws kernel itself on 1 and 2 threads (boot_test() uses one thread for short runs)
  withr::local_seed(1)
  a0 <- rnorm(13); a1 <- rnorm(13); R0 <- matrix(rnorm(26 * 13), 26); R1 <- matrix(rnorm(26 * 13), 26)
  for (type in 0:3) for (en in c(TRUE, FALSE)) {
    k1 <- pilotdid:::cpp_boot_draws(a0, a1, R0, R1, type, en, 5, 0, 8192L, 1L)
    k2 <- pilotdid:::cpp_boot_draws(a0, a1, R0, R1, type, en, 5, 0, 8192L, 2L)
    expect_identical(k1, k2)
  }
  # the preparation (re-projection on the fixed effects, parallel over clusters)
  N <- 400L
  id <- rep(0:79, each = 5); yr <- rep(0:4, 80); cl <- id %/% 8; bc <- id %/% 16
  X <- matrix(rnorm(2 * N), N)
  args <- list(X, runif(N), rnorm(N), rnorm(N), rnorm(N), diag(2), bc, 5L, cl, 10L,
               list(id, yr), c(80L, 5L), 400L, 1e-10, 10000L)
  expect_identical(do.call(pilotdid:::cpp_boot_prepare, c(args, 1L)),
                   do.call(pilotdid:::cpp_boot_prepare, c(args, 2L)))
  args[[7]] <- id %/% 20; args[[8]] <- 4L   # fewer bootstrap clusters: projections per bootstrap cluster
  expect_identical(do.call(pilotdid:::cpp_boot_prepare, c(args, 1L)),
                   do.call(pilotdid:::cpp_boot_prepare, c(args, 2L)))
  v <- pilotdid:::cpp_boot_weights(13L, 3L, FALSE, 5, 0, 3L)
  expect_equal(k1[1:3, 3], rowSums((v %*% t(R0))^2), tolerance = 1e-12)
  expect_equal(k1[1:3, 4], rowSums((v %*% t(R0)) * (v %*% t(R1))), tolerance = 1e-12)
  c1 <- boot_test(fit, "did", n = 100, type = "norm", seed = 3, conf_int = FALSE)
  expect_identical(c1$draws[, 1], a$draws[1:100, 1])
  withr::with_seed(7, x <- boot_test(fit, "did", n = 50, conf_int = FALSE))
  withr::with_seed(7, y <- boot_test(fit, "did", n = 50, conf_int = FALSE))
  expect_identical(x$draws, y$draws)
  skip_if_not_installed("future.apply")
  withr::defer(future::plan(future::sequential))
  future::plan(future::multisession, workers = 2)
  f <- boot_test(fit, "did", n = 500, type = "norm", seed = 3, conf_int = FALSE, backend = "future")
  expect_identical(f$draws, a$draws)
})

test_that("bootstrap weights have the stated distributions; enumeration visits every sign vector once", {
  e <- pilotdid:::cpp_boot_weights(5L, 0L, TRUE, 1, 0, 32L)
  expect_equal(nrow(unique(e)), 32L)
  expect_true(all(e %in% c(-1, 1)))
  expect_identical(e[1, ], rep(1, 5))
  webb <- pilotdid:::cpp_boot_weights(7L, 1L, FALSE, 1, 0, 6000L)
  vals <- c(-sqrt(1.5), -1, -sqrt(0.5), sqrt(0.5), 1, sqrt(1.5))
  expect_true(all(vapply(webb, function(x) any(abs(x - vals) < 1e-15), TRUE)))
  expect_equal(as.vector(table(round(webb, 6))) / length(webb), rep(1 / 6, 6), tolerance = 0.03)
  for (type in 0:3) {
    v <- pilotdid:::cpp_boot_weights(10L, type, FALSE, 2, 0, 5000L)
    expect_equal(mean(v), 0, tolerance = 0.03)
    expect_equal(mean(v^2), 1, tolerance = 0.03)
  }
  m <- pilotdid:::cpp_boot_weights(10L, 2L, FALSE, 2, 0, 5000L)
  expect_equal(mean(m^3), 1, tolerance = 0.1)   # Mammen: third moment one
})

test_that("test-inversion bounds are where the bootstrap p-value crosses 1 - level", {
  d <- make_prov_panel(n_prov = 14, cities = c(3, 5), effect = 0.5, seed = 6)
  fit <- twfe(y ~ did + x1 | id + year, data = d, cluster = ~prov)
  for (wcr in c(TRUE, FALSE)) {
    bt <- boot_test(fit, "did", n = 999, type = "webb", seed = 4, impose_null = wcr)
    tab <- bt$table
    p_at <- function(r0, et = FALSE) {
      b <- boot_test(fit, "did", r = r0, n = 999, type = "webb", seed = 4, impose_null = wcr,
                     conf_int = FALSE)
      if (et) b$table$p.value_et else b$table$p.value
    }
    eps <- 1e-6 * tab$std.error
    expect_lt(tab$conf.low, tab$estimate)
    expect_gt(tab$conf.high, tab$estimate)
    expect_gt(p_at(tab$conf.low + eps), 0.05)
    expect_lte(p_at(tab$conf.low - eps), 0.05)
    expect_gt(p_at(tab$conf.high - eps), 0.05)
    expect_lte(p_at(tab$conf.high + eps), 0.05)
    expect_gt(p_at(tab$conf.low_et + eps, TRUE), 0.05)
    expect_lte(p_at(tab$conf.high_et + eps, TRUE), 0.05)
  }
})

test_that("methods return their documented columns and the plot data are the draws", {
  d <- make_prov_panel(n_prov = 8, seed = 7)
  fit <- twfe(y ~ did + x1 | id + year, data = d, cluster = ~prov)
  bt <- suppressMessages(boot_test(fit, c("did", "x1")))
  expect_s3_class(bt, "pilotdid_boot_test")
  expect_named(tidy(bt), c("term", "estimate", "std.error", "statistic", "p.value", "conf.low",
                           "conf.high", "n", "type"))
  expect_identical(tidy(bt, ci = "equal-tailed")$p.value, bt$table$p.value_et)
  expect_identical(glance(bt)$n_bootclusters, 8L)
  expect_identical(coef(bt), coef(fit)[c("did", "x1")])
  expect_identical(nobs(bt), nobs(fit))
  pd <- boot_test_plot_data(bt, term = "x1")
  expect_identical(pd$observed, bt$table$statistic[2])
  expect_equal(sum(pd$histogram$density * (pd$histogram$xmax - pd$histogram$xmin)), 1)
  expect_equal(sum(pd$histogram$density * (pd$histogram$xmax - pd$histogram$xmin) * pd$n), 256)
  expect_s3_class(autoplot(bt), "ggplot")
  expect_snapshot(print(bt))
})

test_that("few clusters: a message recommends Webb weights", {
  d <- make_prov_panel(n_prov = 8, seed = 8)
  fit <- twfe(y ~ did + x1 | id + year, data = d, cluster = ~prov)
  expect_message(boot_test(fit, conf_int = FALSE), class = "pilotdid_message", regexp = "Webb")
  expect_no_message(boot_test(fit, type = "webb", n = 99, seed = 1, conf_int = FALSE))
})

test_that("bad input gives classed errors before any C++ runs", {
  d <- make_prov_panel(n_prov = 6, seed = 9)
  d$one <- 1L
  fit <- twfe(y ~ did + x1 | id + year, data = d, cluster = ~prov)
  err <- "pilotdid_error_input"
  expect_error(boot_test(fit, cluster = ~one), class = err)
  expect_error(boot_test(fit, bootcluster = "one"), class = err)
  expect_error(boot_test(fit, param = "gov"), class = err)
  expect_error(boot_test(fit, param = c(gov = 1)), class = err)
  expect_error(boot_test(fit, n = 0), class = err)
  expect_error(boot_test(fit, type = "uniform"), class = err)
  expect_error(boot_test(fit, r = c(1, 2)), class = err)
  expect_error(boot_test(fit, level = 1.5), class = err)
  expect_error(boot_test(fit, cluster = ~nope), class = err)
  expect_error(boot_test(lm(y ~ x1, d)), class = err)
  fit_h <- twfe(y ~ did + x1 | id + year, data = d, vcov = "hetero")
  expect_error(boot_test(fit_h), class = err)
  expect_error(boot_test(fit, cluster = ~ id + year), class = err)
  # columns the fit did not use come from its data, checked row by row
  d2 <- d
  d2$y[1] <- d2$y[1] + 1
  expect_error(boot_test(fit, bootcluster = ~one, data = d2), class = "pilotdid_error_data_changed")
  expect_error(boot_test(fit, cluster = ~one, data = d2), class = "pilotdid_error_data_changed")
  expect_snapshot(boot_test(fit, param = "gov"), error = TRUE)
  expect_snapshot(boot_test(fit, cluster = ~one), error = TRUE)
  expect_snapshot(boot_test(fit, bootcluster = ~nope), error = TRUE)
})

test_that("did_table(p = \"wild\") stars the bootstrap p-values of the shown coefficients", {
  d <- make_prov_panel(n_prov = 14, cities = c(3, 5), effect = 0.6, seed = 10)
  fit <- twfe(y ~ did + x1 | id + year, data = d, cluster = ~prov)
  fit2 <- update(fit, subset = year <= 5)
  tab <- did_table(fit, fit2, keep = "did", p = "wild", wild = list(n = 999, type = "webb", seed = 3))
  ref <- vapply(list(fit, fit2), function(f) {
    boot_test(f, "did", n = 999, type = "webb", seed = 3, conf_int = FALSE)$table$p.value
  }, 0)
  expect_identical(tab$coefs$p.value, ref)
  plain <- did_table(fit, fit2, keep = "did")
  expect_identical(plain$coefs$estimate, tab$coefs$estimate)
  expect_false(identical(plain$coefs$p.value, tab$coefs$p.value))
  expect_match(tab$notes, "wild cluster bootstrap", all = FALSE)
  expect_error(did_table(fit, p = "wild", wild = list(nope = 1)), class = "pilotdid_error_input")
  expect_error(did_table(fit, p = "wild", wild = list(bootcluster = ~nope)), class = "pilotdid_error_input")
})

test_that("event studies: each event-time coefficient and the joint pre-trend test match brute force", {
  d <- make_event_panel(n_id = 60, n_t = 8, cohorts = c(2013, 2015), seed = 11, drop_share = 0.05)
  d$grp <- d$id %% 9
  es <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort", window = c(-3, 2), cluster = ~grp)
  bt <- suppressMessages(boot_test(es, n = 300, type = "webb", seed = 5, conf_int = FALSE))
  terms <- es$table$label[!es$table$ref]
  expect_identical(bt$table$term, c(terms, "pre-trend (joint)"))
  # the same model as a plain twfe() fit on hand-made dummies
  rel <- pmin(pmax(d$year - d$cohort, -3), 2)
  for (j in which(!es$table$ref)) {
    d[[es$table$label[j]]] <- as.numeric(!is.na(rel) & rel == es$table$rel_time[j])
  }
  f <- stats::as.formula(paste("y ~", paste(c(terms, "x1"), collapse = " + "), "| id + year"))
  fit <- twfe(f, data = d, cluster = ~grp)
  ref <- suppressMessages(boot_test(fit, terms, n = 300, type = "webb", seed = 5, conf_int = FALSE))
  expect_equal(bt$draws[, terms], ref$draws, tolerance = 1e-10)
  expect_identical(bt$table$p.value[seq_along(terms)], ref$table$p.value)
  pre <- terms[startsWith(terms, "pre_")]
  V <- pilotdid:::cpp_boot_weights(9L, 1L, FALSE, 5, 0, 300L)
  Rm <- matrix(0, length(pre), length(terms) + 1L)
  Rm[cbind(seq_along(pre), match(pre, terms))] <- 1
  # bootstrap clusters are coded in order of appearance in the estimation sample
  bw <- brute_wald(d[fit$obs, ], c(terms, "x1"), Rm, "grp", "grp", V)
  joint <- bt$table[bt$table$term == "pre-trend (joint)", ]
  expect_equal(joint$statistic, es$wald$statistic, tolerance = 1e-8)
  expect_equal(joint$statistic, bw$F0, tolerance = 1e-8)
  expect_true(all(is.finite(bw$F)))
  expect_equal(bt$draws[, "pre-trend (joint)"], bw$F, tolerance = 1e-8)
  expect_identical(joint$p.value, mean(bw$F >= bw$F0 - 1e-9 * max(1, bw$F0)))
})
