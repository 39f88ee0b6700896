#' Goodman-Bacon decomposition of the two-way fixed-effects DID estimate
#'
#' Splits the TWFE coefficient of a staggered 0/1 treatment, from
#' `y ~ treat | unit + time`, into the 2x2 difference-in-differences
#' comparisons it averages (Goodman-Bacon 2021): every adoption cohort against
#' the never treated, earlier against later adopters (before the later ones
#' adopt), later against earlier adopters (after the earlier ones adopted,
#' the comparisons that bias TWFE when effects change over time) and, if some
#' units are treated from the first period on, later adopters against these
#' always-treated units. The weighted sum of the 2x2 estimates is the TWFE
#' coefficient.
#'
#' @section Computation:
#' With cohorts \eqn{k} (adoption period) of \eqn{n_k} units, each 2x2
#' comparison of a treated cohort \eqn{k} with a control group \eqn{l} uses the
#' periods of its window (all periods against the never or always treated;
#' periods before \eqn{l} when \eqn{k < l}; periods from \eqn{l} on when
#' \eqn{k > l}). Its estimate is the difference-in-differences of the cohort
#' means, after minus before \eqn{k}, and its weight is proportional to
#' \eqn{N^2 s(1-s) D(1-D)}, with \eqn{N} the rows of both groups in the window,
#' \eqn{s = n_k/(n_k+n_l)} and \eqn{D} the share of the window in which
#' \eqn{k} is treated. Weights are normalised to sum to one. These are the
#' weights and labels of `bacondecomp::bacon()` (without controls).
#'
#' @section Weights:
#' With `weights` (one per unit, constant within units), cohort sizes
#' \eqn{n_k} are sums of unit weights and cohort means are weighted means;
#' the weighted sum of the 2x2 estimates is then the coefficient of the
#' weighted [twfe()] fit, exactly (unit weights act as replications of the
#' units). Weights that vary within units have no such decomposition and are
#' an error. `bacondecomp::bacon()` has no weights. `bacon_decomp()` takes no
#' `threads`: it is computed in R from the cohort-by-period means.
#'
#' @section Unbalanced panels:
#' The decomposition holds on balanced panels only. Rows with missing values
#' are dropped first; then units not observed in every period are dropped,
#' with a note, so that the weights and estimates sum to the TWFE coefficient
#' on the balanced sample (stored as `twfe`), not on the original one.
#'
#' @param formula `y ~ treat | unit + time`: the outcome, a 0/1 treatment that
#'   stays on once adopted, then the unit and time columns (time numeric).
#'   Controls are not supported.
#' @param weights Optional unit weights: a column name (`"pop"`), a one-sided
#'   formula (`~pop`) or a numeric vector with one value per row of `data`,
#'   constant within units (see Weights). Missing, negative or infinite
#'   weights on rows used are an error.
#' @inheritParams twfe
#' @return An object of class `pilotdid_bacon_decomp`: `two_by_two` (a data frame with
#'   one row per comparison: `type`, `treated` and `control` (adoption period
#'   of the cohorts; `Inf` for the never treated), `estimate`, `weight`),
#'   `twfe` (the TWFE coefficient, the weighted sum), `by_type` (total weight
#'   and weighted mean estimate per type), `n_units`, `n_periods`,
#'   `dropped_units` and `formula`.
#' @references Goodman-Bacon, A. (2021). Difference-in-differences with
#'   variation in treatment timing. *Journal of Econometrics* 225(2), 254-277.
#' @family robust estimators
#' @export
#' @examples
#' d <- simulate_panel(n_id = 60, n_t = 10, cohorts = c(2011, 2013, 2016), seed = 1)
#' bd <- bacon_decomp(y ~ treat | id + year, data = d)
#' bd
#' tidy(bd)
#' autoplot(bd)
bacon_decomp <- function(formula, data, weights = NULL, subset = NULL) {
  spec <- parse_did_formula(formula, "y ~ treat | id + year")
  if (length(spec$controls) != 1L) {
    abort_input(c("{.arg formula} must have exactly one regressor, the treatment: {.code y ~ treat | id + year}.",
                  "i" = "The decomposition with controls is not supported."))
  }
  cols <- did_extra_columns(data, weights = weights)
  rows <- if (is.data.frame(data)) eval_subset(substitute(subset), data, parent.frame())
  pn <- did_panel(spec, data, extra = cols$extra, rows = rows)
  pn <- balance_panel(pn, "the decomposition")
  w <- did_weights(cols$weights, pn, per_unit = TRUE)
  g <- read_cohort(pn$unit_id, pn$time, D = pn$X[, 1L], what = "the decomposition",
                   names = list(treat = spec$controls, unit = spec$unit))
  # period index (1..T) at which each unit adopts; T + 1 for never treated
  first <- unit_values(match(g, pn$periods, nomatch = length(pn$periods) + 1L), pn$unit, pn$n_units)
  uw <- if (is.null(w)) rep(1, pn$n_units) else unit_values(w, pn$unit, pn$n_units)
  tab <- bacon_two_by_two(pn$y, pn$unit, pn$period, first, length(pn$periods), pn$periods, uw)
  new_pilotdid_bacon_decomp(tab, pn, formula)
}

