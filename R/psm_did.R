#' Propensity-score matching DID (PSM-DID)
#'
#' `psm_did()` matches treated and control observations on a logit propensity
#' score, reports covariate balance before and after matching, and re-estimates
#' the DID of [twfe()] on the matched sample (or on the common support). It does
#' in one call what Stata users do with `psmatch2` + `pstest` and R users with
#' MatchIt + cobalt, then stitching the result back into the panel.
#'
#' @section Propensity score and matching:
#' The score is the logit of `treat` on the covariates (with an intercept),
#' fitted by [glm.fit()], so it equals `glm(family = binomial)`'s fitted values.
#' With `match_within = "pooled"` one model is fitted on the stacked panel rows and the
#' rows are matched across all periods; with `match_within = "period"` a model is fitted
#' and rows are matched separately within each period ("逐年匹配").
#'
#' Matching is greedy nearest-neighbour matching on the distance (the score, or
#' its logit with `caliper_scale = "logit"`), the rule of
#' `MatchIt::matchit(method = "nearest")`: treated rows are visited in `order`
#' (`"largest"` score first, the default, `"smallest"`, `"data"` order, or
#' `"random"` under `seed`), and each takes the closest available control; with
#' `ratio = k`, every treated row gets its first control in that order, then
#' every treated row its second, and so on. On equal gaps the control with the
#' lower score is taken; among controls sharing a score, the one met first when
#' searching outwards from the treated row in the rows sorted by score (ties in
#' row order). Without replacement, a control is used once; with
#' replacement, it can serve several treated rows but never the same one twice.
#' With a `caliper`, a treated row is only matched to controls whose distance is
#' within `caliper` standard deviations of the distance (computed over the
#' treated and control rows being matched, as MatchIt's `std.caliper = TRUE`);
#' treated rows without such a control stay unmatched. `caliper_scale = "logit"`
#' matches on the logit of the score and sets the caliper in standard deviations
#' of the logit (the 0.2-SD rule of Austin, 2011), as MatchIt with
#' `link = "linear.logit"`. For the same scores, order and caliper the matched
#' pairs are those of MatchIt's nearest-neighbour algorithm; the matching runs
#' in C++ in \eqn{O(N \log N)}.
#'
#' @section Weights and the two samples:
#' Matching weights follow MatchIt: matched treated rows get 1; each control gets
#' \eqn{1/k} from every treated row it is matched to, \eqn{k} being that treated
#' row's number of controls; control weights are then scaled to sum to the
#' number of distinct matched controls (with `match_within = "period"`, over all
#' periods together). Unmatched rows get 0.
#'
#' * `sample = "matched"` (default) re-estimates the DID on the matched rows with
#'   these weights. With 1:1 matching without replacement this is the matched
#'   pairs, at most twice the number of treated rows.
#' * `sample = "support"` re-estimates it, unweighted, on every row on the
#'   common support: all controls and the treated rows whose score lies within
#'   the range of the controls' scores (in their period with `match_within =
#'   "period"`); with a caliper, treated rows without a control within it are
#'   off support too. This is the `psmatch2 ..., common` + `reg ... if _support`
#'   habit, which keeps nearly the whole panel: the paper's Table 5 column 1
#'   reports N = 3050 of 3052 after 1:1 matching without replacement, which only
#'   the support sample can give (1:1 matched pairs would be at most twice the
#'   number of treated rows).
#'
#' The balance table always describes the matched sample.
#'
#' @section Sampling weights:
#' `weights` are sampling weights, used as `MatchIt::matchit(s.weights = )`
#' uses them: the propensity score is the weighted logit (MatchIt's
#' `distance = "glm"` fits it with the sampling weights as `glm()` weights);
#' the matching itself, the caliper's standard deviation and the matching
#' weights do not use them; the balance statistics weight the means and
#' variances before matching by the sampling weights and the means after
#' matching by the matching weights times the sampling weights (MatchIt's
#' `summary()`); and the DID is re-estimated with the matching weights times
#' the sampling weights (`sample = "matched"`) or the sampling weights
#' (`sample = "support"`), as MatchIt's documentation advises for estimation
#' after matching with sampling weights. Rows with weight 0 take part in the
#' matching (they can be matched, without influence on the score model), as
#' in MatchIt, and drop out of the DID regression, with a note. Every option
#' of `psm_did()` works with weights. The score model is fitted with the
#' weights scaled to mean 1 within each matching cell: the model does not
#' depend on their scale, but `glm()`'s starting values do (with very large
#' weights it does not converge). MatchIt, fitting with the weights as
#' given, stops within `glm()`'s convergence tolerance of this fit (scores
#' about 1e-9 apart); with weights of mean 1 the two are the same computation.
#'
#' @section Balance:
#' For each covariate (each column of its model matrix), the mean among treated
#' and controls before and after matching, the standardized bias
#' \deqn{B = 100 \frac{\bar x_t - \bar x_c}{\sqrt{(s^2_t + s^2_c)/2}},}
#' where after matching the means are weighted by the matching weights and the
#' variances \eqn{s^2} stay those of the unmatched sample (as Stata's `pstest`
#' and cobalt do), the reduction \eqn{100(1 - |B_{after}|/|B_{before}|)}, and the
#' p-value of the t-test of equal means: the weighted regression of the
#' covariate on `treat` (`lm(x ~ treat, weights = )`; with the matching weights,
#' which sum to the number of matched rows, pstest's regression with importance
#' weights). With sampling weights, the means and the variances \eqn{s^2} (of the
#' unmatched sample) are weighted by them, with reliability weights'
#' denominators \eqn{\sum w - \sum w^2 / \sum w} (MatchIt's `summary()` with
#' `s.weights` and pooled standard deviations, those it uses for the ATE; with
#' unit weights \eqn{n - 1}); the means and t-tests after
#' matching use the matching weights times the sampling weights. For 0/1
#' covariates the variances are the same sample variances, as in `pstest`
#' (MatchIt and cobalt use \eqn{p(1 - p)} there). The overall table gives
#' McFadden's pseudo-R² of a logit of `treat` on the covariates before and
#' after matching (weighted, the weights scaled to sum to the number of rows
#' used), its likelihood-ratio test, and the mean and median absolute bias.
#'
#' @inheritParams twfe
#' @param formula The [twfe()] formula of the DID, e.g.
#'   `y ~ did + x1 + x2 | id + year`.
#' @param treat The group indicator used for matching (1 = treated group, e.g.
#'   ever-treated cities; 0 = controls): a column name or a one-sided formula
#'   (`~treated`). Logical columns are accepted.
#' @param covariates The matching variables: a one-sided formula (`~ x1 +
#'   log(x2)`) or column names. By default, the terms of the formula's
#'   regressors except the policy term(s): a term is taken for the policy
#'   dummy when it is 0/1 and equal to 0 in every control row (`did`,
#'   `treat:post`).
#' @param ratio Number of controls per treated row.
#' @param replace Match with replacement?
#' @param caliper `NULL` (no caliper) or a positive number of standard
#'   deviations of the distance.
#' @param caliper_scale `"score"` to match on the propensity score, `"logit"`
#'   to match on its logit; the caliper is in standard deviations of that scale.
#' @param order Order in which treated rows are matched: `"largest"` score
#'   first (MatchIt's default), `"smallest"`, `"data"` or `"random"`.
#' @param match_within `"pooled"` to match the stacked panel rows, `"period"` to match
#'   within each period of `time`.
#' @param time The period column for `match_within = "period"` (a name or one-sided
#'   formula); by default the formula's second fixed effect.
#' @param sample `"matched"` or `"support"`; see the section on the two samples.
#' @param seed Random seed for `order = "random"` (`NULL` uses the current
#'   stream); the user's stream is restored afterwards.
#' @param cluster Cluster variable(s) of the DID, as in [twfe()]; `NULL`
#'   clusters by the first fixed effect.
#' @param weights Optional sampling weights: a one-sided formula naming a
#'   column (`~pop`), the column's name or a numeric vector with one value per
#'   row of `data`; see the section on sampling weights. Missing, negative or
#'   infinite weights on rows used in the matching are an error (rows left out
#'   of it, by `subset` or for missing values, may have any weight).
#' @param subset Optional rows to use, as in [twfe()]: an expression evaluated
#'   in `data` (`year <= 2019`), a logical vector or row numbers. Rows outside
#'   it are neither matched nor used in the DID; the results refer to rows of
#'   `data` (the same matches and estimates as on `data[subset, ]`).
#' @param level Deprecated name of `match_within` (`level` is a confidence
#'   level in every other verb); still accepted, with a warning.
#'
#' @return An object of class `pilotdid_psm_did`, a list with
#'   * `matched`: the matched rows of `data` (all its columns, row names kept)
#'     with `subclass` (the matched set; `NA` with replacement, where sets
#'     overlap), `weights` and `pscore`;
#'   * `fit`: the [twfe()] fit on the matched sample or the common support;
#'   * `balance`: the balance table, one row per covariate: `covariate`,
#'     `mean_treated_before`, `mean_control_before`, `bias_before`,
#'     `mean_treated_after`, `mean_control_after`, `bias_after`, `reduction`,
#'     `p_before`, `p_after`;
#'   * `overall`: one row per sample (`Unmatched`, `Matched`): `pseudo_r2`,
#'     `lr_chi2`, `df`, `p_value`, `mean_bias`, `median_bias`, `n_treated`,
#'     `n_control`;
#'   * `scores`: one row per row of `data` used in matching: `row`, `cell` (the
#'     period, or `"pooled"`), `treat`, `pscore`, `distance`, `weights`,
#'     `subclass`, `support`, `sampling_weights` (1 without `weights`);
#'   * `match_matrix`: an integer matrix with one row per treated row and
#'     `ratio` columns, the row numbers (in `data`) of its controls in the order
#'     they were matched (`NA`: none); row names are the treated rows' numbers;
#'   * `counts`: treated, controls, matched treated, matched controls,
#'     unmatched treated, treated off support;
#'   * `caliper_width`: the caliper on the distance scale, per cell;
#'   * `score_models`: the score model's coefficients per cell;
#'   * `settings` and `call`.
#' @family PSM-DID
#' @seealso [balance()], [autoplot.pilotdid_psm_did()], [psm_plot_data()]
#' @references Austin, P. C. (2011). Optimal caliper widths for propensity-score
#'   matching when estimating differences in means and differences in
#'   proportions in observational studies. *Pharmaceutical Statistics* 10(2),
#'   150-161.
#' @export
#' @examples
#' d <- simulate_panel(n_id = 60, n_t = 6, seed = 1)
#' d$ever <- as.integer(!is.na(d$cohort))
#' res <- psm_did(y ~ treat + x1 + x2 | id + year, data = d, treat = ~ever)
#' res
#' balance(res)
#' psm_did(y ~ treat + x1 + x2 | id + year, data = d, treat = ~ever,
#'         caliper = 0.2, caliper_scale = "logit", sample = "support")
#' psm_did(y ~ treat + x1 + x2 | id + year, data = d, treat = ~ever,
#'         match_within = "period", ratio = 2, replace = TRUE)
#' # sampling weights, from 2010 on
#' d$pop <- 1 + d$id %% 3
#' psm_did(y ~ treat + x1 + x2 | id + year, data = d, treat = ~ever,
#'         weights = ~pop, subset = year >= 2010)
psm_did <- function(formula, data, treat, covariates = NULL, ratio = 1, replace = FALSE,
                    caliper = NULL, caliper_scale = c("score", "logit"),
                    order = c("largest", "smallest", "data", "random"),
                    match_within = c("pooled", "period"), time = NULL,
                    sample = c("matched", "support"), seed = NULL, cluster = NULL,
                    weights = NULL, subset = NULL,
                    threads = getOption("pilotdid.threads", 1L), level = NULL) {
  call <- match.call()
  caliper_scale <- match.arg(caliper_scale)
  order <- match.arg(order)
  match_within <- psm_match_within(match_within, level)
  sample <- match.arg(sample)
  data <- check_data(data)
  spec <- parse_fe_formula(formula)
  threads <- resolve_threads(threads)
  opts <- psm_options(ratio, replace, caliper, seed, caliper_scale, order, match_within, sample)
  data <- as.data.frame(data)
  clash <- intersect(c("subclass", "weights", "pscore"), names(data))
  if (length(clash)) {
    abort_input(c("{.arg data} already has {cli::qty(clash)}column{?s} {.field {clash}}.",
                  "i" = "{.fn psm_did} adds {.field subclass}, {.field weights} and {.field pscore} to the matched rows: rename {cli::qty(clash)}{?it/them} first."))
  }
  if (missing(treat)) abort_input("{.arg treat} is missing: name the group indicator, e.g. {.code treat = ~treated}.")
  check_columns(data, formula_columns(cluster, "cluster"), "cluster")
  in_subset <- eval_subset(substitute(subset), data, parent.frame())
  ms <- psm_sample(spec, data, in_subset, treat, covariates, match_within, time, weights)
  sc <- psm_scores(ms, opts)
  mt <- psm_match(ms, sc, opts, threads)
  sup <- psm_support(ms, sc, mt, opts)
  sw <- ms$w %||% rep(1, length(ms$treat))
  scores <- data.frame(row = ms$rows, cell = ms$cell_labels[ms$cell + 1L], treat = ms$treat,
                       pscore = sc$pscore, distance = sc$distance, weights = mt$weights,
                       subclass = mt$subclass, support = sup, sampling_weights = sw)
  bal <- balance_table(ms$X, ms$treat, mt$weights, ms$w)
  overall <- balance_overall(ms$X, ms$treat, mt$weights, bal, sc$pooled_fit, ms$w)
  keep <- mt$weights > 0
  matched <- data[ms$rows[keep], , drop = FALSE]
  matched$subclass <- mt$subclass[keep]
  matched$weights <- mt$weights[keep]
  matched$pscore <- sc$pscore[keep]
  # the DID: matching weights times sampling weights (MatchIt's advice with
  # s.weights), or the sampling weights alone on the common support
  used <- if (opts$sample == "matched") keep else sup
  w_fit <- if (opts$sample == "matched") mt$weights[keep] * sw[keep] else ms$w[sup]
  rows <- ms$rows[used]
  fit <- twfe(formula, data = if (opts$sample == "matched") matched else data[rows, , drop = FALSE],
              cluster = cluster, weights = w_fit, threads = threads)
  fit <- adopt_fit(fit, rows[fit$obs], data, call$data)
  counts <- c(treated = sum(ms$treat == 1), controls = sum(ms$treat == 0),
              matched_treated = sum(keep & ms$treat == 1), matched_controls = sum(keep & ms$treat == 0),
              unmatched_treated = sum(!keep & ms$treat == 1), off_support = sum(!sup))
  opts$treat <- ms$treat_name
  opts$covariates <- colnames(ms$X)
  opts$time <- ms$time_name
  opts$weights <- ms$w_name
  new_pilotdid_psm_did(list(matched = matched, fit = fit, balance = bal, overall = overall,
                        scores = scores, match_matrix = mt$match_matrix, counts = counts,
                        caliper_width = sc$caliper_width, score_models = sc$models,
                        settings = opts, call = call))
}

