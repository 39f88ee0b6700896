# twfe() against fixest::feols() and lm() with dummies + sandwich.
# fixest options used everywhere: fixef.rm = "none" (or "singleton" where
# stated), ssc = fixest_ssc() (see helper-panels.R).

expect_matches_fixest <- function(fit, ref, tol = 1e-8) {
  expect_equal(unname(coef(fit)), unname(coef(ref)), tolerance = tol)
  expect_lt(rel_diff(sqrt(diag(vcov(fit))), fixest::se(ref)), tol)
  expect_equal(nobs(fit), nobs(ref))
}

test_that("balanced 218 x 14 panel: coefficients and city-clustered SEs equal fixest and lm + vcovCL", {
  skip_if_not_installed("fixest")
  skip_if_not_installed("sandwich")
  d <- make_panel(n_id = 218, n_t = 14, n_x = 3, seed = 11)
  fit <- twfe(y ~ treat + x1 + x2 + x3 | id + year, data = d, cluster = ~id)
  ref <- fixest::feols(y ~ treat + x1 + x2 + x3 | id + year, data = d, cluster = ~id,
                       fixef.rm = "none", ssc = fixest_ssc())
  expect_matches_fixest(fit, ref)
  expect_true(fit$exact)
  expect_equal(fit$n_clusters, c(id = 218L))
  expect_equal(fit$df_t, 217L)
  # lm with dummies: same coefficients; CR1 meat and bread via sandwich, with the
  # documented factor (n-1)/(n-K), K = 4 regressors + intercept + 13 year levels
  m <- lm(y ~ treat + x1 + x2 + x3 + factor(id) + factor(year), data = d)
  expect_equal(unname(coef(fit)), unname(coef(m)[2:5]), tolerance = 1e-8)
  n <- nrow(d)
  V <- sandwich::vcovCL(m, cluster = ~id, type = "HC0", cadjust = TRUE)[2:5, 2:5] *
    (n - 1) / (n - (4 + 1 + 13))
  expect_lt(rel_diff(vcov(fit), V), 1e-8)
})

test_that("unbalanced panel: estimates, SEs, R2s and t-based inference equal fixest", {
  skip_if_not_installed("fixest")
  d <- make_panel(n_id = 80, n_t = 10, drop_share = 0.15, seed = 12)
  fit <- twfe(y ~ treat + x1 + x2 | id + year, data = d)
  ref <- fixest::feols(y ~ treat + x1 + x2 | id + year, data = d, cluster = ~id,
                       fixef.rm = "none", ssc = fixest_ssc())
  expect_matches_fixest(fit, ref)
  expect_equal(fit$r2, unname(fixest::r2(ref, "r2")), tolerance = 1e-10)
  expect_equal(fit$r2_within, unname(fixest::r2(ref, "wr2")), tolerance = 1e-10)
  expect_equal(fit$adj_r2, unname(fixest::r2(ref, "ar2")), tolerance = 1e-10)
  expect_equal(tidy(fit)$p.value, as.numeric(fixest::pvalue(ref)), tolerance = 1e-8)
  expect_equal(unname(confint(fit)), unname(as.matrix(confint(ref))), tolerance = 1e-8)
})

test_that("exact path with more columns than one block (8): weighted, unsorted rows, equal fixest; data untouched", {
  skip_if_not_installed("fixest")
  d <- make_panel(n_id = 70, n_t = 9, n_x = 11, drop_share = 0.1, seed = 21)
  d <- d[sample.int(nrow(d)), ]   # rows not grouped by unit
  d$w <- stats::runif(nrow(d), 0.5, 2)
  d$x11 <- as.integer(d$x11 > 0)  # an integer column, converted in the model matrix
  before <- d
  f <- stats::as.formula(paste("y ~ treat +", paste0("x", 1:11, collapse = " + "), "| id + year"))
  fit1 <- twfe(f, data = d, weights = ~w, cluster = ~id, threads = 1)
  fit2 <- twfe(f, data = d, weights = ~w, cluster = ~id, threads = 2)
  ref <- fixest::feols(f, data = d, weights = ~w, cluster = ~id, fixef.rm = "none", ssc = fixest_ssc())
  expect_true(fit1$exact)
  expect_matches_fixest(fit1, ref)
  expect_identical(coef(fit1), coef(fit2))
  expect_identical(residuals(fit1), residuals(fit2))
  expect_identical(d, before)
  # the fit's demeaned regressors: weighted residuals on unit and year dummies
  for (v in c("x1", "x9", "x11")) {
    r <- stats::residuals(stats::lm(stats::reformulate(c("factor(id)", "factor(year)"), v), data = d, weights = w))
    expect_lt(max(abs(fit1$sample$X[, v] - r)), 1e-10)
  }
})

