#' Simulate a low-carbon-pilot city panel with a known effect
#'
#' `simulate_pilot_panel()` draws a city-year panel shaped like the reference
#' paper's data: the 23 raw indicators of its new-quality-productivity (NQP)
#' index (Table 1; see [nqp_indicators] for names and units), the six controls
#' of its Table 2, two mechanism variables and the city characteristics of its
#' heterogeneity analysis, for real cities with their real pilot dates
#' ([pilot_timing()]). The policy raises some indicators of the treated cities
#' after adoption by an amount chosen so that their NQP index rises by
#' `effect` on average; the counterfactual indicators and index (without the
#' policy) are returned too, so the true effect of every city-year is known.
#'
#' @section City characteristics:
#' Municipality, capital, sub-provincial, resource-based (State Council plan of
#' 2013) and four-region flags are the real ones from [cn_cities]. Each city
#' also gets a latent development level \eqn{a_i}: \eqn{0.5, -0.1, -0.3,
#' -0.1} for East, Central, West and Northeast, plus 0.7 for a capital, 0.5 for
#' a sub-provincial city, 0.6 for a municipality, minus 0.2 for a
#' resource-based city, plus \eqn{N(0, 0.55^2)}. Resident population `pop`
#' (10,000 persons) is log-normal around 3.8 million, rising with \eqn{a_i}
#' (about 21, 12.5, 23 and 29 million for Beijing, Tianjin, Shanghai and
#' Chongqing), and grows by \eqn{0.4\% + 0.4\% a_i} a year; a city-year is `big`
#' when `pop` exceeds 500 (5 million), the paper's split.
#'
#' @section Controls and mechanism variables:
#' Each control is a city level + a common linear path + a city-specific AR(1)
#' shock (autocorrelation 0.5): `gov` (general budget expenditure / GDP),
#' `density` (registered population per km2), `fdi` (foreign investment used /
#' GDP), `lngdp` (log GDP, 100 million yuan), `rcl` (retail sales / GDP) and
#' `fin` (loans plus deposits / GDP). City levels depend on \eqn{a_i}, region
#' and population, calibrated so that the means and standard deviations of the
#' paper's 218-city sample (Table 2) are matched roughly. The controls are not
#' affected by the policy. `upgrade` is the tertiary share divided by the
#' secondary share of value added, the secondary share being what the
#' tertiary and a simulated primary share leave (the policy moves value added
#' from the secondary to the tertiary sector one for one); `jc` is urban
#' employment (10,000 persons), which the policy raises by the factor
#' \eqn{\exp(2.5\,\tau_{it})}{exp(2.5 tau[it])}. The primary share and
#' employment are also a city level + a common additive path + a shock.
#'
#' @section Indicators and the index:
#' Indicator \eqn{j} of city \eqn{i} in year \eqn{t} is, without the policy,
#' \deqn{x^0_{ijt} = m_{ijt} + n_j (m_{ijt} - f_j)\,u_{ijt}, \quad m_{ijt} = f_j + l_j \exp(s_j q_{ij} - s_j^2/2) + g_j\,\frac{t - 2009}{13},}{x0[ijt] = m[ijt] + n[j] (m[ijt] - f[j]) u[ijt],  m[ijt] = f[j] + l[j] exp(s[j] q[ij] - s[j]^2/2) + g[j] (t - 2009)/13,}
#' bounded to the indicator's range (shares in \eqn{[0, 1]}, rates at most 100,
#' counts rounded): a right-skewed city level (floor \eqn{f_j}, typical level
#' \eqn{l_j}, skew \eqn{s_j}, and a standard normal city score \eqn{q_{ij}}
#' that loads on \eqn{a_i}, on population and on the indicator's own draw), a
#' common trend \eqn{g_j} in the indicator's own units, and a mean-zero shock
#' with SD \eqn{n_j} times the value above the floor. The shock
#' \eqn{u_{ijt}} is \eqn{0.8 c_{it}} plus \eqn{0.6} times an AR(1) series of
#' the indicator (autocorrelation 0.5); the common shock \eqn{c_{it}} loads on
#' the controls' standardised shocks (\eqn{+0.25} `lngdp`, \eqn{-0.10}
#' `gov`, \eqn{-0.10} `fdi`, \eqn{+0.10} `rcl`) and an AR(1) series of its
#' own, so the controls explain a little of the index. `data_trade` (0/1)
#' switches on in a year drawn at random for each city, independently of the
#' pilot (about 80% of city-years are 1, which gives it the paper's weight: a
#' rarer 0/1 indicator takes a far larger entropy weight). The parameters are
#' in `pilotdid:::nqp_spec()`; they were tuned so that the entropy weights and
#' the index's moments on [nqp_panel] resemble the paper's.
#'
#' Trends are common and additive in the indicators' own units and the
#' min-max standardisation of the entropy method is linear, so the
#' counterfactual index follows parallel trends (up to the bounds and the
#' rounding of counts, which do not depend on treatment). Real indicators
#' such as patents grow multiplicatively, faster in larger cities: one reason
#' why real studies need the checks this package offers.
#'
#' `nqp` is [entropy_index()] of the 23 observed indicators, pooled over all
#' city-years, all indicators positive, default `shift`.
#'
#' @section Policy effect and the true ATT:
#' A city with first treated year \eqn{c_i} is treated (`did = 1`) from
#' \eqn{c_i} on; \eqn{e_{it} = t - c_i} is its exposure. The intended effect
#' on the index is \eqn{\tau^*_{it} = \kappa\,h_i\,g(e_{it})}{tau*[it] = kappa h[i] g(e[it])} with
#' * \eqn{g(e) = 1} for `dynamics = "constant"` and
#'   \eqn{g(e) = \min(e + 1, 6)}{g(e) = min(e + 1, 6)} for `"growing"` (six
#'   times larger from the sixth year on than in the adoption year);
#' * \eqn{h_i = 1} for `heterogeneity = FALSE`; otherwise the product of 1.6
#'   (big: more than 5 million residents in the adoption year) or 0.7,
#'   0.25 (resource-based) or 1.2, and 1.3, 0.9, 0.7, 0.8 for East, Central,
#'   West, Northeast.
#'
#' It is carried by eight indicators, each a fixed share \eqn{a_j} (emerging
#' industry employment share 0.20, tertiary share 0.15, environmental
#' investment 0.10, emission-rights trading 0.10, patents 0.05, green patents
#' 0.10, science expenditure share 0.15, R&D / GDP 0.15): indicator \eqn{j}
#' is raised by \eqn{a_j \tau^*_{it} (\max_j - \min_j) / w_j}{a[j] tau*[it] (max[j] - min[j]) / w[j]}
#' in its own units (then bounded and rounded like the rest), with the entropy
#' weights \eqn{w_j} and ranges of the observed panel; \eqn{\kappa} is set by a
#' few fixed-point steps so that the average effect over treated city-years is
#' `effect`.
#'
#' The true effect of a city-year is `tau = nqp - nqp0`, where `nqp0` applies
#' the observed panel's index (its weights, minima and maxima, as
#' [predict.pilotdid_entropy_index()] does) to the counterfactual indicators. It is 0
#' for every row with `did = 0` and the true ATT is `mean(tau[did == 1])`,
#' equal to `effect` within 0.1% (indicators are rounded to realistic
#' precision, so the average effect cannot be tuned further; it is reported
#' exactly in `attr(, "dgp")$att`). This is the estimand of a DID of `nqp`
#' on `did`: the index is built once on the observed panel, as a researcher
#' builds it, and its change is measured on that same scale.
#'
#' With `pretrend` \eqn{= p}, the counterfactual index of a treated city is
#' moved by \eqn{p\,(t - c_i)} in the years before adoption (the same eight
#' indicators carry it), so for \eqn{p > 0} treated cities catch up on the
#' others before the pilot: the event-study coefficients before adoption are
#' about \eqn{-p(k - 1)} for period \eqn{-k}, and DID estimates are biased
#' upwards. The paper's Table 4 (pre_5 to pre_2: -0.005 to -0.002) looks like
#' \eqn{p \approx 0.001}. The true effect is unchanged: `tau` stays the effect
#' of the policy.
#'
#' @param cities The cities: `NULL` (default) for the 297 current
#'   prefecture-level cities and municipalities of [cn_cities] (no prefectures,
#'   autonomous prefectures or leagues, no abolished units); a data frame with
#'   a column `nbs_code`; or a vector of names or NBS codes as in
#'   [pilot_timing()].
#' @param years The years of the panel, at least two distinct whole years.
#' @param timing The first treated year of every city: a data frame with
#'   columns `nbs_code` and `first_year` (`NA` for never treated), one row per
#'   city, such as [pilot_timing()] (the default: the paper's coding).
#' @param effect The average effect of the pilot on the NQP index over treated
#'   city-years (the true ATT), a number in \eqn{[0, 0.05]}; the default 0.008 is
#'   the order of the paper's estimates.
#' @param dynamics `"constant"` or `"growing"` with years of exposure.
#' @param heterogeneity If `TRUE` (default), the effect is larger in big,
#'   eastern and non-resource cities.
#' @param pretrend Pre-trend of the treated cities' counterfactual index per
#'   year before adoption (index units); 0 for parallel trends.
#' @param seed Random seed (a whole number); `NULL` uses the current stream.
#'   The user's stream is restored afterwards.
#'
#' @return A data frame with one row per city and year (cities in the order
#'   of `cities`, by NBS code for the default; years in increasing order),
#'   and an attribute `"dgp"` (a list: the arguments, `kappa`, `att`).
#'   Columns:
#'   * `nbs_code`, `city` (unique English name), `name_zh`, `province`,
#'     `region` (East, Central, West, Northeast), `is_municipality`,
#'     `is_capital`, `is_resource`: the city, from [cn_cities];
#'   * `year`; `first_year` (first treated year, `NA` never); `treated`
#'     (1 for a city ever treated, 0 otherwise); `did` (1 from `first_year`
#'     on);
#'   * `pop` (resident population, 10,000), `big` (1 when `pop > 500`);
#'   * the controls `gov`, `density`, `fdi`, `lngdp`, `rcl`, `fin`;
#'   * the mechanism variables `upgrade`, `jc`;
#'   * the 23 indicators, named as in [nqp_indicators];
#'   * `nqp`, the index;
#'   * the counterfactuals: `upgrade0`, `jc0`, the eight indicators the
#'     policy moves with a `0` appended (`tertiary_share0`, ...; the other
#'     indicators are the same with or without the policy), `nqp0`;
#'   * `tau = nqp - nqp0`, the true effect of the city-year.
#' @family data
#' @seealso [nqp_panel], one draw shipped with the package; [nqp_indicators].
#' @export
#' @examples
#' d <- simulate_pilot_panel(seed = 1)
#' dim(d)
#' attr(d, "dgp")$att
#' mean(d$tau[d$did == 1])
#' twfe(nqp ~ did + gov + lngdp | nbs_code + year, data = d)
#'
#' # 40 cities, a growing homogeneous effect and a pre-trend
#' small <- simulate_pilot_panel(cities = head(cn_cities$nbs_code[cn_cities$is_prefecture_city], 40),
#'                               dynamics = "growing", heterogeneity = FALSE,
#'                               pretrend = 0.001, seed = 2)
#' tapply(small$tau, small$year - small$first_year, mean)
simulate_pilot_panel <- function(cities = NULL, years = 2009:2022, timing = pilot_timing(),
                                 effect = 0.008, dynamics = c("constant", "growing"),
                                 heterogeneity = TRUE, pretrend = 0, seed = NULL) {
  dynamics <- check_choice(dynamics, c("constant", "growing"), "dynamics")
  check_flag(heterogeneity, "heterogeneity")
  years <- check_years(years)
  effect <- check_number(effect, "effect", min = 0, max = 0.05)
  pretrend <- check_number(pretrend, "pretrend", min = -0.01, max = 0.01)
  check_seed(seed)
  units <- sim_units(cities)
  first <- sim_timing(timing, units$nbs_code)
  with_seed(seed, {
    d <- sim_panel(units, first, years, effect, dynamics, heterogeneity, pretrend)
  })
  attr(d, "dgp") <- c(list(effect = effect, dynamics = dynamics, heterogeneity = heterogeneity,
                           pretrend = pretrend, seed = seed), attr(d, "dgp"))
  d
}