# `match_within`, or the deprecated `level = "pooled"/"period"` of earlier versions.
psm_match_within <- function(match_within, level, call = caller_env()) {
  if (!is.null(level)) {
    if (!is.character(level) || length(level) != 1L || !level %in% c("pooled", "period")) {
      abort_input("{.arg level} of {.fn psm_did} is deprecated: use {.arg match_within} = {.val pooled} or {.val period}.",
                  call = call)
    }
    cli::cli_warn(c("{.arg level} of {.fn psm_did} is deprecated; use {.code match_within = \"{level}\"}.",
                    "i" = "{.arg level} is a confidence level in every other verb."),
                  class = c("pilotdid_deprecated", "pilotdid_warning"))
    return(level)
  }
  check_choice(match_within, c("pooled", "period"), "match_within", call)
}

new_pilotdid_psm_did <- function(x) {
  validate_pilotdid_psm_did(structure(x, class = "pilotdid_psm_did"))
}

validate_pilotdid_psm_did <- function(x) {
  stopifnot(is.data.frame(x$matched), inherits(x$fit, "pilotdid_twfe"),
            is.data.frame(x$balance), is.data.frame(x$scores),
            nrow(x$match_matrix) == x$counts[["treated"]])
  x
}

# Validated matching options (one list, passed to every step).
psm_options <- function(ratio, replace, caliper, seed, caliper_scale, order, match_within, sample,
                        call = rlang::caller_env()) {
  ratio <- check_count(ratio, "ratio", call = call)
  if (!is.logical(replace) || length(replace) != 1L || is.na(replace)) {
    abort_input("{.arg replace} must be TRUE or FALSE.", call = call)
  }
  if (!is.null(caliper)) {
    if (!is.numeric(caliper) || length(caliper) != 1L || is.na(caliper) || !is.finite(caliper)) {
      abort_input("{.arg caliper} must be a single positive number (standard deviations of the distance) or NULL.",
                  call = call)
    }
    if (caliper <= 0) {
      abort_input(c("{.arg caliper} must be positive, not {caliper}.",
                    "i" = "It is a width in standard deviations of the distance, e.g. {.code caliper = 0.2}; use NULL for no caliper."),
                  call = call)
    }
  }
  if (!is.null(seed) && (!is.numeric(seed) || length(seed) != 1L || is.na(seed))) {
    abort_input("{.arg seed} must be a single number or NULL.", call = call)
  }
  list(ratio = ratio, replace = replace, caliper = caliper, seed = seed,
       caliper_scale = caliper_scale, order = order, match_within = match_within, sample = sample)
}

