# Shared steps of the staggered estimators (bacon_decomp(), att_gt(),
# sun_abraham(), did_imputation(), event_study(), placebo_test(),
# synth_did()): parsing `y ~ controls | unit + time`, building the panel,
# sampling weights, reading adoption cohorts (read_cohort(): the one reader of
# a cohort column or 0/1 treatment) and the comparison group when no unit is
# never treated (last_cohort_control()).

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
# and `period` (1-based index into `periods`), `obs` (rows of `data`). Only
# the rows `rows` (from eval_subset(); NULL = all) are used. Rows with missing
# or infinite values are dropped with a note; a unit observed twice in a
# period is an error.
did_panel <- function(spec, data, extra = NULL, rows = NULL, call = caller_env()) {
  data <- check_data(data, call = call)
  check_columns(data, c(all.vars(spec$main), spec$unit, spec$time), "formula", call)
  used <- unique(c(all.vars(spec$main), spec$unit, spec$time, extra))
  d <- as.list(data)[used]
  if (!is.null(rows) && !identical(rows, seq_len(nrow(data)))) {
    if (!length(rows)) abort_input("{.arg subset} selects no row.", call = call)
    d <- lapply(d, `[`, rows)
  }
  rows <- rows %||% seq_len(nrow(data))
  d <- structure(d, class = "data.frame", row.names = c(NA_integer_, -length(rows)))
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
       obs = rows[idx], yname = mm$yname, d = d[idx, , drop = FALSE], unit_name = spec$unit)
}

# Columns of `data` a staggered verb reads besides the formula's: the cohort,
# cluster and weight columns, checked to exist (when `data` is a data frame;
# did_panel() says when it is not).
did_extra_columns <- function(data, cohort = NULL, cluster = NULL, weights = NULL, call = caller_env()) {
  if (!is.data.frame(data)) return(list(extra = c(cohort, cluster), weights = list()))
  check_columns(data, cohort, "cohort", call)
  check_columns(data, cluster, "cluster", call)
  w <- weight_spec(weights, data, call)
  list(extra = c(cohort, cluster, w$col), weights = w)
}

