# Heterogeneity-robust estimators vs their reference packages, same run:
# median wall time of each and the ratio reference / pilotdid.
#   Rscript bench/robust.R            # mpdta and the 100,000 x 10 panel
#   Rscript bench/robust.R mpdta      # only mpdta
# Both sides run single-threaded; the largest absolute difference between the
# two sides' estimates is printed beside the times.
# att_gt() and did_imputation() exist in pilotdid and in the references:
# every call below names its package.
suppressPackageStartupMessages({ library(pilotdid); library(fixest) })
options(pilotdid.quiet = TRUE)
setFixest_nthreads(1)
data.table::setDTthreads(1)

time_it <- function(expr, reps) {
  f <- substitute(expr)
  env <- parent.frame()
  t <- vapply(seq_len(reps), function(i) system.time(eval(f, env))[["elapsed"]], 0)
  stats::median(t)
}

# A staggered panel: n units, n_t periods (1..n_t), cohorts adopting in periods
# 3, 5 and 7 (and 40% never treated), effects growing with time since adoption.
make_big <- function(n, n_t = 10, seed = 1) {
  set.seed(seed)
  g <- sample(c(0, 3, 5, 7), n, replace = TRUE, prob = c(0.4, 0.2, 0.2, 0.2))
  d <- data.frame(id = rep(seq_len(n), each = n_t), year = rep(seq_len(n_t), n))
  d$g <- g[d$id]
  d$treat <- as.integer(d$g > 0 & d$year >= d$g)
  d$y <- rnorm(n)[d$id] + rnorm(n_t)[d$year] + d$treat * (0.5 + 0.2 * (d$year - d$g)) + rnorm(nrow(d))
  d$gs <- ifelse(d$g == 0, 1000, d$g)
  d
}

run_size <- function(label, d, reps, ref_reps = reps, bacon_ref = TRUE) {
  cat(sprintf("\n== %s: %s units x %d periods (%s rows) ==\n", label, format(length(unique(d$id)), big.mark = ","),
              length(unique(d$year)), format(nrow(d), big.mark = ",")))
  res <- list()
  add <- function(what, ours, ref, diff, note = "") {
    res[[length(res) + 1L]] <<- data.frame(size = label, estimator = what, pilotdid_s = ours,
                                           reference_s = ref, ratio = ref / ours, max_abs_diff = diff,
                                           note = note)
    cat(sprintf("%-32s pilotdid %8.3f s   reference %8.3f s   ratio %6.1f   max |diff| %.1e %s\n",
                what, ours, ref, ref / ours, diff, note))
  }
  # Goodman-Bacon: estimates and weights of the 2x2 comparisons
  ours <- time_it(bd <- pilotdid::bacon_decomp(y ~ treat | id + year, data = d), reps)
  if (bacon_ref) {
    ref <- time_it(rb <- bacondecomp::bacon(y ~ treat, data = d, id_var = "id", time_var = "year", quietly = TRUE),
                   ref_reps)
    rb$untreated[rb$untreated == 99999] <- Inf
    m <- merge(tidy(bd), rb, by.x = c("treated", "control"), by.y = c("treated", "untreated"))
    add("bacon_decomp vs bacondecomp", ours, ref,
        max(abs(m$estimate.x - m$estimate.y), abs(m$weight.x - m$weight.y)))
  } else {
    add("bacon_decomp vs bacondecomp", ours, NA_real_, NA_real_,
        "(reference not run: lm() with one dummy per unit)")
  }
  # Callaway-Sant'Anna: ATT(g,t) and the dynamic aggregation
  ours <- time_it({cs <- pilotdid::att_gt(y ~ 1 | id + year, data = d, cohort = "g")
                   ag <- aggregate(cs, "dynamic")}, reps)
  ref <- time_it({r <- did::att_gt("y", "year", "id", "g", data = d, bstrap = FALSE, cband = FALSE)
                  ra <- did::aggte(r, "dynamic", bstrap = FALSE, cband = FALSE)}, ref_reps)
  a <- tidy(ag)
  add("att_gt + dynamic vs did", ours, ref,
      max(abs(tidy(cs)$estimate - r$att), abs(a$estimate[a$term != "ATT"] - ra$att.egt)))
  # Sun-Abraham: aggregated relative-period coefficients
  ours <- time_it(sa <- pilotdid::sun_abraham(y ~ 1 | id + year, data = d, cohort = "g"), reps)
  ref <- time_it(rs <- summary(feols(y ~ sunab(gs, year) | id + year, data = d, cluster = ~id, notes = FALSE)),
                 ref_reps)
  st <- tidy(sa)
  add("sun_abraham vs fixest::sunab", ours, ref,
      max(abs(st$estimate[!st$ref & st$term != "ATT"] - coef(rs)[grep("^year::", names(coef(rs)))])))
  # Imputation, event-study horizons
  ours <- time_it(im <- pilotdid::did_imputation(y ~ 1 | id + year, data = d, cohort = "g", horizon = TRUE), reps)
  ref <- tryCatch(time_it(ri <- didimputation::did_imputation(d, "y", "g", "year", "id", horizon = TRUE), ref_reps),
                  error = function(e) conditionMessage(e))
  if (is.character(ref)) {
    add("did_imputation vs didimputation", ours, NA_real_, NA_real_, paste("(reference failed:", ref, ")"))
  } else {
    ri <- ri[is.finite(ri$estimate), ]
    add("did_imputation vs didimputation", ours, ref, max(abs(tidy(im)$estimate - ri$estimate)))
  }
  do.call(rbind, res)
}

