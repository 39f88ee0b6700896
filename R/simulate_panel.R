#' Simulate a staggered-adoption panel
#'
#' A small generic panel for examples and quick checks: units `id` observed in
#' years `year`, a share of them adopting a policy in one of `cohorts`, and
#' \deqn{y_{it} = \alpha_i + \gamma_t + \tau\,treat_{it} + \sum_k \beta_k x_{k,it} + \varepsilon_{it},}
#' with \eqn{\alpha_i, \gamma_t, \varepsilon_{it} \sim N(0, 1)}, \eqn{\beta_k = 1/k},
#' \eqn{x_{k,it} = 0.3\,\alpha_i + N(0,1)} (correlated with the unit effects),
#' and `treat` equal to 1 from the unit's cohort year on. For the calibrated
#' city panel of the replication, see the datasets of the package.
#'
#' @param n_id Number of units.
#' @param n_t Number of periods.
#' @param start First year.
#' @param cohorts Adoption years; treated units are spread evenly over them.
#' @param share_treated Share of units ever treated.
#' @param effect The treatment effect \eqn{\tau}.
#' @param n_x Number of control variables `x1`, `x2`, ...
#' @param drop_share Share of rows dropped at random (unbalanced panel).
#' @param seed Random seed; `NULL` uses the current stream.
#' @return A data frame with `id`, `year`, `cohort` (first treated year, `NA`
#'   for never treated), `treat`, `x1`... and `y`.
#' @family data
#' @export
#' @examples
#' d <- simulate_panel(n_id = 20, n_t = 6, seed = 1)
#' head(d)
simulate_panel <- function(n_id = 218, n_t = 14, start = 2009, cohorts = c(2011, 2013, 2017),
                           share_treated = 0.44, effect = 0.5, n_x = 2, drop_share = 0,
                           seed = NULL) {
  check_count(n_id, "n_id")
  check_count(n_t, "n_t")
  if (!is.numeric(drop_share) || length(drop_share) != 1L || is.na(drop_share) || drop_share < 0 || drop_share >= 1) {
    abort_input("{.arg drop_share} must be a number in [0, 1).")
  }
  if (!is.numeric(share_treated) || length(share_treated) != 1L || is.na(share_treated) ||
      share_treated < 0 || share_treated > 1) {
    abort_input("{.arg share_treated} must be a number in [0, 1], not {share_treated}.")
  }
  last <- start + n_t - 1
  if (!is.numeric(cohorts) || !length(cohorts) || anyNA(cohorts)) {
    abort_input("{.arg cohorts} must be adoption years.")
  }
  if (share_treated > 0 && !any(cohorts > start & cohorts <= last)) {
    abort_input(c("No adoption year in {.arg cohorts} lies in the sample years ({start + 1} to {last}): no unit would be treated.",
                  "x" = "Got {.val {cohorts}}."))
  }
  with_seed(seed, {
    years <- start + seq_len(n_t) - 1L
    n_tr <- round(share_treated * n_id)
    cohort <- rep(NA_real_, n_id)
    if (n_tr > 0L) cohort[sample.int(n_id, n_tr)] <- rep_len(cohorts, n_tr)
    d <- data.frame(id = rep(seq_len(n_id), each = n_t), year = rep(years, times = n_id))
    d$cohort <- cohort[d$id]
    d$treat <- as.integer(!is.na(d$cohort) & d$year >= d$cohort)
    alpha <- stats::rnorm(n_id)
    gamma <- stats::rnorm(n_t)
    y <- alpha[d$id] + gamma[d$year - start + 1L] + effect * d$treat
    for (k in seq_len(n_x)) {
      x <- 0.3 * alpha[d$id] + stats::rnorm(nrow(d))
      d[[paste0("x", k)]] <- x
      y <- y + x / k
    }
    d$y <- y + stats::rnorm(nrow(d))
    if (drop_share > 0) d <- d[-sample.int(nrow(d), round(drop_share * nrow(d))), ]
    rownames(d) <- NULL
    d
  })
}
