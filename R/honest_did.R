#' Robust confidence sets for violations of parallel trends (HonestDiD)
#'
#' `honest_did()` runs the sensitivity analysis of Rambachan and Roth (2023) on
#' an event study: how far may the post-treatment violation of parallel trends
#' depart from what the pre-treatment coefficients show before the effect
#' stops being significant? It reports, for a grid of the restriction's size,
#' confidence sets for \eqn{\theta = l'\tau_{post}} that are valid whatever the
#' violation within the restriction, the original confidence interval, and the
#' breakdown value.
#'
#' @section Restrictions and methods:
#' Write the event-study coefficients as \eqn{\beta = \tau + \delta}, with
#' \eqn{\tau_{pre} = 0} and \eqn{\delta} the violation of parallel trends
#' (\eqn{\delta_0 = 0} in the reference period).
#' * `"relative_magnitude"`, \eqn{\Delta^{RM}(\bar M)}: every post-period
#'   change \eqn{|\delta_{t+1} - \delta_t|} is at most \eqn{\bar M} times the
#'   largest pre-period change. Confidence sets are the conditional /
#'   least-favourable hybrid (`method = "C-LF"`, the default) or the
#'   conditional test (`"Conditional"`) of Andrews, Roth and Pakes, inverted on
#'   HonestDiD's grid of `grid_points` values of \eqn{\theta} in
#'   \eqn{\pm 20} standard errors of \eqn{l'\hat\beta_{post}} (so bounds are
#'   exact to the grid step).
#' * `"smoothness"`, \eqn{\Delta^{SD}(M)}: the slope of \eqn{\delta} changes by
#'   at most \eqn{M} between consecutive periods (\eqn{M = 0}: linear trends).
#'   Confidence sets are the optimal fixed-length confidence intervals
#'   (`method = "FLCI"`).
#'
#' @section Computation:
#' The algorithms follow the HonestDiD R package step by step, and its
#' published Medicaid example is reproduced (see the tests). Two parts are
#' computed differently, with the same results:
#' * Each ARP test solves the linear programme
#'   \eqn{\min \eta} s.t. \eqn{y - X\delta \le \eta\,\sigma}. Its dual feasible
#'   set does not depend on \eqn{y}, so its vertices are enumerated once per
#'   restriction (in C++) and each of the thousands of LPs of a confidence set
#'   (one per grid value and one per least-favourable draw) becomes a maximum
#'   over the vertices; the conditioning interval of the test is then closed
#'   form. This is exact, and what makes a whole sensitivity table take a
#'   fraction of a second instead of minutes. Vertex enumeration grows with
#'   `choose(2 * post periods, post periods)`, so at most 10 post-periods are
#'   allowed.
#' * The FLCI's inner problem (least worst-case bias given a standard
#'   deviation, a second-order cone programme in HonestDiD) is replaced by the
#'   equivalent quadratic programme "least variance given a bias budget",
#'   solved exactly by \pkg{quadprog}; the one-dimensional search over the
#'   budget uses [stats::optimize()]. The critical value is HonestDiD's
#'   folded-normal quantile from \eqn{10^6} draws with seed 0
#'   (`flci_cv = "simulated"`), or the exact quantile (`"exact"`). Because
#'   this optimum is exact, the FLCI at \eqn{M = 0} can differ from
#'   HonestDiD's in the fifth decimal: there HonestDiD takes the standard
#'   deviation from its conic solver, which stops slightly above the minimum,
#'   and spends the slack on a lower bias, which moves the centre (on its
#'   Medicaid example, lower bound 0.025951 here, 0.025941 in HonestDiD,
#'   printed 0.0259; the tests reproduce HonestDiD's number from its solver's
#'   stopping point).
#' The least-favourable critical values use HonestDiD's 1000 draws with seed 0;
#' the random-number stream of the session is left untouched.
#'
#' @param x An event-study result with pre-periods: [event_study()],
#'   `aggregate(att_gt(..., base_period = "universal"), type = "dynamic")`,
#'   [sun_abraham()], `did_imputation(horizon = TRUE, pretrends = )` (its
#'   joint covariance, see [did_imputation()]), or `NULL` when
#'   `betahat` and `sigma` are given.
#' @param type One or both of `"relative_magnitude"` and `"smoothness"`.
#' @param Mbar Grid of \eqn{\bar M \ge 0} for relative magnitudes; by default
#'   `seq(0, 2, length.out = 10)`.
#' @param M Grid of \eqn{M \ge 0} for smoothness; by default ten values from 0
#'   to HonestDiD's upper bound implied by the pre-periods.
#' @param l_vec Weights of the post-period effects in \eqn{\theta}; by default
#'   the first post-period (`c(1, 0, ...)`). `rep(1 / n, n)` is the average.
#' @param alpha Level of the tests, the sets have coverage `1 - alpha`.
#' @param method A named character vector or list, e.g.
#'   `c(relative_magnitude = "Conditional")`; by default `"C-LF"` and `"FLCI"`.
#' @param betahat,sigma,numPrePeriods,numPostPeriods Plain inputs, as in
#'   HonestDiD: coefficients ordered from the earliest pre-period to the last
#'   post-period without the reference period (the period just before
#'   treatment), their covariance, and the number of pre- and post-periods.
#' @param grid_points Number of grid values of \eqn{\theta} for relative
#'   magnitudes (HonestDiD's `gridPoints`).
#' @param flci_cv `"simulated"` (HonestDiD's critical value) or `"exact"`.
#' @param breakdown If `TRUE` (default), locate the breakdown value by
#'   bisection between the grid values where significance is lost.
#' @param window With a result `x`, the relative periods used,
#'   `c(first, last)` (e.g. `c(-5, 5)` for an estimator that reports every
#'   event time); by default all. The coefficients outside are dropped with
#'   their rows and columns of the covariance.
#'
#' @return An object of class `pilotdid_honest_did`, a list with
#'   * `results`: a data frame with `type`, `method`, `M` (\eqn{\bar M} or
#'     \eqn{M}), `lb`, `ub`, one row per grid value;
#'   * `original`: the original confidence interval (`lb`, `ub`);
#'   * `breakdown`: a data frame with `type`, `M` (the largest value at which
#'     the set excludes 0; `NA` when none does) and `censored` (`TRUE` when
#'     the set excludes 0 on the whole grid, so the breakdown value is larger);
#'   * `estimate` (\eqn{l'\hat\beta_{post}}), `l_vec`, `alpha`, `betahat`,
#'     `sigma`, `rel_time` (relative periods of `betahat`), `numPrePeriods`,
#'     `numPostPeriods`, `grid_points`, `nobs` (observations of the event
#'     study `x`; `NA` with plain `betahat` and `sigma`, which carry no sample
#'     size), `call`.
#' @references Rambachan, A. and Roth, J. (2023). A More Credible Approach to
#'   Parallel Trends. *Review of Economic Studies* 90(5), 2555-2591.
#' @family event studies
#' @seealso [honest_did_plot_data()], [autoplot.pilotdid_honest_did()],
#'   [pretrend_power()].
#' @export
#' @examples
#' d <- simulate_panel(n_id = 60, n_t = 12, cohorts = c(2013, 2015, 2017), seed = 1)
#' es <- event_study(y ~ x1 + x2 | id + year, data = d, cohort = "cohort", window = c(-4, 3))
#' hd <- honest_did(es, Mbar = c(0, 0.5, 1), M = c(0, 0.05, 0.1))
#' hd
#' tidy(hd)
honest_did <- function(x = NULL, type = c("relative_magnitude", "smoothness"), Mbar = NULL, M = NULL,
                       l_vec = NULL, alpha = 0.05, method = NULL, betahat = NULL, sigma = NULL,
                       numPrePeriods = NULL, numPostPeriods = NULL, grid_points = 1000L,
                       flci_cv = c("simulated", "exact"), breakdown = TRUE, window = NULL) {
  call <- match.call()
  inp <- honest_inputs(x, betahat, sigma, numPrePeriods, numPostPeriods, window)
  type <- check_honest_type(type)
  check_alpha(alpha)
  check_flag(breakdown, "breakdown")
  grid_points <- check_count(grid_points, "grid_points", min = 10)
  flci_cv <- check_choice(flci_cv[1L], c("simulated", "exact"), "flci_cv")
  l_vec <- check_l_vec(l_vec, inp$n_post)
  if ("relative_magnitude" %in% type && inp$n_post > 10L) {
    abort_input(c("Relative magnitudes support at most 10 post-periods; {.arg x} has {inp$n_post}.",
                  "i" = "Keep fewer periods with {.arg window}, e.g. {.code window = c(-5, 5)}."))
  }
  method <- check_honest_method(method)
  post <- inp$n_pre + seq_len(inp$n_post)
  est <- sum(l_vec * inp$betahat[post])
  se <- sqrt(drop(t(l_vec) %*% inp$sigma[post, post] %*% l_vec))
  z <- stats::qnorm(1 - alpha / 2)
  ctx <- list(inp = inp, l_vec = l_vec, alpha = alpha, method = method, grid_points = grid_points,
              flci_cv = flci_cv, sd_theta = se)
  res <- list()
  bd <- list()
  if ("relative_magnitude" %in% type) {
    Mbar <- check_m_grid(Mbar %||% seq(0, 2, length.out = 10), "Mbar")
    ctx$Z <- lf_normal_draws(2L * inp$n_post)
    res$rm <- honest_rows(ctx, "relative_magnitude", Mbar)
    if (breakdown) bd$rm <- honest_breakdown(ctx, "relative_magnitude", res$rm)
  }
  if ("smoothness" %in% type) {
    M <- check_m_grid(M %||% default_m_grid(inp, alpha), "M")
    ctx$fs <- flci_setup(inp$sigma, inp$n_pre, inp$n_post, l_vec)
    res$sd <- honest_rows(ctx, "smoothness", M)
    if (breakdown) bd$sd <- honest_breakdown(ctx, "smoothness", res$sd)
  }
  out <- list(results = do.call(rbind, unname(res)),
              original = data.frame(method = "Original", lb = est - z * se, ub = est + z * se),
              breakdown = if (length(bd)) do.call(rbind, unname(bd)) else NULL,
              estimate = est, std.error = se, l_vec = l_vec, alpha = alpha, betahat = inp$betahat,
              sigma = inp$sigma, rel_time = inp$rel_time, numPrePeriods = inp$n_pre,
              numPostPeriods = inp$n_post, grid_points = grid_points, nobs = result_nobs(x), call = call)
  rownames(out$results) <- NULL
  structure(out, class = "pilotdid_honest_did")
}

