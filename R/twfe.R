#' Two-way (and multi-way) fixed-effects regression
#'
#' `twfe()` fits a linear model with any number of fixed-effect dimensions by
#' the within estimator, with iid, heteroskedasticity-robust or one- and
#' two-way cluster-robust standard errors. The fixed effects are projected out
#' in C++: exactly (by eliminating the largest dimension and solving the small
#' dense system of the others) when the other dimensions have few levels
#' together, as in city + year panels; otherwise iteratively (see "Fixed
#' effects").
#'
#' @section Fixed effects:
#' The largest dimension is always eliminated in closed form. When the other
#' dimensions have more than `getOption("pilotdid.max_exact", 400)` levels
#' together (a firm or an interacted firm-year effect beside the unit effect),
#' their coefficients are found by conjugate gradients on the system left
#' after that elimination, preconditioned by its diagonal; each iteration is
#' one pass over the data. It stops when the estimated relative root-mean-square
#' error of every demeaned column is below `getOption("pilotdid.tol", 1e-10)`;
#' the coefficients' error is of the order of its square, and standard errors
#' and residuals are accurate to about that tolerance. A warning says when
#' `getOption("pilotdid.maxit", 10000)` iterations were not enough.
#'
#' @section Standard errors:
#' With \eqn{X} the demeaned regressors, \eqn{e} the residuals, \eqn{w} the
#' weights, \eqn{B = (X'WX)^{-1}}, \eqn{n} the observations and \eqn{G} the
#' number of clusters:
#' * `"iid"`: \eqn{\hat\sigma^2 B} with \eqn{\hat\sigma^2 = \sum w_i e_i^2 / (n - K)};
#' * `"hetero"` (HC1): \eqn{\frac{n}{n-K} B (\sum_i w_i^2 e_i^2 x_i x_i') B};
#' * `"cluster"` (CR1): \eqn{\frac{G}{G-1}\frac{n-1}{n-K} B (\sum_g s_g s_g') B},
#'   \eqn{s_g = \sum_{i \in g} w_i e_i x_i}. Two-way clustering (Cameron,
#'   Gelbach and Miller) uses \eqn{V_a + V_b - V_{a \cap b}} with the factor
#'   \eqn{G_{min}/(G_{min}-1)} of the smaller dimension for all three terms.
#'
#' \eqn{K} counts the regressors kept, one intercept, and \eqn{G_q - 1} for
#' every fixed-effect dimension \eqn{q} that is not nested in a cluster
#' variable (a dimension is nested when each of its levels lies in a single
#' cluster; with two-way clustering, in either). Redundancies between
#' fixed effects beyond one per dimension are not searched for. These are the
#' defaults of `fixest::feols()` (`ssc(K.adj = TRUE, K.fixef = "nonnested",
#' G.adj = TRUE, G.df = "min", t.df = "min")`), so standard errors agree with
#' fixest. P-values and confidence intervals use the t distribution with
#' \eqn{G_{min} - 1} degrees of freedom when clustered and \eqn{n - K}
#' otherwise.
#'
#' @param formula A formula `y ~ x1 + x2 | fe1 + fe2`. The left side may be a
#'   function of a column (`log(y)`); the right side takes what [lm()] takes
#'   (`log(x)`, `I(x^2)`, `a:b`, `a*b`, factors, which become dummies). After the
#'   bar come one or more fixed effects: column names (numeric, factor or
#'   character), or interactions `a^b`.
#' @param data A data frame (a data.table or tibble works too).
#' @param cluster Cluster variable(s) for `vcov = "cluster"`: a one-sided
#'   formula (`~id`, or `~a + b` for two-way clustering) or column names. The
#'   default is the first fixed effect.
#' @param vcov Type of variance: `"cluster"` (default), `"hetero"` (HC1) or `"iid"`.
#' @param weights Optional observation weights: a one-sided formula naming a
#'   column (`~pop`) or a numeric vector with one value per row of `data`.
#'   Negative or missing weights are an error; rows with zero weight are dropped.
#' @param subset Optional rows to use: an expression evaluated in `data`
#'   (`year <= 2019`), a logical vector or row numbers.
#' @param drop_singletons If `TRUE`, observations alone in a fixed-effect level
#'   are dropped, repeatedly until none is left (the convention of Stata's
#'   reghdfe). They do not change the estimates but do change the degrees of
#'   freedom.
#' @param threads Number of threads for the C++ core.
#'
#' @return An object of class `pilotdid_twfe`, a list with `coefficients`,
#'   `vcov`, `residuals`, `fitted.values`, `nobs`, `n_clusters` (named, one per
#'   cluster dimension), `fe_sizes`, `r2`, `r2_within`, `adj_r2`, `rss`,
#'   `sigma`, `df_t` (degrees of freedom for tests), `K` (parameters counted in
#'   the small-sample factor), `vcov_type`, `cluster` (names), `removed` (a data
#'   frame of rows removed and why), `dropped_vars`, `obs` (the rows of `data`
#'   used), `formula`, `fe`, `call`, and `exact` (whether the within
#'   transformation was solved exactly).
#' @family estimators
#' @seealso [summary.pilotdid_twfe()], [update.pilotdid_twfe()], [tidy.pilotdid_twfe()]
#' @export
#' @examples
#' d <- simulate_panel(n_id = 50, n_t = 8, seed = 1)
#' fit <- twfe(y ~ treat + x1 + x2 | id + year, data = d)
#' fit
#' summary(fit)
#' twfe(y ~ treat + x1 | id + year, data = d, vcov = "hetero")
#' twfe(y ~ treat + x1 | id + year, data = d, cluster = ~ id + year)
twfe <- function(formula, data, cluster = NULL, vcov = c("cluster", "hetero", "iid"),
                 weights = NULL, subset = NULL, drop_singletons = FALSE,
                 threads = getOption("pilotdid.threads", 1L)) {
  call <- match.call()
  vcov <- match.arg(vcov)
  if (!is.data.frame(data)) abort_input("{.arg data} must be a data frame.")
  check_flag(drop_singletons, "drop_singletons")
  spec <- parse_fe_formula(formula)
  threads <- resolve_threads(threads)
  rows <- eval_subset(substitute(subset), data, parent.frame())
  smp <- twfe_sample(spec, data, rows, cluster, vcov, weights, drop_singletons)
  fit <- twfe_estimate(smp, vcov, threads)
  fit$call <- call
  fit$formula <- formula
  fit$cluster_default <- vcov == "cluster" && is.null(cluster)
  fit$args <- list(rows = rows, cluster = cluster, weights = weights, drop_singletons = drop_singletons)
  new_pilotdid_twfe(fit)
}

