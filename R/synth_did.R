#' Synthetic difference-in-differences (block and staggered adoption)
#'
#' Estimates the average effect on the treated by synthetic
#' difference-in-differences (Arkhangelsky, Athey, Hirshberg, Imbens and
#' Wager 2021), synthetic control or difference-in-differences, exactly as the
#' reference implementation synthdid does for a block of units adopting at the
#' same time, and by adoption cohort for staggered adoption (Clarke,
#' Pailanir, Athey and Imbens 2023).
#'
#' @section Block adoption:
#' With \eqn{N_0} never-treated units, \eqn{N_1} treated units, \eqn{T_0}
#' periods before adoption and \eqn{T_1} from adoption on, the unit weights
#' \eqn{\omega} solve the regularised, simplex-constrained least squares
#' problem with an intercept on the pre-period outcomes (target: the treated
#' units' mean), with \eqn{\zeta_\omega = (N_1 T_1)^{1/4} \hat\sigma}, where
#' \eqn{\hat\sigma} is the standard deviation of the first differences of the
#' controls' pre-period outcomes; the time weights \eqn{\lambda} solve the
#' same problem across pre periods (target: each control's post-period mean)
#' with \eqn{\zeta_\lambda = 10^{-6} \hat\sigma}. Both are solved by
#' synthdid's Frank-Wolfe iterations with exact line search and its stopping
#' rule (stop when an iteration lowers the objective by less than
#' \eqn{(10^{-5}\hat\sigma)^2}, at most 10,000 iterations), including its
#' sparsification step (100 iterations, weights below a quarter of the largest
#' set to zero, then iterations until the stopping rule). The estimate is
#' \eqn{(\bar Y_{tr,post} - \sum_t \lambda_t \bar Y_{tr,t}) - (\sum_i
#' \omega_i \bar Y_{i,post} - \sum_{i,t} \omega_i \lambda_t Y_{it})}.
#' `method = "sc"` uses no time weights, no intercept in the unit weights and
#' \eqn{\zeta_\omega = 10^{-6}\hat\sigma} (synthdid's `sc_estimate()`);
#' `method = "did"` uses uniform weights (`did_estimate()`).
#'
#' @section Staggered adoption:
#' Each adoption cohort (units first treated in the same period) is compared
#' with the never-treated units by a block fit on all periods; the cohort
#' estimates \eqn{\hat\tau_a} are averaged with weights proportional to the
#' cohort's treated unit-periods \eqn{N_1^a T_1^a} (Clarke et al. 2023). A
#' single cohort is the block design.
#'
#' @section Standard errors:
#' Each draw re-estimates the whole (cohort-by-cohort) estimator with the
#' regularisation levels of the original fit and the original weights as
#' starting values (synthdid's `vcov()`):
#' * `"placebo"` (Algorithm 4): the never-treated units are permuted; the last
#'   \eqn{N_1} (all cohorts' treated units) become placebo-treated with the
#'   actual adoption periods. The only option with one treated unit; needs more
#'   never-treated than treated units.
#' * `"bootstrap"` (Algorithm 2): units resampled with replacement (draws
#'   without a treated or a control unit are redrawn); needs two treated units.
#' * `"jackknife"` (Algorithm 3): each unit left out in turn, weights held fixed;
#'   needs two treated units per cohort.
#'
#' The standard error is \eqn{\sqrt{(n-1)/n}} times the standard deviation of
#' the `n` draws (bootstrap, placebo) or the jackknife formula. Draw \eqn{j}
#' uses its own random stream, a function of `seed` and \eqn{j} only, so the
#' draws are identical whatever `threads` or `backend`. Confidence intervals are
#' normal.
#'
#' @section Covariates:
#' Time-varying covariates after `~` are handled as Clarke et al. (2023):
#' `"optimized"` estimates their coefficients jointly with the weights
#' (synthdid's `X` argument: gradient steps on \eqn{\beta} alternating with
#' Frank-Wolfe steps on the weights, per cohort); `"projected"` (Kranz 2022)
#' regresses the outcome on the covariates with unit and time fixed effects
#' on the never-treated units' observations and uses \eqn{y - X\hat\beta}
#' (held fixed in the draws).
#'
#' @param formula `y ~ 1 | unit + time`, or `y ~ x1 + x2 | unit + time` with
#'   time-varying covariates. Time is numeric.
#' @param data A data frame: a balanced panel.
#' @param treat The 0/1 treatment column (a name or one-sided formula): 1 from
#'   a unit's adoption on, 0 before and for never-treated units.
#' @param method `"sdid"`, `"sc"` (synthetic control) or `"did"`.
#' @param se `"placebo"`, `"jackknife"`, `"bootstrap"` or `"none"`.
#' @param n Number of placebo or bootstrap draws.
#' @param seed Seed of the draws (a whole number); `NULL` draws one from R's
#'   generator.
#' @param threads Threads for the draws (`backend = "threads"`).
#' @param backend `"threads"` (OpenMP) or `"future"` (chunks of draws under
#'   the user's [future::plan()]). Both return the same draws.
#' @param covariates `"optimized"` or `"projected"` (see Covariates).
#' @param level Confidence level.
#' @param unbalanced `"error"` (default) stops on missing unit-period cells and
#'   names them; `"drop"` drops the units with missing cells, with a message.
#' @param subset Optional rows to use: an expression evaluated in `data`
#'   (`year <= 2019`), a logical vector or row numbers. `synth_did()` takes no
#'   sampling weights: the unit and time weights are its estimator (as in
#'   `synthdid`, which has none either).
#' @return An object of class `pilotdid_synth_did`: `estimate`, `std.error`,
#'   `conf.low`, `conf.high`, `cohorts` (a data frame, one row per cohort:
#'   `cohort` (first treated period), `n_treated`, `n_pre`, `n_post`, `weight`,
#'   `estimate`, `std.error`), `unit_weights` (data frame `cohort`, `unit`,
#'   `weight` over the never-treated units), `time_weights` (data frame
#'   `cohort`, `time`, `weight` over the pre periods), `beta` (covariate
#'   coefficients per cohort, or the projection's), `draws` (matrix of draws:
#'   the estimate, then each cohort), `zeta_omega`, `zeta_lambda`,
#'   `noise_level` (per cohort), `method`, `se_method`, `n`, `seed`, `level`,
#'   `covariates`, `panel` (the outcome matrix and unit/period labels used by the
#'   plots), `nobs`, `formula`, `call`.
#' @references Arkhangelsky, D., Athey, S., Hirshberg, D. A., Imbens, G. W. and
#'   Wager, S. (2021). Synthetic difference-in-differences. *American Economic
#'   Review* 111(12), 4088-4118.
#'
#'   Clarke, D., Pailanir, D., Athey, S. and Imbens, G. (2023). On synthetic
#'   difference-in-differences and related estimation methods in Stata. IZA
#'   Discussion Paper 15907.
#' @family robust estimators
#' @export
#' @examples
#' fit <- synth_did(PacksPerCapita ~ 1 | State + Year, data = california_prop99,
#'                  treat = "treated", n = 50, seed = 1)
#' fit
#' tidy(fit)
#' head(tidy(fit, what = "unit_weights"))
synth_did <- function(formula, data, treat, method = c("sdid", "sc", "did"),
                      se = c("placebo", "jackknife", "bootstrap", "none"), n = 200, seed = NULL,
                      threads = getOption("pilotdid.threads", 1L), backend = c("threads", "future"),
                      covariates = c("optimized", "projected"), level = 0.95,
                      unbalanced = c("error", "drop"), subset = NULL) {
  call <- match.call()
  method <- check_choice(method, c("sdid", "sc", "did"), "method")
  se <- check_choice(se, c("placebo", "jackknife", "bootstrap", "none"), "se")
  backend <- check_choice(backend, c("threads", "future"), "backend")
  covariates <- check_choice(covariates, c("optimized", "projected"), "covariates")
  unbalanced <- check_choice(unbalanced, c("error", "drop"), "unbalanced")
  n <- check_count(n, "n", min = 2)
  check_level(level)
  threads <- resolve_threads(threads)
  seed <- placebo_seed(seed)
  spec <- parse_did_formula(formula, example = "y ~ 1 | unit + time")
  tcol <- synth_treat_column(if (missing(treat)) NULL else treat)
  if (is.data.frame(data)) check_columns(data, tcol, "treat")
  rows <- if (is.data.frame(data)) eval_subset(substitute(subset), data, parent.frame())
  pn <- did_panel(spec, data, extra = tcol, rows = rows)
  sp <- synth_panel(pn, tcol, spec, unbalanced)
  synth_check_design(sp, se)
  if (ncol(pn$X) && covariates == "projected") sp <- synth_project(sp, spec)
  inputs <- synth_inputs(sp, method, covariates, seed, se)
  state <- synth_state(inputs)
  fit <- cpp_synth_fit(state)
  draws <- synth_draws(inputs, state, se, n, threads, backend, fit)
  new_pilotdid_synth_did(fit, draws, sp, inputs, method, se, n, seed, level, covariates, formula, call)
}

