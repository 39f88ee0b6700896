# psm_did() with `subset` and sampling `weights`: oracles are psm_did() on the
# rows of the subset, MatchIt::matchit(s.weights = ) for the scores, matches,
# subclasses and balance (its summary()), weighted glm()/lm() for the overall
# statistics and t-tests, and fixest::feols() for the re-estimated DID.

test_that("subset gives the matches and estimates of psm_did() on those rows, as rows of data", {
  d <- make_psm_panel(n_id = 80, seed = 31)
  keep <- d$year >= 2012 & d$x3 > 0.1
  rows <- which(keep)
  for (args in list(list(), list(caliper = 0.1), list(match_within = "period", sample = "support"),
                    list(ratio = 2, replace = TRUE, order = "smallest"))) {
    a <- do.call(quiet_psm, c(list(psm_fml, data = d, treat = ~ever, subset = quote(year >= 2012 & x3 > 0.1)), args))
    b <- do.call(quiet_psm, c(list(psm_fml, data = d[rows, ], treat = ~ever), args))
    lab <- paste(names(args), args, collapse = " ")
    expect_identical(unname(a$match_matrix), matrix(rows[b$match_matrix], nrow(b$match_matrix)), label = lab)
    expect_identical(rownames(a$match_matrix), as.character(rows[as.integer(rownames(b$match_matrix))]))
    expect_identical(a$scores$row, rows[b$scores$row])
    expect_identical(a$scores[-1], b$scores[-1])
    expect_identical(a$matched, b$matched)
    expect_equal(a$balance, b$balance, tolerance = 1e-12)
    expect_equal(a$overall, b$overall, tolerance = 1e-12)
    expect_equal(coef(a), coef(b), tolerance = 1e-12)
    expect_equal(vcov(a), vcov(b), tolerance = 1e-12)
    expect_identical(a$fit$obs, rows[b$fit$obs])
  }
  # a logical vector and row numbers (variables of the caller) select the same rows
  withr::local_options(pilotdid.quiet = TRUE)
  a <- psm_did(psm_fml, data = d, treat = ~ever, subset = keep)
  b <- psm_did(psm_fml, data = d, treat = ~ever, subset = rows)
  expect_identical(b$match_matrix, a$match_matrix)
  expect_equal(coef(b), coef(a))
  expect_identical(a$match_matrix, quiet_psm(psm_fml, data = d, treat = ~ever, subset = year >= 2012 & x3 > 0.1)$match_matrix)
})

test_that("psm_did(subset = )$fit composes: placebo_test() and heterogeneity() equal those of the direct twfe() fit", {
  d <- make_psm_panel(n_id = 60, n_t = 6, seed = 32)
  d$big <- d$id %% 2 == 0
  d$sw <- withr::with_seed(32, stats::runif(nrow(d), 0.5, 2))
  withr::local_options(pilotdid.quiet = TRUE)
  res <- psm_did(psm_fml, data = d, treat = ~ever, subset = year >= 2012, weights = ~sw, cluster = ~id)
  w <- numeric(nrow(d))
  w[res$scores$row] <- res$scores$weights * d$sw[res$scores$row]
  ref <- twfe(psm_fml, data = d, weights = w, subset = w > 0, cluster = ~id)
  expect_equal(coef(res), coef(ref), tolerance = 1e-10)
  expect_equal(vcov(res), vcov(ref), tolerance = 1e-10)
  expect_identical(res$fit$obs, ref$obs)
  expect_equal(placebo_test(res$fit, n = 30, seed = 5)$estimates, placebo_test(ref, n = 30, seed = 5)$estimates,
               tolerance = 1e-10)
  het <- heterogeneity(res$fit, big, test = "interaction")
  het_ref <- heterogeneity(ref, big, test = "interaction")
  expect_equal(het$groups$estimate, het_ref$groups$estimate, tolerance = 1e-10)
  expect_equal(het$groups$std.error, het_ref$groups$std.error, tolerance = 1e-10)
})

test_that("weighted scores, matches, subclasses and weights are MatchIt's with s.weights (pooled)", {
  skip_if_not_installed("MatchIt")
  d <- make_psm_panel(n_id = 80, seed = 33)
  d$sw <- psm_sampling_weights(d, seed = 33)
  for (cal in list(NULL, 0.1)) {
    res <- quiet_psm(psm_fml, data = d, treat = ~ever, weights = ~sw, caliper = cal, cluster = ~id)
    m <- matchit_sw(ever ~ x1 + x2 + x3, d, caliper = cal)
    lab <- paste("caliper", format(cal))
    expect_equal(res$scores$pscore, unname(m$distance), tolerance = 1e-10, label = lab)
    expect_equal(res$caliper_width[[1]], if (is.null(cal)) Inf else cal * stats::sd(m$distance), tolerance = 1e-12)
    expect_identical(our_pairs(res), matchit_mm(m), label = lab)
    expect_identical(res$scores$subclass, as.integer(as.character(m$subclass)), label = lab)
    expect_equal(res$scores$weights, unname(m$weights), tolerance = 1e-12)
    if (!is.null(cal)) expect_gt(res$counts[["unmatched_treated"]], 0)
    # balance: MatchIt's summary() with pooled standard deviations
    expect_balance_matchit(res, m)
    # the DID: feols() on the matched rows with matching x sampling weights
    expect_did_feols(res, d, m$weights * d$sw)
  }
})

