#' Group-time average treatment effects (Callaway and Sant'Anna)
#'
#' Estimates the average effect of adopting in period \eqn{g} on the units of
#' that adoption cohort in period \eqn{t}, ATT(g,t), for every cohort and
#' period, each from a 2x2 comparison of the cohort with a clean comparison
#' group (never-treated or not-yet-treated units). Aggregate them with
#' [aggregate.pilotdid_att_gt()] into an overall ATT, an event study, or
#' effects by cohort or calendar period.
#'
#' @section Estimator:
#' With \eqn{\Delta Y_i = Y_{it} - Y_{ib}} the change from the base period
#' \eqn{b} to \eqn{t}, ATT(g,t) is the mean of \eqn{\Delta Y} among units of
#' cohort \eqn{g} minus its mean among comparison units: units never treated
#' (`control_group = "never"`), or also units adopting after both \eqn{t} and
#' \eqn{b} plus `anticipation` periods (`"notyet"`). For \eqn{t \ge g} the base
#' period is the last period before \eqn{g} - `anticipation`. Before that,
#' `base_period = "varying"` compares each period with the one before it (the
#' pre-trend of each period), `"universal"` compares all periods with the same
#' base period (whose ATT is 0 by construction). Without covariates this is
#' the outcome-regression and doubly-robust estimator of `did::att_gt()`. With
#' covariates \eqn{X}, `est_method = "reg"` subtracts from the treated units'
#' mean change their mean change predicted by a least-squares fit of
#' \eqn{\Delta Y} on \eqn{X} among comparison units; `"dr"` (doubly robust,
#' Sant'Anna and Zhao 2020) also reweights comparison units by the odds of a
#' logit propensity score (comparison units with scores of 0.995 or more are
#' trimmed; a cell whose largest score reaches 0.999 gets `NA` with a
#' warning), exactly as `DRDID::drdid_panel()` called by `did::att_gt()`.
#'
#' @section Standard errors:
#' Each ATT(g,t) has the influence function
#' \eqn{\psi_i = \frac{n}{n_g}(\Delta Y_i - \bar{\Delta Y}_g)} for units of
#' cohort \eqn{g}, \eqn{-\frac{n}{n_c}(\Delta Y_i - \bar{\Delta Y}_c)} for
#' comparison units and 0 otherwise (\eqn{n} units in all), and standard
#' error \eqn{\sqrt{\sum_i \psi_i^2}/n}: the analytical standard errors of
#' `did::att_gt(bstrap = FALSE)`, clustered by unit. Intervals are pointwise
#' normal intervals.
#'
#' @section Sampling weights:
#' With `weights`, every mean above is weighted by the units' weights (one
#' per unit: they must be constant within units, as in `did`), the
#' covariate regression is weighted least squares and the propensity score a
#' weighted logit, as `did::att_gt(weightsname = )` (through
#' `DRDID::reg_did_panel()` and `DRDID::drdid_panel()` with `i.weights`);
#' the influence function of a comparison unit is
#' \eqn{-n w_i(\Delta Y_i - \bar{\Delta Y}_c)/\sum_{j \in c} w_j}. In
#' [aggregate()] the cohort shares are weighted shares. Units with weight 0
#' stay in the sample and count in \eqn{n}, as in `did`.
#'
#' @section Threads:
#' `att_gt()` takes no `threads`: it is computed in R (one 2x2 comparison per
#' cell), single-threaded.
#'
#' @section Sample:
#' The panel is balanced as in `did`: rows with missing values are dropped,
#' then units not observed in every period, with a note. Units treated in
#' the first period (or within `anticipation` periods of it) have no
#' pre-treatment period and are dropped with a note; units adopting after the
#' last period (plus `anticipation`) count as never treated. Without
#' never-treated units, the periods from the last cohort's adoption (minus
#' `anticipation`) on are dropped and that cohort serves as comparison only.
#'
#' @param formula `y ~ 1 | unit + time`, or `y ~ x1 + x2 | unit + time` with
#'   covariates: the outcome, the covariates, then the unit and time columns
#'   (time numeric). Covariates are taken in the earlier period of each 2x2
#'   comparison, as in `did`.
#' @param est_method With covariates: `"dr"` (doubly robust, the default of
#'   `did`) or `"reg"` (outcome regression). Ignored without covariates, where
#'   both reduce to the difference in mean changes.
#' @param control_group `"never"` (never-treated units) or `"notyet"`
#'   (never treated and not yet treated units).
#' @param anticipation Number of periods before adoption in which units may
#'   already react (whole number >= 0).
#' @param base_period `"varying"` or `"universal"` (see Estimator).
#' @param weights Optional sampling weights, one per unit: a column name
#'   (`"pop"`), a one-sided formula (`~pop`) or a numeric vector with one
#'   value per row of `data`, constant within units (see Sampling weights).
#'   Missing, negative or infinite weights on rows used are an error; rows
#'   that leave the sample may have any weight.
#' @inheritParams did_imputation
#' @return An object of class `pilotdid_att_gt`: `estimates` (a data frame, one
#'   row per ATT(g,t): `group`, `time`, `rel_time` (\eqn{t - g}), `estimate`,
#'   `std.error`, `conf.low`, `conf.high`, `post` (TRUE when \eqn{t \ge g}),
#'   `n_treated`, `n_control`), `inf_func` (the \eqn{n \times K} influence
#'   functions), `unit_group` (each unit's cohort, 0 for never treated),
#'   `unit_weights` (each unit's sampling weight, mean 1; all 1 without
#'   `weights`),
#'   `n_units`, `periods`, `groups`, `control_group`, `anticipation`,
#'   `base_period`, `est_method` (`"none"` without covariates),
#'   `dropped_units`, `level`, `formula`, `cohort`, `call`.
#' @references Callaway, B. and Sant'Anna, P. H. C. (2021).
#'   Difference-in-differences with multiple time periods. *Journal of
#'   Econometrics* 225(2), 200-230.
#'
#'   Sant'Anna, P. H. C. and Zhao, J. (2020). Doubly robust
#'   difference-in-differences estimators. *Journal of Econometrics* 219(1),
#'   101-122.
#' @family robust estimators
#' @export
#' @examples
#' d <- simulate_panel(n_id = 80, n_t = 10, seed = 1)
#' cs <- att_gt(y ~ 1 | id + year, data = d, cohort = "cohort")
#' cs
#' aggregate(cs, "dynamic")
#' aggregate(cs, "simple")
#' att_gt(y ~ x1 | id + year, data = d, cohort = "cohort", est_method = "reg")
att_gt <- function(formula, data, cohort, control_group = c("never", "notyet"), anticipation = 0,
                   base_period = c("varying", "universal"), est_method = c("dr", "reg"),
                   weights = NULL, subset = NULL, level = 0.95) {
  call <- match.call()
  spec <- parse_did_formula(formula)
  gcol <- cohort_column(if (missing(cohort)) NULL else cohort)
  control_group <- check_choice(control_group, c("never", "notyet"), "control_group")
  base_period <- check_choice(base_period, c("varying", "universal"), "base_period")
  est_method <- check_choice(est_method, c("dr", "reg"), "est_method")
  anticipation <- check_count(anticipation, "anticipation", min = 0)
  check_level(level)
  cols <- did_extra_columns(data, cohort = gcol, weights = weights)
  rows <- if (is.data.frame(data)) eval_subset(substitute(subset), data, parent.frame())
  pn <- did_panel(spec, data, extra = cols$extra, rows = rows)
  pn <- balance_panel(pn, "the Callaway-Sant'Anna estimator")
  g <- read_cohort(pn$unit_id, pn$time, pn$d[[gcol]], names = list(cohort = gcol, unit = spec$unit))
  w <- did_weights(cols$weights, pn, per_unit = TRUE)
  wide <- attgt_wide(pn, g, anticipation, w)
  res <- attgt_compute(wide, control_group, anticipation, base_period, est_method)
  out <- new_pilotdid_att_gt(res, wide, control_group, anticipation, base_period, level, formula, gcol, call)
  out$est_method <- if (is.null(wide$X)) "none" else est_method
  out
}