synth_treat_column <- function(treat, call = caller_env()) {
  if (is.null(treat)) abort_input("{.arg treat} is missing: name the 0/1 treatment column.", call = call)
  col <- if (inherits(treat, "formula")) all.vars(treat[[length(treat)]]) else treat
  if (!is.character(col) || length(col) != 1L || is.na(col)) {
    abort_input("{.arg treat} must name one column, e.g. {.code \"treated\"} or {.code ~treated}.", call = call)
  }
  col
}

# Outcome matrix (units x periods), covariate matrices, and each unit's cohort.
synth_panel <- function(pn, tcol, spec, unbalanced, call = caller_env()) {
  pn$cohort <- read_cohort(pn$unit_id, pn$time, D = pn$d[[tcol]], what = "synthetic DID",
                           names = list(treat = tcol, unit = spec$unit), call = call)
  pn <- synth_balance(pn, unbalanced, spec, call)
  # units in sorted order: the draws do not depend on the order of the rows
  pn$unit <- match(pn$unit_id, sort(unique(pn$unit_id))) - 1L
  U <- pn$n_units
  T <- length(pn$periods)
  idx <- pn$unit + 1L + (pn$period - 1L) * U
  Y <- matrix(NA_real_, U, T)
  Y[idx] <- pn$y
  first <- match(unit_values(pn$cohort, pn$unit, U), pn$periods)
  ids <- unit_values(pn$unit_id, pn$unit, U)
  X <- lapply(seq_len(ncol(pn$X)), function(j) { m <- matrix(NA_real_, U, T); m[idx] <- pn$X[, j]; m })
  names(X) <- colnames(pn$X)
  list(Y = Y, X = X, first = first, units = ids, periods = pn$periods, U = U, T = T,
       unit = pn$unit, period = pn$period, treat = tcol, unit_col = spec$unit, time_col = spec$time,
       yname = pn$yname)
}

