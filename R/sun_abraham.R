#' Interaction-weighted event study (Sun and Abraham)
#'
#' Fits a two-way fixed-effects regression with one dummy per adoption cohort
#' and period relative to adoption (a saturated event study, [twfe()] in C++),
#' then averages the cohort-specific effects of each relative period with the
#' cohorts' shares as weights. Unlike the pooled event study, the estimates
#' are not contaminated by effects at other relative periods when effects
#' differ across cohorts.
#'
#' @section Model:
#' For treated cohort \eqn{g} and relative period \eqn{e = t - g}, the
#' regression is
#' \deqn{y_{it} = \alpha_i + \gamma_t + \sum_{g}\sum_{e \notin ref} \delta_{g,e} 1\{G_i = g, t - g = e\} + x_{it}'\beta + \varepsilon_{it},}
#' estimated on the never-treated units and the treated cohorts. The
#' interaction-weighted estimate of relative period \eqn{e} is
#' \eqn{\sum_g s_{g,e} \hat\delta_{g,e}}, with \eqn{s_{g,e}} the share of the
#' observations at \eqn{e} that belong to cohort \eqn{g} (weighted by the
#' regression weights, if any); its variance is \eqn{s'Vs} with \eqn{V} the
#' [twfe()] variance (clustered by unit by default). The overall ATT averages
#' all \eqn{\hat\delta_{g,e}} with \eqn{e \ge 0} the same way. These are the
#' estimates of `fixest::feols(y ~ sunab(cohort, time) | unit + time)` and its
#' `aggregate(agg = "att")`.
#'
#' @section Comparison group:
#' Units never treated, or adopting after the last period, form the control
#' group. Units treated from the first period on have no pre-period and are
#' dropped (with a note). Without never-treated units the last adopting cohort
#' is the control group, and the periods from its adoption on are dropped
#' (with a note), as Sun and Abraham (2021) suggest.
#'
#' @inheritParams did_imputation
#' @param ref The omitted relative period(s) (default `-1`, the period before
#'   adoption); whole numbers.
#' @param subset Optional rows to use: an expression evaluated in `data`
#'   (`year <= 2019`), a logical vector or row numbers.
#' @param ... Further arguments of [twfe()]: `cluster`, `vcov`, `weights`,
#'   `threads`.
#' @return An object of class `pilotdid_sun_abraham`: `estimates` (a data frame, one
#'   row per relative period and the reference rows: `term` (pre_2,
#'   pre_1, current, post_1, ...), `rel_time`, `estimate`, `std.error`,
#'   `statistic`, `p.value`, `conf.low`, `conf.high`, `n_obs`, `ref`), `att`
#'   (the overall ATT, one row with the same columns), `cohort_effects` (a
#'   data frame of the cohort-specific \eqn{\hat\delta_{g,e}}: `cohort`,
#'   `rel_time`, `estimate`, `std.error`, `n_obs`), `fit` (the [twfe()] fit),
#'   `control`, `dropped_units`, `level`, `formula`, `cohort`, `call`.
#' @references Sun, L. and Abraham, S. (2021). Estimating dynamic treatment
#'   effects in event studies with heterogeneous treatment effects. *Journal of
#'   Econometrics* 225(2), 175-199.
#' @family robust estimators
#' @export
#' @examples
#' d <- simulate_panel(n_id = 80, n_t = 10, seed = 1)
#' sa <- sun_abraham(y ~ x1 | id + year, data = d, cohort = "cohort")
#' sa
#' tidy(sa)
sun_abraham <- function(formula, data, cohort, ref = -1, level = 0.95, subset = NULL, ...) {
  call <- match.call()
  spec <- parse_did_formula(formula)
  gcol <- cohort_column(if (missing(cohort)) NULL else cohort)
  data <- check_data(data)
  check_level(level)
  if (!is.numeric(ref) || !length(ref) || anyNA(ref) || any(ref != round(ref))) {
    abort_input("{.arg ref} must be whole numbers (relative periods).")
  }
  cols <- did_extra_columns(data, cohort = gcol)
  rows <- if (is.data.frame(data)) eval_subset(substitute(subset), data, parent.frame())
  pn <- did_panel(spec, data, extra = cols$extra, rows = rows)
  g <- read_cohort(pn$unit_id, pn$time, pn$d[[gcol]], names = list(cohort = gcol, unit = spec$unit))
  nm <- ...names() %||% rep("", ...length())
  bad <- intersect(nm, c("formula", "data"))
  if (length(bad)) abort_input("{.arg {bad}} cannot be passed to {.fn twfe} through {.arg ...}.")
  unknown <- setdiff(nm, names(formals(twfe)))
  if (length(unknown)) {
    unknown[unknown == ""] <- "(unnamed)"
    abort_input(c("{.fn sun_abraham} passes {.arg ...} to {.fn twfe}, which has no argument {.arg {unknown}}.",
                  "i" = "It takes {.arg {setdiff(names(formals(twfe)), c('formula', 'data', 'subset'))}}."))
  }
  des <- sunab_design(pn, g, ref)
  fit <- sunab_fit(spec, data, des, list(...), call$data)
  new_pilotdid_sun_abraham(fit, des, level, formula, gcol, call)
}

