# The draw engine (R/draws.R): chunking, and draws identical for any number
# of threads and for the future backend, for every verb that draws.

test_that("chunks are sized to stay within the time budget, and cover every draw once in order", {
  grid <- expand.grid(last = c(1, 2, 7, 100, 5000), elapsed = c(1e-5, 0.003, 0.05, 0.2, 1, 10),
                      left = c(1, 3, 50, 1e6))
  for (r in seq_len(nrow(grid))) {
    g <- grid[r, ]
    size <- pilotdid:::draw_chunk_size(g$last, g$elapsed, g$left, budget = 0.2)
    per <- max(g$elapsed, 1e-4) / g$last
    expect_true(size >= 1L && size <= g$left && size <= 4 * g$last)
    # the next chunk's expected time is within the budget unless it is a single draw
    expect_true(size == 1L || size * per <= 0.2 + 1e-12)
  }
  seen <- list()
  run <- function(first, count) {
    seen[[length(seen) + 1L]] <<- c(first, count)
    matrix(first + seq_len(count) - 1L)
  }
  out <- pilotdid:::run_draws(run, 1000, "Test draws", first_chunk = 3L)
  expect_equal(drop(out), 0:999)
  starts <- vapply(seen, `[`, 0, 1L)
  counts <- vapply(seen, `[`, 0, 2L)
  expect_equal(starts, cumsum(c(0, counts[-length(counts)])))
  expect_true(all(counts[-1L] <= 4 * counts[-length(counts)]))
})

# The refit path of the permutation test (used for large crossed fixed effects).
het_loop <- function(fit, d, n, seed, threads = 1L, backend = "threads") {
  smp <- pilotdid:::fit_sample(fit)
  g <- match(d$region[smp$obs], c("Central", "East", "West"))
  out <- suppressMessages(pilotdid:::het_permutation(smp, g, "treat", fit, n, seed, threads, backend, engine = "loop"))
  expect_equal(out$engine, "loop")
  out$draws
}

# One result per verb, all drawing through the engine, with `...` passed on.
engine_results <- function(...) {
  d <- make_group_panel(n_id = 45, n_t = 6, seed = 301, drop_share = 0.05)
  d$prov <- d$id %% 5
  d$m <- 0.5 * d$treat + withr::with_seed(4, stats::rnorm(nrow(d)))
  fit3 <- twfe(y ~ treat + x1 | id + year + prov^year, data = d, cluster = ~id)
  st <- make_staggered(n_id = 120, n_t = 7, seed = 302)
  cs <- att_gt(y ~ 1 | id + year, data = st, cohort = "g")
  list(het = suppressMessages(heterogeneity(fit3, big, n = 60, seed = 7, ...))$draws,
       het_loop = het_loop(fit3, d, n = 6, seed = 7, ...),
       mech = mechanism(fit3, "m", design = "three_step", n = 60, seed = 8, ...)$boot,
       mech_loop = mechanism(update(fit3, cluster = ~year), "m", design = "three_step", n = 6, seed = 8, ...)$boot,
       band = aggregate(cs, "dynamic", cband = TRUE, n = 300, seed = 9, ...)$crit_value)
}

test_that("draws are identical for 1 and 2 threads", {
  a <- engine_results(threads = 1)
  expect_identical(engine_results(threads = 2), a)
  expect_true(all(is.finite(unlist(a))))
  # the kernels themselves, with two threads really used
  d <- make_group_panel(n_id = 40, n_t = 6, seed = 303)
  d$prov <- d$id %% 4
  fit <- twfe(y ~ treat + x1 | id + year + prov^year, data = d)
  smp <- pilotdid:::fit_sample(fit)
  for (kind in c("perm", "boot")) {
    setup <- if (kind == "perm") {
      pilotdid:::resample_setup(smp, smp$X, 3, group = as.integer(d$big[smp$obs]) + 1L, target = 1L)
    } else {
      pilotdid:::resample_setup(smp, smp$X, 3, cluster = pilotdid:::dense_codes(smp$codes[[1]]), jt = 1L, jm = 2L)
    }
    expect_true(setup$inputs$fast)
    st <- setup$state
    one <- pilotdid:::cpp_resample_draws(st, 0, 50, 1L)
    expect_identical(pilotdid:::cpp_resample_draws(st, 0, 50, 2L), one)
    expect_identical(pilotdid:::cpp_resample_draws(st, 20, 30, 2L), one[21:50, , drop = FALSE])
  }
  inf <- matrix(withr::with_seed(1, stats::rnorm(200 * 5)), 200)
  expect_identical(pilotdid:::cpp_multiplier_draws(inf, rep(1, 5), 4, 0, 40L, 2L),
                   pilotdid:::cpp_multiplier_draws(inf, rep(1, 5), 4, 0, 40L, 1L))
})

test_that("the future backend gives the same draws (multisession and a makeCluster() cluster)", {
  skip_on_cran()
  skip_if_not_installed("future.apply")
  a <- engine_results()
  withr::defer(future::plan(future::sequential))
  future::plan(future::multisession, workers = 2)
  expect_identical(engine_results(backend = "future"), a)
  cl <- parallel::makeCluster(2)
  withr::defer(parallel::stopCluster(cl), priority = "first")
  parallel::clusterCall(cl, function(lib) .libPaths(c(lib, .libPaths())), .libPaths()[1])
  future::plan(future::cluster, workers = cl)
  expect_identical(engine_results(backend = "future"), a)
})

test_that("the future backend reports progress through progressr", {
  skip_if_not_installed("future.apply")
  skip_if_not_installed("progressr")
  withr::defer(future::plan(future::sequential))
  future::plan(future::sequential)
  d <- make_group_panel(n_id = 30, n_t = 5, seed = 304)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  withr::local_options(progressr.enable = TRUE)
  steps <- 0
  withCallingHandlers(
    het <- heterogeneity(fit, big, n = 40, seed = 1, backend = "future"),
    progression = function(cnd) if (identical(cnd$type, "update")) steps <<- steps + cnd$amount
  )
  expect_equal(steps, 40)
  expect_identical(het$draws, heterogeneity(fit, big, n = 40, seed = 1)$draws)
})

test_that("threads and backend are checked before any draw", {
  d <- make_group_panel(n_id = 30, n_t = 5, seed = 305)
  d$m <- d$x1 + d$treat
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  cs <- att_gt(y ~ 1 | id + year, data = make_staggered(n_id = 60, n_t = 6, seed = 306), cohort = "g")
  expect_error(heterogeneity(fit, big, n = 10, backend = "gpu"), class = "pilotdid_error_input")
  expect_error(heterogeneity(fit, big, n = 10, threads = 0), class = "pilotdid_error_input")
  expect_error(mechanism(fit, "m", design = "three_step", n = 10, backend = "mpi"), class = "pilotdid_error_input")
  expect_error(mechanism(fit, "m", design = "three_step", n = 10, threads = NA), class = "pilotdid_error_input")
  expect_error(aggregate(cs, "dynamic", cband = TRUE, backend = "x"), class = "pilotdid_error_input")
  expect_error(aggregate(cs, "dynamic", cband = TRUE, threads = -1), class = "pilotdid_error_input")
})
