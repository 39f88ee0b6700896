# Per-unit cross-products of a two-way (unit + second dimension) fixed-effects
# regression, shared by heterogeneity() permutations and the mechanism()
# bootstrap. With Z = [y, X] demeaned within units (Zc) and D the dummies of
# the second fixed effect without its first level, Frisch-Waugh-Lovell gives
#   Z'MZ = sum_u Zc_u'W Zc_u - (sum_u Zc_u'W D_u)(sum_u D_u'W D_u - w_u w_u'/W_u)^-1 (...)'
# for any set (or multiset: bootstrap copies) of units, each with its own
# unit effect; M is the projection off both fixed effects. A regression on a
# new set of units is then a weighted sum of rows of per-unit statistics and
# one small solve, with no pass over the data.

# For each unit: Zc'W Zc (m x m), raw sums of squares of Z, Zc'W D (m x T) and
# D'W D - w_u w_u' / W_u (T x T), as one row of M.
unit_stats <- function(smp, X) {
  Z <- cbind(smp$y, X)
  w <- smp$w %||% rep(1, nrow(Z))
  u <- smp$codes[[1L]]
  tt <- smp$codes[[2L]]
  U <- max(u) + 1L
  T <- max(tt) + 1L
  m <- ncol(Z)
  Wu <- as.vector(rowsum(w, u, reorder = TRUE))
  Zc <- Z - (rowsum(w * Z, u, reorder = TRUE) / Wu)[u + 1L, , drop = FALSE]
  a <- rep(seq_len(m), m)
  b <- rep(seq_len(m), each = m)
  A <- rowsum(Zc[, a, drop = FALSE] * Zc[, b, drop = FALSE] * w, u, reorder = TRUE)
  raw <- rowsum(Z^2 * w, u, reorder = TRUE)
  cell <- u * T + tt
  Bc <- rowsum(w * Zc, cell, reorder = TRUE)
  ids <- as.integer(rownames(Bc))
  B <- matrix(0, U, T * m)
  B[cbind(rep(ids %/% T + 1L, m), rep((ids %% T) * m, m) + rep(seq_len(m), each = length(ids)))] <- Bc
  Wut <- matrix(0, U, T)
  Wut[cbind(ids %/% T + 1L, ids %% T + 1L)] <- rowsum(w, cell, reorder = TRUE)
  C <- -(Wut[, rep(seq_len(T), T), drop = FALSE] * Wut[, rep(seq_len(T), each = T), drop = FALSE]) / Wu
  diag_pos <- (seq_len(T) - 1L) * T + seq_len(T)
  C[, diag_pos] <- C[, diag_pos] + Wut
  off <- cumsum(c(0L, m * m, m, T * m))
  list(M = cbind(A, raw, B, C), m = m, T = T, off = off)
}

# Z'MZ (M: the projection off both fixed effects) and the raw sums of squares
# of Z from summed per-unit statistics (a row of unit_stats()$M, or a sum
# of rows).
unit_crossprod <- function(s, st) {
  m <- st$m
  T <- st$T
  o <- st$off
  A <- matrix(s[o[1L] + seq_len(m * m)], m, m)
  B <- matrix(s[o[3L] + seq_len(T * m)], m, T)[, -1L, drop = FALSE]
  C <- matrix(s[o[4L] + seq_len(T * T)], T, T)[-1L, -1L, drop = FALSE]
  list(S = A - B %*% psd_solve(C, t(B)), raw = s[o[2L] + seq_len(m)])
}

# C^-1 R for a symmetric positive semi-definite C (pseudo-inverse if singular).
psd_solve <- function(C, R) {
  ch <- tryCatch(chol(C), error = function(e) NULL)
  if (!is.null(ch) && min(diag(ch))^2 > 1e-12 * max(diag(C))) return(backsolve(ch, forwardsolve(t(ch), R)))
  e <- eigen(C, symmetric = TRUE)
  keep <- e$values > 1e-10 * max(e$values)
  e$vectors[, keep, drop = FALSE] %*% (crossprod(e$vectors[, keep, drop = FALSE], R) / e$values[keep])
}

# Least squares from cross-products, dropping columns in order as cpp_ols()
# does; dropped columns get NA.
seq_ols <- function(XtX, Xty, raw, tol = 1e-10) {
  p <- ncol(XtX)
  kept <- integer()
  L <- matrix(0, p, p)
  for (k in seq_len(p)) {
    r <- length(kept)
    l <- if (r) forwardsolve(L[seq_len(r), seq_len(r), drop = FALSE], XtX[kept, k]) else numeric()
    d <- XtX[k, k] - sum(l^2)
    if (!(d > tol * XtX[k, k]) || !(XtX[k, k] > tol * raw[k])) next
    L[r + 1L, seq_len(r)] <- l
    L[r + 1L, r + 1L] <- sqrt(d)
    kept <- c(kept, k)
  }
  beta <- rep(NA_real_, p)
  if (!length(kept)) return(beta)
  Lk <- L[seq_along(kept), seq_along(kept), drop = FALSE]
  beta[kept] <- backsolve(t(Lk), forwardsolve(Lk, Xty[kept]))
  beta
}
