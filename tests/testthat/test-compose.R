# Verbs compose: results of one verb feed the next, from fits made anywhere,
# with the same numbers as the same analysis done directly.

test_that("placebo_test() works on fits made inside functions, lapply() and do.call()", {
  d <- make_panel(n_id = 40, n_t = 7, seed = 301)
  direct <- twfe(y ~ treat + x1 | id + year, data = d)
  ref <- placebo_test(direct, n = 50, seed = 3)
  inner <- function() {
    local_data <- d
    twfe(y ~ treat + x1 | id + year, data = local_data)
  }
  expect_equal(placebo_test(inner(), n = 50, seed = 3)$estimates, ref$estimates)
  fits <- lapply(c("x1", "x2"), function(v) twfe(stats::as.formula(paste("y ~ treat +", v, "| id + year")), data = d))
  expect_equal(placebo_test(fits[[1]], n = 50, seed = 3)$estimates, ref$estimates)
  dc <- do.call(twfe, list(y ~ treat + x1 | id + year, data = d))
  expect_equal(placebo_test(dc, n = 50, seed = 3)$estimates, ref$estimates)
  # the cohort column is not in the fit: the data are found, or must be given
  expect_error(placebo_test(inner(), n = 10, seed = 1, cohort = "cohort"), class = "pilotdid_error_input")
  expect_equal(placebo_test(inner(), n = 50, seed = 3, cohort = "cohort", data = d)$estimates, ref$estimates)
})

test_that("placebo_test() on psm_did()$fit equals placebo on the matched twfe() fit", {
  d <- make_psm_panel(n_id = 60, n_t = 6, seed = 302)
  names(d)[names(d) == "id"] <- "city"     # no column called id: the first FE clusters
  pm <- quiet_psm(y ~ did + x1 + x2 | city + year, data = d, treat = ~ever)
  expect_equal(pm$fit$cluster, "city")
  m <- pm$matched
  ref <- twfe(y ~ did + x1 + x2 | city + year, data = m, weights = m$weights)
  expect_equal(coef(pm$fit), coef(ref))
  expect_equal(placebo_test(pm$fit, n = 30, seed = 9)$estimates, placebo_test(ref, n = 30, seed = 9)$estimates,
               tolerance = 1e-10)
  # an unrelated id column is not used for clustering
  d$id <- rep(1:3, length.out = nrow(d))
  pm2 <- quiet_psm(y ~ did + x1 + x2 | city + year, data = d, treat = ~ever)
  expect_equal(vcov(pm2$fit), vcov(pm$fit))
})

test_that("heterogeneity() takes event_study()$fit and equals the direct group fits", {
  d <- make_event_panel(n_id = 90, n_t = 10, seed = 303)
  d$big <- d$id %% 2 == 0
  es <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort", window = c(-3, 3))
  het <- heterogeneity(es$fit, big, test = "suest")
  dd <- d[es$fit$obs, ]
  terms <- setdiff(names(coef(es$fit)), "x1")
  rel <- pmin(pmax(dd$year - dd$cohort, -3), 3)   # binned end points
  for (v in terms) dd[[v]] <- as.numeric(!is.na(rel) & rel == es$table$rel_time[es$table$label == v])
  f <- stats::as.formula(paste("y ~", paste(c(terms, "x1"), collapse = " + "), "| id + year"))
  small <- twfe(f, data = dd, subset = !big)
  expect_equal(het$groups$estimate[1], unname(coef(small)[het$treat]), tolerance = 1e-9)
  expect_equal(het$groups$std.error[1], unname(sqrt(diag(vcov(small)))[het$treat]), tolerance = 1e-9)
})

test_that("data changed after the fit is an error, not a different number", {
  d <- make_group_panel(n_id = 40, n_t = 6, seed = 304)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  d$y[10] <- d$y[10] + 1
  expect_error(heterogeneity(fit, big), class = "pilotdid_error_data_changed")
  d <- make_group_panel(n_id = 40, n_t = 6, seed = 304)
  d$x1[4] <- 0
  expect_error(heterogeneity(fit, big), "x1", class = "pilotdid_error_data_changed")
  d <- make_group_panel(n_id = 40, n_t = 6, seed = 304)
  d <- d[-1, ]
  expect_error(placebo_test(fit, n = 10, seed = 1, cohort = "cohort"), class = "pilotdid_error_data_changed")
  # the placebo test itself needs nothing from the data
  expect_s3_class(placebo_test(fit, n = 10, seed = 1), "pilotdid_placebo_test")
})

test_that("n, level and the deprecated names", {
  d <- make_psm_panel(n_id = 40, n_t = 5, seed = 305)
  expect_warning(a <- suppressMessages(psm_did(y ~ did + x1 | id + year, data = d, treat = ~ever, level = "period")),
                 class = "pilotdid_deprecated")
  b <- quiet_psm(y ~ did + x1 | id + year, data = d, treat = ~ever, match_within = "period")
  expect_equal(coef(a), coef(b))
})
