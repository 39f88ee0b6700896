# One small result of every estimation verb, for the conformity test.
every_result <- function() {
  d <- simulate_panel(n_id = 60, n_t = 8, cohorts = c(2012, 2014), seed = 5)
  d$m <- d$x1 + 0.5 * d$treat + stats::rnorm(nrow(d))
  d$big <- d$id %% 2 == 0
  d$ever <- as.integer(is.finite(d$cohort) & d$cohort > 0)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  cs <- att_gt(y ~ 1 | id + year, data = d, cohort = "cohort")
  es <- suppressMessages(event_study(y ~ x1 | id + year, data = d, cohort = "cohort", window = c(-3, 3)))
  ind <- data.frame(id = rep(1:20, each = 3), year = rep(2001:2003, 20),
                    a = stats::runif(60), b = stats::runif(60), c = stats::runif(60))
  suppressMessages(suppressWarnings(list(
    twfe = fit,
    event_study = es,
    honest_did = honest_did(es, Mbar = c(0, 1), M = c(0, 0.05), breakdown = FALSE),
    lincom = lincom(es, c(avg = "(current + post_1) / 2", jump = "current - pre_2")),
    pretrend_power = pretrend_power(es, slope = 0.05),
    placebo_test = placebo_test(fit, n = 20, seed = 1),
    psm_did = psm_did(y ~ treat + x1 | id + year, data = d, treat = ~ever),
    heterogeneity = heterogeneity(fit, big, test = "suest", data = d),
    mechanism = mechanism(fit, "m", data = d),
    att_gt = cs,
    aggregate = aggregate(cs, "dynamic"),
    sun_abraham = sun_abraham(y ~ x1 | id + year, data = d, cohort = "cohort"),
    did_imputation = did_imputation(y ~ 1 | id + year, data = d, cohort = "cohort", horizon = TRUE),
    bacon_decomp = bacon_decomp(y ~ treat | id + year, data = d),
    twfe_steps = twfe_steps(y ~ treat | id + year, controls = c("x1", "x2"), data = d),
    entropy_index = entropy_index(ind, c("a", "b", "c")),
    synth_did = synth_did(PacksPerCapita ~ 1 | State + Year, data = california_prop99, treat = "treated",
                          n = 20, seed = 1),
    boot_test = boot_test(fit, n = 99, seed = 1)
  )))
}
