# Time of honest_did(): the whole sensitivity table (10 values of Mbar with the
# C-LF hybrid, 10 values of M with the FLCI, breakdown values) on a 5-pre /
# 5-post event study. Run: R_LIBS=<lib> Rscript bench/honest.R
library(pilotdid)
make_es <- function(seed) {
  set.seed(seed)
  k <- 10
  rho <- 0.5^abs(outer(1:k, 1:k, "-"))
  sigma <- 0.01^2 * rho
  betahat <- c(rnorm(5, 0, 0.005), 0.05 + rnorm(5, 0, 0.01))
  list(betahat = betahat, sigma = sigma)
}
es <- make_es(1)
run <- function(breakdown) {
  honest_did(betahat = es$betahat, sigma = es$sigma, numPrePeriods = 5, numPostPeriods = 5,
             Mbar = seq(0, 2, length.out = 10), M = seq(0, 0.02, length.out = 10), breakdown = breakdown)
}
cold <- system.time(run(TRUE))[["elapsed"]]   # first call: draws HonestDiD's 10^6 normals once
times <- vapply(1:5, function(i) system.time(run(FALSE))[["elapsed"]], 0)
times_bd <- vapply(1:5, function(i) system.time(run(TRUE))[["elapsed"]], 0)
rm_only <- vapply(1:5, function(i) system.time(honest_did(betahat = es$betahat, sigma = es$sigma,
  numPrePeriods = 5, numPostPeriods = 5, type = "relative_magnitude", Mbar = seq(0, 2, length.out = 10),
  breakdown = FALSE))[["elapsed"]], 0)
cat(sprintf("first call (incl. 10^6 draws, breakdown): %.3f s\n", cold))
cat(sprintf("table, 10 Mbar + 10 M, no breakdown: median %.3f s (min %.3f)\n", median(times), min(times)))
cat(sprintf("table + breakdown values:            median %.3f s (min %.3f)\n", median(times_bd), min(times_bd)))
cat(sprintf("relative magnitudes only, 10 Mbar:   median %.3f s\n", median(rm_only)))
print(run(TRUE))