# One confidence set per grid value.
honest_rows <- function(ctx, type, grid) {
  ci <- vapply(grid, function(m) honest_set(ctx, type, m), numeric(2))
  data.frame(type = type, method = ctx$method[[type]], M = grid, lb = ci[1L, ], ub = ci[2L, ],
             stringsAsFactors = FALSE)
}

honest_set <- function(ctx, type, m) {
  inp <- ctx$inp
  if (type == "smoothness") {
    return(flci_interval(ctx$fs, inp$betahat, m, ctx$alpha, ctx$flci_cv))
  }
  grid <- rm_grid(ctx)
  hybrid <- if (ctx$method[[type]] == "C-LF") "LF" else "ARP"
  rm_confidence_set(inp$betahat, inp$sigma, inp$n_pre, inp$n_post, ctx$l_vec, m, ctx$alpha,
                    hybrid, grid, ctx$Z)
}

honest_excludes_zero <- function(ctx, type, m) {
  if (type == "smoothness") {
    ci <- honest_set(ctx, type, m)
    return(ci[1L] > 0 || ci[2L] < 0)
  }
  inp <- ctx$inp
  hybrid <- if (ctx$method[[type]] == "C-LF") "LF" else "ARP"
  rm_excludes_zero(inp$betahat, inp$sigma, inp$n_pre, inp$n_post, ctx$l_vec, m, ctx$alpha,
                   hybrid, rm_grid(ctx), ctx$Z)
}

