# psm_did(): oracles are glm() for the scores, MatchIt's nearest-neighbour
# engine for the matches and weights, hand computations for the balance table
# and twfe() for the re-estimated DID.

test_that("propensity scores equal glm()'s fitted values to 1e-10", {
  d <- make_psm_panel(seed = 1)
  res <- quiet_psm(psm_fml, data = d, treat = ~ever)
  ref <- stats::fitted(stats::glm(ever ~ x1 + x2 + x3, family = binomial, data = d))
  expect_equal(res$scores$pscore, unname(ref), tolerance = 1e-10)
  expect_equal(res$scores$distance, res$scores$pscore)
  # per period: one model per year
  rp <- quiet_psm(psm_fml, data = d, treat = ~ever, match_within = "period")
  for (yr in unique(d$year)) {
    s <- d$year == yr
    g <- stats::glm(ever ~ x1 + x2 + x3, family = binomial, data = d[s, ])
    expect_equal(rp$scores$pscore[s], unname(stats::fitted(g)), tolerance = 1e-10)
  }
  # logit scale: the distance is the linear predictor
  rl <- quiet_psm(psm_fml, data = d, treat = ~ever, caliper_scale = "logit")
  expect_equal(rl$scores$distance, stats::qlogis(unname(ref)), tolerance = 1e-8)
})

test_that("matches are MatchIt's for every order, with and without a caliper (1:1, no replacement)", {
  skip_if_not_installed("MatchIt")
  d <- make_psm_panel(n_id = 80, seed = 2)
  for (ord in c("largest", "smallest", "data")) {
    for (cal in list(NULL, 0.05)) {
      res <- quiet_psm(psm_fml, data = d, treat = ~ever, order = ord, caliper = cal)
      ref <- matchit_pairs(d$ever, res$scores$pscore, order = ord,
                           caliper = if (!is.null(cal)) res$caliper_width[[1]])
      expect_identical(our_pairs(res), ref$pairs, label = paste("pairs, order", ord, "caliper", format(cal)))
      expect_equal(res$scores$weights, ref$weights, tolerance = 1e-12)
    }
  }
  # the caliper binds in this example: some treated rows are left unmatched
  res <- quiet_psm(psm_fml, data = d, treat = ~ever, caliper = 0.05)
  expect_gt(res$counts[["unmatched_treated"]], 0)
  expect_lte(max(abs(res$scores$pscore[res$match_matrix[, 1]] -
                       res$scores$pscore[as.integer(rownames(res$match_matrix))]), na.rm = TRUE),
             res$caliper_width[[1]])
})

test_that("matches are MatchIt's with ratio 2, with replacement, and on the logit scale", {
  skip_if_not_installed("MatchIt")
  d <- make_psm_panel(n_id = 80, share = 0.3, seed = 3)
  res <- quiet_psm(psm_fml, data = d, treat = ~ever, ratio = 2)
  ref <- matchit_pairs(d$ever, res$scores$pscore, ratio = 2)
  expect_identical(our_pairs(res), ref$pairs)
  expect_equal(res$scores$weights, ref$weights, tolerance = 1e-12)

  res <- quiet_psm(psm_fml, data = d, treat = ~ever, ratio = 2, caliper = 0.1, order = "smallest")
  ref <- matchit_pairs(d$ever, res$scores$pscore, order = "smallest", ratio = 2,
                       caliper = res$caliper_width[[1]])
  expect_identical(our_pairs(res), ref$pairs)
  expect_equal(res$scores$weights, ref$weights, tolerance = 1e-12)

  # with replacement MatchIt stores a treated row's controls in its own column
  # order when few are eligible, so the sets are compared
  for (k in 1:2) {
    res <- quiet_psm(psm_fml, data = d, treat = ~ever, ratio = k, replace = TRUE, caliper = 0.1)
    ref <- matchit_pairs(d$ever, res$scores$pscore, ratio = k, replace = TRUE,
                         caliper = res$caliper_width[[1]])
    expect_identical(sort_rows(our_pairs(res)), sort_rows(ref$pairs))
    expect_equal(res$scores$weights, ref$weights, tolerance = 1e-12)
    expect_true(all(is.na(res$scores$subclass)))
  }

  res <- quiet_psm(psm_fml, data = d, treat = ~ever, caliper = 0.2, caliper_scale = "logit")
  ref <- matchit_pairs(d$ever, res$scores$distance, caliper = res$caliper_width[[1]])
  expect_identical(our_pairs(res), ref$pairs)
  expect_equal(res$caliper_width[[1]], 0.2 * stats::sd(stats::qlogis(res$scores$pscore)), tolerance = 1e-8)
})

