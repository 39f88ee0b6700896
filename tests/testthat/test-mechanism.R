# mechanism(): every design against direct twfe() calls; the bootstrap against
# refits on the resampled data.

test_that("\"mediator\" equals a direct twfe() call on each mediator", {
  d <- make_mediator_panel(seed = 71)
  fit <- twfe(y ~ treat + x1 + x2 | id + year, data = d, cluster = ~id)
  med <- mechanism(fit, c("m", "m2"))
  ref <- twfe(m ~ treat + x1 + x2 | id + year, data = d, cluster = ~id)
  expect_equal(coef(med$fits$m), coef(ref))
  expect_equal(vcov(med$fits$m), vcov(ref))
  expect_equal(med$effects$estimate[1], unname(coef(ref)["treat"]))
  expect_equal(med$effects$std.error[1], sqrt(vcov(ref)["treat", "treat"]))
  ref2 <- twfe(m2 ~ treat + x1 + x2 | id + year, data = d, cluster = ~id)
  expect_equal(med$effects$estimate[2], unname(coef(ref2)["treat"]))
  expect_equal(tidy(med)$p.value, c(tidy(ref)$p.value[1], tidy(ref2)$p.value[1]))
})

test_that("\"mediator\" keeps subset, weights and vcov, and leaves the mediator out of the controls", {
  d <- make_mediator_panel(seed = 72)
  d$w <- withr::with_seed(1, stats::runif(nrow(d), 0.5, 1.5))
  fit <- twfe(y ~ treat + m + x1 | id + year, data = d, weights = ~w, subset = year <= 2014, vcov = "hetero")
  med <- mechanism(fit, "m")
  ref <- twfe(m ~ treat + x1 | id + year, data = d, weights = ~w, subset = year <= 2014, vcov = "hetero")
  expect_equal(coef(med$fits$m), coef(ref))
  expect_equal(vcov(med$fits$m), vcov(ref))
})

test_that("\"interaction\" equals the direct fit with the mediator and its product with the treatment", {
  d <- make_mediator_panel(seed = 73)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  med <- mechanism(fit, "m", design = "interaction")
  ref <- twfe(y ~ treat + x1 + m + treat:m | id + year, data = d)
  expect_equal(coef(med$fits$m), coef(ref))
  expect_equal(med$effects$term, "treat:m")
  expect_equal(med$effects$estimate, unname(coef(ref)["treat:m"]))
  expect_equal(med$effects$std.error, sqrt(vcov(ref)["treat:m", "treat:m"]))
})

test_that("\"three_step\": steps equal direct fits on the common rows, c = c' + ab, Sobel by hand", {
  d <- make_mediator_panel(seed = 74)
  d$m[c(5, 17)] <- NA
  fit <- twfe(y ~ treat + x1 + x2 | id + year, data = d)
  expect_message(med <- mechanism(fit, "m", design = "three_step", n = 0), "Dropped 2 rows")
  ok <- !is.na(d$m)
  tot <- twfe(y ~ treat + x1 + x2 | id + year, data = d[ok, ])
  a <- twfe(m ~ treat + x1 + x2 | id + year, data = d[ok, ])
  out <- twfe(y ~ treat + x1 + x2 + m | id + year, data = d[ok, ])
  expect_equal(coef(med$fits$m$total), coef(tot))
  expect_equal(coef(med$fits$m$mediator), coef(a))
  expect_equal(vcov(med$fits$m$outcome), vcov(out))
  e <- med$effects
  expect_equal(e$nobs, nrow(d) - 2L)
  expect_equal(e$a, unname(coef(a)["treat"]))
  expect_equal(e$b, unname(coef(out)["m"]))
  expect_equal(e$total, e$direct + e$a * e$b, tolerance = 1e-10)
  sa <- sqrt(vcov(a)["treat", "treat"])
  sb <- sqrt(vcov(out)["m", "m"])
  se <- sqrt(e$b^2 * sa^2 + e$a^2 * sb^2)
  expect_equal(e$sobel_se, se)
  expect_equal(e$sobel_p, 2 * pnorm(-abs(e$a * e$b / se)))
  expect_equal(e$share_mediated, e$a * e$b / e$total)
})

test_that("the cluster bootstrap equals refits on the resampled clusters, each copy its own unit", {
  d <- make_mediator_panel(n_id = 30, n_t = 6, seed = 75)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  med <- mechanism(fit, "m", design = "three_step", n = 3, seed = 9)
  rs <- boot_resamples(d, med$fits$m$outcome, 9, 3)
  for (k in 1:3) {
    a <- coef(twfe(m ~ treat + x1 | copy + year, data = rs[[k]]))["treat"]
    b <- coef(twfe(y ~ treat + x1 + m | copy + year, data = rs[[k]]))["m"]
    expect_equal(unname(med$boot[k, "m"]), unname(a * b), tolerance = 1e-8)
  }
})