# All 2x2 comparisons from the cohort-by-period means.
# `uw`: each unit's weight (1 without weights), so that cohort sizes and
# means are weighted.
bacon_two_by_two <- function(y, unit, period, first, T, periods, uw, call = caller_env()) {
  coh <- first[unit + 1L]
  cohorts <- sort(unique(first))
  n_k <- as.vector(rowsum(uw, factor(first, cohorts), reorder = TRUE))
  means <- matrix(0, length(cohorts), T)
  sums <- tapply(uw[unit + 1L] * y, list(factor(coh, cohorts), factor(period, seq_len(T))), sum)
  means[] <- sums / (n_k %o% rep(1, T))
  never <- T + 1L
  rows <- list()
  for (a in seq_along(cohorts)) {
    k <- cohorts[a]
    if (k == never || k == 1L) next
    for (b in seq_along(cohorts)) {
      l <- cohorts[b]
      if (l == k) next
      win <- if (l == never || l == 1L) seq_len(T) else if (k < l) seq_len(l - 1L) else seq.int(l, T)
      post <- win >= k
      dd <- function(m) mean(m[post]) - mean(m[!post])
      est <- dd(means[a, win]) - dd(means[b, win])
      N <- (n_k[a] + n_k[b]) * length(win)
      s <- n_k[a] / (n_k[a] + n_k[b])
      Dk <- mean(post)
      type <- if (l == never) "Treated vs Untreated" else if (l == 1L) "Later vs Always Treated" else
        if (k > l) "Later vs Earlier Treated" else "Earlier vs Later Treated"
      rows[[length(rows) + 1L]] <- data.frame(type = type, treated = periods[k],
                                              control = if (l == never) Inf else periods[l],
                                              estimate = est, weight = N^2 * s * (1 - s) * Dk * (1 - Dk))
    }
  }
  if (!length(rows)) {
    abort_input(c("The treatment never varies within units over time: there is no comparison to decompose.",
                  "i" = "The decomposition needs units adopting after the first period and a comparison group."),
                call = call)
  }
  tab <- do.call(rbind, rows)
  tab$weight <- tab$weight / sum(tab$weight)
  lev <- c("Treated vs Untreated", "Earlier vs Later Treated", "Later vs Earlier Treated", "Later vs Always Treated")
  tab[order(match(tab$type, lev), tab$treated, tab$control), , drop = FALSE]
}

new_pilotdid_bacon_decomp <- function(tab, pn, formula) {
  rownames(tab) <- NULL
  by_type <- do.call(rbind, lapply(split(tab, factor(tab$type, unique(tab$type))), function(s) {
    data.frame(type = s$type[1L], weight = sum(s$weight), estimate = sum(s$weight * s$estimate) / sum(s$weight))
  }))
  rownames(by_type) <- NULL
  structure(list(two_by_two = tab, twfe = sum(tab$weight * tab$estimate), by_type = by_type,
                 n_units = pn$n_units, n_periods = length(pn$periods), dropped_units = pn$dropped_units,
                 formula = formula),
            class = "pilotdid_bacon_decomp")
}

