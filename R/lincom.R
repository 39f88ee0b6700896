#' Linear combinations of coefficients
#'
#' `lincom()` estimates linear combinations \eqn{w'\beta} of the coefficients
#' of a fit or an event study, with the standard error
#' \eqn{\sqrt{w'Vw}} from the result's covariance `vcov(x)`, a t statistic
#' against `null`, its p-value and confidence interval: the average of the
#' post-periods, post minus pre, a single period, a difference of two
#' controls. Degrees of freedom are the fit's (`df_t`; clusters minus one
#' when clustered), or normal inference for results without them (influence
#' function based estimators).
#'
#' @param x A result with `coef()` and `vcov()`: [twfe()], [event_study()],
#'   [sun_abraham()], `aggregate(att_gt(...), type = "dynamic")`, ...
#' @param weights The combination(s), one of
#'   * a character vector of expressions linear in the coefficient names,
#'     e.g. `"(current + post_1 + post_2) / 3"` or `"post_1 - pre_2"`
#'     (non-syntactic names in backticks); names of the vector become terms;
#'   * a numeric vector named by coefficients (others get weight 0), or
#'     unnamed with one weight per coefficient;
#'   * a numeric matrix, one combination per row, columns named by
#'     coefficients (or one per coefficient).
#' @param null Value(s) under the null hypothesis (recycled).
#' @param level Confidence level.
#' @param ... Unused.
#' @return A `pilotdid_lincom` result: a data frame with one row per
#'   combination, columns `term`, `estimate`, `std.error`, `statistic`,
#'   `p.value`, `conf.low`, `conf.high` (what `tidy()` and `as.data.frame()`
#'   return), and attributes `"weights"` (the matrix \eqn{W}, one row per
#'   combination), `"vcov"` (the covariance \eqn{WVW'} of the combinations,
#'   returned by `vcov()`), `"df"` (degrees of freedom; `Inf` for normal
#'   inference), `"level"`, `"null"` and `"nobs"` (observations of `x`, `NA`
#'   when it has none). Methods: [lincom-methods].
#' @family inference
#' @export
#' @examples
#' d <- simulate_panel(n_id = 60, n_t = 12, cohorts = c(2013, 2015, 2017), seed = 1)
#' es <- event_study(y ~ x1 + x2 | id + year, data = d, cohort = "cohort", window = c(-3, 3))
#' lincom(es, c(average = "(current + post_1 + post_2 + post_3) / 4", jump = "current - pre_2"))
#' lincom(es, c(post_1 = 1, post_2 = -1))
lincom <- function(x, weights, null = 0, level = 0.95, ...) {
  b <- tryCatch(stats::coef(x), error = function(e) NULL)
  V <- tryCatch(stats::vcov(x), error = function(e) NULL)
  if (!is.numeric(b) || is.null(names(b)) || !is.matrix(V) || !all(dim(V) == length(b))) {
    abort_input(c("{.arg x} must have named coefficients ({.fn coef}) and their covariance ({.fn vcov}).",
                  "x" = "Got a {.cls {class(x)[1]}}."))
  }
  check_level(level)
  if (!is.numeric(null) || anyNA(null)) abort_input("{.arg null} must be numeric.")
  W <- lincom_weights(weights, names(b))
  est <- drop(W %*% b)
  se <- sqrt(pmax(rowSums((W %*% V) * W), 0))
  df <- lincom_df(x)
  null <- rep_len(null, nrow(W))
  stat <- (est - null) / se
  q <- if (is.finite(df)) stats::qt((1 + level) / 2, df) else stats::qnorm((1 + level) / 2)
  p <- if (is.finite(df)) 2 * stats::pt(-abs(stat), df) else 2 * stats::pnorm(-abs(stat))
  out <- data.frame(term = rownames(W), estimate = est, std.error = se, statistic = stat, p.value = p,
                    conf.low = est - q * se, conf.high = est + q * se, stringsAsFactors = FALSE)
  rownames(out) <- NULL
  Vw <- W %*% V %*% t(W)
  dimnames(Vw) <- list(out$term, out$term)
  new_pilotdid_lincom(out, W, Vw, df, level, null, result_nobs(x))
}

new_pilotdid_lincom <- function(tab, weights, vcov, df, level, null, nobs) {
  structure(tab, weights = weights, vcov = vcov, df = df, level = level, null = null, nobs = nobs,
            class = c("pilotdid_lincom", "data.frame"))
}

# Degrees of freedom of the t tests of a result (Inf: normal inference).
lincom_df <- function(x) {
  df <- x$df_t %||% x$fit$df_t
  if (is.numeric(df) && length(df) == 1L && !is.na(df)) df else Inf
}

# A matrix of weights, one row per combination, one column per coefficient.
lincom_weights <- function(weights, nm, call = rlang::caller_env()) {
  k <- length(nm)
  if (is.character(weights)) {
    W <- t(vapply(weights, function(e) expr_weights(e, nm, call), numeric(k)))
    rownames(W) <- if (is.null(names(weights))) weights else ifelse(names(weights) == "", weights, names(weights))
  } else if (is.numeric(weights) && is.null(dim(weights))) {
    W <- matrix(weights_row(weights, nm, call), nrow = 1L)
    rownames(W) <- lincom_label(W, nm)
  } else if (is.matrix(weights) && is.numeric(weights)) {
    W <- t(apply(weights, 1L, function(w) weights_row(stats::setNames(w, colnames(weights)), nm, call)))
    if (k == 1L) W <- t(W)
    rownames(W) <- rownames(weights) %||% vapply(seq_len(nrow(W)), function(i) lincom_label(W[i, , drop = FALSE], nm), "")
  } else {
    abort_input("{.arg weights} must be a character vector of expressions, a numeric vector or a numeric matrix.",
                call = call)
  }
  if (anyNA(W)) abort_input("{.arg weights} must not contain missing values.", call = call)
  colnames(W) <- nm
  W
}

