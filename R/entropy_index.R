#' Entropy-weight composite index
#'
#' `entropy_index()` combines several indicators into one composite index with
#' weights from the entropy method, the way the new-quality-productivity (NQP)
#' index of pilot-policy studies is built (23 indicators in three dimensions in
#' Table 1 of the seed paper). Standardisation, entropies and scores run in
#' C++; the weights are objective: an indicator whose values are spread
#' unevenly over the rows carries more information and gets more weight.
#'
#' @section Formulas:
#' For indicator \eqn{j} and rows \eqn{i = 1, \dots, n}{i = 1, ..., n} (all
#' rows used, or the rows of one group of `by`), with \eqn{s} = `shift` and
#' the minimum and maximum taken over the same \eqn{n} rows:
#' * min–max standardisation, for a positive indicator
#'   \deqn{x'_{ij} = \frac{x_{ij} - \min_j}{\max_j - \min_j} + s}{x'[ij] = (x[ij] - min[j]) / (max[j] - min[j]) + s}
#'   and for a negative one (listed in `negative`)
#'   \deqn{x'_{ij} = \frac{\max_j - x_{ij}}{\max_j - \min_j} + s,}{x'[ij] = (max[j] - x[ij]) / (max[j] - min[j]) + s,}
#'   so \eqn{x'_{ij} \in [s, 1 + s]}{x'[ij] is in [s, 1 + s]};
#' * shares \eqn{p_{ij} = x'_{ij} / \sum_{i=1}^{n} x'_{ij}}{p[ij] = x'[ij] / sum_i x'[ij]};
#' * entropy \eqn{e_j = -\frac{1}{\ln n} \sum_{i=1}^{n} p_{ij} \ln p_{ij}}{e[j] = -(1 / ln n) sum_i p[ij] ln p[ij]},
#'   with \eqn{0 \ln 0 = 0}{0 ln 0 = 0} (zeros occur only with `shift = 0`);
#' * divergence \eqn{d_j = 1 - e_j}{d[j] = 1 - e[j]};
#' * weight \eqn{w_j = d_j / \sum_k d_k}{w[j] = d[j] / sum_k d[k]}, so the
#'   weights sum to 1;
#' * score \eqn{\mathrm{score}_i = \sum_j w_j x'_{ij}}{score[i] = sum_j w[j] x'[ij]},
#'   a number in \eqn{[s, 1 + s]}.
#'
#' With `groups`, the score of dimension \eqn{D} is
#' \eqn{\mathrm{score}_{iD} = \sum_{j \in D} w_j x'_{ij}}{score[iD] = sum over j in D of w[j] x'[ij]},
#' with the overall weights \eqn{w_j}{w[j]}: the dimension scores add up to
#' the total score, and the dimension's weight
#' \eqn{W_D = \sum_{j \in D} w_j}{W[D] = sum over j in D of w[j]} (shown by
#' `print()`) is its share of the index, the convention of the NQP
#' literature. To rank units on one dimension alone, divide its score by
#' \eqn{W_D}{W[D]}.
#'
#' @section Panel data:
#' The default, `by = NULL`, pools all rows: on a city-year panel the minimum,
#' maximum and shares are taken over all cities and years, and \eqn{n} is the
#' number of city-years. This is the paper's choice and also what the
#' literature calls the time-augmented panel entropy method (entropy method
#' "with a time variable": \eqn{r} years of \eqn{m} regions, minimum,
#' maximum and shares over all \eqn{r m} region-years, and
#' \eqn{k = 1/\ln(r m)}{k = 1 / ln(r m)} in place of \eqn{1/\ln n}{1 / ln n}),
#' so it needs no separate option (there is no `method = "panel"`): scores are
#' comparable across years because one set of weights and one scale is used
#' for all of them. `by = "year"` instead computes
#' separate weights, minimum and maximum in every year (the cross-sectional
#' method applied year by year); scores are then only comparable within a
#' year.
#'
#' @param data A data frame (a data.table or tibble works too), one row per
#'   unit (e.g. city-year).
#' @param indicators Names of the indicator columns (a character vector); all
#'   must be numeric.
#' @param negative Names of the indicators, among `indicators`, for which a
#'   larger value is worse (e.g. emissions); the others are positive.
#' @param groups Optional named list mapping dimension names to indicators,
#'   e.g. `list(labour = c("a", "b"), object = "c")`. Every indicator must be in
#'   exactly one group. Adds one score column per dimension.
#' @param by Optional name of a column (e.g. `"year"`): separate weights,
#'   minimum and maximum are computed within each of its values. `NULL` (the
#'   default) pools all rows.
#' @param shift The constant \eqn{s} added after standardisation so that no
#'   share is 0; a number \eqn{\ge 0}.
#' @param na What to do with rows that have a missing value in an indicator
#'   (or in `by`): `"fail"` (default) stops with an error listing the columns;
#'   `"omit"` drops the rows, says how many, and gives them `NA` scores.
#' @param threads Number of threads for the C++ core. Results do not depend on
#'   it.
#'
#' @return An object of class `pilotdid_entropy_index`, a list with
#'   * `weights`: a data frame with one row per indicator (per group of `by`,
#'     in a first column named after `by`): `indicator`, `dimension` (`NA`
#'     without `groups`), `direction` (`"positive"` or `"negative"`), `e`
#'     (entropy), `d` (divergence), `w` (weight), and `min`, `max` (the range
#'     used for standardisation);
#'   * `scores`: a data frame with one row per row of `data`: `score`, plus one
#'     column per dimension when `groups` is given (`NA` for rows dropped by
#'     `na = "omit"`);
#'   * `indicators`, `negative`, `groups`, `by`, `by_levels` (the values of
#'     `by`, or `NULL`), `shift`;
#'   * `nobs` (rows used), `n_by` (rows used per group of `by`), `obs` (row
#'     numbers of `data` used), `n_dropped` (rows dropped for missing values),
#'     `row_group` (the group of `by` of every row of `data`, as a position in
#'     `by_levels`; `NULL` without `by`) and `call`.
#' @family composite index
#' @seealso [predict.pilotdid_entropy_index()], [summary.pilotdid_entropy_index()],
#'   [tidy.pilotdid_entropy_index()], [autoplot.pilotdid_entropy_index()]
#' @export
#' @examples
#' set.seed(1)
#' d <- data.frame(city = rep(1:30, each = 5), year = rep(2015:2019, times = 30))
#' d$wage <- rlnorm(150, 10, 0.3)
#' d$students <- rpois(150, 40)
#' d$patents <- rlnorm(150, 4, 1)
#' d$broadband <- runif(150, 10, 90)
#' d$emissions <- rlnorm(150, 2, 0.5)
#' fit <- entropy_index(d, c("wage", "students", "patents", "broadband", "emissions"),
#'                      negative = "emissions",
#'                      groups = list(labour = c("wage", "students"),
#'                                    means = c("patents", "broadband", "emissions")))
#' fit
#' head(fit$scores)
#' d$nqp <- fit$scores$score
#'
#' # separate weights per year
#' by_year <- entropy_index(d, c("wage", "students", "patents"), by = "year")
#' tidy(by_year)
entropy_index <- function(data, indicators, negative = NULL, groups = NULL, by = NULL,
                          shift = 1e-4, na = c("fail", "omit"),
                          threads = getOption("pilotdid.threads", 1L)) {
  call <- match.call()
  na <- check_choice(na, c("fail", "omit"), "na")
  data <- check_data(data)
  spec <- entropy_spec(data, indicators, negative, groups, by, shift)
  threads <- resolve_threads(threads)
  smp <- entropy_sample(data, spec, na)
  fit <- entropy_fit(smp, spec, threads)
  fit$call <- call
  new_pilotdid_entropy_index(fit)
}