# Units x periods outcome matrix, each unit's cohort and weight (mean 1),
# after dropping units treated from the start and, without never-treated
# units, the periods the last cohort cannot serve as comparison in.
attgt_wide <- function(pn, g, anticipation, w = NULL, call = caller_env()) {
  T <- length(pn$periods)
  Y <- matrix(NA_real_, pn$n_units, T)
  Y[cbind(pn$unit + 1L, pn$period)] <- pn$y
  G <- unit_values(g, pn$unit, pn$n_units)
  periods <- pn$periods
  G[G > periods[T] + anticipation] <- Inf
  early <- is.finite(G) & G <= periods[1L] + anticipation
  keep <- !early
  if (any(early)) {
    note("Dropped {sum(early)} unit{?s} treated by the first period (plus {.arg anticipation}): they have no pre-treatment period.")
  }
  cmp <- last_cohort_control(G[keep], periods, anticipation, call = call)
  G[keep] <- cmp$g
  tkeep <- periods < cmp$cutoff
  W <- if (is.null(w)) rep(1, sum(keep)) else unit_values(w, pn$unit, pn$n_units)[keep]
  list(Y = Y[keep, tkeep, drop = FALSE], G = G[keep], w = W / mean(W), periods = periods[tkeep], n = sum(keep),
       dropped_units = sum(early) + (pn$dropped_units %||% 0L), groups = sort(unique(G[keep & is.finite(G)])),
       X = attgt_covariates(pn, keep, match(periods[tkeep], pn$periods)))
}