new_pilotdid_twfe <- function(x) structure(x, class = "pilotdid_twfe")

# Rows selected by `subset` (NULL = all rows), as positive row numbers.
eval_subset <- function(expr, data, env, call = caller_env()) {
  n <- nrow(data)
  if (is.null(expr)) return(seq_len(n))
  s <- eval(expr, data, env)
  if (is.null(s)) return(seq_len(n))
  if (is.logical(s) && length(s) == n) return(which(s))
  if (is.numeric(s) && all(!is.na(s)) && all(s >= 1 & s <= n)) return(sort(unique(as.integer(s))))
  abort_input("{.arg subset} must be a logical condition on {.arg data} or row numbers between 1 and {n}.",
              call = call)
}

# Build the estimation sample: outcome, regressors, weights, fixed-effect and
# cluster codes, after removing unusable rows (each removal reported).
twfe_sample <- function(spec, data, rows, cluster, vcov, weights, drop_singletons,
                        call = caller_env()) {
  fe_vars <- unique(unlist(spec$fe))
  cl_vars <- cluster_spec(cluster, spec, vcov, call)
  w_info <- weight_spec(weights, data, call)
  used <- unique(c(all.vars(spec$main), fe_vars, unlist(cl_vars), w_info$col))
  check_columns(data, all.vars(spec$main), "formula", call)
  check_columns(data, fe_vars, "formula", call)
  check_columns(data, unlist(cl_vars), "cluster", call)
  d <- as.list(data)[used]
  removed <- data.frame(reason = character(), n = integer())
  if (length(rows) < nrow(data)) {
    removed <- rbind(removed, data.frame(reason = "subset", n = nrow(data) - length(rows)))
    d <- lapply(d, `[`, rows)
  }
  d <- structure(d, class = "data.frame", row.names = c(NA_integer_, -length(rows)))
  w <- if (!is.null(w_info$values)) w_info$values[rows] else if (!is.null(w_info$col)) d[[w_info$col]]
  mm <- model_data(spec$main, d, call)
  ok <- complete_rows(mm, d, c(fe_vars, unlist(cl_vars), w_info$col))
  if (!is.null(w)) check_weights(w, ok, call)
  keep <- ok$keep
  if (!is.null(w) && any(w[keep] == 0)) {
    nz <- sum(w[keep] == 0)
    note("Dropped {nz} row{?s} with zero weight.")
    removed <- rbind(removed, data.frame(reason = "zero weight", n = nz))
    keep <- keep & w != 0
  }
  if (ok$n_bad > 0L) removed <- rbind(removed, data.frame(reason = "missing values", n = ok$n_bad))
  idx <- which(keep)
  all_rows <- length(idx) == length(keep)
  pick <- function(x) if (all_rows) x else x[idx]
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
    if (!is.na(same)) codes[[same]] else group_codes(lapply(d[v], `[`, idx))
  })
  names(cl_codes) <- vapply(cl_vars, paste, character(1), collapse = "^")
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
  list(y = mm$y, X = mm$X, w = if (is.null(w)) NULL else as.double(w[idx]),
       codes = codes, cl_codes = cl_codes, yname = mm$yname, obs = rows[idx],
       removed = removed)
}

