test_that("event_study() matches fixest with controls, binned end points and id-clustered SEs", {
  skip_if_not_installed("fixest")
  d <- make_event_panel(n_id = 90, n_t = 14, drop_share = 0.1, seed = 11)
  es <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort")
  o <- add_rel_time(d)
  ref <- fixest::feols(y ~ i(rel, ref = -1) + x1 | id + year, data = o, cluster = ~id,
                       fixef.rm = "none")
  f <- fixest_rel(ref)
  tab <- es$table[!es$table$ref, ]
  expect_equal(tab$rel_time, as.integer(f$rel))
  expect_equal(tab$estimate, f$coef, tolerance = 1e-8)
  expect_equal(tab$std.error, f$se, tolerance = 1e-8)
  expect_equal(unname(coef(es$fit)["x1"]), unname(stats::coef(ref)["x1"]), tolerance = 1e-8)
  expect_equal(nobs(es), stats::nobs(ref))
  expect_equal(tab$p.value, unname(fixest::pvalue(ref)[startsWith(names(stats::coef(ref)), "rel::")]),
               tolerance = 1e-8)
})

test_that("event_study() without controls (y ~ 1 | id + year) matches fixest", {
  skip_if_not_installed("fixest")
  d <- make_event_panel(n_id = 80, n_t = 12, seed = 12)
  es <- event_study(y ~ 1 | id + year, data = d, cohort = ~cohort, window = c(-4, 3))
  o <- add_rel_time(d, window = c(-4, 3))
  f <- fixest_rel(fixest::feols(y ~ i(rel, ref = -1) | id + year, data = o, cluster = ~id,
                                fixef.rm = "none"))
  expect_equal(unname(coef(es)), f$coef, tolerance = 1e-8)
  expect_equal(unname(sqrt(diag(vcov(es)))), f$se, tolerance = 1e-8)
  expect_named(coef(es), c("pre_4", "pre_3", "pre_2", "current", "post_1", "post_2", "post_3"))
  expect_named(coef(es$fit), names(coef(es)))
})

test_that("event_study() with several reference periods matches fixest", {
  skip_if_not_installed("fixest")
  d <- make_event_panel(n_id = 90, n_t = 14, seed = 13)
  es <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort", ref = c(-5, -1))
  o <- add_rel_time(d)
  f <- fixest_rel(fixest::feols(y ~ i(rel, ref = c(-1, -5)) + x1 | id + year, data = o,
                                cluster = ~id, fixef.rm = "none"))
  expect_equal(unname(coef(es)), f$coef, tolerance = 1e-8)
  expect_equal(unname(sqrt(diag(vcov(es)))), f$se, tolerance = 1e-8)
  refs <- es$table[es$table$ref, ]
  expect_equal(refs$rel_time, c(-5L, -1L))
  expect_equal(refs$label, c("pre_5", "pre_1"))
  expect_equal(refs$estimate, c(0, 0))
  expect_true(all(is.na(refs$std.error)))
  expect_equal(es$wald$terms, c("pre_4", "pre_3", "pre_2"))
})

test_that("bin = FALSE drops treated rows outside the window, with a note, and matches fixest", {
  skip_if_not_installed("fixest")
  d <- make_event_panel(n_id = 90, n_t = 14, seed = 14)
  o <- add_rel_time(d, bin = FALSE, never_value = -1)
  inside <- o$rel >= -3 & o$rel <= 3
  expect_message(
    es <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort", window = c(-3, 3), bin = FALSE),
    sprintf("Dropped %d rows of treated units outside the event window", sum(!inside)),
    class = "pilotdid_message"
  )
  f <- fixest_rel(fixest::feols(y ~ i(rel, ref = -1) + x1 | id + year, data = o[inside, ],
                                cluster = ~id, fixef.rm = "none"))
  expect_equal(unname(coef(es)), f$coef, tolerance = 1e-8)
  expect_equal(unname(sqrt(diag(vcov(es)))), f$se, tolerance = 1e-8)
  expect_equal(nobs(es), sum(inside))
  expect_false(any(es$table$binned))
  expect_equal(es$fit$obs, which(inside))
  expect_equal(es$fit$removed$n[es$fit$removed$reason == "outside event window"], sum(!inside))
})