test_that("exact path: units seen in most periods (one weight per unit), duplicates and a third dimension demean as lm", {
  d <- make_panel(n_id = 40, n_t = 12, drop_share = 0.04, seed = 22)
  d <- rbind(d, d[c(5, 77), ])                        # two duplicated rows
  d$wu <- stats::runif(40, 0.5, 2)[match(d$id, unique(d$id))]   # constant within units
  d$prov <- d$id %% 3
  X <- as.matrix(d[c("x1", "x2")])
  for (fe in list(c("id", "year"), c("id", "year", "prov_year"))) {
    d$prov_year <- interaction(d$prov, d$year, drop = TRUE)
    codes <- lapply(d[fe], function(v) match(v, unique(v)) - 1L)
    for (w in list(rep(1, nrow(d)), d$wu)) {
      dm <- pilotdid:::within_transform(X, d$y, codes, w, 1L)
      expect_true(dm$exact)
      f <- stats::reformulate(paste0("factor(", fe, ")"), "x1")
      r <- stats::residuals(stats::lm(f, data = d, weights = w))
      expect_lt(max(abs(dm$X[, 1] - r)), 1e-10)
    }
  }
})

test_that("iid and heteroskedasticity-robust variances equal fixest and lm", {
  skip_if_not_installed("fixest")
  skip_if_not_installed("sandwich")
  d <- make_panel(n_id = 50, n_t = 6, drop_share = 0.1, seed = 13)
  ref <- fixest::feols(y ~ treat + x1 | id + year, data = d, fixef.rm = "none", ssc = fixest_ssc())
  for (v in c("iid", "hetero")) {
    fit <- twfe(y ~ treat + x1 | id + year, data = d, vcov = v)
    expect_lt(rel_diff(sqrt(diag(vcov(fit))), fixest::se(ref, vcov = v)), 1e-8)
  }
  m <- lm(y ~ treat + x1 + factor(id) + factor(year), data = d)
  fit <- twfe(y ~ treat + x1 | id + year, data = d, vcov = "hetero")
  expect_lt(rel_diff(vcov(fit), sandwich::vcovHC(m, type = "HC1")[2:3, 2:3]), 1e-8)
  fit <- twfe(y ~ treat + x1 | id + year, data = d, vcov = "iid")
  expect_lt(rel_diff(vcov(fit), stats::vcov(m)[2:3, 2:3]), 1e-8)
})

test_that("three fixed-effect dimensions, exact and iterative paths, equal fixest", {
  skip_if_not_installed("fixest")
  d <- make_panel(n_id = 60, n_t = 8, drop_share = 0.1, seed = 14)
  d$region <- d$id %% 5
  # fixest iterates: fixef.tol = 1e-11 so that its own error is below 1e-8
  ref <- fixest::feols(y ~ treat + x1 + x2 | id + year + region^year, data = d, cluster = ~id,
                       fixef.rm = "none", fixef.tol = 1e-11, ssc = fixest_ssc())
  fit <- twfe(y ~ treat + x1 + x2 | id + year + region^year, data = d)
  expect_true(fit$exact)
  expect_matches_fixest(fit, ref)
  withr::local_options(pilotdid.max_exact = 0L)
  fit_map <- twfe(y ~ treat + x1 + x2 | id + year + region^year, data = d)
  expect_false(fit_map$exact)
  expect_matches_fixest(fit_map, ref)
})

