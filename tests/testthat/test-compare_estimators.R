# compare_estimators(): the common format, the plot data, and the point of it
# all: with effects growing since adoption, TWFE is biased and the robust
# estimators recover the truth.

test_that("with growing effects TWFE is biased and the robust estimators recover the true effects", {
  d <- make_staggered(n_id = 600, n_t = 10, cohorts = c(2011, 2013, 2015), share_treated = 0.7,
                      base = 0.5, growth = 0.4, seed = 31)
  fit <- twfe(y ~ treat | id + year, data = d)
  tr <- d$treat == 1
  truth_att <- mean(true_effect(d$year[tr] - d$cohort[tr], 0.5, 0.4))
  # the static TWFE coefficient is far from the average effect on the treated...
  expect_gt(abs(coef(fit)[["treat"]] - truth_att), 6 * sqrt(vcov(fit)[1, 1]))
  bd <- bacon_decomp(y ~ treat | id + year, data = d)
  expect_lt(bd$by_type$estimate[bd$by_type$type == "Later vs Earlier Treated"], truth_att)
  # ...while the imputation ATT and the simple CS aggregate estimate it
  imp <- did_imputation(y ~ 1 | id + year, data = d, cohort = "cohort")
  cs <- att_gt(y ~ 1 | id + year, data = d, cohort = "cohort")
  for (est in list(tidy(imp), tidy(aggregate(cs, "simple")))) {
    expect_lt(abs(est$estimate - truth_att), 4 * est$std.error)
  }
  # event-study effects at e = 0..5 within 4 standard errors, pre-periods near 0
  cmp <- compare_estimators(
    CS = aggregate(cs, "dynamic"),
    SA = sun_abraham(y ~ 1 | id + year, data = d, cohort = "cohort"),
    BJS = did_imputation(y ~ 1 | id + year, data = d, cohort = "cohort", horizon = 0:5)
  )
  post <- cmp[!is.na(cmp$rel_time) & cmp$rel_time %in% 0:5, ]
  expect_equal(nrow(post), 18)
  z <- (post$estimate - true_effect(post$rel_time, 0.5, 0.4)) / post$std.error
  expect_true(all(abs(z) < 4))
  pre <- cmp[!is.na(cmp$rel_time) & cmp$rel_time < -1 & !is.na(cmp$std.error), ]
  expect_true(all(abs(pre$estimate / pre$std.error) < 4))
})

test_that("on a balanced panel Sun-Abraham's cohort effects are CS's ATT(g,t) with never-treated controls", {
  d <- make_staggered(n_id = 80, n_t = 8, seed = 35)
  sa <- sun_abraham(y ~ 1 | id + year, data = d, cohort = "cohort")
  cs <- att_gt(y ~ 1 | id + year, data = d, cohort = "cohort", base_period = "universal")
  tb <- tidy(cs)
  ce <- sa$cohort_effects
  m <- merge(ce, tb, by.x = c("cohort", "rel_time"), by.y = c("group", "rel_time"))
  expect_equal(nrow(m), nrow(ce))
  expect_equal(m$estimate.x, m$estimate.y, tolerance = 1e-10)
  # hence the same overall ATT (cell-count and cohort-size weights agree)
  expect_equal(sa$att$estimate, tidy(aggregate(cs, "simple"))$estimate, tolerance = 1e-10)
})

test_that("the common columns, labels and intervals", {
  d <- make_staggered(n_id = 60, n_t = 8, seed = 32)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  cs <- att_gt(y ~ 1 | id + year, data = d, cohort = "cohort")
  sa <- sun_abraham(y ~ 1 | id + year, data = d, cohort = "cohort")
  es_like <- data.frame(term = c("pre_2", "pre_1", "current", "post_1"), estimate = c(0.1, 0, 0.6, 0.9),
                        std.error = c(0.2, NA, 0.2, 0.3), rel_time = c(-2, -1, 0, 1))
  cmp <- compare_estimators(fit, cs, Event = es_like, sa)
  expect_s3_class(cmp, "pilotdid_compare_estimators")
  expect_named(cmp, c("estimator", "term", "rel_time", "estimate", "std.error", "conf.low", "conf.high"))
  expect_equal(levels(cmp$estimator), c("TWFE", "Callaway-Sant'Anna", "Event", "Sun-Abraham"))
  tw <- cmp[cmp$estimator == "TWFE", ]
  expect_equal(tw$term, "ATT")
  expect_equal(tw$estimate, unname(coef(fit)["treat"]))
  expect_equal(c(tw$conf.low, tw$conf.high), unname(confint(fit)["treat", ]))
  ev <- cmp[cmp$estimator == "Event", ]
  expect_equal(ev$conf.low, es_like$estimate - stats::qnorm(0.975) * es_like$std.error)
  cs_rows <- cmp[cmp$estimator == "Callaway-Sant'Anna", ]
  dyn <- tidy(aggregate(cs, "dynamic"))
  expect_equal(cs_rows$estimate, c(dyn$estimate[dyn$term != "ATT_dynamic"], tidy(aggregate(cs, "simple"))$estimate))
  expect_equal(cs_rows$term[nrow(cs_rows)], "ATT")
  expect_equal(cmp[cmp$estimator == "Sun-Abraham", "estimate"], tidy(sa)$estimate)
  # same labels are made unique
  expect_equal(levels(compare_estimators(fit, fit)$estimator), c("TWFE", "TWFE 1"))
})

test_that("plot data: dodged relative periods and overall estimates", {
  d <- make_staggered(n_id = 60, n_t = 8, seed = 33)
  cmp <- compare_estimators(
    A = sun_abraham(y ~ 1 | id + year, data = d, cohort = "cohort"),
    B = did_imputation(y ~ 1 | id + year, data = d, cohort = "cohort", horizon = TRUE),
    C = twfe(y ~ treat | id + year, data = d)
  )
  pd <- compare_plot_data(cmp, "dynamic", width = 0.5)
  expect_equal(unique(as.character(pd$estimator)), c("A", "B"))
  expect_equal(pd$x[pd$estimator == "A"], pd$rel_time[pd$estimator == "A"] - 0.25)
  expect_equal(pd$x[pd$estimator == "B"], pd$rel_time[pd$estimator == "B"] + 0.25)
  ov <- compare_plot_data(cmp, "overall")
  expect_equal(as.character(ov$estimator), c("A", "C"))
  expect_equal(ov$x, c(1, 3))
  expect_s3_class(autoplot(cmp), "ggplot")
  expect_s3_class(autoplot(cmp, type = "overall"), "ggplot")
})

test_that("bad inputs give clear errors", {
  d <- make_staggered(n_id = 40, n_t = 6, seed = 34)
  bd <- bacon_decomp(y ~ treat | id + year, data = d)
  cmp <- compare_estimators(twfe(y ~ treat | id + year, data = d))
  expect_snapshot(error = TRUE, {
    compare_estimators()
    compare_estimators(bd)
    compare_estimators(list(a = 1))
    compare_plot_data(cmp, "dynamic")
    compare_plot_data(data.frame())
  })
})
