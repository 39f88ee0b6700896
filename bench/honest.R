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
# elapsed and CPU (user + system) seconds of one call
timed <- function(expr) {
  t <- system.time(expr, gcFirst = FALSE)
  c(elapsed = t[["elapsed"]], cpu = t[["user.self"]] + t[["sys.self"]])
}
cold <- timed(run(TRUE))   # first call: draws HonestDiD's 10^6 normals once per session
reps <- function(f) apply(vapply(1:7, function(i) timed(f()), numeric(2)), 1, median)
tab <- rbind(
  "table, 10 Mbar + 10 M" = reps(function() run(FALSE)),
  "table + breakdown values" = reps(function() run(TRUE)),
  "relative magnitudes, 10 Mbar" = reps(function() honest_did(betahat = es$betahat, sigma = es$sigma,
    numPrePeriods = 5, numPostPeriods = 5, type = "relative_magnitude", Mbar = seq(0, 2, length.out = 10),
    breakdown = FALSE)),
  "smoothness, 10 M" = reps(function() honest_did(betahat = es$betahat, sigma = es$sigma,
    numPrePeriods = 5, numPostPeriods = 5, type = "smoothness", M = seq(0, 0.02, length.out = 10),
    breakdown = FALSE)))
cat(sprintf("first call of the session (incl. the 10^6 draws, breakdown): %.3f s elapsed, %.3f s CPU\n",
            cold[["elapsed"]], cold[["cpu"]]))
cat("median of 7 runs, seconds:\n")
print(round(tab, 3))
print(run(TRUE))