# Cohort x relative-period dummies on the rows kept; notes for dropped units
# and periods.
sunab_design <- function(pn, g, ref, call = caller_env()) {
  first <- pn$periods[1L]
  last <- pn$periods[length(pn$periods)]
  g[g > last] <- Inf
  keep <- rep(TRUE, length(g))
  always <- g <= first
  if (any(always)) {
    n_al <- length(unique(pn$unit[always]))
    note("Dropped {n_al} unit{?s} treated from the first period on: they have no pre-treatment period.")
    keep <- keep & !always
  }
  cmp <- last_cohort_control(g[keep], pn$periods, time = pn$time[keep], call = call)
  g[keep] <- cmp$g
  keep <- keep & pn$time < cmp$cutoff
  cohorts <- sort(unique(g[keep & is.finite(g)]))
  control <- cmp$control
  rows <- which(keep)
  e <- pn$time[rows] - g[rows]
  gr <- g[rows]
  absent <- as.character(setdiff(ref, e[is.finite(gr)]))
  if (length(absent)) {
    abort_input(c("Reference period{?s} {absent} {?does/do} not occur in the data.",
                  "i" = "Choose a {.arg ref} at which treated units are observed (relative periods seen: {sort(unique(e[is.finite(gr)]))})."),
                call = call)
  }
  treated <- is.finite(gr) & !(e %in% ref)
  # cells (cohort, relative period) as integer keys: fast on large panels
  ci <- match(gr, cohorts)
  eu <- sort(unique(e[treated]))
  key <- ifelse(treated, (ci - 1L) * length(eu) + match(e, eu), NA_integer_)
  used <- sort(unique(key[treated]))
  cells <- data.frame(cohort = cohorts[(used - 1L) %/% length(eu) + 1L],
                      rel_time = eu[(used - 1L) %% length(eu) + 1L])
  cells$name <- sprintf("sunab_g%s_e%s", format_num(cells$cohort), format_num(cells$rel_time))
  list(rows = pn$obs[rows], cell = match(key, used), cells = cells, ref = ref, control = control,
       dropped_units = if (any(always)) length(unique(pn$unit[always])) else 0L)
}

# Numbers as name-safe strings: 2011 -> "2011", -2 -> "m2", 0.5 -> "0p5".
format_num <- function(x) gsub(".", "p", sub("^-", "m", format(x, scientific = FALSE, trim = TRUE)), fixed = TRUE)