# A balanced panel: error naming the missing unit-period cells, or drop their units.
synth_balance <- function(pn, unbalanced, spec, call) {
  T <- length(pn$periods)
  cnt <- tabulate(pn$unit + 1L, nbins = pn$n_units)
  if (all(cnt == T)) return(pn)
  short <- which(cnt < T)
  if (unbalanced == "error") {
    have <- split(pn$period, pn$unit)
    u1 <- short[seq_len(min(3L, length(short)))]
    ids <- unit_values(pn$unit_id, pn$unit, pn$n_units)
    cells <- unlist(lapply(u1, function(u) {
      miss <- setdiff(seq_len(T), have[[as.character(u - 1L)]])
      paste0(ids[u], " in ", paste(pn$periods[utils::head(miss, 3L)], collapse = ", "),
             if (length(miss) > 3L) ", ..." else "")
    }))
    n_miss <- pn$n_units * T - length(pn$y)
    abort_input(c("The panel is unbalanced: {n_miss} unit-period cell{?s} of {.field {spec$unit}} x {.field {spec$time}} {cli::qty(n_miss)}{?is/are} missing (after dropping rows with missing values).",
                  "x" = "Missing: {cells}{if (length(short) > 3L) ', ...' else ''}.",
                  "i" = "Synthetic DID needs a balanced panel; {.code unbalanced = \"drop\"} drops the {length(short)} incomplete unit{?s}."),
                call = call)
  }
  balance_panel(pn, "synthetic DID", call)
}