# Outcome vector and regressor matrix (no intercept) from the main formula.
# Plain numeric columns take a fast path; anything else goes through model.matrix().
model_data <- function(main, d, call) {
  labels <- attr(stats::terms(main), "term.labels")
  lhs <- main[[2L]]
  if (is.name(lhs) && all(labels %in% names(d)) &&
      all(vapply(d[c(as.character(lhs), labels)], is.numeric, TRUE))) {
    X <- do.call(cbind, lapply(d[labels], as.double))
    colnames(X) <- labels
    return(list(y = as.double(d[[as.character(lhs)]]), X = X, yname = as.character(lhs)))
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
complete_rows <- function(mm, d, id_cols) {
  keep <- cpp_finite_rows(mm$X, mm$y)
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

cluster_spec <- function(cluster, spec, vcov, call) {
  if (vcov != "cluster") {
    if (!is.null(cluster)) note("{.arg cluster} is ignored because {.code vcov = \"{vcov}\"}.")
    return(list())
  }
  if (is.null(cluster)) return(list(spec$fe[[1L]]))
  cols <- formula_columns(cluster, "cluster", call)
  if (length(cols) > 2L) {
    abort_input("{.arg cluster} takes one or two variables, not {length(cols)}.", call = call)
  }
  as.list(cols)
}

weight_spec <- function(weights, data, call) {
  if (is.null(weights)) return(list())
  if (inherits(weights, "formula")) {
    col <- all.vars(weights)
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

check_weights <- function(w, ok, call) {
  if (anyNA(w)) abort_input("{.arg weights} has {sum(is.na(w))} missing value{?s}; weights must be given for every row.",
                            call = call)
  if (any(w < 0)) abort_input("{.arg weights} has {sum(w < 0)} negative value{?s}; weights must be >= 0.", call = call)
  invisible(TRUE)
}