rm_grid <- function(ctx) seq(-20 * ctx$sd_theta, 20 * ctx$sd_theta, length.out = ctx$grid_points)

# Largest M at which the set excludes 0: the last such grid value, refined by
# bisection up to the next grid value (sets widen with M).
honest_breakdown <- function(ctx, type, rows, tol = 1e-3) {
  excl <- !is.na(rows$lb) & (rows$lb > 0 | rows$ub < 0)
  out <- data.frame(type = type, M = NA_real_, censored = FALSE, stringsAsFactors = FALSE)
  if (!excl[1L]) return(out)
  last <- which(!excl)[1L] - 1L
  if (is.na(last)) {
    out$M <- max(rows$M)
    out$censored <- TRUE
    return(out)
  }
  lo <- rows$M[last]
  hi <- rows$M[last + 1L]
  width <- hi - lo
  while (hi - lo > tol * width) {
    mid <- (lo + hi) / 2
    if (honest_excludes_zero(ctx, type, mid)) lo <- mid else hi <- mid
  }
  out$M <- lo
  out
}

# HonestDiD's default M grid: 0 to the largest upper one-sided (1 - alpha)
# bound of the pre-period second differences (DeltaSD_upperBound_Mpre()).
default_m_grid <- function(inp, alpha) {
  n <- inp$n_pre
  if (n == 1L) return(seq(0, sqrt(inp$sigma[1L, 1L]), length.out = 10))
  b <- c(inp$betahat[seq_len(n)], 0)
  S <- matrix(0, n + 1L, n + 1L)
  S[seq_len(n), seq_len(n)] <- inp$sigma[seq_len(n), seq_len(n)]
  A <- matrix(0, n - 1L, n + 1L)
  for (r in seq_len(n - 1L)) A[r, r:(r + 2L)] <- c(1, -2, 1)
  ub <- drop(A %*% b) + stats::qnorm(1 - alpha) * sqrt(diag(A %*% S %*% t(A)))
  seq(0, max(ub), length.out = 10)
}

