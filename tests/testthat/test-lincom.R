# lincom() and the joint event-time covariances, against fixest, did and hand
# computations sqrt(t(w) %*% V %*% w).

test_that("lincom() on a twfe() fit equals the hand computation with fixest's estimates", {
  skip_if_not_installed("fixest")
  d <- make_panel(n_id = 50, n_t = 8, seed = 3)
  fit <- twfe(y ~ x1 + x2 | id + year, data = d, cluster = ~id)
  ref <- fixest::feols(y ~ x1 + x2 | id + year, data = d, cluster = ~id, ssc = fixest_ssc())
  w <- c(1, -2)
  b <- stats::coef(ref)
  V <- stats::vcov(ref)
  est <- sum(w * b)
  se <- sqrt(drop(t(w) %*% V %*% w))
  G <- length(unique(d$id))
  for (lc in list(lincom(fit, c(x1 = 1, x2 = -2)), lincom(fit, "x1 - 2 * x2"), lincom(fit, w),
                  lincom(fit, matrix(w, 1, dimnames = list("diff", c("x1", "x2")))))) {
    expect_equal(lc$estimate, est, tolerance = 1e-8)
    expect_equal(lc$std.error, se, tolerance = 1e-8)
    expect_equal(lc$p.value, 2 * pt(-abs(est / se), G - 1), tolerance = 1e-8)
    expect_equal(lc$conf.high, est + qt(0.975, G - 1) * se, tolerance = 1e-8)
  }
  two <- lincom(fit, c(a = "x1", b = "(x1 + x2) / 2"), null = c(0, 1))
  expect_equal(two$term, c("a", "b"))
  expect_equal(two$statistic[2], (mean(b) - 1) / sqrt(sum(V) / 4), tolerance = 1e-8)
})

test_that("event_study(): vcov() equals fixest's vcov of the i() model and lincom() uses it", {
  skip_if_not_installed("fixest")
  d <- make_event_panel(n_id = 90, n_t = 14, drop_share = 0.1, seed = 11)
  es <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort")
  ref <- fixest::feols(y ~ i(rel, ref = -1) + x1 | id + year, data = add_rel_time(d), cluster = ~id,
                       fixef.rm = "none")
  k <- startsWith(names(stats::coef(ref)), "rel::")
  Vf <- stats::vcov(ref)[k, k]
  expect_equal(unname(vcov(es)), unname(Vf), tolerance = 1e-8)
  expect_equal(es$table$ref, es$table$rel_time == -1)
  post <- es$table$rel_time[!es$table$ref] >= 0
  w <- post / sum(post)
  lc <- aggregate(es, "post_average")
  expect_equal(lc$estimate, sum(w * stats::coef(ref)[k]), tolerance = 1e-8)
  expect_equal(lc$std.error, sqrt(drop(t(w) %*% Vf %*% w)), tolerance = 1e-8)
  lw <- aggregate(es, "window", window = c(1, 2))
  expect_equal(lw$estimate, mean(coef(es)[c("post_1", "post_2")]), tolerance = 1e-12)
  lp <- lincom(es, "post_1 - pre_2")
  expect_equal(lp$std.error, sqrt(Vf["rel::1", "rel::1"] + Vf["rel::-2", "rel::-2"] - 2 * Vf["rel::1", "rel::-2"]),
               tolerance = 1e-8)
  expect_equal(colnames(attr(lp, "weights")), names(coef(es)))
})

