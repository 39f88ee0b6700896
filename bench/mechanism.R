# mechanism(design = "three_step") cluster bootstrap on the paper-sized panel
# (nqp_panel, mediator `upgrade`, city-clustered): median elapsed seconds of
# the whole call (three steps, Sobel, bootstrap), this build against an older
# one in the same run.
#   Rscript bench/mechanism.R [old_lib]
# With city clusters the draws come from per-unit cross-products
# (src/resample.cpp), for city + year and for city + year + province^year
# (before issue 16 the latter refitted every draw); year clusters do not nest
# the cities, so every draw is refitted (in the engine, with progress).
source("bench/resample-common.R")
cases <- list(
  case("three_step, n = 999, id + year + prov^year",
       quote(mechanism(fit3, "upgrade", design = "three_step", n = 999, seed = 1)), reps = 3),
  case("three_step, n = 999, id + year + prov^year, threads = 2",
       quote(mechanism(fit3, "upgrade", design = "three_step", n = 999, seed = 1, threads = 2)),
       quote(mechanism(fit3, "upgrade", design = "three_step", n = 999, seed = 1)), reps = 3),
  case("three_step, n = 999, id + year",
       quote(mechanism(fit, "upgrade", design = "three_step", n = 999, seed = 1))),
  case("three_step, n = 99, id + year, year clusters (refit)",
       quote(mechanism(update(fit, cluster = ~year), "upgrade", design = "three_step", n = 99, seed = 1)),
       reps = 1)
)
run_cases(cases, "bench/mechanism.R")
