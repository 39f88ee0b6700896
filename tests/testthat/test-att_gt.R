# att_gt() and aggregate() against did::att_gt(bstrap = FALSE) and
# did::aggte(bstrap = FALSE): ATT(g,t) and aggregates to 1e-8, SEs to 1e-6.

cs_reference <- function(d, y = "y", id = "id", t = "year", g = "g", ...) {
  suppressWarnings(suppressMessages(
    did::att_gt(y, t, id, g, data = d, bstrap = FALSE, cband = FALSE, ...)))
}

expect_matches_attgt <- function(cs, ref) {
  tb <- tidy(cs)
  expect_equal(tb$group, ref$group)
  expect_equal(tb$time, ref$t)
  expect_equal(tb$estimate, ref$att, tolerance = 1e-8)
  expect_equal(is.na(tb$std.error), is.na(ref$se))
  expect_lt(rel_diff(tb$std.error[!is.na(ref$se)], ref$se[!is.na(ref$se)]), 1e-6)
}

expect_matches_aggte <- function(cs, ref, type, ...) {
  ra <- suppressWarnings(did::aggte(ref, type = type, bstrap = FALSE, cband = FALSE, ...))
  a <- tidy(aggregate(cs, type, ...))
  ov <- a[grepl("^ATT", a$term), ]
  expect_equal(ov$estimate, ra$overall.att, tolerance = 1e-8)
  expect_lt(rel_diff(ov$std.error, ra$overall.se), 1e-6)
  if (type != "simple") {
    rows <- a[!grepl("^ATT", a$term), ]
    key <- switch(type, group = rows$group, dynamic = rows$rel_time, calendar = rows$time)
    expect_equal(key, ra$egt)
    expect_equal(rows$estimate, ra$att.egt, tolerance = 1e-8)
    ok <- !is.na(ra$se.egt)
    expect_equal(is.na(rows$std.error), !ok)
    expect_lt(rel_diff(rows$std.error[ok], ra$se.egt[ok]), 1e-6)
  }
}

test_that("ATT(g,t) and every aggregation equal did on mpdta, both comparison groups and base periods", {
  skip_if_not_installed("did")
  data("mpdta", package = "did", envir = environment())
  for (cg in c("never", "notyet")) for (bp in c("varying", "universal")) {
    cs <- att_gt(lemp ~ 1 | countyreal + year, data = mpdta, cohort = "first.treat",
                 control_group = cg, base_period = bp)
    ref <- cs_reference(mpdta, "lemp", "countyreal", "year", "first.treat",
                        control_group = c(never = "nevertreated", notyet = "notyettreated")[[cg]],
                        base_period = bp)
    expect_matches_attgt(cs, ref)
    for (type in c("simple", "group", "dynamic", "calendar")) expect_matches_aggte(cs, ref, type)
  }
})

test_that("a simulated unbalanced panel with anticipation, always-treated units and event-time limits equals did", {
  skip_if_not_installed("did")
  d <- make_staggered(n_id = 120, n_t = 9, cohorts = c(2009, 2011, 2012, 2014, 2016), drop_share = 0.02,
                      seed = 21)
  for (cg in c("never", "notyet")) {
    cs <- suppressMessages(att_gt(y ~ 1 | id + year, data = d, cohort = "g", control_group = cg,
                                  anticipation = 1))
    ref <- cs_reference(d, control_group = c(never = "nevertreated", notyet = "notyettreated")[[cg]],
                        anticipation = 1)
    expect_matches_attgt(cs, ref)
    expect_equal(cs$n_units, ref$n)
    for (type in c("simple", "group", "calendar")) expect_matches_aggte(cs, ref, type)
    expect_matches_aggte(cs, ref, "dynamic", min_e = -3, max_e = 2)
    expect_matches_aggte(cs, ref, "group", max_e = 1)
  }
})

