# event_study() on awkward input: each case a result equal to fixest (or to
# the same call on clean input), or a classed error naming the problem.

test_that("data.table, tibble, Chinese names and values, factor and character ids give the same fit", {
  d <- make_event_panel(n_id = 60, n_t = 10, seed = 121)
  base <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort")
  a <- event_study(y ~ x1 | id + year, data = data.table::as.data.table(d), cohort = "cohort")
  expect_equal(a$table, base$table)
  d2 <- d
  d2[["\u65b0\u8d28\u751f\u4ea7\u529b"]] <- d2$y
  d2$id <- paste0("\u57ce\u5e02", d2$id)
  f2 <- stats::as.formula(paste0("`", "\u65b0\u8d28\u751f\u4ea7\u529b", "` ~ x1 | id + year"))
  b <- event_study(f2, data = d2, cohort = "cohort")
  expect_equal(b$table, base$table)
  expect_equal(vcov(b), vcov(base))
  d3 <- d
  d3$id <- factor(d3$id)
  expect_equal(event_study(y ~ x1 | id + year, data = d3, cohort = ~cohort)$table, base$table)
  d4 <- d
  d4$year <- as.integer(d4$year)
  d4$cohort <- as.integer(d4$cohort)
  expect_equal(event_study(y ~ x1 | id + year, data = d4, cohort = "cohort")$table, base$table)
  skip_if_not_installed("tibble")
  expect_equal(event_study(y ~ x1 | id + year, data = tibble::as_tibble(d), cohort = "cohort")$table,
               base$table)
})

test_that("NA, NaN and Inf in the outcome, a regressor, the unit or the time drop the row, as fixest does", {
  skip_if_not_installed("fixest")
  d <- make_event_panel(n_id = 60, n_t = 10, seed = 122)
  d$y[3] <- NA
  d$y[14] <- Inf
  d$x1[25] <- NaN
  d$id[36] <- NA
  d$year[47] <- NA
  expect_message(es <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort"), "Dropped 5 rows")
  o <- add_rel_time(d)
  o <- o[is.finite(o$y) & is.finite(o$x1) & !is.na(o$id) & !is.na(o$year), ]
  ref <- fixest::feols(y ~ i(rel, ref = -1) + x1 | id + year, data = o, cluster = ~id, fixef.rm = "none")
  f <- fixest_rel(ref)
  tab <- es$table[!es$table$ref, ]
  expect_equal(tab$estimate, f$coef, tolerance = 1e-8)
  expect_equal(tab$std.error, f$se, tolerance = 1e-8)
  expect_equal(nobs(es), stats::nobs(ref))
})

test_that("duplicate (unit, time) rows are used as given, as fixest does", {
  skip_if_not_installed("fixest")
  d <- make_event_panel(n_id = 60, n_t = 10, seed = 123)
  d <- rbind(d, d[c(5, 5, 77), ])
  es <- suppressMessages(event_study(y ~ x1 | id + year, data = d, cohort = "cohort"))
  ref <- fixest::feols(y ~ i(rel, ref = -1) + x1 | id + year, data = add_rel_time(d), cluster = ~id,
                       fixef.rm = "none")
  tab <- es$table[!es$table$ref, ]
  expect_equal(tab$estimate, fixest_rel(ref)$coef, tolerance = 1e-8)
  expect_equal(nobs(es), nrow(d))
})

test_that("Inf and 0 cohorts mean never treated; all units treated still identifies the effects", {
  skip_if_not_installed("fixest")
  d <- make_event_panel(n_id = 60, n_t = 10, seed = 124)
  base <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort")
  d2 <- d
  d2$cohort[is.na(d2$cohort)] <- Inf
  expect_equal(event_study(y ~ x1 | id + year, data = d2, cohort = "cohort")$table, base$table)
  d2$cohort[is.infinite(d2$cohort)] <- 0
  expect_equal(event_study(y ~ x1 | id + year, data = d2, cohort = "cohort")$table, base$table)
  a <- make_event_panel(n_id = 60, n_t = 10, share_never = 0, seed = 124)
  es <- event_study(y ~ x1 | id + year, data = a, cohort = "cohort")
  expect_equal(es$n_never, 0L)
  ref <- fixest::feols(y ~ i(rel, ref = -1) + x1 | id + year, data = add_rel_time(a), cluster = ~id,
                       fixef.rm = "none")
  f <- fixest_rel(ref)
  tab <- es$table[!es$table$ref & !is.na(es$table$estimate), ]
  expect_equal(tab$estimate, f$coef[match(tab$rel_time, f$rel)], tolerance = 1e-8)
})

test_that("no treated unit, varying or character cohorts, Inf times, one cluster and bad options are classed errors", {
  d <- make_event_panel(n_id = 40, n_t = 8, seed = 125)
  es <- suppressMessages(event_study(y ~ x1 | id + year, data = d, cohort = "cohort"))
  d0 <- d
  d0$cohort <- NA
  dv <- d
  i <- which(!is.na(d$cohort))[1]
  dv$cohort[i] <- NaN
  dc <- d
  dc$cohort <- as.character(dc$cohort)
  dt <- d
  dt$year[i] <- Inf
  d$one <- 1
  expect_error(event_study(y ~ x1 | id + year, data = dt, cohort = "cohort"), "year",
               class = "pilotdid_error_input")
  expect_error(tidy(es, conf.level = 2), "conf", class = "pilotdid_error_input")
  expect_error(confint(es, level = 1.5), "level", class = "pilotdid_error_input")
  ci <- confint(es, level = 0.9)
  td <- tidy(es$fit, conf.level = 0.9)
  expect_equal(unname(ci[, 1]), td$conf.low[match(names(coef(es)), td$term)])
  expect_equal(rownames(ci), names(coef(es)))
  expect_equal(confint(es, 2:3), confint(es)[2:3, ])
  expect_snapshot(error = TRUE, {
    event_study(y ~ x1 | id + year, data = d0, cohort = "cohort")
    event_study(y ~ x1 | id + year, data = dv, cohort = "cohort")
    event_study(y ~ x1 | id + year, data = dc, cohort = "cohort")
    event_study(y ~ x1 | id + year, data = dt, cohort = "cohort")
    event_study(y ~ x1 | id + year, data = d, cohort = "cohort", cluster = ~one)
    event_study(y ~ x1 | id + year, data = d, cohort = "nope")
    event_study(y ~ x1 | id + year, data = d, cohort = "cohort", window = c(NA, 3))
    event_study(y ~ x1 | id + year, data = d, cohort = "cohort", ref = NA)
    tidy(es, conf.level = 2)
    confint(es, level = 1.5)
  })
})

test_that("integer64 id, time, cohort and regressor columns give the same fit", {
  skip_if_not_installed("bit64")
  d <- make_event_panel(n_id = 60, n_t = 10, seed = 129)
  d$x1 <- round(d$x1 * 100)
  base <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort")
  a <- event_study(y ~ x1 | id + year, data = to_integer64(d, c("id", "year", "cohort", "x1")), cohort = "cohort")
  expect_equal(a$table, base$table, tolerance = 1e-12)
  expect_equal(vcov(a), vcov(base), tolerance = 1e-12)
})