# The matching sample: treatment, covariate matrix, cells (periods), sampling
# weights, and the rows of `data` they come from: rows `rows` (of `subset`)
# without missing values.
psm_sample <- function(spec, data, rows, treat, covariates, match_within, time, weights,
                       call = rlang::caller_env()) {
  w_info <- weight_spec(weights, data, call)
  sw <- w_info$values %||% if (!is.null(w_info$col)) as.double(data[[w_info$col]])
  subsetted <- !identical(rows, seq_len(nrow(data)))
  if (subsetted) {
    data <- data[rows, , drop = FALSE]
    sw <- sw[rows]
  }
  treat_name <- formula_columns(treat, "treat", call)
  if (length(treat_name) != 1L) abort_input("{.arg treat} must name one column.", call = call)
  check_columns(data, treat_name, "treat", call)
  tr <- check_treat(data[[treat_name]], treat_name, call)
  cov_formula <- covariate_formula(covariates, spec, data, tr, call)
  X <- covariate_matrix(cov_formula, data, call)
  time_name <- NULL
  cell_values <- rep("pooled", nrow(data))
  if (match_within == "period") {
    time_name <- time_column(time, spec, call)
    check_columns(data, time_name, "time", call)
    cell_values <- data[[time_name]]
  } else if (!is.null(time)) {
    note("{.arg time} is ignored with {.code match_within = \"pooled\"}.")
  }
  ok <- !is.na(tr) & rowSums(!is.finite(X)) == 0 & !is.na(cell_values)
  if (any(!ok)) report_missing(ok, tr, X, cell_values, treat_name, time_name)
  used <- which(ok)
  tr <- tr[used]
  X <- X[used, , drop = FALSE]
  if (!any(tr == 1) || !any(tr == 0)) {
    abort_input(c("{.arg treat} ({.field {treat_name}}) must have both treated (1) and control (0) rows; it has only {if (any(tr == 1)) 'treated' else if (any(tr == 0)) 'control' else 'no'} rows.",
                  "i" = if (subsetted) "{.arg subset} selects {length(rows)} row{?s}, {sum(ok)} of them with complete values." else NULL),
                call = call)
  }
  sw <- psm_weights(sw, ok, tr, call)
  sds <- apply(X, 2L, function(x) max(x) - min(x))
  if (any(sds == 0)) {
    const <- colnames(X)[sds == 0]
    abort_input(c("{cli::qty(const)}Covariate{?s} {.field {const}} {?is/are} constant in the matching sample: {?it carries/they carry} no information for the propensity score.",
                  "i" = "Remove {cli::qty(const)}{?it/them} from {.arg covariates}."), call = call)
  }
  cell <- group_codes(list(cell_values[used]))
  labels <- as.character(cell_values[used])[match(seq_len(max(cell) + 1L) - 1L, cell)]
  list(rows = rows[used], treat = tr, X = X, cell = cell, cell_labels = labels, w = sw,
       treat_name = treat_name, time_name = time_name,
       w_name = w_info$col %||% if (!is.null(sw)) "(vector)")
}

