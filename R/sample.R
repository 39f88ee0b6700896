# The estimation sample of twfe() and of every verb built on it: rows used,
# outcome, regressors, weights, fixed-effect and cluster codes.

# Rows selected by `subset` (NULL = all rows), as positive row numbers.
eval_subset <- function(expr, data, env, call = caller_env()) {
  n <- nrow(data)
  if (is.null(expr)) return(seq_len(n))
  s <- eval(expr, data, env)
  if (is.null(s)) return(seq_len(n))
  if (is.logical(s) && length(s) == n) return(which(s))
  if (is.logical(s)) {
    abort_input("{.arg subset} is a logical vector of length {length(s)}; it must have one value per row of {.arg data} ({n}).",
                call = call)
  }
  if (is.numeric(s) && all(!is.na(s)) && all(s >= 1 & s <= n & s == trunc(s))) {
    if (anyDuplicated(s)) note("{.arg subset} repeats {sum(duplicated(s))} row number{?s}: each repeat is used as a row of its own.")
    return(as.integer(s))
  }
  abort_input("{.arg subset} must be a logical condition on {.arg data} or row numbers between 1 and {n}.",
              call = call)
}

# Build the estimation sample: outcome, regressors, weights, fixed-effect and
# cluster codes, after removing unusable rows (each removal reported).
twfe_sample <- function(spec, data, rows, cl_vars, weights, drop_singletons, cells = NULL,
                        call = caller_env(), threads = 1L) {
  fe_vars <- unique(unlist(spec$fe))
  w_info <- weight_spec(weights, data, call)
  vars <- setdiff(all.vars(spec$main), cells$names)
  used <- unique(c(vars, fe_vars, unlist(cl_vars), w_info$col))
  check_columns(data, vars, "formula", call)
  check_columns(data, fe_vars, "formula", call)
  check_columns(data, unlist(cl_vars), "cluster", call)
  d <- as.list(data)[used]
  removed <- data.frame(reason = character(), n = integer())
  if (length(rows) < nrow(data)) {
    removed <- rbind(removed, data.frame(reason = "subset", n = nrow(data) - length(rows)))
  }
  every_row <- identical(rows, seq_len(nrow(data)))
  if (!every_row) d <- lapply(d, `[`, rows)
  d <- structure(d, class = "data.frame", row.names = c(NA_integer_, -length(rows)))
  w <- if (!is.null(w_info$values)) w_info$values[rows] else if (!is.null(w_info$col)) d[[w_info$col]]
  if (!is.null(cells) && !every_row) cells$code <- cells$code[rows]
  mm <- model_data(spec$main, d, call, cells, threads)
  ok <- complete_rows(mm, d, c(fe_vars, unlist(cl_vars), w_info$col), threads)
  if (!is.null(w)) check_weights(w, ok$keep, call)
  keep <- ok$keep
  if (!is.null(w) && any(w[keep] == 0)) {
    nz <- sum(w[keep] == 0)
    note("Dropped {nz} row{?s} with zero weight.")
    removed <- rbind(removed, data.frame(reason = "zero weight", n = nz))
    keep <- keep & w != 0
  }
  if (ok$n_bad > 0L) removed <- rbind(removed, data.frame(reason = "missing values", n = ok$n_bad))
  if (!is.null(w)) w <- rescale_weights(w, keep)
  idx <- if (all(keep)) seq_along(keep) else which(keep)   # every row: no vector built
  pick <- function(x) if (length(idx) == length(keep)) x else x[idx]   # idx when called
  fe_cols <- lapply(spec$fe, function(v) lapply(d[v], pick))
  codes <- lapply(fe_cols, group_codes)
  if (drop_singletons) {
    s <- singleton_rows(codes)
    if (length(s)) {
      note("Dropped {length(s)} singleton observation{?s} (fixed-effect levels with one row, removed repeatedly).")
      removed <- rbind(removed, data.frame(reason = "singletons", n = length(s)))
      idx <- idx[-s]
      fe_cols <- lapply(fe_cols, function(l) lapply(l, `[`, -s))
      codes <- lapply(fe_cols, group_codes)
    }
  }
  if (length(idx) == 0L) abort_input("No rows are left to estimate {.arg formula} on.", call = call)
  names(codes) <- spec$fe_names
  cl_codes <- lapply(cl_vars, function(v) {
    same <- match(paste(v, collapse = "^"), spec$fe_names)
    if (!is.na(same)) codes[[same]] else group_codes(lapply(d[v], pick))
  })
  names(cl_codes) <- vapply(cl_vars, paste, character(1), collapse = "^")
  levels <- stats::setNames(Map(fe_levels, fe_cols, codes), spec$fe_names)
  for (k in seq_along(cl_codes)) {
    if (max(cl_codes[[k]]) == 0L) {
      abort_input("Cluster variable {.field {names(cl_codes)[k]}} has a single level in the estimation sample: standard errors clustered on it are not defined.",
                  call = call)
    }
  }
  if (length(idx) < length(keep)) {
    mm$y <- mm$y[idx]
    mm$X <- mm$X[idx, , drop = FALSE]
  }
  w <- if (is.null(w)) NULL else as.double(if (length(idx) < length(keep)) w[idx] else w)
  if (!is.null(cells) && length(idx) < length(cells$code)) cells$code <- cells$code[idx]
  raw <- raw_summary(mm$y, mm$X, w, mm$yname, cells, call, threads)
  # owned: X was built here and nothing else refers to it (demeaned in place)
  list(y = mm$y, X = mm$X, w = w, codes = codes, cl_codes = cl_codes, levels = levels,
       yname = mm$yname, obs = if (length(idx) < length(rows)) rows[idx] else rows, n_data = nrow(data), removed = removed, raw = raw,
       owned = TRUE)
}

