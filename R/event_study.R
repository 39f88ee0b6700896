#' Event study and parallel-trend test
#'
#' `event_study()` estimates the dynamic effects of a staggered policy with
#' relative-time dummies in a two-way fixed-effects regression, the
#' parallel-trend check of applied DID papers (pre_5 ... pre_2, current,
#' post_1 ... post_5, with the period before adoption as reference), and tests
#' jointly that all pre-period coefficients are zero.
#'
#' @section Model:
#' For unit \eqn{i} with adoption period \eqn{c_i} observed in period \eqn{t},
#' relative time is \eqn{r_{it} = t - c_i}. With `window = c(a, b)` the model is
#' \deqn{y_{it} = \alpha_i + \gamma_t + \sum_{k = a,\,k \notin ref}^{b} \beta_k D^k_{it} + x_{it}'\delta + \varepsilon_{it},}
#' where \eqn{D^k_{it} = 1} when unit \eqn{i} is treated and \eqn{r_{it} = k}.
#' With `bin = TRUE` the end points are binned: \eqn{D^a} is one for all
#' \eqn{r_{it} \le a} and \eqn{D^b} for all \eqn{r_{it} \ge b} (the paper's
#' pre_5 and post_5). With `bin = FALSE` the rows of treated units outside the
#' window are dropped from the estimation sample. Never-treated units have all
#' dummies zero. The dummies are built on a copy of `data` and the model is
#' fitted by [twfe()], so standard errors are the same (clustered by the unit
#' by default). Relative times with no observation in the sample get no
#' dummy (a note says which).
#'
#' @section Pre-trend test:
#' With \eqn{b} the \eqn{q} estimated pre-period coefficients (every
#' \eqn{k < 0} not in `ref`, the binned end point included) and \eqn{V} their
#' variance, the Wald statistic is \eqn{W = b'V^{-1}b}. The reported test is the
#' F version, \eqn{F = W / q} with an \eqn{F(q, df_t)} p-value, \eqn{df_t} being
#' the degrees of freedom of the t tests (clusters minus one when clustered);
#' the chi-square version \eqn{W \sim \chi^2(q)} is reported beside it.
#'
#' @inheritParams twfe
#' @param formula A formula `y ~ controls | unit + time`, or `y ~ 1 | unit +
#'   time` without controls. The fixed effects must include the unit and the
#'   time columns as plain column names; more fixed effects may follow.
#' @param cohort The column holding each unit's adoption period (first treated
#'   period, on the scale of `time`): a column name (`"adopt"`) or a one-sided
#'   formula (`~adopt`). `NA`, `0` and `Inf` mean never treated. It must be
#'   numeric and constant within each unit.
#' @param time The time column, a name or one-sided formula; by default the
#'   second fixed effect. It must be numeric (years, or a period index), and
#'   relative times `time - cohort` must be whole numbers. The unit is the
#'   first other fixed effect.
#' @param window Two whole numbers `c(first, last)`, the first and last
#'   relative periods given a dummy, with `first < 0 <= last`.
#' @param ref The omitted reference period(s), inside `window`; `-1` (the
#'   period just before adoption) by default.
#' @param bin If `TRUE` (default), bin the end points; if `FALSE`, drop the
#'   rows of treated units outside `window` (with a note saying how many).
#' @param cluster Cluster variable(s), as in [twfe()]. The default is the unit.
#' @param ... Further arguments of [twfe()]: `vcov`, `drop_singletons`, `threads`.
#'
#' @return An object of class `pilotdid_event_study`, a list with
#'   * `table`: a data frame with one row per relative period, the reference
#'     included: `rel_time`, `label` (pre_5 ... pre_2, pre_1, current, post_1
#'     ... post_5), `estimate`, `std.error`, `statistic`, `p.value`,
#'     `conf.low`, `conf.high` (95%), `ref` (`TRUE` for the reference
#'     period(s), whose estimate is 0 and whose other columns are `NA`),
#'     `binned` (`TRUE` for an end point that collects all periods beyond it)
#'     and `n_obs` (observations of treated units in that period);
#'   * `wald`: the pre-trend test, a list with `terms`, `statistic` (F),
#'     `df1` (q), `df2`, `p.value`, `chisq` (W), `chisq_p.value`; statistics
#'     are `NA` when no pre-period coefficient was estimated;
#'   * `fit`: the [twfe()] fit (its `obs` are rows of `data`);
#'   * `window`, `ref`, `bin`, `cohort`, `time`, `unit`, `n_treated`,
#'     `n_never` (treated and never-treated units in the sample), `formula`,
#'     `call`.
#' @family event studies
#' @seealso [event_plot_data()] and [autoplot.pilotdid_event_study()] for the
#'   figure, [summary.pilotdid_event_study()], [tidy.pilotdid_event_study()].
#' @export
#' @examples
#' d <- simulate_panel(n_id = 60, n_t = 12, cohorts = c(2013, 2015, 2017), seed = 1)
#' es <- event_study(y ~ x1 + x2 | id + year, data = d, cohort = "cohort")
#' es
#' es$wald$p.value
#' event_study(y ~ 1 | id + year, data = d, cohort = ~cohort, window = c(-3, 3), bin = FALSE)
event_study <- function(formula, data, cohort, time = NULL, window = c(-5, 5), ref = -1,
                        bin = TRUE, cluster = NULL, weights = NULL, subset = NULL, ...) {
  call <- match.call()
  data <- check_data(data)
  cohort <- cohort_column(if (missing(cohort)) NULL else cohort)
  check_event_dots(list(...))
  opts <- check_event_options(window, ref, bin)
  cols <- event_columns(formula, data, cohort, time, cluster, weights)
  rows <- eval_subset(substitute(subset), data, parent.frame())
  d <- event_sample_data(data, rows, cols)
  ev <- relative_time(d, cols, opts)
  terms <- event_terms(ev, opts)
  check_event_names(terms$label, cols)
  pos <- ev$pos
  keep <- TRUE
  if (ev$n_out > 0) {
    note("Dropped {ev$n_out} row{?s} of treated units outside the event window [{opts$window[1]}, {opts$window[2]}] ({.code bin = FALSE}).")
    keep <- pos != -1L | is.na(pos)
    d <- d[keep, , drop = FALSE]
    pos <- pos[keep]
  }
  # the event-time dummies as codes: twfe_fit() writes them straight into the model matrix
  term_of <- c(NA, match(seq(opts$window[1L], opts$window[2L]), terms$rel_time))
  cells <- list(code = term_of[pos + 1L], names = terms$label)
  w <- event_weights(weights, nrow(data), rows[keep])
  vc <- list(...)$vcov
  if (is.null(cluster) && !is.null(vc) && vc[1L] != "cluster") cols$cluster <- NULL
  f <- event_formula(formula, terms$label)
  fit <- twfe_fit(f, d, seq_len(nrow(d)), cluster = cols$cluster, weights = w, cells = cells, ...)
  fit$call <- call("twfe", formula = f)
  used <- fit$obs
  fit <- event_fit_rows(fit, data, rows, keep, call$data)
  if (length(used) < length(pos)) pos <- pos[used]   # rows used: none with a missing position
  treated <- pos > 0L
  P <- length(ev$counts)
  counts <- if (length(used) < nrow(d)) tabulate(pos[treated], nbins = P) else ev$counts
  tab <- event_table(fit, terms, opts, counts)
  units <- event_units(fit$sample$codes[[cols$unit]], treated)
  out <- list(table = tab, wald = pretrend_wald(fit, tab), fit = fit, window = opts$window,
              ref = opts$ref, bin = opts$bin, cohort = cols$cohort, time = cols$time,
              unit = cols$unit, n_treated = units[["treated"]], n_never = units[["never"]],
              formula = formula, call = call)
  validate_pilotdid_event_study(new_pilotdid_event_study(out))
}