test_that("order = 'random' follows the seed as MatchIt does under set.seed()", {
  skip_if_not_installed("MatchIt")
  d <- make_psm_panel(n_id = 80, seed = 4)
  res <- quiet_psm(psm_fml, data = d, treat = ~ever, order = "random", seed = 11)
  ref <- matchit_pairs(d$ever, res$scores$pscore, order = "random", seed = 11)
  expect_identical(our_pairs(res), ref$pairs)
  again <- quiet_psm(psm_fml, data = d, treat = ~ever, order = "random", seed = 11)
  expect_identical(our_pairs(again), our_pairs(res))
})

test_that("MatchIt's default fast path agrees too where it is sound", {
  skip_if_not_installed("MatchIt")
  d <- make_psm_panel(n_id = 80, seed = 5)
  res <- quiet_psm(psm_fml, data = d, treat = ~ever, caliper = 0.1)
  m <- suppressWarnings(MatchIt::matchit(ever ~ x1 + x2 + x3, data = d, method = "nearest",
                                         distance = "glm", caliper = 0.1))
  fast <- matrix(as.integer(m$match.matrix), ncol = 1L)
  general <- matchit_pairs(d$ever, unname(m$distance), caliper = 0.1 * stats::sd(m$distance))$pairs
  # MatchIt 4.5.1's vector path (nn_matchC_vec) compares distances with the
  # integer abs() on some builds: it then always takes the left neighbour and
  # ignores the caliper. Compare only when it agrees with MatchIt's own
  # general engine.
  skip_if(!identical(fast, general), "MatchIt's nn_matchC_vec is unsound on this build")
  expect_identical(our_pairs(res), fast)
})

test_that("tied scores follow the sorted search (the rule written out in R)", {
  d <- make_psm_panel(n_id = 60, share = 0.25, seed = 20)
  d$f1 <- round(d$x1)   # discrete covariates: many rows share a score
  d$f2 <- as.integer(d$x2 > 0)
  expect_lt(length(unique(round(stats::fitted(stats::glm(ever ~ f1 + f2, binomial, d)), 12))), 20)
  tr <- which(d$ever == 1)
  for (ord in c("largest", "smallest", "data")) {
    for (k in 1:2) {
      for (rep in c(FALSE, TRUE)) {
        res <- quiet_psm(psm_fml, data = d, treat = ~ever, covariates = ~ f1 + f2, order = ord,
                         ratio = k, replace = rep, caliper = 0.1)
        p <- res$scores$distance
        visit <- switch(ord, largest = order(p[tr], decreasing = TRUE), smallest = order(p[tr]),
                        data = seq_along(tr))
        ref <- greedy_reference(p, d$ever, visit, ratio = k, replace = rep, caliper = res$caliper_width[[1]])
        expect_identical(our_pairs(res), ref, label = paste(ord, k, rep))
      }
    }
  }
})