# ---- inputs ---------------------------------------------------------------------

# betahat (pre then post, reference period excluded), sigma, and the numbers
# of pre- and post-periods, from a result or the plain arguments.
honest_inputs <- function(x, betahat, sigma, n_pre, n_post, window = NULL, call = rlang::caller_env()) {
  if (is.null(x)) {
    if (is.null(betahat) || is.null(sigma)) {
      abort_input("Give an event-study result {.arg x}, or {.arg betahat} and {.arg sigma}.", call = call)
    }
    return(check_plain_event(betahat, sigma, n_pre, n_post, call))
  }
  ev <- event_window(event_coefs(x, call), window, call)
  pre <- ev$rel_time < 0
  if (!any(pre)) {
    abort_input(c("{.arg x} has no pre-period coefficient, so the pre-trends cannot bound the violation.",
                  "i" = "Estimate leads, e.g. {.code event_study(..., window = c(-4, 3))}."), call = call)
  }
  if (!any(!pre)) abort_input("{.arg x} has no post-period coefficient.", call = call)
  need <- c(seq(min(ev$rel_time), -2), seq(0, max(ev$rel_time)))
  if (!identical(ev$ref, -1) || !identical(as.numeric(ev$rel_time), as.numeric(need))) {
    abort_input(c("{.arg x} must have consecutive relative periods with the single reference period -1.",
                  "x" = "Reference period{?s}: {ev$ref}; estimated periods: {ev$rel_time}."), call = call)
  }
  list(betahat = ev$estimate, sigma = ev$vcov, n_pre = sum(pre), n_post = sum(!pre),
       rel_time = ev$rel_time)
}

