# heterogeneity(): group fits, the three difference tests against hand-built
# oracles, permutation draws against refits, and the null distribution.

test_that("group fits equal twfe() on each subsample and keep the fit's own subset", {
  d <- make_group_panel(seed = 81)
  fit <- twfe(y ~ treat + x1 + x2 | id + year, data = d, subset = year <= 2015)
  het <- heterogeneity(fit, big, test = "interaction")
  expect_equal(names(het$fits), c("big = FALSE", "big = TRUE"))
  small <- twfe(y ~ treat + x1 + x2 | id + year, data = d, subset = year <= 2015 & !big)
  large <- twfe(y ~ treat + x1 + x2 | id + year, data = d, subset = year <= 2015 & big)
  expect_equal(coef(het$fits[[1]]), coef(small))
  expect_equal(vcov(het$fits[[2]]), vcov(large))
  expect_equal(het$groups$estimate, unname(c(coef(small)[1], coef(large)[1])))
  expect_equal(het$groups$n_units, c(sum(unique(d$id) %% 3 != 0), sum(unique(d$id) %% 3 == 0)))
  expect_error(update(het$fits[[2]]), class = "pilotdid_error_input")
})

test_that("by can be a column name, a formula, a bare column or an expression", {
  d <- make_group_panel(seed = 82)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  a <- heterogeneity(fit, "region", test = "suest")
  expect_equal(a$groups$group, c("Central", "East", "West"))
  expect_equal(heterogeneity(fit, ~region, test = "suest")$groups, a$groups)
  expect_equal(heterogeneity(fit, region, test = "suest")$groups, a$groups)
  d$size <- (d$id %% 3 == 0) * 600 + 100
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  b <- heterogeneity(fit, size > 500, test = "suest")
  expect_equal(b$groups$group, c("size > 500 = FALSE", "size > 500 = TRUE"))
  expect_equal(b$groups$estimate, heterogeneity(fit, big, test = "suest")$groups$estimate)
  d$region[d$id == 4] <- NA
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  expect_message(heterogeneity(fit, "region", test = "suest"), "Left out 8 rows")
})

test_that("interaction: the difference is the interaction coefficient of the hand-built pooled fit", {
  d <- make_group_panel(seed = 83, gap = 0.6, drop_share = 0.05)
  fit <- twfe(y ~ treat + x1 + x2 | id + year, data = d)
  het <- heterogeneity(fit, big, test = "interaction")
  d$g2 <- as.integer(d$big)
  ref <- twfe(y ~ treat + x1 + x2 + treat:g2 + x1:g2 + x2:g2 | id + year^g2, data = d, cluster = ~id)
  td <- tidy(ref)
  expect_equal(het$differences$contrast, "big = TRUE - big = FALSE")
  expect_equal(het$differences$estimate, td$estimate[td$term == "treat:g2"], tolerance = 1e-8)
  expect_equal(het$differences$std.error, td$std.error[td$term == "treat:g2"], tolerance = 1e-8)
  expect_equal(het$differences$p.value, td$p.value[td$term == "treat:g2"], tolerance = 1e-8)
  expect_null(het$joint)
})

test_that("interaction with three groups: pairwise contrasts and the joint F test by hand", {
  d <- make_group_panel(seed = 84)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  het <- heterogeneity(fit, "region", test = "interaction")
  d$gE <- as.integer(d$region == "East")
  d$gW <- as.integer(d$region == "West")
  ref <- twfe(y ~ treat + x1 + treat:gE + x1:gE + treat:gW + x1:gW | id + year^region, data = d, cluster = ~id)
  b <- coef(ref)[c("treat:gE", "treat:gW")]
  V <- vcov(ref)[c("treat:gE", "treat:gW"), c("treat:gE", "treat:gW")]
  dd <- het$differences
  expect_equal(dd$contrast, c("East - Central", "West - Central", "West - East"))
  expect_equal(dd$estimate, unname(c(b, b[2] - b[1])), tolerance = 1e-8)
  expect_equal(dd$std.error, sqrt(c(V[1, 1], V[2, 2], V[1, 1] + V[2, 2] - 2 * V[1, 2])), tolerance = 1e-8)
  W <- drop(t(b) %*% solve(V, b)) / 2
  expect_equal(het$joint$statistic, W, tolerance = 1e-8)
  expect_equal(het$joint$p.value, pf(W, 2, ref$df_t, lower.tail = FALSE), tolerance = 1e-8)
})

