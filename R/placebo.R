#' Placebo test by random reassignment of a staggered treatment
#'
#' Re-estimates a [twfe()] model `n` times with the treatment reassigned at
#' random and compares the actual estimate with the distribution of placebo
#' estimates (randomization inference).
#'
#' @section Designs:
#' With \eqn{U} units, sample periods \eqn{t_1 < \dots < t_T}, and the actual
#' adoption period of each unit:
#' * `"space"`: the units' adoption periods are permuted across units: as many
#'   placebo-treated units as treated ones, with the same adoption periods
#'   (cohort sizes), on randomly chosen units.
#' * `"time"`: the truly treated units stay treated, each with a fake adoption
#'   period drawn uniformly and independently from \eqn{t_2, \dots, t_T}: the
#'   periods that leave at least one sample period before adoption and one from
#'   adoption on.
#' * `"mixed"`: as many randomly chosen units as are treated, each with an
#'   adoption period drawn as in `"time"`.
#'
#' Draw \eqn{j} uses its own random stream, a function of `seed` and \eqn{j}
#' only, so the draws are identical whatever `threads` or `backend`; with
#' `seed = NULL` the seed is drawn from R's generator, so [set.seed()] makes a
#' run reproducible.
#'
#' @section Computation:
#' The outcome and the controls are demeaned once. By Frisch-Waugh-Lovell each
#' draw's coefficient is \eqn{D'Wr / (\tilde D'W\tilde D - c'Qc)}, where \eqn{r}
#' is the residual of the demeaned outcome on the demeaned controls and
#' \eqn{c = X'WD}; the numerator and \eqn{c} are sums of per-unit suffix sums,
#' and with unit and time fixed effects \eqn{\tilde D'W\tilde D} follows from
#' the units' period weights in \eqn{O(\textrm{treated units} \times T + T^2)}.
#' With other fixed effects, or `studentized = TRUE`, each draw costs
#' \eqn{O(N)}. Each draw equals a full [twfe()] refit on the placebo
#' assignment.
#'
#' @section P-values:
#' With \eqn{\hat\beta} the actual estimate and \eqn{\hat\beta_j} the placebo
#' ones: two-sided `share` = \eqn{\#\{|\hat\beta_j| \ge |\hat\beta|\}/n} and
#' `plus_one` = \eqn{(\#\{\cdot\} + 1)/(n + 1)}; one-sided p-values count the
#' draws at least as far as \eqn{\hat\beta} in its own direction
#' (\eqn{\hat\beta_j \ge \hat\beta} when \eqn{\hat\beta > 0}). With
#' `studentized = TRUE` the same is reported for the t statistics.
#'
#' @param fit A [twfe()] fit whose treatment is a staggered 0/1 regressor.
#' @param n Number of placebo draws.
#' @param type Placebo design: `"space"`, `"time"` or `"mixed"` (see Designs).
#' @param unit,time Names of the unit and time columns; by default the first
#'   and second fixed effects of `fit`.
#' @param cohort Optional name of a column holding each unit's first treated
#'   period (`NA`, `0` or `Inf` for never treated); by default it is read off
#'   the treatment.
#' @param treat Name of the treatment regressor; by default the first one.
#' @param seed Seed of the draws (a whole number); `NULL` draws one from R's
#'   generator.
#' @param threads Threads for the draws (`backend = "threads"`).
#' @param studentized Also compute each draw's t statistic with the same
#'   standard error as `fit` (one-way clustered, HC1 or iid).
#' @param data The data of `fit`, needed only when `cohort`, `unit` or `time`
#'   name columns that are not fixed effects of the fit (found from the fit's
#'   call when omitted, and checked against the fit's sample).
#' @param backend `"threads"` (OpenMP in this R session) or `"future"` (chunks
#'   of draws evaluated by `future.apply` under the user's [future::plan()],
#'   e.g. several processes or machines). Both return the same draws.
#' @return An object of class `pilotdid_placebo_test`: `estimates` (a data frame,
#'   one row per draw in draw order: `draw`, `estimate` and, when
#'   studentized, `statistic`), `actual` (estimate and t statistic of the
#'   real assignment), `p_values` (a data frame, see P-values), `stats`
#'   (mean, sd and quantiles of the placebo estimates), `type`, `n`, `seed`,
#'   `treat`, `studentized`.
#' @family inference
#' @export
#' @examples
#' d <- simulate_panel(n_id = 60, n_t = 8, seed = 1)
#' fit <- twfe(y ~ treat + x1 + x2 | id + year, data = d)
#' pl <- placebo_test(fit, n = 200, seed = 42)
#' pl
#' autoplot(pl)
placebo_test <- function(fit, n = 1000, type = c("space", "time", "mixed"), unit = NULL,
                         time = NULL, cohort = NULL, treat = NULL, seed = NULL,
                         threads = getOption("pilotdid.threads", 1L), studentized = FALSE,
                         backend = c("threads", "future"), data = NULL) {
  fit <- as_twfe_fit(fit)
  n <- check_count(n, "n")
  type <- check_choice(type, c("space", "time", "mixed"), "type")
  backend <- check_choice(backend, c("threads", "future"), "backend")
  threads <- resolve_threads(threads)
  seed <- placebo_seed(seed)
  inputs <- placebo_inputs(fit, data, parent.frame(), unit, time, cohort, treat, type, seed, studentized)
  actual <- placebo_run(inputs, -1, 1L, threads)
  draws <- if (backend == "threads") placebo_threads(inputs, n, threads) else
    run_draws_future(placebo_run, n, list(inputs = inputs, threads = 1L))
  out <- new_pilotdid_placebo_test(draws, actual, inputs$treat, type, n, seed, studentized)
  out$nobs <- fit$nobs
  out$df_t <- fit$df_t
  out
}

