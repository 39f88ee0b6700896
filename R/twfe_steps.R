#' Baseline regressions with controls added one at a time
#'
#' `twfe_steps()` fits the columns of the usual baseline table: the first with
#' the treatment and the fixed effects only, each next one adding the next
#' control. Every fit is an ordinary [twfe()] call (same clustering, weights,
#' subset and other arguments), so [update()], [placebo_test()] and friends
#' work on each of them.
#'
#' @param formula The model without controls, e.g. `y ~ treat | id + year`.
#' @param controls Controls in the order they enter: column names or terms as
#'   strings (`"log(pop)"`), or a one-sided formula `~ gov + density`.
#' @param data A data frame.
#' @param cluster Cluster variable(s), as in [twfe()].
#' @param ... Other arguments of [twfe()] (`vcov`, `weights`, `subset`, ...).
#' @return A list of `pilotdid_twfe` fits of class `pilotdid_twfe_steps`, one more
#'   than the number of controls; printing shows them as a [did_table()], which
#'   takes the list as it is. `tidy()` gives the coefficients of every step
#'   (column `step`), `glance()` one row per step.
#' @family tables
#' @export
#' @examples
#' d <- simulate_panel(n_id = 50, n_t = 8, n_x = 3, seed = 1)
#' steps <- twfe_steps(y ~ treat | id + year, controls = c("x1", "x2", "x3"), data = d)
#' steps
#' did_table(steps, lang = "zh")
twfe_steps <- function(formula, controls, data, cluster = NULL, ...) {
  spec <- parse_fe_formula(formula)
  ctrl <- steps_controls(controls)
  dup <- intersect(ctrl, attr(stats::terms(spec$main), "term.labels"))
  if (length(dup)) {
    abort_input("{.arg controls} repeat{?s/} {.field {dup}}, already a regressor of {.arg formula}.")
  }
  data <- check_data(data)
  check_columns(data, unlist(lapply(ctrl, function(v) all.vars(str2lang(v)))), "controls")
  call <- match.call()
  call[[1L]] <- quote(pilotdid::twfe)
  call$controls <- NULL
  env <- parent.frame()
  fits <- vector("list", length(ctrl) + 1L)
  for (k in seq_along(fits)) {
    f <- formula
    if (k > 1L) {
      add <- stats::as.formula(paste(". ~ . +", paste(ctrl[seq_len(k - 1L)], collapse = " + ")))
      f <- update_fe_formula(formula, add)
    }
    call$formula <- f
    fits[[k]] <- eval(call, env)
  }
  new_pilotdid_twfe_steps(fits, ctrl)
}

new_pilotdid_twfe_steps <- function(fits, controls) structure(fits, class = "pilotdid_twfe_steps", controls = controls)

steps_controls <- function(controls, call = caller_env()) {
  if (inherits(controls, "formula")) {
    controls <- attr(stats::terms(controls), "term.labels")
  }
  if (!is.character(controls) || !length(controls) || anyNA(controls) || any(!nzchar(controls))) {
    abort_input("{.arg controls} must be a character vector of control variables or a one-sided formula such as {.code ~ gov + density}.",
                call = call)
  }
  bad <- controls[vapply(controls, function(v) inherits(try(str2lang(v), silent = TRUE), "try-error"), TRUE)]
  if (length(bad)) abort_input("Cannot read control {.val {bad}} as an R expression.", call = call)
  controls
}

#' @export
summary.pilotdid_twfe_steps <- function(object, ...) {
  structure(lapply(unclass(object), summary), class = "summary.pilotdid_twfe_steps",
            controls = attr(object, "controls"))
}

#' @export
print.summary.pilotdid_twfe_steps <- function(x, ...) {
  for (k in seq_along(x)) {
    cat("Step ", k, ":\n", sep = "")
    print(x[[k]], ...)
  }
  invisible(x)
}

#' @export
print.pilotdid_twfe_steps <- function(x, ...) {
  print(did_table(x, ...))
  invisible(x)
}

#' @export
#' @noRd
table_models.pilotdid_twfe_steps <- function(x, ...) list(fits = unclass(x))

#' Tidy the fits of twfe_steps()
#'
#' @param x A `pilotdid_twfe_steps` list of fits.
#' @param ... Passed to [tidy.pilotdid_twfe()].
#' @return `tidy()`: the rows of [tidy.pilotdid_twfe()] for every step, with
#'   a first column `step` (1, 2, ...); `glance()`: the rows of
#'   [glance.pilotdid_twfe()] with `step` and `added` (the control added at
#'   that step, `NA` for the first).
#' @family tables
#' @method tidy pilotdid_twfe_steps
#' @export
#' @examples
#' d <- simulate_panel(n_id = 40, n_t = 6, seed = 2)
#' steps <- twfe_steps(y ~ treat | id + year, controls = ~ x1 + x2, data = d)
#' tidy(steps)
#' glance(steps)
tidy.pilotdid_twfe_steps <- function(x, ...) {
  out <- lapply(seq_along(x), function(k) cbind(step = k, tidy.pilotdid_twfe(x[[k]], ...)))
  do.call(rbind, out)
}

#' @rdname tidy.pilotdid_twfe_steps
#' @method glance pilotdid_twfe_steps
#' @export
glance.pilotdid_twfe_steps <- function(x, ...) {
  out <- do.call(rbind, lapply(unclass(x), glance.pilotdid_twfe))
  cbind(step = seq_along(x), added = c(NA_character_, attr(x, "controls")), out)
}

#' @exportS3Method knitr::knit_print
#' @noRd
knit_print.pilotdid_twfe_steps <- function(x, ...) knit_print.pilotdid_did_table(did_table(x))
