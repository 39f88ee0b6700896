test_that("simulate_pilot_panel() returns one row per city and year with the documented columns", {
  d <- simulate_pilot_panel(seed = 1)
  ind <- nqp_indicators$indicator
  moved <- ind[nqp_indicators$policy_share > 0]
  expect_identical(class(d), "data.frame")
  expect_identical(nrow(d), 297L * 14L)
  expect_identical(
    names(d),
    c("nbs_code", "city", "name_zh", "province", "region", "is_municipality", "is_capital", "is_resource",
      "year", "first_year", "treated", "did", "pop", "big", "gov", "density", "fdi", "lngdp", "rcl", "fin",
      "upgrade", "jc", ind, "nqp", "upgrade0", "jc0", paste0(moved, "0"), "nqp0", "tau")
  )
  expect_identical(d$year, rep(2009:2022, 297L))
  expect_false(is.unsorted(d$nbs_code))
  expect_false(anyNA(d[setdiff(names(d), "first_year")]))
  # Pilot dates are those of pilot_timing(); did switches on in the first year.
  tm <- pilot_timing()
  expect_identical(d$first_year, tm$first_year[match(d$nbs_code, tm$nbs_code)])
  expect_identical(d$did, as.integer(!is.na(d$first_year) & d$year >= d$first_year))
  expect_identical(d$treated, as.integer(!is.na(d$first_year)))
  expect_identical(d$big, as.integer(d$pop > 500))
  expect_identical(length(unique(d$nbs_code[d$treated == 1])), 129L)
})

test_that("simulated indicators and controls stay in their ranges", {
  d <- simulate_pilot_panel(cities = pilot_cities(), seed = 2)
  types <- pilotdid:::nqp_spec()$type
  ind <- nqp_indicators$indicator
  for (v in ind[types == "share"]) expect_true(all(d[[v]] >= 0 & d[[v]] <= 1), label = v)
  for (v in ind[types == "rate"]) expect_true(all(d[[v]] >= 0 & d[[v]] <= 100), label = v)
  for (v in ind[types %in% c("count", "amount")]) expect_true(all(d[[v]] >= 0), label = v)
  for (v in ind[types == "count"]) expect_identical(d[[v]], round(d[[v]]), label = v)
  expect_true(all(d$data_trade %in% c(0, 1)))
  expect_true(all(d$nqp > 0 & d$nqp < 1))
  expect_true(all(d$gov > 0 & d$density > 0 & d$fdi >= 0 & d$rcl > 0 & d$rcl < 1 & d$fin > 0))
  expect_true(all(d$upgrade > 0 & d$jc > 0 & d$pop > 0))
  # upgrade is tertiary / secondary value added: the tertiary share over what is left.
  expect_true(all(d$upgrade > d$tertiary_share))
})

test_that("nqp is the entropy index of the indicators and tau the exact treated-minus-counterfactual index", {
  d <- simulate_pilot_panel(cities = pilot_cities(3), effect = 0.006, seed = 3)
  ind <- nqp_indicators$indicator
  fit <- entropy_index(d, ind)
  expect_equal(d$nqp, fit$scores$score, tolerance = 1e-12)
  cf <- d
  moved <- ind[nqp_indicators$policy_share > 0]
  cf[moved] <- d[paste0(moved, "0")]
  expect_equal(d$nqp0, predict(fit, cf)$score, tolerance = 1e-12)
  expect_identical(d$tau, d$nqp - d$nqp0)
  expect_true(all(d$tau[d$did == 0] == 0))
  expect_true(all(d$tau[d$did == 1] > 0))
  # The true ATT is the mean treated-minus-counterfactual index and hits `effect`.
  att <- mean(d$nqp[d$did == 1] - d$nqp0[d$did == 1])
  expect_identical(attr(d, "dgp")$att, att)
  expect_equal(att, 0.006, tolerance = 1e-3)
  # Untreated city-years and the indicators the policy leaves alone are untouched.
  expect_identical(d[d$did == 0, moved], stats::setNames(d[d$did == 0, paste0(moved, "0")], moved))
  expect_identical(d$upgrade[d$did == 0], d$upgrade0[d$did == 0])
  expect_true(all(d$upgrade[d$did == 1] >= d$upgrade0[d$did == 1]))
  expect_true(all(d$jc[d$did == 1] >= d$jc0[d$did == 1]))
})

test_that("effect = 0 gives no effect and the same draws", {
  a <- simulate_pilot_panel(cities = pilot_cities(), effect = 0, seed = 4)
  b <- simulate_pilot_panel(cities = pilot_cities(), effect = 0.008, seed = 4)
  expect_true(all(a$tau == 0))
  expect_identical(a$nqp0, a$nqp)
  expect_identical(attr(a, "dgp")$att, 0)
  keep <- c("pop", "gov", "density", "fdi", "lngdp", "rcl", "fin", "jc0", "upgrade0")
  expect_identical(a[keep], b[keep])
})

