#' @importFrom generics tidy
#' @export
generics::tidy

#' @importFrom generics glance
#' @export
generics::glance

#' Tidy a twfe() fit
#'
#' `tidy()` gives one row per coefficient with broom's columns; `glance()` one
#' row of fit statistics.
#'
#' | column | meaning |
#' |---|---|
#' | term | regressor name |
#' | estimate, std.error | coefficient and its standard error |
#' | statistic, p.value | t statistic and its two-sided p-value (t distribution, `df_t` degrees of freedom) |
#' | conf.low, conf.high | confidence interval at `conf.level` |
#'
#' `glance()` gives goodness-of-fit columns only, as modelsummary and
#' broom expect: `nobs`, `r.squared`, `adj.r.squared`, `within.r.squared`,
#' `nclusters` (clusters of the smallest clustering dimension, `NA` without
#' clustering), `vcov.type` (`"by: id"`, `"by: id & year"`, `"HC1"` or
#' `"IID"`), and one column `FE: <name>` per fixed effect holding `"X"`, so
#' that a table of several fits shows which has which fixed effect.
#'
#' @param x A `pilotdid_twfe` fit.
#' @param conf.int Add the confidence interval columns?
#' @param conf.level Confidence level.
#' @param vcov,cluster,ssc,lag,data The variance to report, as in
#'   [vcov.pilotdid_twfe()]; by default the fit's own.
#' @param ... Must be empty.
#' @return A data frame.
#' @family estimators
#' @method tidy pilotdid_twfe
#' @export
#' @examples
#' d <- simulate_panel(n_id = 40, n_t = 6, seed = 4)
#' fit <- twfe(y ~ treat + x1 | id + year, data = d)
#' tidy(fit)
#' glance(fit)
tidy.pilotdid_twfe <- function(x, conf.int = TRUE, conf.level = 0.95, vcov = NULL, cluster = NULL,
                               ssc = NULL, lag = NULL, data = NULL, ...) {
  rlang::check_dots_empty()
  check_level(conf.level, "conf.level")
  x <- fit_with_vcov(x, vcov, cluster, ssc, lag, data, parent.frame())
  tab <- summary(x)$coefficients
  out <- data.frame(term = rownames(tab) %||% character(), estimate = tab[, 1L], std.error = tab[, 2L],
                    statistic = tab[, 3L], p.value = tab[, 4L], row.names = NULL)
  if (conf.int) {
    ci <- stats::confint(x, level = conf.level)
    out$conf.low <- ci[, 1L]
    out$conf.high <- ci[, 2L]
  }
  out
}

#' @rdname tidy.pilotdid_twfe
#' @method glance pilotdid_twfe
#' @export
glance.pilotdid_twfe <- function(x, ...) {
  out <- data.frame(nobs = x$nobs, r.squared = x$r2, adj.r.squared = x$adj_r2,
                    within.r.squared = x$r2_within, nclusters = twfe_nclusters(x),
                    vcov.type = vcov_type_label(x))
  for (f in x$fe) out[[paste0("FE: ", f)]] <- "X"
  out
}

twfe_nclusters <- function(x) {
  if (identical(x$vcov_type, "cluster") && length(x$n_clusters)) as.integer(min(x$n_clusters)) else NA_integer_
}

# modelsummary's "Std.Errors" row: "by: id", "by: id & year", "HC1", "IID".
vcov_type_label <- function(x) {
  switch(x$vcov_type %||% "",
         cluster = paste("by:", paste(x$cluster, collapse = " & ")),
         hetero = "HC1",
         iid = "IID",
         NA_character_)
}

#' Tidy an event_study() result
#'
#' `tidy()` gives one row per relative period, the reference period(s)
#' included; `glance()` one row with the fit and the pre-trend test.
#'
#' | column | meaning |
#' |---|---|
#' | term | period label: pre_5 ... pre_2, pre_1, current, post_1 ... post_5 |
#' | estimate, std.error | coefficient and its standard error (0 and `NA` for a reference period) |
#' | statistic, p.value | t statistic and its two-sided p-value (t distribution, `df_t` degrees of freedom) |
#' | conf.low, conf.high | confidence interval at `conf.level` |
#' | rel_time | relative period (numeric); binned end points carry the window's end |
#' | ref | `TRUE` for a reference period |
#'
#' `glance()` columns: `nobs`, `r.squared`, `within.r.squared`, `nclusters`,
#' `vcov.type` (as in [glance.pilotdid_twfe()]), `df_t`, and the pre-trend test `pretrend.statistic` (F), `pretrend.df1`,
#' `pretrend.df2`, `pretrend.p.value`, `pretrend.chisq`,
#' `pretrend.chisq.p.value`.
#'
#' @param x A `pilotdid_event_study` result.
#' @param conf.int Add the confidence interval columns?
#' @param conf.level Confidence level.
#' @param ... Unused.
#' @return A data frame.
#' @family event studies
#' @method tidy pilotdid_event_study
#' @export
#' @examples
#' d <- simulate_panel(n_id = 60, n_t = 12, cohorts = c(2013, 2015, 2017), seed = 1)
#' es <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort")
#' tidy(es)
#' glance(es)
tidy.pilotdid_event_study <- function(x, conf.int = TRUE, conf.level = 0.95, ...) {
  tab <- x$table
  out <- data.frame(term = tab$label, estimate = tab$estimate, std.error = tab$std.error,
                    statistic = tab$statistic, p.value = tab$p.value)
  if (conf.int) {
    ci <- event_ci(tab, x$fit$df_t, conf.level)
    out$conf.low <- ci[, 1L]
    out$conf.high <- ci[, 2L]
  }
  out$rel_time <- as.numeric(tab$rel_time)
  out$ref <- tab$ref
  out
}

#' @rdname tidy.pilotdid_event_study
#' @method glance pilotdid_event_study
#' @export
glance.pilotdid_event_study <- function(x, ...) {
  f <- x$fit
  w <- x$wald
  data.frame(nobs = f$nobs, r.squared = f$r2, within.r.squared = f$r2_within,
             nclusters = twfe_nclusters(f), vcov.type = vcov_type_label(f), df_t = f$df_t,
             pretrend.statistic = w$statistic,
             pretrend.df1 = w$df1, pretrend.df2 = w$df2, pretrend.p.value = w$p.value,
             pretrend.chisq = w$chisq, pretrend.chisq.p.value = w$chisq_p.value)
}
