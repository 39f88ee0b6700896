# pretrend_power() against the published pretrends example (He and Wang event
# study, ../shared/facts/pretrends_he_wang.md) and against direct computations.

he_wang <- function() {
  beta <- c(0.0667031481862068, -0.0077017922885716, -0.0307690538465977, 0.0840306580066681,
            0.2424418181180954, 0.2198789864778519, 0.1910925358533859)
  v <- c(0.00890657119452953, 0.00448831357061863, 0.00145870249252766, 0.00121576886158437, 0.00203276448883116, 0.00132250145543367, 0.00196177279576659,
         0.00448831357061863, 0.00593691691756248, 0.00275007914751768, 0.00135058583691716, 0.00143154594115913, 0.00120677915401757, 0.00138471578247845,
         0.00145870249252766, 0.00275007914751768, 0.00303862476721406, 0.000905616616364568, 0.000679129851050675, 0.00101676362100989, 0.000709014420863241,
         0.00121576886158437, 0.00135058583691716, 0.000905616616364568, 0.00392474094405770, 0.00259611802175641, 0.00173261493910104, 0.00223455252125859,
         0.00203276448883116, 0.00143154594115913, 0.000679129851050675, 0.00259611802175641, 0.00806589704006910, 0.00587537512183189, 0.00374143593944609,
         0.00132250145543367, 0.00120677915401757, 0.00101676362100989, 0.00173261493910104, 0.00587537512183189, 0.00788157898932695, 0.00365070952102542,
         0.00196177279576659, 0.00138471578247845, 0.000709014420863241, 0.00223455252125859, 0.00374143593944609, 0.00365070952102542, 0.00978842657059431)
  list(beta = beta, sigma = matrix(v, 7, 7, byrow = TRUE), tVec = c(-4, -3, -2, 0, 1, 2, 3))
}

hw_power <- function(...) {
  h <- he_wang()
  pretrend_power(betahat = h$beta, sigma = h$sigma, tVec = h$tVec, referencePeriod = -1, ...)
}

test_that("the slope with 50% power matches pretrends' slope_for_power()", {
  pp <- hw_power()
  # pretrends stops uniroot() at its default tolerance (1.2e-4); ours solves to 1e-10
  expect_lt(abs(pp$slope - 0.05205871), 1e-4)
  expect_equal(pp$power, 0.5, tolerance = 1e-8)
})

test_that("power, Bayes factor, likelihood ratio and conditional means match the published linear case", {
  pp <- hw_power(slope = 0.05205871)
  expect_lt(abs(pp$power - 0.4999776), 1e-4)
  # The published Bayes factor divides two Monte Carlo probabilities (Genz-Bretz,
  # abseps 1e-3); the exact one (checked below against a 1e-9 Genz-Bretz run)
  # differs from it by 1.1e-4.
  expect_lt(abs(pp$bayes_factor - 0.56901), 1.5e-4)
  expect_lt(abs(pp$likelihood_ratio - 0.1057627), 1e-6)
  tab <- tidy(pp)
  expect_equal(tab$t, -4:3)
  mean_pub <- c(-0.09230764, -0.05555285, -0.02790950, 0, 0.06490184, 0.12084694, 0.16946498, 0.22453827)
  se_pub <- c(0.09437463, 0.07705139, 0.05512372, 0, 0.06264775, 0.08981034, 0.08877826, 0.09893648)
  expect_lt(max(abs(tab$mean_after_pretest - mean_pub)), 1e-3)
  expect_lt(max(abs(tab$se - se_pub)), 1e-7)
  expect_equal(tab$delta, 0.05205871 * (-4:3 + 1))
})

test_that("the quadratic violation matches the published power, Bayes factor and likelihood ratio", {
  h <- he_wang()
  pp <- hw_power(delta = 0.024 * (h$tVec + 1)^2)
  expect_lt(abs(pp$power - 0.6624282), 1e-4)
  expect_lt(abs(pp$bayes_factor - 0.3841516), 1e-4)
  expect_lt(abs(pp$likelihood_ratio - 0.4332635), 1e-4)
  expect_true(is.na(pp$slope))
})

test_that("power and the truncated means agree with high-precision and brute-force oracles", {
  h <- he_wang()
  d <- 0.05 * (h$tVec + 1)
  pp <- hw_power(delta = d)
  S <- h$sigma[1:3, 1:3]
  ub <- qnorm(0.975) * sqrt(diag(S))
  gb <- function(m) withr::with_seed(1, mvtnorm::pmvnorm(-ub, ub, mean = m, sigma = S,
                                                        algorithm = mvtnorm::GenzBretz(maxpts = 1e7, abseps = 1e-9)))
  expect_equal(pp$power, 1 - as.numeric(gb(d[1:3])), tolerance = 1e-7)
  expect_equal(pp$size, 1 - as.numeric(gb(c(0, 0, 0))), tolerance = 1e-7)
  expect_equal(pp$bayes_factor, (1 - pp$power) / (1 - pp$size), tolerance = 1e-12)
  # likelihood ratio from the densities
  dens <- function(m) mvtnorm::dmvnorm(h$beta[1:3], m, S)
  expect_equal(pp$likelihood_ratio, dens(d[1:3]) / dens(c(0, 0, 0)), tolerance = 1e-10)
  # truncated mean by brute-force simulation (4e5 draws, sd of the mean < 2e-4)
  draws <- withr::with_seed(7, mvtnorm::rmvnorm(4e5, d[1:3], S))
  keep <- apply(abs(draws) <= rep(ub, each = nrow(draws)), 1, all)
  mc <- colMeans(draws[keep, ])
  tab <- tidy(pp)
  expect_lt(max(abs(tab$mean_after_pretest[1:3] - mc)), 1e-3)
  # post-period means: regression of the post on the pre coefficients
  post <- 4:7
  mpost <- d[post] + h$sigma[post, 1:3] %*% solve(S, tab$mean_after_pretest[1:3] - d[1:3])
  expect_equal(tab$mean_after_pretest[tab$t >= 0], drop(mpost), tolerance = 1e-12)
})

