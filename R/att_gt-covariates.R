# ATT(g,t) with covariates: the panel outcome-regression and doubly-robust
# estimators of Sant'Anna and Zhao (2020), with the influence functions of
# DRDID::reg_did_panel() and DRDID::drdid_panel(), sampling weights included.

# Covariates of every unit in every period kept: a list with one n x k matrix
# (intercept first) per period; NULL without covariates.
attgt_covariates <- function(pn, keep, cols) {
  if (!ncol(pn$X)) return(NULL)
  Xall <- cbind(`(Intercept)` = 1, pn$X)
  lapply(cols, function(tt) {
    rows <- which(pn$period == tt)
    out <- matrix(NA_real_, pn$n_units, ncol(Xall), dimnames = list(NULL, colnames(Xall)))
    out[pn$unit[rows] + 1L, ] <- Xall[rows, , drop = FALSE]
    out[keep, , drop = FALSE]
  })
}

# One 2x2 comparison of the n1 units of a cell: change `dy`, treatment `D`
# (0/1), covariates `X`, sampling weights `w`. Returns the ATT and its
# influence function (before did's n / n1 scaling).
attgt_cell_cov <- function(dy, D, X, w, method, g, t) {
  n1 <- length(D)
  w <- w / mean(w)
  wc <- w * (1 - D)
  XwX <- crossprod(X, wc * X)
  if (rcond(XwX) < .Machine$double.eps) {
    warn_pd("Covariates of the comparison units of cohort {g} in period {t} are collinear: ATT({g},{t}) is NA.")
    return(list(att = NA_real_, inf = rep(0, n1)))
  }
  beta <- solve(XwX, crossprod(X, wc * dy))
  fit <- drop(X %*% beta)
  lin_ols <- (wc * (dy - fit)) * X %*% solve(XwX / n1)
  if (method == "reg") {
    wt <- w * D
    eta_t <- mean(wt * dy) / mean(wt)
    eta_c <- mean(wt * fit) / mean(wt)
    inf_c <- wt * (fit - eta_c) + lin_ols %*% (colSums(wt * X) / n1)
    return(list(att = eta_t - eta_c, inf = drop((wt * (dy - eta_t) - inf_c) / mean(wt))))
  }
  ps <- logit_fit(X, D, w)
  if (max(ps) >= 0.999) {
    warn_pd("The propensity score of cohort {g} in period {t} reaches 0.999 (no overlap): ATT({g},{t}) is NA.")
    return(list(att = NA_real_, inf = rep(0, n1)))
  }
  ps <- pmin(ps, 1 - 1e-6)
  trim <- ifelse(D == 1, 1, as.numeric(ps < 0.995))
  w_t <- trim * w * D
  w_c <- trim * w * ps * (1 - D) / (1 - ps)
  res <- dy - fit
  eta_t <- mean(w_t * res) / mean(w_t)
  eta_c <- mean(w_c * res) / mean(w_c)
  hess <- chol2inv(chol(crossprod(X, w * ps * (1 - ps) * X))) * n1
  lin_ps <- ((w * (D - ps)) * X) %*% hess
  inf_t <- (w_t * (res - eta_t) - lin_ols %*% (colSums(w_t * X) / n1)) / mean(w_t)
  inf_c <- (w_c * (res - eta_c) + lin_ps %*% (colSums(w_c * (res - eta_c) * X) / n1) -
              lin_ols %*% (colSums(w_c * X) / n1)) / mean(w_c)
  list(att = eta_t - eta_c, inf = drop(inf_t - inf_c))
}

# Fitted probabilities of a logit of D on X, by Newton-Raphson to full
# convergence.
logit_fit <- function(X, D, w = rep(1, length(D)), maxit = 100L) {
  beta <- numeric(ncol(X))
  for (it in seq_len(maxit)) {
    p <- stats::plogis(drop(X %*% beta))
    step <- solve(crossprod(X, w * p * (1 - p) * X), crossprod(X, w * (D - p)))
    beta <- beta + drop(step)
    if (max(abs(step)) < 1e-12 * (1 + max(abs(beta)))) break
  }
  stats::plogis(drop(X %*% beta))
}
