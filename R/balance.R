# Balance diagnostics of a matching (pstest / cobalt conventions): per-covariate
# standardized bias and t-tests before and after, and the overall score-model fit.

# One row per column of X. Before: unweighted over all rows; after: weighted by
# `w` over rows with w > 0. The bias denominator keeps the unmatched variances.
balance_table <- function(X, treat, w) {
  one <- rep(1, length(treat))
  before <- group_stats(X, treat, one)
  after <- group_stats(X, treat, w)
  # unmatched-sample variances (n - 1 denominators)
  v_t <- before$ss_treated / (before$W_treated - 1)
  v_c <- before$ss_control / (before$W_control - 1)
  s <- sqrt((v_t + v_c) / 2)
  b_b <- 100 * (before$treated - before$control) / s
  b_a <- 100 * (after$treated - after$control) / s
  red <- ifelse(b_b == 0, NA_real_, 100 * (1 - abs(b_a) / abs(b_b)))
  data.frame(covariate = colnames(X),
             mean_treated_before = before$treated, mean_control_before = before$control,
             bias_before = b_b,
             mean_treated_after = after$treated, mean_control_after = after$control,
             bias_after = b_a, reduction = red,
             p_before = t_test_p(before), p_after = t_test_p(after),
             row.names = NULL)
}

# Weighted means and within-group weighted sums of squares, by group, over the
# rows with positive weight.
group_stats <- function(X, treat, w) {
  one_group <- function(rows) {
    Xg <- X[rows, , drop = FALSE]
    wg <- w[rows]
    W <- sum(wg)
    m <- colSums(Xg * wg) / W
    list(m = m, ss = colSums(wg * (Xg - rep(m, each = nrow(Xg)))^2), W = W)
  }
  t1 <- one_group(treat == 1L & w > 0)
  t0 <- one_group(treat == 0L & w > 0)
  list(treated = t1$m, control = t0$m, ss_treated = t1$ss, ss_control = t0$ss,
       W_treated = t1$W, W_control = t0$W)
}

# Two-sided p-value of the t-test of equal means with importance weights: the
# regression of x on treat with weights w counted as frequencies (Stata's
# `regress x treat [iw = w]`, as pstest); with w = 1 the pooled-variance t-test.
t_test_p <- function(g) {
  df <- g$W_treated + g$W_control - 2
  se <- sqrt((g$ss_treated + g$ss_control) / df * (1 / g$W_treated + 1 / g$W_control))
  stat <- (g$treated - g$control) / se
  p <- 2 * stats::pt(abs(stat), df = df, lower.tail = FALSE)
  p[se == 0 & stat == 0] <- 1
  unname(p)
}

# Pseudo-R2 (McFadden) and likelihood-ratio test of a logit of treat on the
# covariates, before (all rows) and after (matched rows, weighted), with the
# mean and median absolute standardized bias.
# `before`: the fitted values and rank of that logit on all rows when already
# at hand (the pooled score model), to avoid fitting it twice.
balance_overall <- function(X, treat, w, bal, before = NULL) {
  one <- rep(1, length(treat))
  rbind(logit_fit_stats(X, treat, one, "Unmatched", abs(bal$bias_before), before),
        logit_fit_stats(X, treat, w, "Matched", abs(bal$bias_after)))
}

logit_fit_stats <- function(X, y, w, label, abs_bias, fit = NULL) {
  keep <- w > 0
  X <- X[keep, , drop = FALSE]
  y <- y[keep]
  w <- w[keep]
  if (is.null(fit)) {
    fit <- suppressWarnings(stats::glm.fit(cbind(1, X), y, weights = w, family = stats::quasibinomial()))
  }
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