test_that("level = 'period' matches within each period as MatchIt run period by period", {
  skip_if_not_installed("MatchIt")
  d <- make_psm_panel(n_id = 80, share = 0.25, seed = 6)
  res <- quiet_psm(psm_fml, data = d, treat = ~ever, match_within = "period", ratio = 2, caliper = 0.5)
  ours <- our_pairs(res)
  tr <- which(d$ever == 1)
  for (yr in unique(d$year)) {
    s <- which(d$year == yr)
    width <- res$caliper_width[[as.character(yr)]]
    expect_equal(width, 0.5 * stats::sd(res$scores$pscore[s]))
    ref <- matchit_pairs(d$ever[s], res$scores$pscore[s], ratio = 2, caliper = width)$pairs
    ref[] <- s[ref]
    expect_identical(ours[match(intersect(s, tr), tr), , drop = FALSE], ref)
  }
  # controls come from the treated row's own year
  yr_t <- d$year[as.integer(rownames(res$match_matrix))]
  expect_true(all(d$year[res$match_matrix[, 1]] == yr_t, na.rm = TRUE))
  expect_equal(names(res$caliper_width), as.character(sort(unique(d$year))))
})

test_that("a period without controls is skipped with a note", {
  d <- make_psm_panel(n_id = 40, share = 0.25, seed = 21)
  d$ever[d$year == 2011] <- 1L
  expect_message(res <- psm_did(psm_fml, data = d, treat = ~ever, match_within = "period"),
                 "No matching in period \"2011\"")
  in_2011 <- res$scores$cell == "2011"
  expect_true(all(is.na(res$scores$pscore[in_2011])))
  expect_true(all(res$scores$weights[in_2011] == 0))
  expect_false(any(res$scores$support[in_2011]))
  expect_equal(res$counts[["unmatched_treated"]], sum(in_2011))
})

test_that("weights and subclasses follow MatchIt's rules", {
  d <- make_psm_panel(n_id = 60, share = 0.25, seed = 7)
  res <- quiet_psm(psm_fml, data = d, treat = ~ever, ratio = 2)
  m <- res$matched
  expect_true(all(m$weights[m$ever == 1] == 1))
  # each set: one treated row and its controls, same subclass
  for (s in unique(m$subclass)) expect_equal(sum(m$ever[m$subclass == s] == 1), 1)
  expect_equal(sum(m$weights[m$ever == 0]), sum(m$ever == 0))
  expect_identical(rownames(m), as.character(res$scores$row[res$scores$weights > 0]))
  expect_true(all(c("id", "year", "subclass", "weights", "pscore") %in% names(m)))
})

test_that("standardized bias, reduction and t-tests match a hand computation", {
  # treated x = 1, 2, 3 (mean 2, var 1); controls x = 2, 4, 6, 8 (mean 5, var 20/3)
  # denominator sqrt((1 + 20/3) / 2) = sqrt(23/6) = 1.9578900...
  X <- matrix(c(1, 2, 3, 2, 4, 6, 8), ncol = 1, dimnames = list(NULL, "x"))
  tr <- c(1L, 1L, 1L, 0L, 0L, 0L, 0L)
  w <- c(1, 1, 1, 2, 1, 1, 0)   # weighted control mean (2*2 + 4 + 6) / 4 = 3.5
  b <- pilotdid:::balance_table(X, tr, w)
  expect_equal(b$mean_treated_before, 2)
  expect_equal(b$mean_control_before, 5)
  expect_equal(b$bias_before, -153.2261755, tolerance = 1e-9)   # 100 * (2 - 5) / sqrt(23/6)
  expect_equal(b$mean_control_after, 3.5)
  expect_equal(b$bias_after, -76.61308777, tolerance = 1e-9)    # 100 * (2 - 3.5) / sqrt(23/6)
  expect_equal(b$reduction, 50)
  # t-tests: pooled-variance t-test before; after, the weighted regression
  # lm(x ~ treat, weights = w) (these weights sum to 7 on 6 rows: not matching
  # weights, which sum to the number of rows and make it pstest's [iw = w] test)
  expect_equal(b$p_before, 0.1200176377, tolerance = 1e-9)      # t.test(1:3, c(2,4,6,8), var.equal = TRUE)
  expect_equal(b$p_before, stats::t.test(1:3, c(2, 4, 6, 8), var.equal = TRUE)$p.value, tolerance = 1e-12)
  ref <- summary(stats::lm(X[, 1] ~ tr, weights = w))$coefficients[2, 4]
  expect_equal(b$p_after, ref, tolerance = 1e-12)
  # by hand: weighted control mean 3.5, ss 2 + (2*2.25 + 0.25 + 6.25) = 13 on 6 - 2 df,
  # se = sqrt(13/4 * (1/3 + 1/4)), p = 2 * pt(-1.5 / se, 4)
  expect_equal(b$p_after, 0.3372089609, tolerance = 1e-9)
})