# The value of each level of a fixed effect, in code order (NULL for
# interactions), so that periods can be ordered without the data.
fe_levels <- function(cols, codes) {
  if (length(cols) != 1L) return(NULL)
  cols[[1L]][cpp_first_rows(codes, n_levels(list(codes)))]
}

# Outcome vector and regressor matrix (no intercept) from the main formula.
# Plain numeric columns take a fast path; anything else goes through model.matrix().
# `cells` (see twfe_fit()): leading 0/1 regressors built from integer codes.
model_data <- function(main, d, call, cells = NULL, threads = 1L) {
  labels <- attr(stats::terms(main), "term.labels")
  lhs <- main[[2L]]
  is_cell <- labels %in% cells$names
  if (any(is_cell) && !all(is_cell[seq_len(sum(is_cell))])) {
    cli::cli_abort("Internal error: cell regressors must lead the formula.", call = call)
  }
  plain <- labels[!is_cell]
  cell_of <- match(labels, cells$names, nomatch = 0L)
  if (is.name(lhs) && all(plain %in% names(d)) &&
      all(vapply(d[c(as.character(lhs), plain)], is.numeric, TRUE))) {
    # one copy: each column written once into the matrix
    X <- cpp_model_matrix(unname(as.list(d)[plain]), cells$code %||% integer(), cell_of, nrow(d), threads)
    colnames(X) <- labels
    return(list(y = as.double(d[[as.character(lhs)]]), X = X, yname = as.character(lhs)))
  }
  if (any(is_cell)) {
    rest <- if (length(plain)) stats::reformulate(plain, response = lhs, env = environment(main))
            else stats::as.formula(call("~", lhs, 1), env = environment(main))
    mm <- model_data(rest, d, call)
    X <- cbind(cpp_model_matrix(list(), cells$code, cell_of[is_cell], nrow(d)), mm$X)
    colnames(X)[seq_len(sum(is_cell))] <- labels[is_cell]
    return(list(y = mm$y, X = X, yname = mm$yname))
  }
  mf <- stats::model.frame(main, data = d, na.action = stats::na.pass, drop.unused.levels = TRUE)
  y <- stats::model.response(mf)
  yname <- deparse1(main[[2L]])
  if (is.logical(y)) y <- as.numeric(y)
  if (!is.numeric(y) || is.matrix(y)) {
    abort_input("The outcome {.field {yname}} must be numeric, not {.cls {class(y)[1]}}.", call = call)
  }
  X <- stats::model.matrix(attr(mf, "terms"), mf)
  X <- X[, colnames(X) != "(Intercept)", drop = FALSE]
  storage.mode(X) <- "double"
  list(y = as.double(y), X = X, yname = yname)
}

# Rows without missing or infinite values; reports how many were dropped and why.
complete_rows <- function(mm, d, id_cols, threads = 1L) {
  keep <- cpp_finite_rows(mm$X, mm$y, threads)
  for (v in unique(id_cols)) if (anyNA(d[[v]])) keep <- keep & !is.na(d[[v]])
  n_bad <- length(keep) - sum(keep)
  if (n_bad > 0L) {
    counts <- vapply(names(d), function(v) sum(is.na(d[[v]]) | (is.numeric(d[[v]]) & is.infinite(d[[v]]))), 1L)
    counts <- counts[counts > 0]
    detail <- if (length(counts)) paste0(names(counts), " (", counts, ")", collapse = ", ") else "transformed values"
    note("Dropped {n_bad} row{?s} with missing or infinite values: {detail}.")
  }
  list(keep = keep, n_bad = n_bad)
}

