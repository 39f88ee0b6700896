# check_*() helpers: validation happens in R, before any C++ runs.

check_count <- function(x, arg, min = 1, call = caller_env()) {
  if (!is.numeric(x) || length(x) != 1L || is.na(x) || x < min || x != round(x) || x > .Machine$integer.max) {
    abort_input("{.arg {arg}} must be a whole number between {min} and {(.Machine$integer.max)}.", call = call)
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

# A confidence level strictly between 0 and 1 (`arg` names it in the message).
check_level <- function(level, arg = "level", call = caller_env()) {
  if (!is.numeric(level) || length(level) != 1L || is.na(level) || level <= 0 || level >= 1) {
    abort_input("{.arg {arg}} must be a number between 0 and 1.", call = call)
  }
  invisible(level)
}

# An argument renamed in this version: the old name still works for one
# release, with a deprecation warning.
deprecated_arg <- function(new, old, new_name, old_name) {
  if (is.null(old)) return(new)
  cli::cli_warn("{.arg {old_name}} is deprecated; use {.arg {new_name}} (the number of draws is {.arg n} in every verb).",
                class = c("pilotdid_deprecated", "pilotdid_warning"))
  old
}

# An error naming arguments that `...` swallowed (a misspelt `lang`, say).
check_no_dots <- function(..., call = rlang::caller_env()) {
  if (...length() == 0L) return(invisible())
  nm <- names(list(...)) %||% rep("", ...length())
  nm <- ifelse(is.na(nm) | !nzchar(nm), "...", nm)
  abort_input("Unknown argument{?s} {.arg {nm}}.", call = call)
}

# `data` must be a data frame; integer64 columns (bit64: data.table::fread(),
# databases) become plain vectors: doubles when every value is exact in a
# double (|x| < 2^53), otherwise character, so identifiers keep their
# identity (bit64's NA is a double 0 when unclassed: it must not meet 0).
check_data <- function(data, arg = "data", call = caller_env()) {
  if (!is.data.frame(data)) abort_input("{.arg {arg}} must be a data frame.", call = call)
  is64 <- vapply(data, inherits, TRUE, what = "integer64")
  if (!any(is64)) return(data)
  rlang::check_installed("bit64", "to read integer64 columns", call = call)
  for (v in names(data)[is64]) {
    x <- data[[v]]
    xd <- suppressWarnings(bit64::as.double.integer64(x))
    if (all(is.na(xd) | abs(xd) < 2^53)) {
      data[[v]] <- xd
    } else {
      note("Column {.field {v}} (integer64) has values beyond 2^53, which a double cannot hold exactly: it is read as identifiers (character).")
      data[[v]] <- bit64::as.character.integer64(x)
    }
  }
  data
}