test_that("the overall statistics are those of weighted logits", {
  d <- make_psm_panel(n_id = 60, seed = 8)
  res <- quiet_psm(psm_fml, data = d, treat = ~ever, ratio = 2, replace = TRUE)
  g0 <- stats::glm(ever ~ x1 + x2 + x3, family = binomial, data = d)
  g00 <- stats::glm(ever ~ 1, family = binomial, data = d)
  o <- balance(res, "overall")
  expect_equal(o$pseudo_r2[1], 1 - as.numeric(stats::logLik(g0) / stats::logLik(g00)), tolerance = 1e-8)
  expect_equal(o$lr_chi2[1], g00$deviance - g0$deviance, tolerance = 1e-8)
  w <- res$scores$weights
  dm <- cbind(d, w = w)[w > 0, ]
  g1 <- suppressWarnings(stats::glm(ever ~ x1 + x2 + x3, family = binomial, data = dm, weights = w))
  g10 <- suppressWarnings(stats::glm(ever ~ 1, family = binomial, data = dm, weights = w))
  expect_equal(o$lr_chi2[2], g10$deviance - g1$deviance, tolerance = 1e-8)
  expect_equal(o$mean_bias, c(mean(abs(res$balance$bias_before)), mean(abs(res$balance$bias_after))))
})

test_that("the DID fit equals twfe() on the matched rows with the matching weights", {
  d <- make_psm_panel(n_id = 80, share = 0.25, seed = 9)
  for (rep in c(FALSE, TRUE)) {
    res <- quiet_psm(psm_fml, data = d, treat = ~ever, ratio = 2, replace = rep, cluster = ~id)
    w <- res$scores$weights
    ref <- twfe(psm_fml, data = d, weights = w, subset = w > 0, cluster = ~id)
    expect_equal(coef(res), coef(ref), tolerance = 1e-10)
    expect_equal(vcov(res), vcov(ref), tolerance = 1e-10)
    expect_equal(nobs(res), sum(w > 0))
  }
})

test_that("sample = 'support' keeps the controls and the treated rows on the common support", {
  d <- make_psm_panel(n_id = 80, share = 0.5, seed = 10)
  d$x1[d$ever == 1][1:3] <- c(8, 9, -9)   # push three treated rows off support
  res <- quiet_psm(psm_fml, data = d, treat = ~ever, sample = "support")
  p <- res$scores$pscore
  rng <- range(p[d$ever == 0])
  on <- d$ever == 0 | (p >= rng[1] & p <= rng[2])
  expect_identical(res$scores$support, on)
  expect_gte(sum(!on), 2)
  ref <- twfe(psm_fml, data = d, subset = on, cluster = ~id)
  expect_equal(coef(res), coef(ref), tolerance = 1e-10)
  expect_equal(nobs(res), sum(on))
  # with a caliper, treated rows without a match are off support too
  rc <- quiet_psm(psm_fml, data = d, treat = ~ever, sample = "support", caliper = 0.01)
  unmatched <- d$ever == 1 & rc$scores$weights == 0
  expect_true(all(!rc$scores$support[unmatched]))
})

