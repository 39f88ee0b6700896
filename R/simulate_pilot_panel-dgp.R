# The data-generating process behind simulate_pilot_panel(): parameter tables
# and generators. Every column is "city level + common year path + city-year
# shock" in its own units, so that trends are parallel by construction.

# The 23 indicators of the reference paper's Table 1 and how they are drawn.
# City level (value in the base year 2009): floor + level * exp(skew * q - skew^2 / 2),
# with q a standard normal city score loading w_dev on development, w_pop on
# population and the rest on the indicator's own draw. growth: change of the
# common path from 2009 to 2022. noise: SD of the city-year shock as a share
# of the city's value above the floor (so shocks are proportional to size and
# rarely reach the bounds). policy: share of the policy effect on the index
# carried by the indicator. lower/upper: bounds. digits: decimals kept. data_trade (binary): `level`
# is the mean wait, in years after 2009, for a city's platform. skew, w_dev,
# w_pop and noise were tuned so that entropy weights and the index's moments
# on nqp_panel come close to the paper's Tables 1 and 2.
nqp_spec <- function() {
  s <- utils::read.table(header = TRUE, stringsAsFactors = FALSE, text = "
indicator       dimension type   floor level skew w_dev w_pop growth noise policy lower upper digits
emerg_emp_share labourer  share  0.01  0.06  0.86 0.37  0.06  0.025  0.16  0.20   0     0.6   5
universities    labourer  count  0     6     0.71 0.31  0.31  0.75   0.048 0      0     Inf   0
student_ratio   labourer  share  0.002 0.018 0.86 0.43  0.06  0.004  0.08  0      0     0.3   5
edu_exp_share   labourer  share  0.08  0.09  0.55 -0.12 0.06  0.005  0.096 0      0     0.5   4
gdp_pc          labourer  amount 8000  30000 1.04 0.49  0     20000  0.064 0      1000  Inf   0
wage            labourer  amount 15000 15000 0.55 0.43  0     32500  0.048 0      5000  Inf   0
tertiary_share  object    share  0.20  0.16  0.45 0.37  0.06  0.06   0.064 0.15   0.05  0.85  4
robot_density   object    amount 0     8     1.44 0.37  0.06  75     0.40  0      0     Inf   2
ai_firms        object    count  0     4     1.32 0.37  0.18  30     0.40  0      0     Inf   0
env_invest      object    amount 0.5   12    0.84 0.25  0.25  5      0.40  0.10   0     Inf   2
emission_trade  object    amount 0     0.5   1.04 0.31  0.12  2      0.48  0.10   0     Inf   3
garbage_rate    object    rate   40    40    0.25 0.12  0     9      0.064 0      0     100   2
sewage_rate     object    rate   50    32    0.20 0.12  0     7      0.064 0      0     100   2
solid_waste_use object    rate   10    60    0.35 0.06  0     2.5    0.064 0      0     100   2
broadband       means     amount 2     40    1.09 0.18  0.43  40     0.096 0      0     Inf   2
mobile          means     amount 30    300   0.97 0.12  0.49  125    0.096 0      0     Inf   2
telecom         means     amount 1     30    1.00 0.25  0.31  20     0.096 0      0     Inf   2
patents         means     count  0     2500  0.89 0.37  0.25  3000   0.24  0.05   0     Inf   0
green_patents   means     count  0     150   1.21 0.37  0.25  300    0.32  0.10   0     Inf   0
sci_exp_share   means     share  0.003 0.012 0.96 0.43  0.06  0.005  0.24  0.15   0     0.2   5
rd_gdp          means     share  0.002 0.012 0.92 0.43  0.06  0.004  0.16  0.15   0     0.12  5
data_assets     means     amount 0     1     1.17 0.37  0.12  1      0.24  0      0     Inf   3
data_trade      means     binary 0     3.16  0    0     0     0      0     0      0     1     0
")
  s
}

# The six controls and the two mediators' base parts: city level (log-normal
# around `median` with SD `sd` on the log scale, or normal for `type = "normal"`),
# a common linear path (`growth`, 2009 to 2022), an AR(1) shock with SD `shock`,
# bounded and rounded to `digits` decimals.
control_spec <- function() {
  utils::read.table(header = TRUE, stringsAsFactors = FALSE, text = "
control type    median sd    dev   east  west  northeast growth shock lower upper digits
gov     lognorm 0.155  0.43  -0.20 -0.15 0.25  0.15      0.03   0.015 0.02  Inf   4
density lognorm 385    0.62  0.10  0.40  -0.55 -0.20     15     4     5     Inf   1
fdi     lognorm 0.0135 0.62  0.25  0.35  -0.45 0.00      -0.006 0.003 0     Inf   5
lngdp   normal  7.00   0.65  0.55  0.10  -0.15 0.00      1.00   0.05  3     Inf   4
rcl     normal  0.36   0.088 0.02  0.00  0.00  0.02      0.04   0.03  0.02  0.99  4
fin     lognorm 1.90   0.50  0.18  0.05  0.00  -0.05     1.10   0.12  0.3   Inf   4
")
}

# Policy-effect multipliers with heterogeneity = TRUE (before normalisation).
het_multipliers <- function() {
  list(size = c(big = 1.6, other = 0.7), resource = c(resource = 0.25, other = 1.2),
       region = c(East = 1.3, Central = 0.9, West = 0.7, Northeast = 0.8))
}

# City-level draws: development factor, population path, exposure multipliers.
sim_cities <- function(units, years) {
  n <- nrow(units)
  reg <- c(East = 0.5, Central = -0.1, West = -0.3, Northeast = -0.1)
  dev <- reg[units$region] + 0.7 * units$is_capital + 0.5 * units$is_sub_provincial +
    0.6 * units$is_municipality - 0.2 * units$is_resource + stats::rnorm(n, sd = 0.55)
  dev <- unname(dev)
  lpop <- log(400) + 0.3 * dev + stats::rnorm(n, sd = 0.42)
  muni <- c("110000" = 2100, "120000" = 1250, "310000" = 2300, "500000" = 2900)
  k <- match(as.character(units$nbs_code), names(muni))
  lpop[!is.na(k)] <- log(muni[k[!is.na(k)]])
  growth <- 0.004 + 0.004 * dev + stats::rnorm(n, sd = 0.003)
  list(dev = dev, lpop = lpop, pop_growth = growth,
       dev_std = dev / 0.7, pop_std = (lpop - log(380)) / 0.45)
}

# The common path of a column: 0 in 2009, 1 in 2022, linear (extrapolated
# outside those years).
year_path <- function(year) (year - 2009) / 13

# AR(1) shocks with unit variance, one series per city (rows city-major).
ar1_shocks <- function(n_city, n_year, rho = 0.5) {
  e <- matrix(stats::rnorm(n_city * n_year), n_year, n_city)
  if (n_year > 1L) {
    for (t in 2:n_year) e[t, ] <- rho * e[t - 1L, ] + sqrt(1 - rho^2) * e[t, ]
  }
  as.vector(e)
}

# Controls (city level + common path + AR(1) shock), their standardised
# shocks, resident population, employment base and the primary-industry share.
sim_controls <- function(units, cities, years) {
  n <- nrow(units)
  nt <- length(years)
  city <- rep(seq_len(n), each = nt)
  path <- rep(year_path(years), times = n)
  spec <- control_spec()
  out <- list()
  shocks <- list()
  for (r in seq_len(nrow(spec))) {
    s <- spec[r, ]
    shift <- s$dev * cities$dev + s$east * (units$region == "East") + s$west * (units$region == "West") +
      s$northeast * (units$region == "Northeast")
    lev <- if (s$type == "lognorm") {
      s$median * exp(shift + stats::rnorm(n, sd = s$sd))
    } else {
      s$median + shift + stats::rnorm(n, sd = s$sd)
    }
    z <- ar1_shocks(n, nt)
    shocks[[s$control]] <- z
    out[[s$control]] <- round(pmin(pmax(lev[city] + s$growth * path + s$shock * z, s$lower), s$upper), s$digits)
  }
  # lngdp also rises with population.
  out$lngdp <- out$lngdp + 0.4 * (cities$lpop[city] - log(400))
  pop <- exp(cities$lpop[city] + cities$pop_growth[city] * (rep(years, times = n) - 2009))
  emp_rate <- exp(log(0.10) + 0.35 * cities$dev + stats::rnorm(n, sd = 0.25))
  # Employment and the primary share: city level + common additive path + shock,
  # so that they too follow parallel trends.
  jc <- (exp(cities$lpop) * emp_rate)[city] + 8 * path + 1.5 * ar1_shocks(n, nt)
  primary <- 0.02 + 0.10 * exp(-0.6 * cities$dev + stats::rnorm(n, sd = 0.4))
  primary <- pmax(primary[city] - 0.02 * path + 0.005 * ar1_shocks(n, nt), 0.005)
  list(controls = out, shocks = shocks, pop = pop, jc = pmax(jc, 1), primary = primary)
}

# The common city-year shock of the index: partly the controls' shocks (so
# that the controls explain some of the index), partly its own AR(1) series.
index_shock <- function(shocks, n, nt) {
  load <- c(lngdp = 0.25, gov = -0.10, fdi = -0.10, rcl = 0.10)
  own <- sqrt(1 - sum(load^2))
  drop(do.call(cbind, shocks[names(load)]) %*% load) + own * ar1_shocks(n, nt)
}

# Counterfactual indicators: city level + common path + shock, bounded.
sim_indicators <- function(units, cities, years, common) {
  n <- nrow(units)
  nt <- length(years)
  city <- rep(seq_len(n), each = nt)
  path <- rep(year_path(years), times = n)
  spec <- nqp_spec()
  out <- list()
  for (r in seq_len(nrow(spec))) {
    s <- spec[r, ]
    if (s$type == "binary") {
      # 0/1: a data-trading platform from a city's own year on, drawn independently of everything else.
      start <- 2009 + floor(stats::rexp(n, rate = 1 / s$level))
      out[[s$indicator]] <- as.double(rep(years, times = n) >= start[city])
      next
    }
    own <- sqrt(max(0, 1 - s$w_dev^2 - s$w_pop^2))
    q <- s$w_dev * cities$dev_std + s$w_pop * cities$pop_std + own * stats::rnorm(n)
    lev <- s$floor + s$level * exp(s$skew * q - s$skew^2 / 2)
    x <- lev[city] + s$growth * path
    shock <- 0.8 * common + 0.6 * ar1_shocks(n, nt)
    out[[s$indicator]] <- bound_indicator(x + s$noise * (x - s$floor) * shock, s)
  }
  out
}

bound_indicator <- function(x, s) {
  round(pmin(pmax(x, s$lower), s$upper), s$digits)
}