# Sampling weights of the matching rows `ok` (NULL without weights), checked as
# twfe() checks them (rows left out may have any weight), with some positive
# weight among the treated and among the controls; `tr` the treatment of those rows.
psm_weights <- function(w, ok, tr, call) {
  if (is.null(w)) return(NULL)
  check_weights(w, ok, call)
  w <- rescale_weights(w, ok)[ok]
  if (!any(w > 0)) abort_input("{.arg weights} are all zero on the rows used.", call = call)
  for (g in c("treated", "control")) {
    if (!any(w[tr == (g == "treated")] > 0)) {
      abort_input("{.arg weights} are zero on every {g} row: the propensity score cannot be estimated.",
                  call = call)
    }
  }
  w
}

check_treat <- function(x, name, call) {
  if (is.logical(x)) x <- as.integer(x)
  bad <- !is.na(x) & !(x %in% c(0, 1))
  if (!is.numeric(x) || any(bad)) {
    vals <- if (is.numeric(x)) unique(x[bad]) else unique(x[!is.na(x)])
    vals <- utils::head(vals, 5L)
    abort_input(c("{.arg treat} ({.field {name}}) must be 0/1 (1 = treated group).",
                  "x" = "Found {.val {vals}}."), call = call)
  }
  as.integer(x)
}