new_pilotdid_event_study <- function(x) structure(x, class = "pilotdid_event_study")

validate_pilotdid_event_study <- function(x) {
  need <- c("rel_time", "label", "estimate", "std.error", "statistic", "p.value",
            "conf.low", "conf.high", "ref", "binned", "n_obs")
  if (!all(need %in% names(x$table)) || !inherits(x$fit, "pilotdid_twfe")) {
    cli::cli_abort("Internal error: malformed {.cls pilotdid_event_study} object.")
  }
  if (is.unsorted(x$table$rel_time, strictly = TRUE)) {
    cli::cli_abort("Internal error: event table not sorted by relative time.")
  }
  x
}

# Arguments passed on to twfe(); weights, subset and cluster are handled here.
check_event_dots <- function(dots, call = rlang::caller_env()) {
  ok <- c("vcov", "drop_singletons", "threads")
  nm <- names(dots) %||% rep("", length(dots))
  bad <- nm[!nm %in% ok]
  if (length(bad)) {
    bad[bad == ""] <- "(unnamed)"
    abort_input(c("{.arg ...} passes only {.arg {ok}} on to {.fn twfe}.",
                  "x" = "Unknown argument{?s}: {.arg {bad}}."), call = call)
  }
  dots
}

check_event_options <- function(window, ref, bin, call = rlang::caller_env()) {
  whole <- function(x) is.numeric(x) && all(is.finite(x)) && all(x == round(x))
  if (!whole(window) || length(window) != 2L || window[1L] >= 0 || window[2L] < 0) {
    abort_input(c("{.arg window} must be two whole numbers {.code c(first, last)} with {.code first < 0 <= last}, e.g. {.code c(-5, 5)}.",
                  "x" = "Got {.code {deparse1(window)}}."), call = call)
  }
  if (!whole(ref) || length(ref) < 1L || anyDuplicated(ref)) {
    abort_input("{.arg ref} must be one or more distinct whole numbers, e.g. {.code -1}.", call = call)
  }
  out <- as.character(ref[ref < window[1L] | ref > window[2L]])
  if (length(out)) {
    abort_input(c("{.arg ref} must lie inside {.arg window} [{window[1L]}, {window[2L]}].",
                  "x" = "Reference period{?s} {out} {?is/are} outside it."), call = call)
  }
  if (length(setdiff(seq(window[1L], window[2L]), ref)) == 0L) {
    abort_input("{.arg ref} leaves no period of {.arg window} to estimate.", call = call)
  }
  if (!is.logical(bin) || length(bin) != 1L || is.na(bin)) {
    abort_input("{.arg bin} must be TRUE or FALSE.", call = call)
  }
  list(window = as.integer(window), ref = sort(as.integer(ref)), bin = bin)
}