placebo_seed <- function(seed, call = caller_env()) {
  if (is.null(seed)) return(sample.int(.Machine$integer.max, 1L))
  if (!is.numeric(seed) || length(seed) != 1L || is.na(seed) || seed < 0 || seed != round(seed) ||
      seed > 2^52) {
    abort_input("{.arg seed} must be a single whole number >= 0.", call = call)
  }
  seed
}

# Everything the C++ draws need, as plain R objects (so that future workers
# can rebuild the state).
placebo_inputs <- function(fit, data, env, unit, time, cohort, treat, type, seed, studentized,
                           call = caller_env()) {
  if (length(fit$fe) < 2L && (is.null(unit) || is.null(time))) {
    abort_input("{.arg fit} has one fixed effect: give {.arg unit} and {.arg time}.", call = call)
  }
  unit <- unit %||% fit$fe[1L]
  time <- time %||% fit$fe[2L]
  treat <- fit_treat(treat, fit, call)
  smp <- fit_sample(fit, call)
  if (!is.null(cohort) || !all(c(unit, time) %in% names(smp$levels))) {
    data <- fit_data(fit, data, env, call)
    check_columns(data, c(unit, time, cohort), "unit/time/cohort", call)
  }
  D <- smp$binary[[treat]]
  if (is.null(D)) {
    abort_input(c("The treatment {.field {treat}} must be 0/1.",
                  "i" = "The treatment is the first regressor of {.arg fit} unless {.arg treat} names it."),
                call = call)
  }
  D <- as.integer(D)
  column <- function(v) if (v %in% names(smp$levels) && !is.null(smp$levels[[v]])) smp$levels[[v]][smp$codes[[v]] + 1L] else data[[v]][smp$obs]
  tvals <- column(time)
  if (!is.numeric(tvals)) abort_input("The time column {.field {time}} must be numeric.", call = call)
  periods <- sort(unique(tvals))
  if (length(periods) < 2L) abort_input("The sample has a single period.", call = call)
  period <- match(tvals, periods) - 1L
  uvals <- column(unit)
  u <- group_codes(list(uvals))
  U <- max(u) + 1L
  g <- read_cohort(uvals, tvals, if (!is.null(cohort)) data[[cohort]][smp$obs], D,
                   names = list(cohort = cohort, treat = treat, unit = unit), call = call)
  # first treated period index per unit (0-based; T = never)
  first <- rep(length(periods), U)
  first[u + 1L] <- pmin(findInterval(g, periods, left.open = TRUE), length(periods))
  first <- as.integer(first)
  if (!any(first < length(periods))) abort_input("No unit is treated in the sample.", call = call)
  w <- smp$w %||% rep(1, length(D))
  ctrl <- setdiff(colnames(smp$X), treat)
  dm <- within_transform(smp$X[, ctrl, drop = FALSE], smp$y, smp$codes, w, 1L)
  ols <- cpp_ols(dm$X, dm$y, w, dm$ss, 1e-10, 1L)
  X <- dm$X[, ols$kept, drop = FALSE]
  fast <- length(smp$codes) == 2L && setequal(names(smp$codes), c(unit, time))
  list(X = X, r = ols$resid, w = w, unit = u, period = period, U = U, T = length(periods),
       cohort = first, Q = ols$XtX_inv, fast = fast, codes = unname(smp$codes),
       G = n_levels(smp$codes), design = match(type, c("space", "time", "mixed")) - 1L,
       seed = seed, student = studentized, vcov_info = placebo_vcov_info(fit, smp, studentized, call),
       treat = treat)
}

