#' Methods for entropy_index() results
#'
#' `print()` shows the weights the way Table 1 of an NQP paper does: each
#' dimension with its weight \eqn{W_D} (the sum of its indicators' weights),
#' then its indicators with their direction (`+` positive, `-` negative),
#' entropy and weight. With `by`, the weights of every group are shown side by
#' side (their mean, minimum and maximum when there are more than 6 groups).
#' `summary()` returns a `summary.pilotdid_entropy_index` object whose print method
#' prints the dimension weights and the distribution of the scores.
#'
#' @param object,x A `pilotdid_entropy_index` object from [entropy_index()].
#' @param digits Decimal places of weights and entropies.
#' @param ... Unused.
#' @return `summary()`: a list of class `summary.pilotdid_entropy_index` with
#'   `weights` (as in the object), `dimensions` (a data frame: the `by` group
#'   when used, `dimension`, `n_indicators`, `weight`; `NULL` without
#'   `groups`), `scores` (one row per score column: `variable`, `n`, `mean`,
#'   `sd`, `min`, `q25`, `median`, `q75`, `max`), `by_means` (the mean of every
#'   score column in each group of `by`, or `NULL`) and the object's `nobs`,
#'   `n_dropped`, `by`, `by_levels`, `shift`, `indicators` and `groups`.
#'   `nobs()`: the number of rows used.
#' @family composite index
#' @name entropy_index-methods
#' @examples
#' set.seed(2)
#' d <- data.frame(year = rep(2016:2019, each = 25), a = runif(100), b = rexp(100),
#'                 c = rnorm(100, 50, 5))
#' fit <- entropy_index(d, c("a", "b", "c"), negative = "c",
#'                      groups = list(first = c("a", "b"), second = "c"))
#' print(fit)
#' summary(fit)
#' nobs(fit)
NULL

#' @rdname entropy_index-methods
#' @export
print.pilotdid_entropy_index <- function(x, digits = 4L, ...) {
  K <- length(x$indicators)
  cat("Entropy-weight index of ", K, " indicator", if (K > 1L) "s", sep = "")
  if (length(x$groups)) cat(" in", length(x$groups), if (length(x$groups) > 1L) "dimensions" else "dimension")
  cat("\n")
  entropy_header(x)
  cat("\n")
  tab <- entropy_display(x, digits)
  cat(format_table(tab), sep = "\n")
  invisible(x)
}

# Rows, weighting scheme and shift: the lines shared by print() and summary().
entropy_header <- function(x) {
  cat("Rows: ", format(x$nobs, big.mark = ","), sep = "")
  if (x$n_dropped > 0L) cat(" (", format(x$n_dropped, big.mark = ","), " dropped: missing values)", sep = "")
  cat("\n")
  if (is.null(x$by)) {
    cat("Weights: pooled over all rows\n")
  } else {
    cat("Weights: separate for each ", x$by, " (", length(x$by_levels), " groups)\n", sep = "")
  }
  cat("Shift: ", format(x$shift), "\n", sep = "")
}

# The Table-1-like view as a character matrix (first row = header).
entropy_display <- function(x, digits) {
  K <- length(x$indicators)
  G <- max(1L, length(x$by_levels))
  W <- matrix(x$weights$w, nrow = K, ncol = G, dimnames = list(x$indicators, NULL))
  E <- matrix(x$weights$e, nrow = K, ncol = G)
  num <- function(v) ifelse(is.na(v), "", formatC(v, format = "f", digits = digits))
  summarise <- function(W) {
    if (G == 1L) return(W)
    if (G <= 6L) return(structure(W, dimnames = list(NULL, format(x$by_levels))))
    cbind(`Mean weight` = rowMeans(W), `Min weight` = apply(W, 1L, min),
          `Max weight` = apply(W, 1L, max))
  }
  vals <- if (G == 1L) cbind(Entropy = E[, 1L], Weight = W[, 1L]) else summarise(W)
  dir <- ifelse(x$indicators %in% x$negative, "-", "+")
  if (is.null(x$groups)) {
    body <- cbind(x$indicators, dir, matrix(apply(vals, 2L, num), nrow = K))
  } else {
    body <- NULL
    for (g in names(x$groups)) {
      idx <- match(x$groups[[g]], x$indicators)
      dim_w <- matrix(colSums(W[idx, , drop = FALSE]), nrow = 1L)
      dim_vals <- if (G == 1L) c(NA, dim_w) else summarise(dim_w)
      body <- rbind(body, c(g, "", num(dim_vals)),
                    cbind(paste0("  ", x$indicators[idx]), dir[idx],
                          matrix(apply(vals[idx, , drop = FALSE], 2L, num), nrow = length(idx))))
    }
  }
  header <- c(if (is.null(x$groups)) "Indicator" else "Dimension / indicator", "Direction", colnames(vals))
  rbind(header, unname(body))
}

