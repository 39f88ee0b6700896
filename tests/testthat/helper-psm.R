# Data makers and the MatchIt oracle for test-psm_did.R.

psm_fml <- y ~ did + x1 + x2 + x3 | id + year

quiet_psm <- function(...) {
  withr::local_options(pilotdid.quiet = TRUE)
  psm_did(...)
}

# A panel of n_id units over n_t years where the treated group (`ever`) differs
# from the controls in its covariates, so that matching has work to do.
make_psm_panel <- function(n_id = 60, n_t = 5, share = 0.35, seed = 1) {
  withr::with_seed(seed, {
    ever_u <- as.integer(seq_len(n_id) <= round(share * n_id))
    d <- data.frame(id = rep(seq_len(n_id), each = n_t), year = rep(2010 + seq_len(n_t), n_id))
    d$ever <- ever_u[d$id]
    d$x1 <- stats::rnorm(nrow(d), mean = 0.6 * d$ever)
    d$x2 <- stats::rnorm(nrow(d), mean = -0.3 * d$ever)
    d$x3 <- stats::runif(nrow(d))
    d$did <- as.integer(d$ever == 1 & d$year >= 2010 + ceiling(n_t / 2))
    d$y <- 0.5 * d$did + d$x1 + 0.5 * d$x2 + stats::rnorm(n_id)[d$id] + stats::rnorm(nrow(d))
    d
  })
}

# MatchIt's matches for given distances, through its general nearest-neighbour
# engine (distance supplied as a matrix |d_t - d_c|). Treated rows are put
# first in the visiting order of `order` so that m.order = "data" visits them in
# that order. Returns a matrix: one row per treated row (data order), the row
# numbers of its controls.
matchit_pairs <- function(treat, distance, order = "largest", ratio = 1, replace = FALSE,
                          caliper = NULL, seed = NULL) {
  n <- length(treat)
  d <- data.frame(t = treat, z = distance, row.names = seq_len(n))
  tr <- which(treat == 1)
  ord <- switch(order, largest = order(distance[tr], decreasing = TRUE),
                smallest = order(distance[tr]), data = seq_along(tr), random = seq_along(tr))
  perm <- c(tr[ord], which(treat == 0))
  dd <- d[perm, ]
  D <- abs(outer(dd$z[dd$t == 1], dd$z[dd$t == 0], "-"))
  args <- list(t ~ z, data = dd, method = "nearest", distance = D, ratio = ratio,
               replace = replace, m.order = if (order == "random") "random" else "data")
  if (!is.null(caliper)) {
    args$caliper <- caliper
    args$std.caliper <- FALSE
  }
  if (order == "random") set.seed(seed)
  m <- suppressWarnings(do.call(MatchIt::matchit, args))
  mm <- m$match.matrix
  out <- matrix(as.integer(mm), nrow(mm))[match(as.character(tr), rownames(mm)), , drop = FALSE]
  list(pairs = out, weights = unname(m$weights[as.character(seq_len(n))]))
}

# Our match matrix with rows in the data order of the treated rows.
our_pairs <- function(res) unname(res$match_matrix)

sort_rows <- function(m) {
  out <- t(apply(m, 1L, function(r) c(sort(r), r[is.na(r)])))
  if (ncol(m) == 1L) out <- t(out)
  out
}

# The greedy rule written out in plain R, O(N^2): rows sorted by distance
# (ties in row order); each treated row, in `visit` order and once per round,
# takes the closest usable control on its left and on its right (a control is
# usable if still available and not already matched to this row), the left one
# on equal gaps; with a caliper, only the closest usable control on each side
# counts. Returns the match matrix (rows: treated in data order).
greedy_reference <- function(distance, treat, visit, ratio = 1, replace = FALSE, caliper = Inf) {
  o <- order(distance)
  pos <- integer(length(o))
  pos[o] <- seq_along(o)
  ds <- distance[o]
  avail <- treat[o] == 0
  tr <- which(treat == 1)
  mm <- matrix(NA_integer_, length(tr), ratio)
  for (r in seq_len(ratio)) {
    for (i in visit) {
      ii <- pos[tr[i]]
      usable <- function(k) avail[k] && !(o[k] %in% mm[i, ])
      kl <- ii - 1L
      while (kl >= 1L && !usable(kl)) kl <- kl - 1L
      kr <- ii + 1L
      while (kr <= length(o) && !usable(kr)) kr <- kr + 1L
      gl <- if (kl >= 1L) ds[ii] - ds[kl] else Inf
      gr <- if (kr <= length(o)) ds[kr] - ds[ii] else Inf
      if (gl > caliper) gl <- Inf
      if (gr > caliper) gr <- Inf
      if (is.infinite(gl) && is.infinite(gr)) next
      k <- if (gl <= gr) kl else kr
      mm[i, r] <- o[k]
      if (!replace) avail[k] <- FALSE
    }
  }
  mm
}

