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