# Cohorts: each needs two pre periods; placebo needs more controls than treated.
synth_check_design <- function(sp, se, call = caller_env()) {
  if (all(is.na(sp$first))) abort_input("No unit is treated: {.field {sp$treat}} is 0 everywhere.", call = call)
  if (!anyNA(sp$first)) {
    abort_input("No unit is never treated: synthetic DID compares each cohort with never-treated units.", call = call)
  }
  early <- unique(sp$first[!is.na(sp$first) & sp$first < 3L])
  if (length(early)) {
    abort_input(c("Units first treated in {.val {sp$periods[early]}} have fewer than two periods before adoption.",
                  "i" = "Each cohort needs at least two pre-treatment periods (the noise level uses their first differences)."),
                call = call)
  }
  n_tr <- sum(!is.na(sp$first))
  n_co <- sum(is.na(sp$first))
  if (se == "placebo" && n_co <= n_tr) {
    abort_input(c("{.code se = \"placebo\"} needs more never-treated units than treated units ({n_co} never treated, {n_tr} treated).",
                  "i" = "Use {.code se = \"bootstrap\"} or {.code se = \"jackknife\"}."), call = call)
  }
  if (se == "bootstrap" && n_tr < 2L) {
    abort_input(c("{.code se = \"bootstrap\"} needs at least two treated units (synthdid returns {.val NA} with one).",
                  "i" = "Use {.code se = \"placebo\"} with a single treated unit."), call = call)
  }
  if (se == "jackknife" && any(table(sp$first) < 2L)) {
    abort_input(c("{.code se = \"jackknife\"} needs at least two treated units in every cohort.",
                  "i" = "Use {.code se = \"placebo\"} with a single treated unit."), call = call)
  }
  invisible(TRUE)
}

# Kranz's projection: y - X b, b from y ~ X | unit + time on never-treated units.
synth_project <- function(sp, spec) {
  never <- is.na(sp$first)
  d <- data.frame(y = as.vector(sp$Y[never, , drop = FALSE]),
                  unit = rep(which(never), sp$T), time = rep(seq_len(sp$T), each = sum(never)))
  xs <- paste0("pd_x", seq_along(sp$X))
  for (j in seq_along(xs)) d[[xs[j]]] <- as.vector(sp$X[[j]][never, , drop = FALSE])
  f <- stats::as.formula(paste("y ~", paste(xs, collapse = " + "), "| unit + time"))
  old <- options(pilotdid.quiet = TRUE)
  on.exit(options(old))
  b <- stats::coef(twfe(f, data = d, vcov = "iid"))[xs]
  b[is.na(b)] <- 0
  for (j in seq_along(xs)) sp$Y <- sp$Y - b[[j]] * sp$X[[j]]
  sp$projection <- stats::setNames(unname(b), names(sp$X))
  sp$X <- list()
  sp
}

# Per-cohort settings, as synthdid_estimate()'s defaults.
synth_inputs <- function(sp, method, covariates, seed, se) {
  cohorts <- sort(unique(sp$first[!is.na(sp$first)]))
  never <- is.na(sp$first)
  noise <- vapply(cohorts, function(a) {
    stats::sd(as.vector(apply(sp$Y[never, seq_len(a - 1L), drop = FALSE], 1L, diff)))
  }, 0)
  n1 <- vapply(cohorts, function(a) sum(sp$first == a, na.rm = TRUE), 0)
  t1 <- sp$T - cohorts + 1
  eta_o <- switch(method, sdid = (n1 * t1)^(1 / 4), sc = rep(1e-6, length(cohorts)), did = (n1 * t1)^(1 / 4))
  code <- match(sp$first, cohorts) - 1L
  code[is.na(code)] <- -1L
  list(Y = sp$Y, X = unname(sp$X), cohort = as.integer(code), cohorts = as.integer(cohorts - 1L),
       method = match(method, c("sdid", "sc", "did")) - 1L, omega_intercept = method != "sc",
       zeta_omega = eta_o * noise, zeta_lambda = 1e-6 * noise, min_dec = 1e-5 * noise, noise = noise,
       seed = seed, draw_type = match(se, c("placebo", "bootstrap", "jackknife", "none")) - 1L,
       n1 = n1, t1 = t1)
}

synth_state <- function(inputs) {
  cpp_synth_prepare(inputs$Y, inputs$X, inputs$cohort, inputs$cohorts, inputs$method,
                    inputs$omega_intercept, inputs$zeta_omega, inputs$zeta_lambda, inputs$min_dec,
                    10000L, 100L, TRUE, inputs$seed, min(inputs$draw_type, 2L))
}