# Resolve the unit, time, cohort and cluster columns and check them.
event_columns <- function(formula, data, cohort, time, cluster, weights, call = rlang::caller_env()) {
  spec <- parse_fe_formula(event_formula(formula, ".pd_check"), call)
  check_columns(data, setdiff(all.vars(spec$main), ".pd_check"), "formula", call)
  plain <- lengths(spec$fe) == 1L
  fe_plain <- unlist(spec$fe[plain])
  check_columns(data, cohort, "cohort", call)
  if (is.null(time)) {
    if (length(spec$fe) < 2L) {
      abort_input(c("{.arg formula} needs unit and time fixed effects, e.g. {.code y ~ x | id + year}.",
                    "x" = "It has only {.field {spec$fe_names}}."), call = call)
    }
    time <- spec$fe[[2L]]
  } else {
    time <- formula_columns(time, "time", call)
  }
  if (length(time) != 1L || !time %in% fe_plain) {
    abort_input(c("The time column {.field {time}} must be one of the fixed effects of {.arg formula}, as a plain column.",
                  "i" = "Fixed effects: {.field {spec$fe_names}}."), call = call)
  }
  check_columns(data, time, "time", call)
  if (!is.numeric(data[[time]])) {
    abort_input(c("The time column {.field {time}} must be numeric to compute relative time {.code {time} - {cohort}}.",
                  "x" = "It is {.cls {class(data[[time]])[1]}}."), call = call)
  }
  unit <- setdiff(fe_plain, time)
  if (!length(unit)) {
    abort_input(c("{.arg formula} needs a unit fixed effect besides the time column {.field {time}}, as a plain column.",
                  "i" = "Fixed effects: {.field {spec$fe_names}}."), call = call)
  }
  unit <- unit[1L]
  clus <- if (is.null(cluster)) unit else formula_columns(cluster, "cluster", call)
  check_columns(data, clus, "cluster", call)
  wcol <- if (inherits(weights, "formula")) all.vars(weights) else if (is.character(weights)) weights
  check_columns(data, wcol, "weights", call)
  list(unit = unit, time = time, cohort = cohort, cluster = clus,
       used = unique(c(setdiff(all.vars(spec$main), ".pd_check"), unlist(spec$fe), cohort, clus, wcol)))
}