test_that("covariates: doubly robust and outcome regression equal did on mpdta and on time-varying covariates", {
  skip_if_not_installed("did")
  data("mpdta", package = "did", envir = environment())
  for (m in c("dr", "reg")) {
    cs <- att_gt(lemp ~ lpop | countyreal + year, data = mpdta, cohort = "first.treat", est_method = m)
    ref <- cs_reference(mpdta, "lemp", "countyreal", "year", "first.treat", xformla = ~lpop, est_method = m)
    expect_matches_attgt(cs, ref)
    expect_matches_aggte(cs, ref, "dynamic")
    expect_matches_aggte(cs, ref, "group")
  }
  d <- make_staggered(n_id = 150, n_t = 7, seed = 26)
  d$x2 <- withr::with_seed(2, stats::rnorm(150))[d$id] + 0.1 * (d$year - 2009)
  d$y <- d$y + 0.5 * d$x2 * (d$year - 2009) / 6
  for (m in c("dr", "reg")) for (bp in c("varying", "universal")) {
    cs <- att_gt(y ~ x1 + x2 | id + year, data = d, cohort = "g", est_method = m, base_period = bp,
                 control_group = "notyet")
    ref <- cs_reference(d, xformla = ~ x1 + x2, est_method = m, base_period = bp,
                        control_group = "notyettreated")
    expect_matches_attgt(cs, ref)
    expect_matches_aggte(cs, ref, "simple")
  }
})

test_that("without never-treated units the last cohort is the comparison group, as in did", {
  skip_if_not_installed("did")
  d <- make_staggered(n_id = 60, n_t = 8, cohorts = c(2011, 2013, 2015), share_treated = 1, seed = 22)
  for (cg in c("never", "notyet")) {
    expect_snapshot(cs <- att_gt(y ~ 1 | id + year, data = d, cohort = "g", control_group = cg))
    ref <- cs_reference(d, control_group = c(never = "nevertreated", notyet = "notyettreated")[[cg]])
    expect_matches_attgt(cs, ref)
    expect_matches_aggte(cs, ref, "dynamic")
  }
})

test_that("ATT(g,t) is a 2x2 difference in means and the SE its influence-function formula", {
  d <- make_staggered(n_id = 40, n_t = 6, seed = 23)
  cs <- att_gt(y ~ 1 | id + year, data = d, cohort = "cohort")
  w <- reshape(d[c("id", "year", "y")], idvar = "id", timevar = "year", direction = "wide")
  G <- d$g[match(w$id, d$id)]
  dy <- w$y.2014 - w$y.2012
  tr <- G == 2013
  nv <- G == 0 | G > 2014   # adopting after the last period counts as never treated
  tb <- tidy(cs)
  k <- which(tb$group == 2013 & tb$time == 2014)
  expect_equal(tb$estimate[k], mean(dy[tr]) - mean(dy[nv]), tolerance = 1e-12)
  n <- nrow(w)
  psi <- numeric(n)
  psi[tr] <- n / sum(tr) * (dy[tr] - mean(dy[tr]))
  psi[nv] <- -n / sum(nv) * (dy[nv] - mean(dy[nv]))
  expect_equal(tb$std.error[k], sqrt(sum(psi^2)) / n, tolerance = 1e-12)
  # shuffled rows and relabelled units change nothing
  d2 <- d[withr::with_seed(1, sample(nrow(d))), ]
  d2$id <- paste0("u", d2$id)
  expect_equal(tidy(att_gt(y ~ 1 | id + year, data = d2, cohort = "cohort")), tb, tolerance = 1e-12)
})