# The saturated regression by twfe() on the rows used: the columns of `data`
# the model needs plus one 0/1 column per cell.
sunab_fit <- function(spec, data, des, dots, data_name = NULL) {
  cols <- unique(c(all.vars(spec$main), spec$unit, spec$time,
                   formula_columns(dots$cluster, "cluster"),
                   if (inherits(dots$weights, "formula")) all.vars(dots$weights),
                   if (is.character(dots$weights)) dots$weights))
  cols <- intersect(cols, names(data))
  d <- lapply(as.list(data)[cols], `[`, des$rows)
  d <- structure(d, class = "data.frame", row.names = c(NA_integer_, -length(des$rows)))
  if (is.numeric(dots$weights)) dots$weights <- dots$weights[des$rows]
  rhs <- Reduce(function(a, b) call("+", a, b), lapply(c(des$cells$name, spec$controls), str2lang))
  f <- stats::as.formula(call("~", spec$main[[2L]], call("|", rhs, call("+", as.name(spec$unit), as.name(spec$time)))),
                         env = environment(spec$formula))
  old <- options(pilotdid.quiet = TRUE)
  on.exit(options(old))
  cells <- list(code = des$cell, names = des$cells$name)
  fit <- do.call(twfe_fit, c(list(formula = f, data = d, rows = seq_along(des$rows), cells = cells), dots))
  fit$call <- call("twfe", formula = f)   # do.call() inlined the data into the call
  options(old)
  sunab_removed_note(fit$removed, d[setdiff(cols, c(all.vars(spec$main), spec$unit, spec$time))])
  fit$cell <- des$cell[fit$obs]
  fit <- adopt_fit(fit, des$rows[fit$obs], data, data_name)
  fit
}

# did_panel() has noted the rows dropped for the model's columns; rows the
# regression drops besides (a missing cluster or weight, a zero weight) are
# noted here, since the inner twfe() runs quietly.
sunab_removed_note <- function(removed, extra) {
  for (i in seq_len(NROW(removed))) {
    n <- removed$n[i]
    if (removed$reason[i] == "missing values") {
      counts <- vapply(extra, function(x) sum(is.na(x) | (is.numeric(x) & is.infinite(x))), 1L)
      counts <- counts[counts > 0]
      detail <- if (length(counts)) paste0(names(counts), " (", counts, ")", collapse = ", ") else "weights"
      note("Dropped {n} row{?s} with missing or infinite values: {detail}.")
    } else {
      note("Dropped {n} row{?s}: {removed$reason[i]}.")
    }
  }
}

new_pilotdid_sun_abraham <- function(fit, des, level, formula, gcol, call) {
  cells <- des$cells
  b <- fit$coefficients
  ok <- cells$name %in% names(b)
  w <- fit$weights %||% rep(1, length(fit$cell))
  has <- !is.na(fit$cell)
  cells$n_obs <- numeric(nrow(cells))
  s <- rowsum(w[has], fit$cell[has])
  cells$n_obs[as.integer(rownames(s))] <- s[, 1L]
  cells <- cells[ok, , drop = FALSE]
  fit$cell <- NULL
  V <- fit$vcov[cells$name, cells$name, drop = FALSE]
  z <- stats::qt((1 + level) / 2, df = fit$df_t)
  agg <- function(sel, term, e) {
    s <- cells$n_obs[sel] / sum(cells$n_obs[sel])
    est <- sum(s * b[cells$name[sel]])
    se <- sqrt(drop(t(s) %*% V[sel, sel, drop = FALSE] %*% s))
    data.frame(term = term, rel_time = e, estimate = est, std.error = se, statistic = est / se,
               p.value = 2 * stats::pt(-abs(est / se), df = fit$df_t), conf.low = est - z * se,
               conf.high = est + z * se, n_obs = sum(cells$n_obs[sel]), ref = FALSE)
  }
  es <- sort(unique(cells$rel_time))
  tab <- do.call(rbind, lapply(es, function(e) agg(cells$rel_time == e, rel_time_label(e), e)))
  refs <- data.frame(term = rel_time_label(des$ref), rel_time = as.numeric(des$ref), estimate = 0,
                     std.error = NA_real_, statistic = NA_real_, p.value = NA_real_, conf.low = NA_real_,
                     conf.high = NA_real_, n_obs = NA_real_, ref = TRUE)
  tab <- rbind(tab, refs)
  tab <- tab[order(tab$rel_time), , drop = FALSE]
  rownames(tab) <- NULL
  # Joint covariance of the event-time estimates: S'VS, S the cell weights.
  S <- vapply(es, function(e) ifelse(cells$rel_time == e, cells$n_obs, 0) / sum(cells$n_obs[cells$rel_time == e]),
              numeric(nrow(cells)))
  S <- matrix(S, nrow = nrow(cells))
  vc <- t(S) %*% V %*% S
  dimnames(vc) <- list(rel_time_label(es), rel_time_label(es))
  post <- cells$rel_time >= 0
  att <- if (any(post)) agg(post, "ATT", NA_real_) else NULL
  coh <- data.frame(cohort = cells$cohort, rel_time = cells$rel_time, estimate = unname(b[cells$name]),
                    std.error = sqrt(diag(V)), n_obs = cells$n_obs, row.names = NULL)
  structure(list(estimates = tab, att = att, cohort_effects = coh, vcov = vc, fit = fit, control = des$control,
                 dropped_units = des$dropped_units, level = level, formula = formula, cohort = gcol,
                 call = call),
            class = "pilotdid_sun_abraham")
}

