# The draws of boot_test(): sufficient statistics (C++), chunked draws on
# threads or future workers, p-values and test inversion.

# One test R beta = r0: observed t, bootstrap draws, p-values and intervals.
boot_one <- function(base, cl, Rv, r0, impose_null, type, enumerate, n, seed, threads, backend,
                     conf_int, level) {
  est <- sum(Rv * base$coef)
  q <- drop(base$B %*% Rv)
  z <- drop(base$X %*% q)
  Rq <- sum(Rv * q)
  se <- sqrt(drop(Rv %*% base$V %*% Rv))
  u1 <- if (impose_null) z else numeric()
  prep <- cpp_boot_prepare(base$X, base$w, z, base$resid, u1, base$B, cl$boot, cl$G_boot, cl$clus,
                           cl$G_clus, base$codes, base$G_fe, getOption("pilotdid.max_exact", 400L),
                           getOption("pilotdid.tol", 1e-10), getOption("pilotdid.maxit", 10000L),
                           base$prep_threads)
  inputs <- c(boot_reduce(prep, impose_null),
              list(type = match(type, c("rademacher", "webb", "mammen", "norm")) - 1L,
                   enumerate = enumerate, seed = seed))
  S <- if (backend == "threads") boot_threads(inputs, n, threads) else
    run_draws_future(boot_run, n, list(inputs = inputs, threads = 1L))
  st <- list(S = S, est = est, se = se, Rq = Rq, cfac = base$cfac, wcr = impose_null)
  t0 <- (est - r0) / se
  tb <- boot_tstats(st, r0)
  ci <- if (conf_int) c(boot_invert(st, 1 - level, "sym"), boot_invert(st, 1 - level, "et")) else rep(NA_real_, 4L)
  list(estimate = est, std.error = se, statistic = t0, p.value = boot_p(tb, t0, "sym"),
       p.value_et = boot_p(tb, t0, "et"), conf.low = ci[1L], conf.high = ci[2L],
       conf.low_et = ci[3L], conf.high_et = ci[4L], r = r0, draws = tb)
}

# Reduce the C x G score matrices to at most 2G rows with the same Gram matrix
# (QR), so a draw costs O(G^2) however many variance clusters there are.
boot_reduce <- function(prep, wcr) {
  G <- length(prep$a0)
  M <- if (wcr) cbind(prep$M0, prep$M1) else prep$M0
  if (nrow(M) > ncol(M)) {
    qrM <- qr(M)
    M <- qr.R(qrM)[, order(qrM$pivot), drop = FALSE]
  }
  list(a0 = prep$a0, a1 = if (wcr) prep$a1 else numeric(),
       R0 = M[, seq_len(G), drop = FALSE],
       R1 = if (wcr) M[, G + seq_len(G), drop = FALSE] else matrix(0, 0L, 0L))
}

boot_run <- function(inputs, first, count, threads) {
  if (!is.null(inputs$A)) {
    return(as.matrix(cpp_boot_wald_draws(inputs$A, inputs$R, inputs$type, inputs$enumerate,
                                         inputs$seed, first, count, threads)))
  }
  cpp_boot_draws(inputs$a0, inputs$a1, inputs$R0, inputs$R1, inputs$type, inputs$enumerate,
                 inputs$seed, first, count, threads)
}

# Joint Wald test of the q rows of Rm = 0: W = b'(R V R')^{-1} b against the
# bootstrap W* (reported divided by q, as an F statistic).
boot_joint <- function(base, cl, Rm, impose_null, type, enumerate, n, seed, threads, backend) {
  q <- nrow(Rm)
  dev <- drop(Rm %*% base$coef)
  BR <- base$B %*% t(Rm)
  u <- base$resid
  if (impose_null) u <- u + drop(base$X %*% (BR %*% solve(Rm %*% BR, dev)))
  Z <- base$X %*% BR
  preps <- lapply(seq_len(q), function(k) {
    cpp_boot_prepare(base$X, base$w, Z[, k], u, numeric(), base$B, cl$boot, cl$G_boot, cl$clus,
                     cl$G_clus, base$codes, base$G_fe, getOption("pilotdid.max_exact", 400L),
                     getOption("pilotdid.tol", 1e-10), getOption("pilotdid.maxit", 10000L),
                     base$prep_threads)
  })
  M <- do.call(cbind, lapply(preps, `[[`, "M0"))
  if (nrow(M) > ncol(M)) {
    qrM <- qr(M)
    M <- qr.R(qrM)[, order(qrM$pivot), drop = FALSE]
  }
  inputs <- list(A = do.call(rbind, lapply(preps, `[[`, "a0")), R = M,
                 type = match(type, c("rademacher", "webb", "mammen", "norm")) - 1L,
                 enumerate = enumerate, seed = seed)
  S <- if (backend == "threads") boot_threads(inputs, n, threads) else
    run_draws_future(boot_run, n, list(inputs = inputs, threads = 1L))
  Fb <- S[, 1L] / base$cfac / q
  F0 <- drop(dev %*% solve(Rm %*% base$V %*% t(Rm), dev)) / q
  na <- NA_real_
  list(estimate = na, std.error = na, statistic = F0,
       p.value = sum(Fb >= F0 - 1e-9 * max(1, F0), na.rm = TRUE) / length(Fb), p.value_et = na,
       conf.low = na, conf.high = na, conf.low_et = na, conf.high_et = na, r = 0, draws = Fb)
}