# Pad a character matrix into lines: first column left-aligned, others right.
format_table <- function(m) {
  m <- as.matrix(m)
  width <- apply(nchar(m), 2L, max)
  cols <- lapply(seq_len(ncol(m)), function(k) {
    formatC(m[, k], width = if (k == 1L) -width[k] else width[k])
  })
  do.call(paste, c(cols, sep = "  "))
}

#' @rdname entropy_index-methods
#' @export
summary.pilotdid_entropy_index <- function(object, ...) {
  sc <- object$scores
  stat <- function(v) {
    v <- v[!is.na(v)]
    q <- stats::quantile(v, c(0, 0.25, 0.5, 0.75, 1), names = FALSE)
    c(n = length(v), mean = mean(v), sd = if (length(v) > 1L) stats::sd(v) else NA_real_,
      min = q[1L], q25 = q[2L], median = q[3L], q75 = q[4L], max = q[5L])
  }
  tab <- do.call(rbind, lapply(sc, stat))
  scores <- data.frame(variable = names(sc), tab, row.names = NULL)
  scores$n <- as.integer(scores$n)
  out <- object[c("indicators", "groups", "negative", "by", "by_levels", "shift", "nobs",
                  "n_dropped", "weights")]
  out$scores <- scores
  out$dimensions <- entropy_dimensions(object)
  if (!is.null(object$by)) {
    grp <- factor(object$row_group, seq_along(object$by_levels))
    means <- lapply(sc, function(v) as.vector(tapply(v, grp, mean, na.rm = TRUE)))
    out$by_means <- cbind(stats::setNames(data.frame(object$by_levels), object$by),
                          n = as.vector(object$n_by), as.data.frame(means, optional = TRUE))
  }
  structure(out, class = "summary.pilotdid_entropy_index")
}

# Weight of each dimension (per group of `by`): the sum of its indicators' weights.
entropy_dimensions <- function(object) {
  if (is.null(object$groups)) return(NULL)
  w <- object$weights
  dims <- names(object$groups)
  G <- max(1L, length(object$by_levels))
  grp <- rep(seq_len(G), each = length(object$indicators))
  cell <- factor(paste(grp, match(w$dimension, dims)),
                 levels = paste(rep(seq_len(G), each = length(dims)), seq_along(dims)))
  out <- data.frame(dimension = rep(dims, G),
                    n_indicators = as.vector(table(cell)),
                    weight = as.vector(tapply(w$w, cell, sum)))
  if (!is.null(object$by)) {
    out <- cbind(stats::setNames(data.frame(rep(object$by_levels, each = length(dims))), object$by), out)
  }
  out
}

#' @rdname entropy_index-methods
#' @export
print.summary.pilotdid_entropy_index <- function(x, digits = 4L, ...) {
  K <- length(x$indicators)
  cat("Entropy-weight index of ", K, " indicator", if (K > 1L) "s", sep = "")
  if (length(x$groups)) cat(" in", length(x$groups), if (length(x$groups) > 1L) "dimensions" else "dimension")
  cat("\n")
  entropy_header(x)
  w <- x$weights
  lo <- which.min(w$w)
  hi <- which.max(w$w)
  where <- function(i) if (is.null(x$by)) "" else paste0(", ", x$by, " = ", format(w[[x$by]][i]))
  cat("Weights range from ", formatC(w$w[lo], format = "f", digits = digits), " (", w$indicator[lo], where(lo),
      ") to ", formatC(w$w[hi], format = "f", digits = digits), " (", w$indicator[hi], where(hi), ")\n", sep = "")
  fmt <- function(df) {
    num <- vapply(df, is.double, TRUE)
    df[num] <- lapply(df[num], function(v) formatC(v, format = "f", digits = digits))
    df[] <- lapply(df, as.character)
    format_table(rbind(names(df), as.matrix(df)))
  }
  if (!is.null(x$dimensions)) {
    cat("\nDimension weights:\n")
    cat(fmt(x$dimensions), sep = "\n")
  }
  cat("\nScores:\n")
  cat(fmt(x$scores), sep = "\n")
  if (!is.null(x$by_means)) {
    cat("\nMean scores by ", x$by, ":\n", sep = "")
    cat(fmt(x$by_means), sep = "\n")
  }
  invisible(x)
}

