#' Power of the pre-trend test against a violation of parallel trends
#'
#' `pretrend_power()` asks what the usual pre-test of an event study can
#' detect (Roth 2022, "Pretest with Caution"). The pre-test rejects when any
#' pre-period coefficient is individually significant at level `alpha`
#' (\eqn{|\hat\beta_t| > z_{1-\alpha/2}\,se_t}). For a hypothesised violation
#' \eqn{\delta} (a linear trend of slope `slope`, or any vector `delta`) it
#' reports the power of the pre-test, the Bayes factor
#' \eqn{P(\text{pass} \mid \delta) / P(\text{pass} \mid 0)}, the likelihood
#' ratio of the estimated pre-period coefficients under \eqn{\delta} and under
#' parallel trends, and the expected event-study coefficients conditional on
#' passing the pre-test (the bias that survives pre-testing). Without `slope`
#' and `delta`, it first finds the slope of the linear violation
#' \eqn{\delta_t = s\,(t - t_{ref})} that the pre-test detects with
#' probability `power`.
#'
#' @section Computation:
#' As in Roth's pretrends package: the power is one minus a multivariate
#' normal rectangle probability ([mvtnorm::pmvnorm()]; Miwa's deterministic
#' algorithm up to 4 pre-periods, accurate to about 1e-7, and Genz-Bretz with
#' a fixed seed and absolute error 1e-6 beyond), the slope solves power(s) =
#' `power` ([stats::uniroot()], to 1e-8), the
#' conditional pre-period means are the moments of the truncated multivariate
#' normal (Tallis' formula, as `tmvtnorm::mtmvnorm()`), and the conditional
#' post-period means follow by regression on the pre-period coefficients.
#'
#' @param x An event-study result ([event_study()], [sun_abraham()]), or
#'   `NULL` with `betahat` and `sigma`.
#' @param slope Slope of a hypothesised linear violation.
#' @param power Target power used to find the slope when `slope` and `delta`
#'   are `NULL`.
#' @param delta A hypothesised violation, one value per coefficient (in the
#'   order of `betahat` / of the event study without the reference period).
#' @param alpha Level of each pre-period t test.
#' @param betahat,sigma,tVec,referencePeriod Plain inputs with the names of the
#'   pretrends package: coefficients, their covariance, their relative periods
#'   and the (omitted) reference period.
#' @param window With a result `x`, the relative periods used, `c(first,
#'   last)`; by default all.
#' @return An object of class `pilotdid_pretrend_power`, a list with `slope`
#'   (`NA` for a non-linear `delta`), `power`, `bayes_factor`,
#'   `likelihood_ratio`, `size` (rejection probability under parallel trends),
#'   `table` (a data frame with one row per period, the reference period
#'   included: `term` (the coefficient's name in `x`, or `"t = -3"` for plain
#'   inputs), `t`, `betahat`, `se`, `delta`, `mean_after_pretest`, `pre`,
#'   `ref`), `alpha`, `nobs` (observations of the event study `x`; `NA` for
#'   plain inputs, which carry no sample size) and `call`.
#' @references Roth, J. (2022). Pretest with Caution: Event-Study Estimates
#'   after Testing for Parallel Trends. *American Economic Review: Insights*
#'   4(3), 305-322.
#' @family event studies
#' @seealso [pretrend_power_plot_data()], [honest_did()].
#' @export
#' @examples
#' pp <- pretrend_power(betahat = c(0.05, -0.01, 0.1, 0.2), sigma = diag(c(0.01, 0.01, 0.02, 0.02)),
#'                      tVec = c(-3, -2, 0, 1), referencePeriod = -1)
#' pp
#' pretrend_power(betahat = c(0.05, -0.01, 0.1, 0.2), sigma = diag(c(0.01, 0.01, 0.02, 0.02)),
#'                tVec = c(-3, -2, 0, 1), referencePeriod = -1, slope = 0.1)$power
pretrend_power <- function(x = NULL, slope = NULL, power = 0.5, delta = NULL, alpha = 0.05,
                           betahat = NULL, sigma = NULL, tVec = NULL, referencePeriod = 0, window = NULL) {
  call <- match.call()
  inp <- pretrend_inputs(x, betahat, sigma, tVec, referencePeriod, window)
  check_alpha(alpha)
  if (!is.null(slope) && !is.null(delta)) abort_input("Give {.arg slope} or {.arg delta}, not both.")
  rel <- inp$t - inp$ref
  pre <- which(inp$t < inp$ref)
  post <- which(inp$t > inp$ref)
  crit <- stats::qnorm(1 - alpha / 2)
  Spre <- inp$sigma[pre, pre, drop = FALSE]
  if (is.null(delta)) {
    if (is.null(slope)) {
      check_power(power, pretest_reject_prob(numeric(length(pre)), Spre, crit))
      slope <- slope_for_power(Spre, rel[pre], power, crit)
    } else if (!is.numeric(slope) || length(slope) != 1L || !is.finite(slope)) {
      abort_input("{.arg slope} must be one finite number.")
    }
    delta <- slope * rel
  } else {
    if (!is.numeric(delta) || length(delta) != length(inp$betahat) || anyNA(delta)) {
      abort_input(c("{.arg delta} must be {length(inp$betahat)} numbers, one per coefficient.",
                    "x" = "Got {length(delta)}."))
    }
    slope <- NA_real_
  }
  pw <- pretest_reject_prob(delta[pre], Spre, crit)
  size <- pretest_reject_prob(0 * delta[pre], Spre, crit)
  b <- inp$betahat[pre]
  Si <- solve(Spre)
  lr <- exp(-0.5 * (drop(t(b - delta[pre]) %*% Si %*% (b - delta[pre])) - drop(t(b) %*% Si %*% b)))
  mpre <- truncated_mean(delta[pre], Spre, crit * sqrt(diag(Spre)))
  mpost <- delta[post] + drop(inp$sigma[post, pre, drop = FALSE] %*% Si %*% (mpre - delta[pre]))
  tab <- data.frame(term = inp$terms, t = inp$t, betahat = inp$betahat, se = sqrt(diag(inp$sigma)), delta = delta,
                    mean_after_pretest = NA_real_, pre = inp$t < inp$ref, ref = FALSE)
  tab$mean_after_pretest[pre] <- mpre
  tab$mean_after_pretest[post] <- mpost
  if (!inp$ref %in% tab$t) {
    tab <- rbind(tab, data.frame(term = pretrend_term(inp$ref, ref = TRUE), t = inp$ref, betahat = 0, se = 0, delta = 0, mean_after_pretest = 0,
                                 pre = FALSE, ref = TRUE))
  }
  tab <- tab[order(tab$t), , drop = FALSE]
  rownames(tab) <- NULL
  structure(list(slope = slope, power = pw, bayes_factor = (1 - pw) / (1 - size), likelihood_ratio = lr,
                 size = size, table = tab, alpha = alpha, nobs = result_nobs(x), call = call),
            class = "pilotdid_pretrend_power")
}