test_that("iterative path: firm panels with three and interacted fixed effects equal fixest", {
  skip_if_not_installed("fixest")
  d <- make_firm_panel(n_id = 1500, n_t = 5, n_firm = 450, move_rows = 0.15, seed = 41)
  for (fe in c("id + year + firm", "id + firm^year", "id + year + firm + ind^year")) {
    f <- stats::as.formula(paste("y ~ x1 + x2 |", fe))
    fit <- twfe(f, data = d, cluster = ~id)
    expect_false(fit$exact)
    # fixest iterates: fixef.tol = 1e-11 so that its own error is below 1e-8
    ref <- fixest::feols(f, data = d, cluster = ~id, fixef.rm = "none", fixef.tol = 1e-11,
                         ssc = fixest_ssc())
    expect_matches_fixest(fit, ref)
  }
})

test_that("iterative path: a poorly connected firm graph (2% of units move), weighted or not, equals fixest", {
  skip_if_not_installed("fixest")
  d <- make_firm_panel(n_id = 3000, n_t = 5, n_firm = 600, move_units = 0.02, seed = 42)
  fit <- twfe(y ~ x1 + x2 | id + year + firm, data = d, cluster = ~firm, weights = ~w)
  expect_false(fit$exact)
  ref <- fixest::feols(y ~ x1 + x2 | id + year + firm, data = d, cluster = ~firm, weights = ~w,
                       fixef.rm = "none", fixef.tol = 1e-11, ssc = fixest_ssc())
  expect_matches_fixest(fit, ref)
  fit <- twfe(y ~ x1 + x2 | id + firm^year, data = d, cluster = ~id)
  ref <- fixest::feols(y ~ x1 + x2 | id + firm^year, data = d, cluster = ~id,
                       fixef.rm = "none", fixef.tol = 1e-11, ssc = fixest_ssc())
  expect_matches_fixest(fit, ref)
})

test_that("iterative path: the default tolerance (1e-10) is met against a tight solve; 1 and 2 threads agree", {
  d <- make_firm_panel(n_id = 800, n_t = 5, n_firm = 300, move_rows = 0.1, move_units = 0.02, seed = 43)
  f <- y ~ x1 + x2 | id + year + firm
  withr::local_options(pilotdid.max_exact = 0L)
  fit1 <- twfe(f, data = d, threads = 1)
  fit2 <- twfe(f, data = d, threads = 2)
  expect_false(fit1$exact)
  expect_identical(coef(fit1), coef(fit2))
  expect_identical(vcov(fit1), vcov(fit2))
  expect_identical(residuals(fit1), residuals(fit2))
  tight <- withr::with_options(list(pilotdid.tol = 1e-14), twfe(f, data = d))
  # tol bounds the relative RMS error of each demeaned column; the
  # coefficients' error is of its square (the error lies in the span of the
  # fixed effects, orthogonal to the exactly demeaned regressors)
  codes <- lapply(d[c("id", "year", "firm")], function(v) match(v, sort(unique(v))) - 1L)
  X <- as.matrix(d[c("x1", "x2")])
  dm <- pilotdid:::within_transform(X, d$y, codes, rep(1, nrow(d)), 1L)
  dm_tight <- withr::with_options(list(pilotdid.tol = 1e-14),
                                  pilotdid:::within_transform(X, d$y, codes, rep(1, nrow(d)), 1L))
  rel_rms <- function(a, b) sqrt(sum((a - b)^2) / sum(b^2))
  expect_lt(rel_rms(dm$y, dm_tight$y), 1e-10)
  for (j in 1:2) expect_lt(rel_rms(dm$X[, j], dm_tight$X[, j]), 1e-10)
  expect_lt(max(abs(coef(fit1) - coef(tight))), 1e-12)
  expect_lt(rel_diff(sqrt(diag(vcov(fit1))), sqrt(diag(vcov(tight)))), 1e-8)
  expect_warning(withr::with_options(list(pilotdid.maxit = 2L), twfe(f, data = d)),
                 "without converging")
})