test_that("results do not depend on threads or on the order of the rows", {
  d <- make_psm_panel(n_id = 80, seed = 12)
  a <- quiet_psm(psm_fml, data = d, treat = ~ever, match_within = "period", threads = 1)
  b <- quiet_psm(psm_fml, data = d, treat = ~ever, match_within = "period", threads = 2)
  expect_identical(a$match_matrix, b$match_matrix)
  perm <- withr::with_seed(3, sample.int(nrow(d)))
  ds <- d[perm, ]
  rownames(ds) <- NULL
  s <- quiet_psm(psm_fml, data = ds, treat = ~ever, match_within = "period")
  key <- function(dat, res) {
    tr <- as.integer(rownames(res$match_matrix))
    sort(paste(dat$id[tr], dat$year[tr], dat$id[res$match_matrix[, 1]]))
  }
  expect_identical(key(ds, s), key(d, a))
  expect_equal(coef(s), coef(a), tolerance = 1e-10)
})

test_that("default covariates are the formula's controls without the policy dummy", {
  d <- make_psm_panel(seed = 13)
  expect_message(res <- psm_did(psm_fml, data = d, treat = "ever"), "except did")
  expect_identical(res$settings$covariates, c("x1", "x2", "x3"))
  d$post <- as.integer(d$year >= 2013)
  res2 <- quiet_psm(y ~ ever:post + x1 + log(x3) | id + year, data = d, treat = ~ever)
  expect_identical(res2$settings$covariates, c("x1", "log(x3)"))
  res3 <- quiet_psm(psm_fml, data = d, treat = ~ever, covariates = ~ x1 + I(x2^2))
  expect_identical(res3$balance$covariate, c("x1", "I(x2^2)"))
})

test_that("plot data are the balance table and weighted score densities", {
  d <- make_psm_panel(n_id = 60, seed = 14)
  res <- quiet_psm(psm_fml, data = d, treat = ~ever)
  pb <- psm_plot_data(res, "bias")
  expect_equal(pb$bias, c(res$balance$bias_before, res$balance$bias_after))
  expect_identical(levels(pb$sample), c("Unmatched", "Matched"))
  expect_identical(levels(pb$covariate), res$balance$covariate[order(abs(res$balance$bias_before))])
  ps <- psm_plot_data(res, "score")
  expect_equal(nrow(ps), 4 * 512)
  p1 <- res$scores$pscore[d$ever == 1]
  ref <- stats::density(p1, bw = stats::bw.nrd0(p1), from = min(res$scores$pscore),
                        to = max(res$scores$pscore), n = 512)
  got <- ps[ps$sample == "Unmatched" & ps$group == "Treated", ]
  expect_equal(got$density, ref$y, tolerance = 1e-10)
  expect_s3_class(autoplot(res), "ggplot")
  expect_s3_class(autoplot(res, type = "score"), "ggplot")
})

test_that("tidy, glance and balance", {
  d <- make_psm_panel(n_id = 60, seed = 15)
  res <- quiet_psm(psm_fml, data = d, treat = ~ever)
  td <- tidy(res)
  expect_identical(td$term, names(coef(res)))
  expect_equal(td$estimate, unname(coef(res)))
  expect_equal(td$std.error, unname(sqrt(diag(vcov(res)))))
  g <- glance(res)
  expect_equal(nrow(g), 1)
  expect_equal(g$n_matched_treated, sum(d$ever == 1))
  expect_equal(g$nobs, nobs(res))
  expect_equal(balance(res), res$balance)
  expect_s3_class(summary(res), "summary.pilotdid_psm_did")
  expect_output(print(res), "PSM-DID: 1:1 nearest-neighbour matching without replacement")
})

