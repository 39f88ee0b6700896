#' Methods for wild cluster bootstrap tests
#'
#' `print()` shows each test with its bootstrap p-value and interval;
#' `summary()` returns them as a `summary.pilotdid_boot_test` object; `tidy()`
#' gives one row per test; `glance()` one row describing the bootstrap;
#' `coef()` the tested estimates; `nobs()` the observations of the fit.
#'
#' | column | meaning |
#' |---|---|
#' | term | coefficient or linear combination tested |
#' | estimate, std.error | estimate of \eqn{R\beta} and its CR1 standard error |
#' | statistic | t statistic of \eqn{R\beta = r} |
#' | p.value | bootstrap p-value (symmetric or equal-tailed, see `ci`) |
#' | conf.low, conf.high | interval by test inversion at the level of [boot_test()] |
#' | n, type | number of draws and bootstrap weights |
#'
#' `glance()` columns: `nobs`, `n_clusters`, `n_bootclusters`, `cluster`,
#' `bootcluster`, `n`, `type`, `enumerated`, `impose_null`.
#'
#' `boot_test_plot_data()` returns the numbers [autoplot.pilotdid_boot_test()]
#' draws: the histogram (density scale) and kernel density of the bootstrap t
#' statistics of one test (F statistics for a joint pre-trend test), its
#' observed value and p-value.
#'
#' @param object,x A `pilotdid_boot_test` result.
#' @param ci Which p-value and interval `tidy()` reports: `"symmetric"` or
#'   `"equal-tailed"`.
#' @param term The test to plot (a term name or position).
#' @param bins Number of histogram bins.
#' @param ... Unused.
#' @return `summary()`: a `summary.pilotdid_boot_test` list; `tidy()`,
#'   `glance()`: data frames; `coef()`: a named vector; `nobs()`: a number;
#'   `boot_test_plot_data()`: a list (`histogram`, `density`, `observed`,
#'   `p_value`, `term`, `statistic` (`"t"` or `"F"`), `n`); `autoplot()`: a ggplot object.
#' @family inference
#' @name boot_test-methods
#' @examples
#' d <- simulate_panel(n_id = 40, n_t = 6, seed = 1)
#' d$region <- (d$id - 1) %/% 5
#' fit <- twfe(y ~ treat + x1 | id + year, data = d, cluster = ~region)
#' bt <- boot_test(fit, param = c("treat", "x1"), type = "webb", n = 999, seed = 2)
#' summary(bt)
#' tidy(bt, ci = "equal-tailed")
#' glance(bt)
#' autoplot(bt, term = "treat")
NULL

#' @rdname boot_test-methods
#' @export
summary.pilotdid_boot_test <- function(object, ...) {
  structure(object[c("table", "n", "type", "enumerated", "impose_null", "level", "seed", "cluster",
                     "bootcluster", "n_clusters", "n_bootclusters", "nobs")],
            class = "summary.pilotdid_boot_test")
}

#' @rdname boot_test-methods
#' @export
print.summary.pilotdid_boot_test <- function(x, ...) {
  how <- if (x$impose_null) "WCR, null imposed" else "WCU, null not imposed"
  draws <- if (x$enumerated) sprintf("all %d sign vectors enumerated", x$n) else
    sprintf("%d draws, seed %s", x$n, format(x$seed, scientific = FALSE))
  cat(sprintf("Wild cluster bootstrap (%s): %s weights, %s\n", how, x$type, draws))
  cat(sprintf("Bootstrap clusters: %s (%d); variance clusters: %s (%d, CR1); %d observations\n",
              x$bootcluster, x$n_bootclusters, x$cluster, x$n_clusters, x$nobs))
  t <- x$table
  tab <- data.frame(Estimate = t$estimate, `Std. Error` = t$std.error, `H0 value` = t$r,
                    `t value` = t$statistic, `Boot p` = t$p.value, `Boot p (ET)` = t$p.value_et,
                    check.names = FALSE, row.names = t$term)
  lv <- sprintf("%g%%", 100 * x$level)
  tab[[paste("CI low", lv)]] <- t$conf.low
  tab[[paste("CI high", lv)]] <- t$conf.high
  print(signif(tab, 4))
  cat("p: symmetric, share of |t*| >= |t|; ET: equal-tailed. Interval by test inversion (symmetric).\n")
  if (any(t$term == "pre-trend (joint)")) {
    cat("Joint pre-trend test: Wald statistic / q (F) in the t column, p = share of F* >= F.\n")
  }
  invisible(x)
}