test_that("weighted matching within periods is MatchIt's with s.weights year by year", {
  skip_if_not_installed("MatchIt")
  d <- make_psm_panel(n_id = 80, share = 0.3, seed = 34)
  d$sw <- psm_sampling_weights(d, seed = 34)
  for (cal in list(NULL, 0.3)) {
    res <- quiet_psm(psm_fml, data = d, treat = ~ever, weights = "sw", match_within = "period", caliper = cal,
                     cluster = ~id)
    tr <- which(d$ever == 1)
    mw <- numeric(nrow(d))
    for (yr in unique(d$year)) {
      s <- which(d$year == yr)
      m <- matchit_sw(ever ~ x1 + x2 + x3, d[s, ], caliper = cal)
      expect_equal(res$scores$pscore[s], unname(m$distance), tolerance = 1e-10)
      ours <- our_pairs(res)[match(intersect(s, tr), tr), , drop = FALSE]
      expect_identical(ours, matrix(s[matchit_mm(m)], ncol = 1L), label = paste(yr, format(cal)))
      mw[s] <- m$weights
    }
    # 1:1 without replacement: every matched row has weight 1, in MatchIt's per-year runs too
    expect_equal(res$scores$weights, mw)
    expect_did_feols(res, d, mw * d$sw)
  }
})

test_that("weighted matching on the logit scale, with ratio 2 and with replacement follows MatchIt", {
  skip_if_not_installed("MatchIt")
  d <- make_psm_panel(n_id = 80, share = 0.3, seed = 35)
  d$sw <- psm_sampling_weights(d, seed = 35)
  res <- quiet_psm(psm_fml, data = d, treat = ~ever, weights = ~sw, caliper = 0.2, caliper_scale = "logit")
  m <- matchit_sw(ever ~ x1 + x2 + x3, d, caliper = 0.2, link = "linear.logit")
  expect_equal(res$scores$distance, unname(m$distance), tolerance = 1e-8)
  expect_identical(our_pairs(res), matchit_mm(m))
  expect_balance_matchit(res, m)
  # ratio 2 and replacement: MatchIt's general engine on the weighted scores
  for (rep in c(FALSE, TRUE)) {
    res <- quiet_psm(psm_fml, data = d, treat = ~ever, weights = ~sw, ratio = 2, replace = rep, caliper = 0.3)
    m <- matchit_sw(ever ~ x1 + x2 + x3, d)
    expect_equal(res$scores$pscore, unname(m$distance), tolerance = 1e-10)
    ref <- matchit_pairs(d$ever, res$scores$pscore, ratio = 2, replace = rep, caliper = res$caliper_width[[1]])
    expect_identical(sort_rows(our_pairs(res)), sort_rows(ref$pairs))
    expect_equal(res$scores$weights, ref$weights, tolerance = 1e-12)
  }
})

test_that("weighted overall statistics and t-tests are those of weighted glm() and lm()", {
  d <- make_psm_panel(n_id = 60, seed = 36)
  d$sw <- psm_sampling_weights(d, seed = 36)
  res <- quiet_psm(psm_fml, data = d, treat = ~ever, weights = ~sw, ratio = 2, replace = TRUE)
  w <- res$scores$weights * d$sw
  o <- balance(res, "overall")
  # log-likelihoods with the weights scaled to sum to the rows used
  lr <- function(dat, wt) {
    dat$wt <- wt * length(wt) / sum(wt)
    g1 <- suppressWarnings(stats::glm(ever ~ x1 + x2 + x3, family = quasibinomial, data = dat, weights = wt))
    g0 <- suppressWarnings(stats::glm(ever ~ 1, family = quasibinomial, data = dat, weights = wt))
    ll <- function(g) sum(dat$wt * stats::dbinom(dat$ever, 1, stats::fitted(g), log = TRUE))
    c(pseudo_r2 = 1 - ll(g1) / ll(g0), lr = g0$deviance - g1$deviance)
  }
  before <- lr(d, d$sw)
  after <- lr(d[w > 0, ], w[w > 0])
  expect_equal(o$pseudo_r2, unname(c(before["pseudo_r2"], after["pseudo_r2"])), tolerance = 1e-8)
  expect_equal(o$lr_chi2, unname(c(before["lr"], after["lr"])), tolerance = 1e-8)
  p_lm <- function(v, wt, s) summary(stats::lm(d[[v]] ~ d$ever, weights = wt, subset = s))$coefficients[2, 4]
  for (v in c("x1", "x2", "x3")) {
    b <- res$balance[res$balance$covariate == v, ]
    expect_equal(b$p_before, p_lm(v, d$sw, d$sw > 0), tolerance = 1e-8)
    expect_equal(b$p_after, p_lm(v, w, w > 0), tolerance = 1e-8)
  }
  # without weights the t-test after matching is the same regression (matching weights sum to the rows)
  r0 <- quiet_psm(psm_fml, data = d, treat = ~ever, ratio = 2, replace = TRUE)
  w0 <- r0$scores$weights
  expect_equal(r0$balance$p_after[1], p_lm("x1", w0, w0 > 0), tolerance = 1e-8)
})