test_that("suest: the covariance equals the stacked clustered covariance computed by hand", {
  d <- make_group_panel(n_id = 40, n_t = 10, seed = 85)
  d$late <- d$year >= 2013                      # groups within units: clusters span both groups
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  het <- heterogeneity(fit, late, test = "suest")
  # each group by lm() with dummies; scores x_i e_i; bread (X'X)^-1 of the full design
  parts <- lapply(c(FALSE, TRUE), function(v) {
    s <- d[d$late == v, ]
    X <- model.matrix(~ treat + x1 + factor(id) + factor(year), s)
    B <- solve(crossprod(X))
    e <- drop(s$y - X %*% (B %*% crossprod(X, s$y)))
    list(B = B, S = X * e, id = s$id)
  })
  p <- vapply(parts, function(x) ncol(x$S), 1L)
  S <- rbind(cbind(parts[[1]]$S, matrix(0, nrow(parts[[1]]$S), p[2])),
             cbind(matrix(0, nrow(parts[[2]]$S), p[1]), parts[[2]]$S))
  B <- rbind(cbind(parts[[1]]$B, matrix(0, p[1], p[2])), cbind(matrix(0, p[2], p[1]), parts[[2]]$B))
  cl <- c(parts[[1]]$id, parts[[2]]$id)
  G <- length(unique(cl))
  V <- G / (G - 1) * B %*% crossprod(rowsum(S, cl)) %*% B
  pos <- c(2, p[1] + 2)
  expect_equal(unname(het$vcov), unname(V[pos, pos]), tolerance = 1e-8)
  expect_gt(abs(V[pos[1], pos[2]]), 0)
  expect_equal(het$differences$std.error, sqrt(V[2, 2] + V[pos[2], pos[2]] - 2 * V[2, pos[2]]), tolerance = 1e-8)
  expect_equal(het$differences$p.value, 2 * pt(-abs(het$differences$statistic), G - 1))
  # the same difference as the interaction test; SEs differ by (n-1)/(n-K) of the pooled fit
  inter <- heterogeneity(fit, late, test = "interaction")
  expect_equal(het$differences$estimate, inter$differences$estimate, tolerance = 1e-8)
  n <- nobs(fit)
  expect_equal(inter$differences$std.error^2 / het$differences$std.error^2, (n - 1) / (n - inter$pooled$K),
               tolerance = 1e-8)
})

test_that("suest without clustering uses observation-level scores, two-way clustering CGM", {
  d <- make_group_panel(n_id = 40, n_t = 8, seed = 86)
  fit <- twfe(y ~ treat + x1 | id + year, data = d, vcov = "hetero")
  het <- heterogeneity(fit, big, test = "suest")
  # with groups of units and observation-level scores the blocks are the groups' HC0 x n/(n-1)
  n <- nobs(fit)
  for (k in 1:2) {
    f <- het$fits[[k]]
    hc1 <- vcov(f)["treat", "treat"]
    expect_equal(het$vcov[k, k], hc1 * (f$nobs - f$K) / f$nobs * n / (n - 1), tolerance = 1e-8)
  }
  expect_equal(het$vcov[1, 2], 0)
  fit2 <- twfe(y ~ treat + x1 | id + year, data = d, cluster = ~ id + year)
  expect_equal(heterogeneity(fit2, big, test = "suest")$df, 7L)
})

test_that("permutation: reproducible with a seed or set.seed(), draws equal refits on reshuffled groups", {
  d <- make_group_panel(n_id = 40, n_t = 7, seed = 87)
  fit <- twfe(y ~ treat + x1 + x2 | id + year, data = d)
  a <- heterogeneity(fit, big, n = 40, seed = 5)
  expect_identical(a$draws, heterogeneity(fit, big, n = 40, seed = 5)$draws)
  set.seed(1)
  s1 <- heterogeneity(fit, big, n = 40)
  set.seed(1)
  expect_identical(s1$draws, heterogeneity(fit, big, n = 40)$draws)
  expect_equal(unname(a$actual), a$groups$estimate, tolerance = 1e-8)
  pg <- perm_groups(fit, as.integer(d$big) + 1L, 5, 40)
  expect_equal(sort(table(pg[, 3])), sort(table(as.integer(d$big) + 1L)))   # group sizes kept
  for (j in c(1, 17)) {
    d$pg <- pg[, j]
    ref <- c(coef(twfe(y ~ treat + x1 + x2 | id + year, data = d[d$pg == 1, ]))[1],
             coef(twfe(y ~ treat + x1 + x2 | id + year, data = d[d$pg == 2, ]))[1])
    expect_equal(a$draws[j, ], unname(ref), tolerance = 1e-8)
  }
  dj <- abs(a$draws[, 2] - a$draws[, 1])
  expect_equal(a$differences$p.value, mean(dj >= abs(diff(a$groups$estimate))))
  expect_equal(a$differences$p.value_plus1, (sum(dj >= abs(diff(a$groups$estimate))) + 1) / 41)
})

