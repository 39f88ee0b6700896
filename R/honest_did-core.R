# Numerical core of honest_did(): the Rambachan-Roth confidence sets.
# Follows the HonestDiD R package (Rambachan and Roth, MIT licence) step by
# step; comments name the HonestDiD function each helper mirrors.

# ---- relative magnitudes: Delta^RM(Mbar), ARP test with the LF hybrid ----------

# .create_A_RM(): rows |delta_{t+1} - delta_t| <= Mbar^{[t >= 0]} * |first
# difference at pre-period s| for the sign `max_positive`; the column of the
# reference period (t = 0 in HonestDiD's indexing) is dropped.
rm_constraints <- function(n_pre, n_post, Mbar, s, max_positive) {
  nt <- n_pre + n_post
  At <- matrix(0, nt, nt + 1L)
  for (r in seq_len(nt)) At[r, r:(r + 1L)] <- c(-1, 1)
  v <- numeric(nt + 1L)
  v[(n_pre + s):(n_pre + 1L + s)] <- c(-1, 1)
  if (!max_positive) v <- -v
  ub <- rbind(matrix(v, n_pre, nt + 1L, byrow = TRUE), matrix(Mbar * v, n_post, nt + 1L, byrow = TRUE))
  A <- rbind(At - ub, -At - ub)
  A <- A[rowSums(A * A) > 1e-10, , drop = FALSE]
  A <- A[, -(n_pre + 1L), drop = FALSE]
  # postPeriodMomentsOnly = TRUE: keep the rows that involve a post period.
  post <- n_pre + seq_len(n_post)
  A[rowSums(A[, post, drop = FALSE] != 0) > 0, , drop = FALSE]
}

# Change of basis .construct_Gamma(): theta = l'delta_post is the first
# coordinate, the rest is a nuisance. Any completion of l gives the same test
# (the nuisance is unrestricted), so an orthonormal one is used.
gamma_inverse <- function(l_vec) {
  n <- length(l_vec)
  if (n == 1L) return(matrix(1 / l_vec, 1L, 1L))
  Q <- qr.Q(qr(matrix(l_vec, ncol = 1L)), complete = TRUE)
  cbind(l_vec / sum(l_vec^2), Q[, -1L, drop = FALSE])
}

# Standard normal draws shared by every least-favourable critical value: the
# draws HonestDiD makes with set.seed(seed) and mvtnorm::rmvnorm(1000, .).
lf_normal_draws <- function(m, sims = 1000L, seed = 0L) {
  with_seed(seed, matrix(stats::rnorm(sims * m), nrow = sims, byrow = TRUE))
}

# mvtnorm::rmvnorm(method = "eigen") factor, so that Z %*% R has covariance S.
eigen_root <- function(S) {
  ev <- eigen(S, symmetric = TRUE)
  t(ev$vectors %*% (t(ev$vectors) * sqrt(pmax(ev$values, 0))))
}

# One ARP problem y(theta) = Y - a theta, moments E[y - X delta] <= 0 with
# covariance S: the vertices of the dual polytope, and the least-favourable
# critical value (.compute_least_favorable_cv()).
arp_setup <- function(Y, a, X, S, Z, kappa, hybrid) {
  sdv <- sqrt(diag(S))
  if (ncol(X)) {
    q <- qr(X)
    X <- X[, q$pivot[seq_len(q$rank)], drop = FALSE]
  }
  V <- cpp_dual_vertices(cbind(sdv, X), 1e-10)
  P <- V %*% S %*% t(V)
  lf <- Inf
  if (hybrid == "LF" && nrow(V)) {
    eta <- cpp_max_over_vertices(V %*% t(eigen_root(S)), Z)
    lf <- quantile7(eta, 1 - kappa)
  }
  list(V = V, P = P, Vy = drop(V %*% Y), Va = drop(V %*% a), lf = lf)
}

# stats::quantile(x, p, type = 7) for one p, without its overhead (called
# once per restriction and M).
quantile7 <- function(x, p) {
  index <- 1 + (length(x) - 1) * p
  lo <- floor(index)
  hi <- ceiling(index)
  x <- sort(x, partial = unique(c(lo, hi)))
  qs <- x[lo]
  if (index > lo && x[hi] != qs) qs <- (1 - (index - lo)) * qs + (index - lo) * x[hi]
  qs
}

