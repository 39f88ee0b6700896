# placebo_test() vs what users write with fixest, in the same run.
#   Rscript bench/placebo.R          # paper-sized panel and 1M rows
#   Rscript bench/placebo.R small    # paper-sized panel only
# (a) a loop of fixest::feols() refits, one per placebo draw;
# (b) the expert route: fixest::demean() the outcome, the controls and all the
#     placebo columns once, then Frisch-Waugh-Lovell per draw.
suppressPackageStartupMessages({ library(pilotdid); library(fixest) })

paper_panel <- function(n_id = 218, n_t = 14, n_x = 6, seed = 1) {
  d <- simulate_panel(n_id = n_id, n_t = n_t, n_x = n_x, seed = seed)
  d
}

space_draws <- function(d, n, seed) {
  set.seed(seed)
  coh <- d$cohort[!duplicated(d$id)]
  ids <- unique(d$id)
  lapply(seq_len(n), function(j) {
    pc <- sample(coh)
    as.integer(!is.na(pc[match(d$id, ids)]) & d$year >= pc[match(d$id, ids)])
  })
}

loop_feols <- function(d, draws, ctrl) {
  f <- stats::as.formula(paste("y ~ ptreat +", paste(ctrl, collapse = " + "), "| id + year"))
  vapply(draws, function(D) {
    d$ptreat <- D
    coef(feols(f, data = d, notes = FALSE))[["ptreat"]]
  }, 0)
}

expert_fwl <- function(d, draws, ctrl) {
  Dm <- do.call(cbind, draws)
  dm <- fixest::demean(cbind(y = d$y, as.matrix(d[ctrl]), Dm), d[c("id", "year")])
  yt <- dm[, 1]; Xt <- dm[, 1 + seq_along(ctrl)]; Dt <- dm[, -(1:(1 + length(ctrl)))]
  Q <- solve(crossprod(Xt))
  r <- yt - Xt %*% (Q %*% crossprod(Xt, yt))
  XD <- crossprod(Xt, Dt)
  num <- colSums(Dt * drop(r))
  den <- colSums(Dt^2) - colSums(XD * (Q %*% XD))
  num / den
}

med_time <- function(expr, reps) {
  e <- substitute(expr)
  median(vapply(seq_len(reps), function(i) system.time(eval(e, parent.frame(3)))[["elapsed"]], 0))
}

paper <- function() {
  d <- paper_panel()
  ctrl <- paste0("x", 1:6)
  fit <- twfe(y ~ treat + x1 + x2 + x3 + x4 + x5 + x6 | id + year, data = d)
  n <- 1000L
  draws <- space_draws(d, n, 1)
  t_ours <- median(vapply(1:20, function(i) system.time(placebo_test(fit, n = n, seed = i, threads = 1L))[["elapsed"]], 0))
  t_ours2 <- median(vapply(1:20, function(i) system.time(placebo_test(fit, n = n, seed = i, threads = 2L))[["elapsed"]], 0))
  t_expert <- median(vapply(1:5, function(i) system.time(expert_fwl(d, draws, ctrl))[["elapsed"]], 0))
  t_loop <- system.time(b_loop <- loop_feols(d, draws, ctrl))[["elapsed"]]
  stopifnot(max(abs(b_loop - expert_fwl(d, draws, ctrl))) < 1e-8)
  data.frame(panel = "218 x 14, 6 controls", draws = n,
             pilotdid_1t_ms = 1000 * t_ours, pilotdid_2t_ms = 1000 * t_ours2,
             expert_fwl_ms = 1000 * t_expert, feols_loop_ms = 1000 * t_loop,
             speedup_vs_loop = round(t_loop / t_ours), speedup_vs_expert = round(t_expert / t_ours, 1))
}

big <- function() {
  d <- simulate_panel(n_id = 1e5, n_t = 10, n_x = 5, seed = 2)
  fit <- twfe(y ~ treat + x1 + x2 + x3 + x4 + x5 | id + year, data = d)
  du <- simulate_panel(n_id = 1e5, n_t = 10, n_x = 5, seed = 2, drop_share = 0.05)
  fitu <- twfe(y ~ treat + x1 + x2 + x3 + x4 + x5 | id + year, data = du)
  res <- NULL
  for (th in 1:2) {
    tb <- system.time(placebo_test(fit, n = 1000, seed = 1, threads = th))[["elapsed"]]
    tu <- system.time(placebo_test(fitu, n = 1000, seed = 1, threads = th))[["elapsed"]]
    ts <- system.time(placebo_test(fitu, n = 100, seed = 1, threads = th, studentized = TRUE))[["elapsed"]]
    res <- rbind(res, data.frame(threads = th, balanced_1M_1000_s = tb, unbalanced_950k_1000_s = tu,
                                 studentized_950k_100_s = ts))
  }
  res
}

cat("pilotdid", as.character(packageVersion("pilotdid")), "| fixest", as.character(packageVersion("fixest")), "\n")
print(paper(), row.names = FALSE)
if (!identical(commandArgs(trailingOnly = TRUE), "small")) print(big(), row.names = FALSE)
