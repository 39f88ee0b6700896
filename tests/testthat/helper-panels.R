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

# Worker-firm style panel: units `id` in years `year` at firm `firm`, industry
# `ind` of the firm. Each unit has a home firm; a share `move_rows` of rows are
# at a random firm instead (a well connected firm graph), and a share
# `move_units` of units move once, from a random year on, to a random firm
# (few movers: a poorly connected graph). Weights `w` in (0.5, 1.5).
#   y = alpha_id + gamma_year + phi_firm + x1 + 0.5 x2 + e
make_firm_panel <- function(n_id = 400, n_t = 5, n_firm = 80, move_rows = 0, move_units = 0, seed = 1) {
  withr::local_seed(seed)
  id <- rep(seq_len(n_id), each = n_t)
  year <- rep(2000L + seq_len(n_t), n_id)
  firm <- sample.int(n_firm, n_id, replace = TRUE)[id]
  mv <- stats::runif(length(id)) < move_rows
  firm[mv] <- sample.int(n_firm, sum(mv), replace = TRUE)
  movers <- which(stats::runif(n_id) < move_units)
  for (u in movers) {
    rows <- (u - 1L) * n_t + seq(sample.int(n_t - 1L, 1L) + 1L, n_t)
    firm[rows] <- sample.int(n_firm, 1L)
  }
  d <- data.frame(id = id, year = year, firm = firm, ind = firm %% 7L)
  a <- stats::rnorm(n_id)
  phi <- stats::rnorm(n_firm)
  d$x1 <- 0.5 * a[id] + 0.5 * phi[firm] + stats::rnorm(length(id))
  d$x2 <- stats::rnorm(length(id))
  d$w <- stats::runif(length(id), 0.5, 1.5)
  d$y <- a[id] + stats::rnorm(n_t)[year - 2000L] + phi[firm] + d$x1 + 0.5 * d$x2 + stats::rnorm(length(id))
  d
}

# Relative difference, for "equal to 1e-8 relative" comparisons.
rel_diff <- function(a, b) max(abs(unname(a) - unname(b)) / pmax(abs(unname(b)), 1e-300))

