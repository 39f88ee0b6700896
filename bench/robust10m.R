# The heterogeneity-robust estimators at 1,000,000 units x 10 periods (10M
# rows) against their references: elapsed time and peak memory of one call,
# each case in a fresh R process (issue 16, part 3).
#   Rscript bench/robust10m.R                 # every case (long: the references take minutes)
#   Rscript bench/robust10m.R 1e5             # the same at 100,000 units
#   Rscript bench/robust10m.R 1e6 sun_abraham # one case
# Peak memory: the kernel's resident high-water mark, reset after the data are
# built (/proc/self/clear_refs, Linux), minus the resident size at that point.
# Every side runs single-threaded. A reference that fails or exceeds the time
# limit (PILOTDID_BENCH_LIMIT seconds, default 1200) is reported as such.
args <- commandArgs(trailingOnly = TRUE)
if (length(args) >= 3L && args[1] == "--case") {
  suppressPackageStartupMessages({ library(pilotdid); library(fixest) })
  options(pilotdid.quiet = TRUE)
  setFixest_nthreads(1)
  data.table::setDTthreads(1)
  n <- as.numeric(args[3])
  set.seed(1)
  g <- sample(c(0, 3, 5, 7), n, replace = TRUE, prob = c(0.4, 0.2, 0.2, 0.2))
  d <- data.frame(id = rep(seq_len(n), each = 10L), year = rep(seq_len(10L), n))
  d$g <- g[d$id]
  d$x <- rnorm(n)[d$id] + 0.5 * (d$g > 0)[d$id]   # a time-invariant covariate, related to adoption
  d$treat <- as.integer(d$g > 0 & d$year >= d$g)
  d$y <- rnorm(n)[d$id] + rnorm(10)[d$year] + 0.3 * d$x * d$year / 10 +
    d$treat * (0.5 + 0.2 * (d$year - d$g)) + rnorm(nrow(d))
  d$gs <- ifelse(d$g == 0, 1000, d$g)
  d$rel <- ifelse(d$g == 0, -1000, d$year - d$g)
  rm(g)
  source("bench/panel.R")   # peak_rise_mb()
  t <- system.time(mb <- peak_rise_mb(switch(args[2],
    att_gt = { a <- tidy(aggregate(pilotdid::att_gt(y ~ 1 | id + year, data = d, cohort = "g"), "dynamic"))
               a$estimate[!startsWith(a$term, "ATT")] },
    did = did::aggte(did::att_gt("y", "year", "id", "g", data = d, bstrap = FALSE, cband = FALSE),
                     "dynamic", bstrap = FALSE, cband = FALSE)$att.egt,
    att_gt_dr = { a <- tidy(aggregate(pilotdid::att_gt(y ~ x | id + year, data = d, cohort = "g"), "dynamic"))
                  a$estimate[!startsWith(a$term, "ATT")] },
    did_dr = did::aggte(did::att_gt("y", "year", "id", "g", xformla = ~x, data = d, bstrap = FALSE, cband = FALSE),
                        "dynamic", bstrap = FALSE, cband = FALSE)$att.egt,
    sun_abraham = { s <- tidy(pilotdid::sun_abraham(y ~ 1 | id + year, data = d, cohort = "g"))
                    s$estimate[!s$ref & s$term != "ATT"] },
    sunab = { s <- summary(feols(y ~ sunab(gs, year) | id + year, data = d, cluster = ~id, notes = FALSE))
              unname(coef(s)[grep("^year::", names(coef(s)))]) },
    event_study = { e <- pilotdid::event_study(y ~ 1 | id + year, data = d, cohort = "g", window = c(-6, 7), bin = FALSE)
                    e$table$estimate[!e$table$ref] },
    i = { f <- feols(y ~ i(rel, ref = c(-1, -1000)) | id + year, data = d, cluster = ~id, notes = FALSE)
          unname(coef(f)) },
    did_imputation = tidy(pilotdid::did_imputation(y ~ 1 | id + year, data = d, cohort = "g", horizon = TRUE))$estimate,
    didimputation = { r <- didimputation::did_imputation(d, "y", "g", "year", "id", horizon = TRUE)
                      r$estimate[is.finite(r$estimate)] })))[["elapsed"]]
  est <- attr(mb, "value")
  cat(sprintf("%.3f %.0f %s\n", t, c(mb), paste(sprintf("%.17g", est), collapse = ",")))
  quit(save = "no")
}

n <- if (length(args)) as.numeric(args[1]) else 1e6
only <- if (length(args) >= 2L) args[2]
limit <- as.numeric(Sys.getenv("PILOTDID_BENCH_LIMIT", "1200"))
pairs <- list(c("att_gt", "did", "att_gt() + aggregate(dynamic), no covariates"),
              c("att_gt_dr", "did_dr", "att_gt() + aggregate(dynamic), doubly robust, 1 covariate"),
              c("sun_abraham", "sunab", "sun_abraham() vs feols(sunab())"),
              c("event_study", "i", "event_study(bin = FALSE) vs feols(i())"),
              c("did_imputation", "didimputation", "did_imputation(horizon = TRUE)"))
if (!is.null(only)) pairs <- Filter(function(p) p[1] == only, pairs)
run_case <- function(case) {
  out <- suppressWarnings(system2("timeout", c(limit, file.path(R.home("bin"), "Rscript"), "bench/robust10m.R",
                                               "--case", case, n), stdout = TRUE, stderr = FALSE))
  last <- if (length(out)) out[length(out)] else ""
  parts <- strsplit(last, " ", fixed = TRUE)[[1]]
  if (length(parts) != 3L || is.na(suppressWarnings(as.numeric(parts[1])))) {
    return(list(time = NA_real_, mb = NA_real_, est = NULL, status = attr(out, "status") %||% 1L))
  }
  list(time = as.numeric(parts[1]), mb = as.numeric(parts[2]), est = as.numeric(strsplit(parts[3], ",")[[1]]),
       status = 0L)
}
`%||%` <- function(a, b) if (is.null(a)) b else a
cat(sprintf("%s units x 10 periods (%s rows); load average %s\n", format(n, big.mark = ",", scientific = FALSE),
            format(10 * n, big.mark = ",", scientific = FALSE), paste(readLines("/proc/loadavg"), collapse = "")))
for (p in pairs) {
  a <- run_case(p[1])
  b <- run_case(p[2])
  diff <- if (!is.null(a$est) && length(a$est) == length(b$est)) max(abs(a$est - b$est)) else NA_real_
  ref <- if (is.na(b$time)) sprintf("reference %s (exit %s)", if (identical(b$status, 124L)) "over the time limit" else "failed", b$status)
         else sprintf("reference %7.1f s %6.0f MB", b$time, b$mb)
  cat(sprintf("%-58s pilotdid %7.1f s %6.0f MB | %s | time ratio %s | max |diff| %s\n", p[3], a$time, a$mb, ref,
              if (is.na(b$time)) "-" else sprintf("%.2f", a$time / b$time),
              if (is.na(diff)) "-" else sprintf("%.1e", diff)))
}