check_years <- function(years, call = rlang::caller_env()) {
  if (!is.numeric(years) || !length(years) || anyNA(years) || any(years != round(years))) {
    abort_input("{.arg years} must be whole years, e.g. {.code 2009:2022}.", call = call)
  }
  years <- sort(unique(as.integer(years)))
  if (length(years) < 2L) abort_input("{.arg years} must hold at least two distinct years.", call = call)
  years
}

check_number <- function(x, arg, min, max, call = rlang::caller_env()) {
  if (!is.numeric(x) || length(x) != 1L || !is.finite(x) || x < min || x > max) {
    abort_input("{.arg {arg}} must be a single number between {min} and {max}.", call = call)
  }
  as.double(x)
}

check_seed <- function(seed, call = rlang::caller_env()) {
  if (is.null(seed)) return(invisible(NULL))
  if (!is.numeric(seed) || length(seed) != 1L || !is.finite(seed) || seed != round(seed)) {
    abort_input("{.arg seed} must be NULL or a single whole number.", call = call)
  }
  invisible(seed)
}

# The cities as rows of cn_cities.
sim_units <- function(cities, call = rlang::caller_env()) {
  ref <- pilotdid::cn_cities
  if (is.null(cities)) {
    keep <- ref$status == "current" & ref$unit_type %in% c("municipality", "prefecture-level city")
    return(ref[keep, , drop = FALSE])
  }
  code <- timing_cities(cities, call = call)$nbs_code
  unknown <- unique(code[!code %in% ref$nbs_code])
  if (length(unknown)) {
    abort_input(c("Every city must be a unit of {.code cn_cities}, whose flags the simulation uses.",
                  "x" = "Unknown NBS code{?s}: {.val {unknown}}."), call = call)
  }
  dup <- unique(code[duplicated(code)])
  if (length(dup)) {
    abort_input("{.arg cities} lists NBS code{cli::qty(length(dup))}{?s} {.val {dup}} more than once.", call = call)
  }
  if (length(code) < 2L) abort_input("{.arg cities} must hold at least two cities.", call = call)
  ref[match(code, ref$nbs_code), , drop = FALSE]
}

