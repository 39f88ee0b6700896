# Where the time of the iterative within transformation goes: cpp_demean()
# alone on 200,000 rows (40,000 units x 5 years, 4,000 firms), 3 regressors +
# the outcome, pilotdid.tol = 1e-10, 1 thread, median of 3: time, iterations
# and passes over the rows per column. Run it against two installations to
# compare the algorithms (the old one is commit 19324cb):
#   R_LIBS=<library with 19324cb> Rscript bench/twfe_passes.R old
#   Rscript bench/twfe_passes.R
# Passes per column: old (Irons-Tuck alternating projections): 2 Gauss-Seidel
# sweeps of Q passes per iteration, one more sweep and the output; new (CG on
# the Schur complement): one pass per iteration, the right-hand side, the output.
suppressPackageStartupMessages(library(pilotdid))
make_firm_data <- function(n_id, n_t, n_firm, move_rows = 0, move_units = 0, n_x = 3, seed = 1) {
  set.seed(seed)
  id <- rep(seq_len(n_id), each = n_t); year <- rep(seq_len(n_t), n_id)
  home <- sample.int(n_firm, n_id, replace = TRUE)
  firm <- home[id]
  if (move_rows > 0) {
    mv <- runif(length(id)) < move_rows
    firm[mv] <- sample.int(n_firm, sum(mv), replace = TRUE)
  }
  if (move_units > 0) {
    movers <- which(runif(n_id) < move_units)
    at <- sample.int(n_t - 1L, length(movers), replace = TRUE) + 1L
    dest <- sample.int(n_firm, length(movers), replace = TRUE)
    r <- rep(seq_along(movers), each = n_t)
    rows <- (movers[r] - 1L) * n_t + rep(seq_len(n_t), length(movers))
    after <- rep(seq_len(n_t), length(movers)) >= at[r]
    firm[rows[after]] <- dest[r[after]]
  }
  a <- rnorm(n_id); f <- rnorm(n_firm); b <- rnorm(n_t)
  d <- data.frame(id = id, year = year, firm = firm)
  y <- a[id] + b[year] + f[firm]
  for (k in seq_len(n_x)) {
    x <- 0.3 * a[id] + 0.3 * f[firm] + rnorm(length(id))
    d[[paste0("x", k)]] <- x
    y <- y + x / k
  }
  d$y <- y + rnorm(length(id))
  d
}
old <- identical(commandArgs(trailingOnly = TRUE), "old")
one <- function(label, d) {
  X <- as.matrix(d[, c("x1", "x2", "x3")]); w <- rep(1, nrow(d)); N <- nrow(d)
  fy <- (d$firm - 1L) * 5L + d$year - 1L; u <- sort(unique(fy))
  specs <- list(`id + year + firm` = list(codes = list(d$id - 1L, d$year - 1L, d$firm - 1L), G = c(max(d$id), 5L, max(d$firm))),
                `id + firm^year` = list(codes = list(d$id - 1L, match(fy, u) - 1L), G = c(max(d$id), length(u))))
  for (nm in names(specs)) {
    s <- specs[[nm]]; Q <- length(s$G)
    dm <- NULL
    tm <- replicate(3, system.time(dm <<- pilotdid:::cpp_demean(X, d$y, s$codes, s$G, w, 400L, 1e-10, 100000L, 1L))[["elapsed"]])
    it <- mean(dm$iterations)
    passes <- if (old) (2 * it + 1) * Q + 1 else it + 2
    cat(sprintf("%s %-8s %-17s %.3f s, iterations %.1f, row passes per column %.0f, ns per row and pass %.1f\n",
                if (old) "old" else "new", label, nm, median(tm), it, passes, 1e9 * median(tm) / (4 * passes * N)))
  }
}
cat("load average", readLines("/proc/loadavg"), "\n")
one("movers", make_firm_data(40000, 5, 4000, move_rows = 0.15))
one("stayers", make_firm_data(40000, 5, 4000, move_units = 0.015))