test_that("pretrend_power() on an event_study() equals the plain-input call; plot data", {
  d <- make_panel(n_id = 60, n_t = 12, cohorts = c(2013, 2015, 2017), seed = 1)
  es <- event_study(y ~ x1 + x2 | id + year, data = d, cohort = "cohort", window = c(-4, 2))
  pp <- pretrend_power(es, slope = 0.1)
  ref <- pretrend_power(betahat = unname(coef(es)), sigma = unname(vcov(es)), tVec = c(-4, -3, -2, 0, 1, 2),
                        referencePeriod = -1, slope = 0.1)
  keep <- setdiff(names(glance(pp)), "nobs")
  expect_equal(glance(pp)[keep], glance(ref)[keep], tolerance = 1e-10)
  expect_equal(nobs(pp), nobs(es))
  expect_equal(glance(pp)$nobs, nobs(es))
  expect_true(is.na(nobs(ref)))
  # broom's columns: the event-study coefficients with normal z tests at level 1 - alpha
  td <- tidy(pp)
  expect_equal(names(td)[1:7], c("term", "estimate", "std.error", "statistic", "p.value", "conf.low", "conf.high"))
  est <- td[!td$ref, ]
  expect_equal(est$term, names(coef(es)))
  expect_equal(est$estimate, unname(coef(es)), tolerance = 1e-12)
  expect_equal(est$std.error, sqrt(diag(unname(vcov(es)))), tolerance = 1e-12)
  expect_equal(est$statistic, unname(coef(es)) / sqrt(diag(unname(vcov(es)))), tolerance = 1e-12)
  expect_equal(est$p.value, 2 * pnorm(-abs(est$statistic)), tolerance = 1e-12)
  expect_equal(est$conf.low, est$estimate - qnorm(0.975) * est$std.error, tolerance = 1e-12)
  expect_equal(est$conf.high, est$estimate + qnorm(0.975) * est$std.error, tolerance = 1e-12)
  r <- td[td$ref, ]
  expect_equal(c(r$t, r$estimate), c(-1, 0))
  expect_true(all(is.na(unlist(r[c("std.error", "statistic", "p.value", "conf.low", "conf.high")]))))
  expect_equal(coef(pp), stats::setNames(td$estimate, td$term))
  expect_equal(tidy(ref)$term, c("t = -4", "t = -3", "t = -2", "t = -1 (ref.)", "t = 0", "t = 1", "t = 2"))
  expect_s3_class(summary(pp), "summary.pilotdid_pretrend_power")
  expect_output(print(summary(pp)), "Power of the pre-trend test")
  pd <- pretrend_power_plot_data(pp, lang = "zh")
  expect_equal(pd$value[pd$series == "mean_after_pretest"], tidy(pp)$mean_after_pretest)
  expect_equal(pd$conf.high[pd$series == "estimate"], tidy(pp)$betahat + qnorm(0.975) * tidy(pp)$se)
  expect_s3_class(autoplot(pp), "ggplot")
})

test_that("bad input gives classed errors naming the argument", {
  h <- he_wang()
  expect_error(pretrend_power(betahat = h$beta[4:7], sigma = h$sigma[4:7, 4:7], tVec = 0:3, referencePeriod = -1),
               class = "pilotdid_error_input", regexp = "pre-period")
  expect_error(hw_power(delta = 1:3), class = "pilotdid_error_input", regexp = "delta")
  expect_error(hw_power(power = 0.05), class = "pilotdid_error_input", regexp = "power")
  expect_error(hw_power(slope = 0.1, delta = h$tVec), class = "pilotdid_error_input", regexp = "slope")
  expect_error(pretrend_power(betahat = h$beta, sigma = h$sigma, tVec = h$tVec[-1], referencePeriod = -1),
               class = "pilotdid_error_input", regexp = "tVec")
  d <- make_panel(n_id = 60, n_t = 12, cohorts = c(2013, 2015, 2017), seed = 1)
  es <- event_study(y ~ 1 | id + year, data = d, cohort = "cohort", window = c(-1, 3))
  expect_error(pretrend_power(es), class = "pilotdid_error_input", regexp = "pre-period")
})
