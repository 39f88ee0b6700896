# Data makers and the base-R oracle for test-entropy_index.R.

# A city-year panel of k skewed, non-negative indicators (x3 integer counts).
make_indicators <- function(n_id = 30, n_t = 5, k = 4, seed = 1) {
  withr::with_seed(seed, {
    d <- data.frame(id = rep(seq_len(n_id), each = n_t),
                    year = rep(2010L + seq_len(n_t), times = n_id))
    n <- nrow(d)
    for (j in seq_len(k)) {
      d[[paste0("x", j)]] <- switch(1L + (j - 1L) %% 4L,
                                    stats::rlnorm(n, 1, 0.8),
                                    stats::runif(n, 5, 20),
                                    stats::rpois(n, 30),
                                    stats::rexp(n, 0.1) + d$year - 2010)
    }
    d
  })
}

# The entropy method written out in base R, column by column, independently of
# pilotdid: min-max standardisation (+ shift), shares, entropies, weights, scores.
entropy_reference <- function(X, negative = character(), shift = 1e-4) {
  X <- as.data.frame(X)
  n <- nrow(X)
  Z <- sapply(names(X), function(v) {
    x <- X[[v]]
    lo <- min(x)
    hi <- max(x)
    if (v %in% negative) (hi - x) / (hi - lo) + shift else (x - lo) / (hi - lo) + shift
  })
  Z <- matrix(Z, nrow = n, dimnames = list(NULL, names(X)))
  e <- apply(Z, 2L, function(z) {
    p <- z / sum(z)
    -sum(ifelse(p > 0, p * log(p), 0)) / log(n)
  })
  d <- 1 - e
  w <- d / sum(d)
  list(xprime = Z, e = e, d = d, w = w, score = as.vector(Z %*% w))
}