# Rows (positions) to remove so that no fixed-effect level has a single row.
singleton_rows <- function(codes) {
  alive <- rep(TRUE, length(codes[[1L]]))
  repeat {
    single <- rep(FALSE, length(alive))
    for (cd in codes) {
      cnt <- tabulate(cd[alive] + 1L, nbins = max(cd) + 1L)
      single[alive] <- single[alive] | cnt[cd[alive] + 1L] == 1L
    }
    if (!any(single)) break
    alive <- alive & !single
  }
  which(!alive)
}

# Where the weights come from: `col` (a column, named by a one-sided formula
# or a string) or `values` (a vector with one value per row of `data`).
weight_spec <- function(weights, data, call) {
  if (is.null(weights)) return(list())
  if (inherits(weights, "formula") || (is.character(weights) && length(weights) == 1L)) {
    col <- if (is.character(weights)) weights[!is.na(weights)] else all.vars(weights)
    if (length(col) != 1L) abort_input("{.arg weights} must name one column, e.g. {.code ~pop}.", call = call)
    check_columns(data, col, "weights", call)
    if (!is.numeric(data[[col]])) abort_input("Weight column {.field {col}} must be numeric.", call = call)
    return(list(col = col))
  }
  if (!is.numeric(weights) || length(weights) != nrow(data)) {
    abort_input("{.arg weights} must be a one-sided formula or a numeric vector with one value per row of {.arg data} ({nrow(data)}).",
                call = call)
  }
  list(values = as.double(weights))
}

# One pass over the raw outcome and regressors of the sample. Values so large
# that their squares overflow cannot be estimated on: say so rather than call
# the column constant. Returns what a fit keeps of the raw columns: one 64-bit
# hash (as hex) per column of the outcome, the regressors and the weights
# (enough to tell later whether data are the data the fit was estimated on),
# which regressors are 0/1, and their weighted sums (reghdfe's `_cons`).
# Columns built from `cells` (see twfe_fit()) are not data: no hash, not kept
# raw, their sums from the codes.
raw_summary <- function(y, X, w, yname, cells, call, threads = 1L) {
  nc <- length(cells$names)
  s <- cpp_col_summary(y, X, ncol(X), w %||% numeric(), nc, threads)   # y first
  if (nc) s$wsum[1L + seq_len(nc)] <- cpp_code_sums(cells$code, nc, w %||% numeric())
  sy <- lapply(s, `[`, 1L)
  sx <- lapply(s, `[`, -1L)
  bad <- c(if (sy$maxabs > 1e150) yname, colnames(X)[sx$maxabs > 1e150])
  if (length(bad)) {
    abort_input(c("{.field {bad}} {cli::qty(length(bad))}ha{?s/ve} values above 1e150 in absolute value: their squares overflow.",
                  "i" = "{cli::qty(length(bad))}Rescale {?it/them} (e.g. divide by a power of 10) before estimating."), call = call)
  }
  plain <- seq_len(ncol(X)) > nc
  hash <- c(sy$hash, sx$hash[plain], if (!is.null(w)) cpp_hash_columns(w, 1L))
  names(hash) <- c(".y", colnames(X)[plain], if (!is.null(w)) ".weights")
  list(hash = hash, binary = stats::setNames(sx$binary, colnames(X)), wsum = stats::setNames(sx$wsum, colnames(X)))
}

# Weights far from 1 (below 1e-100 or above 1e100 on average) are divided by
# their mean: no estimate or standard error depends on their scale, but
# their squares would underflow or overflow.
rescale_weights <- function(w, keep) {
  m <- mean(w[keep])
  if (is.finite(m) && m > 0 && (m < 1e-100 || m > 1e100)) {
    note("Divided {.arg weights} by their mean ({format(m, digits = 3)}): their scale changes no estimate or standard error, but their squares would not be representable.")
    w <- w / m
  }
  w
}