weights_row <- function(w, nm, call) {
  if (is.null(names(w))) {
    if (length(w) != length(nm)) {
      abort_input(c("Unnamed {.arg weights} need one weight per coefficient ({length(nm)}).",
                    "x" = "Got {length(w)}.", "i" = "Coefficients: {.field {nm}}."), call = call)
    }
    return(as.numeric(w))
  }
  bad <- setdiff(names(w), nm)
  if (length(bad)) {
    abort_input(c("{.arg weights} names {.field {bad}}, which {?is/are} not coefficients of {.arg x}.",
                  "i" = "Coefficients: {.field {nm}}."), call = call)
  }
  out <- numeric(length(nm))
  out[match(names(w), nm)] <- as.numeric(w)
  out
}

# Weights of an expression linear in the coefficients: its value at each unit
# vector minus its value at zero; linearity is checked at a random point.
expr_weights <- function(text, nm, call) {
  e <- tryCatch(str2lang(text), error = function(err) {
    abort_input(c("{.arg weights} {.val {text}} is not an R expression.", "x" = conditionMessage(err)), call = call)
  })
  unknown <- setdiff(all.vars(e), nm)
  if (length(unknown)) {
    abort_input(c("{.arg weights} {.val {text}} uses {.field {unknown}}, not coefficients of {.arg x}.",
                  "i" = "Coefficients: {.field {nm}}."), call = call)
  }
  f <- function(v) {
    val <- eval(e, stats::setNames(as.list(v), nm), baseenv())
    if (!is.numeric(val) || length(val) != 1L) abort_input("{.arg weights} {.val {text}} must give one number.", call = call)
    val
  }
  k <- length(nm)
  f0 <- f(numeric(k))
  w <- vapply(seq_len(k), function(j) f(replace(numeric(k), j, 1)) - f0, 0)
  probe <- seq_len(k) / (k + 1) - 0.37
  if (abs(f(probe) - f0 - sum(w * probe)) > 1e-8 * (1 + sum(abs(w)))) {
    abort_input("{.arg weights} {.val {text}} is not linear in the coefficients.", call = call)
  }
  if (abs(f0) > 1e-12) abort_input(c("{.arg weights} {.val {text}} has a constant term.", "i" = "Use {.arg null} for the value tested."), call = call)
  w
}

lincom_label <- function(W, nm) {
  w <- W[1L, ]
  keep <- w != 0
  if (!any(keep)) return("0")
  paste(paste0(format(w[keep], digits = 4, trim = TRUE), "*", nm[keep]), collapse = " + ")
}

#' Event-study averages and windows
#'
#' `aggregate()` on an event study averages its event-time coefficients:
#' `"post_average"` is the mean of all post-period coefficients (periods 0 and
#' after), `"pre_average"` the mean of the pre-period ones, and `"window"` the
#' mean over the periods `window = c(first, last)`. Standard errors use the
#' joint covariance of the coefficients ([lincom()]).
#'
#' @param x An [event_study()] or [sun_abraham()] result.
#' @param type `"post_average"`, `"pre_average"` or `"window"`.
#' @param window With `type = "window"`, the first and last relative periods.
#' @param level Confidence level.
#' @param ... Unused.
#' @return A [lincom()] result (`pilotdid_lincom`) with one row.
#' @family inference
#' @importFrom stats aggregate
#' @export
#' @examples
#' d <- simulate_panel(n_id = 60, n_t = 12, cohorts = c(2013, 2015, 2017), seed = 1)
#' es <- event_study(y ~ x1 + x2 | id + year, data = d, cohort = "cohort", window = c(-3, 3))
#' aggregate(es)
#' aggregate(es, "window", window = c(1, 3))
aggregate.pilotdid_event_study <- function(x, type = c("post_average", "pre_average", "window"),
                                           window = NULL, level = 0.95, ...) {
  event_average(x, type, window, level)
}

#' @rdname aggregate.pilotdid_event_study
#' @export
aggregate.pilotdid_sun_abraham <- function(x, type = c("post_average", "pre_average", "window"),
                                           window = NULL, level = 0.95, ...) {
  event_average(x, type, window, level)
}

event_average <- function(x, type, window, level, call = rlang::caller_env()) {
  type <- check_choice(type, c("post_average", "pre_average", "window"), "type", call)
  ev <- event_coefs(x, call)
  keep <- switch(type,
    post_average = ev$rel_time >= 0,
    pre_average = ev$rel_time < 0,
    window = {
      if (!is.numeric(window) || length(window) != 2L || anyNA(window) || window[1L] > window[2L]) {
        abort_input("{.arg window} must be two relative periods {.code c(first, last)} with {.code first <= last}.",
                    call = call)
      }
      ev$rel_time >= window[1L] & ev$rel_time <= window[2L]
    })
  if (!any(keep)) abort_input("No estimated event-time coefficient in the {.val {type}} periods.", call = call)
  lincom(x, matrix(keep / sum(keep), 1L, dimnames = list(type, ev$terms)), level = level)
}