test_that("weights given as a formula or a vector equal fixest and weighted lm", {
  skip_if_not_installed("fixest")
  d <- make_panel(n_id = 50, n_t = 7, drop_share = 0.05, seed = 15)
  d$w <- withr::with_seed(1, stats::runif(nrow(d), 0.5, 2))
  fit <- twfe(y ~ treat + x1 + x2 | id + year, data = d, weights = ~w)
  ref <- fixest::feols(y ~ treat + x1 + x2 | id + year, data = d, weights = ~w, cluster = ~id,
                       fixef.rm = "none", ssc = fixest_ssc())
  expect_matches_fixest(fit, ref)
  expect_equal(coef(twfe(y ~ treat + x1 + x2 | id + year, data = d, weights = d$w)), coef(fit))
  m <- lm(y ~ treat + x1 + x2 + factor(id) + factor(year), data = d, weights = w)
  expect_equal(unname(coef(fit)), unname(coef(m)[2:4]), tolerance = 1e-8)
})

test_that("two-way clustering equals fixest (CGM with the smaller G)", {
  skip_if_not_installed("fixest")
  d <- make_panel(n_id = 40, n_t = 9, drop_share = 0.1, seed = 16)
  fit <- twfe(y ~ treat + x1 | id + year, data = d, cluster = ~ id + year)
  ref <- fixest::feols(y ~ treat + x1 | id + year, data = d, cluster = ~ id + year,
                       fixef.rm = "none", ssc = fixest_ssc())
  expect_matches_fixest(fit, ref)
  expect_equal(fit$df_t, 8L)
  # clustering on a variable the unit FE is nested in
  d$prov <- d$id %% 7
  fit <- twfe(y ~ treat + x1 | id + year, data = d, cluster = "prov")
  ref <- fixest::feols(y ~ treat + x1 | id + year, data = d, cluster = ~prov,
                       fixef.rm = "none", ssc = fixest_ssc())
  expect_matches_fixest(fit, ref)
})

test_that("collinear and FE-absorbed regressors are dropped with a message naming them", {
  skip_if_not_installed("fixest")
  d <- make_panel(n_id = 30, n_t = 6, seed = 17)
  d$x3 <- d$x1 - 2 * d$x2
  d$size <- d$id %% 4
  expect_message(fit <- twfe(y ~ treat + x1 + x2 + x3 + size | id + year, data = d),
                 "size.*constant within the fixed effects")
  expect_message(twfe(y ~ treat + x1 + x2 + x3 | id + year, data = d), "x3.*collinear")
  ref <- fixest::feols(y ~ treat + x1 + x2 + x3 + size | id + year, data = d, cluster = ~id,
                       fixef.rm = "none", ssc = fixest_ssc(), notes = FALSE)
  expect_equal(names(coef(fit)), names(coef(ref)))
  expect_matches_fixest(fit, ref)
  expect_setequal(fit$dropped_vars, c("x3", "size"))
})

test_that("singletons: kept by default, dropped iteratively (reghdfe) with drop_singletons = TRUE", {
  skip_if_not_installed("fixest")
  d <- make_panel(n_id = 40, n_t = 6, seed = 18)
  d <- d[!(d$id %in% 1:4 & d$year > min(d$year)), ]          # units 1-4: one row each
  extra <- d[d$id == 5, ][1, ]
  extra$year <- 2099                                         # a singleton year
  d <- rbind(d, extra)
  keep <- twfe(y ~ x1 + x2 | id + year, data = d)
  ref_keep <- fixest::feols(y ~ x1 + x2 | id + year, data = d, cluster = ~id,
                            fixef.rm = "none", ssc = fixest_ssc())
  expect_matches_fixest(keep, ref_keep)
  expect_message(drop <- twfe(y ~ x1 + x2 | id + year, data = d, drop_singletons = TRUE),
                 "5 singleton")
  ref_drop <- fixest::feols(y ~ x1 + x2 | id + year, data = d, cluster = ~id,
                            fixef.rm = "singleton", ssc = fixest_ssc(), notes = FALSE)
  expect_matches_fixest(drop, ref_drop)
  # a cluster that is not a fixed effect, read on the rows left
  d$region <- d$id %% 7
  drop_r <- suppressMessages(twfe(y ~ x1 + x2 | id + year, data = d, drop_singletons = TRUE, cluster = ~region))
  ref_r <- fixest::feols(y ~ x1 + x2 | id + year, data = d, cluster = ~region,
                         fixef.rm = "singleton", ssc = fixest_ssc(), notes = FALSE)
  expect_matches_fixest(drop_r, ref_r)
  # iterative: a chain where removing one singleton creates another
  chain <- data.frame(id = c(1, 1, 2, 2, 3, 3, 3, 4, 4), t = c(1, 2, 2, 3, 1, 2, 3, 1, 2),
                      x = c(1, 3, 2, 5, 4, 1, 2, 6, 2), y = c(2, 1, 4, 3, 6, 5, 2, 7, 1))
  chain <- rbind(chain, data.frame(id = 5, t = 4, x = 1, y = 1))
  expect_equal(pilotdid:::singleton_rows(list(chain$id - 1L, chain$t - 1L)), 10L)
})