test_that("estimates recover known dynamic effects (zero before, rising after)", {
  d <- make_event_panel(n_id = 400, n_t = 14, seed = 15)
  es <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort")
  tab <- es$table[!es$table$ref, ]
  truth <- event_effect(tab$rel_time)
  expect_true(all(abs(tab$estimate - truth) < 4 * tab$std.error))
  expect_true(all(tab$estimate[tab$rel_time >= 0] > 0))
  expect_gt(es$wald$p.value, 0.001)
})

test_that("the pre-trend test rejects when treated units trend before adoption", {
  trend <- function(k) ifelse(k < 0, 0.3 * (k + 1), 0.5)
  d <- make_event_panel(n_id = 300, n_t = 14, effect = trend, seed = 16)
  es <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort")
  expect_lt(es$wald$p.value, 1e-6)
})

test_that("the Wald statistic equals a hand computation from coef() and vcov()", {
  d <- make_event_panel(n_id = 100, n_t = 12, seed = 17)
  es <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort", window = c(-4, 4))
  pre <- c("pre_4", "pre_3", "pre_2")
  b <- coef(es)[pre]
  V <- vcov(es)[pre, pre]
  W <- drop(t(b) %*% solve(V) %*% b)
  w <- es$wald
  expect_equal(w$terms, pre)
  expect_equal(w$chisq, W, tolerance = 1e-10)
  expect_equal(w$statistic, W / 3, tolerance = 1e-10)
  expect_equal(c(w$df1, w$df2), c(3, es$fit$df_t))
  expect_equal(es$fit$df_t, 99L)
  expect_equal(w$p.value, stats::pf(W / 3, 3, 99, lower.tail = FALSE), tolerance = 1e-10)
  expect_equal(w$chisq_p.value, stats::pchisq(W, 3, lower.tail = FALSE), tolerance = 1e-10)
  g <- glance(es)
  expect_equal(g$pretrend.statistic, W / 3, tolerance = 1e-10)
  expect_equal(g$pretrend.p.value, w$p.value)
})

test_that("the Wald statistic equals fixest::wald()", {
  skip_if_not_installed("fixest")
  d <- make_event_panel(n_id = 100, n_t = 12, seed = 18)
  es <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort")
  ref <- fixest::feols(y ~ i(rel, ref = -1) + x1 | id + year, data = add_rel_time(d),
                       cluster = ~id, fixef.rm = "none")
  fw <- fixest::wald(ref, keep = "^rel::-[2-5]$", print = FALSE)
  expect_equal(es$wald$statistic, fw$stat, tolerance = 1e-8)
  expect_equal(es$wald$p.value, fw$p, tolerance = 1e-8)
  expect_equal(c(es$wald$df1, es$wald$df2), c(fw$df1, fw$df2))
})

test_that("the event table has the paper's labels, reference rows, bins and counts", {
  d <- make_event_panel(n_id = 80, n_t = 14, seed = 19)
  es <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort")
  tab <- es$table
  expect_equal(tab$rel_time, -5:5)
  expect_equal(tab$label, c(paste0("pre_", 5:1), "current", paste0("post_", 1:5)))
  expect_equal(tab$ref, tab$rel_time == -1)
  expect_equal(tab$binned, tab$rel_time %in% c(-5, 5))
  expect_equal(tab$estimate[tab$ref], 0)
  expect_true(all(is.na(unlist(tab[tab$ref, c("std.error", "statistic", "p.value", "conf.low", "conf.high")]))))
  q <- stats::qt(0.975, es$fit$df_t)
  expect_equal(tab$conf.low, tab$estimate - q * tab$std.error)
  o <- add_rel_time(d, never_value = NA)
  expect_equal(tab$n_obs, as.integer(table(factor(o$rel, levels = -5:5))), ignore_attr = TRUE)
  expect_equal(es$n_treated, length(unique(d$id[!is.na(d$cohort)])))
  expect_equal(es$n_never, length(unique(d$id[is.na(d$cohort)])))
  expect_equal(c(es$unit, es$time, es$cohort), c("id", "year", "cohort"))
})

