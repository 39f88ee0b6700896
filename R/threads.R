# Thread policy: the user's choice, capped by the cores and by OMP_THREAD_LIMIT.
resolve_threads <- function(threads, call = caller_env()) {
  if (!is.numeric(threads) || length(threads) != 1L || is.na(threads) || threads < 1) {
    abort_input("{.arg threads} must be a single positive whole number.", call = call)
  }
  cap <- suppressWarnings(as.integer(Sys.getenv("OMP_THREAD_LIMIT", "")))
  cores <- n_cores()
  if (!is.na(cap) && cap > 0L) cores <- min(cores, cap)
  as.integer(min(threads, cores))
}

# detectCores() runs a system command: ask once per session.
n_cores <- function() {
  if (is.null(.pd_cache$cores)) {
    cores <- parallel::detectCores(logical = TRUE)
    .pd_cache$cores <- if (is.na(cores)) 1L else as.integer(cores)
  }
  .pd_cache$cores
}
.pd_cache <- new.env(parent = emptyenv())