test_that("the uniform band: reproducible, at least pointwise, close to did's bootstrap critical value", {
  d <- make_staggered(n_id = 200, n_t = 8, seed = 27)
  cs <- att_gt(y ~ 1 | id + year, data = d, cohort = "g")
  a1 <- aggregate(cs, "dynamic", cband = TRUE, n = 2000, seed = 5)
  expect_identical(a1$crit_value, aggregate(cs, "dynamic", cband = TRUE, n = 2000, seed = 5)$crit_value)
  a2 <- withr::with_seed(5, aggregate(cs, "dynamic", cband = TRUE, n = 2000))
  expect_identical(a2$crit_value, withr::with_seed(5, aggregate(cs, "dynamic", cband = TRUE, n = 2000))$crit_value)
  expect_gt(a1$crit_value, stats::qnorm(0.975))
  # the sup-t statistic of each draw from its Mammen weights (one per unit, stream (seed, draw))
  ok <- !is.na(a1$estimates$std.error)
  inf <- a1$inf_func[, which(ok), drop = FALSE]
  V <- pilotdid:::cpp_boot_weights(nrow(inf), 2L, FALSE, 5, 0, 2000L)
  expect_equal(sort(unique(round(as.vector(V), 12))), round(c(1 - sqrt(5), 1 + sqrt(5)) / 2, 12))
  tmax <- apply(abs(V %*% inf / nrow(inf)) / rep(a1$estimates$std.error[ok], each = 2000), 1L, max)
  expect_equal(a1$crit_value, max(unname(quantile(tmax, 0.95, type = 1)), qnorm(0.975)), tolerance = 1e-10)
  tb <- tidy(a1)
  rows <- tb$term != "ATT_dynamic"
  expect_equal(tb$band.high[rows] - tb$estimate[rows], a1$crit_value * tb$std.error[rows])
  expect_true(is.na(tb$band.low[tb$term == "ATT_dynamic"]))
  # the band does not change the estimates or the pointwise intervals
  expect_equal(tb[names(tidy(aggregate(cs, "dynamic")))], tidy(aggregate(cs, "dynamic")))
  # never narrower than the pointwise interval
  one <- aggregate(cs, "group", cband = TRUE, n = 500, seed = 1)
  expect_gte(one$crit_value, stats::qnorm(0.975))
  skip_if_not_installed("did")
  ref <- withr::with_seed(3, suppressWarnings(
    did::aggte(cs_reference(d), "dynamic", bstrap = TRUE, cband = TRUE, biters = 4000)))
  expect_lt(abs(a1$crit_value - ref$crit.val.egt), 0.2)
})

test_that("print and summary", {
  d <- make_staggered(n_id = 40, n_t = 6, seed = 24)
  cs <- att_gt(y ~ 1 | id + year, data = d, cohort = "cohort")
  expect_snapshot(print(cs))
  expect_snapshot(print(aggregate(cs, "dynamic")))
})

test_that("bad inputs give clear errors", {
  d <- make_staggered(n_id = 30, n_t = 6, seed = 25)
  cs <- att_gt(y ~ 1 | id + year, data = d, cohort = "g")
  d_none <- d
  d_none$g <- 0
  expect_snapshot(error = TRUE, {
    att_gt(y ~ 1 | id + year, data = d, cohort = "g", est_method = "ipw")
    att_gt(y ~ 1 | id + year, data = d, cohort = "g", control_group = "nope")
    att_gt(y ~ 1 | id + year, data = d, cohort = "g", anticipation = -1)
    att_gt(y ~ 1 | id + year, data = d_none, cohort = "g")
    aggregate(cs, "nope")
    aggregate(cs, "dynamic", min_e = 2, max_e = 1)
  })
  expect_error(att_gt(y ~ 1 | id + year, data = d, cohort = "g", base_period = "x"),
               class = "pilotdid_error_input")
})

test_that("units dropped for balance are counted in dropped_units", {
  d <- make_staggered(n_id = 40, n_t = 8, seed = 460)
  d <- d[!(d$id %in% 1:3 & d$year == min(d$year)), ]
  cs <- suppressMessages(att_gt(y ~ 1 | id + year, data = d, cohort = "cohort"))
  expect_gte(cs$dropped_units, 3L)
  expect_equal(cs$n_units, 40L - cs$dropped_units)
})