test_that("never-treated units coded NA, 0 or Inf give the same fit", {
  d <- make_event_panel(n_id = 60, n_t = 10, seed = 20)
  es <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort", window = c(-3, 3))
  for (code in c(0, Inf)) {
    d2 <- d
    d2$cohort[is.na(d2$cohort)] <- code
    es2 <- event_study(y ~ x1 | id + year, data = d2, cohort = ~cohort, window = c(-3, 3))
    expect_equal(es2$table, es$table)
  }
})

test_that("results do not depend on row order, id labels or threads, and data is not modified", {
  d <- make_event_panel(n_id = 60, n_t = 10, drop_share = 0.05, seed = 21)
  d0 <- d
  es <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort", window = c(-3, 3))
  expect_identical(d, d0)
  withr::local_seed(1)
  s <- d[sample.int(nrow(d)), ]
  es_s <- event_study(y ~ x1 | id + year, data = s, cohort = "cohort", window = c(-3, 3))
  expect_equal(es_s$table, es$table, tolerance = 1e-10)
  expect_equal(es_s$wald$statistic, es$wald$statistic, tolerance = 1e-10)
  r <- d
  r$id <- paste0("c", 1000 - d$id)
  es_r <- event_study(y ~ x1 | id + year, data = r, cohort = "cohort", window = c(-3, 3))
  expect_equal(es_r$table, es$table, tolerance = 1e-10)
  es_2 <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort", window = c(-3, 3), threads = 2)
  expect_equal(es_2$table, es$table, tolerance = 1e-10)
  dt <- data.table::as.data.table(d)
  es_dt <- event_study(y ~ x1 | id + year, data = dt, cohort = "cohort", window = c(-3, 3))
  expect_equal(es_dt$table, es$table)
  expect_identical(dt, data.table::as.data.table(d0))
})

test_that("subset, weights and cluster are handled like twfe()", {
  skip_if_not_installed("fixest")
  d <- make_event_panel(n_id = 80, n_t = 12, seed = 22)
  d$w <- withr::with_seed(3, stats::runif(nrow(d), 0.5, 2))
  d$prov <- (d$id - 1) %/% 4
  es <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort", subset = year >= 2011,
                    weights = ~w, cluster = ~prov)
  o <- add_rel_time(d)
  f <- fixest_rel(fixest::feols(y ~ i(rel, ref = -1) + x1 | id + year, data = o[o$year >= 2011, ],
                                weights = ~w, cluster = ~prov, fixef.rm = "none"))
  expect_equal(unname(coef(es)), f$coef, tolerance = 1e-8)
  expect_equal(unname(sqrt(diag(vcov(es)))), f$se, tolerance = 1e-8)
  expect_equal(es$fit$obs, which(d$year >= 2011))
  es_v <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort", subset = year >= 2011,
                      weights = d$w, cluster = "prov")
  expect_equal(es_v$table, es$table, tolerance = 1e-10)
  es_s <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort", subset = year >= 2011,
                      weights = "w", cluster = ~prov)
  expect_equal(es_s$table, es$table)
})

test_that("collinear event dummies are dropped with a warning and left out of the table", {
  d <- make_event_panel(n_id = 80, n_t = 12, share_never = 0, seed = 3)
  expect_warning(
    es <- suppressMessages(event_study(y ~ x1 | id + year, data = d, cohort = "cohort",
                                       window = c(-3, 3), bin = FALSE)),
    "were dropped as collinear", class = "pilotdid_warning"
  )
  expect_false(any(es$fit$dropped_vars %in% es$table$label))
  expect_equal(sort(c(es$table$label, es$fit$dropped_vars)), sort(event_labels_en(-3:3)))
})

