#' Mechanism (channel) analysis of a DID estimate
#'
#' `mechanism()` runs the three mechanism designs of the applied literature on
#' a [twfe()] fit: each is a set of ordinary `twfe()` fits with the fit's fixed
#' effects, controls, weights, subset and clustering.
#'
#' @section Designs, and what they can establish:
#' * `"mediator"` regresses each mediator on the treatment (and the fit's
#'   controls and fixed effects): `M ~ treat + controls | FE`. It establishes,
#'   under the same parallel-trends assumption as the main estimate, that the
#'   policy changes the candidate channel. It does not show that the channel
#'   carries the effect on the outcome: that link must come from theory or
#'   prior evidence. This is the design recommended by the recent methods
#'   literature (e.g. Jiang 2022, *China Industrial Economics*).
#' * `"interaction"` adds the mediator and its product with the treatment to
#'   the outcome equation, `y ~ treat + M + treat:M + controls | FE`, and
#'   reports the interaction (the paper's Table 6). It shows whether the
#'   policy's effect is larger where the mediator is higher (moderation). It
#'   does not identify mediation: when the policy itself moves `M`, `M` is a
#'   "bad control" and the interaction mixes effect heterogeneity with the
#'   policy's effect on `M`.
#' * `"three_step"` runs the classic Baron-Kenny steps on the rows where the
#'   outcome, the treatment, the controls and the mediator are all observed:
#'   (1) `y ~ treat` (total effect \eqn{c}), (2) `M ~ treat` (\eqn{a}),
#'   (3) `y ~ treat + M` (direct effect \eqn{c'} and \eqn{b}); by least
#'   squares \eqn{c = c' + ab} exactly. The indirect effect \eqn{ab} is
#'   tested by Sobel's normal approximation, with standard error
#'   \eqn{\sqrt{b^2 s_a^2 + a^2 s_b^2}} from the steps' standard errors (of
#'   the type of `fit`), and by a cluster bootstrap: clusters (the first
#'   cluster variable of `fit`, or units when it is not clustered) are drawn
#'   with replacement `n` times, the units of a cluster drawn twice enter
#'   twice as distinct units with their own fixed effects, and steps 2 and 3
#'   are estimated again (from per-unit cross-products when the units are
#'   nested in the clusters and the other fixed effects form small blocks of
#'   levels, as `id + year + province^year`; by refitting otherwise; draw
#'   \eqn{j} depends on `seed` and \eqn{j} only, whatever `threads` or
#'   `backend`); the percentile interval, the bootstrap
#'   standard error and the p-value \eqn{2\min(P^*(ab \le 0), P^*(ab \ge 0))}
#'   are reported. The decomposition is causal only if the mediator is as good
#'   as randomly assigned given the treatment, controls and fixed effects (no
#'   unobserved common cause of `M` and `y`, observed or not, and in
#'   particular none that the policy itself moves): the DID design guarantees
#'   none of this, so
#'   \eqn{b}, \eqn{c'} and \eqn{ab} describe associations unless that
#'   assumption is defended.
#'
#' @inheritParams heterogeneity
#' @param mediators Names of the mediator columns.
#' @param design `"mediator"`, `"interaction"` or `"three_step"` (see Designs).
#' @param n Bootstrap draws for `"three_step"` (0 for none).
#' @param n_boot Deprecated name of `n`.
#' @param seed Seed of the bootstrap (a whole number); `NULL` draws one from
#'   R's generator, so [set.seed()] makes a run reproducible too.
#' @return An object of class `pilotdid_mechanism`: `design`, `treat`,
#'   `outcome`, `mediators`, `fits` (a named list: per mediator the `twfe()`
#'   fit, or for `"three_step"` a list of the `total`, `mediator` and
#'   `outcome` fits), `effects` (a data frame, one row per mediator: for
#'   `"mediator"` the treatment's effect on the mediator, for `"interaction"`
#'   the interaction coefficient, with `term`, `estimate`, `std.error`,
#'   `statistic`, `p.value`, `conf.low`, `conf.high`, `nobs`; for
#'   `"three_step"` `total`, `direct`, `a`, `b`, `indirect`, `share_mediated`
#'   (\eqn{ab/c}), `sobel_se`, `sobel_z`, `sobel_p`, `boot_se`, `boot_low`,
#'   `boot_high`, `boot_p`, `nobs`), and for `"three_step"` `boot` (the
#'   bootstrap indirect effects, one column per mediator), `n_boot`, `seed`.
#' @family inference
#' @export
#' @examples
#' d <- simulate_panel(n_id = 60, n_t = 8, seed = 1)
#' d$m <- 0.8 * d$treat + rnorm(nrow(d))
#' d$y <- d$y + 0.5 * d$m
#' fit <- twfe(y ~ treat + x1 + x2 | id + year, data = d)
#' mechanism(fit, "m")
#' mechanism(fit, "m", design = "interaction")
#' med <- mechanism(fit, "m", design = "three_step", n = 199, seed = 1)
#' med
#' did_table(med, keep = c("treat", "m"))
mechanism <- function(fit, mediators, design = c("mediator", "interaction", "three_step"),
                      n = 999, seed = NULL, data = NULL, treat = NULL, n_boot = NULL,
                      threads = getOption("pilotdid.threads", 1L), backend = c("threads", "future")) {
  fit <- as_twfe_fit(fit)
  design <- check_choice(design, c("mediator", "interaction", "three_step"), "design")
  n_boot <- check_count(deprecated_arg(n, n_boot, "n", "n_boot"), "n", min = 0)
  backend <- check_choice(backend, c("threads", "future"), "backend")
  threads <- resolve_threads(threads)
  data <- fit_data(fit, data, parent.frame())
  if (!is.character(mediators) || !length(mediators) || anyNA(mediators) || anyDuplicated(mediators)) {
    abort_input("{.arg mediators} must be a character vector of column names.")
  }
  check_columns(data, mediators, "mediators")
  bad <- mediators[!vapply(mediators, function(v) is.numeric(data[[v]]) || is.logical(data[[v]]), TRUE)]
  if (length(bad)) abort_input("Mediator{?s} {.field {bad}} must be numeric.")
  treat <- fit_treat(treat, fit)
  yname <- deparse1(fit$formula[[2L]])
  if (yname %in% mediators) abort_input("The outcome {.field {yname}} cannot be its own mediator.")
  if (treat %in% mediators) abort_input("The treatment {.field {treat}} cannot be its own mediator.")
  ctrl <- intersect(mediators, names(fit$coefficients))
  if (length(ctrl) && design == "mediator") {
    note("Mediator{?s} {.field {ctrl}} {?is a control/are controls} of {.arg fit}: left out of the controls of {?its/their} own equation{?s}.")
  }
  rows <- fit$obs %||% seq_len(nrow(data))
  flat <- mediators[vapply(mediators, function(v) {
    x <- data[[v]][rows]
    x <- x[is.finite(x)]
    length(x) < 2L || all(x == x[1L])
  }, TRUE)]
  if (length(flat)) abort_input("Mediator{?s} {.field {flat}} {?is/are} constant (or missing) on the rows of {.arg fit}: no effect of the treatment on {?it/them} can be estimated.")
  if (!is.null(seed)) seed <- placebo_seed(seed)
  seed <- if (design == "three_step" && n_boot > 0L) placebo_seed(seed) else NULL
  refit <- function(formula, cond = NULL, quiet = FALSE) refit_twfe(fit, data, formula, cond, quiet)
  out <- switch(design,
                mediator = mech_mediator(fit, mediators, treat, refit),
                interaction = mech_interaction(fit, mediators, treat, refit),
                three_step = mech_three_step(fit, mediators, treat, refit, n_boot, seed, threads, backend))
  new_pilotdid_mechanism(c(list(design = design, treat = treat, outcome = yname, mediators = mediators), out))
}