# Chunks on this machine's threads, with a progress bar for long runs; Ctrl-C
# is honoured between chunks.
boot_threads <- function(inputs, n, threads) {
  per_draw <- if (is.null(inputs$A)) 2 * length(inputs$a0) * (nrow(inputs$R0) + 1) * (1 + (length(inputs$a1) > 0)) else
    2 * length(inputs$R) + 4 * nrow(inputs$R) * nrow(inputs$A)^2
  if (n * per_draw < 1e8) threads <- 1L   # under ~30 ms of work: threads cost more than they save
  run_draws(function(first, count) boot_run(inputs, first, count, threads), n, "Bootstrap draws",
            first_chunk = 2L * threads)
}


# Bootstrap t statistics for the null value r0. Under WCR the bootstrap
# residuals are u0 + lambda u1 with lambda = (R beta - r0) / (R B R').
boot_tstats <- function(st, r0) {
  S <- st$S
  if (!st$wcr) return(S[, 1L] / sqrt(st$cfac * S[, 3L]))
  lam <- (st$est - r0) / st$Rq
  (S[, 1L] + lam * S[, 2L]) / sqrt(st$cfac * pmax(S[, 3L] + 2 * lam * S[, 4L] + lam^2 * S[, 5L], 0))
}

# Symmetric or equal-tailed bootstrap p-value; draws equal to t up to rounding
# count as at least as extreme (with full enumeration one draw reproduces t).
# Undefined draws (zero bootstrap variance) never count as extreme.
boot_p <- function(tb, t0, kind) {
  tol <- 1e-9 * max(1, abs(t0))
  share <- function(x) sum(x, na.rm = TRUE) / length(tb)
  if (kind == "sym") return(share(abs(tb) >= abs(t0) - tol))
  min(1, 2 * min(share(tb <= t0 + tol), share(tb >= t0 - tol)))
}

# The same p-value for any r0 straight from the draw summaries (C++, no copies).
boot_p_at <- function(st, r0, kind) {
  t0 <- (st$est - r0) / st$se
  cpp_boot_pvalue(st$S, st$wcr, (st$est - r0) / st$Rq, st$cfac, t0, 1e-9 * max(1, abs(t0)),
                  if (kind == "sym") 0L else 1L)
}

# Confidence interval: the values r0 not rejected at `alpha`, bounds found by
# bisection on each side of the estimate (where the p-value is 1).
boot_invert <- function(st, alpha, kind) {
  bound <- function(dir) {
    inside <- st$est
    step <- 2 * st$se
    outside <- st$est + dir * step
    k <- 0L
    while (boot_p_at(st, outside, kind) > alpha && k < 60L) {
      inside <- outside
      step <- step * 2
      outside <- st$est + dir * step
      k <- k + 1L
    }
    if (k == 60L) return(dir * Inf)
    for (i in 1:60) {
      mid <- (inside + outside) / 2
      if (boot_p_at(st, mid, kind) > alpha) inside <- mid else outside <- mid
      if (abs(outside - inside) <= 1e-8 * st$se) break
    }
    (inside + outside) / 2
  }
  c(bound(-1), bound(1))
}

boot_note_few <- function(G, type, enumerate) {
  if (type == "rademacher" && G < 12L) {
    note(c("Only {G} bootstrap clusters: Rademacher weights give at most {2^G} distinct draws{if (enumerate) ', all enumerated (exact p-value)' else ''}.",
           "i" = "Webb's six-point weights ({.code type = \"webb\"}) are recommended with fewer than 12 clusters (MacKinnon and Webb)."))
  }
}

new_pilotdid_boot_test <- function(tests, terms, n, type, enumerate, impose_null, level, seed, cl, nobs) {
  cols <- c("estimate", "std.error", "statistic", "p.value", "p.value_et", "conf.low", "conf.high",
            "conf.low_et", "conf.high_et", "r")
  tab <- data.frame(term = terms, do.call(rbind, lapply(tests, function(t) unlist(t[cols]))),
                    row.names = NULL)
  draws <- do.call(cbind, lapply(tests, `[[`, "draws"))
  colnames(draws) <- terms
  structure(list(table = tab, draws = draws, n = n, type = type, enumerated = enumerate,
                 impose_null = impose_null, level = level, seed = seed, cluster = cl$cluster,
                 bootcluster = cl$bootcluster, n_clusters = cl$G_clus, n_bootclusters = cl$G_boot,
                 nobs = nobs),
            class = "pilotdid_boot_test")
}