test_that("heterogeneity and dynamics shape the true effect as documented", {
  d <- simulate_pilot_panel(dynamics = "growing", seed = 5)
  post <- d$did == 1
  big <- group_mean(d$tau[post], d$big[post])
  expect_gt(big[["1"]], 1.5 * big[["0"]])
  res <- group_mean(d$tau[post], d$is_resource[post])
  expect_gt(res[["FALSE"]], 3 * res[["TRUE"]])
  reg <- group_mean(d$tau[post], d$region[post])
  expect_gt(reg[["East"]], reg[["West"]])
  # growing: min(e + 1, 6), so year 5 and later is six times the adoption year
  # (same cities: the 2011 and 2013 cohorts).
  early <- post & d$first_year <= 2013
  by_e <- group_mean(d$tau[early], pmin(d$year - d$first_year, 5)[early])
  expect_equal(unname(by_e / by_e[["0"]]), 1:6, tolerance = 0.05)

  flat <- simulate_pilot_panel(heterogeneity = FALSE, seed = 5)
  tau <- flat$tau[flat$did == 1]
  expect_lt(stats::sd(tau) / mean(tau), 0.02)
  expect_equal(mean(tau), 0.008, tolerance = 1e-3)
})

test_that("pretrend moves the treated cities' counterfactual index before adoption", {
  a <- simulate_pilot_panel(cities = pilot_cities(2), seed = 6)
  b <- simulate_pilot_panel(cities = pilot_cities(2), pretrend = 0.002, seed = 6)
  gap <- b$nqp0 - a$nqp0
  rel <- b$year - b$first_year
  pre <- !is.na(rel) & rel < 0
  base <- mean(gap[b$treated == 0])
  by_k <- group_mean(gap[pre], rel[pre]) - base
  k <- as.numeric(names(by_k))
  # About 0.002 per year before adoption (tolerance: the index is rebuilt on the new panel).
  expect_equal(unname(by_k), 0.002 * k, tolerance = 0.1)
  # The true effect is unchanged in size.
  expect_equal(attr(b, "dgp")$att, 0.008, tolerance = 1e-3)
})

test_that("simulate_pilot_panel() is reproducible and leaves the user's stream alone", {
  withr::local_seed(99)
  before <- stats::runif(1)
  withr::local_seed(99)
  a <- simulate_pilot_panel(cities = pilot_cities(), seed = 7)
  after <- stats::runif(1)
  expect_identical(before, after)
  expect_identical(simulate_pilot_panel(cities = pilot_cities(), seed = 7), a)
  expect_false(identical(simulate_pilot_panel(cities = pilot_cities(), seed = 8)$nqp, a$nqp))
  # cities by name give the same panel as by code
  names <- c("Shenzhen", "Wuhan", "Nanjing", "Heihe", "Lanzhou")
  byname <- simulate_pilot_panel(cities = names, seed = 9)
  bycode <- simulate_pilot_panel(cities = cn_cities$nbs_code[match(names, cn_cities$name_en)], seed = 9)
  expect_identical(byname, bycode)
  expect_identical(unique(byname$city), names)
})

test_that("a fresh draw on the paper's sample matches the paper's Table 2 moments", {
  codes <- unique(nqp_panel$nbs_code)
  d <- simulate_pilot_panel(cities = codes, dynamics = "growing", seed = 11)
  expect_table2_moments(d)
})

test_that("simulate_pilot_panel() rejects impossible arguments", {
  expect_snapshot(error = TRUE, {
    simulate_pilot_panel(years = integer(0))
    simulate_pilot_panel(years = 2015)
    simulate_pilot_panel(years = c(2009, 2010.5))
    simulate_pilot_panel(effect = -0.01)
    simulate_pilot_panel(effect = 0.2)
    simulate_pilot_panel(effect = NA)
    simulate_pilot_panel(pretrend = "a")
    simulate_pilot_panel(dynamics = "linear")
    simulate_pilot_panel(heterogeneity = NA)
    simulate_pilot_panel(seed = 1.5)
    simulate_pilot_panel(cities = c("Shenzhen", "Atlantis"))
    simulate_pilot_panel(cities = "Shenzhen")
    simulate_pilot_panel(cities = c(440300, 440300, 420100))
    simulate_pilot_panel(timing = data.frame(code = 1))
    simulate_pilot_panel(timing = pilot_timing()[1:10, ])
    simulate_pilot_panel(timing = rbind(pilot_timing(), pilot_timing()[1, ]))
    simulate_pilot_panel(timing = transform(pilot_timing(), first_year = first_year + 0.5))
    simulate_pilot_panel(years = 2009:2010)
  })
  expect_error(simulate_pilot_panel(years = integer(0)), class = "pilotdid_error_input")
  expect_error(simulate_pilot_panel(effect = -1), class = "pilotdid_error_input")
  expect_error(simulate_pilot_panel(timing = pilot_timing()[1:10, ]), class = "pilotdid_error_input")
  # No treated year is fine without an effect.
  d <- simulate_pilot_panel(cities = pilot_cities(), years = 2009:2010, effect = 0, seed = 1)
  expect_true(all(d$did == 0))
})
