# twfe() vs fixest::feols() in the same run: median times, ratios, peak memory.
#   Rscript bench/twfe.R            # the three city-year sizes (exact path)
#   Rscript bench/twfe.R small      # only the paper-sized panel
#   Rscript bench/twfe.R firm       # firm panels, 1M rows (iterative path), and the exact path on them
#   Rscript bench/twfe.R firm200k   # the same at 200,000 rows
#   Rscript bench/twfe.R firm_exact # only the exact path (movers, id + year) at 1M rows, 7 interleaved runs
# Peak memory: each fit runs once more in a fresh R process, which resets the
# kernel's high-water mark (/proc/self/clear_refs) after building the data and
# reports the extra peak resident memory of the fit (Linux only).
suppressPackageStartupMessages({ library(pilotdid); library(fixest) })

source("bench/panel.R")   # make_data(), peak_rise_mb()

sizes <- list(
  small = list(n_id = 218, n_t = 14, n_x = 6, drop = 0, reps = 50),
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
  cat(c(peak_rise_mb(run_fit(tool, d, f, as.integer(threads)))), "\n")
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
  mem <- if (file.exists("/proc/self/clear_refs") && size != "small") {
    c(peak_mb(size, "pilotdid", threads), peak_mb(size, "fixest", threads))
  } else c(NA, NA)
  data.frame(size = size, rows = nrow(d), threads = threads,
             pilotdid_ms = round(1000 * tp, 2), fixest_ms = round(1000 * tf, 2),
             ratio = round(tp / tf, 3), pilotdid_peak_mb = round(mem[1]), fixest_peak_mb = round(mem[2]))
}


# ---- firm panels: a second large fixed effect (iterative path) -----------------
# n_id units x 5 years, a firm effect with n_id / 10 levels. "movers": 15% of
# rows at a random firm other than the unit's home firm (well connected firm
# graph); "stayers": 1.5% of units move once, from a random year on (poorly
# connected). y = unit + year + firm effects + x1 + x2 / 2 + x3 / 3 + noise.
make_firm_data <- function(n_id, n_t = 5, move_rows = 0, move_units = 0, n_x = 3, seed = 1) {
  set.seed(seed)
  n_firm <- n_id / 10
  id <- rep(seq_len(n_id), each = n_t)
  year <- rep(seq_len(n_t), n_id)
  firm <- sample.int(n_firm, n_id, replace = TRUE)[id]
  mv <- runif(length(id)) < move_rows
  firm[mv] <- sample.int(n_firm, sum(mv), replace = TRUE)
  movers <- which(runif(n_id) < move_units)
  at <- sample.int(n_t - 1L, length(movers), replace = TRUE) + 1L
  dest <- sample.int(n_firm, length(movers), replace = TRUE)
  r <- rep(seq_along(movers), each = n_t)
  rows <- (movers[r] - 1L) * n_t + rep(seq_len(n_t), length(movers))
  after <- rep(seq_len(n_t), length(movers)) >= at[r]
  firm[rows[after]] <- dest[r[after]]
  a <- rnorm(n_id); f <- rnorm(n_firm)
  d <- data.frame(id = id, year = year, firm = firm)
  y <- a[id] + rnorm(n_t)[year] + f[firm]
  for (k in seq_len(n_x)) {
    x <- 0.3 * a[id] + 0.3 * f[firm] + rnorm(length(id))
    d[[paste0("x", k)]] <- x
    y <- y + x / k
  }
  d$y <- y + rnorm(length(id))
  d
}

firm_sizes <- list(firm = 2e5, firm200k = 4e4)
firm_cases <- list(
  movers_uyf = list(graph = "movers", fe = "id + year + firm"),
  movers_ufy = list(graph = "movers", fe = "id + firm^year"),
  movers_uy = list(graph = "movers", fe = "id + year"),
  stayers_uyf = list(graph = "stayers", fe = "id + year + firm"),
  stayers_ufy = list(graph = "stayers", fe = "id + firm^year")
)
firm_data <- function(size, graph) {
  if (graph == "movers") make_firm_data(firm_sizes[[size]], move_rows = 0.15)
  else make_firm_data(firm_sizes[[size]], move_units = 0.015)
}
firm_fml <- function(fe) stats::as.formula(paste("y ~ x1 + x2 + x3 |", fe))

run_firm_fit <- function(tool, d, f, threads) {
  if (tool == "pilotdid") twfe(f, data = d, cluster = ~id, threads = threads)
  else feols(f, data = d, cluster = ~id, nthreads = threads, fixef.rm = "none", fixef.tol = 1e-8,
             notes = FALSE)
}

# pilotdid's iterations per column (outcome last), on the fit's codes
pilotdid_iterations <- function(d, fe) {
  dims <- trimws(strsplit(fe, "+", fixed = TRUE)[[1]])
  codes <- lapply(dims, function(v) {
    x <- if (grepl("^", v, fixed = TRUE)) interaction(d[strsplit(v, "^", fixed = TRUE)[[1]]], drop = TRUE) else d[[v]]
    match(x, unique(x)) - 1L
  })
  X <- as.matrix(d[c("x1", "x2", "x3")])
  dm <- pilotdid:::within_transform(X, d$y, codes, rep(1, nrow(d)), 1L)
  if (dm$exact) "exact" else paste(dm$iterations, collapse = "/")
}

