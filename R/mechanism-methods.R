#' Methods for mechanism results
#'
#' `print()` shows the effects table; `summary()` returns it as a
#' `summary.pilotdid_mechanism` object. `tidy()` gives broom's columns with a
#' `mediator` column: for `"mediator"` and `"interaction"` one row per
#' mediator (the treatment's effect on the mediator, or the interaction);
#' for `"three_step"` the rows `total`, `a`, `b`, `direct`, `indirect
#' (Sobel)` (normal-approximation interval) and `indirect (bootstrap)`
#' (bootstrap standard error, p-value and percentile interval) per mediator.
#' `glance()` one row: `design`, `n_mediators`, `nobs`, `n` (bootstrap draws), `seed`.
#' [did_table()] takes the result and shows its fits (for `"three_step"` the
#' three steps of every mediator).
#'
#' @param object,x A `pilotdid_mechanism` result.
#' @param conf.level Confidence level of the intervals in `tidy()` (Sobel: normal;
#'   bootstrap: type-6 quantiles of the draws).
#' @param ... Unused.
#' @return `summary()`: a list; `tidy()`, `glance()`: data frames.
#' @family inference
#' @name mechanism-methods
#' @examples
#' d <- simulate_panel(n_id = 60, n_t = 8, seed = 3)
#' d$m <- 0.5 * d$treat + rnorm(nrow(d))
#' fit <- twfe(y ~ treat + x1 | id + year, data = d)
#' med <- mechanism(fit, "m", design = "three_step", n = 99, seed = 1)
#' tidy(med)
#' glance(med)
NULL

#' @rdname mechanism-methods
#' @export
summary.pilotdid_mechanism <- function(object, ...) {
  out <- object[c("design", "treat", "outcome", "mediators", "effects")]
  out$n_boot <- object[["n_boot"]]
  out$seed <- object[["seed"]]
  structure(out, class = "summary.pilotdid_mechanism")
}

#' @rdname mechanism-methods
#' @export
print.summary.pilotdid_mechanism <- function(x, ...) {
  e <- x$effects
  what <- switch(x$design,
                 mediator = "effect of %s on each mediator (same controls, fixed effects and clustering)",
                 interaction = "interaction of %s with each mediator in the outcome equation",
                 three_step = "Baron-Kenny steps for %s, Sobel test and cluster bootstrap")
  cat(sprintf("Mechanism analysis (%s design) of %s: %s\n\n", x$design, x$outcome, sprintf(what, x$treat)))
  if (x$design != "three_step") {
    print(data.frame(mediator = e$mediator, term = e$term, estimate = signif(e$estimate, 4),
                     std.error = signif(e$std.error, 4), p.value = signif(e$p.value, 3), nobs = e$nobs),
          row.names = FALSE)
    return(invisible(x))
  }
  for (k in seq_len(nrow(e))) {
    r <- e[k, ]
    cat(sprintf("Mediator %s (%d observations)\n", r$mediator, r$nobs))
    cat(sprintf("  total effect c = %.4g, direct effect c' = %.4g, a = %.4g, b = %.4g\n",
                r$total, r$direct, r$a, r$b))
    cat(sprintf("  indirect effect ab = %.4g (%.1f%% of c)\n", r$indirect, 100 * r$share_mediated))
    cat(sprintf("  Sobel: se %.4g, z %.3f, p %.3g\n", r$sobel_se, r$sobel_z, r$sobel_p))
    if (isTRUE(x$n_boot > 0)) {
      p <- if (isTRUE(r$boot_p == 0)) sprintf("< %.3g", 1 / x$n_boot) else sprintf("%.3g", r$boot_p)
      cat(sprintf("  Cluster bootstrap (%d draws, seed %s): se %.4g, 95%% CI [%.4g, %.4g], p %s\n",
                  x$n_boot, format(x$seed, scientific = FALSE), r$boot_se, r$boot_low, r$boot_high, p))
    }
  }
  invisible(x)
}

#' @rdname mechanism-methods
#' @export
print.pilotdid_mechanism <- function(x, ...) {
  print(summary(x))
  invisible(x)
}

#' @rdname mechanism-methods
#' @method tidy pilotdid_mechanism
#' @export
tidy.pilotdid_mechanism <- function(x, conf.level = 0.95, ...) {
  check_level(conf.level, "conf.level")
  e <- x$effects
  if (x$design != "three_step") {
    if (conf.level != 0.95) {
      for (k in seq_len(nrow(e))) {
        td <- tidy.pilotdid_twfe(x$fits[[e$mediator[k]]], conf.level = conf.level)
        e[k, c("conf.low", "conf.high")] <- td[td$term == e$term[k], c("conf.low", "conf.high")]
      }
    }
    return(e[, c("mediator", "term", "estimate", "std.error", "statistic", "p.value", "conf.low", "conf.high", "nobs")])
  }
  rows <- lapply(seq_len(nrow(e)), function(k) {
    r <- e[k, ]
    f <- x$fits[[r$mediator]]
    pick <- function(fit, term) {
      td <- tidy.pilotdid_twfe(fit, conf.level = conf.level)
      td[td$term == term, -1L]
    }
    steps <- rbind(pick(f$total, x$treat), pick(f$mediator, x$treat), pick(f$outcome, r$mediator),
                   pick(f$outcome, x$treat))
    q <- stats::qnorm((1 + conf.level) / 2)
    boot_ci <- c(r$boot_low, r$boot_high)
    if (conf.level != 0.95) {
      bk <- if (is.null(x$boot)) numeric() else x$boot[, k]
      bk <- bk[is.finite(bk)]
      boot_ci <- c(mech_quantile(bk, (1 - conf.level) / 2), mech_quantile(bk, (1 + conf.level) / 2))
    }
    ind <- data.frame(estimate = r$indirect, std.error = c(r$sobel_se, r$boot_se),
                      statistic = c(r$sobel_z, NA), p.value = c(r$sobel_p, r$boot_p),
                      conf.low = c(r$indirect - q * r$sobel_se, boot_ci[1L]),
                      conf.high = c(r$indirect + q * r$sobel_se, boot_ci[2L]))
    cbind(mediator = r$mediator,
          term = c("total", "a", "b", "direct", "indirect (Sobel)", "indirect (bootstrap)"),
          rbind(steps, ind))
  })
  out <- do.call(rbind, rows)
  rownames(out) <- NULL
  out
}

#' @rdname mechanism-methods
#' @method glance pilotdid_mechanism
#' @export
glance.pilotdid_mechanism <- function(x, ...) {
  data.frame(design = x$design, n_mediators = length(x$mediators), nobs = max(x$effects$nobs),
             n = x[["n_boot"]] %||% NA_integer_, seed = x[["seed"]] %||% NA_real_)
}

#' @export
#' @noRd
table_models.pilotdid_mechanism <- function(x, ...) {
  if (x$design != "three_step") return(list(fits = x$fits))
  fits <- unlist(lapply(x$mediators, function(m) {
    f <- x$fits[[m]]
    stats::setNames(list(f$total, f$mediator, f$outcome), paste0(m, ": step ", 1:3))
  }), recursive = FALSE)
  list(fits = fits)
}