# The first treated year of each city code, from the timing table.
sim_timing <- function(timing, codes, call = rlang::caller_env()) {
  if (!is.data.frame(timing) || !all(c("nbs_code", "first_year") %in% names(timing))) {
    abort_input(c("{.arg timing} must be a data frame with columns {.field nbs_code} and {.field first_year}.",
                  "i" = "For example {.code pilot_timing()}."), call = call)
  }
  tc <- as_code(timing$nbs_code, "nbs_code", "timing", allow_na = FALSE, call = call)
  fy <- timing$first_year
  if (!(is.numeric(fy) || all(is.na(fy))) || any(!is.na(fy) & (!is.finite(fy) | fy != round(fy)))) {
    abort_input("Column {.field first_year} of {.arg timing} must hold whole years or {.val NA} (never treated).",
                call = call)
  }
  dup <- unique(tc[duplicated(tc)])
  if (length(dup)) {
    abort_input("{.arg timing} has several rows for NBS code{cli::qty(length(dup))}{?s} {.val {dup}}.", call = call)
  }
  k <- match(codes, tc)
  if (anyNA(k)) {
    miss <- codes[is.na(k)]
    shown <- paste(utils::head(miss, 10), collapse = ", ")
    if (length(miss) > 10) shown <- paste0(shown, " (and ", length(miss) - 10, " more)")
    abort_input(c("{.arg timing} must have a row for every city: {length(miss)} {?is/are} missing.",
                  "x" = "Missing NBS codes: {shown}.",
                  "i" = "Give the first treated year of every city, {.val NA} for never treated."),
                call = call)
  }
  as.integer(fy[k])
}

