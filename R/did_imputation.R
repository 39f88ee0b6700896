#' Imputation estimator of staggered DID (Borusyak, Jaravel and Spiess)
#'
#' Estimates unit and time fixed effects (and the coefficients of any
#' controls) on the untreated observations only, imputes each treated
#' observation's untreated outcome \eqn{\hat Y_{it}(0)}, and averages the
#' imputed effects \eqn{\hat\tau_{it} = Y_{it} - \hat Y_{it}(0)}: over all
#' treated observations (the overall ATT) or, with `horizon`, by periods since
#' adoption (an event study).
#'
#' @section Computation:
#' The first stage is the within estimator of [twfe()] on the untreated rows
#' (C++). Each estimate is a weighted sum \eqn{\sum_{it} v_{it} Y_{it}}, where
#' treated rows carry the averaging weights \eqn{w_{it}} and untreated rows
#' \eqn{v_{0} = -Z_0 (Z_0'Z_0)^{-} Z_1' w_1}, \eqn{Z} being the first-stage
#' design (fixed effects and controls); \eqn{v_0} is computed by the same C++
#' solver of the fixed-effect normal equations, one right-hand side per
#' estimate. Treated observations whose unit or period has no untreated
#' observation (units treated from the first period, periods in which every
#' unit is treated) cannot be imputed and are dropped with a note.
#'
#' @section Standard errors:
#' The conservative variance of Borusyak, Jaravel and Spiess (2024, Theorem 3)
#' as computed by `didimputation::did_imputation()`: clustered sums
#' \eqn{\sum_c (\sum_{it \in c} v_{it} \tilde\varepsilon_{it})^2}, with
#' \eqn{\tilde\varepsilon_{it}} the first-stage residuals on untreated rows and
#' \eqn{\hat\tau_{it} - \bar\tau_{g,e}} on treated rows, \eqn{\bar\tau_{g,e}}
#' the \eqn{v^2}-weighted mean of the imputed effects of cohort \eqn{g} at
#' \eqn{e} periods since adoption. Confidence intervals are normal.
#'
#' @section Sampling weights:
#' With `weights` \eqn{\omega_{it}}, the first stage is weighted least squares
#' on the untreated rows and the averaging weights of the treated rows are
#' proportional to \eqn{\omega_{it}}, as in
#' `didimputation::did_imputation(wname = )` (the estimates agree). The
#' standard errors use the exact weights of the untreated outcomes in that
#' weighted estimate,
#' \eqn{v_0 = -\Omega_0 Z_0 (Z_0'\Omega_0 Z_0)^{-} Z_1' w_1}
#' (\eqn{\Omega} the diagonal of the sampling weights, \eqn{w_1} the
#' averaging weights, which carry them). didimputation 0.5.1 computes
#' \eqn{-\Omega_0 Z_0 (Z_0'\Omega_0^2 Z_0)^{-} Z_1'\Omega_1 w_1} instead,
#' which is not the derivative of its own estimate with respect to the
#' untreated outcomes unless the weights are constant: its standard errors
#' then differ from pilotdid's (they agree for constant weights). Rows with
#' weight 0 are dropped with a note. Pre-trend coefficients come from the
#' weighted [twfe()] fit.
#'
#' @section Joint covariance:
#' `vcov()` returns the covariance of all estimates (pre-trend coefficients
#' first, then the horizons), for [lincom()], [honest_did()] and
#' [pretrend_power()]: the cluster-robust sandwich of the stacked estimator.
#' Every estimate is linear in the outcomes, and each has its own cluster
#' sums of scores: \eqn{s_{c,h} = \sum_{it \in c} v_{it,h}
#' \tilde\varepsilon_{it}} for a horizon (or the ATT), as in its conservative
#' variance above, and \eqn{u_{c,k} = \sqrt{q}\, [(\tilde X'\tilde X)^{-1}
#' \sum_{it \in c} \tilde x_{it} e_{it}]_k} for a pre-trend coefficient, with
#' \eqn{\tilde x} the regressors of its [twfe()] fit on the untreated rows
#' after partialling out the fixed effects, \eqn{e} that fit's residuals and
#' \eqn{q} its small-sample factor (fixest's, as for its standard errors).
#' The covariance is \eqn{\sum_c a_c a_c'} with \eqn{a_c = (u_c, s_c)}: its
#' diagonal blocks are the two variances reported (the squared standard
#' errors), and its off-diagonal block \eqn{\sum_c u_c s_c'} is the covariance
#' between pre-trend coefficients and horizons, which comes from errors
#' correlated within a cluster (a unit's untreated outcomes enter both the
#' pre-trend fit and the imputation). A cluster without untreated rows has
#' \eqn{u_c = 0}. The matrix is positive semi-definite by construction; should
#' rounding make it indefinite it is repaired as [twfe()] repairs a variance
#' (eigenvalues below 1e-16 set to 1e-16, with a note).
#' `didimputation::did_imputation()` reports the two sets of standard errors
#' but no covariance between them (didimputation issue #20). The reference
#' period of the event study is then `-1` when `pretrends` leaves it out
#' (e.g. `pretrends = -5:-2`), strictly the untreated observations not in
#' `pretrends`.
#'
#' @param formula `y ~ 1 | unit + time`, or `y ~ x1 + x2 | unit + time` with
#'   controls in the first stage. Unit and time are column names; time is
#'   numeric.
#' @param cohort The column of first treated periods, on the scale of the time
#'   column: a name (`"first_year"`) or one-sided formula (`~first_year`).
#'   `NA`, `0` and `Inf` mean never treated. Constant within units.
#' @param horizon `NULL` (default) for the overall ATT; `TRUE` for every
#'   period since adoption \eqn{e \ge 0} in the data; or whole numbers
#'   \eqn{\ge 0} for those horizons only.
#' @param pretrends `NULL`, or negative whole numbers: periods before adoption
#'   to test for pre-trends as Borusyak, Jaravel and Spiess (2024) suggest,
#'   with the coefficients of dummies for these periods in a [twfe()] fit on
#'   the untreated observations (unit and time fixed effects, the controls,
#'   standard errors clustered as the estimates, fixest's small-sample
#'   factors). They are reported before the horizons, as
#'   `didimputation::did_imputation(pretrends = )` does. Their covariance
#'   with the horizons is estimated: see "Joint covariance".
#' @param cluster Column defining the clusters of the standard errors (a name
#'   or one-sided formula); the unit by default.
#' @param weights Optional sampling weights: a column name (`"pop"`), a
#'   one-sided formula (`~pop`) or a numeric vector with one value per row of
#'   `data` (see Sampling weights). Missing, negative or infinite weights on
#'   rows used are an error; rows that leave the sample may have any weight.
#' @param level Confidence level of the intervals.
#' @inheritParams twfe
#' @return An object of class `pilotdid_did_imputation`: `estimates` (a data frame:
#'   `term` ("ATT", or "current", "post_1", ... by horizon, after "pre_3",
#'   "pre_2", ... for the pre-trend coefficients), `rel_time` (`NA` for the
#'   ATT), `estimate`, `std.error`, `conf.low`, `conf.high`, `n_obs`,
#'   the treated observations averaged), `n_treated_obs`, `n_untreated_obs`,
#'   `n_units`, `dropped_treated` (treated observations that could not be
#'   imputed), `vcov` (joint covariance of the estimates, see "Joint
#'   covariance"), `first_stage` (coefficients
#'   of the controls), `level`,
#'   `formula`, `cohort`, `cluster`, `call`.
#' @references Borusyak, K., Jaravel, X. and Spiess, J. (2024). Revisiting
#'   event-study designs: robust and efficient estimation. *Review of Economic
#'   Studies* 91(6), 3253-3285.
#' @family robust estimators
#' @export
#' @examples
#' d <- simulate_panel(n_id = 80, n_t = 10, seed = 1)
#' did_imputation(y ~ 1 | id + year, data = d, cohort = "cohort")
#' imp <- did_imputation(y ~ x1 + x2 | id + year, data = d, cohort = ~cohort, horizon = TRUE,
#'                       pretrends = -3:-1)
#' tidy(imp)
did_imputation <- function(formula, data, cohort, horizon = NULL, pretrends = NULL, cluster = NULL,
                           weights = NULL, subset = NULL, level = 0.95,
                           threads = getOption("pilotdid.threads", 1L)) {
  call <- match.call()
  spec <- parse_did_formula(formula)
  gcol <- cohort_column(if (missing(cohort)) NULL else cohort)
  clcol <- if (is.null(cluster)) NULL else formula_columns(cluster, "cluster")
  if (length(clcol) > 1L) abort_input("{.arg cluster} takes one variable, not {length(clcol)}.")
  check_level(level)
  if (!is.null(pretrends) && (!is.numeric(pretrends) || !length(pretrends) || anyNA(pretrends) ||
                              any(pretrends >= 0) || any(pretrends != round(pretrends)))) {
    abort_input("{.arg pretrends} must be negative whole numbers (periods before adoption), e.g. {.code -3:-1}.")
  }
  threads <- resolve_threads(threads)
  cols <- did_extra_columns(data, cohort = gcol, cluster = clcol, weights = weights)
  rows <- if (is.data.frame(data)) eval_subset(substitute(subset), data, parent.frame())
  pn <- did_panel(spec, data, extra = cols$extra, rows = rows)
  pn$w <- did_weights(cols$weights, pn)
  if (!is.null(pn$w) && any(pn$w == 0)) {
    note("Dropped {sum(pn$w == 0)} row{?s} with zero weight.")
    pn <- panel_rows(pn, pn$w != 0)
  }
  g <- read_cohort(pn$unit_id, pn$time, pn$d[[gcol]], names = list(cohort = gcol, unit = spec$unit))
  smp <- impute_sample(pn, g)
  W1 <- impute_weights(smp, horizon)
  fs <- impute_first_stage(smp, W1$W, threads)
  cl <- impute_clusters(pn, smp, clcol)
  scores <- impute_scores(smp, fs, W1$W, cl)
  se <- sqrt(colSums(scores^2))
  V <- crossprod(scores)
  z <- stats::qnorm((1 + level) / 2)
  est <- data.frame(term = W1$term, rel_time = W1$rel_time, estimate = fs$estimate, std.error = se,
                    conf.low = fs$estimate - z * se, conf.high = fs$estimate + z * se,
                    n_obs = colSums(W1$W > 0))
  if (!is.null(pretrends)) {
    pre <- impute_pretrends(pn, smp, pretrends, cl, z, threads)
    V <- impute_joint_vcov(attr(pre, "scores"), scores)
    attr(pre, "scores") <- NULL
    est <- rbind(pre, est)
  }
  dimnames(V) <- list(est$term, est$term)
  structure(list(estimates = est, vcov = V,
                 n_treated_obs = length(smp$i1), n_untreated_obs = length(smp$i0),
                 n_units = pn$n_units, dropped_treated = smp$dropped, first_stage = fs$beta,
                 level = level, formula = formula, cohort = gcol, cluster = clcol %||% spec$unit,
                 call = call),
            class = "pilotdid_did_imputation")
}