new_pilotdid_mechanism <- function(x) structure(x, class = "pilotdid_mechanism")

mech_formula <- function(fit, text) update_fe_formula(fit$formula, stats::as.formula(text))

# One row of the effects table: coefficient `term` of `f`.
mech_row <- function(f, mediator, term) {
  td <- tidy.pilotdid_twfe(f)
  td <- td[td$term == term, ]
  if (!nrow(td)) abort_input("{.field {term}} could not be estimated for mediator {.field {mediator}}: it is collinear or constant within the fixed effects.",
                             call = NULL)
  cbind(mediator = mediator, td, nobs = f$nobs)
}

mech_mediator <- function(fit, mediators, treat, refit) {
  fits <- lapply(mediators, function(m) refit(mech_formula(fit, sprintf("`%s` ~ . - `%s`", m, m))))
  names(fits) <- mediators
  eff <- do.call(rbind, Map(mech_row, fits, mediators, treat))
  rownames(eff) <- NULL
  list(fits = fits, effects = eff)
}

mech_interaction <- function(fit, mediators, treat, refit) {
  fits <- lapply(mediators, function(m) refit(mech_formula(fit, sprintf(". ~ . + `%s` + `%s`:`%s`", m, treat, m))))
  names(fits) <- mediators
  terms <- vapply(seq_along(fits), function(k) {
    nm <- names(coef(fits[[k]]))
    hit <- nm[nm %in% c(paste0(treat, ":", mediators[k]), paste0(mediators[k], ":", treat))]
    if (length(hit)) hit[1L] else paste0(treat, ":", mediators[k])
  }, "")
  eff <- do.call(rbind, Map(mech_row, fits, mediators, terms))
  rownames(eff) <- NULL
  list(fits = fits, effects = eff)
}