test_that("sampling weights: their scale is irrelevant, unit weights change nothing, any spelling works", {
  d <- make_psm_panel(n_id = 60, seed = 37)
  d$sw <- psm_sampling_weights(d, seed = 37)
  a <- quiet_psm(psm_fml, data = d, treat = ~ever, weights = ~sw, caliper = 0.2)
  big <- quiet_psm(psm_fml, data = d, treat = ~ever, weights = d$sw * 1e6, caliper = 0.2)
  expect_identical(big$match_matrix, a$match_matrix)
  expect_equal(big$balance, a$balance, tolerance = 1e-10)
  expect_equal(big$overall, a$overall, tolerance = 1e-10)
  expect_equal(coef(big), coef(a), tolerance = 1e-10)
  expect_equal(vcov(big), vcov(a), tolerance = 1e-10)
  expect_equal(coef(quiet_psm(psm_fml, data = d, treat = ~ever, weights = "sw", caliper = 0.2)), coef(a))
  base <- quiet_psm(psm_fml, data = d, treat = ~ever, caliper = 0.2)
  one <- quiet_psm(psm_fml, data = d, treat = ~ever, weights = rep(1, nrow(d)), caliper = 0.2)
  expect_identical(one$match_matrix, base$match_matrix)
  expect_equal(one$balance, base$balance, tolerance = 1e-12)
  expect_equal(one$overall, base$overall, tolerance = 1e-12)
  expect_equal(vcov(one), vcov(base), tolerance = 1e-12)
  # and the unweighted balance is still the unweighted hand formula (n - 1 variances)
  x <- d$x1
  t1 <- d$ever == 1
  expect_equal(base$balance$bias_before[1],
               100 * (mean(x[t1]) - mean(x[!t1])) / sqrt((stats::var(x[t1]) + stats::var(x[!t1])) / 2),
               tolerance = 1e-12)
})

test_that("zero sampling weights: the rows are matched as in MatchIt and leave the DID", {
  skip_if_not_installed("MatchIt")
  d <- make_psm_panel(n_id = 80, seed = 38)
  d$sw <- psm_sampling_weights(d, seed = 38)
  d$sw[c(2, 5, 40, 41, 200, 333)] <- 0
  expect_message(res <- psm_did(psm_fml, data = d, treat = ~ever, weights = ~sw, cluster = ~id,
                                covariates = ~ x1 + x2 + x3),
                 "zero weight")
  m <- matchit_sw(ever ~ x1 + x2 + x3, d)
  expect_equal(res$scores$pscore, unname(m$distance), tolerance = 1e-10)
  expect_identical(our_pairs(res), matchit_mm(m))
  expect_balance_matchit(res, m)
  w <- res$scores$weights * d$sw
  expect_equal(nobs(res), sum(w > 0))
  expect_lt(nobs(res), sum(res$scores$weights > 0))
  expect_did_feols(res, d, w)
})

test_that("sample = 'support' with weights is twfe() on the support with the sampling weights", {
  d <- make_psm_panel(n_id = 80, share = 0.5, seed = 39)
  d$x1[d$ever == 1][1:3] <- c(8, 9, -9)
  d$sw <- psm_sampling_weights(d, seed = 39)
  res <- quiet_psm(psm_fml, data = d, treat = ~ever, weights = ~sw, sample = "support", cluster = ~id)
  on <- res$scores$support
  expect_gte(sum(!on), 2)
  ref <- twfe(psm_fml, data = d, weights = ~sw, subset = on, cluster = ~id)
  expect_equal(coef(res), coef(ref), tolerance = 1e-10)
  expect_equal(vcov(res), vcov(ref), tolerance = 1e-10)
  expect_output(print(res), "common support, weighted by the sampling weights")
})

test_that("score densities are weighted by the sampling weights, after matching by their product", {
  d <- make_psm_panel(n_id = 60, seed = 40)
  d$sw <- psm_sampling_weights(d, seed = 40)
  res <- quiet_psm(psm_fml, data = d, treat = ~ever, weights = ~sw)
  ps <- psm_plot_data(res, "score")
  p <- res$scores$pscore
  dens <- function(rows, w) {
    stats::density(p[rows], bw = stats::bw.nrd0(p[rows]), weights = w[rows] / sum(w[rows]),
                   from = min(p), to = max(p), n = 512)$y
  }
  c0 <- d$ever == 0
  expect_equal(ps$density[ps$sample == "Unmatched" & ps$group == "Control"], dens(c0, d$sw), tolerance = 1e-10)
  w <- res$scores$weights * d$sw
  expect_equal(ps$density[ps$sample == "Matched" & ps$group == "Control"], dens(c0 & w > 0, w), tolerance = 1e-10)
})