# Cluster codes of the rows used: the units, or the `cluster` column (no
# missing values, at least two clusters).
impute_clusters <- function(pn, smp, clcol, call = caller_env()) {
  if (is.null(clcol)) {
    cl <- smp$unit_all
  } else {
    v <- pn$d[[clcol]][smp$rows]
    if (anyNA(v)) {
      abort_input("The cluster column {.field {clcol}} has {sum(is.na(v))} missing value{?s} on rows used; drop those rows or fill them first.",
                  call = call)
    }
    cl <- group_codes(list(v))
  }
  if (max(cl) == 0L) {
    abort_input("The standard errors are clustered on a single cluster ({.field {clcol %||% \"the units\"}}): they are not defined.",
                call = call)
  }
  cl
}

# Untreated (0) and treated (1) rows, with treated rows coded on the levels of
# the untreated sample; treated rows whose unit or period has no untreated row
# are dropped with a note.
impute_sample <- function(pn, g, call = caller_env()) {
  treated <- pn$time >= g
  if (!any(treated)) abort_input("No observation is treated: nothing to impute.", call = call)
  if (all(treated)) abort_input("Every observation is treated: there is no untreated observation to fit the fixed effects on.", call = call)
  i0 <- which(!treated)
  u0 <- sort(unique(pn$unit[i0]))
  p0 <- sort(unique(pn$period[i0]))
  i1 <- which(treated)
  ok <- pn$unit[i1] %in% u0 & pn$period[i1] %in% p0
  dropped <- sum(!ok)
  if (dropped > 0L) {
    note("Dropped {dropped} treated observation{?s} whose unit or period has no untreated observation: their untreated outcome cannot be imputed.")
    i1 <- i1[ok]
  }
  if (!length(i1)) abort_input("No treated observation can be imputed.", call = call)
  rows <- c(i0, i1)
  list(i0 = i0, i1 = i1, rows = rows, dropped = dropped, w = pn$w %||% rep(1, length(pn$y)),
       codes0 = list(match(pn$unit[i0], u0) - 1L, match(pn$period[i0], p0) - 1L),
       codes1 = list(match(pn$unit[i1], u0) - 1L, match(pn$period[i1], p0) - 1L),
       G = c(length(u0), length(p0)), y = pn$y, X = pn$X, g = g, e = pn$time - g,
       unit_all = pn$unit[rows])
}