#' @rdname boot_test-methods
#' @export
print.pilotdid_boot_test <- function(x, ...) {
  print(summary(x))
  invisible(x)
}

#' @rdname boot_test-methods
#' @method tidy pilotdid_boot_test
#' @export
tidy.pilotdid_boot_test <- function(x, ci = c("symmetric", "equal-tailed"), ...) {
  ci <- match.arg(ci)
  t <- x$table
  et <- ci == "equal-tailed"
  data.frame(term = t$term, estimate = t$estimate, std.error = t$std.error,
             statistic = t$statistic, p.value = if (et) t$p.value_et else t$p.value,
             conf.low = if (et) t$conf.low_et else t$conf.low,
             conf.high = if (et) t$conf.high_et else t$conf.high, n = x$n, type = x$type)
}

#' @rdname boot_test-methods
#' @method glance pilotdid_boot_test
#' @export
glance.pilotdid_boot_test <- function(x, ...) {
  data.frame(nobs = x$nobs, n_clusters = x$n_clusters, n_bootclusters = x$n_bootclusters,
             cluster = x$cluster, bootcluster = x$bootcluster, n = x$n, type = x$type,
             enumerated = x$enumerated, impose_null = x$impose_null)
}

#' @rdname boot_test-methods
#' @export
coef.pilotdid_boot_test <- function(object, ...) stats::setNames(object$table$estimate, object$table$term)

#' @rdname boot_test-methods
#' @export
nobs.pilotdid_boot_test <- function(object, ...) object$nobs

#' @rdname boot_test-methods
#' @export
boot_test_plot_data <- function(x, term = 1L, bins = 40L) {
  if (!inherits(x, "pilotdid_boot_test")) abort_input("{.arg x} must be a {.fn boot_test} result.")
  k <- if (is.character(term)) match(term, x$table$term) else term
  if (length(k) != 1L || is.na(k) || k < 1 || k > nrow(x$table)) {
    abort_input("{.arg term} must be one of {.val {x$table$term}} or a position.")
  }
  tb <- x$draws[, k]
  tb <- tb[is.finite(tb)]
  obs <- x$table$statistic[k]
  br <- pretty(range(tb, obs), n = bins)
  h <- graphics::hist(tb, breaks = br, plot = FALSE)
  dens <- stats::density(tb)
  list(histogram = data.frame(xmin = utils::head(h$breaks, -1L), xmax = h$breaks[-1L], density = h$density),
       density = data.frame(x = dens$x, y = dens$y), observed = obs, p_value = x$table$p.value[k],
       term = x$table$term[k], statistic = if (x$table$term[k] == "pre-trend (joint)") "F" else "t",
       n = x$n)
}

#' @rdname boot_test-methods
#' @method autoplot pilotdid_boot_test
#' @export
autoplot.pilotdid_boot_test <- function(object, term = 1L, bins = 40L, ...) {
  pd <- boot_test_plot_data(object, term, bins)
  ggplot2::ggplot() +
    ggplot2::geom_rect(data = pd$histogram,
                       ggplot2::aes(xmin = .data$xmin, xmax = .data$xmax, ymin = 0, ymax = .data$density),
                       fill = "grey85", colour = "white") +
    ggplot2::geom_line(data = pd$density, ggplot2::aes(x = .data$x, y = .data$y), colour = "steelblue4") +
    ggplot2::geom_vline(xintercept = pd$observed, colour = "firebrick") +
    ggplot2::labs(x = sprintf("Bootstrap %s statistics of %s", pd$statistic, pd$term), y = "Density",
                  caption = sprintf("%d draws; red line: observed %s; bootstrap p = %.3f", pd$n, pd$statistic,
                                    pd$p_value)) +
    ggplot2::theme_minimal()
}
