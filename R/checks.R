# check_*() helpers: validation happens in R, before any C++ runs.

check_count <- function(x, arg, min = 1, call = caller_env()) {
  if (!is.numeric(x) || length(x) != 1L || is.na(x) || x < min || x != round(x)) {
    abort_input("{.arg {arg}} must be a whole number >= {min}.", call = call)
  }
  invisible(as.integer(x))
}