# Check and normalise the arguments that do not depend on the rows.
entropy_spec <- function(data, indicators, negative, groups, by, shift,
                         call = rlang::caller_env()) {
  if (!is.data.frame(data)) abort_input("{.arg data} must be a data frame.", call = call)
  check_names_arg(indicators, "indicators", call)
  if (length(indicators) == 0L) abort_input("{.arg indicators} must name at least one column.", call = call)
  check_no_duplicates(indicators, "indicators", call)
  check_columns(data, indicators, "indicators", call)
  bad <- indicators[!vapply(indicators, function(v) is.numeric(data[[v]]), TRUE)]
  if (length(bad)) {
    types <- vapply(bad, function(v) class(data[[v]])[1L], "")
    abort_input(c("Indicators must be numeric columns.",
                  "x" = "{.field {bad}} {?is/are} {.cls {types}}."), call = call)
  }
  negative <- negative %||% character()
  check_names_arg(negative, "negative", call)
  check_no_duplicates(negative, "negative", call)
  outside <- setdiff(negative, indicators)
  if (length(outside)) {
    abort_input("{.arg negative} must list indicators; {.field {outside}} {?is/are} not in {.arg indicators}.",
                call = call)
  }
  groups <- check_groups(groups, indicators, call)
  if (!is.null(by)) {
    if (!is.character(by) || length(by) != 1L || is.na(by)) {
      abort_input("{.arg by} must be the name of one column, e.g. {.code \"year\"}.", call = call)
    }
    check_columns(data, by, "by", call)
    if (by %in% indicators) abort_input("{.arg by} column {.field {by}} is also an indicator.", call = call)
    reserved <- c("indicator", "dimension", "direction", "e", "d", "w", "min", "max")
    if (by %in% reserved) {
      abort_input("{.arg by} column {.field {by}} clashes with a column of the weights table; rename it.",
                  call = call)
    }
    if (!is.atomic(data[[by]])) abort_input("{.arg by} column {.field {by}} must be an atomic vector.", call = call)
  }
  if (!is.numeric(shift) || length(shift) != 1L || !is.finite(shift) || shift < 0) {
    abort_input("{.arg shift} must be a single finite number >= 0.", call = call)
  }
  list(indicators = indicators, negative = negative, groups = groups, by = by,
       shift = as.double(shift))
}