# Every ATT(g,t) and its influence function (an n x K matrix).
attgt_compute <- function(wide, control_group, anticipation, base_period, est_method) {
  Y <- wide$Y
  G <- wide$G
  w <- wide$w
  tl <- wide$periods
  n <- wide$n
  first_t <- if (base_period == "varying") 2L else 1L
  cells <- expand.grid(t = seq.int(first_t, length(tl)), g = wide$groups)
  K <- nrow(cells)
  est <- numeric(K)
  n1 <- n0 <- integer(K)
  IF <- matrix(0, n, K)
  for (k in seq_len(K)) {
    gk <- cells$g[k]
    t <- cells$t[k]
    pre <- max(which(tl + anticipation < gk))
    base <- if (tl[t] >= gk || base_period == "universal") pre else t - 1L
    if (base == t) {
      n1[k] <- sum(G == gk)
      next
    }
    treat <- G == gk
    ctrl <- if (control_group == "never") is.infinite(G) else G > tl[max(t, base)] + anticipation & !treat
    dy <- Y[, t] - Y[, base]
    n1[k] <- sum(treat)
    n0[k] <- sum(ctrl)
    if (is.null(wide$X)) {
      s1 <- sum(w[treat])
      s0 <- sum(w[ctrl])
      m1 <- sum(w[treat] * dy[treat]) / s1
      m0 <- sum(w[ctrl] * dy[ctrl]) / s0
      est[k] <- m1 - m0
      IF[treat, k] <- n * w[treat] / s1 * (dy[treat] - m1)
      IF[ctrl, k] <- -n * w[ctrl] / s0 * (dy[ctrl] - m0)
    } else {
      sub <- treat | ctrl
      r <- attgt_cell_cov(dy[sub], as.numeric(treat[sub]), wide$X[[min(base, t)]][sub, , drop = FALSE],
                          w[sub], est_method, gk, tl[t])
      est[k] <- r$att
      IF[sub, k] <- n / sum(sub) * r$inf
    }
  }
  se <- sqrt(colSums(IF^2)) / n
  se[se <= sqrt(.Machine$double.eps) * 10] <- NA_real_
  IF[, is.na(est)] <- 0
  list(group = cells$g, time = tl[cells$t], estimate = est, std.error = se, n_treated = n1,
       n_control = n0, inf_func = IF)
}