#' Methods for Sun-Abraham event studies
#'
#' `tidy()` returns one row per relative period (the reference period(s)
#' included, with estimate 0) followed by the overall ATT:
#'
#' | column | meaning |
#' |---|---|
#' | term | "pre_2", "pre_1", "current", "post_1", ..., then "ATT" |
#' | rel_time | relative period (numeric; `NA` for the ATT) |
#' | estimate, std.error | interaction-weighted estimate and its standard error |
#' | statistic, p.value | t statistic and two-sided p-value (the fit's degrees of freedom) |
#' | conf.low, conf.high | confidence interval at the fit's `level` |
#' | n_obs | treated observations behind the estimate |
#' | ref | `TRUE` for a reference period |
#'
#' @param x,object A `pilotdid_sun_abraham` result.
#' @param ... Unused.
#' @return `tidy()`: a data frame; `summary()`: a `summary.pilotdid_sun_abraham` list.
#' @family robust estimators
#' @name sunab-methods
#' @examples
#' d <- simulate_panel(n_id = 60, n_t = 8, seed = 2)
#' sa <- sun_abraham(y ~ 1 | id + year, data = d, cohort = "cohort")
#' summary(sa)
NULL

#' @rdname sunab-methods
#' @method tidy pilotdid_sun_abraham
#' @export
tidy.pilotdid_sun_abraham <- function(x, ...) {
  out <- rbind(x$estimates, x$att)
  rownames(out) <- NULL
  out
}

#' @rdname sunab-methods
#' @export
summary.pilotdid_sun_abraham <- function(object, ...) {
  structure(list(table = tidy(object), formula = object$formula, nobs = object$fit$nobs,
                 control = object$control, se = se_label(object$fit), level = object$level),
            class = "summary.pilotdid_sun_abraham")
}

#' @rdname sunab-methods
#' @export
print.summary.pilotdid_sun_abraham <- function(x, ...) {
  cat("Sun-Abraham interaction-weighted event study:", deparse1(x$formula), "\n")
  cat("Observations:", format(x$nobs, big.mark = ","), "  comparison group:", x$control, "\n")
  cat("Standard errors:", x$se, "\n")
  tab <- x$table[!x$table$ref, , drop = FALSE]
  m <- cbind(Estimate = tab$estimate, `Std. Error` = tab$std.error, `t value` = tab$statistic,
             `Pr(>|t|)` = tab$p.value)
  rownames(m) <- tab$term
  stats::printCoefmat(m, digits = max(3L, getOption("digits") - 3L), signif.legend = FALSE)
  invisible(x)
}

#' @rdname sunab-methods
#' @export
print.pilotdid_sun_abraham <- function(x, ...) {
  print(summary(x))
  invisible(x)
}

#' @rdname sunab-methods
#' @export
coef.pilotdid_sun_abraham <- function(object, ...) {
  tab <- object$estimates[!object$estimates$ref, , drop = FALSE]
  stats::setNames(tab$estimate, tab$term)
}

#' @rdname sunab-methods
#' @export
vcov.pilotdid_sun_abraham <- function(object, ...) object$vcov

# did_table() column: the event-time effects and the overall ATT (not the
# cohort x period dummies of the underlying fit), with the fit's N and FE rows.
#' @export
#' @noRd
table_column.pilotdid_sun_abraham <- function(x, ...) {
  col <- table_column(x$fit)
  td <- tidy(x)
  td <- td[!td$ref, ]
  col$coef <- data.frame(term = td$term, estimate = td$estimate, std.error = td$std.error,
                         statistic = td$statistic, p.value = td$p.value)
  col
}