placebo_vcov_info <- function(fit, smp, studentized, call) {
  none <- list(type = 0L, cluster = integer(), G = 0L, adj = 0)
  if (!studentized) return(none)
  n <- fit$nobs
  K <- fit$K
  switch(fit$vcov_type,
         iid = list(type = 0L, cluster = integer(), G = 0L, adj = 1 / (n - K)),
         hetero = list(type = 1L, cluster = integer(), G = 0L, adj = n / (n - K)),
         cluster = {
           if (length(smp$cl_codes) != 1L) {
             abort_input("Studentized placebo draws support one-way clustering; {.arg fit} is clustered two ways.",
                         call = call)
           }
           G <- fit$n_clusters[[1L]]
           list(type = 2L, cluster = smp$cl_codes[[1L]], G = G, adj = G / (G - 1) * (n - 1) / (n - K))
         })
}

# Draws first .. first + count - 1 on a state built from `inputs`.
placebo_run <- function(inputs, first, count, threads, state = NULL) {
  if (is.null(state)) state <- placebo_state(inputs)
  cpp_placebo_draws(state, first, count, threads)
}

placebo_state <- function(inputs) {
  v <- inputs$vcov_info
  ctl <- demean_control()
  cpp_placebo_prepare(inputs$X, inputs$r, inputs$w, inputs$unit, inputs$period, inputs$U, inputs$T,
                      inputs$cohort, inputs$Q, inputs$fast, inputs$codes, inputs$G,
                      ctl$max_exact, ctl$tol, ctl$maxit, inputs$design, inputs$seed,
                      inputs$student, v$type, v$cluster, v$G, v$adj)
}

# Chunks on this machine's threads, with a progress bar for long runs; Ctrl-C
# is honoured between chunks.
placebo_threads <- function(inputs, n, threads) {
  state <- placebo_state(inputs)
  n_tr <- sum(inputs$cohort < inputs$T)
  per_draw <- if (inputs$fast && !inputs$student) {
    n_tr * (inputs$T + ncol(inputs$X)) + inputs$T^2 + inputs$U
  } else {
    length(inputs$r) * (ncol(inputs$X) + 6)
  }
  if (n * per_draw < 2e7) threads <- 1L   # a few milliseconds: threads cost more than they save
  run_draws(function(first, count) cpp_placebo_draws(state, first, count, threads), n, "Placebo draws",
            first_chunk = 2L * threads)
}


new_pilotdid_placebo_test <- function(draws, actual, treat, type, n, seed, studentized) {
  est <- data.frame(draw = seq_len(n), estimate = draws[, 1L])
  if (studentized) est$statistic <- draws[, 2L]
  act <- c(estimate = actual[1L, 1L], statistic = if (studentized) actual[1L, 2L] else NA_real_)
  p <- placebo_pvalues(est$estimate, act[["estimate"]], "estimate")
  if (studentized) p <- rbind(p, placebo_pvalues(est$statistic, act[["statistic"]], "statistic"))
  q <- stats::quantile(est$estimate, c(0.01, 0.05, 0.5, 0.95, 0.99), names = FALSE)
  stats <- c(mean = mean(est$estimate), sd = stats::sd(est$estimate), q01 = q[1], q05 = q[2],
             median = q[3], q95 = q[4], q99 = q[5])
  structure(list(estimates = est, actual = act, p_values = p, stats = stats, type = type, n = n,
                 seed = seed, treat = treat, studentized = studentized),
            class = "pilotdid_placebo_test")
}

placebo_pvalues <- function(x, actual, what) {
  n <- length(x)
  two <- sum(abs(x) >= abs(actual))
  one <- if (actual >= 0) sum(x >= actual) else sum(x <= actual)
  data.frame(statistic = what, two_sided = two / n, two_sided_plus1 = (two + 1) / (n + 1),
             one_sided = one / n, one_sided_plus1 = (one + 1) / (n + 1))
}