# Covariates as a one-sided formula: given, or the formula's non-policy terms.
covariate_formula <- function(covariates, spec, data, tr, call) {
  env <- environment(spec$main)
  if (inherits(covariates, "formula")) {
    rhs <- covariates[[length(covariates)]]
    f <- stats::as.formula(call("~", rhs), env = environment(covariates))
    check_columns(data, all.vars(f), "covariates", call)
    return(f)
  }
  if (is.character(covariates)) {
    if (!length(covariates)) abort_input("{.arg covariates} is empty.", call = call)
    check_columns(data, covariates, "covariates", call)
    return(stats::reformulate(covariates, env = env))
  }
  if (!is.null(covariates)) {
    abort_input("{.arg covariates} must be a one-sided formula such as {.code ~ x1 + x2} or column names.",
                call = call)
  }
  check_columns(data, all.vars(spec$main), "formula", call)
  labels <- attr(stats::terms(spec$main), "term.labels")
  policy <- vapply(labels, is_policy_term, TRUE, data = data, tr = tr, env = env)
  if (all(policy)) {
    abort_input(c("The formula has no control variable to match on.",
                  "i" = "Give the matching variables in {.arg covariates}, e.g. {.code covariates = ~ x1 + x2}."),
                call = call)
  }
  note("Matching on {.field {labels[!policy]}}: the formula's regressors except {.field {labels[policy]}}.")
  stats::reformulate(labels[!policy], env = env)
}