#' @rdname entropy_index-methods
#' @export
nobs.pilotdid_entropy_index <- function(object, ...) object$nobs

#' Scores of new rows from an entropy index
#'
#' Standardises the indicators of `newdata` with the minimum and maximum stored
#' in the fit (per group of `by` when used) and weights them with the stored
#' weights: \eqn{\mathrm{score}_i = \sum_j w_j x'_{ij}}, as in
#' [entropy_index()]. Values outside the training range give standardised
#' values outside \eqn{[s, 1 + s]}; they are not clipped. On the training data,
#' `predict()` returns the training scores.
#'
#' @param object A `pilotdid_entropy_index` object from [entropy_index()].
#' @param newdata A data frame with the indicator columns (and the `by`
#'   column, whose values must all occur in the training data). If omitted,
#'   the training scores are returned.
#' @param threads Number of threads for the C++ core.
#' @param ... Unused.
#' @return A data frame with one row per row of `newdata`: `score`, plus one
#'   column per dimension when the index has `groups`. Rows with a missing or
#'   infinite indicator (or a missing `by` value) get `NA`, with a note.
#' @family composite index
#' @importFrom stats predict
#' @export
#' @examples
#' set.seed(3)
#' d <- data.frame(a = runif(50), b = rexp(50), c = rnorm(50, 50, 5))
#' fit <- entropy_index(d[1:40, ], c("a", "b", "c"), negative = "c")
#' predict(fit, d[41:50, ])
predict.pilotdid_entropy_index <- function(object, newdata, threads = getOption("pilotdid.threads", 1L), ...) {
  if (missing(newdata) || is.null(newdata)) return(object$scores)
  newdata <- check_data(newdata, "newdata")
  threads <- resolve_threads(threads)
  absent <- setdiff(c(object$indicators, object$by), names(newdata))
  if (length(absent)) {
    abort_input("{cli::qty(absent)}Column{?s} {.field {absent}} {cli::qty(absent)}{?is/are} not in {.arg newdata}.")
  }
  bad <- object$indicators[!vapply(object$indicators, function(v) is.numeric(newdata[[v]]), TRUE)]
  if (length(bad)) abort_input("Indicator{?s} {.field {bad}} must be numeric in {.arg newdata}.")
  cols <- lapply(object$indicators, function(v) as.double(newdata[[v]]))
  n <- nrow(newdata)
  skip <- rep(FALSE, n)
  for (v in cols) skip <- skip | !is.finite(v)
  G <- max(1L, length(object$by_levels))
  code <- integer()
  if (!is.null(object$by)) {
    b <- newdata[[object$by]]
    code <- match(b, object$by_levels) - 1L
    unseen <- unique(b[is.na(code) & !is.na(b)])
    if (length(unseen)) {
      abort_input(c("{.arg newdata} has values of {.field {object$by}} without weights in the fit.",
                    "x" = "Unseen: {.val {format(unseen)}}."))
    }
    skip <- skip | is.na(code)
    code[is.na(code)] <- 0L
  }
  if (any(skip)) note("{sum(skip)} row{?s} of {.arg newdata} ha{?s/ve} missing or infinite values: {?its/their} scores are NA.")
  spec <- object[c("indicators", "negative", "groups", "shift")]
  out <- entropy_scores(cols, code, G, object$weights, spec, threads)
  out[skip, ] <- NA_real_
  out
}