check_plain_event <- function(betahat, sigma, n_pre, n_post, call) {
  if (!is.numeric(betahat) || anyNA(betahat) || !all(is.finite(betahat))) {
    abort_input("{.arg betahat} must be a numeric vector without missing values.", call = call)
  }
  k <- length(betahat)
  if (!is.matrix(sigma) || !is.numeric(sigma) || !all(dim(sigma) == k) || anyNA(sigma)) {
    abort_input(c("{.arg sigma} must be a {k} x {k} numeric matrix, the covariance of {.arg betahat}.",
                  "x" = "It is {.cls {class(sigma)[1]}} of dimension {paste(dim(sigma) %||% length(sigma), collapse = ' x ')}."),
                call = call)
  }
  if (max(abs(sigma - t(sigma))) > 1e-8 * max(abs(sigma))) abort_input("{.arg sigma} must be symmetric.", call = call)
  if (is.null(n_pre) || is.null(n_post)) {
    abort_input("Give {.arg numPrePeriods} and {.arg numPostPeriods} with {.arg betahat}.", call = call)
  }
  n_pre <- check_count(n_pre, "numPrePeriods", min = 0)
  n_post <- check_count(n_post, "numPostPeriods", min = 1)
  if (n_pre < 1L) {
    abort_input("{.arg numPrePeriods} must be at least 1: the pre-trends bound the violation.", call = call)
  }
  if (n_pre + n_post != k) {
    abort_input("{.arg numPrePeriods} + {.arg numPostPeriods} must equal the length of {.arg betahat} ({k}).",
                call = call)
  }
  list(betahat = unname(as.numeric(betahat)), sigma = unname(sigma + t(sigma)) / 2, n_pre = n_pre,
       n_post = n_post, rel_time = c(seq(-n_pre - 1, -2), seq(0, n_post - 1)))
}

# Observations of the event study a sensitivity result is built on (NA when
# there is none: plain betahat and sigma).
result_nobs <- function(x) {
  if (is.null(x)) return(NA_real_)
  n <- tryCatch(as.numeric(stats::nobs(x)), error = function(e) NA_real_)
  if (length(n) == 1L) n else NA_real_
}

# Keep the coefficients with relative period in `window`.
event_window <- function(ev, window, call) {
  if (is.null(window)) return(ev)
  if (!is.numeric(window) || length(window) != 2L || anyNA(window) || window[1L] > window[2L]) {
    abort_input("{.arg window} must be two relative periods {.code c(first, last)} with {.code first <= last}.",
                call = call)
  }
  keep <- ev$rel_time >= window[1L] & ev$rel_time <= window[2L]
  list(estimate = ev$estimate[keep], vcov = ev$vcov[keep, keep, drop = FALSE], rel_time = ev$rel_time[keep],
       ref = ev$ref, terms = ev$terms[keep])
}

# Event-time coefficients (reference period excluded) with their joint
# covariance and the reference period(s), for every event-study result.
event_coefs <- function(x, call = rlang::caller_env()) UseMethod("event_coefs")

#' @export
event_coefs.default <- function(x, call = rlang::caller_env()) {
  abort_input(c("{.arg x} must be an event-study result: {.fn event_study} or {.fn sun_abraham}.",
                "x" = "It is {.cls {class(x)[1]}}."), call = call)
}

#' @export
event_coefs.pilotdid_event_study <- function(x, call = rlang::caller_env()) {
  tab <- x$table[!x$table$ref, , drop = FALSE]
  list(estimate = tab$estimate, vcov = unname(stats::vcov(x)), rel_time = tab$rel_time,
       ref = as.numeric(x$table$rel_time[x$table$ref]), terms = tab$label)
}

#' @export
event_coefs.pilotdid_sun_abraham <- function(x, call = rlang::caller_env()) {
  tab <- x$estimates[!x$estimates$ref, , drop = FALSE]
  list(estimate = tab$estimate, vcov = unname(stats::vcov(x)), rel_time = tab$rel_time,
       ref = as.numeric(x$estimates$rel_time[x$estimates$ref]), terms = tab$term)
}