# A term is the policy dummy when all its columns are 0/1 and 0 for every control.
is_policy_term <- function(label, data, tr, env) {
  mf <- stats::model.frame(stats::reformulate(label, env = env), data, na.action = stats::na.pass)
  m <- stats::model.matrix(attr(mf, "terms"), mf)
  m <- m[, colnames(m) != "(Intercept)", drop = FALSE]
  ctrl <- !is.na(tr) & tr == 0
  all(is.na(m) | m == 0 | m == 1) && all(m[ctrl, ] == 0, na.rm = TRUE)
}

covariate_matrix <- function(f, data, call) {
  mf <- stats::model.frame(f, data, na.action = stats::na.pass)
  X <- stats::model.matrix(attr(mf, "terms"), mf)
  X <- X[, colnames(X) != "(Intercept)", drop = FALSE]
  if (nrow(X) != nrow(data)) {
    abort_input("Could not build the covariate matrix on every row of {.arg data}.", call = call)
  }
  if (!ncol(X)) abort_input("{.arg covariates} has no variable.", call = call)
  storage.mode(X) <- "double"
  X
}

time_column <- function(time, spec, call) {
  if (!is.null(time)) {
    v <- formula_columns(time, "time", call)
    if (length(v) != 1L) abort_input("{.arg time} must name one column.", call = call)
    return(v)
  }
  if (length(spec$fe) < 2L || length(spec$fe[[2L]]) != 1L) {
    abort_input(c("{.code match_within = \"period\"} needs the period column.",
                  "i" = "Give it in {.arg time}, e.g. {.code time = ~year}."), call = call)
  }
  spec$fe[[2L]]
}

report_missing <- function(ok, tr, X, cell, treat_name, time_name) {
  counts <- c(stats::setNames(sum(is.na(tr)), treat_name), colSums(!is.finite(X)))
  if (!is.null(time_name)) counts <- c(counts, stats::setNames(sum(is.na(cell)), time_name))
  counts <- counts[counts > 0]
  detail <- paste0(names(counts), " (", counts, ")", collapse = ", ")
  note("Left {sum(!ok)} row{?s} with missing or infinite values out of the matching: {detail}.")
}

