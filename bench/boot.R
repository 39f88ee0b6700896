# boot_test() vs the naive wild cluster bootstrap (refit the model on every
# bootstrap sample), in the same run.
#   Rscript bench/boot.R          # paper panel and 1M rows
#   Rscript bench/boot.R small    # paper panel only
# The naive loop builds y* = X b~ + D a~ + u~ * v_g from the restricted fit,
# refits it with twfe() (same fixed effects, weights, clusters) and takes the
# t statistic; a few draws are timed and the time extrapolated to 9,999. The
# naive draws use the same bootstrap weights as boot_test() and are checked
# equal to its draws (1e-8) before anything is reported.
suppressPackageStartupMessages(library(pilotdid))

med_time <- function(f, reps) median(vapply(seq_len(reps), function(i) system.time(f(i))[["elapsed"]], 0))

# Naive WCR draws j = 0 .. k-1 of H0: `param` = 0, bootstrap clusters `bc`.
naive_draws <- function(fit, d, param, bc, k, seed, type = 0L) {
  yname <- all.vars(fit$formula)[1L]
  rhs <- setdiff(names(coef(fit)), param)
  fe <- paste(fit$fe, collapse = " + ")
  fr <- twfe(stats::as.formula(paste(yname, "~", paste(rhs, collapse = " + "), "|", fe)), data = d,
             cluster = fit$args$cluster)
  u <- residuals(fr)
  yhat <- fitted(fr)
  g <- match(d[[bc]], unique(d[[bc]]))
  V <- pilotdid:::cpp_boot_weights(max(g), type, FALSE, seed, 0, k)
  f <- stats::as.formula(paste("ystar ~", paste(names(coef(fit)), collapse = " + "), "|", fe))
  vapply(seq_len(k), function(j) {
    d$ystar <- yhat + u * V[j, g]
    s <- summary(twfe(f, data = d, cluster = fit$args$cluster))$coefficients
    s[param, 3L]
  }, 0)
}

paper <- function() {
  fit <- twfe(nqp ~ did + gov + fdi + lngdp | nbs_code + year, data = nqp_panel, cluster = ~province)
  fit_city <- twfe(nqp ~ did + gov + fdi + lngdp | nbs_code + year, data = nqp_panel)
  n <- 9999L
  bt <- boot_test(fit, "did", n = n, seed = 1, conf_int = FALSE)
  k <- 30L
  t_naive <- system.time(tn <- naive_draws(fit, nqp_panel, "did", "province", k, 1))[["elapsed"]]
  stopifnot(max(abs(tn - bt$draws[seq_len(k), 1])) < 1e-8)
  row <- function(label, f, reps = 20L) {
    data.frame(case = label,
               t1 = med_time(function(i) f(i, 1L), reps), t2 = med_time(function(i) f(i, 2L), reps))
  }
  out <- rbind(
    row("province clusters, no CI", function(i, th) boot_test(fit, "did", n = n, seed = i, conf_int = FALSE, threads = th)),
    row("province clusters, with CIs", function(i, th) boot_test(fit, "did", n = n, seed = i, threads = th)),
    row("boot by province, variance by city, no CI",
        function(i, th) boot_test(fit_city, "did", n = n, seed = i, bootcluster = ~province, conf_int = FALSE, threads = th)),
    row("boot by province, variance by city, with CIs",
        function(i, th) boot_test(fit_city, "did", n = n, seed = i, bootcluster = ~province, threads = th)))
  es <- event_study(nqp ~ gov + fdi + lngdp | nbs_code + year, data = nqp_panel, cohort = "first_year",
                     cluster = ~province)
  out <- rbind(out,
    row("event study: 10 event-time terms + joint pre-trend, no CI",
        function(i, th) boot_test(es, n = n, seed = i, conf_int = FALSE, threads = th), 5L),
    row("event study: 10 event-time terms + joint pre-trend, with CIs",
        function(i, th) boot_test(es, n = n, seed = i, threads = th), 5L))
  out$naive_9999 <- t_naive / k * n
  out$naive_9999[5:6] <- NA
  print(bt)
  out
}

big <- function() {
  set.seed(1)
  n_id <- 100000L; n_t <- 10L
  d <- data.frame(id = rep(seq_len(n_id), each = n_t), year = rep(seq_len(n_t), n_id))
  d$cl <- (d$id - 1L) %% 50L
  d$did <- as.integer(d$cl < 10L & d$year >= 6L)
  d$x1 <- rnorm(nrow(d)); d$x2 <- rnorm(nrow(d))
  d$y <- rnorm(n_id)[d$id] + rnorm(50 * n_t)[d$cl * n_t + d$year] + 0.5 * d$x1 + rnorm(nrow(d))
  fit <- twfe(y ~ did + x1 + x2 | id + year, data = d, cluster = ~cl)
  n <- 9999L
  k <- 3L
  bt <- boot_test(fit, "did", n = n, seed = 1, conf_int = FALSE)
  t_naive <- system.time(tn <- naive_draws(fit, d, "did", "cl", k, 1))[["elapsed"]]
  stopifnot(max(abs(tn - bt$draws[seq_len(k), 1])) < 1e-8)
  f <- function(i, th, ci) boot_test(fit, "did", n = n, seed = i, conf_int = ci, threads = th)
  data.frame(case = c("1M rows, 50 clusters, no CI", "1M rows, 50 clusters, with CIs"),
             t1 = c(med_time(function(i) f(i, 1L, FALSE), 3L), med_time(function(i) f(i, 1L, TRUE), 3L)),
             t2 = c(med_time(function(i) f(i, 2L, FALSE), 3L), med_time(function(i) f(i, 2L, TRUE), 3L)),
             naive_9999 = t_naive / k * n)
}

# CPU and elapsed milliseconds per call over 40 calls in a row (CPU time is
# less sensitive to other jobs on the machine than elapsed time).
cpu_per_call <- function() {
  fit <- twfe(nqp ~ did + gov + fdi + lngdp | nbs_code + year, data = nqp_panel, cluster = ~province)
  fit_city <- twfe(nqp ~ did + gov + fdi + lngdp | nbs_code + year, data = nqp_panel)
  cpu <- function(f) {
    t <- system.time(for (i in 1:40) f(i))
    round(1000 * c(cpu = t[["user.self"]] + t[["sys.self"]], elapsed = t[["elapsed"]]) / 40, 1)
  }
  rbind(province_no_ci = cpu(function(i) boot_test(fit, "did", seed = i, conf_int = FALSE)),
        province_ci = cpu(function(i) boot_test(fit, "did", seed = i)),
        city_var_province_boot_no_ci = cpu(function(i) boot_test(fit_city, "did", seed = i, bootcluster = ~province, conf_int = FALSE)),
        city_var_province_boot_ci = cpu(function(i) boot_test(fit_city, "did", seed = i, bootcluster = ~province)))
}

print(cpu_per_call())
res <- paper()
if (!identical(commandArgs(TRUE), "small")) res <- rbind(res, big())
res$speedup_1thread <- round(res$naive_9999 / res$t1)
print(res, digits = 3)
