# The loop that runs every random-draw kernel of the package on this
# machine's threads (placebo_test(), boot_test(), synth_did(), heterogeneity(),
# mechanism(), aggregate(cband = TRUE)): chunks of
# draws sized by measured time, so that Ctrl-C (checked between chunks, on
# the main thread) is honoured within about `budget` seconds and the progress
# bar moves. A draw depends on its index and the seed only, never on the
# chunking or the number of threads.

# `run(first, count)` returns the draws first .. first + count - 1 as the
# rows of a matrix.
run_draws <- function(run, n, label, first_chunk = 2L, budget = 0.2) {
  out <- list()
  pb <- cli::cli_progress_bar(label, total = n, clear = TRUE)
  done <- 0L
  size <- as.integer(max(1L, min(n, first_chunk)))
  while (done < n) {
    cnt <- min(size, n - done)
    t0 <- proc.time()[["elapsed"]]
    out[[length(out) + 1L]] <- run(done, cnt)
    done <- done + cnt
    cli::cli_progress_update(id = pb, set = done)
    size <- draw_chunk_size(cnt, proc.time()[["elapsed"]] - t0, n - done, budget)
  }
  cli::cli_progress_done(id = pb)
  do.call(rbind, out)
}

# Draws in the next chunk: about `budget` seconds of work, at most 4 times
# the last chunk.
draw_chunk_size <- function(last, elapsed, left, budget = 0.2) {
  per <- max(elapsed, 1e-4) / last
  as.integer(max(1L, min(left, 4 * last, floor(budget / per))))
}

# Draws 0 .. n-1 of `run(inputs, first, count, threads, state)` as rows: on
# this machine's threads with `state` built once, or on the workers of the
# user's future plan, each building its own state from `inputs`.
draw_rows <- function(run, inputs, n, threads, backend, label, state = NULL) {
  if (backend == "future") return(run_draws_future(run, n, list(inputs = inputs, threads = 1L)))
  run_draws(function(first, count) run(inputs, first, count, threads, state), n, label,
            first_chunk = 2L * threads)
}

# The same draws in a few chunks per worker of the user's future plan
# (`future.apply`): `run(first, count, ...)` with `args` gives the rows. Each
# chunk reports its draws to a progressr progressor (shown inside
# progressr::with_progress() or with global handlers; silent otherwise).
run_draws_future <- function(run, n, args, call = caller_env()) {
  if (!requireNamespace("future.apply", quietly = TRUE)) {
    abort_input("{.code backend = \"future\"} needs the {.pkg future.apply} package.", call = call)
  }
  workers <- max(1L, future::nbrOfWorkers())
  bounds <- unique(round(seq(0, n, length.out = min(n, 4L * workers) + 1L)))
  p <- if (requireNamespace("progressr", quietly = TRUE)) progressr::progressor(steps = n)
  res <- future.apply::future_mapply(progress_task(run, p), first = bounds[-length(bounds)],
                                     count = diff(bounds), MoreArgs = args, SIMPLIFY = FALSE,
                                     future.seed = NULL)
  do.call(rbind, res)
}

# `run` reporting `count` steps to the progressor `p` (NULL: none); built in
# its own small environment so that only `run` and `p` travel with it.
progress_task <- function(run, p) {
  force(run)
  force(p)
  function(first, count, ...) {
    out <- run(first = first, count = count, ...)
    if (!is.null(p)) p(amount = count)
    out
  }
}