# Baron-Kenny steps per mediator on the common sample, Sobel test, bootstrap.
mech_three_step <- function(fit, mediators, treat, refit, n_boot, seed, threads, backend) {
  lhs <- fit$formula[[2L]]
  fits <- list()
  rows <- list()
  boot <- matrix(NA_real_, n_boot, length(mediators), dimnames = list(NULL, mediators))
  for (k in seq_along(mediators)) {
    m <- mediators[k]
    mq <- as.name(m)
    f_out <- refit(mech_formula(fit, sprintf(". ~ . + `%s`", m)))
    f_tot <- refit(fit$formula, cond = call("is.finite", mq), quiet = TRUE)
    f_med <- refit(mech_formula(fit, sprintf("`%s` ~ . - `%s`", m, m)), cond = call("is.finite", lhs),
                   quiet = TRUE)
    if (!identical(f_tot$obs, f_out$obs) || !identical(f_med$obs, f_out$obs)) {
      abort_input("The three steps for mediator {.field {m}} do not use the same rows; remove rows with missing or infinite values first.",
                  call = NULL)
    }
    fits[[m]] <- list(total = f_tot, mediator = f_med, outcome = f_out)
    est <- function(f, term) {
      td <- mech_row(f, m, term)
      c(td$estimate, td$std.error)
    }
    a <- est(f_med, treat)
    b <- est(f_out, m)
    c_tot <- est(f_tot, treat)[1L]
    c_dir <- est(f_out, treat)[1L]
    ab <- a[1L] * b[1L]
    sob <- sqrt(b[1L]^2 * a[2L]^2 + a[1L]^2 * b[2L]^2)
    if (n_boot > 0L) boot[, k] <- mech_bootstrap(f_out, treat, m, n_boot, seed, threads, backend)
    bk <- boot[, k][is.finite(boot[, k])]
    rows[[k]] <- data.frame(mediator = m, total = c_tot, direct = c_dir, a = a[1L], b = b[1L], indirect = ab,
                            share_mediated = ab / c_tot, sobel_se = sob, sobel_z = ab / sob,
                            sobel_p = 2 * stats::pnorm(-abs(ab / sob)),
                            boot_se = if (length(bk) > 1L) stats::sd(bk) else NA_real_,
                            boot_low = mech_quantile(bk, 0.025), boot_high = mech_quantile(bk, 0.975),
                            boot_p = if (length(bk)) min(1, 2 * min(mean(bk <= 0), mean(bk >= 0))) else NA_real_,
                            nobs = f_out$nobs)
  }
  eff <- do.call(rbind, rows)
  rownames(eff) <- NULL
  list(fits = fits, effects = eff, boot = boot, n_boot = n_boot, seed = seed)
}

mech_quantile <- function(x, p) if (length(x)) stats::quantile(x, p, names = FALSE, type = 6) else NA_real_

# Cluster bootstrap of the indirect effect a*b: clusters drawn with
# replacement, each copy its own cluster with its own fixed effects nested in
# the clusters, through the resampling engine (resample.R): per-unit
# cross-products when the units are nested in the clusters, refits otherwise.
mech_bootstrap <- function(f_out, treat, m, n_boot, seed, threads = 1L, backend = "threads",
                           engine = c("auto", "loop")) {
  engine <- match.arg(engine)
  smp <- fit_sample(f_out)
  X <- smp$X[, setdiff(colnames(smp$X), f_out$dropped_vars), drop = FALSE]
  jt <- match(treat, colnames(X))
  jm <- match(m, colnames(X))
  if (is.na(jt) || is.na(jm)) return(rep(NA_real_, n_boot))
  cl <- if (f_out$vcov_type == "cluster") smp$cl_codes[[1L]] else smp$codes[[1L]]
  setup <- resample_setup(smp, X, seed, cluster = dense_codes(cl), jt = jt, jm = jm, engine = engine)
  resample_draws(setup, n_boot, threads, backend, "Bootstrap draws")[, 1L]
}