check_names_arg <- function(x, arg, call) {
  if (!is.character(x) || anyNA(x) || any(!nzchar(x))) {
    abort_input("{.arg {arg}} must be a character vector of column names.", call = call)
  }
  invisible(TRUE)
}

check_no_duplicates <- function(x, arg, call) {
  dup <- unique(x[duplicated(x)])
  if (length(dup)) abort_input("{.field {dup}} {?is/are} listed twice in {.arg {arg}}.", call = call)
  invisible(TRUE)
}

# `groups` as a named list of character vectors partitioning the indicators.
check_groups <- function(groups, indicators, call) {
  if (is.null(groups)) return(NULL)
  nm <- names(groups)
  if (!is.list(groups) || length(groups) == 0L || is.null(nm) || anyNA(nm) || any(!nzchar(nm))) {
    abort_input(c("{.arg groups} must be a named list of indicator names.",
                  "i" = "For example {.code list(labour = c(\"wage\", \"students\"), means = \"patents\")}."),
                call = call)
  }
  check_no_duplicates(nm, "names(groups)", call)
  if ("score" %in% nm) abort_input("{.arg groups} cannot have a dimension named {.val score}.", call = call)
  for (g in nm) {
    members <- groups[[g]]
    if (!is.character(members) || length(members) == 0L || anyNA(members)) {
      abort_input("Dimension {.val {g}} of {.arg groups} must be a non-empty character vector of indicators.",
                  call = call)
    }
    outside <- setdiff(members, indicators)
    if (length(outside)) {
      abort_input("Dimension {.val {g}} of {.arg groups} lists {.field {outside}}, which {?is/are} not in {.arg indicators}.",
                  call = call)
    }
  }
  all_members <- unlist(groups, use.names = FALSE)
  dup <- unique(all_members[duplicated(all_members)])
  if (length(dup)) {
    where <- vapply(dup, function(v) {
      paste(nm[vapply(groups, function(m) v %in% m, TRUE)], collapse = ", ")
    }, "")
    abort_input(c("Each indicator must be in one dimension of {.arg groups}.",
                  "x" = "{.field {dup}} {?is/are} listed more than once (in {where})."), call = call)
  }
  missing <- setdiff(indicators, all_members)
  if (length(missing)) {
    abort_input(c("Each indicator must be in one dimension of {.arg groups}.",
                  "x" = "{.field {missing}} {?is/are} in no dimension."), call = call)
  }
  lapply(groups, as.character)
}