# ---- checks ---------------------------------------------------------------------

check_honest_type <- function(type, call = rlang::caller_env()) {
  ok <- c("relative_magnitude", "smoothness")
  if (!is.character(type) || !length(type) || !all(type %in% ok)) {
    abort_input(c("{.arg type} must be one or both of {.val {ok}}.", "x" = "Got {.val {type}}."), call = call)
  }
  unique(type)
}

check_alpha <- function(alpha, call = rlang::caller_env()) {
  if (!is.numeric(alpha) || length(alpha) != 1L || is.na(alpha) || alpha <= 0 || alpha >= 0.5) {
    abort_input("{.arg alpha} must be a number in (0, 0.5), e.g. {.code 0.05}.", call = call)
  }
}

check_l_vec <- function(l_vec, n_post, call = rlang::caller_env()) {
  if (is.null(l_vec)) return(c(1, numeric(n_post - 1L)))
  if (!is.numeric(l_vec) || anyNA(l_vec) || length(l_vec) != n_post || all(l_vec == 0)) {
    abort_input(c("{.arg l_vec} must be {n_post} weight{?s}, one per post-period, not all zero.",
                  "x" = "Got {length(l_vec)} value{?s}."), call = call)
  }
  as.numeric(l_vec)
}

check_m_grid <- function(m, arg, call = rlang::caller_env()) {
  if (!is.numeric(m) || !length(m) || anyNA(m) || any(!is.finite(m)) || any(m < 0)) {
    abort_input(c("{.arg {arg}} must be a grid of non-negative numbers.",
                  "x" = "Got {.code {deparse1(m)}}."), call = call)
  }
  sort(unique(as.numeric(m)))
}

check_honest_method <- function(method, call = rlang::caller_env()) {
  out <- list(relative_magnitude = "C-LF", smoothness = "FLCI")
  if (is.null(method)) return(out)
  method <- as.list(method)
  nm <- names(method)
  if (is.null(nm) || any(!nm %in% names(out))) {
    abort_input("{.arg method} must be named by type, e.g. {.code c(relative_magnitude = \"Conditional\")}.",
                call = call)
  }
  if (!is.null(method$relative_magnitude) && !method$relative_magnitude %in% c("C-LF", "Conditional")) {
    abort_input("{.arg method} for relative magnitudes must be {.val C-LF} or {.val Conditional}.", call = call)
  }
  if (!is.null(method$smoothness) && !identical(method$smoothness, "FLCI")) {
    abort_input("{.arg method} for smoothness must be {.val FLCI}.", call = call)
  }
  utils::modifyList(out, method)
}

# att_gt() + aggregate(type = "dynamic") with base_period = "universal": the
# period before adoption is the reference (estimate 0, no variance).
#' @export
event_coefs.pilotdid_aggregate <- function(x, call = rlang::caller_env()) {
  if (!identical(x$type, "dynamic")) {
    abort_input("{.arg x} must be an event study: {.code aggregate(att_gt(...), type = \"dynamic\")}, not {.val {x$type}}.",
                call = call)
  }
  e <- x$estimates
  ref <- !is.na(e$estimate) & e$estimate == 0 & is.na(e$std.error)
  if (!any(ref)) {
    abort_input(c("{.arg x} has no reference period: every event time is estimated.",
                  "i" = "Use {.code att_gt(..., base_period = \"universal\")}, which normalises the period before adoption to 0."),
                call = call)
  }
  keep <- !ref & !is.na(e$estimate)
  V <- stats::vcov(x)[e$term[keep], e$term[keep], drop = FALSE]
  list(estimate = e$estimate[keep], vcov = unname(V), rel_time = e$rel_time[keep],
       ref = as.numeric(e$rel_time[ref]), terms = e$term[keep])
}