test_that("bad input gives clear errors", {
  d <- make_psm_panel(n_id = 40, seed = 16)
  withr::local_options(pilotdid.quiet = TRUE)
  d2 <- d
  d2$ever[1] <- 2
  expect_error(psm_did(psm_fml, data = d2, treat = ~ever), "must be 0/1", class = "pilotdid_error_input")
  expect_error(psm_did(psm_fml, data = d, treat = ~ever, covariates = ~ x1 + nope), "nope",
               class = "pilotdid_error_input")
  d3 <- d
  d3$k <- 1
  expect_error(psm_did(psm_fml, data = d3, treat = ~ever, covariates = ~ x1 + k), "constant",
               class = "pilotdid_error_input")
  expect_error(psm_did(psm_fml, data = d, treat = ~ever, caliper = 0), "positive",
               class = "pilotdid_error_input")
  expect_error(psm_did(psm_fml, data = d, treat = ~ever, caliper = -1), "positive",
               class = "pilotdid_error_input")
  expect_error(psm_did(psm_fml, data = d, treat = ~ever, ratio = 0), class = "pilotdid_error_input")
  expect_error(psm_did(psm_fml, data = cbind(d, weights = 1), treat = ~ever), "weights",
               class = "pilotdid_error_input")
  expect_error(psm_did(y ~ did + x1 | id, data = d, treat = ~ever, match_within = "period"), "time",
               class = "pilotdid_error_input")
  d4 <- d
  d4$ever <- 1L
  expect_error(psm_did(psm_fml, data = d4, treat = ~ever), "both treated", class = "pilotdid_error_input")
})

test_that("missing covariate values leave rows out of the matching, with a note", {
  d <- make_psm_panel(n_id = 40, seed = 17)
  d$x2[c(1, 7, 9)] <- NA
  expect_message(res <- psm_did(psm_fml, data = d, treat = ~ever), "Left 3 rows with missing or infinite values out of the matching: x2 \\(3\\)")
  expect_equal(nrow(res$scores), nrow(d) - 3)
  expect_false(any(res$scores$row %in% c(1, 7, 9)))
})

test_that("perfect separation warns and names the covariate", {
  d <- make_psm_panel(n_id = 40, seed = 18)
  d$sep <- d$ever * 10 + stats::runif(nrow(d))
  withr::local_options(pilotdid.quiet = TRUE)
  expect_warning(psm_did(psm_fml, data = d, treat = ~ever, covariates = ~ x1 + sep),
                 "separated: sep separates", class = "pilotdid_warning")
})

test_that("too few controls without replacement: what can be matched is, with a warning", {
  d <- make_psm_panel(n_id = 40, share = 0.6, seed = 19)
  withr::local_options(pilotdid.quiet = TRUE)
  n1 <- sum(d$ever == 1)
  n0 <- sum(d$ever == 0)
  expect_warning(res <- psm_did(psm_fml, data = d, treat = ~ever),
                 paste(n1 - n0, "treated rows went unmatched"), class = "pilotdid_warning")
  expect_equal(res$counts[["matched_treated"]], n0)
  expect_equal(res$counts[["unmatched_treated"]], n1 - n0)
  expect_equal(res$counts[["matched_controls"]], n0)
  expect_no_warning(psm_did(psm_fml, data = d, treat = ~ever, replace = TRUE))
})

test_that("printed output and messages are stable", {
  d <- make_psm_panel(n_id = 60, seed = 15)
  res <- quiet_psm(psm_fml, data = d, treat = ~ever)
  expect_snapshot(print(res))
  expect_snapshot(print(summary(res)))
  d2 <- d
  d2$ever[1] <- 2
  expect_snapshot(psm_did(psm_fml, data = d2, treat = ~ever), error = TRUE)
  expect_snapshot(psm_did(psm_fml, data = d, treat = ~ever, caliper = 0), error = TRUE)
  d3 <- d
  d3$k <- 1
  expect_snapshot(psm_did(psm_fml, data = d3, treat = ~ever, covariates = ~ x1 + k), error = TRUE)
  expect_snapshot(psm_did(psm_fml, data = cbind(d, weights = 1), treat = ~ever), error = TRUE)
  d$x2[c(1, 7, 9)] <- NA
  expect_snapshot(res <- psm_did(psm_fml, data = d, treat = ~ever, caliper = 0.05))
  d$sep <- d$ever * 10 + d$x3
  expect_snapshot(res <- quiet_psm(psm_fml, data = d, treat = ~ever, covariates = ~ x1 + sep))
  expect_snapshot(res <- quiet_psm(psm_fml, data = d, treat = ~ever, ratio = 3))
})
