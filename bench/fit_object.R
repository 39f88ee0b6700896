# What a twfe() fit keeps (its estimation sample, issue 12) against fixest's
# fit object on the same model, and the time of summary(fit, vcov = ~year)
# (variance recomputed from the stored sample) against a refit.
#   Rscript bench/fit_object.R          # 3,052 and 4,750,000 rows
#   Rscript bench/fit_object.R small    # only the paper-sized panel
suppressPackageStartupMessages({ library(pilotdid); library(fixest) })
args <- commandArgs(trailingOnly = TRUE)

source("bench/panel.R")   # make_data()
med_time <- function(f, reps) median(vapply(seq_len(reps), function(i) system.time(f())[["elapsed"]], 0))
mb <- function(x) as.numeric(utils::object.size(x)) / 2^20

sizes <- list(paper = list(218, 14, 6, 0, 30), `4.75M` = list(1e6, 5, 5, 0.05, 3))
if (identical(args, "small")) sizes <- sizes["paper"]
for (nm in names(sizes)) {
  s <- sizes[[nm]]
  d <- make_data(s[[1]], s[[2]], s[[3]], s[[4]])
  f <- stats::as.formula(paste("y ~", paste0("x", seq_len(s[[3]]), collapse = " + "), "| id + year"))
  fit <- twfe(f, data = d)
  ref <- feols(f, data = d, cluster = ~id, fixef.rm = "none", notes = FALSE)
  stopifnot(max(abs(vcov(fit, vcov = ~year) - vcov(ref, vcov = ~year)) / abs(vcov(ref, vcov = ~year))) < 1e-8)
  t_summary <- med_time(function() summary(fit, vcov = ~year), s[[5]])
  t_refit <- med_time(function() twfe(f, data = d, cluster = ~year), s[[5]])
  cat(sprintf("%s: %s rows | fit object pilotdid %.2f MB, fixest %.2f MB (ratio %.2f; of which the sample %.2f MB) | summary(vcov = ~year) %.4f s vs refit %.4f s (ratio %.3f)\n",
              nm, format(nrow(d), big.mark = ","), mb(fit), mb(ref), mb(fit) / mb(ref), mb(fit$sample),
              t_summary, t_refit, t_summary / t_refit))
}