test_that("sun_abraham(): vcov() equals fixest's sunab aggregated covariance", {
  skip_if_not_installed("fixest")
  d <- make_staggered(n_id = 80, n_t = 10, cohorts = c(2011, 2013, 2016), drop_share = 0.05, seed = 3)
  d$gs <- ifelse(is.na(d$cohort), 10000, d$cohort)
  sa <- sun_abraham(y ~ x1 | id + year, data = d, cohort = "cohort")
  ref <- fixest::feols(y ~ x1 + sunab(gs, year) | id + year, data = d, cluster = ~id, ssc = fixest_ssc())
  # fixest's cohort x period covariance, aggregated with the cohort shares of
  # each period (the weights of fixest's own aggregation, whose SEs
  # test-sun_abraham.R matches): S' V S
  Vf <- stats::vcov(summary(ref, agg = FALSE))
  ch <- sa$cohort_effects
  cn <- paste0("year::", ch$rel_time, ":cohort::", ch$cohort)
  expect_equal(unname(stats::coef(summary(ref, agg = FALSE))[cn]), ch$estimate, tolerance = 1e-8)
  e <- sa$estimates$rel_time[!sa$estimates$ref]
  S <- sapply(e, function(r) { s <- ifelse(ch$rel_time == r, ch$n_obs, 0); s / sum(s) })
  Vagg <- t(S) %*% Vf[cn, cn] %*% S
  expect_equal(unname(vcov(sa)), unname(Vagg), tolerance = 1e-8)
  ct <- fixest::coeftable(summary(ref, agg = TRUE))
  ct <- ct[grep("^year::", rownames(ct)), , drop = FALSE]
  expect_equal(sqrt(diag(Vagg)), unname(ct[, 2]), tolerance = 1e-8)
  lc <- aggregate(sa, "post_average")
  w <- (e >= 0) / sum(e >= 0)
  expect_equal(lc$estimate, sum(w * ct[, 1]), tolerance = 1e-8)
  expect_equal(lc$std.error, sqrt(drop(t(w) %*% Vagg %*% w)), tolerance = 1e-8)
})

test_that("att_gt() dynamic: vcov() is the influence-function covariance and the post average is did's overall ATT", {
  d <- make_staggered(n_id = 60, n_t = 8, seed = 2)
  cs <- att_gt(y ~ 1 | id + year, data = d, cohort = "g", base_period = "universal")
  a <- aggregate(cs, "dynamic")
  V <- vcov(a)
  n <- nrow(a$inf_func)
  expect_equal(unname(V), crossprod(a$inf_func) / n^2, tolerance = 1e-12)
  tb <- tidy(a)
  expect_equal(tb$ref, tb$rel_time %in% -1)
  ok <- !is.na(tb$std.error)
  expect_equal(sqrt(diag(V))[ok], tb$std.error[ok], tolerance = 1e-10, ignore_attr = TRUE)
  post <- a$estimates$term[a$estimates$rel_time >= 0]
  lc <- lincom(a, stats::setNames(rep(1 / length(post), length(post)), post))
  expect_equal(lc$estimate, a$overall$estimate, tolerance = 1e-10)
  expect_equal(lc$std.error, a$overall$std.error, tolerance = 1e-10)
  expect_equal(lc$p.value, 2 * pnorm(-abs(lc$estimate / lc$std.error)))
  skip_if_not_installed("did")
  ref <- suppressWarnings(suppressMessages(did::att_gt("y", "year", "id", "g", data = d, bstrap = FALSE,
                                                       cband = FALSE, base_period = "universal")))
  ra <- suppressWarnings(did::aggte(ref, type = "dynamic", bstrap = FALSE, cband = FALSE))
  expect_equal(lc$estimate, ra$overall.att, tolerance = 1e-8)
  expect_lt(rel_diff(lc$std.error, ra$overall.se), 1e-6)
  inf <- ra$inf.function$dynamic.inf.func.e
  Vd <- crossprod(inf) / nrow(inf)^2
  rows <- match(ra$egt, a$estimates$rel_time)
  okd <- !is.na(ra$se.egt)
  expect_lt(max(abs(V[rows[okd], rows[okd]] - Vd[okd, okd])) / max(abs(Vd)), 1e-6)
})