test_that("three fixed effects: bootstrap draws from per-unit statistics equal refits", {
  d <- make_mediator_panel(n_id = 36, n_t = 6, seed = 74, drop_share = 0.05)
  d$prov <- d$id %% 6
  d$w <- withr::with_seed(3, stats::runif(nrow(d), 0.5, 2))
  fit <- twfe(y ~ treat + x1 | id + year + prov^year, data = d, cluster = ~id, weights = ~w)
  med <- mechanism(fit, "m", design = "three_step", n = 4, seed = 2)
  rs <- boot_resamples(d, med$fits$m$outcome, 2, 4)
  for (k in c(1, 4)) {
    a <- coef(twfe(m ~ treat + x1 | copy + year + prov^year, data = rs[[k]], weights = ~w))["treat"]
    b <- coef(twfe(y ~ treat + x1 + m | copy + year + prov^year, data = rs[[k]], weights = ~w))["m"]
    expect_equal(unname(med$boot[k, "m"]), unname(a * b), tolerance = 1e-8)
  }
  loop <- pilotdid:::mech_bootstrap(med$fits$m$outcome, "treat", "m", 4, 2, engine = "loop")
  expect_equal(med$boot[, "m"], loop, tolerance = 1e-8)
})

test_that("bootstrap: fast and refit paths agree; a province cluster is resampled whole", {
  d <- make_mediator_panel(n_id = 40, n_t = 6, seed = 76, drop_share = 0.05)
  d$prov <- d$id %% 8
  fit <- twfe(y ~ treat + x1 | id + year, data = d, cluster = ~prov)
  med <- mechanism(fit, "m", design = "three_step", n = 25, seed = 4)
  loop <- pilotdid:::mech_bootstrap(med$fits$m$outcome, "treat", "m", 25, 4, engine = "loop")
  expect_equal(med$boot[, "m"], loop, tolerance = 1e-8)
  # a year cluster does not nest the units: the refit path
  fit_t <- twfe(y ~ treat + x1 | id + year, data = d, cluster = ~year)
  med_t <- mechanism(fit_t, "m", design = "three_step", n = 5, seed = 4)
  expect_true(all(is.finite(med_t$boot)))
})

test_that("the bootstrap is reproducible with a seed or set.seed()", {
  d <- make_mediator_panel(n_id = 30, n_t = 6, seed = 77)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  a <- mechanism(fit, "m", design = "three_step", n = 50, seed = 3)
  b <- mechanism(fit, "m", design = "three_step", n = 50, seed = 3)
  expect_identical(a$boot, b$boot)
  set.seed(10)
  c1 <- mechanism(fit, "m", design = "three_step", n = 50)
  set.seed(10)
  c2 <- mechanism(fit, "m", design = "three_step", n = 50)
  expect_identical(c1$boot, c2$boot)
  expect_equal(a$effects$boot_se, sd(a$boot[, "m"]))
  expect_equal(a$effects$boot_low, unname(quantile(a$boot[, "m"], 0.025, type = 6)))
})

test_that("print, tidy, glance and did_table() work on every design", {
  d <- make_mediator_panel(n_id = 30, n_t = 6, seed = 78)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  med <- mechanism(fit, c("m", "m2"), design = "three_step", n = 20, seed = 1)
  td <- tidy(med)
  expect_equal(td$term[1:6], c("total", "a", "b", "direct", "indirect (Sobel)", "indirect (bootstrap)"))
  expect_equal(td$estimate[5], med$effects$indirect[1])
  expect_equal(glance(med)$n, 20L)
  tab <- did_table(med, keep = "treat")
  expect_equal(ncol(tab$cells), 7L)
  expect_equal(tab$cells[2, -1], c("y", "m", "y", "y", "m2", "y"))
  expect_snapshot({
    print(med)
    print(mechanism(fit, "m"))
  })
  inter <- mechanism(fit, "m", design = "interaction")
  expect_equal(did_table(inter)$cells, did_table(list(m = inter$fits$m))$cells)
})

test_that("bad input gives clear errors", {
  d <- make_mediator_panel(n_id = 20, n_t = 5, seed = 79)
  d$name <- as.character(d$id)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  expect_snapshot(error = TRUE, {
    mechanism(fit, "nope")
    mechanism(fit, "name")
    mechanism(fit, "y")
    mechanism(fit, "m", design = "sobel")
    mechanism(fit, "m", treat = "x9")
    mechanism(lm(y ~ treat, data = d), "m")
  })
  expect_error(mechanism(fit, "m", n = -1), class = "pilotdid_error_input")
})

test_that("the old name n_boot still works, with a deprecation warning", {
  d <- make_mediator_panel(n_id = 30, n_t = 6, seed = 140)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  expect_warning(a <- mechanism(fit, "m", design = "three_step", n_boot = 20, seed = 2), class = "pilotdid_deprecated")
  expect_equal(a$boot, mechanism(fit, "m", design = "three_step", n = 20, seed = 2)$boot)
})