# Weights of the rows that stay in the sample (rows leaving it for missing
# values may have any weight).
check_weights <- function(w, keep, call) {
  w <- w[keep]
  if (anyNA(w)) abort_input("{.arg weights} has {sum(is.na(w))} missing value{?s} on rows of the sample; weights must be given for every row used.",
                            call = call)
  if (any(is.infinite(w))) abort_input("{.arg weights} has {sum(is.infinite(w))} infinite value{?s}; weights must be finite.", call = call)
  if (any(w < 0)) abort_input("{.arg weights} has {sum(w < 0)} negative value{?s}; weights must be >= 0.", call = call)
  invisible(TRUE)
}

# ---- the sample a fit keeps -------------------------------------------------------------

# The estimation sample of a twfe() fit, from the fit alone: the outcome and
# regressors demeaned on the fit's fixed effects (`y`, `X`: kept regressors),
# the raw outcome `y_raw`, weights, fixed-effect and cluster codes, the rows
# of the data used (`obs`), the values of each fixed effect's levels and the
# raw 0/1 regressors (`binary`). Demeaned columns serve every verb that
# re-estimates on a subset of rows, or with finer fixed effects: projecting
# the raw columns or the demeaned ones on such fixed effects gives the same
# result, because the difference lies in the span of the fit's fixed effects.
fit_sample <- function(fit, call = caller_env()) {
  s <- fit$sample
  if (is.null(s)) {
    abort_input("{.arg fit} was made by an older version of pilotdid: estimate it again.", call = call)
  }
  list(y = drop(s$X %*% fit$coefficients) + fit$residuals, X = s$X, y_raw = s$y, w = fit$weights,
       codes = s$codes, cl_codes = s$cl_codes, levels = s$levels, binary = s$binary, obs = fit$obs,
       n_data = s$n_data, demeaned = TRUE)
}

# The data a fit was estimated on, for verbs that need columns the fit did
# not use: `data` when given, else the fit's `data` argument evaluated where
# the user called the verb; checked row by row against the fit's sample.
fit_data <- function(fit, data = NULL, env = caller_env(2L), call = caller_env()) {
  if (is.null(data)) {
    expr <- fit$data_name
    data <- if (is.null(expr)) NULL else tryCatch(eval(expr, env), error = function(e) NULL)
    if (!is.data.frame(data)) {
      abort_input(c("Cannot find the data of {.arg fit}.",
                    "i" = "Give it as {.arg data}: the data frame the fit was estimated on."), call = call)
    }
  }
  data <- check_data(data, call = call)
  check_fit_data(fit, data, call)
  data
}

# Stop when `data` is not the data `fit` was estimated on: same number of
# rows, and on the rows used the same outcome, fixed effects, weights and
# regressors (those that are columns of `data`).
check_fit_data <- function(fit, data, call = caller_env()) {
  s <- fit$sample
  changed <- function(what) {
    abort_input(c("{.arg data} is not the data {.arg fit} was estimated on: {what}.",
                  "i" = "Estimate the model again on the current data."),
                class = "pilotdid_error_data_changed", call = call)
  }
  if (nrow(data) != s$n_data) changed(sprintf("it has %d rows, the fit's data had %d", nrow(data), s$n_data))
  obs <- fit$obs
  for (k in seq_along(s$codes)) {
    vars <- split_fe_name(names(s$codes)[k])
    if (!all(vars %in% names(data))) changed(sprintf("the fixed effect %s is missing", names(s$codes)[k]))
    cd <- group_codes(lapply(as.list(data)[vars], `[`, obs))
    if (!identical(as.vector(cd), as.vector(s$codes[[k]]))) {
      changed(sprintf("the fixed effect %s differs", names(s$codes)[k]))
    }
  }
  lhs <- fit$formula[[2L]]
  y <- tryCatch(as.double(eval(lhs, as.list(data), environment(fit$formula) %||% baseenv())[obs]),
                error = function(e) NULL)
  if (is.null(y) || !identical(y, s$y)) changed(sprintf("the outcome %s differs", deparse1(lhs)))
  cols <- intersect(setdiff(names(s$hash), c(".y", ".weights")), names(data))
  cols <- cols[vapply(as.list(data)[cols], is.numeric, TRUE)]
  if (length(cols)) {
    h <- vapply(as.list(data)[cols], function(x) cpp_hash_columns(as.double(x[obs]), 1L), "")
    bad <- cols[h != s$hash[cols]]
    if (length(bad)) changed(sprintf("column%s %s differ%s", if (length(bad) > 1L) "s" else "",
                                     paste(bad, collapse = ", "), if (length(bad) > 1L) "" else "s"))
  }
  invisible(TRUE)
}
