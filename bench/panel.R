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

# The rise of the resident high-water mark (MB) while `expr` is evaluated:
# the mark is reset first (/proc/self/clear_refs, Linux only). The value of
# `expr` is returned in attribute "value".
peak_rise_mb <- function(expr) {
  rss <- function(field) {
    s <- readLines("/proc/self/status")
    as.numeric(sub("[^0-9]*([0-9]+).*", "\\1", s[startsWith(s, field)])) / 1024
  }
  invisible(gc())
  writeLines("5", "/proc/self/clear_refs")
  base <- rss("VmRSS")
  value <- expr
  structure(rss("VmHWM") - base, value = value)
}
