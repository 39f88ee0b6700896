# Balance diagnostics of a matching (pstest / cobalt conventions): per-covariate
# standardized bias and t-tests before and after, and the overall score-model fit.

# One row per column of X. Before: unweighted over all rows; after: weighted by
# `w` over rows with w > 0. The bias denominator keeps the unmatched variances.
balance_table <- function(X, treat, w) {
  t1 <- treat == 1L
  one <- rep(1, length(treat))
  m_b <- group_means(X, treat, one)
  m_a <- group_means(X, treat, w)
  v_t <- apply(X[t1, , drop = FALSE], 2L, stats::var)
  v_c <- apply(X[!t1, , drop = FALSE], 2L, stats::var)
  s <- sqrt((v_t + v_c) / 2)
  b_b <- 100 * (m_b$treated - m_b$control) / s
  b_a <- 100 * (m_a$treated - m_a$control) / s
  red <- ifelse(b_b == 0, NA_real_, 100 * (1 - abs(b_a) / abs(b_b)))
  data.frame(covariate = colnames(X),
             mean_treated_before = m_b$treated, mean_control_before = m_b$control,
             bias_before = b_b,
             mean_treated_after = m_a$treated, mean_control_after = m_a$control,
             bias_after = b_a, reduction = red,
             p_before = weighted_t_test(X, treat, one), p_after = weighted_t_test(X, treat, w),
             row.names = NULL)
}

group_means <- function(X, treat, w) {
  t1 <- treat == 1L
  list(treated = colSums(X[t1, , drop = FALSE] * w[t1]) / sum(w[t1]),
       control = colSums(X[!t1, , drop = FALSE] * w[!t1]) / sum(w[!t1]))
}

# Two-sided p-value of the t-test of equal means with importance weights: the
# regression of x on treat with weights w counted as frequencies (Stata's
# `regress x treat [iw = w]`, as pstest); with w = 1 the pooled-variance t-test.
weighted_t_test <- function(X, treat, w) {
  t1 <- treat == 1L & w > 0
  t0 <- treat == 0L & w > 0
  W1 <- sum(w[t1])
  W0 <- sum(w[t0])
  m <- group_means(X[t1 | t0, , drop = FALSE], treat[t1 | t0], w[t1 | t0])
  ss <- colSums(w[t1] * sweep(X[t1, , drop = FALSE], 2L, m$treated)^2) +
    colSums(w[t0] * sweep(X[t0, , drop = FALSE], 2L, m$control)^2)
  df <- W1 + W0 - 2
  se <- sqrt(ss / df * (1 / W1 + 1 / W0))
  stat <- (m$treated - m$control) / se
  p <- 2 * stats::pt(abs(stat), df = df, lower.tail = FALSE)
  p[se == 0 & stat == 0] <- 1
  unname(p)
}

# Pseudo-R2 (McFadden) and likelihood-ratio test of a logit of treat on the
# covariates, before (all rows) and after (matched rows, weighted), with the
# mean and median absolute standardized bias.
balance_overall <- function(X, treat, w, bal) {
  one <- rep(1, length(treat))
  rbind(logit_fit_stats(X, treat, one, "Unmatched", abs(bal$bias_before)),
        logit_fit_stats(X, treat, w, "Matched", abs(bal$bias_after)))
}

logit_fit_stats <- function(X, y, w, label, abs_bias) {
  keep <- w > 0
  X <- X[keep, , drop = FALSE]
  y <- y[keep]
  w <- w[keep]
  fit <- suppressWarnings(stats::glm.fit(cbind(1, X), y, weights = w, family = stats::quasibinomial()))
  ll <- sum(w * stats::dbinom(y, 1L, fit$fitted.values, log = TRUE))
  p0 <- sum(w * y) / sum(w)
  ll0 <- sum(w * stats::dbinom(y, 1L, p0, log = TRUE))
  lr <- 2 * (ll - ll0)
  df <- fit$rank - 1L
  data.frame(sample = label, pseudo_r2 = 1 - ll / ll0, lr_chi2 = lr, df = df,
             p_value = stats::pchisq(lr, df = df, lower.tail = FALSE),
             mean_bias = mean(abs_bias), median_bias = stats::median(abs_bias),
             n_treated = sum(y == 1L), n_control = sum(y == 0L))
}