# BJS's pre-trend test: on the untreated rows, the coefficients of dummies for
# the periods `pretrends` before adoption in a twfe() fit with the unit and
# time fixed effects and the controls, clustered as the estimates.
impute_pretrends <- function(pn, smp, pretrends, cl, z, threads, call = caller_env()) {
  i0 <- smp$i0
  e0 <- smp$e[i0]
  leads <- sort(unique(pretrends))
  miss <- setdiff(leads, e0)
  if (length(miss)) note("No untreated observation {abs(miss)} period{?s} before adoption: dropped from {.arg pretrends}.")
  leads <- setdiff(leads, miss)
  if (!length(leads)) abort_input("No untreated observation at any period of {.arg pretrends}.", call = call)
  d <- list(y = smp$y[i0], unit = pn$unit[i0], time = pn$time[i0], cl = cl[seq_along(i0)])
  xs <- if (ncol(pn$X)) paste0("pd_x", seq_len(ncol(pn$X))) else character()
  for (j in seq_along(xs)) d[[xs[j]]] <- pn$X[i0, j]
  ld <- paste0("pd_lead", abs(leads))
  for (j in seq_along(leads)) d[[ld[j]]] <- as.numeric(e0 == leads[j])
  d <- structure(d, class = "data.frame", row.names = c(NA_integer_, -length(i0)))
  f <- stats::as.formula(paste("y ~", paste(c(ld, xs), collapse = " + "), "| unit + time"))
  old <- options(pilotdid.quiet = TRUE)
  on.exit(options(old))
  fit <- twfe(f, data = d, cluster = ~cl, weights = smp$w[i0], threads = threads)
  keep <- ld %in% names(fit$coefficients)
  b <- fit$coefficients[ld[keep]]
  se <- sqrt(diag(fit$vcov))[ld[keep]]
  out <- data.frame(term = rel_time_label(leads[keep]), rel_time = as.numeric(leads[keep]), estimate = unname(b),
                    std.error = unname(se), conf.low = unname(b - z * se), conf.high = unname(b + z * se),
                    n_obs = vapply(leads[keep], function(k) sum(e0 == k), 0))
  attr(out, "scores") <- pretrend_scores(fit, d$cl, ld[keep])
  out
}