# Sampling weights varying by row, between 0.2 and 3.
psm_sampling_weights <- function(d, seed) {
  withr::with_seed(seed, stats::runif(nrow(d), 0.2, 3))
}

# MatchIt's own 1:1 nearest-neighbour matching without replacement on a
# logit score fitted with the sampling weights `data$sw` (s.weights), given
# to MatchIt scaled to mean 1 as psm_did() scales them for its score model
# (the model does not depend on their scale, but glm()'s starting values do:
# on other scales the two stop within glm()'s tolerance, 1e-9 apart). Its
# default (vector) engine is used only where it agrees with MatchIt's general
# engine on the same distances (see the fast-path test in test-psm_did.R).
matchit_sw <- function(f, data, caliper = NULL, link = "logit") {
  m <- suppressWarnings(MatchIt::matchit(f, data = data, method = "nearest", distance = "glm", link = link,
                                         s.weights = data$sw / mean(data$sw), caliper = caliper))
  width <- if (is.null(caliper)) NULL else caliper * stats::sd(m$distance)
  general <- matchit_pairs(as.integer(m$treat), unname(m$distance), caliper = width)$pairs
  testthat::skip_if(!identical(matchit_mm(m), general), "MatchIt's nn_matchC_vec is unsound on this build")
  m
}

# A matchit object's match matrix as row positions in its data, one row per
# treated row in data order.
matchit_mm <- function(m) {
  ids <- names(m$treat)
  mm <- m$match.matrix[match(ids[m$treat == 1], rownames(m$match.matrix)), , drop = FALSE]
  matrix(match(mm, ids), nrow(mm))
}

# The balance table equals MatchIt's summary() to 1e-8: weighted means before
# (sampling weights) and after (matching x sampling weights), and the
# standardized bias over the pooled SD of the unmatched sample (summary()
# standardizes by it for estimand "ATE").
expect_balance_matchit <- function(res, m) {
  m$estimand <- "ATE"
  s <- summary(m, pair.dist = FALSE)
  b <- res$balance
  cov <- b$covariate
  for (smp in c("before", "after")) {
    ref <- if (smp == "before") s$sum.all else s$sum.matched
    testthat::expect_equal(b[[paste0("mean_treated_", smp)]], unname(ref[cov, "Means Treated"]), tolerance = 1e-8)
    testthat::expect_equal(b[[paste0("mean_control_", smp)]], unname(ref[cov, "Means Control"]), tolerance = 1e-8)
    testthat::expect_equal(b[[paste0("bias_", smp)]], 100 * unname(ref[cov, "Std. Mean Diff."]), tolerance = 1e-8)
  }
}

# The DID of a psm_did() result on psm_fml, clustered by id, equals
# fixest::feols() with weights `w` on the rows where they are positive, to
# 1e-8 (fixest's demeaning tolerance at 1e-11 so that its own error is below).
expect_did_feols <- function(res, d, w) {
  testthat::skip_if_not_installed("fixest")
  ref <- fixest::feols(y ~ did + x1 + x2 + x3 | id + year, data = d, weights = w, subset = w > 0, cluster = ~id,
                       fixef.rm = "none", fixef.tol = 1e-11)
  testthat::expect_equal(coef(res), coef(ref), tolerance = 1e-8)
  testthat::expect_equal(unname(sqrt(diag(vcov(res)))), as.numeric(fixest::se(ref)), tolerance = 1e-8)
}
