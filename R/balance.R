# Balance diagnostics of a matching (pstest / cobalt conventions): per-covariate
# standardized bias and t-tests before and after, and the overall score-model fit.

# One row per column of X. Before: over all rows, weighted by the sampling
# weights `s` (NULL: unweighted); after: weighted by `w * s` over rows where
# it is positive. The bias denominator keeps the unmatched variances, with
# the sampling weights as reliability weights (MatchIt's summary()): with
# unit weights the n - 1 denominators.
balance_table <- function(X, treat, w, s = NULL) {
  s <- s %||% rep(1, length(treat))
  before <- group_stats(X, treat, s)
  after <- group_stats(X, treat, w * s)
  v_t <- before$ss_treated / (before$W_treated - before$W2_treated / before$W_treated)
  v_c <- before$ss_control / (before$W_control - before$W2_control / before$W_control)
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

# Weighted means, within-group weighted sums of squares and sums of weights
# and of squared weights, by group, over the rows with positive weight. The
# weights are first scaled to sum to the number of those rows (Stata's
# analytic weights), which leaves unit and MatchIt's matching weights as they are.
group_stats <- function(X, treat, w) {
  pos <- w > 0
  w <- w * (sum(pos) / sum(w[pos]))
  one_group <- function(rows) {
    Xg <- X[rows, , drop = FALSE]
    wg <- w[rows]
    W <- sum(wg)
    m <- colSums(Xg * wg) / W
    list(m = m, ss = colSums(wg * (Xg - rep(m, each = nrow(Xg)))^2), W = W, W2 = sum(wg^2))
  }
  t1 <- one_group(treat == 1L & pos)
  t0 <- one_group(treat == 0L & pos)
  list(treated = t1$m, control = t0$m, ss_treated = t1$ss, ss_control = t0$ss,
       W_treated = t1$W, W_control = t0$W, W2_treated = t1$W2, W2_control = t0$W2)
}

# Two-sided p-value of the t-test of equal means: the weighted regression of x
# on treat (`lm(x ~ treat, weights = w)`, Stata's `regress x treat [aw = w]`);
# with w = 1 the pooled-variance t-test, with MatchIt's matching weights (they
# sum to the number of matched rows) pstest's regression with importance weights.
t_test_p <- function(g) {
  df <- g$W_treated + g$W_control - 2
  se <- sqrt((g$ss_treated + g$ss_control) / df * (1 / g$W_treated + 1 / g$W_control))
  stat <- (g$treated - g$control) / se
  p <- 2 * stats::pt(abs(stat), df = df, lower.tail = FALSE)
  p[se == 0 & stat == 0] <- 1
  unname(p)
}

# Pseudo-R2 (McFadden) and likelihood-ratio test of a logit of treat on the
# covariates, before (all rows, weighted by the sampling weights `s`) and after
# (matched rows, weighted by `w * s`), with the mean and median absolute
# standardized bias.
# `before`: the fitted values and rank of that logit on all rows when already
# at hand (the pooled score model), to avoid fitting it twice.
balance_overall <- function(X, treat, w, bal, before = NULL, s = NULL) {
  s <- s %||% rep(1, length(treat))
  rbind(logit_fit_stats(X, treat, s, "Unmatched", abs(bal$bias_before), before),
        logit_fit_stats(X, treat, w * s, "Matched", abs(bal$bias_after)))
}

# The log-likelihoods weight each row by `w` scaled to sum to the number of
# rows with positive weight (as group_stats()), so that the scale of sampling
# weights does not change the likelihood-ratio statistic.
logit_fit_stats <- function(X, y, w, label, abs_bias, fit = NULL) {
  keep <- w > 0
  if (!is.null(fit)) fit$fitted.values <- fit$fitted.values[keep]
  X <- X[keep, , drop = FALSE]
  y <- y[keep]
  w <- w[keep] * (sum(keep) / sum(w[keep]))
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