#' Tidy an entropy index
#'
#' One row per indicator (per group of `by`), with broom's `term` and
#' `estimate` columns.
#'
#' | column | meaning |
#' |---|---|
#' | *by* | the group of `by` (named after the column; only when `by` was used) |
#' | term | indicator |
#' | dimension | its dimension in `groups` (`NA` without groups) |
#' | direction | `"positive"` or `"negative"` |
#' | estimate | the entropy weight \eqn{w_j} |
#' | entropy | \eqn{e_j} |
#' | divergence | \eqn{d_j = 1 - e_j} |
#' | min, max | the range used for min–max standardisation |
#'
#' @param x A `pilotdid_entropy_index` object from [entropy_index()].
#' @param ... Unused.
#' @return A data frame.
#' @family composite index
#' @method tidy pilotdid_entropy_index
#' @export
#' @examples
#' set.seed(4)
#' d <- data.frame(a = runif(50), b = rexp(50), c = rnorm(50, 50, 5))
#' tidy(entropy_index(d, c("a", "b", "c")))
tidy.pilotdid_entropy_index <- function(x, ...) {
  w <- x$weights
  out <- data.frame(term = w$indicator, dimension = w$dimension, direction = w$direction,
                    estimate = w$w, entropy = w$e, divergence = w$d, min = w$min, max = w$max,
                    stringsAsFactors = FALSE)
  if (!is.null(x$by)) out <- cbind(w[x$by], out)
  broom_columns(out)
}

#' Plot the weights of an entropy index
#'
#' `autoplot()` draws a bar chart of the entropy weights, one bar per
#' indicator in the order of Table 1 (by dimension when the index has
#' `groups`), coloured by dimension, with one panel per group of `by`.
#' `entropy_plot_data()` returns the numbers drawn.
#'
#' @param object A `pilotdid_entropy_index` object from [entropy_index()].
#' @param lang Labels in English (`"en"`) or Chinese (`"zh"`).
#' @param family Font family of the text (see [figures]).
#' @param ... Unused; an error in `autoplot()`.
#' @return `entropy_plot_data()`: a data frame with one row per bar: the
#'   group of `by` (when used), `indicator` (a factor whose levels run from the
#'   top bar to the bottom one), `dimension` (a factor in the order of
#'   `groups`, `NA` without groups) and `weight`. `autoplot()`: a ggplot.
#' @family composite index
#' @export
#' @examples
#' set.seed(5)
#' d <- data.frame(a = runif(50), b = rexp(50), c = rnorm(50, 50, 5))
#' fit <- entropy_index(d, c("a", "b", "c"), groups = list(one = c("a", "b"), two = "c"))
#' entropy_plot_data(fit)
#' autoplot(fit)
entropy_plot_data <- function(object) {
  if (!inherits(object, "pilotdid_entropy_index")) {
    abort_input("{.arg object} must be a {.cls pilotdid_entropy_index} object from {.fn entropy_index}.")
  }
  w <- object$weights
  order <- if (is.null(object$groups)) object$indicators else unlist(object$groups, use.names = FALSE)
  out <- data.frame(indicator = factor(w$indicator, levels = order),
                    dimension = factor(w$dimension, levels = names(object$groups)),
                    weight = w$w)
  if (!is.null(object$by)) out <- cbind(w[object$by], out)
  out
}

#' @rdname entropy_plot_data
#' @importFrom ggplot2 autoplot
#' @importFrom rlang .data
#' @method autoplot pilotdid_entropy_index
#' @export
autoplot.pilotdid_entropy_index <- function(object, lang = c("en", "zh"), family = NULL, ...) {
  args <- plot_args(lang, family, ...)
  zh <- args$lang == "zh"
  pd <- entropy_plot_data(object)
  p <- ggplot2::ggplot(pd, ggplot2::aes(x = .data$weight, y = .data$indicator))
  if (is.null(object$groups)) {
    p <- p + ggplot2::geom_col(fill = pd_colour)
  } else {
    p <- p + ggplot2::geom_col(ggplot2::aes(fill = .data$dimension)) +
      ggplot2::scale_fill_manual(values = rep_len(unname(pd_palette), nlevels(pd$dimension)))
  }
  p <- p + ggplot2::scale_y_discrete(limits = rev(levels(pd$indicator))) +
    ggplot2::labs(x = if (zh) "\u71b5\u503c\u6cd5\u6743\u91cd" else "Entropy weight", y = NULL,
                  fill = if (zh) "\u7ef4\u5ea6" else "Dimension")
  if (!is.null(object$by)) p <- p + ggplot2::facet_wrap(ggplot2::vars(.data[[object$by]]))
  finish_plot(p, args, legend = "right")
}