test_that("lincom() rejects bad weights with classed errors", {
  d <- make_panel(n_id = 30, n_t = 6, seed = 1)
  fit <- twfe(y ~ x1 + x2 | id + year, data = d)
  expect_error(lincom(fit, c(x3 = 1)), class = "pilotdid_error_input", regexp = "x3")
  expect_error(lincom(fit, c(1, 2, 3)), class = "pilotdid_error_input", regexp = "weights")
  expect_error(lincom(fit, "x1 * x2"), class = "pilotdid_error_input", regexp = "linear")
  expect_error(lincom(fit, "x1 + 1"), class = "pilotdid_error_input", regexp = "constant")
  expect_error(lincom(fit, "x1 +"), class = "pilotdid_error_input", regexp = "expression")
  expect_error(lincom(fit, list(1)), class = "pilotdid_error_input", regexp = "weights")
  expect_error(lincom(list(a = 1), 1), class = "pilotdid_error_input", regexp = "x")
  d2 <- make_panel(n_id = 60, n_t = 12, cohorts = c(2013, 2015, 2017), seed = 1)
  es <- event_study(y ~ 1 | id + year, data = d2, cohort = "cohort", window = c(-3, 3))
  expect_error(aggregate(es, "window", window = c(8, 9)), class = "pilotdid_error_input", regexp = "window")
  expect_error(aggregate(es, "window", window = 3), class = "pilotdid_error_input", regexp = "window")
})

test_that("lincom() is a pilotdid_lincom result: vcov() is W V W', tidy() and as.data.frame() its columns", {
  d <- make_panel(n_id = 40, n_t = 8, seed = 6)
  fit <- twfe(y ~ x1 + x2 | id + year, data = d, cluster = ~id)
  lc <- lincom(fit, c(a = "x1 - x2", b = "(x1 + x2) / 2", c = "x2"), null = c(0, 0, 1))
  expect_s3_class(lc, c("pilotdid_lincom", "data.frame"))
  W <- rbind(c(1, -1), c(0.5, 0.5), c(0, 1))
  V <- vcov(fit)
  expect_equal(unname(vcov(lc)), W %*% V %*% t(W), tolerance = 1e-12)
  expect_equal(dimnames(vcov(lc)), list(c("a", "b", "c"), c("a", "b", "c")))
  expect_equal(sqrt(diag(vcov(lc))), stats::setNames(lc$std.error, lc$term), tolerance = 1e-12)
  expect_equal(coef(lc), stats::setNames(drop(W %*% coef(fit)), c("a", "b", "c")), tolerance = 1e-12)
  cols <- c("term", "estimate", "std.error", "statistic", "p.value", "conf.low", "conf.high")
  expect_identical(class(tidy(lc)), "data.frame")
  expect_identical(names(tidy(lc)), cols)
  expect_identical(names(as.data.frame(lc)), cols)
  expect_equal(attr(as.data.frame(lc), "weights"), attr(lc, "weights"))
  expect_equal(tidy(lc)$statistic[3], (coef(fit)[["x2"]] - 1) / sqrt(V[2, 2]), tolerance = 1e-10)
  expect_equal(nobs(lc), nobs(fit))
  gl <- glance(lc)
  expect_equal(c(gl$n_combinations, gl$df, gl$level, gl$nobs), c(3, 39, 0.95, nobs(fit)))
  expect_snapshot(print(lc))
  # a subset keeps its columns but not a covariance it no longer matches
  expect_equal(lc[2, ]$estimate, lc$estimate[2])
  expect_error(vcov(lc[1:2, ]), class = "pilotdid_error_input", regexp = "object")
  # aggregate() of an event study is a one-row pilotdid_lincom named by its type
  es <- suppressMessages(event_study(y ~ x1 | id + year, data = make_event_panel(n_id = 60, n_t = 10, seed = 2),
                                     cohort = "cohort", window = c(-3, 2)))
  ag <- aggregate(es, "post_average")
  expect_s3_class(ag, "pilotdid_lincom")
  expect_equal(names(coef(ag)), "post_average")
  w <- as.numeric(es$table$rel_time[!es$table$ref] >= 0)
  w <- w / sum(w)
  expect_equal(unname(vcov(ag)), matrix(drop(t(w) %*% vcov(es) %*% w)), tolerance = 1e-12)
})