args <- commandArgs(trailingOnly = TRUE)
cat("R", R.version$major, ".", R.version$minor, " | did ", format(packageVersion("did")),
    " | bacondecomp ", format(packageVersion("bacondecomp")), " | didimputation ",
    format(packageVersion("didimputation")), " | fixest ", format(packageVersion("fixest")), "\n", sep = "")
data(mpdta, package = "did")
mp <- mpdta
mp$id <- mp$countyreal
mp$y <- mp$lemp
mp$g <- mp$first.treat
mp$gs <- ifelse(mp$g == 0, 1000, mp$g)
mp$treat <- as.integer(mp$g > 0 & mp$year >= mp$g)
out <- run_size("mpdta", mp, reps = 20)
if (!length(args) || "big" %in% args) {
  # bacondecomp fits lm() with one dummy per unit on every 2x2 subsample: timed
  # once on 1,000 units to show how it scales; at 100,000 units it cannot run
  mid <- make_big(1000)
  ours <- time_it(pilotdid::bacon_decomp(y ~ treat | id + year, data = mid), 20)
  ref <- time_it(bacondecomp::bacon(y ~ treat, data = mid, id_var = "id", time_var = "year", quietly = TRUE), 1)
  cat(sprintf("\n== 1,000 units x 10 periods ==\n%-32s pilotdid %8.3f s   reference %8.3f s   ratio %6.1f\n",
              "bacon_decomp vs bacondecomp", ours, ref, ref / ours))
  out <- rbind(out, data.frame(size = "1k x 10", estimator = "bacon_decomp vs bacondecomp", pilotdid_s = ours,
                               reference_s = ref, ratio = ref / ours, max_abs_diff = NA_real_, note = ""))
  big <- make_big(1e5)
  out <- rbind(out, run_size("100k x 10", big, reps = 3, ref_reps = 1, bacon_ref = FALSE))
  # didimputation stops at 100,000 units (sparse LU of the singular Z0'Z0):
  # timed once on 20,000 units instead
  mid <- make_big(2e4)
  ours <- time_it(im <- pilotdid::did_imputation(y ~ 1 | id + year, data = mid, cohort = "g", horizon = TRUE), 3)
  ref <- time_it(ri <- didimputation::did_imputation(mid, "y", "g", "year", "id", horizon = TRUE), 1)
  diff <- max(abs(tidy(im)$estimate - ri$estimate[is.finite(ri$estimate)]))
  cat(sprintf("\n== 20,000 units x 10 periods ==\n%-32s pilotdid %8.3f s   reference %8.3f s   ratio %6.1f   max |diff| %.1e\n",
              "did_imputation vs didimputation", ours, ref, ref / ours, diff))
  out <- rbind(out, data.frame(size = "20k x 10", estimator = "did_imputation vs didimputation", pilotdid_s = ours,
                               reference_s = ref, ratio = ref / ours, max_abs_diff = diff, note = ""))
}
cat("\n")
print(out, row.names = FALSE, digits = 3)
