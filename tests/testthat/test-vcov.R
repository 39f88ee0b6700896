# The one variance function: vcov()/summary()/tidy() recompute from the
# stored sample what twfe() would give, and agree with fixest.

test_that("summary(fit, vcov = X) equals twfe(..., vcov = X) for every X", {
  d <- make_panel(n_id = 40, n_t = 7, drop_share = 0.1, seed = 201)
  d$prov <- d$id %% 6
  fit <- twfe(y ~ treat + x1 + x2 | id + year, data = d)
  specs <- list(list(vcov = "iid"), list(vcov = "hetero"), list(vcov = "HC1"), list(vcov = "cluster"),
                list(vcov = "twoway"), list(vcov = ~id), list(vcov = ~ id + year), list(vcov = "NW"),
                list(vcov = "DK"), list(vcov = "NW", lag = 2), list(cluster = ~year), list(cluster = ~prov),
                list(cluster = ~ prov + year), list(vcov = ~ id + year + prov))
  for (s in specs) {
    direct <- suppressMessages(do.call(twfe, c(list(y ~ treat + x1 + x2 | id + year, data = d), s)))
    after <- suppressMessages(do.call(summary, c(list(fit), s)))
    lab <- paste(deparse(s), collapse = "")
    expect_lt(rel_diff(after$vcov, vcov(direct)), 1e-12, label = lab)
    expect_lt(rel_diff(after$coefficients[, 4], summary(direct)$coefficients[, 4]), 1e-12, label = lab)
    expect_equal(suppressMessages(do.call(vcov, c(list(fit), s))), vcov(direct), tolerance = 1e-12)
    expect_equal(suppressMessages(do.call(tidy, c(list(fit), s)))$std.error, tidy(direct)$std.error,
                 tolerance = 1e-12)
  }
  expect_equal(confint(fit, vcov = "hetero"), confint(update(fit, vcov = "hetero")), tolerance = 1e-12)
})

test_that("fixest spellings: iid, hetero, clusters, NW and DK equal feols to 1e-8", {
  skip_if_not_installed("fixest")
  d <- make_panel(n_id = 50, n_t = 9, seed = 202)
  d$prov <- d$id %% 7
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  for (v in list("iid", "hetero", ~id, ~ id + year, ~ prov + year, "twoway")) {
    # fixest warns when it repairs a two-way matrix; pilotdid says so with a message
    ref <- suppressWarnings(fixest::feols(y ~ treat + x1 | id + year, data = d, vcov = v, ssc = fixest_ssc()))
    expect_lt(rel_diff(suppressMessages(vcov(fit, vcov = v)), vcov(ref)), 1e-8)
    expect_lt(rel_diff(suppressMessages(summary(fit, vcov = v))$coefficients[, 4], fixest::pvalue(ref)), 1e-8)
  }
  for (v in c("NW", "DK")) {
    ref <- fixest::feols(y ~ treat + x1 | id + year, data = d, vcov = v, panel.id = ~ id + year,
                         ssc = fixest_ssc())
    expect_lt(rel_diff(vcov(fit, vcov = v), vcov(ref)), 1e-8)
    expect_lt(rel_diff(tidy(fit, vcov = v)$p.value, fixest::pvalue(ref)), 1e-8)
    ref3 <- fixest::feols(y ~ treat + x1 | id + year, data = d, panel.id = ~ id + year, ssc = fixest_ssc(),
                          vcov = if (v == "NW") fixest::NW(3) else fixest::DK(3))
    expect_lt(rel_diff(vcov(fit, vcov = v, lag = 3), vcov(ref3)), 1e-8)
  }
  # NW on an unbalanced panel pairs each row with its unit's l-th next period only
  du <- make_panel(n_id = 50, n_t = 9, drop_share = 0.2, seed = 203)
  fu <- twfe(y ~ treat + x1 | id + year, data = du)
  ref <- fixest::feols(y ~ treat + x1 | id + year, data = du, vcov = fixest::NW(2), panel.id = ~ id + year,
                       ssc = fixest_ssc(), fixef.tol = 1e-11)
  expect_lt(rel_diff(vcov(fu, vcov = "NW", lag = 2), vcov(ref)), 1e-8)
})

test_that("every small-sample option of ssc() equals fixest's", {
  skip_if_not_installed("fixest")
  skip_if_not("K.adj" %in% names(formals(fixest::ssc)))
  d <- make_panel(n_id = 40, n_t = 6, seed = 204)
  d$prov <- d$id %% 5
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  grid <- expand.grid(K.adj = c(TRUE, FALSE), K.fixef = c("nonnested", "full", "none"), G.adj = c(TRUE, FALSE),
                      G.df = c("min", "conventional"), t.df = c("min", "conventional"), stringsAsFactors = FALSE)
  for (i in seq_len(nrow(grid))) {
    a <- do.call(ssc, as.list(grid[i, ]))
    b <- do.call(fixest::ssc, as.list(grid[i, ]))
    for (v in list(~ id + prov, "iid", "hetero", "DK")) {
      ref <- fixest::feols(y ~ treat + x1 | id + year, data = d, vcov = v, ssc = b, panel.id = ~ id + year)
      s <- summary(fit, vcov = v, ssc = a)
      expect_lt(rel_diff(s$vcov, vcov(ref)), 1e-8)
      expect_lt(rel_diff(s$coefficients[, 4], fixest::pvalue(ref)), 1e-8)
    }
  }
})