new_pilotdid_att_gt <- function(res, wide, control_group, anticipation, base_period, level, formula,
                               gcol, call) {
  z <- stats::qnorm((1 + level) / 2)
  est <- data.frame(group = res$group, time = res$time, rel_time = res$time - res$group,
                    estimate = res$estimate, std.error = res$std.error,
                    conf.low = res$estimate - z * res$std.error, conf.high = res$estimate + z * res$std.error,
                    post = res$time >= res$group, n_treated = res$n_treated, n_control = res$n_control)
  structure(list(estimates = est, inf_func = res$inf_func, unit_group = ifelse(is.finite(wide$G), wide$G, 0),
                 unit_weights = wide$w, n_units = wide$n, periods = wide$periods, groups = wide$groups,
                 control_group = control_group, anticipation = anticipation, base_period = base_period,
                 dropped_units = wide$dropped_units, level = level, formula = formula, cohort = gcol,
                 call = call),
            class = "pilotdid_att_gt")
}

#' Aggregate group-time average treatment effects
#'
#' Averages the ATT(g,t) of [att_gt()] as `did::aggte()` does:
#' * `"simple"`: all post-treatment ATT(g,t) (\eqn{t \ge g}) weighted by cohort
#'   size;
#' * `"group"`: for each cohort, the mean of its post-treatment ATT(g,t); the
#'   overall ATT weights the cohorts by size;
#' * `"dynamic"`: for each event time \eqn{e = t - g}, the ATT(g,g+e) weighted
#'   by cohort size (an event study); the overall ATT is the mean over
#'   \eqn{e \ge 0};
#' * `"calendar"`: for each period \eqn{t}, the post-treatment ATT(g,t) of the
#'   cohorts treated by then, weighted by cohort size; the overall ATT is the
#'   mean over periods (`min_e` and `max_e` do not apply).
#'
#' The standard errors come from the aggregated influence functions and, where
#' the weights are estimated cohort shares, include the influence function of
#' the weights, as in `did::aggte(bstrap = FALSE)`.
#'
#' @param x A `pilotdid_att_gt` result.
#' @param type `"simple"`, `"group"`, `"dynamic"` or `"calendar"`.
#' @param min_e,max_e For `"dynamic"`: the event times kept (and, for all
#'   types, post-treatment ATT(g,t) with \eqn{t - g > max_e} are left out).
#' @param level Confidence level; the one of `x` by default.
#' @param cband Add a uniform confidence band over the rows (not for
#'   `"simple"`): columns `band.low` and `band.high`, from the sup-t critical
#'   value of a multiplier bootstrap of the influence functions (Mammen
#'   weights), never narrower than the pointwise interval.
#' @param n Number of bootstrap draws for `cband`.
#' @param biters Deprecated name of `n`.
#' @param seed Seed of the bootstrap draws (`NULL`: one drawn from R's
#'   current stream, so [set.seed()] makes them reproducible). Draw \eqn{j}
#'   depends on `seed` and \eqn{j} only, so the band is the same whatever
#'   `threads` or `backend`.
#' @param threads Threads for the draws (`backend = "threads"`).
#' @param backend `"threads"` (OpenMP in this R session) or `"future"` (chunks
#'   of draws on the workers of the current [future::plan()]); the draws are
#'   the same.
#' @param ... Unused.
#' @return An object of class `pilotdid_aggregate`: `estimates` (a data frame, one
#'   row per cohort, event time or period: `term`, `group`, `time`,
#'   `rel_time` (the column of the type is filled, the others `NA`),
#'   `estimate`, `std.error`, `conf.low`, `conf.high`), `overall` (one row:
#'   the overall ATT of the type, term "ATT" for `"simple"`, "ATT_group",
#'   "ATT_dynamic" or "ATT_calendar" otherwise: they are different averages), `inf_func` (influence functions of the rows of
#'   `estimates`, then of the overall ATT), `type`, `level`; with `cband`,
#'   also `band.low` and `band.high` in `estimates`, `crit_value` and `biters`.
#' @family robust estimators
#' @importFrom stats aggregate
#' @method aggregate pilotdid_att_gt
#' @export
#' @examples
#' d <- simulate_panel(n_id = 80, n_t = 10, seed = 1)
#' cs <- att_gt(y ~ 1 | id + year, data = d, cohort = "cohort", control_group = "notyet")
#' es <- aggregate(cs, "dynamic", min_e = -3, max_e = 3)
#' tidy(es)
#' aggregate(cs, "dynamic", cband = TRUE, seed = 1)$crit_value
aggregate.pilotdid_att_gt <- function(x, type = c("simple", "group", "dynamic", "calendar"),
                                     min_e = -Inf, max_e = Inf, level = x$level, cband = FALSE,
                                     n = 1000, seed = NULL, threads = getOption("pilotdid.threads", 1L),
                                     backend = c("threads", "future"), ..., biters = NULL) {
  type <- check_choice(type, c("simple", "group", "dynamic", "calendar"), "type")
  check_flag(cband, "cband")
  biters <- check_count(deprecated_arg(n, biters, "n", "biters"), "n", min = 2)
  if (!is.numeric(min_e) || !is.numeric(max_e) || length(min_e) != 1L || length(max_e) != 1L ||
      is.na(min_e) || is.na(max_e) || min_e > max_e) {
    abort_input("{.arg min_e} and {.arg max_e} must be numbers with {.code min_e <= max_e}.")
  }
  check_level(level)
  if (!is.null(seed) && (!is.numeric(seed) || length(seed) != 1L || is.na(seed) || seed != round(seed) ||
                         abs(seed) > .Machine$integer.max)) {
    abort_input("{.arg seed} must be a single whole number (or {.code NULL}).")
  }
  backend <- check_choice(backend, c("threads", "future"), "backend")
  threads <- resolve_threads(threads)
  e <- x$estimates
  ok <- !is.na(e$estimate)
  n <- x$n_units
  ug <- x$unit_group
  uw <- x$unit_weights %||% rep(1, n)
  pg_all <- vapply(x$groups, function(g) mean(uw * (ug == g)), 0)
  pg <- pg_all[match(e$group, x$groups)]
  agg <- function(keep, w_att, with_wif = TRUE) {
    w <- w_att / sum(w_att)
    inf <- x$inf_func[, keep, drop = FALSE] %*% w
    if (with_wif) inf <- inf + aggte_wif(keep, pg, ug, e$group, uw) %*% e$estimate[keep]
    c(estimate = sum(w * e$estimate[keep]), inf = list(drop(inf)))
  }
  post <- ok & e$time >= e$group & e$rel_time <= max_e
  rows <- switch(type,
    simple = list(),
    group = lapply(x$groups, function(g) {
      keep <- which(post & e$group == g)
      c(list(term = paste0("group_", format_num(g)), group = g, time = NA_real_, rel_time = NA_real_),
        agg(keep, rep(1, length(keep)), with_wif = FALSE))
    }),
    dynamic = {
      es <- sort(unique(e$rel_time[ok]))
      es <- es[es >= min_e & es <= max_e]
      lapply(es, function(r) {
        keep <- which(ok & e$rel_time == r)
        c(list(term = rel_time_label(r), group = NA_real_, time = NA_real_, rel_time = r), agg(keep, pg[keep]))
      })
    },
    calendar = {
      ts <- sort(unique(e$time[ok & e$time >= e$group]))
      lapply(ts, function(tt) {
        keep <- which(ok & e$time == tt & e$group <= tt)
        c(list(term = paste0("time_", format_num(tt)), group = NA_real_, time = tt, rel_time = NA_real_),
          agg(keep, pg[keep]))
      })
    })
  overall <- switch(type,
    simple = { keep <- which(post); agg(keep, pg[keep]) },
    group = {
      att_g <- vapply(rows, `[[`, 0, "estimate")
      inf_g <- vapply(rows, `[[`, numeric(n), "inf")
      w <- pg_all / sum(pg_all)
      wif <- aggte_wif(seq_along(x$groups), pg_all, ug, x$groups, uw)
      list(estimate = sum(w * att_g), inf = drop(inf_g %*% w + wif %*% att_g))
    },
    dynamic = , calendar = {
      sel <- if (type == "dynamic") vapply(rows, `[[`, 0, "rel_time") >= 0 else rep(TRUE, length(rows))
      att_r <- vapply(rows[sel], `[[`, 0, "estimate")
      inf_r <- vapply(rows[sel], `[[`, numeric(n), "inf")
      list(estimate = mean(att_r), inf = rowMeans(matrix(inf_r, nrow = n)))
    })
  out <- new_pilotdid_aggregate(rows, overall, type, n, level)
  if (cband && type != "simple") out <- add_uniform_band(out, biters, band_seed(seed), threads, backend)
  out
}