# Rows used, indicator columns as doubles, group codes of `by`.
entropy_sample <- function(data, spec, na, call = rlang::caller_env()) {
  n_all <- nrow(data)
  cols <- lapply(spec$indicators, function(v) data[[v]])
  names(cols) <- spec$indicators
  by_col <- if (!is.null(spec$by)) data[[spec$by]]
  checked <- c(cols, if (!is.null(spec$by)) stats::setNames(list(by_col), spec$by))
  has_na <- vapply(checked, anyNA, TRUE)
  obs <- seq_len(n_all)
  n_dropped <- 0L
  if (any(has_na)) {
    counts <- vapply(checked[has_na], function(x) sum(is.na(x)), 1L)
    detail <- paste0(names(counts), " (", counts, ")")
    if (na == "fail") {
      abort_input(c("Missing values in {.field {names(counts)}}.",
                    "x" = "Rows with NA: {detail}.",
                    "i" = "Use {.code na = \"omit\"} to drop these rows."), call = call)
    }
    bad <- Reduce(`|`, lapply(checked[has_na], is.na))
    obs <- which(!bad)
    n_dropped <- n_all - length(obs)
    note("Dropped {n_dropped} row{?s} with missing values in {.field {names(counts)}}.")
    cols <- lapply(cols, `[`, obs)
    if (!is.null(by_col)) by_col <- by_col[obs]
  }
  n <- length(obs)
  if (n < 2L) {
    abort_input("{.fn entropy_index} needs at least 2 rows, not {n}.", call = call)
  }
  cols <- lapply(cols, function(x) if (is.double(x)) x else as.double(x))
  by_levels <- NULL
  code <- integer()
  n_by <- n
  if (!is.null(by_col)) {
    by_levels <- sort(unique(by_col))
    code <- match(by_col, by_levels) - 1L
    n_by <- tabulate(code + 1L, nbins = length(by_levels))
    small <- n_by < 2L
    if (any(small)) {
      lv <- format(by_levels[small])
      abort_input(c("Every group of {.arg by} needs at least 2 rows.",
                    "x" = "{spec$by} = {lv} ha{?s/ve} 1 row."), call = call)
    }
    names(n_by) <- format(by_levels)
  }
  list(cols = cols, code = code, by_levels = by_levels, n_by = n_by, obs = obs, n_all = n_all,
       n_dropped = n_dropped)
}

# Ranges (checked here, in R), then entropies, weights and scores in C++.
entropy_fit <- function(smp, spec, threads, call = rlang::caller_env()) {
  G <- max(1L, length(smp$by_levels))
  K <- length(spec$indicators)
  rng <- cpp_entropy_range(smp$cols, smp$code, G, threads)
  check_ranges(rng, smp, spec, call)
  neg <- as.integer(spec$indicators %in% spec$negative)
  ew <- cpp_entropy_weights(smp$cols, smp$code, G, rng$min, rng$max, neg, spec$shift, threads)
  if (any(colSums(ew$d) <= 0)) {
    abort_input("Every indicator has entropy 1 (values spread evenly): the weights are not defined.",
                call = call)
  }
  weights <- data.frame(indicator = rep(spec$indicators, G),
                        dimension = rep(dimension_of(spec), G),
                        direction = rep(ifelse(neg == 1L, "negative", "positive"), G),
                        e = as.vector(ew$e), d = as.vector(ew$d), w = as.vector(ew$w),
                        min = as.vector(rng$min), max = as.vector(rng$max),
                        stringsAsFactors = FALSE)
  if (!is.null(spec$by)) {
    weights <- cbind(stats::setNames(data.frame(rep(smp$by_levels, each = K)), spec$by), weights)
  }
  scores <- entropy_scores(smp$cols, smp$code, G, weights, spec, threads)
  if (length(smp$obs) < smp$n_all) {
    scores <- as.data.frame(lapply(scores, function(s) {
      out <- rep(NA_real_, smp$n_all)
      out[smp$obs] <- s
      out
    }), optional = TRUE)
  }
  list(weights = weights, scores = scores, indicators = spec$indicators,
       negative = spec$negative, groups = spec$groups, by = spec$by,
       by_levels = smp$by_levels, shift = spec$shift, nobs = length(smp$obs),
       n_by = smp$n_by, obs = smp$obs, n_dropped = smp$n_dropped,
       row_group = entropy_row_group(smp))
}