test_that("vcov = \"hetero\" is passed on to twfe() without a note about clusters", {
  skip_if_not_installed("fixest")
  d <- make_event_panel(n_id = 60, n_t = 10, seed = 30)
  expect_no_message(es <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort",
                                      window = c(-3, 3), vcov = "hetero"))
  f <- fixest_rel(fixest::feols(y ~ i(rel, ref = -1) + x1 | id + year, data = add_rel_time(d, c(-3, 3)),
                                vcov = "hetero"))
  expect_equal(unname(sqrt(diag(vcov(es)))), f$se, tolerance = 1e-8)
  expect_equal(es$fit$vcov_type, "hetero")
})

test_that("rows with a missing time are dropped by twfe() with one note", {
  d <- make_event_panel(n_id = 60, n_t = 10, seed = 29)
  i <- which(!is.na(d$cohort))[3]
  d$year[i] <- NA
  expect_message(es <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort"),
                 "Dropped 1 row with missing or infinite values: year \\(1\\)\\.$",
                 class = "pilotdid_message")
  expect_equal(nobs(es), nrow(d) - 1L)
  expect_false(i %in% es$fit$obs)
  # counts and units are those of the rows used; a control missing on a
  # treated unit's rows removes them too
  d$x1[d$id == d$id[which(!is.na(d$cohort))[40]]] <- NA
  expect_message(es <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort"), "Dropped 11 rows")
  o <- add_rel_time(d[!is.na(d$year) & !is.na(d$x1), ], never_value = NA)
  expect_equal(es$table$n_obs, as.integer(table(factor(o$rel, levels = -5:5))), ignore_attr = TRUE)
  expect_equal(es$n_treated, length(unique(o$id[!is.na(o$cohort)])))
  expect_equal(es$n_treated, length(unique(d$id[!is.na(d$cohort)])) - 1L)
  expect_equal(es$n_never, length(unique(o$id[is.na(o$cohort)])))
})

test_that("relative periods without observations get no dummy, with a note", {
  d <- make_event_panel(n_id = 60, n_t = 8, start = 2010, cohorts = 2013, seed = 23)
  expect_message(
    es <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort", window = c(-5, 5)),
    "No observations at relative times -5, -4, and 5", class = "pilotdid_message"
  )
  expect_equal(es$table$rel_time, -3:4)
})

test_that("the pre-trend test is NA when only the reference period precedes adoption", {
  d <- make_event_panel(n_id = 60, n_t = 10, seed = 24)
  expect_message(
    es <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort", window = c(-1, 3)),
    "pre-trend test is not available", class = "pilotdid_message"
  )
  expect_identical(es$wald$terms, character())
  expect_true(is.na(es$wald$statistic))
})

test_that("tidy() gives broom's columns plus a numeric rel_time", {
  d <- make_event_panel(n_id = 80, n_t = 12, seed = 25)
  es <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort")
  td <- tidy(es, conf.level = 0.9)
  expect_named(td, c("term", "estimate", "std.error", "statistic", "p.value", "conf.low",
                     "conf.high", "rel_time", "ref"))
  expect_type(td$rel_time, "double")
  expect_equal(td$term, es$table$label)
  q <- stats::qt(0.95, es$fit$df_t)
  expect_equal(td$conf.high, es$table$estimate + q * es$table$std.error)
  expect_named(tidy(es, conf.int = FALSE), c("term", "estimate", "std.error", "statistic",
                                            "p.value", "rel_time", "ref"))
  expect_equal(nrow(glance(es)), 1L)
})

test_that("print() and summary() show the event table and the pre-trend test", {
  d <- make_event_panel(n_id = 60, n_t = 10, seed = 27)
  es <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort", window = c(-3, 3))
  s <- summary(es)
  expect_s3_class(s, "summary.pilotdid_event_study")
  expect_equal(rownames(s$controls), "x1")
  expect_snapshot(print(es))
  expect_snapshot(print(s))
})

test_that("bad input gives clear errors", {
  d <- make_event_panel(n_id = 40, n_t = 10, seed = 28)
  ev <- function(...) event_study(y ~ x1 | id + year, data = d, ...)
  varying <- d
  varying$cohort[varying$id == varying$id[!is.na(varying$cohort)][1] & varying$year == 2010] <- 2012
  none <- d
  none$cohort <- NA_real_
  none_lgl <- d
  none_lgl$cohort <- NA
  late <- d
  late$cohort[!is.na(late$cohort)] <- 2010
  chr <- d
  chr$cohort <- as.character(chr$cohort)
  frac <- d
  frac$cohort <- frac$cohort + 0.5
  clash <- d
  clash$pre_2 <- 1
  fyear <- d
  fyear$year <- factor(fyear$year)
  expect_snapshot(error = TRUE, {
    event_study(y ~ x1 | id + year, data = varying, cohort = "cohort")
    ev(cohort = "cohort", ref = -7)
    event_study(y ~ x1 | id + year, data = none, cohort = "cohort")
    event_study(y ~ x1 | id + year, data = none_lgl, cohort = "cohort")
    event_study(y ~ x1 | id + year, data = late, cohort = "cohort")
    ev(cohort = "adopt")
    event_study(y ~ x1 | id + year, data = chr, cohort = "cohort")
    ev(cohort = "cohort", time = "x1")
    event_study(y ~ x1 | year, data = d, cohort = "cohort")
    event_study(y ~ x1 | id, data = d, cohort = "cohort", time = "year")
    ev(cohort = "cohort", window = c(1, 5))
    ev(cohort = "cohort", window = c(-2, 2), ref = c(-2, -1, 0, 1, 2))
    ev(cohort = "cohort", bin = NA)
    ev(cohort = "cohort", vcv = "iid")
    ev()
    event_study(y ~ x1, data = d, cohort = "cohort")
    event_study(y ~ x1 | id + year, data = frac, cohort = "cohort")
    event_study(y ~ x1 + pre_2 | id + year, data = clash, cohort = "cohort")
    event_study(y ~ x1 | id + year, data = fyear, cohort = "cohort")
    ev(cohort = "cohort", weights = 1:3)
  })
  expect_error(event_study(y ~ x1 | id + year, data = varying, cohort = "cohort"),
               class = "pilotdid_error_input")
  expect_error(ev(cohort = "cohort", ref = -7), class = "pilotdid_error_input")
  expect_error(event_study(y ~ x1 | id + year, data = none, cohort = "cohort"),
               class = "pilotdid_error_input")
  expect_error(event_study(y ~ x1 | id + year, data = late, cohort = "cohort"),
               class = "pilotdid_error_input")
  expect_error(ev(cohort = "adopt"), class = "pilotdid_error_input")
  expect_error(event_study(y ~ x1 | id + year, data = chr, cohort = "cohort"),
               class = "pilotdid_error_input")
  expect_error(ev(cohort = "cohort", time = "x1"), class = "pilotdid_error_input")
  expect_error(event_study(y ~ x1 | year, data = d, cohort = "cohort"), class = "pilotdid_error_input")
  expect_error(event_study(y ~ x1 | id, data = d, cohort = "cohort", time = "year"),
               class = "pilotdid_error_input")
  expect_error(ev(cohort = "cohort", window = c(1, 5)), class = "pilotdid_error_input")
  expect_error(ev(cohort = "cohort", vcv = "iid"), class = "pilotdid_error_input")
  expect_error(event_study(y ~ x1 | id + year, data = as.matrix(d), cohort = "cohort"),
               class = "pilotdid_error_input")
})
