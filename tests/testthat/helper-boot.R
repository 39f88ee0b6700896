# Data makers and the brute-force oracle for boot_test().

# Panel of cities in provinces: `n_prov` provinces of `cities` cities each
# (recycled), years 1..n_t; province-by-year shocks make clustering matter.
# Provinces `treated` adopt the policy `did` from year `adopt` on (effect 0).
make_prov_panel <- function(n_prov = 10, cities = 4, n_t = 6, treated = 1:3, adopt = 4,
                            effect = 0, drop_share = 0, seed = 1) {
  withr::with_seed(seed, {
    sizes <- rep_len(cities, n_prov)
    prov <- rep(seq_len(n_prov), sizes)
    n_id <- length(prov)
    d <- data.frame(id = rep(seq_len(n_id), each = n_t), year = rep(seq_len(n_t), n_id))
    d$prov <- prov[d$id]
    d$did <- as.integer(d$prov %in% treated & d$year >= adopt)
    d$x1 <- stats::rnorm(nrow(d)) + 0.3 * d$did
    shock <- matrix(stats::rnorm(n_prov * n_t), n_prov, n_t)
    d$y <- stats::rnorm(n_id)[d$id] + 0.2 * d$year + effect * d$did + 0.5 * d$x1 +
      shock[cbind(d$prov, d$year)] + stats::rnorm(nrow(d))
    d$pw <- stats::runif(nrow(d), 0.5, 2)
    if (drop_share > 0) d <- d[-sample.int(nrow(d), round(drop_share * nrow(d))), ]
    rownames(d) <- NULL
    d
  })
}

# Brute-force wild cluster bootstrap of R beta = r0 for y ~ xvars + id + year
# dummies (weights `w`): for every row v of `V` (bootstrap weights, one column
# per level of `bc` in order of appearance; default every sign vector) build
# y* from the restricted (WCR) or unrestricted (WCU) fit, refit it by least
# squares with all the dummies, and form the CR1 t statistic clustered by `cl`
# (small-sample factor as fixest: FE nested in the cluster not counted).
brute_boot <- function(d, xvars, Rv, r0, cl, bc, w = NULL, wcr = TRUE, V = NULL) {
  n <- nrow(d)
  w <- if (is.null(w)) rep(1, n) else d[[w]]
  X <- as.matrix(d[xvars])
  Xf <- cbind(X, stats::model.matrix(~ factor(id) + factor(year), d))
  Rf <- c(Rv, rep(0, ncol(Xf) - length(Rv)))
  B <- solve(crossprod(Xf * w, Xf))
  bhat <- drop(B %*% crossprod(Xf * w, d$y))
  btil <- if (wcr) bhat - drop(B %*% Rf) * (sum(Rf * bhat) - r0) / drop(Rf %*% B %*% Rf) else bhat
  u <- d$y - drop(Xf %*% btil)
  gb <- match(d[[bc]], unique(d[[bc]]))
  if (is.null(V)) V <- as.matrix(expand.grid(rep(list(c(1, -1)), max(gb))))
  Ystar <- drop(Xf %*% btil) + u * t(V[, gb, drop = FALSE])
  bstar <- B %*% crossprod(Xf * w, Ystar)
  E <- Ystar - Xf %*% bstar
  cc <- d[[cl]]
  cfac <- brute_cr1_factor(d, xvars, cc)
  z <- drop(Xf %*% B %*% Rf)
  se <- sqrt(cfac * colSums(rowsum(w * z * E, cc)^2))
  ref <- if (wcr) r0 else sum(Rf * bhat)
  se0 <- sqrt(cfac * sum(rowsum(w * z * (d$y - drop(Xf %*% bhat)), cc)^2))
  list(t = drop(Rf %*% bstar - ref) / se, t0 = (sum(Rf * bhat) - r0) / se0, V = V)
}

# p-values of the brute-force draws, ties (up to rounding) counted as extreme.
brute_p <- function(tb, t0) {
  tol <- 1e-9 * max(1, abs(t0))
  c(sym = mean(abs(tb) >= abs(t0) - tol),
    et = min(1, 2 * min(mean(tb <= t0 + tol), mean(tb >= t0 - tol))))
}

# Brute-force bootstrap of the joint Wald test Rm beta = 0 (q rows) with
# bootstrap weights V (rows = draws): W* = b*'(V*)^{-1} b* with the CR1
# variance of each refit, as brute_boot(); returns W* / q and the observed W / q.
brute_wald <- function(d, xvars, Rm, cl, bc, V, w = NULL, wcr = TRUE) {
  n <- nrow(d)
  w <- if (is.null(w)) rep(1, n) else d[[w]]
  Xf <- cbind(as.matrix(d[xvars]), stats::model.matrix(~ factor(id) + factor(year), d))
  Rf <- cbind(Rm, matrix(0, nrow(Rm), ncol(Xf) - ncol(Rm)))
  B <- solve(crossprod(Xf * w, Xf))
  bhat <- B %*% crossprod(Xf * w, d$y)
  dev <- Rf %*% bhat
  btil <- if (wcr) bhat - B %*% t(Rf) %*% solve(Rf %*% B %*% t(Rf), dev) else bhat
  u <- drop(d$y - Xf %*% btil)
  gb <- match(d[[bc]], unique(d[[bc]]))
  Ystar <- drop(Xf %*% btil) + u * t(V[, gb, drop = FALSE])
  bstar <- B %*% crossprod(Xf * w, Ystar)
  E <- Ystar - Xf %*% bstar
  cc <- d[[cl]]
  cfac <- brute_cr1_factor(d, xvars, cc)
  Z <- Xf %*% B %*% t(Rf)
  wald <- function(b, e) {
    Psi <- rowsum(w * Z * e, cc)
    drop(t(b) %*% solve(cfac * crossprod(Psi), b))
  }
  ref <- if (wcr) 0 else dev
  Wb <- vapply(seq_len(ncol(Ystar)), function(j) wald(Rf %*% bstar[, j] - ref, E[, j]), 0)
  q <- nrow(Rm)
  list(F = Wb / q, F0 = wald(dev, drop(d$y - Xf %*% bhat)) / q)
}

# CR1 factor G/(G-1) (n-1)/(n-K), with the id and year effects counted in K
# unless nested in the clusters `cc` (fixest's "nonnested" rule).
brute_cr1_factor <- function(d, xvars, cc) {
  n <- nrow(d)
  C <- length(unique(cc))
  nested <- function(fe) all(tapply(cc, fe, function(x) length(unique(x))) == 1)
  K <- length(xvars) + 1 + (!nested(d$id)) * (length(unique(d$id)) - 1) +
    (!nested(d$year)) * (length(unique(d$year)) - 1)
  C / (C - 1) * (n - 1) / (n - K)
}
