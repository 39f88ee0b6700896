# check_*() helpers: validation happens in R, before any C++ runs.

check_count <- function(x, arg, min = 1, call = caller_env()) {
  if (!is.numeric(x) || length(x) != 1L || is.na(x) || x < min || x != round(x)) {
    abort_input("{.arg {arg}} must be a whole number >= {min}.", call = call)
  }
  invisible(as.integer(x))
}

check_flag <- function(x, arg, call = rlang::caller_env()) {
  if (!is.logical(x) || length(x) != 1L || is.na(x)) {
    abort_input("{.arg {arg}} must be TRUE or FALSE.", call = call)
  }
  invisible(x)
}

# One of `choices`; the whole vector (the default of a `c(...)` argument) means the first.
check_choice <- function(x, choices, arg, call = rlang::caller_env()) {
  if (identical(x, choices)) return(choices[[1L]])
  if (!is.character(x) || length(x) != 1L || is.na(x) || !x %in% choices) {
    abort_input("{.arg {arg}} must be {one_of(choices)}.", call = call)
  }
  x
}

# "one of "a", "b" or "c"" for messages about allowed values.
one_of <- function(choices) {
  q <- paste0("\"", choices, "\"")
  if (length(q) == 1L) return(q)
  paste("one of", paste(q[-length(q)], collapse = ", "), "or", q[length(q)])
}

# An error naming arguments that `...` swallowed (a misspelt `lang`, say).
check_no_dots <- function(..., call = rlang::caller_env()) {
  if (...length() == 0L) return(invisible())
  nm <- names(list(...)) %||% rep("", ...length())
  nm <- ifelse(is.na(nm) | !nzchar(nm), "...", nm)
  abort_input("Unknown argument{?s} {.arg {nm}}.", call = call)
}
