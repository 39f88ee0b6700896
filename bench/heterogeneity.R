# heterogeneity() and mechanism() resampling on the paper-sized panel
# (218 cities x 14 years, 6 controls): median elapsed seconds of a few runs.
#   Rscript bench/heterogeneity.R
# "fast" = per-unit cross-products (unit + time fixed effects); "refit" = the
# fallback that demeans each resampled group again (other fixed effects).
suppressPackageStartupMessages(library(pilotdid))
options(pilotdid.quiet = TRUE)
d <- simulate_panel(n_id = 218, n_t = 14, n_x = 6, seed = 1)
d$big <- d$id %% 3 == 0
d$region <- c("East", "Central", "West", "Northeast")[d$id %% 4 + 1]
d$prov <- d$id %% 30
d$m <- 0.5 * d$treat + rnorm(nrow(d))
fit <- twfe(y ~ treat + x1 + x2 + x3 + x4 + x5 + x6 | id + year, data = d)
fit3 <- twfe(y ~ treat + x1 + x2 + x3 + x4 + x5 + x6 | id + year + prov^year, data = d)
smp <- pilotdid:::fit_sample(fit, d)
g <- as.integer(d$big[smp$obs]) + 1L

timed <- function(label, f, reps = 3) {
  t <- vapply(seq_len(reps), function(i) system.time(f())[["elapsed"]], 0)
  cat(sprintf("%-58s %7.2f s\n", label, stats::median(t)))
}
timed("permutation, 2 groups, n = 1000 (fast)", function() heterogeneity(fit, big, n = 1000, seed = 1))
timed("permutation, 4 regions, n = 1000 (fast)", function() heterogeneity(fit, "region", n = 1000, seed = 1))
timed("permutation, 2 groups, n = 1000 (refit path forced)",
      function() pilotdid:::het_permutation(smp, g, "treat", fit, 1000, 1, engine = "loop"), reps = 1)
timed("permutation, id + year + prov^year, n = 1000 (refit)",
      function() heterogeneity(fit3, big, n = 1000, seed = 1), reps = 1)
timed("interaction test, 4 regions", function() heterogeneity(fit, "region", test = "interaction"))
timed("suest, 4 regions", function() heterogeneity(fit, "region", test = "suest"))
timed("three_step, n = 999 (fast)",
      function() mechanism(fit, "m", design = "three_step", n = 999, seed = 1))
timed("three_step, n = 999, year clusters (refit)", function() {
  mechanism(update(fit, cluster = ~year), "m", design = "three_step", n = 999, seed = 1)
}, reps = 1)