test_that("formula terms as lm() takes them: functions, interactions, factors, transformed outcome", {
  skip_if_not_installed("fixest")
  d <- make_panel(n_id = 40, n_t = 6, seed = 19)
  d$pos <- exp(d$y / 5)
  d$grp <- factor(withr::with_seed(5, sample(letters[1:3], nrow(d), replace = TRUE)))
  fit <- twfe(log(pos) ~ treat + I(x1^2) + log(abs(x2)) + x1:x2 + grp | id + year, data = d)
  ref <- fixest::feols(log(pos) ~ treat + I(x1^2) + log(abs(x2)) + x1:x2 + grp | id + year,
                       data = d, cluster = ~id, fixef.rm = "none", ssc = fixest_ssc())
  expect_matches_fixest(fit, ref)
  expect_equal(names(coef(fit)), c("treat", "I(x1^2)", "log(abs(x2))", "grpb", "grpc", "x1:x2"))
  fit2 <- twfe(y ~ treat * x1 | id + year, data = d)
  expect_equal(names(coef(fit2)), c("treat", "x1", "treat:x1"))
})

test_that("character and factor identifiers give the same fit as integers", {
  d <- make_panel(n_id = 30, n_t = 5, seed = 20)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  d$id <- paste0("city_", d$id)
  d$year <- factor(d$year)
  expect_equal(coef(twfe(y ~ treat + x1 | id + year, data = d)), coef(fit), tolerance = 1e-12)
})

test_that("results do not depend on threads, row order or id labels", {
  d <- make_panel(n_id = 50, n_t = 6, drop_share = 0.1, seed = 21)
  fit1 <- twfe(y ~ treat + x1 + x2 | id + year, data = d, threads = 1)
  fit2 <- twfe(y ~ treat + x1 + x2 | id + year, data = d, threads = 2)
  expect_identical(coef(fit1), coef(fit2))
  expect_identical(vcov(fit1), vcov(fit2))
  shuffled <- d[withr::with_seed(3, sample(nrow(d))), ]
  expect_equal(coef(twfe(y ~ treat + x1 + x2 | id + year, data = shuffled)), coef(fit1), tolerance = 1e-12)
  d$id <- 1000L - d$id
  fit3 <- twfe(y ~ treat + x1 + x2 | id + year, data = d)
  expect_equal(vcov(fit3), vcov(fit1), tolerance = 1e-12)
})

test_that("rows with missing values are dropped with a message giving the count", {
  d <- make_panel(n_id = 30, n_t = 5, seed = 22)
  d$x1[c(3, 7)] <- NA
  d$y[10] <- NA
  expect_message(fit <- twfe(y ~ treat + x1 | id + year, data = d), "Dropped 3 rows")
  expect_equal(nobs(fit), nrow(d) - 3L)
  expect_equal(fit$removed$n[fit$removed$reason == "missing values"], 3L)
  expect_equal(coef(fit), coef(twfe(y ~ treat + x1 | id + year, data = d[-c(3, 7, 10), ])))
})