test_that("sampling weights equal did::att_gt(weightsname =) and did::aggte(), without and with covariates", {
  skip_if_not_installed("did")
  d <- make_staggered(n_id = 80, n_t = 8, seed = 3)
  uw <- withr::with_seed(1, stats::runif(length(unique(d$id)), 0.2, 3))
  d$w <- uw[match(d$id, sort(unique(d$id)))]
  for (m in c("none", "reg", "dr")) for (cg in c("never", "notyet")) {
    f <- if (m == "none") y ~ 1 | id + year else y ~ x1 | id + year
    em <- if (m == "none") "dr" else m
    cs <- suppressMessages(att_gt(f, data = d, cohort = "g", weights = "w", est_method = em, control_group = cg))
    ref <- cs_reference(d, xformla = if (m != "none") ~x1, weightsname = "w", est_method = em,
                        control_group = c(never = "nevertreated", notyet = "notyettreated")[[cg]])
    tb <- tidy(cs)
    expect_lt(rel_diff(tb$estimate, ref$att), 1e-8)
    expect_lt(rel_diff(tb$std.error, ref$se), 1e-8)
    for (type in c("simple", "dynamic", "group")) {
      ra <- suppressWarnings(did::aggte(ref, type = type, bstrap = FALSE, cband = FALSE))
      a <- tidy(aggregate(cs, type))
      expect_lt(rel_diff(a$estimate, c(if (type != "simple") ra$att.egt, ra$overall.att)), 1e-8)
      expect_lt(rel_diff(a$std.error, c(if (type != "simple") ra$se.egt, ra$overall.se)), 1e-8)
    }
  }
  # weights given as a formula or a vector are the same weights; unit weights
  # scaled by a constant change nothing
  a <- suppressMessages(att_gt(y ~ 1 | id + year, data = d, cohort = "g", weights = "w"))
  b <- suppressMessages(att_gt(y ~ 1 | id + year, data = d, cohort = "g", weights = ~w))
  v <- suppressMessages(att_gt(y ~ 1 | id + year, data = d, cohort = "g", weights = 7 * d$w))
  expect_equal(b$estimates, a$estimates)
  expect_equal(v$estimates, a$estimates, tolerance = 1e-12)
})

test_that("weights of 1 give the unweighted estimates, and subset equals the call on the subset", {
  d <- make_staggered(n_id = 60, n_t = 8, seed = 5)
  d$one <- 1
  a <- att_gt(y ~ x1 | id + year, data = d, cohort = "g", est_method = "dr")
  b <- att_gt(y ~ x1 | id + year, data = d, cohort = "g", est_method = "dr", weights = ~one)
  expect_equal(b$estimates, a$estimates, tolerance = 1e-10)
  s <- att_gt(y ~ 1 | id + year, data = d, cohort = "g", subset = year >= 2009 & id != 3)
  r <- att_gt(y ~ 1 | id + year, data = d[d$year >= 2009 & d$id != 3, ], cohort = "g")
  expect_equal(s$estimates, r$estimates)
  expect_equal(s$n_units, r$n_units)
})

test_that("units with weight 0 stay in the sample as in did (estimates and standard errors)", {
  skip_if_not_installed("did")
  d <- make_staggered(n_id = 60, n_t = 8, seed = 3)
  uw <- withr::with_seed(1, stats::runif(length(unique(d$id)), 0.2, 3))
  uw[c(2, 5, 9)] <- 0
  d$w <- uw[match(d$id, sort(unique(d$id)))]
  cs <- att_gt(y ~ 1 | id + year, data = d, cohort = "g", weights = "w")
  ref <- cs_reference(d, weightsname = "w")
  expect_equal(cs$n_units, ref$n)
  expect_lt(rel_diff(tidy(cs)$estimate, ref$att), 1e-8)
  expect_lt(rel_diff(tidy(cs)$std.error, ref$se), 1e-8)
  ra <- suppressWarnings(did::aggte(ref, type = "dynamic", bstrap = FALSE, cband = FALSE))
  a <- tidy(aggregate(cs, "dynamic"))
  expect_lt(rel_diff(a$std.error, c(ra$se.egt, ra$overall.se)), 1e-8)
})
