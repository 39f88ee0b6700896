# The unit x year panel the twfe benchmarks time: unit and year effects,
# n_x regressors correlated with the unit effect, a share of rows dropped.
make_data <- function(n_id, n_t, n_x, drop_share, seed = 1) {
  set.seed(seed)
  d <- data.frame(id = rep(seq_len(n_id), each = n_t), year = rep(seq_len(n_t), n_id))
  a <- rnorm(n_id)
  y <- a[d$id] + rnorm(n_t)[d$year]
  for (k in seq_len(n_x)) {
    x <- 0.3 * a[d$id] + rnorm(nrow(d))
    d[[paste0("x", k)]] <- x
    y <- y + x / k
  }
  d$y <- y + rnorm(nrow(d))
  if (drop_share > 0) d <- d[-sample.int(nrow(d), round(drop_share * nrow(d))), ]
  d
}
