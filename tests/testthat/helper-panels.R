# Data makers for the tests (no top-level code runs anything else).

make_panel <- function(n_id = 60, n_t = 8, drop_share = 0, n_x = 2, seed = 1, ...) {
  simulate_panel(n_id = n_id, n_t = n_t, n_x = n_x, drop_share = drop_share, seed = seed, ...)
}

# fixest's small-sample options, stated explicitly whatever the fixest version:
# (n-1)/(n-K), FE nested in the cluster not counted in K, G/(G-1) with the
# smallest G for multiway clustering, t with min(G)-1 degrees of freedom.
fixest_ssc <- function() {
  if ("K.adj" %in% names(formals(fixest::ssc))) {
    fixest::ssc(K.adj = TRUE, K.fixef = "nonnested", G.adj = TRUE, G.df = "min", t.df = "min")
  } else {
    fixest::ssc(adj = TRUE, fixef.K = "nested", cluster.adj = TRUE, cluster.df = "min", t.df = "min")
  }
}

# Relative difference, for "equal to 1e-8 relative" comparisons.
rel_diff <- function(a, b) max(abs(unname(a) - unname(b)) / pmax(abs(unname(b)), 1e-300))

# Full twfe() refit of draw j of a placebo run: the oracle for the fast draws.
placebo_refit <- function(fit, d, j, type, seed, ...) {
  inputs <- pilotdid:::placebo_inputs(fit, d, NULL, NULL, NULL, NULL, type, seed, TRUE)
  a <- pilotdid:::cpp_placebo_assignment(pilotdid:::placebo_state(inputs), j)
  periods <- sort(unique(d$year[fit$obs]))
  ulev <- unique(d$id[fit$obs])
  first <- rep(Inf, length(ulev))
  first[a[, 1] + 1] <- periods[a[, 2] + 1]
  d$ptreat <- as.integer(d$year >= first[match(d$id, ulev)])
  ctrl <- setdiff(names(coef(fit)), "treat")
  f <- stats::as.formula(paste("y ~", paste(c("ptreat", ctrl), collapse = " + "), "|",
                               paste(fit$fe, collapse = " + ")))
  twfe(f, data = d, ...)
}

# A panel with two mediators: m moves with the treatment and the outcome, m2 is noise.
make_mediator_panel <- function(n_id = 50, n_t = 7, seed = 1, drop_share = 0) {
  d <- make_panel(n_id = n_id, n_t = n_t, seed = seed, drop_share = drop_share)
  withr::with_seed(seed + 100, {
    d$m <- 0.8 * d$treat + 0.3 * d$x1 + stats::rnorm(nrow(d))
    d$m2 <- stats::rnorm(nrow(d))
  })
  d$y <- d$y + 0.5 * d$m
  d
}

# A panel with unit-level groups: `big` (logical), `region` (3 levels) and a
# treatment effect that differs by `big` when `gap` is not 0.
make_group_panel <- function(n_id = 60, n_t = 8, seed = 1, gap = 0, drop_share = 0) {
  d <- make_panel(n_id = n_id, n_t = n_t, seed = seed, drop_share = drop_share)
  d$big <- d$id %% 3 == 0
  d$region <- c("East", "Central", "West")[d$id %% 3 + 1L]
  d$region[d$id %% 5 == 0] <- "West"
  d$y <- d$y + gap * d$treat * d$big
  d
}
