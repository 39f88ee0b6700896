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
#'   \eqn{G_{min}/(G_{min}-1)} of the smaller dimension for all three terms;
#'   three- and four-way clustering sum over all intersections likewise.
#' * `"NW"` and `"DK"`: the unit and the time are the first and second
#'   fixed effects; periods are the distinct values of the time variable in
#'   order, and lag \eqn{l} pairs a period with the \eqn{l}-th next one. Newey-West
#'   sums \eqn{\sum_{l=0}^{L} k_l \sum_u \sum_t (s_{ut} s_{u,t+l}' + s_{u,t+l} s_{ut}')}
#'   (once for \eqn{l = 0}) within units, Driscoll-Kraay the same over the
#'   period sums \eqn{s_t = \sum_u s_{ut}}, with Bartlett weights
#'   \eqn{k_l = 1 - l/(L+1)} and the factor \eqn{\frac{T}{T-1}\frac{n-1}{n-K}}
#'   (\eqn{T} periods; tests with \eqn{T - 1} degrees of freedom), as fixest's
#'   `vcov = "NW"`/`"DK"` with `panel.id = ~unit + time`.
#'
#' A variance matrix that is not positive definite (multi-way clustering can
#' give negative eigenvalues) is repaired as fixest repairs it: eigenvalues
#' below \eqn{10^{-16}} are set to \eqn{10^{-16}}, with a message when one was
#' negative. Standard errors are never `NaN`.
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
#' @param cluster Cluster variable(s): a one-sided formula (`~id`; `~a + b`
#'   for two-way and up to four-way clustering; `~a^b` for the combinations)
#'   or column names. By default (`vcov` and `cluster` both `NULL`) the
#'   standard errors are clustered by the first fixed effect.
#' @param vcov Type of variance, in fixest's spellings: `"cluster"` (by
#'   `cluster`, or the first fixed effect), `"twoway"` (the first two fixed
#'   effects; `"threeway"`, `"fourway"` likewise), a formula of cluster
#'   variables (`~id`, `~id + year`), `"hetero"` (or `"HC1"`, `"white"`),
#'   `"iid"`, `"NW"` (Newey-West within each unit's time series) or `"DK"`
#'   (Driscoll-Kraay: cross-sectional sums per period, then Newey-West). See
#'   Standard errors.
#' @param ssc Small-sample corrections, from [ssc()]; the default agrees with
#'   fixest's.
#' @param lag Number of lags of `vcov = "NW"` or `"DK"`; by default
#'   \eqn{\lfloor T^{1/4} \rfloor}, with \eqn{T} the number of periods (fixest's default).
#' @param weights Optional observation weights: a one-sided formula naming a
#'   column (`~pop`), the column's name (`"pop"`) or a numeric vector with one
#'   value per row of `data`.
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
twfe <- function(formula, data, cluster = NULL, vcov = NULL, weights = NULL, subset = NULL,
                 drop_singletons = FALSE, ssc = NULL, lag = NULL,
                 threads = getOption("pilotdid.threads", 1L)) {
  call <- match.call()
  data <- check_data(data)
  rows <- eval_subset(substitute(subset), data, parent.frame())
  fit <- twfe_fit(formula, data, rows, cluster, vcov, weights, drop_singletons, ssc, lag, threads)
  fit$call <- call
  fit$data_name <- if (is.language(call$data)) call$data
  fit
}

# twfe() once the data and its rows are known. `cells` (internal, for the
# event-study verbs): 0/1 regressors given as one integer per row of `data`
# instead of columns, list(code, names): regressor names[j] is code == j (NA:
# none). They lead the formula's regressors; no column of them is ever built
# in a data frame, so the model matrix is the only copy.
twfe_fit <- function(formula, data, rows, cluster = NULL, vcov = NULL, weights = NULL, drop_singletons = FALSE,
                     ssc = NULL, lag = NULL, threads = getOption("pilotdid.threads", 1L), cells = NULL,
                     call = caller_env()) {
  check_flag(drop_singletons, "drop_singletons", call)
  spec <- parse_fe_formula(formula, call = call)
  vspec <- vcov_spec(vcov, cluster, spec$fe_names, lag, call = call)
  ssc <- check_ssc(ssc, call)
  threads <- resolve_threads(threads, call)
  smp <- twfe_sample(spec, data, rows, vspec$cluster, weights, drop_singletons, cells, call, threads)
  fit <- twfe_estimate(smp, vspec, ssc, threads)
  fit$formula <- formula
  fit$args <- list(rows = rows, cluster = cluster, weights = weights, drop_singletons = drop_singletons)
  new_pilotdid_twfe(fit)
}

new_pilotdid_twfe <- function(x) structure(x, class = "pilotdid_twfe")