# Draw the panel: cities, controls, counterfactual indicators, pre-trend,
# policy effect, index, counterfactual index.
sim_panel <- function(units, first, years, effect, dynamics, heterogeneity, pretrend,
                      call = rlang::caller_env()) {
  n <- nrow(units)
  nt <- length(years)
  city <- rep(seq_len(n), each = nt)
  year <- rep(years, times = n)
  cities <- sim_cities(units, years)
  ctl <- sim_controls(units, cities, years)
  x0 <- sim_indicators(units, cities, years, index_shock(ctl$shocks, n, nt))
  ter0 <- x0$tertiary_share
  fy <- first[city]
  did <- as.integer(!is.na(fy) & year >= fy)
  if (effect > 0 && !any(did == 1L)) {
    abort_input(c("No city is treated in {.arg years}: a policy {.arg effect} cannot be given.",
                  "i" = "Use years that include first treated years, or {.code effect = 0}."), call = call)
  }
  spec <- nqp_spec()
  if (pretrend != 0) {
    pre <- ifelse(!is.na(fy) & year < fy, pretrend * (year - fy), 0)
    x0 <- shift_indicators(x0, pre, entropy_index(as.data.frame(x0), spec$indicator), spec)
  }
  pattern <- effect_pattern(units, cities, fy, year, dynamics, heterogeneity) * did
  eff <- apply_effect(x0, pattern, did, effect, spec, call)
  x1 <- eff$x
  # Value added moves from the secondary to the tertiary sector one for one.
  ter1 <- x1$tertiary_share
  sec0 <- pmax(1 - ter0 - ctl$primary, 0.1)
  sec1 <- pmax(sec0 - (ter1 - ter0), 0.05)
  jc0 <- ctl$jc
  d <- data.frame(
    nbs_code = units$nbs_code[city], city = units$name_en_unique[city], name_zh = units$name_zh[city],
    province = units$province[city], region = units$region[city],
    is_municipality = units$is_municipality[city], is_capital = units$is_capital[city],
    is_resource = units$is_resource[city], year = year, first_year = fy,
    treated = as.integer(!is.na(fy) & fy <= max(years)), did = did,
    pop = round(ctl$pop, 2), big = as.integer(round(ctl$pop, 2) > 500), stringsAsFactors = FALSE
  )
  d[names(ctl$controls)] <- ctl$controls
  d$upgrade <- round(ter1 / sec1, 4)
  d$jc <- round(jc0 * exp(2.5 * eff$tau), 2)
  d[spec$indicator] <- x1
  d$nqp <- eff$nqp
  d$upgrade0 <- round(ter0 / sec0, 4)
  d$jc0 <- round(jc0, 2)
  moved <- spec$indicator[spec$policy > 0]
  d[paste0(moved, "0")] <- x0[moved]
  d$nqp0 <- eff$nqp0
  d$tau <- eff$tau
  attr(d, "dgp") <- list(kappa = eff$kappa, att = if (any(did == 1L)) mean(eff$tau[did == 1L]) else NA_real_)
  d
}