# Probability that some |beta_j| > crit * se_j, beta ~ N(mu, S) (rejectionProbability_NIS()).
pretest_reject_prob <- function(mu, S, crit) {
  ub <- crit * sqrt(diag(S))
  1 - mvn_rect(-ub - mu, ub - mu, S)
}

# P(lower <= Y <= upper), Y ~ N(0, S).
mvn_rect <- function(lower, upper, S) {
  n <- length(lower)
  if (n == 1L) return(stats::pnorm(upper / sqrt(S[1L, 1L])) - stats::pnorm(lower / sqrt(S[1L, 1L])))
  S <- unname(as.matrix(S))
  if (n <= 4L) {
    p <- mvtnorm::pmvnorm(lower = lower, upper = upper, sigma = S, algorithm = mvtnorm::Miwa(steps = 512))
  } else {
    p <- with_seed(1L, mvtnorm::pmvnorm(lower = lower, upper = upper, sigma = S,
                                        algorithm = mvtnorm::GenzBretz(maxpts = 25000 * n, abseps = 1e-6)))
  }
  as.numeric(p)
}

# findSlopeForPower_NIS(): the slope s with power(s * relT_pre) = target.
slope_for_power <- function(Spre, rel_pre, target, crit) {
  f <- function(s) pretest_reject_prob(s * rel_pre, Spre, crit) - target
  stats::uniroot(f, lower = 0, upper = 8 * max(sqrt(diag(Spre))) / min(abs(rel_pre)) + 1e-12,
                 tol = 1e-8, extendInt = "upX")$root
}