# A plain data.frame of the used columns and rows (the user's data is never
# modified; with every row, the columns are not copied).
event_sample_data <- function(data, rows, cols) {
  d <- as.list(data)[cols$used]
  if (!identical(rows, seq_len(nrow(data)))) d <- lapply(d, `[`, rows)
  structure(d, class = "data.frame", row.names = c(NA_integer_, -length(rows)))
}

# The event-time position of every row of the sample copy (see
# cpp_event_positions(): 1..P in the window, 0 never treated, NA missing time,
# -1 outside the window), the treated rows per position, and the design
# checks: finite times, whole relative times, treated units, pre-periods,
# reference periods observed.
relative_time <- function(d, cols, opts, call = rlang::caller_env()) {
  tt <- d[[cols$time]]
  coh <- read_cohort(d[[cols$unit]], tt, d[[cols$cohort]], names = list(cohort = cols$cohort, unit = cols$unit),
                     call = call)
  w <- opts$window
  ev <- cpp_event_positions(tt, coh, w[1L], w[2L], opts$bin)
  if (ev$n_inf_time > 0) {
    abort_input(c("The time column {.field {cols$time}} must be finite.",
                  "x" = "{ev$n_inf_time} row{?s} {?has/have} an infinite value."), call = call)
  }
  if (ev$n_frac > 0) {
    abort_input(c("Relative time {.code {cols$time} - {cols$cohort}} must be whole numbers.",
                  "x" = "{ev$n_frac} row{?s} {?has/have} fractional values, e.g. {ev$frac}."), call = call)
  }
  if (ev$n_treated == 0) {
    abort_input(c("No treated unit: every value of the cohort column {.field {cols$cohort}} is NA, 0 or Inf.",
                  "i" = "An event study needs units with an adoption period."), call = call)
  }
  if (ev$n_pre == 0) {
    abort_input(c("No pre-periods in the data: treated units are never observed before adoption.",
                  "i" = "The event study needs rows where {.field {cols$time}} is before {.field {cols$cohort}}, to estimate pre-trends against {.arg ref}."),
                call = call)
  }
  absent <- as.character(opts$ref[ev$counts[opts$ref - w[1L] + 1L] == 0L])
  if (length(absent)) {
    abort_input(c("Reference period{?s} {absent} {?does/do} not occur in the data.",
                  "i" = "Choose a {.arg ref} at which treated units are observed."), call = call)
  }
  ev
}

