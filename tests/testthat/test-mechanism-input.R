# mechanism() on awkward input: each case a result equal to a direct twfe()
# call (or to the same call on clean input), or a classed error naming the
# mediator or argument.

test_that("data.table, tibble and Chinese mediator names and ids give the same result", {
  d <- make_mediator_panel(seed = 111)
  base <- mechanism(twfe(y ~ treat + x1 | id + year, data = d), "m")
  dt <- data.table::as.data.table(d)
  a <- mechanism(twfe(y ~ treat + x1 | id + year, data = dt), "m")
  expect_equal(a$effects, base$effects)
  d2 <- d
  d2[["\u6570\u5b57\u5316"]] <- d2$m
  d2$id <- paste0("\u57ce\u5e02", d2$id)
  b <- mechanism(twfe(y ~ treat + x1 | id + year, data = d2), "\u6570\u5b57\u5316")
  expect_equal(b$effects$mediator, "\u6570\u5b57\u5316")
  expect_equal(b$effects[, -1], base$effects[, -1])
  skip_if_not_installed("tibble")
  e <- mechanism(twfe(y ~ treat + x1 | id + year, data = tibble::as_tibble(d)), "m")
  expect_equal(e$effects, base$effects)
})

test_that("NA, NaN and Inf in a mediator drop those rows, as the direct twfe() call does", {
  d <- make_mediator_panel(seed = 112)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  d$m[c(2, 9)] <- c(NA, NaN)
  d$m[20] <- Inf
  expect_message(med <- mechanism(fit, "m"), "Dropped 3 rows")
  ref <- suppressMessages(twfe(m ~ treat + x1 | id + year, data = d))
  expect_equal(nobs(ref), nrow(d) - 3L)
  expect_equal(coef(med$fits$m), coef(ref))
  expect_equal(vcov(med$fits$m), vcov(ref))
  expect_equal(med$effects$nobs, nrow(d) - 3L)
  # integer and logical mediators are numbers too
  d$mi <- as.integer(round(3 * d$x2))
  d$ml <- d$x2 > 0
  med2 <- mechanism(fit, c("mi", "ml"))
  expect_equal(med2$effects$estimate,
               unname(c(coef(twfe(mi ~ treat + x1 | id + year, data = d))["treat"],
                        coef(twfe(as.numeric(ml) ~ treat + x1 | id + year, data = d))["treat"])))
})

test_that("constant, character, treatment and outcome mediators are classed errors naming them", {
  d <- make_mediator_panel(seed = 113)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  d$mconst <- 1
  d$mna <- NA_real_
  d$mchr <- as.character(d$m)
  d$mtreat <- d$treat
  expect_error(mechanism(fit, "mconst"), "mconst", class = "pilotdid_error_input")
  expect_error(mechanism(fit, "mna"), "mna", class = "pilotdid_error_input")
  expect_error(mechanism(fit, "mchr"), "mchr", class = "pilotdid_error_input")
  expect_error(mechanism(fit, "treat"), "treat", class = "pilotdid_error_input")
  expect_snapshot(error = TRUE, {
    mechanism(fit, "mconst")
    mechanism(fit, c("m", "mna"))
    mechanism(fit, "mchr")
    mechanism(fit, "treat")
    mechanism(fit, "y")
    mechanism(fit, "nope")
    mechanism(fit, c("m", "m"))
  })
})

test_that("bad n and seed are classed errors, whatever the design", {
  d <- make_mediator_panel(seed = 114)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  expect_error(mechanism(fit, "m", seed = NA), "seed", class = "pilotdid_error_input")
  expect_error(mechanism(fit, "m", design = "three_step", n = 5, seed = "a"), "seed",
               class = "pilotdid_error_input")
  expect_snapshot(error = TRUE, {
    mechanism(fit, "m", design = "three_step", n = -1)
    mechanism(fit, "m", design = "three_step", n = 3e9)
    mechanism(fit, "m", design = "three_step", n = NA)
    mechanism(fit, "m", seed = NA)
    mechanism(fit, "m", design = "three_step", n = 5, seed = 1.5)
    mechanism(fit, "m", design = "other")
  })
})

test_that("tidy(conf.level =) is checked and used by every design", {
  d <- make_mediator_panel(seed = 115)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  med <- mechanism(fit, "m")
  ref <- tidy(twfe(m ~ treat + x1 | id + year, data = d), conf.level = 0.9)
  expect_equal(tidy(med, conf.level = 0.9)$conf.low, ref$conf.low[ref$term == "treat"])
  expect_equal(tidy(med, conf.level = 0.9)$conf.high, ref$conf.high[ref$term == "treat"])
  expect_equal(tidy(med)$conf.low, med$effects$conf.low)
  ts <- suppressMessages(mechanism(fit, "m", design = "three_step", n = 49, seed = 3))
  t90 <- tidy(ts, conf.level = 0.9)
  e <- ts$effects
  sob <- t90[t90$term == "indirect (Sobel)", ]
  expect_equal(sob$conf.low, e$indirect - stats::qnorm(0.95) * e$sobel_se)
  bt <- t90[t90$term == "indirect (bootstrap)", ]
  expect_equal(c(bt$conf.low, bt$conf.high), unname(stats::quantile(ts$boot[, 1], c(0.05, 0.95), type = 6)))
  t95 <- tidy(ts)
  expect_equal(t95$conf.low[t95$term == "indirect (bootstrap)"], e$boot_low)
  expect_error(tidy(med, conf.level = 2), "conf.level", class = "pilotdid_error_input")
  expect_error(tidy(ts, conf.level = NA), "conf.level", class = "pilotdid_error_input")
})

test_that("a mediator that is a control of the fit is left out of its own equation, with a note", {
  d <- make_mediator_panel(seed = 119)
  fit <- twfe(y ~ treat + x1 + m | id + year, data = d)
  expect_message(a <- mechanism(fit, "m"), "m is a control of `fit`")
  ref <- twfe(m ~ treat + x1 | id + year, data = d)
  expect_equal(a$effects$estimate, unname(coef(ref)["treat"]))
  expect_equal(a$effects$std.error, unname(sqrt(diag(vcov(ref)))["treat"]))
})