test_that("subset and update() refit with the same fixed effects and clustering", {
  d <- make_panel(n_id = 40, n_t = 8, seed = 23)
  fit <- twfe(y ~ treat + x1 + x2 | id + year, data = d, cluster = ~id)
  late <- update(fit, subset = year <= 2013)
  direct <- twfe(y ~ treat + x1 + x2 | id + year, data = d[d$year <= 2013, ], cluster = ~id)
  expect_equal(coef(late), coef(direct))
  expect_equal(vcov(late), vcov(direct))
  expect_equal(late$removed$n[late$removed$reason == "subset"], sum(d$year > 2013))
  fewer <- update(fit, . ~ . - x2)
  expect_equal(names(coef(fewer)), c("treat", "x1"))
  expect_equal(fewer$fe, c("id", "year"))
  d$region <- d$id %% 4
  more_fe <- update(fit, . ~ . | . + region^year)
  expect_equal(more_fe$fe, c("id", "year", "region^year"))
  expect_equal(update(fit, vcov = "iid")$vcov_type, "iid")
})

test_that("tidy() and glance() return broom's columns with the fit's numbers", {
  d <- make_panel(n_id = 30, n_t = 6, seed = 24)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  td <- tidy(fit, conf.level = 0.9)
  expect_named(td, c("term", "estimate", "std.error", "statistic", "p.value", "conf.low", "conf.high"))
  expect_equal(td$estimate, unname(coef(fit)))
  expect_equal(td$conf.low, unname(confint(fit, level = 0.9)[, 1]))
  expect_equal(td$p.value, 2 * pt(-abs(td$estimate / td$std.error), df = 29))
  gl <- glance(fit)
  expect_equal(nrow(gl), 1L)
  expect_equal(gl$nobs, nobs(fit))
  expect_named(gl, c("nobs", "r.squared", "adj.r.squared", "within.r.squared", "nclusters", "vcov.type",
                     "FE: id", "FE: year"))
  expect_equal(gl$nclusters, 30L)
  expect_equal(gl$vcov.type, "by: id")
  expect_equal(gl$r.squared, fit$r2)
  d$region <- d$id %% 3
  two <- twfe(y ~ treat + x1 | id + region^year, data = d, cluster = ~ id + year)
  g2 <- glance(two)
  expect_equal(g2$vcov.type, "by: id & year")
  expect_equal(g2$nclusters, 6L)
  expect_equal(unlist(g2[c("FE: id", "FE: region^year")]), c("FE: id" = "X", "FE: region^year" = "X"))
  h <- glance(update(fit, vcov = "hetero"))
  expect_equal(h$vcov.type, "HC1")
  expect_true(is.na(h$nclusters))
  expect_equal(glance(update(fit, vcov = "iid"))$vcov.type, "IID")
})

test_that("printing says how the SEs are clustered", {
  d <- make_panel(n_id = 30, n_t = 6, seed = 25)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  expect_output(print(fit), "Clustered by id \\(30 clusters\\), the first fixed effect \\(default\\)")
  expect_output(print(twfe(y ~ treat | id + year, data = d, vcov = "hetero")), "HC1")
})

test_that("bad input gives clear errors before any computation", {
  d <- make_panel(n_id = 20, n_t = 5, seed = 26)
  d$name <- as.character(d$id)
  expect_snapshot(error = TRUE, {
    twfe(y ~ treat + nope | id + year, data = d)
    twfe(name ~ treat | id + year, data = d)
    twfe(y ~ treat | id + year, data = d, cluster = ~cohort_missing)
    twfe(y ~ treat | id + year, data = d[d$id == 1, ], cluster = ~id)
    twfe(y ~ treat | id + year, data = transform(d, y = NA_real_))
    twfe(y ~ treat | id + year, data = d, weights = -d$x1)
    twfe(y ~ treat | id + year, data = d, weights = rep(NA_real_, nrow(d)))
    twfe(y ~ 1 | id + year, data = d)
    twfe(y ~ treat, data = d)
    twfe(y ~ treat | id + year, data = as.list(d))
  })
  expect_error(twfe(y ~ treat | id + year, data = d, weights = -d$x1), class = "pilotdid_error_input")
})

test_that("zero weights drop rows with a message", {
  d <- make_panel(n_id = 20, n_t = 5, seed = 27)
  w <- rep(1, nrow(d))
  w[1:3] <- 0
  expect_message(fit <- twfe(y ~ treat + x1 | id + year, data = d, weights = w), "3 rows with zero weight")
  expect_equal(nobs(fit), nrow(d) - 3L)
})