# Cluster sums of the scores of the lead coefficients of the pre-trend fit,
# B x'e summed by cluster (rows named by the codes of `cl`), times the square
# root of the fit's small-sample factor: their cross-products are its
# clustered covariance (one cluster variable, so one factor).
pretrend_scores <- function(fit, cl, leads) {
  s <- fit$sample
  n <- length(fit$residuals)
  G <- fit$n_clusters[[1L]]
  fac <- (if (fit$ssc$K.adj) (n - 1) / (n - fit$K) else 1) * (if (fit$ssc$G.adj) G / (G - 1) else 1)
  U <- rowsum(s$X * fit$residuals, cl[fit$obs], reorder = FALSE) %*% s$bread[, leads, drop = FALSE]
  U * sqrt(fac)
}

# Joint covariance of pre-trend coefficients and horizons: the cluster
# sandwich of the stacked estimator, sum over clusters of u_c u_c' with u_c
# the cluster sums of the pre-trend scores (pretrend_scores()) stacked on
# those of the horizons (impute_scores(); rows named by the same codes). A
# cluster without untreated rows has zero pre-trend scores.
impute_joint_vcov <- function(Upre, Upost) {
  U <- matrix(0, nrow(Upost), ncol(Upre))
  U[match(rownames(Upre), rownames(Upost)), ] <- Upre
  V <- crossprod(cbind(U, Upost))
  R <- psd_repair(V)
  if (R$repaired) {
    note("The joint covariance of pre-trend coefficients and horizons was not positive semi-definite: its eigenvalues below 1e-16 were set to 1e-16, as fixest does.")
  }
  R$V
}