# The terms to estimate: the periods of the window other than `ref` that
# treated units are observed in (a note names the others).
event_terms <- function(ev, opts) {
  periods <- seq(opts$window[1L], opts$window[2L])
  seen <- periods[ev$counts > 0L]
  est <- setdiff(periods, opts$ref)
  absent <- as.character(setdiff(est, seen))
  if (length(absent)) {
    note("No observations at relative time{?s} {absent}: no coefficient estimated for {?it/them}.")
  }
  est <- intersect(est, seen)
  data.frame(rel_time = est, label = event_labels(est), stringsAsFactors = FALSE)
}

# pre_5 ... pre_1, current, post_1 ... post_5 (the paper's labels).
event_labels <- function(k, lang = "en") {
  if (lang == "zh") {
    return(ifelse(k < 0, paste0("\u653f\u7b56\u524d", abs(k), "\u671f"),
                  ifelse(k == 0, "\u653f\u7b56\u5f53\u671f", paste0("\u653f\u7b56\u540e", k, "\u671f"))))
  }
  ifelse(k < 0, paste0("pre_", abs(k)), ifelse(k == 0, "current", paste0("post_", k)))
}

check_event_names <- function(labels, cols, call = rlang::caller_env()) {
  clash <- intersect(labels, cols$used)
  if (length(clash)) {
    abort_input(c("Column{?s} {.field {clash}} of {.arg data} {?has/have} the name of an event dummy.",
                  "i" = "Rename {cli::qty(length(clash))}{?it/them}: {.fn event_study} builds the dummies pre_k, current and post_k itself."),
                call = call)
  }
  invisible(TRUE)
}

# `y ~ controls | fe` -> `y ~ pre_5 + ... + post_5 + controls | fe` (controls may be `1`).
event_formula <- function(formula, terms, call = rlang::caller_env()) {
  if (!inherits(formula, "formula") || length(formula) != 3L) {
    abort_input("{.arg formula} must be a two-sided formula such as {.code y ~ x | id + year}.", call = call)
  }
  rhs <- formula[[3L]]
  if (!(is.call(rhs) && identical(rhs[[1L]], as.name("|")))) {
    abort_input(c("{.arg formula} has no fixed effects.",
                  "i" = "Write the unit and time after a bar: {.code y ~ x | id + year} or {.code y ~ 1 | id + year}."),
                call = call)
  }
  main <- Reduce(function(a, b) call("+", a, b), lapply(terms, as.name))
  controls <- rhs[[2L]]
  if (!(is.numeric(controls) && controls == 1)) main <- call("+", main, controls)
  stats::as.formula(call("~", formula[[2L]], call("|", main, rhs[[3L]])), env = environment(formula))
}

event_weights <- function(weights, n, rows, call = rlang::caller_env()) {
  if (is.null(weights) || inherits(weights, "formula") || (is.character(weights) && length(weights) == 1L)) {
    return(weights)
  }
  if (!is.numeric(weights) || length(weights) != n) {
    abort_input("{.arg weights} must be a one-sided formula or a numeric vector with one value per row of {.arg data} ({n}).",
                call = call)
  }
  weights[rows]
}

# Map the fit's rows back to rows of the user's data; record rows removed before twfe().
event_fit_rows <- function(fit, data, rows, keep, data_name) {
  fit <- adopt_fit(fit, if (isTRUE(keep)) rows[fit$obs] else rows[keep][fit$obs], data, data_name)
  pre <- data.frame(reason = character(), n = integer())
  if (length(rows) < nrow(data)) pre <- rbind(pre, data.frame(reason = "subset", n = nrow(data) - length(rows)))
  if (!isTRUE(keep)) pre <- rbind(pre, data.frame(reason = "outside event window", n = sum(!keep)))
  fit$removed <- rbind(pre, fit$removed)
  fit
}

# Treated and never-treated units among the rows used (`codes`: the fit's
# unit codes; `treated`: per row used).
event_units <- function(codes, treated) {
  G <- n_levels(list(codes))
  c(treated = sum(tabulate(codes[treated] + 1L, nbins = G) > 0L),
    never = sum(tabulate(codes[!treated] + 1L, nbins = G) > 0L))
}

