# heterogeneity() on awkward input: each case a result equal to the same call
# on clean input (or to twfe() on the group's rows), or a classed error naming
# `by` and the problem.

test_that("data.table, tibble, Chinese names and values give the same groups", {
  d <- make_group_panel(seed = 91)
  base <- heterogeneity(twfe(y ~ treat + x1 | id + year, data = d), "region", test = "suest")
  dt <- data.table::as.data.table(d)
  a <- heterogeneity(twfe(y ~ treat + x1 | id + year, data = dt), "region", test = "suest")
  expect_equal(a$groups, base$groups)
  expect_equal(a$joint, base$joint)
  d2 <- d
  d2[["\u5730\u533a"]] <- c(Central = "\u4e2d\u90e8", East = "\u4e1c\u90e8", West = "\u897f\u90e8")[d2$region]
  d2$id <- paste0("\u57ce\u5e02", d2$id)
  b <- heterogeneity(twfe(y ~ treat + x1 | id + year, data = d2), "\u5730\u533a", test = "suest")
  expect_setequal(b$groups$group, c("\u4e2d\u90e8", "\u4e1c\u90e8", "\u897f\u90e8"))
  ord <- match(c("\u4e2d\u90e8", "\u4e1c\u90e8", "\u897f\u90e8"), b$groups$group)
  expect_equal(b$groups$estimate[ord], base$groups$estimate)
  expect_equal(b$groups$std.error[ord], base$groups$std.error)
  skip_if_not_installed("tibble")
  tb <- tibble::as_tibble(d)
  e <- heterogeneity(twfe(y ~ treat + x1 | id + year, data = tb), ~region, test = "suest")
  expect_equal(e$groups, base$groups)
})

test_that("NA and NaN in `by` leave those rows out; group fits equal twfe() on the group's rows", {
  d <- make_group_panel(seed = 92)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  d$rna <- d$region
  d$rna[c(1, 50)] <- NA
  expect_message(h <- heterogeneity(fit, "rna", test = "interaction"), "Left out 2 rows")
  for (g in h$groups$group) {
    ref <- twfe(y ~ treat + x1 | id + year, data = d[!is.na(d$rna) & d$rna == g, ])
    k <- which(h$groups$group == g)
    expect_equal(h$groups$estimate[k], unname(coef(ref)["treat"]))
    expect_equal(h$groups$std.error[k], unname(sqrt(diag(vcov(ref)))["treat"]))
    expect_equal(h$groups$n_obs[k], nobs(ref))
  }
  d$bnum <- as.numeric(d$big)
  d$bnum[3] <- NaN
  expect_message(h2 <- heterogeneity(fit, "bnum", test = "suest"), "Left out 1 row")
  ref <- twfe(y ~ treat + x1 | id + year, data = d[!is.na(d$bnum) & d$bnum == 1, ])
  expect_equal(h2$groups$estimate[2], unname(coef(ref)["treat"]))
})

test_that("a one-unit group is a clear error naming `by` and the group, before any refit", {
  d <- make_group_panel(seed = 93)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  d$g1 <- ifelse(d$id == 1, "solo", "rest")
  for (test in c("permutation", "interaction", "suest")) {
    expect_error(heterogeneity(fit, "g1", test = test, n = 10, seed = 1), "solo",
                 class = "pilotdid_error_input")
  }
  # an Inf value of `by` makes a one-row group
  d$binf <- as.numeric(d$big)
  d$binf[2] <- Inf
  expect_error(heterogeneity(fit, "binf", test = "suest"), "binf = Inf", class = "pilotdid_error_input")
  # clustered on the grouping variable itself: one cluster per group
  fit_r <- twfe(y ~ treat + x1 | id + year, data = d, cluster = ~region)
  expect_error(heterogeneity(fit_r, "region", test = "suest"), "single region",
               class = "pilotdid_error_input")
  expect_snapshot(error = TRUE, {
    heterogeneity(fit, "g1", test = "suest")
    heterogeneity(fit_r, "region", test = "interaction")
  })
})

test_that("a single group, a group without treated units and bad n/seed/conf.level are classed errors", {
  d <- make_group_panel(seed = 94)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  d$one <- "a"
  d$ever <- ifelse(stats::ave(d$treat, d$id, FUN = max) == 1, "treated", "control")
  h <- heterogeneity(fit, "big", test = "suest")
  expect_error(heterogeneity(fit, "one", test = "suest"), class = "pilotdid_error_input")
  expect_error(heterogeneity(fit, "ever", test = "suest"), "control", class = "pilotdid_error_input")
  expect_error(heterogeneity(fit, "big", n = 0, seed = 1), class = "pilotdid_error_input")
  expect_error(heterogeneity(fit, "big", n = 10, seed = NA), class = "pilotdid_error_input")
  expect_error(tidy(h, conf.level = 2), "conf.level", class = "pilotdid_error_input")
  td <- tidy(h, conf.level = 0.9)
  ref <- tidy(twfe(y ~ treat + x1 | id + year, data = d[d$big, ]), conf.level = 0.9)
  expect_equal(td$conf.low[2], ref$conf.low[ref$term == "treat"])
  expect_equal(td$conf.high[2], ref$conf.high[ref$term == "treat"])
  expect_equal(tidy(h)$conf.low[1:2], h$groups$conf.low)
  expect_snapshot(error = TRUE, {
    heterogeneity(fit, "one", test = "suest")
    heterogeneity(fit, "ever", test = "suest")
    heterogeneity(fit, "nope", test = "suest")
    heterogeneity(fit, "big", n = 3e9, seed = 1)
    heterogeneity(fit, "big", n = 10, seed = NA)
    heterogeneity(fit, "big", n = 10, seed = -1)
  })
})

test_that("an integer64 `by` column (and ids) give the same groups", {
  skip_if_not_installed("bit64")
  d <- make_group_panel(seed = 99)
  d$size <- d$id %% 3
  base <- heterogeneity(twfe(y ~ treat + x1 | id + year, data = d), ~ size > 0, test = "suest")
  d64 <- to_integer64(d, c("id", "size"))
  a <- heterogeneity(twfe(y ~ treat + x1 | id + year, data = d64), ~ size > 0, test = "suest")
  expect_equal(a$groups, base$groups, tolerance = 1e-12)
  expect_equal(a$joint, base$joint, tolerance = 1e-12)
})