# Accept (TRUE) / reject of the conditional (hybrid) test at each theta,
# .lp_conditional_test_fn(): eta is the LP value, gamma the optimal dual
# vertex; the test conditions on gamma staying optimal, which truncates
# gamma'y to [vlo, vup] (ARP 2023, section 3; HonestDiD's primal and dual
# branches both compute this interval).
arp_accept <- function(pr, theta, alpha, kappa, hybrid) {
  if (nrow(pr$V) == 0L) return(rep(TRUE, length(theta)))
  # columns: optimal vertex, eta, its variance, vlo, vup (src/honest.cpp)
  cond <- cpp_arp_conditional(pr$Vy, pr$Va, pr$P, theta)
  acc <- cond[, 2L] <= pr$lf
  k <- which(acc)
  if (!length(k)) return(acc)
  mod_size <- if (hybrid == "LF") (alpha - kappa) / (1 - kappa) else alpha
  vlo <- cond[k, 4L]
  vup <- pmin(cond[k, 5L], pr$lf)
  sB <- sqrt(cond[k, 3L])
  stat <- cond[k, 2L] / sB
  inside <- vlo / sB <= stat & stat <= vup / sB
  cval <- pmax(0, qtruncnorm(1 - mod_size, vlo / sB, vup / sB))
  acc[k] <- !inside | stat <= cval
  acc
}

# Quantile p of N(0, 1) truncated to [l, u] (TruncatedNormal::norminvp()),
# computed on the log scale in the tail that keeps precision.
qtruncnorm <- function(p, l, u) {
  lQl <- stats::pnorm(l, lower.tail = FALSE, log.p = TRUE)
  lQu <- stats::pnorm(u, lower.tail = FALSE, log.p = TRUE)
  q_up <- stats::qnorm(lQl + log1p(-p * (1 - exp(lQu - lQl))), lower.tail = FALSE, log.p = TRUE)
  lPl <- stats::pnorm(l, log.p = TRUE)
  lPu <- stats::pnorm(u, log.p = TRUE)
  q_lo <- stats::qnorm(lPu + log1p(-(1 - p) * (1 - exp(lPl - lPu))), log.p = TRUE)
  ifelse(l > 0, q_up, q_lo)
}

# computeConditionalCS_DeltaRM(): union over s and the sign of the sets
# accepted on HonestDiD's grid [-20, 20] * sd(l'beta_post), gridPoints values.
rm_confidence_set <- function(betahat, sigma, n_pre, n_post, l_vec, Mbar, alpha, hybrid, grid, Z) {
  acc <- rm_accepted(betahat, sigma, n_pre, n_post, l_vec, Mbar, alpha, hybrid, grid, Z)
  if (acc[1L] || acc[length(acc)]) {
    warn_pd("The relative-magnitude set for {.arg Mbar} = {Mbar} reaches the end of the grid; its bounds are censored.")
  }
  if (!any(acc)) return(c(NA_real_, NA_real_))
  range(grid[acc])
}

# Whether the set excludes 0 (lb > 0 or ub < 0 in rm_confidence_set()), for
# the breakdown value: only whether some grid value <= 0 and some >= 0 are
# accepted matters, so the union stops as soon as both are.
rm_excludes_zero <- function(betahat, sigma, n_pre, n_post, l_vec, Mbar, alpha, hybrid, grid, Z) {
  acc <- rm_accepted(betahat, sigma, n_pre, n_post, l_vec, Mbar, alpha, hybrid, grid, Z, sides = TRUE)
  xor(any(acc[grid <= 0]), any(acc[grid >= 0]))
}

# Accepted grid values, the union over the 2 * n_pre restrictions; a value
# already accepted is not tested again. sides = TRUE: only one accepted value
# <= 0 and one >= 0 are looked for.
rm_accepted <- function(betahat, sigma, n_pre, n_post, l_vec, Mbar, alpha, hybrid, grid, Z, sides = FALSE) {
  kappa <- alpha / 10
  post <- n_pre + seq_len(n_post)
  Gi <- gamma_inverse(l_vec)
  acc <- logical(length(grid))
  for (s in seq(-(n_pre - 1L), 0L)) {
    for (pos in c(TRUE, FALSE)) {
      todo <- !acc
      if (sides) todo <- (grid <= 0 & !any(acc[grid <= 0])) | (grid >= 0 & !any(acc[grid >= 0]))
      if (!any(todo)) return(acc)
      A <- rm_constraints(n_pre, n_post, Mbar, s, pos)
      AG <- A[, post, drop = FALSE] %*% Gi
      pr <- arp_setup(drop(A %*% betahat), AG[, 1L], AG[, -1L, drop = FALSE],
                      A %*% sigma %*% t(A), Z, kappa, hybrid)
      acc[todo] <- arp_accept(pr, grid[todo], alpha, kappa, hybrid)
    }
  }
  acc
}

# ---- smoothness: Delta^SD(M), the fixed-length confidence interval --------------

