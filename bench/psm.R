# Benchmark: psm_did() matching vs MatchIt::matchit(method = "nearest") on the
# same data, in the same run. Run from the package root after installing:
#   Rscript bench/psm.R            (uses the installed pilotdid)
# Prints median times (seconds) and the ratio MatchIt / pilotdid for
#   * matching: propensity score (logit) + 1:1 nearest-neighbour matching
#     without replacement + weights, i.e. what matchit() does;
#   * psm_did: the whole call (matching, balance table, DID re-estimation).
# Target (issue 6): no slower than MatchIt at 3,052 rows, >= 5x faster at 100,000.
suppressPackageStartupMessages({
  library(pilotdid)
  library(MatchIt)
})
options(pilotdid.quiet = TRUE)

# n_id units over n_t years, a share of them treated; six covariates that
# differ between the groups (like the paper's Gov, Density, Fdi, lngdp, RCL, Fin).
make_data <- function(n_id, n_t, share, seed) {
  set.seed(seed)
  d <- data.frame(id = rep(seq_len(n_id), each = n_t), year = rep(seq_len(n_t), n_id))
  d$ever <- as.integer(d$id <= round(share * n_id))
  for (k in 1:6) d[[paste0("x", k)]] <- rnorm(nrow(d), mean = 0.3 * d$ever * (-1)^k) + rnorm(n_id)[d$id]
  d$did <- as.integer(d$ever == 1 & d$year > n_t / 2)
  d$y <- 0.2 * d$did + d$x1 + rnorm(n_id)[d$id] + rnorm(nrow(d))
  d
}

median_time <- function(f, reps) {
  f()  # warm-up
  stats::median(vapply(seq_len(reps), function(i) system.time(f())[["elapsed"]], 0))
}

fml <- y ~ did + x1 + x2 + x3 + x4 + x5 + x6 | id + year
covs <- ever ~ x1 + x2 + x3 + x4 + x5 + x6

# the matching step of psm_did(): sample, scores, C++ matching and weights
pilotdid_matching <- function(d) {
  spec <- pilotdid:::parse_fe_formula(fml)
  opts <- pilotdid:::psm_options(1, FALSE, NULL, NULL, "score", "largest", "pooled", "matched")
  ms <- pilotdid:::psm_sample(spec, d, "ever", NULL, "pooled", NULL)
  sc <- pilotdid:::psm_scores(ms, opts)
  pilotdid:::psm_match(ms, sc, opts, threads = 1L)
}

run <- function(label, d, reps) {
  t_m <- median_time(function() matchit(covs, data = d, method = "nearest", distance = "glm"), reps)
  t_p <- median_time(function() pilotdid_matching(d), reps)
  t_f <- median_time(function() psm_did(fml, data = d, treat = ~ever), reps)
  data.frame(data = label, rows = nrow(d), treated = sum(d$ever), reps = reps,
             matchit = t_m, pilotdid_matching = t_p, psm_did = t_f,
             ratio_matching = t_m / t_p, ratio_psm_did = t_m / t_f)
}

cat("R", as.character(getRversion()), "| MatchIt", as.character(packageVersion("MatchIt")),
    "| pilotdid", as.character(packageVersion("pilotdid")), "|", parallel::detectCores(), "cores (shared machine)\n")
res <- rbind(
  run("paper-sized panel (218 x 14, 96 treated units)", make_data(218, 14, 96 / 218, 1), reps = 15),
  run("100,000 rows (10,000 x 10, 10% treated)", make_data(10000, 10, 0.1, 2), reps = 3)
)
print(format(res, digits = 3), row.names = FALSE)
