# Data makers for the staggered-DID tests (bacon_decomp, att_gt, sun_abraham,
# did_imputation, compare_estimators).

# A staggered panel whose effect grows with time since adoption:
# effect = base + growth * (year - cohort) from adoption on. `cohort` is NA for
# never treated units; `g` is the same with 0 for never treated (did's coding).
make_staggered <- function(n_id = 60, n_t = 8, cohorts = c(2011, 2013, 2015), share_treated = 0.6,
                           base = 0.5, growth = 0.3, drop_share = 0, seed = 1) {
  d <- simulate_panel(n_id = n_id, n_t = n_t, cohorts = cohorts, share_treated = share_treated,
                      effect = 0, n_x = 1, drop_share = drop_share, seed = seed)
  d$y <- d$y + ifelse(d$treat == 1, base + growth * (d$year - d$cohort), 0)
  d$g <- ifelse(is.na(d$cohort), 0, d$cohort)
  d
}

# True average effect at each event time e >= 0 of make_staggered() data.
true_effect <- function(e, base = 0.5, growth = 0.3) base + growth * e

# didimputation::did_imputation() with its fixest first stage run at
# fixef.tol = 1e-11: fixest's default tolerance leaves errors of about 1e-8 in
# the imputed effects on unbalanced panels (our solver is exact there).
didimputation_ref <- function(...) {
  fixest::setFixest_estimation(fixef.tol = 1e-11)
  on.exit(fixest::setFixest_estimation(reset = TRUE))
  suppressMessages(didimputation::did_imputation(...))
}
