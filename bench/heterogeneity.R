# heterogeneity() on the paper-sized panel (nqp_panel: 218 cities x 14 years,
# 6 controls, city-clustered): median elapsed seconds, this build against an
# older one in the same run.
#   Rscript bench/heterogeneity.R [old_lib]
# The permutation draws come from per-unit cross-products (src/resample.cpp)
# with city + year and with city + year + province^year (before issue 16 the
# latter refitted every group of every draw).
source("bench/resample-common.R")
cases <- list(
  case("permutation, resource-based, n = 5000 (id + year)",
       quote(heterogeneity(fit, is_resource, n = 5000, seed = 1))),
  case("permutation, resource-based, n = 5000, threads = 2",
       quote(heterogeneity(fit, is_resource, n = 5000, seed = 1, threads = 2)),
       quote(heterogeneity(fit, is_resource, n = 5000, seed = 1))),
  case("permutation, 4 regions, n = 5000 (id + year)",
       quote(heterogeneity(fit, region, n = 5000, seed = 1))),
  case("permutation, resource-based, n = 1000 (id + year + prov^year)",
       quote(heterogeneity(fit3, is_resource, n = 1000, seed = 1)), reps = 1),
  case("interaction test, 4 regions", quote(heterogeneity(fit, region, test = "interaction"))),
  case("suest, 4 regions", quote(heterogeneity(fit, region, test = "suest")))
)
run_cases(cases, "bench/heterogeneity.R")