# Draws for the standard error: a matrix (estimate, then cohorts), or NULL.
synth_draws <- function(inputs, state, se, n, threads, backend, fit) {
  if (se == "none") return(NULL)
  if (se == "jackknife") {
    nz <- vapply(fit$omega, function(w) sum(w != 0), 0)
    if (inputs$method != 2L && any(nz == 1L)) {
      warn_pd("A cohort's unit weights put all their mass on one control: the fixed-weights jackknife is undefined (standard error {.val NA}).")
      return(matrix(NA_real_, 1L, length(nz) + 1L))
    }
    n <- nrow(inputs$Y)
  }
  if (backend == "future") return(synth_future(inputs, fit, n))
  run_draws(function(first, count) cpp_synth_draws(state, first, count, threads), n, "Synthetic DID draws",
            first_chunk = threads)
}

# Chunks of draws under the user's future plan; each worker refits (cheap) to
# rebuild the weights the draws start from.
synth_future <- function(inputs, fit, n, call = caller_env()) {
  if (!requireNamespace("future.apply", quietly = TRUE)) {
    abort_input("{.code backend = \"future\"} needs the {.pkg future.apply} package.", call = call)
  }
  workers <- max(1L, future::nbrOfWorkers())
  bounds <- unique(round(seq(0, n, length.out = workers + 1L)))
  run <- function(first, count, inputs) {
    st <- synth_state(inputs)
    cpp_synth_fit(st)
    cpp_synth_draws(st, first, count, 1L)
  }
  res <- future.apply::future_mapply(run, first = bounds[-length(bounds)], count = diff(bounds),
                                     MoreArgs = list(inputs = inputs), SIMPLIFY = FALSE,
                                     future.seed = NULL)
  do.call(rbind, res)
}

synth_se <- function(draws, se) {
  if (is.null(draws)) return(rep(NA_real_, 1L))
  apply(draws, 2L, function(u) {
    u <- u[!is.na(u)]
    m <- length(u)
    if (m < 2L) return(NA_real_)
    if (se == "jackknife") sqrt((m - 1) / m * sum((u - mean(u))^2)) else sqrt(mean((u - mean(u))^2))
  })
}

new_pilotdid_synth_did <- function(fit, draws, sp, inputs, method, se, n, seed, level, covariates,
                                   formula, call) {
  K <- length(inputs$cohorts)
  ses <- if (is.null(draws)) rep(NA_real_, K + 1L) else synth_se(draws, se)
  z <- stats::qnorm((1 + level) / 2)
  ctimes <- sp$periods[inputs$cohorts + 1L]
  w <- inputs$n1 * inputs$t1
  cohorts <- data.frame(cohort = ctimes, n_treated = inputs$n1, n_pre = inputs$cohorts,
                        n_post = inputs$t1, weight = w / sum(w), estimate = fit$cohort_estimates,
                        std.error = ses[-1L])
  never <- inputs$cohort < 0L
  uw <- do.call(rbind, lapply(seq_len(K), function(k) {
    data.frame(cohort = ctimes[k], unit = sp$units[never], weight = fit$omega[[k]][never])
  }))
  tw <- do.call(rbind, lapply(seq_len(K), function(k) {
    data.frame(cohort = ctimes[k], time = sp$periods[seq_len(inputs$cohorts[k])], weight = fit$lambda[[k]])
  }))
  beta <- if (length(sp$X)) {
    stats::setNames(lapply(fit$beta, function(b) stats::setNames(b, names(sp$X))), ctimes)
  } else sp$projection
  structure(list(estimate = fit$estimate, std.error = ses[1L], conf.low = fit$estimate - z * ses[1L],
                 conf.high = fit$estimate + z * ses[1L], cohorts = cohorts, unit_weights = uw,
                 time_weights = tw, beta = beta, draws = draws, zeta_omega = inputs$zeta_omega,
                 zeta_lambda = inputs$zeta_lambda, noise_level = inputs$noise, method = method,
                 se_method = se, n = if (se %in% c("placebo", "bootstrap")) n else NA_integer_,
                 seed = seed, level = level, covariates = if (length(sp$X) || !is.null(sp$projection)) covariates else "none",
                 panel = list(Y = sp$Y, units = sp$units, periods = sp$periods, first = sp$first,
                              X = sp$X, yname = sp$yname, treat = sp$treat),
                 nobs = length(sp$Y), formula = formula, call = call),
            class = "pilotdid_synth_did")
}