# Averaging weights of the treated rows (proportional to the sampling
# weights): one column per estimate.
impute_weights <- function(smp, horizon, call = caller_env()) {
  e1 <- smp$e[smp$i1]
  w1 <- smp$w[smp$i1]
  if (is.null(horizon) || isFALSE(horizon)) {
    W <- matrix(w1 / sum(w1), length(e1), 1L)
    return(list(W = W, term = "ATT", rel_time = NA_real_))
  }
  if (isTRUE(horizon)) {
    h <- sort(unique(e1))
  } else {
    if (!is.numeric(horizon) || anyNA(horizon) || any(horizon < 0) || any(horizon != round(horizon))) {
      abort_input("{.arg horizon} must be {.code NULL}, {.code TRUE} or whole numbers >= 0.", call = call)
    }
    h <- sort(unique(horizon))
    miss <- setdiff(h, e1)
    if (length(miss)) note("No treated observation at horizon{?s} {miss}: dropped.")
    h <- setdiff(h, miss)
    if (!length(h)) abort_input("No treated observation at any horizon in {.arg horizon}.", call = call)
  }
  W <- vapply(h, function(k) w1 * (e1 == k) / sum(w1[e1 == k]), numeric(length(e1)))
  W <- matrix(W, nrow = length(e1))
  list(W = W, term = rel_time_label(h), rel_time = as.numeric(h))
}

# First stage on the untreated rows (weighted least squares), imputation on
# the treated ones, and the weights v_0 of the untreated outcomes in the
# standard errors.
impute_first_stage <- function(smp, W1, threads) {
  y0 <- smp$y[smp$i0]
  X0 <- smp$X[smp$i0, , drop = FALSE]
  X1 <- smp$X[smp$i1, , drop = FALSE]
  w0 <- smp$w[smp$i0]
  beta <- numeric()
  r0 <- y0
  if (ncol(X0)) {
    dm <- within_transform(X0, y0, smp$codes0, w0, threads)
    ols <- cpp_ols(dm$X, dm$y, w0, dm$ss, 1e-10, threads)
    report_dropped(colnames(X0), dm, w0, ols$kept)
    X0 <- X0[, ols$kept, drop = FALSE]
    X1 <- X1[, ols$kept, drop = FALSE]
    beta <- stats::setNames(as.vector(ols$coef), colnames(X0))
    r0 <- y0 - drop(X0 %*% beta)
  }
  fe <- impute_fe(matrix(r0), matrix(0, length(smp$i1), 0L), smp, w0, threads)
  adj1 <- smp$y[smp$i1] - fe$fit1[, 1L]
  if (length(beta)) adj1 <- adj1 - drop(X1 %*% beta)
  list(estimate = drop(crossprod(W1, adj1)), adj1 = adj1, resid0 = r0 - fe$fit0[, 1L],
       v0 = impute_v0(smp, W1, X0, X1, threads), beta = beta)
}