# Logit propensity score per cell (glm.fit, so equal to glm()'s fitted values;
# weighted by the sampling weights as MatchIt's s.weights, scaled to mean 1 in
# the cell: glm()'s starting values depend on their scale, and fail to
# converge with very large weights), the matching distance and the caliper
# width on its scale (unweighted SD, as MatchIt's).
psm_scores <- function(ms, opts) {
  n_cells <- length(ms$cell_labels)
  pscore <- lp <- rep(NA_real_, length(ms$treat))
  width <- rep(Inf, n_cells)
  models <- vector("list", n_cells)
  names(width) <- names(models) <- ms$cell_labels
  skipped <- character()
  for (g in seq_len(n_cells)) {
    idx <- which(ms$cell == g - 1L)
    y <- ms$treat[idx]
    w <- if (!is.null(ms$w)) ms$w[idx] / mean(ms$w[idx])
    pos <- if (is.null(w)) y else y[w > 0]
    if (!any(pos == 1) || !any(pos == 0)) {
      skipped <- c(skipped, ms$cell_labels[g])
      next
    }
    fit <- fit_logit(ms$X[idx, , drop = FALSE], y, ms$cell_labels[g], w)
    pscore[idx] <- fit$fitted.values
    lp[idx] <- fit$linear.predictors
    models[[g]] <- fit$coefficients
    rank <- fit$rank
    d <- if (opts$caliper_scale == "logit") lp[idx] else pscore[idx]
    if (!is.null(opts$caliper) && length(idx) > 1L) width[g] <- opts$caliper * stats::sd(d)
  }
  if (length(skipped)) {
    what <- if (is.null(ms$w)) "rows" else "rows with positive weight"
    note(paste0("No matching in period{?s} {.val {skipped}}: {?it has/they have} no treated or no control ", what,
                "; {?its/their} treated rows stay unmatched and off support."))
  }
  distance <- if (opts$caliper_scale == "logit") lp else pscore
  pooled_fit <- if (n_cells == 1L && !length(skipped)) list(fitted.values = pscore, rank = rank) else NULL
  list(pscore = pscore, distance = distance, caliper_width = width, models = models,
       pooled_fit = pooled_fit)
}

# Logit by IRLS (glm.fit), weighted by `w` (NULL: unweighted); perfect
# separation and non-convergence become one warning naming the covariates that
# separate the groups on their own.
fit_logit <- function(X, y, cell, w = NULL) {
  issues <- character()
  fit <- withCallingHandlers(
    stats::glm.fit(cbind(`(Intercept)` = 1, X), y, weights = w, family = logit_family()),
    warning = function(cnd) {
      issues <<- c(issues, conditionMessage(cnd))
      invokeRestart("muffleWarning")
    })
  if (length(issues)) {
    where <- if (identical(cell, "pooled")) "" else paste0(" in period ", cell)
    pos <- if (is.null(w)) rep(TRUE, length(y)) else w > 0
    sep <- separating_columns(X[pos, , drop = FALSE], y[pos])
    if (any(grepl("numerically 0 or 1", issues)) || length(sep)) {
      detail <- if (length(sep)) {
        cli::format_inline("{.field {sep}} separate{?s/} treated from control rows on {?its/their} own")
      } else {
        "a combination of covariates separates treated from control rows"
      }
      warn_pd(c("The propensity score model{where} is (quasi-)perfectly separated: {detail}.",
                "i" = "Scores of 0 or 1 cannot be matched meaningfully; drop or recode the covariate, or restrict the sample."))
    } else {
      warn_pd("The propensity score model{where} did not converge: {issues[1]}")
    }
  }
  fit
}

# binomial() whose start does not warn about non-integer weights (that of
# quasibinomial(), MatchIt's family with s.weights: the same computations),
# so that glm.fit() still warns about fitted probabilities of 0 or 1.
logit_family <- function() {
  fam <- stats::binomial()
  fam$initialize <- stats::quasibinomial()$initialize
  fam
}

# Covariates whose treated and control ranges do not overlap (or only touch).
separating_columns <- function(X, y) {
  sep <- vapply(seq_len(ncol(X)), function(j) {
    x1 <- X[y == 1, j]
    x0 <- X[y == 0, j]
    max(x1) <= min(x0) || max(x0) <= min(x1)
  }, TRUE)
  colnames(X)[sep]
}

