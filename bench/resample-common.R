# Shared by bench/heterogeneity.R and bench/mechanism.R: the paper's panel,
# its fits, and timing of each case with this pilotdid and, in the same run,
# with an older build in a child process (same data, same call).
#   Rscript bench/heterogeneity.R [old_lib]
# `old_lib`: a library holding the build to compare with (e.g. the commit
# before issue 16, installed with `R CMD INSTALL -l /tmp/oldlib .`).
args <- commandArgs(trailingOnly = TRUE)
child <- length(args) >= 2L && args[1L] == "--case"
if (child) .libPaths(c(args[3L], .libPaths()))
suppressPackageStartupMessages(library(pilotdid))
options(pilotdid.quiet = TRUE)

d <- nqp_panel
ctrl <- "gov + density + fdi + lngdp + rcl + fin"
f2 <- stats::as.formula(paste("nqp ~ did +", ctrl, "| nbs_code + year"))
f3 <- stats::as.formula(paste("nqp ~ did +", ctrl, "| nbs_code + year + province^year"))
fit <- twfe(f2, data = d, cluster = ~nbs_code)
fit3 <- twfe(f3, data = d, cluster = ~nbs_code)

med_elapsed <- function(expr, reps) {
  stats::median(vapply(seq_len(reps), function(i) system.time(eval(expr, globalenv()))[["elapsed"]], 0))
}

# Each case: label, call for this build (`new`), call for the old one (`old`,
# NULL: not run there), repetitions.
run_cases <- function(cases, script) {
  if (child) {
    k <- as.integer(args[2L])
    cat(med_elapsed(cases[[k]]$old, cases[[k]]$reps), "\n")
    return(invisible())
  }
  old_lib <- if (length(args)) args[1L]
  cat(sprintf("load average at start: %s\n", paste(readLines("/proc/loadavg"), collapse = "")))
  cat(sprintf("%-62s %9s %9s %7s\n", "case", "new (s)", "old (s)", "ratio"))
  for (k in seq_along(cases)) {
    cs <- cases[[k]]
    t_new <- med_elapsed(cs$new, cs$reps)
    t_old <- NA_real_
    if (!is.null(old_lib) && !is.null(cs$old)) {
      out <- system2("Rscript", c(script, "--case", k, old_lib), stdout = TRUE)
      t_old <- as.numeric(out[length(out)])
    }
    cat(sprintf("%-62s %9.3f %9.3f %7.2f\n", cs$label, t_new, t_old, t_new / t_old))
  }
  cat(sprintf("load average at end: %s\n", paste(readLines("/proc/loadavg"), collapse = "")))
}

case <- function(label, new, old = new, reps = 3) list(label = label, new = new, old = old, reps = reps)