# The weights of the untreated outcomes in the estimate (Borusyak, Jaravel
# and Spiess's v_0): the estimate a'(y_1 - Z_1 b) with b the weighted least
# squares fit (Z_0'W_0 Z_0)^- Z_0'W_0 y_0 puts v_0 = -W_0 Z_0 (Z_0'W_0 Z_0)^-
# Z_1'a on y_0, `a` the averaging weights (columns of W1, which already carry
# the sampling weights), W_0 the sampling weights of the untreated rows.
# (didimputation uses -W_0 Z_0 (Z_0'W_0^2 Z_0)^- Z_1'W_1 a, which equals this
# only when the weights are constant; see "Sampling weights".)
impute_v0 <- function(smp, W1, X0, X1, threads) {
  w0 <- smp$w[smp$i0]
  om <- w0
  rhs1 <- W1
  v0 <- impute_fe(matrix(0, length(w0), 0L), rhs1, smp, om, threads)$v0
  if (ncol(X0)) {
    Xt0 <- within_transform(X0, smp$y[smp$i0], smp$codes0, om, threads)$X
    rhs <- crossprod(X1, rhs1) - crossprod(X0, om * v0)
    v0 <- Xt0 %*% solve(crossprod(Xt0, om * Xt0), rhs) + v0
  }
  -w0 * v0
}

# Fixed effects fitted on the untreated rows with weights `w0` (columns of
# V0), and the weights of untreated rows for the treated weights W1 (C++).
impute_fe <- function(V0, W1, smp, w0, threads) {
  ctl <- demean_control()
  fe <- cpp_impute_fe(V0, W1, smp$codes0, smp$codes1, smp$G, w0, ctl$max_exact, ctl$tol, ctl$maxit, threads)
  if (any(fe$iterations < 0L)) warn_pd("The fixed-effect solver stopped without converging; results may be inaccurate.")
  fe
}

# Cluster sums of didimputation's conservative scores, clustered by `cl`
# (codes of the rows i0 then i1); one column per estimate. Their squares
# summed are the variances, their cross-products the covariances.
impute_scores <- function(smp, fs, W1, cl) {
  cell <- group_codes(list(smp$g[smp$i1], smp$e[smp$i1])) + 1L
  V2 <- W1^2
  num <- rowsum(V2 * fs$adj1, cell, reorder = TRUE)
  den <- rowsum(V2, cell, reorder = TRUE)
  tau <- ifelse(den > 0, num / den, 0)
  tilde1 <- fs$adj1 - tau[cell, , drop = FALSE]
  rowsum(rbind(fs$v0 * fs$resid0, W1 * tilde1), cl, reorder = FALSE)
}

# Event-study labels: pre_2, pre_1, current, post_1, ...
rel_time_label <- function(e) {
  ifelse(e < 0, paste0("pre_", -e), ifelse(e == 0, "current", paste0("post_", e)))
}