# One row per relative period of the window that is estimated or a reference;
# `counts`: observations of treated units at each period of the window.
event_table <- function(fit, terms, opts, counts, level = 0.95) {
  est <- fit$coefficients
  se <- sqrt(diag(fit$vcov))
  dropped <- setdiff(terms$label, names(est))
  if (length(dropped)) {
    warn_pd(c("Event dummies {.field {dropped}} were dropped as collinear, so the other coefficients are relative to {cli::qty(length(dropped))}{?it/them} as well as to {.arg ref}.",
              "i" = "This happens without never-treated units, where a fully dynamic model needs more than one reference period: add one to {.arg ref}, e.g. {.code ref = c({opts$window[1]}, -1)}, or bin the end points."))
  }
  terms <- terms[terms$label %in% names(est), , drop = FALSE]
  k <- terms$label
  b <- unname(est[k])
  s <- unname(se[k])
  tab <- data.frame(rel_time = terms$rel_time, label = k, estimate = b, std.error = s,
                    statistic = b / s, p.value = 2 * stats::pt(abs(b / s), fit$df_t, lower.tail = FALSE),
                    conf.low = NA_real_, conf.high = NA_real_, ref = FALSE, stringsAsFactors = FALSE)
  refs <- data.frame(rel_time = opts$ref, label = event_labels(opts$ref), estimate = 0,
                     std.error = NA_real_, statistic = NA_real_, p.value = NA_real_,
                     conf.low = NA_real_, conf.high = NA_real_, ref = TRUE, stringsAsFactors = FALSE)
  tab <- rbind(tab, refs)
  tab <- tab[order(tab$rel_time), , drop = FALSE]
  tab$rel_time <- as.integer(tab$rel_time)
  ci <- event_ci(tab, fit$df_t, level)
  tab$conf.low <- ci[, 1L]
  tab$conf.high <- ci[, 2L]
  tab$binned <- opts$bin & tab$rel_time %in% opts$window
  tab$n_obs <- counts[tab$rel_time - opts$window[1L] + 1L]
  rownames(tab) <- NULL
  tab
}

# t-based confidence bounds of the event table (NA for reference periods).
event_ci <- function(tab, df_t, level) {
  if (!is.numeric(level) || length(level) != 1L || is.na(level) || level <= 0 || level >= 1) {
    abort_input("The confidence level must be a number between 0 and 1, e.g. {.code 0.95}.",
                call = rlang::caller_env())
  }
  q <- stats::qt((1 + level) / 2, df = df_t)
  cbind(tab$estimate - q * tab$std.error, tab$estimate + q * tab$std.error)
}

# Joint test that all estimated pre-period coefficients are zero (see ?event_study).
pretrend_wald <- function(fit, tab) {
  k <- tab$label[tab$rel_time < 0 & !tab$ref]
  q <- length(k)
  out <- list(terms = k, statistic = NA_real_, df1 = q, df2 = fit$df_t, p.value = NA_real_,
              chisq = NA_real_, chisq_p.value = NA_real_)
  if (q == 0L) {
    note("No pre-period coefficient besides {.arg ref}: the pre-trend test is not available.")
    return(out)
  }
  b <- fit$coefficients[k]
  V <- fit$vcov[k, k, drop = FALSE]
  W <- tryCatch(drop(crossprod(b, solve(V, b))), error = function(e) NA_real_)
  if (is.na(W)) {
    warn_pd("The variance of the pre-period coefficients is singular: the pre-trend test is not available.")
    return(out)
  }
  out$statistic <- W / q
  out$p.value <- stats::pf(W / q, q, fit$df_t, lower.tail = FALSE)
  out$chisq <- W
  out$chisq_p.value <- stats::pchisq(W, q, lower.tail = FALSE)
  out
}