test_that("permutation: the per-unit fast path equals refits on unbalanced, weighted panels", {
  d <- make_group_panel(n_id = 45, n_t = 7, seed = 88, drop_share = 0.15)
  d$w <- withr::with_seed(2, stats::runif(nrow(d), 0.5, 2))
  fit <- twfe(y ~ treat + x1 + x2 | id + year, data = d, weights = ~w)
  smp <- pilotdid:::fit_sample(fit)
  g <- match(d$region[smp$obs], c("Central", "East", "West"))
  fast <- suppressMessages(pilotdid:::het_permutation(smp, g, "treat", fit, 30, 3))
  loop <- suppressMessages(pilotdid:::het_permutation(smp, g, "treat", fit, 30, 3, engine = "loop"))
  expect_equal(fast$engine, "fast")
  expect_equal(fast$draws, loop$draws, tolerance = 1e-8)
  expect_equal(fast$p_joint, loop$p_joint)
  # a third fixed effect (province x year, years nested in it): still per-unit
  # statistics, one block of levels per province; each draw equals refits
  d$prov <- d$id %% 5
  fit3 <- twfe(y ~ treat + x1 | id + year + prov^year, data = d, weights = ~w)
  het <- heterogeneity(fit3, big, n = 12, seed = 1)
  expect_equal(het$engine, "fast")
  expect_equal(unname(het$actual), het$groups$estimate, tolerance = 1e-8)
  pg <- perm_groups(fit3, as.integer(d$big) + 1L, 1, 12)
  for (j in c(2, 11)) {
    d$pg <- pg[, j]
    ref <- vapply(1:2, function(k) {
      unname(coef(twfe(y ~ treat + x1 | id + year + prov^year, data = d[d$pg %in% k, ], weights = ~w))[1])
    }, 0)
    expect_equal(het$draws[j, ], ref, tolerance = 1e-8)
  }
  smp3 <- pilotdid:::fit_sample(fit3)
  loop <- suppressMessages(pilotdid:::het_permutation(smp3, as.integer(d$big[smp3$obs]) + 1L, "treat", fit3, 12, 1,
                                                      engine = "loop"))
  expect_equal(loop$engine, "loop")
  expect_equal(het$draws, loop$draws, tolerance = 1e-8)
})

test_that("permutation: a large crossed fixed effect takes the refit path, whose draws equal refits", {
  d <- make_group_panel(n_id = 60, n_t = 6, seed = 91)
  d$firm <- withr::with_seed(5, sample.int(60, nrow(d), replace = TRUE))   # 66 connected levels
  fit <- twfe(y ~ treat + x1 | id + year + firm, data = d)
  het <- suppressMessages(heterogeneity(fit, big, n = 5, seed = 3))
  expect_equal(het$engine, "loop")
  pg <- perm_groups(fit, as.integer(d$big) + 1L, 3, 5)
  for (j in c(1, 5)) {
    ref <- vapply(1:2, function(k) {
      unname(coef(suppressMessages(twfe(y ~ treat + x1 | id + year + firm, data = d[pg[, j] %in% k, ])))[1])
    }, 0)
    expect_equal(het$draws[j, ], ref, tolerance = 1e-8)
  }
})