#' Methods for Goodman-Bacon decompositions
#'
#' `summary()` returns the weight and weighted mean estimate of each type of
#' comparison as a `summary.pilotdid_bacon_decomp` object, which prints;
#' `tidy()` gives one row per 2x2 comparison:
#'
#' | column | meaning |
#' |---|---|
#' | type | kind of comparison, as labelled by `bacondecomp` |
#' | treated | adoption period of the cohort whose treatment switches on |
#' | control | adoption period of the comparison cohort (`Inf`: never treated) |
#' | estimate | the 2x2 DID estimate |
#' | weight | its weight in the TWFE coefficient (weights sum to one) |
#'
#' `bacon_plot_data()` returns the numbers [autoplot.pilotdid_bacon_decomp()] draws:
#' the 2x2 table and the TWFE estimate (the dashed line).
#'
#' @param object,x A `pilotdid_bacon_decomp` result.
#' @param lang Labels in English (`"en"`) or Chinese (`"zh"`).
#' @param family Font family of the text (see [figures]).
#' @param ... Unused; an error in `autoplot()`.
#' @return `tidy()`: a data frame; `summary()`: a list with `by_type`, `twfe`,
#'   `n_units`, `n_periods` and `dropped_units`; `bacon_plot_data()`: a list
#'   with `points` (the 2x2 table) and `twfe`; `autoplot()`: a ggplot.
#' @family robust estimators
#' @name bacon-methods
#' @examples
#' d <- simulate_panel(n_id = 60, n_t = 10, cohorts = c(2011, 2013, 2016), seed = 1)
#' bd <- bacon_decomp(y ~ treat | id + year, data = d)
#' summary(bd)
#' bacon_plot_data(bd)$twfe
NULL

#' @rdname bacon-methods
#' @method tidy pilotdid_bacon_decomp
#' @export
tidy.pilotdid_bacon_decomp <- function(x, ...) {
  tab <- x$two_by_two
  rownames(tab) <- NULL
  broom_columns(cbind(term = paste0(tab$type, ": ", tab$treated, " vs ", tab$control), tab))
}

#' @rdname bacon-methods
#' @export
summary.pilotdid_bacon_decomp <- function(object, ...) {
  structure(object[c("by_type", "twfe", "n_units", "n_periods", "dropped_units", "formula")],
            class = "summary.pilotdid_bacon_decomp")
}

#' @rdname bacon-methods
#' @export
print.summary.pilotdid_bacon_decomp <- function(x, ...) {
  cat("Goodman-Bacon decomposition:", deparse1(x$formula), "\n")
  cat(sprintf("Balanced panel: %d units x %d periods%s\n", x$n_units, x$n_periods,
              if (x$dropped_units > 0) sprintf(" (%d units dropped)", x$dropped_units) else ""))
  tab <- x$by_type
  print(data.frame(type = format(tab$type), weight = sprintf("%.5f", tab$weight),
                   avg_estimate = sprintf("%.5f", tab$estimate)), row.names = FALSE, right = FALSE)
  cat(sprintf("TWFE estimate (weighted sum): %.6g\n", x$twfe))
  invisible(x)
}

#' @rdname bacon-methods
#' @export
print.pilotdid_bacon_decomp <- function(x, ...) {
  print(summary(x))
  invisible(x)
}

#' @rdname bacon-methods
#' @export
bacon_plot_data <- function(x) {
  if (!inherits(x, "pilotdid_bacon_decomp")) abort_input("{.arg x} must be a {.fn bacon_decomp} result.")
  list(points = x$two_by_two, twfe = x$twfe)
}

#' @rdname bacon-methods
#' @method autoplot pilotdid_bacon_decomp
#' @export
autoplot.pilotdid_bacon_decomp <- function(object, lang = c("en", "zh"), family = NULL, ...) {
  args <- plot_args(lang, family, ...)
  pd <- bacon_plot_data(object)
  zh <- args$lang == "zh"
  g <- ggplot2::ggplot(pd$points, ggplot2::aes(x = .data$weight, y = .data$estimate,
                                               colour = .data$type, shape = .data$type)) +
    ggplot2::geom_hline(yintercept = pd$twfe, linetype = "dashed", colour = "grey40") +
    ggplot2::geom_point(size = 2.5) +
    ggplot2::scale_colour_manual(values = unname(pd_palette)) +
    ggplot2::labs(x = if (zh) "\u6743\u91cd" else "Weight",
                  y = if (zh) "2\u00d72 DID \u4f30\u8ba1\u503c" else "2x2 DID estimate",
                  colour = NULL, shape = NULL,
                  caption = sprintf(if (zh) "\u865a\u7ebf\uff1aTWFE \u4f30\u8ba1\u503c %.4g" else
                                      "Dashed line: TWFE estimate %.4g", pd$twfe))
  finish_plot(g, args)
}