# h_i g(e_it) of every row (before the scale kappa): the shape of the effect.
effect_pattern <- function(units, cities, fy, year, dynamics, heterogeneity) {
  n <- nrow(units)
  nt <- length(year) / n
  city <- rep(seq_len(n), each = nt)
  g <- if (dynamics == "growing") pmin(year - fy + 1, 6) else rep(1, length(year))
  g[is.na(g) | year < fy] <- 0
  if (!heterogeneity) return(g)
  m <- het_multipliers()
  adopt <- pmin(pmax(fy, min(year)), max(year))
  pop_adopt <- exp(cities$lpop[city] + cities$pop_growth[city] * (adopt - 2009))
  h <- ifelse(!is.na(pop_adopt) & pop_adopt > 500, m$size[["big"]], m$size[["other"]]) *
    ifelse(units$is_resource[city], m$resource[["resource"]], m$resource[["other"]]) *
    unname(m$region[units$region[city]])
  g * h
}

# Raise the policy indicators so that the index moves by `target` (index units)
# under the weights and ranges of `fit`.
shift_indicators <- function(x, target, fit, spec) {
  w <- fit$weights
  for (r in which(spec$policy > 0)) {
    s <- spec[r, ]
    k <- match(s$indicator, w$indicator)
    step <- s$policy * (w$max[k] - w$min[k]) / w$w[k]
    x[[s$indicator]] <- bound_indicator(x[[s$indicator]] + step * target, s)
  }
  x
}

# Scale the effect so that its average over treated city-years is `effect`,
# the index being rebuilt on the observed indicators each time.
apply_effect <- function(x0, pattern, did, effect, spec, call = rlang::caller_env()) {
  ind <- spec$indicator
  d0 <- as.data.frame(x0)
  fit <- entropy_index(d0, ind)
  if (effect == 0) {
    nqp <- fit$scores$score
    return(list(x = x0, nqp = nqp, nqp0 = nqp, tau = numeric(length(nqp)), kappa = 0))
  }
  post <- did == 1L
  kappa <- effect / mean(pattern[post])
  best <- NULL
  for (it in seq_len(20L)) {
    x1 <- shift_indicators(x0, kappa * pattern, fit, spec)
    fit <- entropy_index(as.data.frame(x1), ind)
    nqp <- fit$scores$score
    nqp0 <- stats::predict(fit, d0)$score
    gap <- abs(mean(nqp[post] - nqp0[post]) - effect)
    if (is.null(best) || gap < best$gap) {
      best <- list(x = x1, nqp = nqp, nqp0 = nqp0, tau = nqp - nqp0, kappa = kappa, gap = gap)
    }
    # Rounded indicators make the average effect a step function of kappa.
    if (gap <= 1e-6 * effect) break
    kappa <- kappa * effect / mean(nqp[post] - nqp0[post])
  }
  if (best$gap > 1e-3 * effect) {
    att <- mean(best$tau[post])
    abort_input(c("The indicators' bounds cannot carry an average effect of {effect} on the index.",
                  "i" = "Reached {signif(att, 3)}; use a smaller {.arg effect}."), call = call)
  }
  best[c("x", "nqp", "nqp0", "tau", "kappa")]
}