# Group of `by` (1-based) of every row of `data`, NA for dropped rows; NULL when pooled.
entropy_row_group <- function(smp) {
  if (is.null(smp$by_levels)) return(NULL)
  out <- rep(NA_integer_, smp$n_all)
  out[smp$obs] <- smp$code + 1L
  out
}

# Infinite values show as infinite ranges; constant indicators as max == min.
check_ranges <- function(rng, smp, spec, call) {
  inf <- apply(!is.finite(rng$min) | !is.finite(rng$max), 1L, any)
  if (any(inf)) {
    bad <- spec$indicators[inf]
    counts <- vapply(smp$cols[inf], function(x) sum(is.infinite(x)), 1L)
    detail <- paste0(bad, " (", counts, ")")
    abort_input(c("Indicators must be finite.",
                  "x" = "Rows with infinite values: {detail}."), call = call)
  }
  const <- which(rng$max == rng$min, arr.ind = TRUE)
  if (nrow(const)) {
    bad <- spec$indicators[const[, 1L]]
    if (is.null(spec$by)) {
      abort_input(c("Indicator{?s} {.field {unique(bad)}} {?is/are} constant (max = min): {?its/their} weight is not defined.",
                    "i" = "{cli::qty(unique(bad))}Drop {?it/them} from {.arg indicators}."), call = call)
    }
    where <- paste0(bad, " in ", spec$by, " = ", format(smp$by_levels[const[, 2L]]))
    abort_input(c("Indicators must vary within every group of {.arg by}.",
                  "x" = "Constant (max = min): {where}."), call = call)
  }
  invisible(TRUE)
}

dimension_of <- function(spec) {
  if (is.null(spec$groups)) return(rep(NA_character_, length(spec$indicators)))
  owner <- rep(names(spec$groups), lengths(spec$groups))
  owner[match(spec$indicators, unlist(spec$groups, use.names = FALSE))]
}

# Scores of the rows in `cols` from a weights table (used for fitting and by predict()).
entropy_scores <- function(cols, code, G, weights, spec, threads) {
  K <- length(spec$indicators)
  shape <- function(v) matrix(as.double(v), nrow = K, ncol = G)
  neg <- as.integer(spec$indicators %in% spec$negative)
  dims <- names(spec$groups)
  dim_code <- if (length(dims)) match(dimension_of(spec), dims) - 1L else rep(-1L, K)
  out <- cpp_entropy_scores(cols, code, G, shape(weights$min), shape(weights$max),
                            shape(weights$w), neg, spec$shift, dim_code, length(dims), threads)
  scores <- data.frame(score = out$score)
  for (k in seq_along(dims)) scores[[dims[k]]] <- out$dims[[k]]
  scores
}

new_pilotdid_entropy_index <- function(x) {
  validate_pilotdid_entropy_index(structure(x, class = "pilotdid_entropy_index"))
}

validate_pilotdid_entropy_index <- function(x) {
  K <- length(x$indicators)
  G <- max(1L, length(x$by_levels))
  stopifnot(is.data.frame(x$weights), nrow(x$weights) == K * G,
            is.data.frame(x$scores), "score" %in% names(x$scores),
            all(names(x$groups) %in% names(x$scores)),
            length(x$obs) == x$nobs)
  x
}