#' Methods for imputation estimates
#'
#' `tidy()` returns the estimates with broom's columns and a numeric
#' `rel_time`:
#'
#' | column | meaning |
#' |---|---|
#' | term | "ATT" (overall), or the horizon: "current", "post_1", ...; pre-trend coefficients "pre_3", "pre_2", ... |
#' | rel_time | periods since adoption, negative for pre-trends (`NA` for the overall ATT) |
#' | estimate, std.error | estimate and its conservative standard error |
#' | statistic, p.value | z statistic and its two-sided normal p-value |
#' | conf.low, conf.high | normal confidence interval at the fit's `level` |
#' | n_obs | treated observations averaged |
#'
#' @param x,object A `pilotdid_did_imputation` result.
#' @param ... Unused.
#' @return `tidy()`: a data frame; `vcov()`: the joint covariance matrix of
#'   the estimates, named by term (see "Joint covariance" in
#'   [did_imputation()]); `summary()`: a `summary.pilotdid_did_imputation`
#'   list (the tidy table and sample sizes).
#' @family robust estimators
#' @name imputation-methods
#' @examples
#' d <- simulate_panel(n_id = 60, n_t = 8, seed = 2)
#' imp <- did_imputation(y ~ 1 | id + year, data = d, cohort = "cohort", horizon = 0:2)
#' summary(imp)
#' tidy(imp)
NULL

#' @rdname imputation-methods
#' @method tidy pilotdid_did_imputation
#' @export
tidy.pilotdid_did_imputation <- function(x, ...) {
  e <- x$estimates
  stat <- e$estimate / e$std.error
  data.frame(term = e$term, rel_time = e$rel_time, estimate = e$estimate, std.error = e$std.error,
             statistic = stat, p.value = 2 * stats::pnorm(-abs(stat)), conf.low = e$conf.low,
             conf.high = e$conf.high, n_obs = e$n_obs)
}

#' @rdname imputation-methods
#' @export
vcov.pilotdid_did_imputation <- function(object, ...) object$vcov

#' @export
event_coefs.pilotdid_did_imputation <- function(x, call = rlang::caller_env()) {
  e <- x$estimates[!is.na(x$estimates$rel_time), , drop = FALSE]
  if (!nrow(e)) {
    abort_input(c("{.arg x} has no event-time coefficient.",
                  "i" = "Use {.code did_imputation(..., horizon = TRUE, pretrends = -5:-2)}."), call = call)
  }
  list(estimate = e$estimate, vcov = unname(x$vcov[e$term, e$term, drop = FALSE]), rel_time = e$rel_time,
       ref = setdiff(-1, e$rel_time), terms = e$term)
}

#' @rdname imputation-methods
#' @export
summary.pilotdid_did_imputation <- function(object, ...) {
  structure(list(table = tidy(object), formula = object$formula, n_treated_obs = object$n_treated_obs,
                 n_untreated_obs = object$n_untreated_obs, n_units = object$n_units,
                 dropped_treated = object$dropped_treated, cluster = object$cluster, level = object$level),
            class = "summary.pilotdid_did_imputation")
}

#' @rdname imputation-methods
#' @export
print.summary.pilotdid_did_imputation <- function(x, ...) {
  cat("Imputation DID (Borusyak, Jaravel and Spiess):", deparse1(x$formula), "\n")
  cat(sprintf("Units: %d   untreated obs: %d   treated obs: %d%s\n", x$n_units, x$n_untreated_obs,
              x$n_treated_obs, if (x$dropped_treated > 0) sprintf(" (%d not imputable, dropped)", x$dropped_treated) else ""))
  cat("Standard errors: conservative, clustered by", x$cluster, "\n")
  print_estimate_table(x$table, x$level)
  invisible(x)
}

#' @rdname imputation-methods
#' @export
print.pilotdid_did_imputation <- function(x, ...) {
  print(summary(x))
  invisible(x)
}

# Coefficient table of a tidy() data frame with normal inference.
print_estimate_table <- function(tab, level, digits = max(3L, getOption("digits") - 3L)) {
  m <- cbind(Estimate = tab$estimate, `Std. Error` = tab$std.error, `z value` = tab$statistic,
             `Pr(>|z|)` = tab$p.value)
  rownames(m) <- tab$term
  stats::printCoefmat(m, digits = digits, signif.legend = FALSE, na.print = "")
  invisible(tab)
}
