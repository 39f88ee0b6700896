# Reference implementation of synthdid's estimator in plain R, written out
# step by step from synthdid's solver (sc.weight.fw, fw.step,
# sc.weight.fw.covariates, synthdid_estimate, sc_estimate, did_estimate):
# the oracle of test-synth_did.R (synthdid itself is not on CRAN).

ref_fw_step <- function(A, x, b, eta) {
  Ax <- A %*% x
  half_grad <- t(Ax - b) %*% A + eta * x
  i <- which.min(half_grad)
  d_x <- -x
  d_x[i] <- 1 - x[i]
  if (all(d_x == 0)) return(x)
  d_err <- A[, i] - Ax
  step <- -sum(half_grad * d_x) / (sum(d_err^2) + eta * sum(d_x^2))
  x + min(1, max(0, step)) * d_x
}

ref_sc_weight <- function(Y, zeta, intercept = TRUE, x = NULL, min_decrease = 1e-3, max_iter = 1000) {
  k <- ncol(Y) - 1
  n <- nrow(Y)
  if (is.null(x)) x <- rep(1 / k, k)
  if (intercept) Y <- apply(Y, 2, function(col) col - mean(col))
  A <- Y[, 1:k, drop = FALSE]
  b <- Y[, k + 1]
  vals <- rep(NA, max_iter)
  t <- 0
  while (t < max_iter && (t < 2 || vals[t - 1] - vals[t] > min_decrease^2)) {
    t <- t + 1
    x <- ref_fw_step(A, x, b, n * zeta^2)
    vals[t] <- zeta^2 * sum(x^2) + sum((A %*% x - b)^2) / n
  }
  x
}

ref_collapsed <- function(Y, N0, T0) {
  N <- nrow(Y); T <- ncol(Y)
  rbind(cbind(Y[1:N0, 1:T0, drop = FALSE], rowMeans(Y[1:N0, (T0 + 1):T, drop = FALSE])),
        cbind(t(colMeans(Y[(N0 + 1):N, 1:T0, drop = FALSE])), mean(Y[(N0 + 1):N, (T0 + 1):T, drop = FALSE])))
}

ref_sparsify <- function(v) { v[v <= max(v) / 4] <- 0; v / sum(v) }

# synthdid_estimate() without covariates; method "sdid", "sc" or "did". `opts`
# (zeta_omega, zeta_lambda, min_decrease) and starting weights as synthdid's
# resampling passes them.
ref_synthdid <- function(Y, N0, T0, method = "sdid", opts = NULL, omega = NULL, lambda = NULL) {
  N1 <- nrow(Y) - N0; T1 <- ncol(Y) - T0
  noise <- stats::sd(apply(Y[1:N0, 1:T0], 1, diff))
  eta_o <- if (method == "sc") 1e-6 else (N1 * T1)^(1 / 4)
  opts <- opts %||% list(zeta_omega = eta_o * noise, zeta_lambda = 1e-6 * noise, min_decrease = 1e-5 * noise)
  Yc <- ref_collapsed(Y, N0, T0)
  if (method == "did") {
    omega <- rep(1 / N0, N0); lambda <- rep(1 / T0, T0)
  } else {
    if (method == "sc") {
      lambda <- rep(0, T0)
    } else {
      l <- ref_sc_weight(Yc[1:N0, ], opts$zeta_lambda, TRUE, lambda, opts$min_decrease, 100)
      lambda <- ref_sc_weight(Yc[1:N0, ], opts$zeta_lambda, TRUE, ref_sparsify(l), opts$min_decrease, 10000)
    }
    o <- ref_sc_weight(t(Yc[, 1:T0]), opts$zeta_omega, method != "sc", omega, opts$min_decrease, 100)
    omega <- ref_sc_weight(t(Yc[, 1:T0]), opts$zeta_omega, method != "sc", ref_sparsify(o), opts$min_decrease, 10000)
  }
  est <- c(t(c(-omega, rep(1 / N1, N1))) %*% Y %*% c(-lambda, rep(1 / T1, T1)))
  list(estimate = est, omega = omega, lambda = lambda, opts = opts)
}

# synthdid's sc.weight.fw.covariates + estimate, one covariate matrix list X.
ref_synthdid_cov <- function(Y, X, N0, T0) {
  N1 <- nrow(Y) - N0; T1 <- ncol(Y) - T0
  noise <- stats::sd(apply(Y[1:N0, 1:T0], 1, diff))
  zo <- (N1 * T1)^(1 / 4) * noise; zl <- 1e-6 * noise; md <- 1e-5 * noise
  Yc <- ref_collapsed(Y, N0, T0)
  Xc <- lapply(X, ref_collapsed, N0 = N0, T0 = T0)
  lambda <- rep(1 / T0, T0); omega <- rep(1 / N0, N0); beta <- rep(0, length(X))
  upd <- function(Yb, lambda, omega) {
    Yl <- centre(Yb[1:N0, ])
    lambda <- ref_fw_step(Yl[, 1:T0], lambda, Yl[, T0 + 1], N0 * zl^2)
    el <- Yl %*% c(lambda, -1)
    Yo <- centre(t(Yb[, 1:T0]))
    omega <- ref_fw_step(Yo[, 1:N0], omega, Yo[, N0 + 1], T0 * zo^2)
    eo <- Yo %*% c(omega, -1)
    list(val = zo^2 * sum(omega^2) + zl^2 * sum(lambda^2) + sum(eo^2) / T0 + sum(el^2) / N0,
         lambda = lambda, omega = omega, el = el, eo = eo)
  }
  centre <- function(M) M - rep(colMeans(M), each = nrow(M))
  yb <- function(beta) Yc - Reduce(`+`, Map(`*`, beta, Xc))
  w <- upd(yb(beta), lambda, omega)
  vals <- numeric()
  t <- 0
  while (t < 10000 && (t < 2 || abs(vals[t - 1] - vals[t]) > md^2)) {
    t <- t + 1
    g <- -vapply(Xc, function(Xi) {
      c(t(w$el) %*% Xi[1:N0, ] %*% c(w$lambda, -1) / N0 + t(w$eo) %*% t(Xi[, 1:T0]) %*% c(w$omega, -1) / T0)
    }, 0)
    beta <- beta - g / t
    w <- upd(yb(beta), w$lambda, w$omega)
    vals[t] <- w$val
  }
  Yb <- Y - Reduce(`+`, Map(`*`, beta, X))
  list(iterations = t, estimate = c(t(c(-w$omega, rep(1 / N1, N1))) %*% Yb %*% c(-w$lambda, rep(1 / T1, T1))),
       beta = beta, omega = w$omega, lambda = w$lambda)
}

# Outcome matrix of california_prop99 with California last (synthdid's panel.matrices()).
prop99_matrix <- function(outcome = "PacksPerCapita", d = pilotdid::california_prop99) {
  Y <- with(d, tapply(d[[outcome]], list(State, Year), identity))
  Y[c(setdiff(rownames(Y), "California"), "California"), ]
}

# A staggered panel with a constant effect `effect`: units of two cohorts and
# never-treated units, unit and time effects, small noise.
make_synth_panel <- function(n_id = 40, n_t = 12, cohorts = c(2015, 2018), share_treated = 0.3,
                             effect = 2, seed = 1) {
  d <- simulate_panel(n_id = n_id, n_t = n_t, cohorts = cohorts, share_treated = share_treated,
                      effect = effect, n_x = 1, seed = seed)
  d$treated <- as.integer(!is.na(d$cohort) & d$year >= d$cohort)
  d
}