firm_child <- function(size, case, tool, threads) {
  cs <- firm_cases[[case]]
  d <- firm_data(size, cs$graph)
  f <- firm_fml(cs$fe)
  cat(c(peak_rise_mb(run_firm_fit(tool, d, f, as.integer(threads)))), "\n")
}

bench_firm <- function(size, threads_all = 1:2) {
  out <- list()
  for (graph in c("movers", "stayers")) {
    d <- firm_data(size, graph)
    for (case in names(firm_cases)[vapply(firm_cases, function(x) x$graph == graph, TRUE)]) {
      fe <- firm_cases[[case]]$fe
      f <- firm_fml(fe)
      # accuracy: both tools against a tight-tolerance pilotdid fit
      tight <- withr::with_options(list(pilotdid.tol = 1e-14), run_firm_fit("pilotdid", d, f, 2L))
      iters <- pilotdid_iterations(d, fe)
      for (threads in threads_all) {
        a <- run_firm_fit("pilotdid", d, f, threads)
        b <- run_firm_fit("fixest", d, f, threads)
        tp <- tf <- numeric()
        for (r in 1:3) {   # interleaved so that background load hits both alike
          tp <- c(tp, system.time(run_firm_fit("pilotdid", d, f, threads))[["elapsed"]])
          tf <- c(tf, system.time(run_firm_fit("fixest", d, f, threads))[["elapsed"]])
        }
        mem <- c(peak_firm_mb(size, case, "pilotdid", threads), peak_firm_mb(size, case, "fixest", threads))
        out[[length(out) + 1]] <- data.frame(
          graph = graph, fe = fe, rows = nrow(d), threads = threads,
          pilotdid_s = round(median(tp), 3), fixest_s = round(median(tf), 3),
          ratio = round(median(tp) / median(tf), 2),
          pilotdid_err = signif(max(abs(coef(a) - coef(tight))), 2),
          fixest_err = signif(max(abs(coef(b) - coef(tight))), 2),
          pilotdid_iter = iters, fixest_iter = paste(b$iterations, collapse = "/"),
          pilotdid_mb = round(mem[1]), fixest_mb = round(mem[2]))
      }
    }
  }
  do.call(rbind, out)
}

peak_firm_mb <- function(size, case, tool, threads) {
  if (!file.exists("/proc/self/clear_refs")) return(NA)
  out <- system2(file.path(R.home("bin"), "Rscript"),
                 c("bench/twfe.R", "--firm-child", size, case, tool, threads), stdout = TRUE)
  as.numeric(utils::tail(out, 1))
}

# The exact path (unit + year) on the 1M-row firm panel: more repetitions
# than bench_firm(), since one fit takes about a tenth of a second.
bench_firm_exact <- function(reps = 7L) {
  d <- firm_data("firm", "movers")
  f <- firm_fml("id + year")
  out <- list()
  for (threads in 1:2) {
    a <- run_firm_fit("pilotdid", d, f, threads)
    b <- run_firm_fit("fixest", d, f, threads)
    stopifnot(max(abs(coef(a) - coef(b))) < 1e-8)
    tp <- tf <- numeric()
    for (r in seq_len(reps)) {
      tp <- c(tp, system.time(run_firm_fit("pilotdid", d, f, threads))[["elapsed"]])
      tf <- c(tf, system.time(run_firm_fit("fixest", d, f, threads))[["elapsed"]])
    }
    out[[threads]] <- data.frame(fe = "id + year", rows = nrow(d), threads = threads,
                                 pilotdid_s = round(median(tp), 3), fixest_s = round(median(tf), 3),
                                 ratio = round(median(tp) / median(tf), 2))
  }
  do.call(rbind, out)
}

args <- commandArgs(trailingOnly = TRUE)
if (length(args) && args[1] == "--child") {
  child(args[2], args[3], args[4])
} else if (length(args) && args[1] == "--firm-child") {
  firm_child(args[2], args[3], args[4], args[5])
} else {
  which <- if (length(args)) args else names(sizes)
  cat("pilotdid", as.character(packageVersion("pilotdid")), "| fixest", as.character(packageVersion("fixest")),
      "|", parallel::detectCores(), "cores | load average", readLines("/proc/loadavg"), "\n")
  city <- intersect(which, names(sizes))
  if (length(city)) {
    res <- do.call(rbind, lapply(city, function(s) rbind(bench_size(s, 1L), bench_size(s, 2L))))
    print(res, row.names = FALSE)
  }
  for (s in intersect(which, names(firm_sizes))) print(bench_firm(s), row.names = FALSE)
  if ("firm_exact" %in% which) print(bench_firm_exact(), row.names = FALSE)
  cat("load average", readLines("/proc/loadavg"), "\n")
}
