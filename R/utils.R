# Conditions and small helpers shared by every verb.

abort_input <- function(message, ..., class = NULL, call = caller_env(), .envir = parent.frame()) {
  cli::cli_abort(message, ..., class = c(class, "pilotdid_error_input", "pilotdid_error"),
                 call = call, .envir = .envir)
}

warn_pd <- function(message, ..., .envir = parent.frame()) {
  cli::cli_warn(message, ..., class = "pilotdid_warning", .envir = .envir)
}

# Notes about dropped rows or variables; silenced by options(pilotdid.quiet = TRUE).
note <- function(message, ..., .envir = parent.frame()) {
  if (isTRUE(getOption("pilotdid.quiet", FALSE))) return(invisible())
  cli::cli_inform(message, ..., class = "pilotdid_message", .envir = .envir)
}

`%||%` <- function(x, y) if (is.null(x)) y else x

# Dense 0-based integer codes of one or more identifier columns (a list of
# vectors), with the number of levels in attribute "G".
group_codes <- function(cols) {
  codes <- group_codes_(cols)
  if (is.null(attr(codes, "G"))) attr(codes, "G") <- if (length(codes)) max(codes) + 1L else 0L
  codes
}

group_codes_ <- function(cols) {
  if (length(cols) == 1L) {
    x <- cols[[1L]]
    if (is.factor(x)) x <- as.integer(x)
    if (inherits(x, c("Date", "POSIXct"))) x <- as.numeric(x)   # dates are fixed effects like any value
    if (is.double(x) && all(x == trunc(x)) && all(abs(x) < .Machine$integer.max)) x <- as.integer(x)
    if (is.integer(x)) {
      codes <- cpp_group_codes(x)
      if (length(codes) == length(x)) return(codes)
    }
    return(match(x, unique(x)) - 1L)
  }
  data.table::frankv(data.table::as.data.table(cols), ties.method = "dense") - 1L
}

# Significance stars used by every printed table.
stars <- function(p, cutoffs = c(0.1, 0.05, 0.01)) {
  out <- character(length(p))
  for (k in seq_along(cutoffs)) out[!is.na(p) & p < cutoffs[k]] <- strrep("*", k)
  out
}

# Evaluate `code` with R's generator seeded, restoring the user's stream after.
with_seed <- function(seed, code) {
  if (is.null(seed)) return(code)
  old <- if (exists(".Random.seed", globalenv(), inherits = FALSE)) get(".Random.seed", globalenv()) else NULL
  on.exit(if (is.null(old)) rm(".Random.seed", envir = globalenv()) else assign(".Random.seed", old, globalenv()))
  set.seed(seed)
  code
}