# Uniform (sup-t) band over the rows of an aggregation: the critical value is
# the `level` quantile of max_k |b_k| / se_k over multiplier-bootstrap draws
# b = sum_i V_i psi_i / n with Mammen's two-point weights V_i, one stream per
# draw from `seed` (cpp_multiplier_draws()), whatever `threads` or `backend`.
add_uniform_band <- function(x, biters, seed, threads = 1L, backend = "threads") {
  e <- x$estimates
  ok <- which(!is.na(e$std.error))
  inputs <- list(inf = x$inf_func[, ok, drop = FALSE], se = e$std.error[ok], seed = seed)
  if (biters * length(inputs$inf) < 2e7) threads <- 1L
  tmax <- draw_rows(multiplier_run, inputs, biters, threads, backend, "Bootstrap draws")[, 1L]
  crit <- max(stats::quantile(tmax, x$level, type = 1, names = FALSE), stats::qnorm((1 + x$level) / 2))
  e$band.low <- e$estimate - crit * e$std.error
  e$band.high <- e$estimate + crit * e$std.error
  x$estimates <- e
  x$crit_value <- crit
  x$biters <- biters
  x
}

# The seed of the draws: a whole number in 0..2^52 (negative seeds, allowed
# by aggregate(), are mapped above the positive ones).
band_seed <- function(seed) placebo_seed(if (is.null(seed) || seed >= 0) seed else 2^52 + seed)