# Mean of N(mu, S) truncated to |y_j| <= ub_j (Tallis 1961; Manjunath and
# Wilhelm 2021): E[Y] = mu + S (F(a) - F(b)), F_k the truncated marginal
# densities at the bounds.
truncated_mean <- function(mu, S, ub) {
  n <- length(mu)
  a <- -ub - mu
  b <- ub - mu
  total <- mvn_rect(a, b, S)
  marg <- function(k, x) {
    d <- stats::dnorm(x, sd = sqrt(S[k, k]))
    if (n == 1L) return(d)
    s <- S[-k, k] / S[k, k]
    cS <- S[-k, -k, drop = FALSE] - tcrossprod(S[-k, k]) / S[k, k]
    d * mvn_rect(a[-k] - s * x, b[-k] - s * x, cS)
  }
  Fa <- vapply(seq_len(n), function(k) marg(k, a[k]), 0)
  Fb <- vapply(seq_len(n), function(k) marg(k, b[k]), 0)
  mu + drop(S %*% (Fa - Fb)) / total
}

pretrend_inputs <- function(x, betahat, sigma, tVec, ref, window = NULL, call = rlang::caller_env()) {
  if (!is.null(x)) {
    ev <- event_window(event_coefs(x, call), window, call)
    if (length(ev$ref) != 1L) {
      abort_input("{.arg x} must have a single reference period.", call = call)
    }
    out <- list(betahat = ev$estimate, sigma = ev$vcov, t = ev$rel_time, ref = ev$ref,
                terms = ev$terms %||% pretrend_term(ev$rel_time))
  } else {
    if (is.null(betahat) || is.null(sigma) || is.null(tVec)) {
      abort_input("Give an event-study result {.arg x}, or {.arg betahat}, {.arg sigma} and {.arg tVec}.", call = call)
    }
    k <- length(betahat)
    if (!is.numeric(betahat) || anyNA(betahat)) abort_input("{.arg betahat} must be numeric without missing values.", call = call)
    if (!is.matrix(sigma) || !all(dim(sigma) == k) || anyNA(sigma)) {
      abort_input("{.arg sigma} must be a {k} x {k} covariance matrix.", call = call)
    }
    if (!is.numeric(tVec) || length(tVec) != k || anyDuplicated(tVec)) {
      abort_input("{.arg tVec} must be {k} distinct relative periods, one per coefficient.", call = call)
    }
    if (!is.numeric(ref) || length(ref) != 1L || ref %in% tVec) {
      abort_input("{.arg referencePeriod} must be one period not in {.arg tVec}.", call = call)
    }
    out <- list(betahat = as.numeric(betahat), sigma = unname((sigma + t(sigma)) / 2), t = as.numeric(tVec),
                ref = ref, terms = pretrend_term(as.numeric(tVec)))
  }
  if (!any(out$t < out$ref)) {
    abort_input(c("{.arg x} has no pre-period coefficient: there is no pre-test to assess.",
                  "i" = "Estimate leads, e.g. {.code event_study(..., window = c(-4, 3))}."), call = call)
  }
  out
}

# Term of a relative period given as plain input: "t = -3"; the reference "t = -1 (ref.)".
pretrend_term <- function(t, ref = FALSE) paste0("t = ", t, if (ref) " (ref.)" else "")

check_power <- function(power, size, call = rlang::caller_env()) {
  if (!is.numeric(power) || length(power) != 1L || is.na(power) || power <= size || power >= 1) {
    abort_input(c("{.arg power} must be a number between the pre-test's size ({signif(size, 3)}) and 1, e.g. {.code 0.5}.",
                  "x" = "Got {.code {deparse1(power)}}."), call = call)
  }
}