# Nearest-neighbour matching (C++), then MatchIt's weights and subclasses.
psm_match <- function(ms, sc, opts, threads, call = rlang::caller_env()) {
  tr_idx <- which(ms$treat == 1L)
  n1 <- length(tr_idx)
  d1 <- sc$distance[tr_idx]
  ord <- switch(opts$order,
                largest = order(d1, decreasing = TRUE),
                smallest = order(d1),
                data = seq_len(n1),
                random = with_seed(opts$seed, sample.int(n1)))
  # cells without a score (no treated or no control row with positive weight):
  # nothing to match there, their controls are no candidates (code 2)
  skip <- is.na(sc$distance)
  dist <- sc$distance
  dist[skip] <- 0
  ms$treat[skip & ms$treat == 0L] <- 2L
  mm <- cpp_match_nearest(dist, ms$treat, ms$cell, length(ms$cell_labels), ord - 1L,
                          unname(sc$caliper_width), opts$ratio, opts$replace, threads)
  report_unmatched(mm, ms, opts)
  w <- matching_weights(mm, tr_idx, length(ms$treat))
  if (!any(w[tr_idx] > 0)) abort_input("No treated row could be matched.", call = call)
  subclass <- matching_subclass(mm, tr_idx, length(ms$treat), opts$replace)
  mm_rows <- matrix(ms$rows[mm], nrow = n1, dimnames = list(ms$rows[tr_idx], NULL))
  list(match_matrix = mm_rows, weights = w, subclass = subclass)
}

# Treated 1; each control 1/k per treated row it serves (k = that row's number
# of controls); controls scaled to sum to the number of distinct matched controls.
matching_weights <- function(mm, tr_idx, n) {
  k <- rowSums(!is.na(mm))
  w <- numeric(n)
  w[tr_idx[k > 0]] <- 1
  ctrl <- as.vector(mm)
  share <- rep(1 / pmax(k, 1L), times = ncol(mm))
  ok <- !is.na(ctrl)
  if (any(ok)) {
    s <- rowsum(share[ok], ctrl[ok])
    rows <- as.integer(rownames(s))
    w[rows] <- s[, 1L] * length(rows) / sum(s[, 1L])
  }
  w
}

# Matched sets numbered by their treated row's position in the data; with
# replacement sets overlap, so there is no subclass (NA), as in MatchIt.
matching_subclass <- function(mm, tr_idx, n, replace) {
  sub <- rep(NA_integer_, n)
  if (replace) return(sub)
  has <- !is.na(mm[, 1L])
  id <- cumsum(has)
  sub[tr_idx[has]] <- id[has]
  ok <- !is.na(mm)
  sub[mm[ok]] <- id[row(mm)[ok]]
  sub
}

# Treated rows in cells without controls were reported by psm_scores().
report_unmatched <- function(mm, ms, opts) {
  n_cells <- length(ms$cell_labels)
  tr_cell <- ms$cell[ms$treat == 1L]
  n1 <- tabulate(tr_cell + 1L, n_cells)
  n0 <- tabulate(ms$cell[ms$treat == 0L] + 1L, n_cells)
  k <- rowSums(!is.na(mm))[n0[tr_cell + 1L] > 0]
  none <- sum(k == 0L)
  fewer <- sum(k > 0L & k < opts$ratio)
  if (none + fewer == 0L) return(invisible())
  short <- !opts$replace && any(n1 > 0 & n0 > 0 & n0 < opts$ratio * n1)
  msg <- c(if (none) "{none} treated row{?s} went unmatched" else NULL,
           if (fewer) "{fewer} treated row{?s} got fewer than {opts$ratio} control{?s}" else NULL)
  msg <- paste(msg, collapse = " and ")
  if (short) {
    warn_pd(c("Too few controls to give every treated row {opts$ratio} control{?s} without replacement: {cli::format_inline(msg)}.",
              "i" = "Set {.code replace = TRUE} or a smaller {.arg ratio} to match them all."))
  } else {
    note("No control within the caliper ({opts$caliper} SD of the {if (opts$caliper_scale == 'logit') 'logit of the score' else 'score'}): {cli::format_inline(msg)}.")
  }
}

# Common support (psmatch2's `common`): treated rows whose score lies within the
# range of their cell's control scores and, with a caliper, that were matched.
psm_support <- function(ms, sc, mt, opts) {
  sup <- rep(TRUE, length(ms$treat))
  for (g in seq_along(ms$cell_labels) - 1L) {
    t1 <- which(ms$cell == g & ms$treat == 1L)
    p0 <- sc$pscore[ms$cell == g & ms$treat == 0L]
    if (!length(t1)) next
    if (!length(p0) || anyNA(sc$pscore[t1])) {
      sup[t1] <- FALSE
      next
    }
    p1 <- sc$pscore[t1]
    sup[t1] <- p1 >= min(p0) & p1 <= max(p0)
  }
  if (!is.null(opts$caliper)) sup[ms$treat == 1L & mt$weights == 0] <- FALSE
  sup
}