# The FLCI of HonestDiD's flci.R. The affine estimator is
# v'beta, v = (l_pre, l_vec), with pre-period weights l_pre = D^2 W, where W
# are the cumulated weights (W_n = sum_t t * l_t fixed); its worst-case bias
# over Delta^SD(M) is M * (c + sum_i |W_i|) and its sd is h(W). HonestDiD
# minimises the half-length h * cv_alpha(bias / h) over h in [h_min, h_0]
# with an inner SOCP (min bias s.t. sd <= h). The same trade-off curve is
# traced here by the bias budget B = sum_{i<n} |W_i|: the inner problem
# min var s.t. sum |W_i| <= B is a quadratic programme (quadprog, with the
# L1 ball added face by face), and the outer one-dimensional problem is convex
# and solved by Brent's method (stats::optimize()). cv_alpha is the exact
# folded-normal quantile (HonestDiD simulates it with 10^6 draws).
flci_setup <- function(sigma, n_pre, n_post, l_vec) {
  c0 <- sum(seq_len(n_post) * l_vec)
  D <- diag(n_pre)
  if (n_pre > 1L) D[cbind(2:n_pre, 1:(n_pre - 1L))] <- -1
  D2 <- D %*% D
  G <- rbind(D2[, -n_pre, drop = FALSE], matrix(0, n_post, n_pre - 1L))
  g0 <- c(D2[, n_pre] * c0, l_vec)
  const <- sum(vapply(seq_len(n_post), function(s) {
    abs(sum(seq_len(s) * l_vec[(n_post - s + 1L):n_post]))
  }, 0)) - c0 + abs(c0)
  Q <- t(G) %*% sigma %*% G
  q <- drop(t(G) %*% sigma %*% g0)
  Wmin <- if (n_pre > 1L) -solve(Q, q) else numeric(0)
  faces <- new.env(parent = emptyenv())
  faces$A <- matrix(sign(Wmin), ncol = 1L)
  list(G = G, g0 = g0, const = const, Q = Q, q = q, q0 = drop(t(g0) %*% sigma %*% g0),
       Wmin = Wmin, B0 = sum(abs(Wmin)), Q2 = 2 * Q, q2 = -2 * q, faces = faces)
}

flci_var <- function(fs, W) drop(t(W) %*% fs$Q %*% W + 2 * sum(fs$q * W) + fs$q0)

# Minimum-variance W with sum |W| <= B (cutting planes on the faces of the L1 ball).
# The faces found so far are kept in fs$faces (an environment) and every
# later solve starts from them: along the search over B the active faces
# rarely change, so most solves need one QP.
flci_inner <- function(fs, B) {
  if (B >= fs$B0) return(fs$Wmin)
  if (B <= 0) return(numeric(length(fs$Wmin)))
  for (it in 1:200) {
    faces <- fs$faces$A
    sol <- quadprog::solve.QP(Dmat = fs$Q2, dvec = fs$q2, Amat = -faces,
                              bvec = rep(-B, ncol(faces)))$solution
    if (sum(abs(sol)) <= B * (1 + 1e-10) + 1e-14) return(sol)
    fs$faces$A <- cbind(faces, sign(sol))
  }
  cli::cli_abort("Internal error: the FLCI variance problem did not converge.")
}

# 1 - alpha quantile of |N(mu, 1)|. "exact" solves Phi(c - mu) - Phi(-c - mu)
# = 1 - alpha; "simulated" is HonestDiD's .qfoldednormal(): the type-7 sample
# quantile of |z + mu| over its 10^6 draws z made with set.seed(0), found
# in C++ (src/honest.cpp) by binary search in the sorted draws (no resorting per mu).
folded_normal_cv <- function(mu, alpha, cv = "simulated") {
  if (cv == "simulated") return(folded_normal_cv_sim(mu, alpha))
  if (mu > 40) return(mu + stats::qnorm(1 - alpha))
  f <- function(c) stats::pnorm(c - mu) - stats::pnorm(-c - mu) - (1 - alpha)
  stats::uniroot(f, c(mu + stats::qnorm(1 - alpha) - 1e-8, mu + stats::qnorm(1 - alpha / 2) + 1e-8),
                 tol = 1e-13)$root
}

honest_cache <- new.env(parent = emptyenv())

folded_draws <- function() {
  if (is.null(honest_cache$z)) honest_cache$z <- sort(with_seed(0L, stats::rnorm(1e6)))
  honest_cache$z
}

folded_normal_cv_sim <- function(mu, alpha) cpp_folded_quantile(folded_draws(), mu, 1 - alpha)

flci_halflength <- function(fs, B, M, alpha, cv) {
  W <- flci_inner(fs, B)
  h <- sqrt(flci_var(fs, W))
  bias <- M * (fs$const + sum(abs(W)))
  list(value = h * folded_normal_cv(bias / h, alpha, cv), W = W)
}

flci_interval <- function(fs, betahat, M, alpha, cv = "simulated") {
  f <- function(B) flci_halflength(fs, B, M, alpha, cv)$value
  cand <- c(0, fs$B0)
  if (fs$B0 > 0) {
    opt <- stats::optimize(f, c(0, fs$B0), tol = fs$B0 * 1e-9)
    cand <- c(cand, opt$minimum)
  }
  vals <- vapply(cand, f, 0)
  best <- flci_halflength(fs, cand[which.min(vals)], M, alpha, cv)
  v <- drop(fs$G %*% best$W) + fs$g0
  centre <- sum(v * betahat)
  c(centre - best$value, centre + best$value)
}
