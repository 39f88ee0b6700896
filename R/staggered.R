# Shared steps of the heterogeneity-robust staggered estimators
# (bacon_decomp(), att_gt(), sun_abraham(), did_imputation()): parsing
# `y ~ controls | unit + time`, building the panel, and reading adoption cohorts.

# `y ~ controls | unit + time`; the controls may be `1` (none). Returns the main
# formula, the control labels and the unit and time column names.
parse_did_formula <- function(formula, example = "y ~ 1 | id + year", call = caller_env()) {
  if (!inherits(formula, "formula") || length(formula) != 3L) {
    abort_input("{.arg formula} must be a two-sided formula such as {.code {example}}.",
                call = call)
  }
  rhs <- formula[[3L]]
  if (!(is.call(rhs) && identical(rhs[[1L]], as.name("|")))) {
    abort_input(c("{.arg formula} must name the unit and time columns after a bar.",
                  "i" = "For example {.code {example}}."), call = call)
  }
  fe <- lapply(split_plus(rhs[[3L]]), function(term) split_hat(term, call))
  if (length(fe) != 2L || any(lengths(fe) != 1L)) {
    abort_input(c("{.arg formula} must name exactly two columns after the bar: the unit, then the time.",
                  "x" = "Found {.code {deparse1(rhs[[3L]])}}."), call = call)
  }
  main <- stats::as.formula(call("~", formula[[2L]], rhs[[2L]]), env = environment(formula))
  list(main = main, controls = attr(stats::terms(main), "term.labels"),
       unit = fe[[1L]], time = fe[[2L]], formula = formula)
}

# Name of the cohort column from a string or a one-sided formula (`~g`).
cohort_column <- function(cohort, call = caller_env()) {
  if (is.null(cohort)) abort_input("{.arg cohort} is missing: name the column of first treated periods.", call = call)
  col <- if (inherits(cohort, "formula")) all.vars(cohort[[length(cohort)]]) else cohort
  if (!is.character(col) || length(col) != 1L || is.na(col)) {
    abort_input("{.arg cohort} must name one column, e.g. {.code \"first_year\"} or {.code ~first_year}.",
                call = call)
  }
  col
}

# The panel for the staggered estimators: outcome `y`, controls `X` (N x p, p
# may be 0), unit codes `unit` (0-based), numeric `time`, the sorted `periods`,
# and `period` (1-based index into `periods`). Rows with missing or infinite
# values are dropped with a note; a unit observed twice in a period is an error.
did_panel <- function(spec, data, extra = NULL, call = caller_env()) {
  data <- check_data(data, call = call)
  check_columns(data, c(all.vars(spec$main), spec$unit, spec$time), "formula", call)
  used <- unique(c(all.vars(spec$main), spec$unit, spec$time, extra))
  d <- structure(as.list(data)[used], class = "data.frame", row.names = c(NA_integer_, -nrow(data)))
  mm <- if (length(spec$controls)) model_data(spec$main, d, call) else outcome_only(spec$main, d, call)
  # the note counts missing values of the model's columns only: an NA cohort
  # (never treated) or cluster (`extra`) does not drop the row here
  model_cols <- unique(c(all.vars(spec$main), spec$unit, spec$time))
  ok <- complete_rows(mm, d[model_cols], c(spec$unit, spec$time))
  idx <- which(ok$keep)
  if (!length(idx)) abort_input("No rows are left to estimate {.arg formula} on.", call = call)
  time <- d[[spec$time]][idx]
  if (!is.numeric(time)) {
    abort_input("The time column {.field {spec$time}} must be numeric, not {.cls {class(time)[1]}}.", call = call)
  }
  unit <- group_codes(list(d[[spec$unit]][idx]))
  periods <- sort(unique(time))
  period <- match(time, periods)
  if (anyDuplicated(unit * length(periods) + period)) {
    n_dup <- sum(duplicated(unit * length(periods) + period))
    abort_input(c("The panel has {n_dup} duplicated unit-period row{?s}.",
                  "i" = "Each unit ({.field {spec$unit}}) must appear at most once per period ({.field {spec$time}})."),
                call = call)
  }
  list(y = mm$y[idx], X = mm$X[idx, , drop = FALSE], unit = unit, n_units = max(unit) + 1L,
       unit_id = d[[spec$unit]][idx], time = time, periods = periods, period = period,
       obs = idx, yname = mm$yname, d = d[idx, , drop = FALSE])
}

# Outcome alone (`y ~ 1`, no controls).
outcome_only <- function(main, d, call) {
  y <- eval(main[[2L]], d, environment(main))
  yname <- deparse1(main[[2L]])
  if (is.logical(y)) y <- as.numeric(y)
  if (!is.numeric(y) || length(y) != nrow(d)) {
    abort_input("The outcome {.field {yname}} must be a numeric column.", call = call)
  }
  list(y = as.double(y), X = matrix(0, length(y), 0L), yname = yname)
}

# First treated period of every row's unit from a cohort column: NA, 0 and
# Inf mean never treated (Inf). Checks that it is numeric and constant
# within units.
read_cohort <- function(pn, col, call = caller_env()) {
  g <- pn$d[[col]]
  if (is.logical(g) && all(is.na(g))) g <- as.double(g) # an all-NA column: nobody treated
  if (!is.numeric(g)) {
    abort_input("The cohort column {.field {col}} must be numeric (first treated period; NA, 0 or Inf for never treated).",
                call = call)
  }
  g <- as.double(g)
  g[is.na(g) | g == 0 | is.infinite(g)] <- Inf
  first <- rep(NA_real_, pn$n_units)
  first[pn$unit + 1L] <- g
  if (any(first[pn$unit + 1L] != g)) {
    bad <- length(unique(pn$unit[first[pn$unit + 1L] != g]))
    abort_input("The cohort column {.field {col}} varies within {bad} unit{?s}; it must be constant per unit.",
                call = call)
  }
  g
}

# Keep the units observed in every period (a note names how many were dropped).
balance_panel <- function(pn, what, call = caller_env()) {
  T <- length(pn$periods)
  cnt <- tabulate(pn$unit + 1L, nbins = pn$n_units)
  full <- cnt == T
  pn$dropped_units <- sum(!full)
  if (all(full)) return(pn)
  if (!any(full)) abort_input("No unit is observed in every period: {what} needs a balanced panel.", call = call)
  note("Dropped {sum(!full)} unit{?s} not observed in all {T} periods: {what} needs a balanced panel.")
  keep <- full[pn$unit + 1L]
  pn$unit <- group_codes(list(pn$unit[keep]))
  pn$n_units <- max(pn$unit) + 1L
  for (v in c("y", "time", "period", "obs", "unit_id")) pn[[v]] <- pn[[v]][keep]
  pn$X <- pn$X[keep, , drop = FALSE]
  pn$d <- pn$d[keep, , drop = FALSE]
  pn
}

# Unit-level table: cohort per unit code (0-based codes -> position + 1).
unit_values <- function(x, unit, n_units) {
  out <- rep(x[1L], n_units)
  out[unit + 1L] <- x
  out
}
