# aggregate(cband = TRUE): the multiplier bootstrap of the uniform band
# (src/boot.cpp, one Mammen stream per draw), this build against an older
# one (R's generator, BLAS cross-products) in the same run.
#   Rscript bench/band.R [old_lib]
source("bench/resample-common.R")
cs <- att_gt(nqp ~ 1 | nbs_code + year, data = d, cohort = "first_year")
big <- simulate_panel(n_id = 20000, n_t = 10, cohorts = c(2013, 2015, 2017), seed = 1)
cs_big <- att_gt(y ~ 1 | id + year, data = big, cohort = "cohort")
cases <- list(
  case("dynamic band, nqp_panel (218 cities), n = 1000",
       quote(aggregate(cs, "dynamic", cband = TRUE, n = 1000, seed = 1))),
  case("dynamic band, 20,000 units x 10 years, n = 1000",
       quote(aggregate(cs_big, "dynamic", cband = TRUE, n = 1000, seed = 1))),
  case("dynamic band, 20,000 units x 10 years, n = 1000, threads = 2",
       quote(aggregate(cs_big, "dynamic", cband = TRUE, n = 1000, seed = 1, threads = 2)),
       quote(aggregate(cs_big, "dynamic", cband = TRUE, n = 1000, seed = 1)))
)
run_cases(cases, "bench/band.R")
