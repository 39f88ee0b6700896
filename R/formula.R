# Parsing `y ~ x1 + x2 | fe1 + fe2` once, for every verb.

# Split a fixed-effects formula into its regression part and its FE terms.
# Returns list(main = y ~ x1 + x2, fe = list(c("fe1"), c("a", "b")), fe_names).
# A FE term `a^b` is the interaction of a and b (one level per combination).
parse_fe_formula <- function(formula, call = caller_env()) {
  if (!inherits(formula, "formula") || length(formula) != 3L) {
    abort_input(c("{.arg formula} must be a two-sided formula such as {.code y ~ x | id + year}."),
                call = call)
  }
  rhs <- formula[[3L]]
  if (!(is.call(rhs) && identical(rhs[[1L]], as.name("|")))) {
    abort_input(c("{.arg formula} has no fixed effects.",
                  "i" = "Write them after a bar: {.code y ~ x | id + year}."), call = call)
  }
  if ("." %in% all.names(rhs[[2L]])) {
    abort_input(c("{.arg formula} cannot use {.code .} for \"all other columns\".",
                  "i" = "Name the regressors: {.code y ~ treat + x1 + x2 | id + year}."), call = call)
  }
  main <- stats::as.formula(call("~", formula[[2L]], rhs[[2L]]), env = environment(formula))
  fe_terms <- split_plus(rhs[[3L]])
  fe <- lapply(fe_terms, function(term) split_hat(term, call))
  fe_names <- vapply(fe, paste, character(1), collapse = "^")
  if (anyDuplicated(fe_names)) {
    abort_input("Fixed effect {.field {fe_names[duplicated(fe_names)]}} is listed twice in {.arg formula}.",
                call = call)
  }
  tt <- stats::terms(main)
  if (length(attr(tt, "term.labels")) == 0L) {
    abort_input(c("{.arg formula} has no regressor before the bar.",
                  "i" = "A fixed-effects-only model has no coefficient to estimate: add the treatment, e.g. {.code y ~ treat | id + year}."),
                call = call)
  }
  list(main = main, fe = fe, fe_names = fe_names)
}

split_plus <- function(expr) {
  if (is.call(expr) && identical(expr[[1L]], as.name("+")) && length(expr) == 3L) {
    return(c(split_plus(expr[[2L]]), split_plus(expr[[3L]])))
  }
  if (is.call(expr) && identical(expr[[1L]], as.name("("))) return(split_plus(expr[[2L]]))
  list(expr)
}

split_hat <- function(expr, call) {
  if (is.name(expr)) return(as.character(expr))
  if (is.call(expr) && identical(expr[[1L]], as.name("^"))) {
    return(c(split_hat(expr[[2L]], call), split_hat(expr[[3L]], call)))
  }
  abort_input(c("Fixed effects must be column names or interactions {.code a^b}.",
                "x" = "Cannot use {.code {deparse(expr)}} as a fixed effect."), call = call)
}

# Column names referenced by a one-sided formula (`~ id`, `~ a + b`) or a character vector.
formula_columns <- function(x, arg, call = caller_env()) {
  if (is.null(x)) return(NULL)
  if (is.character(x)) return(x)
  if (inherits(x, "formula")) return(all.vars(x[[length(x)]]))
  abort_input("{.arg {arg}} must be a one-sided formula such as {.code ~id} or column names.",
              call = call)
}

# Check that every named column exists in `data`.
check_columns <- function(data, cols, arg = "formula", call = caller_env()) {
  missing <- setdiff(unique(cols), names(data))
  if (length(missing)) {
    abort_input("{cli::qty(length(missing))}Column{?s} {.field {missing}} {?is/are} not in {.arg data} (used in {.arg {arg}}).",
                call = call)
  }
  invisible(TRUE)
}