test_that("permutation p-values are roughly uniform under the null", {
  p <- vapply(1:60, function(r) {
    d <- make_group_panel(n_id = 30, n_t = 5, seed = 1000 + r)
    fit <- twfe(y ~ treat + x1 | id + year, data = d)
    suppressMessages(heterogeneity(fit, big, n = 99, seed = r)$differences$p.value)
  }, 0)
  expect_gt(suppressWarnings(stats::ks.test(p, "punif")$p.value), 0.01)
  expect_lt(mean(p <= 0.1), 0.25)
  expect_gt(mean(p), 0.35)
  expect_lt(mean(p), 0.65)
})

test_that("a large group difference is detected by all three tests", {
  d <- make_group_panel(n_id = 80, n_t = 8, seed = 89, gap = 2)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  for (t in c("permutation", "interaction", "suest")) {
    expect_lt(heterogeneity(fit, big, test = t, n = 199, seed = 1)$differences$p.value, 0.05)
  }
})

test_that("plot data, autoplot, tidy, glance, print and did_table()", {
  d <- make_group_panel(seed = 90)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  het <- suppressMessages(heterogeneity(fit, "region", n = 50, seed = 2))
  pd <- heterogeneity_plot_data(het, level = 0.9)
  expect_equal(pd$groups$conf.low[2], unname(confint(het$fits$East, "treat", level = 0.9)[1, 1]))
  expect_equal(pd$p_value, het$joint$p.value)
  expect_s3_class(autoplot(het), "ggplot")
  td <- tidy(het)
  expect_equal(td$term, c(rep("treat", 3), rep("difference", 3), "joint"))
  expect_equal(glance(het)$p.value, het$joint$p.value)
  expect_equal(glance(het)$n, 50L)
  tab <- did_table(het, keep = "treat")
  expect_equal(tab$cells[1, ], c("", "Central", "East", "West"))
  expect_equal(tab$cells[nrow(tab$cells), ], c("Difference p-value", sprintf("%.3f", het$joint$p.value), "", ""))
  expect_match(tab$notes[3], "Fisher permutation test (50 draws, seed 2)", fixed = TRUE)
  expect_snapshot({
    print(het)
    print(heterogeneity(fit, big, test = "interaction"))
  })
})

test_that("two heterogeneity results share one p-value row in a table", {
  d <- make_group_panel(seed = 92)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  a <- heterogeneity(fit, big, test = "suest")
  b <- heterogeneity(fit, "region", test = "interaction")
  tab <- did_table(a, b, keep = "treat")
  expect_equal(ncol(tab$cells), 6L)
  row <- tab$cells[tab$cells[, 1] == "Difference p-value", ]
  expect_equal(row, c("Difference p-value", sprintf("%.3f", a$differences$p.value), "",
                      sprintf("%.3f", b$joint$p.value), "", ""))
  expect_length(tab$notes, 4L)
})

test_that("bad input gives clear errors", {
  d <- make_group_panel(n_id = 30, n_t = 5, seed = 91)
  d$late <- d$year >= 2011
  d$one <- "a"
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  expect_snapshot(error = TRUE, {
    heterogeneity(fit, late, n = 10)
    heterogeneity(fit, late, test = "suest")
    heterogeneity(fit, "one")
    heterogeneity(fit, "nope")
    heterogeneity(fit, nope > 1)
    heterogeneity(fit, big, test = "chow")
    heterogeneity(fit, big, n = 0)
    heterogeneity(lm(y ~ treat, data = d), big)
  })
  expect_error(heterogeneity(fit, big, treat = "x9"), class = "pilotdid_error_input")
})

test_that("a one-sided formula by is an expression of the data", {
  d <- make_group_panel(seed = 89)
  d$pop <- (d$id %% 3 == 0) * 900 + 500
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  a <- heterogeneity(fit, ~ region != "East", test = "suest")
  expect_equal(a$groups$group, c("region != \"East\" = FALSE", "region != \"East\" = TRUE"))
  direct <- twfe(y ~ treat + x1 | id + year, data = d, subset = region != "East")
  expect_equal(a$groups$estimate[2], unname(coef(direct)["treat"]), tolerance = 1e-10)
  b <- heterogeneity(fit, ~ pop > 1000, test = "suest")
  expect_equal(b$groups$estimate, heterogeneity(fit, big, test = "suest")$groups$estimate, tolerance = 1e-12)
  expect_equal(heterogeneity(fit, ~region, test = "suest")$groups$group, c("Central", "East", "West"))
  expect_error(heterogeneity(fit, ~ nope > 1), "Cannot evaluate", class = "pilotdid_error_input")
})