# Sampling weights of the panel's rows (NULL without weights), checked as
# twfe() checks them (R/sample.R): finite, >= 0, none missing on rows used
# (rows that left the panel may have any weight). `per_unit`: they must also
# be constant within units (did's convention for panel data).
did_weights <- function(info, pn, per_unit = FALSE, call = caller_env()) {
  if (!length(info)) return(NULL)
  w <- if (!is.null(info$values)) info$values[pn$obs] else as.double(pn$d[[info$col]])
  check_weights(w, rep(TRUE, length(w)), call)
  if (!any(w > 0)) abort_input("{.arg weights} are all zero on the rows used.", call = call)
  if (per_unit) {
    wu <- unit_values(w, pn$unit, pn$n_units)
    varies <- wu[pn$unit + 1L] != w
    if (any(varies)) {
      ids <- unique(pn$unit_id[varies])
      abort_input(c("{.arg weights} vary within {length(ids)} unit{?s}; they must be constant per unit (one weight per unit, as in {.pkg did}).",
                    "x" = "For example {.field {pn$unit_name}} {.val {utils::head(ids, 3)}}."), call = call)
    }
  }
  rescale_weights(w, rep(TRUE, length(w)))
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

# The adoption cohort of every row: its unit's first treated period, on the
# scale of `time`, Inf for never treated. The one reader of adoption timing:
# from a cohort column `g` (numeric; NA, 0 and Inf mean never treated;
# constant within units) or, when `g` is NULL, from a 0/1 treatment `D` that
# stays on once adopted. Given both, they must agree. `unit`: the unit of each
# row (rows with a missing unit are not checked); `names`: the column names
# for messages (`cohort`, `treat`, `unit`); `what`: the method that needs a
# staggered treatment.
read_cohort <- function(unit, time, g = NULL, D = NULL, names = list(), what = "a staggered design",
                        call = caller_env()) {
  u0 <- group_codes(list(unit))   # match(unit, unique(unit)) - 1, fast on integer ids
  ok <- if (anyNA(unit)) !is.na(unit) else TRUE
  example <- function(bad) {
    ids <- utils::head(unique(unit[bad]), 3L)
    c("x" = gsub("([{}])", "\\1\\1", cli::format_inline("For example {names$unit %||% 'unit'} {.val {ids}}.")))
  }
  if (is.null(g)) return(cohort_from_treatment(u0 + 1L, ok, time, D, names, what, example, call))
  if (!is.numeric(g) && all(is.na(g))) g <- rep(NA_real_, length(g)) # an all-NA column: nobody treated
  if (!is.numeric(g)) {
    abort_input(c("The cohort column {.field {names$cohort}} must be numeric (first treated period; NA, 0 or Inf for never treated).",
                  "x" = "It is {.cls {class(g)[1]}}."), call = call)
  }
  chk <- cpp_cohort_rows(as.double(g), u0, attr(u0, "G"), if (isTRUE(ok)) logical() else ok)
  g <- chk$g   # NA, 0 and Inf: Inf
  if (chk$bad > 0) {
    varies <- ok & g != g[cpp_first_rows(u0, attr(u0, "G"))][u0 + 1L]   # against each unit's first row
    abort_input(c("The cohort column {.field {names$cohort}} varies within {length(unique(u0[varies]))} unit{?s}; it must be constant per unit.",
                  example(varies),
                  "i" = "Give every row of a unit its first treated period (NA, 0 or Inf for never treated)."),
                call = call)
  }
  if (!is.null(D) && any((time >= g) != (D == 1))) {
    abort_input(c("The cohort column {.field {names$cohort}} does not agree with the treatment {.field {names$treat}}.",
                  example((time >= g) != (D == 1))), call = call)
  }
  g
}

# read_cohort() from a 0/1 treatment: the first period with D = 1.
cohort_from_treatment <- function(u, ok, time, D, names, what, example, call) {
  if (!(is.numeric(D) || is.logical(D)) || !all(D %in% c(0, 1))) {
    abort_input("The treatment {.field {names$treat}} must be 0/1.", call = call)
  }
  on <- D == 1
  start <- rep(Inf, max(u, 0L))
  first_on <- tapply(time[on], u[on], min)
  start[as.integer(names(first_on))] <- first_on
  g <- start[u]
  off <- ok & on != (time >= g)
  if (any(off)) {
    abort_input(c("The treatment {.field {names$treat}} switches off for {length(unique(u[off]))} unit{?s}: {what} needs it to stay on once adopted.",
                  example(off)), call = call)
  }
  g
}

# The comparison group when no unit is never treated: the last cohort. `g`
# holds the cohorts of the units (or rows) that take part (Inf = never
# treated), `periods` the sample periods. Without never-treated units, the
# last cohort becomes the comparison group (its `g` set to Inf) and the
# periods from its adoption (minus `anticipation`) on are to be dropped
# (`cutoff`; Inf when nothing changes): did's `control_group =
# "notyettreated"` convention, and Sun and Abraham's (fixest's sunab()).
# `time`: the period of each row of `g` when `g` holds rows, for the count of
# observations dropped in the note.
last_cohort_control <- function(g, periods, anticipation = 0, time = NULL, call = caller_env()) {
  cohorts <- sort(unique(g[is.finite(g)]))
  if (!length(cohorts)) abort_input("No unit adopts the treatment within the sample periods.", call = call)
  if (any(is.infinite(g))) return(list(g = g, cutoff = Inf, control = "never treated"))
  if (length(cohorts) < 2L) {
    abort_input("There is no never-treated unit and a single adoption cohort: no comparison group.", call = call)
  }
  last_g <- cohorts[length(cohorts)]
  cutoff <- last_g - anticipation
  # rows dropped: those of `time` (one per row of `g`), else a balanced panel of units
  n_drop <- if (is.null(time)) length(g) * sum(periods >= cutoff) else sum(time >= cutoff)
  note("No never-treated unit: the last cohort ({last_g}) is the comparison group; dropped the {n_drop} observation{?s} from {cutoff} on.")
  if (sum(periods < cutoff) < 2L) {
    abort_input("Too few periods or cohorts are left to compare: the design has no clean comparison group.", call = call)
  }
  g[g == last_g] <- Inf
  list(g = g, cutoff = cutoff, control = paste("cohort", last_g))
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
  panel_rows(pn, full[pn$unit + 1L])
}

# The panel on the rows `keep` (logical), units coded again.
panel_rows <- function(pn, keep) {
  pn$unit <- group_codes(list(pn$unit[keep]))
  pn$n_units <- max(pn$unit) + 1L
  for (v in c("y", "time", "period", "obs", "unit_id", "w", "cohort")) pn[[v]] <- pn[[v]][keep]
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