multiplier_run <- function(inputs, first, count, threads, state = NULL) {
  matrix(cpp_multiplier_draws(inputs$inf, inputs$se, inputs$seed, first, count, threads))
}

# Influence function of estimated cohort-share weights (did's wif()): columns
# for the ATT(g,t) in `keep`; `uw` the units' sampling weights (mean 1).
aggte_wif <- function(keep, pg, ug, group, uw) {
  s <- sum(pg[keep])
  ind <- vapply(keep, function(k) uw * (ug == group[k]) - pg[k], numeric(length(ug)))
  ind <- matrix(ind, ncol = length(keep))
  ind / s - rowSums(ind) %o% (pg[keep] / s^2)
}

new_pilotdid_aggregate <- function(rows, overall, type, n, level) {
  z <- stats::qnorm((1 + level) / 2)
  se_of <- function(inf) {
    se <- sqrt(sum(inf^2)) / n
    if (se <= sqrt(.Machine$double.eps) * 10) NA_real_ else se
  }
  est <- do.call(rbind, lapply(rows, function(r) {
    se <- se_of(r$inf)
    data.frame(term = r$term, group = r$group, time = r$time, rel_time = r$rel_time,
               estimate = r$estimate, std.error = se, conf.low = r$estimate - z * se,
               conf.high = r$estimate + z * se)
  }))
  se <- se_of(overall$inf)
  ov <- data.frame(term = if (type == "simple") "ATT" else paste0("ATT_", type), group = NA_real_,
                   time = NA_real_, rel_time = NA_real_,
                   estimate = overall$estimate, std.error = se, conf.low = overall$estimate - z * se,
                   conf.high = overall$estimate + z * se)
  inf <- cbind(if (length(rows)) vapply(rows, `[[`, numeric(n), "inf"), overall$inf)
  structure(list(estimates = est, overall = ov, inf_func = inf, type = type, level = level),
            class = "pilotdid_aggregate")
}
