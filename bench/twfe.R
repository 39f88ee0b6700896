# twfe() vs fixest::feols() in the same run: median times, ratios, peak memory.
#   Rscript bench/twfe.R            # all three sizes
#   Rscript bench/twfe.R small      # only the paper-sized panel
# Peak memory: each fit runs once more in a fresh R process, which resets the
# kernel's high-water mark (/proc/self/clear_refs) after building the data and
# reports the extra peak resident memory of the fit (Linux only).
suppressPackageStartupMessages({ library(pilotdid); library(fixest) })

make_data <- function(n_id, n_t, n_x, drop_share, seed = 1) {
  set.seed(seed)
  d <- data.frame(id = rep(seq_len(n_id), each = n_t), year = rep(seq_len(n_t), n_id))
  a <- rnorm(n_id)
  y <- a[d$id] + rnorm(n_t)[d$year]
  for (k in seq_len(n_x)) {
    x <- 0.3 * a[d$id] + rnorm(nrow(d))
    d[[paste0("x", k)]] <- x
    y <- y + x / k
  }
  d$y <- y + rnorm(nrow(d))
  if (drop_share > 0) d <- d[-sample.int(nrow(d), round(drop_share * nrow(d))), ]
  d
}

sizes <- list(
  paper = list(n_id = 218, n_t = 14, n_x = 6, drop = 0, reps = 50),
  `1M` = list(n_id = 1e5, n_t = 10, n_x = 5, drop = 0.05, reps = 7),
  `4.75M` = list(n_id = 1e6, n_t = 5, n_x = 5, drop = 0.05, reps = 3)
)

fml <- function(n_x) stats::as.formula(paste("y ~", paste0("x", seq_len(n_x), collapse = " + "), "| id + year"))

run_fit <- function(tool, d, f, threads) {
  if (tool == "pilotdid") twfe(f, data = d, cluster = ~id, threads = threads)
  else feols(f, data = d, cluster = ~id, nthreads = threads, fixef.rm = "none", notes = FALSE)
}

peak_mb <- function(size, tool, threads) {
  out <- system2(file.path(R.home("bin"), "Rscript"),
                 c("bench/twfe.R", "--child", size, tool, threads), stdout = TRUE)
  as.numeric(utils::tail(out, 1))
}

child <- function(size, tool, threads) {
  s <- sizes[[size]]
  d <- make_data(s$n_id, s$n_t, s$n_x, s$drop)
  f <- fml(s$n_x)
  invisible(gc())
  rss <- function(field) as.numeric(sub("[^0-9]*([0-9]+).*", "\\1", grep(field, readLines("/proc/self/status"), value = TRUE))) / 1024
  writeLines("5", "/proc/self/clear_refs")
  base <- rss("VmRSS")
  fit <- run_fit(tool, d, f, as.integer(threads))
  cat(rss("VmHWM") - base, "\n")
}

bench_size <- function(size, threads) {
  s <- sizes[[size]]
  d <- make_data(s$n_id, s$n_t, s$n_x, s$drop)
  f <- fml(s$n_x)
  a <- run_fit("pilotdid", d, f, threads)
  b <- run_fit("fixest", d, f, threads)
  stopifnot(max(abs(coef(a) - coef(b))) < 1e-8)
  time_one <- function(tool) {
    median(vapply(seq_len(s$reps), function(r) system.time(run_fit(tool, d, f, threads))[["elapsed"]], 0))
  }
  # interleave tools so background load hits both alike
  tp <- tf <- numeric()
  for (r in 1:3) { tp <- c(tp, time_one("pilotdid")); tf <- c(tf, time_one("fixest")) }
  tp <- median(tp); tf <- median(tf)
  mem <- if (file.exists("/proc/self/clear_refs") && size != "paper") {
    c(peak_mb(size, "pilotdid", threads), peak_mb(size, "fixest", threads))
  } else c(NA, NA)
  data.frame(size = size, rows = nrow(d), threads = threads,
             pilotdid_ms = round(1000 * tp, 2), fixest_ms = round(1000 * tf, 2),
             ratio = round(tp / tf, 3), pilotdid_peak_mb = round(mem[1]), fixest_peak_mb = round(mem[2]))
}

args <- commandArgs(trailingOnly = TRUE)
if (length(args) && args[1] == "--child") {
  child(args[2], args[3], args[4])
} else {
  which <- if (length(args)) args else names(sizes)
  cat("pilotdid", as.character(packageVersion("pilotdid")), "| fixest", as.character(packageVersion("fixest")),
      "|", parallel::detectCores(), "cores\n")
  res <- do.call(rbind, lapply(which, function(s) rbind(bench_size(s, 1L), bench_size(s, 2L))))
  print(res, row.names = FALSE)
}
