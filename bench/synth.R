# synth_did() vs synthdid (github.com/synth-inference/synthdid), same run.
#   Rscript bench/synth.R
# synthdid is not on CRAN; install it from its source (R CMD INSTALL; it needs
# only mvtnorm). Without it the script falls back on the step-by-step R
# implementation of synthdid's solver in tests/testthat/helper-synth.R (same
# Frank-Wolfe steps and stopping rule, no placebo timing).
# (a) Proposition 99: the SDID estimate with 200 placebo draws.
# (b) a 2,000-unit x 30-period staggered panel (3 cohorts, 30% treated): the
#     estimate, one synthdid_estimate() per cohort against the never-treated
#     units, aggregated with treated unit-period weights (synthdid has no
#     staggered adoption); pilotdid also with 200 placebo draws.
suppressPackageStartupMessages(library(pilotdid))
have_sd <- requireNamespace("synthdid", quietly = TRUE)
if (!have_sd) source("tests/testthat/helper-synth.R")
`%||%` <- function(x, y) if (is.null(x)) y else x
elapsed <- function(expr) { t0 <- proc.time()[["elapsed"]]; force(expr); proc.time()[["elapsed"]] - t0 }

wide <- function(d, y, unit, time, first) {
  Y <- tapply(d[[y]], list(d[[unit]], d[[time]]), identity)
  tr <- rownames(Y) %in% as.character(unique(d[[unit]][!is.na(d[[first]])]))
  Y[c(which(!tr), which(tr)), , drop = FALSE]
}
sd_block <- function(Y, N0, T0) {
  if (have_sd) c(synthdid::synthdid_estimate(Y, N0, T0)) else ref_synthdid(Y, N0, T0)$estimate
}

cat("synthdid installed:", have_sd, "\n")
# (a) Proposition 99
d <- california_prop99
d$first <- ifelse(d$State == "California", 1989, NA)
Y <- wide(d, "PacksPerCapita", "State", "Year", "first")
t_pd <- elapsed(fit <- synth_did(PacksPerCapita ~ 1 | State + Year, data = d, treat = "treated", n = 200,
                                 seed = 1, threads = 1))
t_pd_est <- elapsed(est <- synth_did(PacksPerCapita ~ 1 | State + Year, data = d, treat = "treated", se = "none"))
t_sd_est <- elapsed(ref <- sd_block(Y, 38, 19))
stopifnot(abs(est$estimate - ref) < 1e-8 * abs(ref))
cat(sprintf("Prop 99 estimate: pilotdid %.3f s, synthdid %.3f s, ratio %.1f (estimate %.5f both)\n",
            t_pd_est, t_sd_est, t_sd_est / t_pd_est, ref))
if (have_sd) {
  tau <- synthdid::synthdid_estimate(Y, 38, 19)
  set.seed(1)
  t_sd <- elapsed(se_sd <- sqrt(stats::vcov(tau, method = "placebo", replications = 200))[1, 1])
  cat(sprintf("Prop 99 estimate + 200 placebo draws: pilotdid %.2f s (SE %.2f), synthdid %.1f s (SE %.2f), ratio %.0f\n",
              t_pd, fit$std.error, t_sd, se_sd, t_sd / t_pd))
}

# (b) staggered, 2,000 x 30
s <- simulate_panel(n_id = 2000, n_t = 30, start = 1990, cohorts = c(2000, 2005, 2010), share_treated = 0.3,
                    effect = 1, n_x = 0, seed = 1)
t_pd_st <- elapsed(st <- synth_did(y ~ 1 | id + year, data = s, treat = "treat", se = "none"))
t_pd_st2 <- elapsed(st2 <- synth_did(y ~ 1 | id + year, data = s, treat = "treat", n = 200, seed = 1,
                                     threads = 2))
t_sd_st <- elapsed({
  ests <- w <- numeric()
  for (a in sort(unique(stats::na.omit(s$cohort)))) {
    sub <- s[is.na(s$cohort) | s$cohort == a, ]
    Ya <- wide(sub, "y", "id", "year", "cohort")
    N0 <- sum(!rownames(Ya) %in% as.character(unique(sub$id[!is.na(sub$cohort)])))
    T0 <- a - 1990
    ests <- c(ests, sd_block(Ya, N0, T0))
    w <- c(w, (nrow(Ya) - N0) * (30 - T0))
  }
  agg <- sum(ests * w) / sum(w)
})
stopifnot(abs(st$estimate - agg) < 1e-6 * abs(agg), abs(st2$estimate - agg) < 1e-6 * abs(agg))
cat(sprintf("2,000 x 30 staggered estimate: pilotdid %.2f s, synthdid per cohort %.1f s, ratio %.0f (ATT %.4f both)\n",
            t_pd_st, t_sd_st, t_sd_st / t_pd_st, agg))
cat(sprintf("2,000 x 30 staggered estimate + 200 placebo draws, 2 threads: pilotdid %.1f s (SE %.4f)\n",
            t_pd_st2, st2$std.error))
