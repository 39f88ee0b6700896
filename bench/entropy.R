# Benchmark of entropy_index(): 1,000,000 rows x 50 indicators, weights pooled
# and by a 20-level group, against a straightforward vectorised base-R
# implementation run in the same session. Prints the median (and best) elapsed
# time, the median CPU time, peak memory above the input data, the ratio base
# R / pilotdid (median elapsed) and the largest score difference between them.
#   Rscript bench/entropy.R [rows = 1e6] [indicators = 50] [threads = 1] [reps = 3]
# Peak memory is the growth of the process's resident set (VmHWM after
# resetting it through /proc/self/clear_refs; Linux only) and, everywhere,
# R's own heap ("max used" of gc()). Needs about 3 GB of memory.
suppressPackageStartupMessages(library(pilotdid))
options(width = 120)

args <- as.numeric(commandArgs(trailingOnly = TRUE))
n <- if (length(args) >= 1L) args[1L] else 1e6
k <- if (length(args) >= 2L) args[2L] else 50
threads <- if (length(args) >= 3L) args[3L] else 1
reps <- if (length(args) >= 4L) args[4L] else 3

# The entropy method written the obvious way: a matrix, sweep(), colSums().
entropy_base <- function(data, indicators, by = NULL, shift = 1e-4) {
  one <- function(X) {
    lo <- apply(X, 2L, min)
    hi <- apply(X, 2L, max)
    Z <- sweep(sweep(X, 2L, lo), 2L, hi - lo, "/") + shift
    P <- sweep(Z, 2L, colSums(Z), "/")
    e <- -colSums(P * log(P)) / log(nrow(X))
    w <- (1 - e) / sum(1 - e)
    list(w = w, score = drop(Z %*% w))
  }
  X <- as.matrix(data[indicators])
  if (is.null(by)) return(one(X))
  score <- numeric(nrow(X))
  w <- list()
  for (rows in split(seq_len(nrow(X)), data[[by]])) {
    r <- one(X[rows, , drop = FALSE])
    score[rows] <- r$score
    w[[length(w) + 1L]] <- r$w
  }
  list(w = w, score = score)
}

proc_kb <- function(field) {
  f <- "/proc/self/status"
  if (!file.exists(f)) return(NA_real_)
  line <- grep(paste0("^", field, ":"), readLines(f), value = TRUE)
  as.numeric(gsub("[^0-9]", "", line))
}

# Elapsed and CPU seconds of each run (medians); peak memory (MB) above the
# memory in use before the run.
measure <- function(expr_fun, reps) {
  times <- cpu <- numeric(reps)
  peak_rss <- peak_heap <- 0
  for (r in seq_len(reps)) {
    invisible(gc(reset = TRUE))
    heap0 <- sum(gc()[, 2L])
    rss0 <- proc_kb("VmRSS")
    if (file.exists("/proc/self/clear_refs")) try(cat("5", file = "/proc/self/clear_refs"), silent = TRUE)
    t0 <- proc.time()
    res <- expr_fun()
    t1 <- proc.time()
    times[r] <- t1[["elapsed"]] - t0[["elapsed"]]
    cpu[r] <- (t1[["user.self"]] + t1[["sys.self"]]) - (t0[["user.self"]] + t0[["sys.self"]])
    peak_rss <- max(peak_rss, (proc_kb("VmHWM") - rss0) / 1024)
    peak_heap <- max(peak_heap, sum(gc()[, 6L]) - heap0)
    if (r < reps) rm(res)
  }
  list(time = stats::median(times), best = min(times), cpu = stats::median(cpu), rss = peak_rss,
       heap = peak_heap, result = res)
}

cat(sprintf("entropy_index() benchmark: %s rows x %d indicators, threads = %d, median of %d runs\n",
            format(n, big.mark = ",", scientific = FALSE), k, threads, reps))
cat(sprintf("R %s, %s, %d cores (shared machine: other jobs may have been running)\n\n",
            getRversion(), R.version$platform, parallel::detectCores()))

set.seed(1)
d <- as.data.frame(lapply(seq_len(k), function(j) {
  u <- stats::runif(n)
  if (j %% 2L == 0L) u^3 * 100 else u + j
}))
ind <- paste0("x", seq_len(k))
names(d) <- ind
d$g <- sample.int(20L, n, replace = TRUE)
neg <- ind[seq(5L, k, by = 5L)]

out <- NULL
for (case in c("pooled", "by 20 groups")) {
  by <- if (case == "pooled") NULL else "g"
  fast <- measure(function() entropy_index(d, ind, negative = NULL, by = by, threads = threads), reps)
  base <- measure(function() entropy_base(d, ind, by = by), reps)
  diff <- max(abs(fast$result$scores$score - base$result$score))
  out <- rbind(out, data.frame(case = case, implementation = c("pilotdid", "base R"),
                               median_s = c(fast$time, base$time),
                               best_s = c(fast$best, base$best),
                               cpu_s = c(fast$cpu, base$cpu),
                               peak_rss_MB = c(fast$rss, base$rss),
                               peak_R_heap_MB = c(fast$heap, base$heap),
                               ratio = c(NA, base$time / fast$time),
                               max_abs_diff = c(NA, diff)))
  rm(fast, base)
  invisible(gc())
}
fmt <- out
fmt$median_s <- sprintf("%.2f", fmt$median_s)
fmt$best_s <- sprintf("%.2f", fmt$best_s)
fmt$cpu_s <- sprintf("%.2f", fmt$cpu_s)
fmt$peak_rss_MB <- sprintf("%.0f", fmt$peak_rss_MB)
fmt$peak_R_heap_MB <- sprintf("%.0f", fmt$peak_R_heap_MB)
fmt$ratio <- ifelse(is.na(fmt$ratio), "", sprintf("%.1fx", fmt$ratio))
fmt$max_abs_diff <- ifelse(is.na(fmt$max_abs_diff), "", sprintf("%.1e", fmt$max_abs_diff))
print(fmt, row.names = FALSE, right = FALSE)
pooled <- out$median_s[out$case == "pooled" & out$implementation == "pilotdid"]
pooled_cpu <- out$cpu_s[out$case == "pooled" & out$implementation == "pilotdid"]
cat(sprintf("\nTarget < 1 s pooled on one core: %s (median %.2f s elapsed, %.2f s CPU)\n",
            if (threads == 1 && pooled < 1) "met" else if (threads == 1) "NOT met" else "not measured on one core",
            pooled, pooled_cpu))
cat(sprintf("Load average at the end: %s\n",
            if (file.exists("/proc/loadavg")) paste(strsplit(readLines("/proc/loadavg"), " ")[[1L]][1:3], collapse = " ") else "n/a"))