test_that("a non-PSD multi-way variance is repaired as fixest repairs it, with a message", {
  skip_if_not_installed("fixest")
  d <- make_panel(n_id = 60, n_t = 9, seed = 3)
  d$grp <- d$id %% 3
  d$x1[c(5, 40, 200)] <- NA   # rows with missing values leave the sample
  fit <- suppressMessages(twfe(y ~ treat + x1 | id + year, data = d))
  expect_message(v <- vcov(fit, vcov = ~ id + year + grp), "not positive semi-definite")
  ref <- suppressWarnings(fixest::feols(y ~ treat + x1 | id + year, data = d, vcov = ~ id + year + grp,
                                        ssc = fixest_ssc()))
  expect_lt(rel_diff(v, vcov(ref)), 1e-8)
  expect_true(all(is.finite(sqrt(diag(v)))))
  raw <- pilotdid:::vcov_compute("cluster", fit$sample$X, fit$residuals, rep(1, nobs(fit)), fit$sample$bread,
                                 fit$sample$codes, lapply(list(d$id, d$year, d$grp), function(x) pilotdid:::group_codes(list(x[fit$obs]))),
                                 ssc = ssc())
  expect_true(raw$repaired)
})

test_that("clustering on a column the fit did not use finds and checks the data", {
  d <- make_panel(n_id = 40, n_t = 6, seed = 205)
  d$prov <- d$id %% 5
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  expect_equal(vcov(fit, cluster = ~prov), vcov(twfe(y ~ treat + x1 | id + year, data = d, cluster = ~prov)))
  inner <- function(dd) twfe(y ~ treat + x1 | id + year, data = dd)
  f2 <- inner(d)
  expect_error(vcov(f2, cluster = ~prov), class = "pilotdid_error_input")
  expect_equal(vcov(f2, cluster = ~prov, data = d), vcov(fit, cluster = ~prov))
  d2 <- d
  d2$y[3] <- d2$y[3] + 1
  expect_error(vcov(fit, cluster = ~prov, data = d2), class = "pilotdid_error_data_changed")
})

test_that("unknown arguments and bad variance requests are errors", {
  d <- make_panel(n_id = 20, n_t = 5, seed = 206)
  fit <- twfe(y ~ treat | id + year, data = d)
  expect_error(summary(fit, vcvo = "hetero"), class = "rlib_error_dots_nonempty")
  expect_error(tidy(fit, clster = ~year), class = "rlib_error_dots_nonempty")
  expect_snapshot(error = TRUE, {
    twfe(y ~ treat | id + year, data = d, vcov = "robust")
    twfe(y ~ treat | id + year, data = d, vcov = ~id, cluster = ~year)
    twfe(y ~ treat | id + year, data = d, vcov = "hetero", cluster = ~id)
    twfe(y ~ treat | id, data = d, vcov = "NW")
    twfe(y ~ treat | id + year, data = d, cluster = ~ id + year + x1 + treat + id^year)
    summary(fit, vcov = "iid", lag = 2)
    confint(fit, level = 1.5)
  })
})

test_that("on the paper's panel with missing controls, a non-PSD two-way variance is repaired as in fixest", {
  skip_if_not_installed("fixest")
  # Table 3's model clustered by province and year: the raw two-way matrix has
  # a negative eigenvalue (about -4e-6) on this real panel
  d <- nqp_panel
  d$fdi[seq(7, nrow(d), by = 97)] <- NA
  d$lngdp[seq(30, nrow(d), by = 211)] <- NA
  f <- nqp ~ did + gov + density + fdi + lngdp + rcl + fin | nbs_code + year
  expect_message(expect_message(fit <- twfe(f, data = d, cluster = ~ province + year), "Dropped 47 rows"),
                 "not positive semi-definite")
  ref <- suppressWarnings(fixest::feols(f, data = d, vcov = ~ province + year, ssc = fixest_ssc()))
  raw <- suppressWarnings(vcov(ref, vcov = ~ province + year, ssc = fixest_ssc(), vcov_fix = FALSE))
  expect_lt(min(eigen(raw, symmetric = TRUE, only.values = TRUE)$values), 0)
  expect_true(fit$vcov_repaired)
  expect_lt(rel_diff(coef(fit), coef(ref)), 1e-8)
  # standard errors to 1e-8 relative; the whole matrix to 1e-8 of its largest
  # entry (near-cancelling off-diagonal entries inherit the eigen solver's noise)
  expect_lt(rel_diff(sqrt(diag(vcov(fit))), fixest::se(ref)), 1e-8)
  expect_lt(max(abs(vcov(fit) - vcov(ref))) / max(abs(vcov(ref))), 1e-8)
  expect_true(all(is.finite(sqrt(diag(vcov(fit))))))
  expect_equal(nobs(fit), nobs(ref))
})