# Full twfe() refit of draw j of a placebo run: the oracle for the fast draws.
placebo_refit <- function(fit, d, j, type, seed, ...) {
  inputs <- pilotdid:::placebo_inputs(fit, d, environment(), NULL, NULL, NULL, NULL, type, seed, TRUE)
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

# Staggered-adoption panel with known dynamic effects: units `id` in years
# `year`, adoption year `cohort` (`never` for never-treated units), and
#   y = alpha_i + gamma_t + effect(year - cohort) * treated_i + 0.5 * x1 + e,
# x1 correlated with alpha_i. `effect(k)` is the true effect k periods after
# adoption (k < 0: before); by default zero before, rising after and constant
# from 5 periods on, so that binning at c(-5, 5) is exact.
make_event_panel <- function(n_id = 120, n_t = 12, start = 2010, cohorts = c(2013, 2015, 2017),
                             share_never = 0.4, effect = event_effect, sd = 1, never = NA,
                             drop_share = 0, seed = 1) {
  withr::with_seed(seed, {
    years <- start + seq_len(n_t) - 1L
    n_tr <- n_id - round(share_never * n_id)
    cohort <- rep(never, n_id)
    if (n_tr > 0L) cohort[sample.int(n_id, n_tr)] <- rep_len(cohorts, n_tr)
    d <- data.frame(id = rep(seq_len(n_id), each = n_t), year = rep(years, times = n_id))
    d$cohort <- cohort[d$id]
    treated <- !is.na(d$cohort) & d$cohort != 0 & is.finite(d$cohort)
    alpha <- stats::rnorm(n_id)
    gamma <- stats::rnorm(n_t)
    d$x1 <- 0.3 * alpha[d$id] + stats::rnorm(nrow(d))
    tau <- ifelse(treated, effect(d$year - d$cohort), 0)
    d$y <- alpha[d$id] + gamma[d$year - start + 1L] + tau + 0.5 * d$x1 + stats::rnorm(nrow(d), sd = sd)
    if (drop_share > 0) d <- d[-sample.int(nrow(d), round(drop_share * nrow(d))), ]
    rownames(d) <- NULL
    d
  })
}

# The default true dynamic effect: 0 before adoption, 0.5 + 0.25 k after, flat from k = 5.
event_effect <- function(k) ifelse(k < 0, 0, 0.5 + 0.25 * pmin(k, 5))

# The paper's labels of relative periods k, written out (oracle of the labels).
event_labels_en <- function(k) {
  ifelse(k < 0, paste0("pre_", -k), ifelse(k == 0, "current", paste0("post_", k)))
}

# Add the oracle's relative-time column `rel` for fixest::i(): time - cohort,
# binned at `window` when `bin`, and `never_value` for never-treated units
# (a reference value, so that their dummies are all zero).
add_rel_time <- function(d, window = c(-5, 5), bin = TRUE, never_value = -1,
                         cohort = "cohort", time = "year") {
  coh <- d[[cohort]]
  never <- is.na(coh) | coh == 0 | is.infinite(coh)
  rel <- d[[time]] - coh
  if (bin) rel <- pmin(pmax(rel, window[1]), window[2])
  rel[never] <- never_value
  d$rel <- rel
  d
}

# The relative-time coefficients, SEs and periods of a fixest::feols() fit with
# i(rel, ref = ...), the oracle of event_study() (data from add_rel_time()).
fixest_rel <- function(ref) {
  b <- stats::coef(ref)
  keep <- startsWith(names(b), "rel::")
  list(coef = unname(b[keep]), se = unname(fixest::se(ref)[keep]),
       rel = as.numeric(sub("rel::", "", names(b)[keep], fixed = TRUE)))
}

# Every k-th current prefecture-level city or municipality of cn_cities (NBS
# codes): a small mixed sample for simulate_pilot_panel().
pilot_cities <- function(k = 5) {
  cc <- cn_cities[cn_cities$status == "current" &
                    cn_cities$unit_type %in% c("municipality", "prefecture-level city"), ]
  cc$nbs_code[seq(1, nrow(cc), by = k)]
}

# Mean of x by group, as a named vector (for true effects by subgroup).
group_mean <- function(x, g) vapply(split(x, g), mean, 1)

# The reference paper's Table 2 (mean, SD) and the tolerances within which a
# draw of simulate_pilot_panel() on its 218-city sample must match them.
table2 <- function() {
  data.frame(
    var  = c("nqp", "gov", "density", "fdi", "lngdp", "rcl", "fin"),
    mean = c(0.147, 0.181, 486.6, 0.017, 7.524, 0.382, 2.580),
    sd   = c(0.058, 0.086, 363.4, 0.018, 0.960, 0.103, 1.302),
    # relative tolerances
    tol_mean = c(0.05, 0.10, 0.10, 0.15, 0.02, 0.05, 0.10),
    tol_sd   = c(0.15, 0.20, 0.20, 0.25, 0.10, 0.15, 0.20)
  )
}

expect_table2_moments <- function(d) {
  t2 <- table2()
  for (i in seq_len(nrow(t2))) {
    x <- d[[t2$var[i]]]
    expect_equal(mean(x), t2$mean[i], tolerance = t2$tol_mean[i], label = paste("mean of", t2$var[i]))
    expect_equal(stats::sd(x), t2$sd[i], tolerance = t2$tol_sd[i], label = paste("SD of", t2$var[i]))
  }
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

# The columns `cols` of `d` as bit64 integer64, as data.table::fread() or a
# database reads them (non-finite values become NA); `id` is shifted near 2^53,
# beyond the 32-bit range.
to_integer64 <- function(d, cols) {
  for (v in cols) {
    x <- d[[v]]
    x[!is.finite(x)] <- NA
    d[[v]] <- bit64::as.integer64(x)
    if (v == "id") d[[v]] <- d[[v]] + bit64::as.integer64("9000000000000000")
  }
  d
}
