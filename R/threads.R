# Thread policy: the user's choice, capped by the cores and by OMP_THREAD_LIMIT.
resolve_threads <- function(threads, call = rlang::caller_env()) {
  if (!is.numeric(threads) || length(threads) != 1L || is.na(threads) || threads < 1) {
    abort_input("{.arg threads} must be a single positive whole number.", call = call)
  }
  cap <- suppressWarnings(as.integer(Sys.getenv("OMP_THREAD_LIMIT", "")))
  cores <- parallel::detectCores(logical = TRUE)
  if (is.na(cores)) cores <- 1L
  if (!is.na(cap) && cap > 0L) cores <- min(cores, cap)
  as.integer(min(threads, cores))
}
