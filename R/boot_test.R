#' Wild cluster bootstrap test for few clusters
#'
#' `boot_test()` tests a coefficient, or a linear combination \eqn{R\beta = r},
#' of a [twfe()] fit with the wild cluster bootstrap (Cameron, Gelbach and
#' Miller 2008), the remedy for cluster-robust t tests that over-reject with
#' few clusters or few treated clusters (MacKinnon and Webb 2017). By default
#' the null hypothesis is imposed on the bootstrap samples (WCR); with
#' `impose_null = FALSE` it is not (WCU).
#'
#' @section Bootstrap:
#' With \eqn{\tilde\beta} the estimate under the null (WCR) or \eqn{\hat\beta}
#' (WCU), \eqn{\tilde u} the residuals of that model and \eqn{v_g} one weight
#' per bootstrap cluster \eqn{g}, each bootstrap sample is
#' \eqn{y^* = X\tilde\beta + D\tilde\alpha + \tilde u_i v_{g(i)}} and is refitted
#' with the same fixed effects, weights and cluster-robust variance (CR1, with
#' the small-sample factor of the fit's [ssc()] settings for the variance
#' clusters, so that \eqn{t} is the one of `tidy(fit, cluster = )`). The
#' bootstrap t statistic is \eqn{t^* = (R\beta^* - R\tilde\beta)/se^*}. The
#' symmetric p-value is the share of draws with \eqn{|t^*| \ge |t|}, the
#' equal-tailed one \eqn{2\min(P(t^* \le t), P(t^* \ge t))}.
#'
#' Nothing is refitted: following Roodman, MacKinnon, Nielsen and Webb (2019),
#' the fixed effects are projected out once, per-cluster sums are formed once,
#' and each draw costs \eqn{O(G^2)} for \eqn{G} bootstrap clusters, whatever
#' the number of rows. When the fixed effects are not nested in the bootstrap
#' (or variance) clusters, the re-projection of the bootstrap residuals on the
#' fixed effects is accounted for exactly.
#'
#' Weights (`type`): `"rademacher"` (\eqn{\pm 1}), `"webb"` (six points
#' \eqn{\pm\sqrt{1/2}, \pm 1, \pm\sqrt{3/2}}), `"mammen"` (two points) or
#' `"norm"` (standard normal). With Rademacher weights and \eqn{2^G \le n},
#' every sign vector is enumerated once instead (the p-value is then exact and
#' deterministic, and `n` becomes \eqn{2^G}). With fewer than 12 bootstrap
#' clusters Webb weights are recommended (a message says so).
#'
#' Draw \eqn{j} uses its own random stream, a function of `seed` and \eqn{j}
#' only, so results are identical whatever `threads` or `backend`.
#'
#' @section Event studies:
#' Given an [event_study()] result, `boot_test()` tests every estimated
#' event-time coefficient by default and adds the joint test that all
#' pre-period coefficients are zero (row `"pre-trend (joint)"`): the Wald
#' statistic \eqn{W = b'(RVR')^{-1}b} of the pre-trend test of
#' [event_study()], divided by the number of restrictions \eqn{q} (its F
#' version), compared with its bootstrap distribution \eqn{W^*/q} from the
#' same kind of draws (null imposed with `impose_null = TRUE`). That row has
#' no estimate, equal-tailed p-value or interval.
#'
#' @section Confidence intervals:
#' The interval collects the values \eqn{r_0} that the test does not reject at
#' level \eqn{1 - } `level`: its bounds are found by bisection on \eqn{r_0}
#' (the bootstrap statistics of any \eqn{r_0} follow from the same draws
#' without new ones). Both the symmetric and the equal-tailed intervals are
#' kept; [tidy()] shows the symmetric one unless asked.
#'
#' @param fit A [twfe()] fit, or an [event_study()] result (see Event studies).
#' @param param What to test: coefficient names (one test each), or a named
#'   numeric vector of weights for one linear combination
#'   (`c(did = 1, gov = -1)`), or a numeric matrix with coefficient names as
#'   column names, one linear combination per row. By default the first
#'   coefficient of a fit, or every event-time coefficient of an event study
#'   (and the joint pre-trend test).
#' @param r Value(s) under the null hypothesis, one per test or one for all.
#' @param n Number of bootstrap draws.
#' @param type Bootstrap weights: `"rademacher"`, `"webb"`, `"mammen"` or
#'   `"norm"`.
#' @param impose_null Impose the null on the bootstrap samples (WCR, `TRUE`) or
#'   not (WCU).
#' @param cluster The variance cluster: a column name or one-sided formula
#'   (an interaction such as `~province^year` counts as one cluster). By
#'   default the cluster of `fit` (which must then be clustered one way).
#' @param bootcluster The bootstrap cluster (a column name or formula), e.g.
#'   the province when variances are clustered by city. By default `cluster`.
#'   Each variance cluster should lie within one bootstrap cluster.
#' @param data The fit's data, needed only when `cluster` or `bootcluster` is
#'   a column the fit did not use (found from the fit's call when omitted, and
#'   checked against the fit's sample).
#' @param conf_int Compute confidence intervals by test inversion?
#' @param level Confidence level.
#' @param seed Seed of the draws (a whole number); `NULL` draws one from R's
#'   generator.
#' @param threads Threads for the draws (`backend = "threads"`).
#' @param backend `"threads"` (OpenMP in this R session) or `"future"` (chunks
#'   of draws evaluated by `future.apply` under the user's [future::plan()]).
#'   Both return the same draws.
#' @return An object of class `pilotdid_boot_test`, a list with `table` (one
#'   row per test, the joint pre-trend test last: `term`, `estimate`, `std.error` (CR1), `statistic` (t),
#'   `p.value` (symmetric), `p.value_et` (equal-tailed), `conf.low`,
#'   `conf.high` (symmetric), `conf.low_et`, `conf.high_et`, `r`), `draws` (a
#'   matrix of bootstrap t statistics, one column per test), `n`, `type`,
#'   `enumerated` (all sign vectors used), `impose_null`, `level`, `seed`,
#'   `cluster`, `bootcluster` (names), `n_clusters`, `n_bootclusters`, `nobs`.
#' @references Roodman, D., MacKinnon, J. G., Nielsen, M. O. and Webb, M. D.
#'   (2019). Fast and wild: Bootstrap inference in Stata using boottest.
#'   *The Stata Journal* 19(1), 4-60.
#'
#'   MacKinnon, J. G. and Webb, M. D. (2017). Wild bootstrap inference for
#'   wildly different cluster sizes. *Journal of Applied Econometrics* 32(2),
#'   233-254.
#' @family inference
#' @export
#' @examples
#' d <- simulate_panel(n_id = 40, n_t = 6, seed = 1)
#' d$region <- (d$id - 1) %/% 5
#' fit <- twfe(y ~ treat + x1 | id + year, data = d, cluster = ~region)
#' bt <- boot_test(fit, param = "treat", seed = 1)
#' bt
#' tidy(bt)
#' boot_test(fit, param = c(treat = 1, x1 = -1), type = "webb", n = 999, seed = 1)
#' es <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort", window = c(-3, 3),
#'                   cluster = ~region)
#' boot_test(es, type = "webb", n = 999, seed = 1, conf_int = FALSE)
boot_test <- function(fit, param = NULL, r = 0, n = 9999,
                      type = c("rademacher", "webb", "mammen", "norm"), impose_null = TRUE,
                      cluster = NULL, bootcluster = NULL, data = NULL, conf_int = TRUE,
                      level = 0.95, seed = NULL, threads = getOption("pilotdid.threads", 1L),
                      backend = c("threads", "future")) {
  boot_test_(fit, param, r, n, type, impose_null, cluster, bootcluster, data, conf_int, level, seed,
             threads, backend, env = parent.frame(), call = rlang::current_env())
}

# boot_test() with the environment where the fit's data are found (and the
# call errors name) given: the one path into the bootstrap, also for did_table().
boot_test_ <- function(fit, param = NULL, r = 0, n = 9999,
                       type = c("rademacher", "webb", "mammen", "norm"), impose_null = TRUE,
                       cluster = NULL, bootcluster = NULL, data = NULL, conf_int = TRUE,
                       level = 0.95, seed = NULL, threads = getOption("pilotdid.threads", 1L),
                       backend = c("threads", "future"), env = parent.frame(), call = caller_env()) {
  if (!inherits(fit, c("pilotdid_twfe", "pilotdid_event_study"))) {
    abort_input("{.arg fit} must be a {.fn twfe} fit or an {.fn event_study} result.", call = call)
  }
  n <- check_count(n, "n", call = call)
  type <- check_choice(type, c("rademacher", "webb", "mammen", "norm"), "type", call = call)
  backend <- check_choice(backend, c("threads", "future"), "backend", call = call)
  check_flag(impose_null, "impose_null", call = call)
  check_flag(conf_int, "conf_int", call = call)
  check_level(level, call = call)
  threads <- resolve_threads(threads, call = call)
  seed <- placebo_seed(seed, call = call)
  src <- boot_source(fit)
  fit <- src$fit
  joint <- if (is.null(param)) src$pre else character()
  Rm <- boot_restrictions(param %||% src$param, fit, call)
  r <- boot_null_values(r, nrow(Rm), call)
  cl <- boot_clusters(fit, cluster, bootcluster, data, env, call)
  base <- boot_base(fit, cl, threads)
  Rm <- boot_align(Rm, names(base$coef), call)
  enumerate <- type == "rademacher" && cl$G_boot <= 30 && 2^cl$G_boot <= n
  if (enumerate) n <- as.integer(2^cl$G_boot)
  boot_note_few(cl$G_boot, type, enumerate)
  tests <- lapply(seq_len(nrow(Rm)), function(h) {
    boot_one(base, cl, Rm[h, ], r[h], impose_null, type, enumerate, n, seed, threads, backend,
             conf_int, level)
  })
  terms <- rownames(Rm)
  if (length(joint) > 1L) {
    Rj <- boot_align(boot_restrictions(joint, fit, call), names(base$coef), call)
    tests <- c(tests, list(boot_joint(base, cl, Rj, impose_null, type, enumerate, n, seed, threads, backend)))
    terms <- c(terms, "pre-trend (joint)")
  }
  new_pilotdid_boot_test(tests, terms, n, type, enumerate, impose_null, level, seed, cl, fit$nobs)
}

# The twfe() fit to test and, for an event study (whose fit keeps its sample
# with the event-time dummies), the event-time terms (tested by default) and
# the pre-period terms (tested jointly by default).
boot_source <- function(fit) {
  if (inherits(fit, "pilotdid_twfe")) return(list(fit = fit, param = NULL, pre = character()))
  tab <- fit$table
  est <- tab$label[!tab$ref & !is.na(tab$std.error) & tab$label %in% names(fit$fit$coefficients)]
  list(fit = fit$fit, param = est, pre = intersect(tab$label[tab$rel_time < 0], est))
}

# did_table(p = "wild"): bootstrap p-values for the shown coefficients of
# every column (a twfe() fit, or a result holding one in $fit).
table_wild_p <- function(cols, fits, terms, args, env, call) {
  if (!is.list(args) || (length(args) && is.null(names(args))) ||
      !all(names(args) %in% setdiff(names(formals(boot_test)), c("fit", "param", "r")))) {
    abort_input("{.arg wild} must be a named list of {.fn boot_test} arguments, e.g. {.code list(bootcluster = ~province, seed = 1)}.",
                call = call)
  }
  for (j in seq_along(cols)) {
    fit <- tryCatch(as_twfe_fit(fits[[j]]), pilotdid_error_input = function(e) NULL)
    if (is.null(fit)) {
      abort_input("{.code p = \"wild\"} needs {.fn twfe} fits; column {j} is a {.cls {class(fits[[j]])[1]}}.", call = call)
    }
    cf <- cols[[j]]$coef
    shown <- which(cf$term %in% terms & cf$term %in% names(fit$coefficients) & !is.na(cf$std.error))
    if (!length(shown)) next
    bt <- do.call(boot_test_, c(list(fit = fit, param = cf$term[shown], conf_int = FALSE), args,
                                list(env = env, call = call)))
    cols[[j]]$coef$p.value[shown] <- bt$table$p.value
    cols[[j]]$wild <- bt
  }
  cols
}

# The notes line of a table with bootstrap p-values.
wild_note <- function(cols, lang) {
  bt <- cols[[which(vapply(cols, function(cl) !is.null(cl$wild), TRUE))[1L]]]$wild
  if (is.null(bt)) return(character())
  if (lang == "zh") {
    return("\u663e\u8457\u6027\u57fa\u4e8e\u91ce\u805a\u7c7b\u81ea\u52a9\u6cd5\uff08WCR\uff09p \u503c\u3002")
  }
  sprintf("Stars from wild cluster bootstrap p-values (%s, %s weights, %s, bootstrap clusters: %s).",
          if (bt$impose_null) "WCR" else "WCU", bt$type,
          if (bt$enumerated) "all sign vectors" else paste(format(bt$n, big.mark = ","), "draws"),
          bt$bootcluster)
}

# The restrictions as a matrix, one row per test, columns named by coefficient.
boot_restrictions <- function(param, fit, call) {
  coefs <- c(names(fit$coefficients), fit$dropped_vars)
  if (is.null(param)) param <- coefs[1L]
  if (is.character(param)) {
    bad <- setdiff(param, coefs)
    if (length(bad) || !length(param) || anyNA(param)) {
      abort_input(c("{.arg param} must name coefficients of {.arg fit}.",
                    "x" = "Not in the fit: {.val {bad}}.", "i" = "Coefficients: {.val {coefs}}."),
                  call = call)
    }
    Rm <- matrix(0, length(param), length(coefs), dimnames = list(param, coefs))
    Rm[cbind(seq_along(param), match(param, coefs))] <- 1
    return(Rm)
  }
  if (is.numeric(param) && is.null(dim(param))) param <- matrix(param, 1L, dimnames = list(NULL, names(param)))
  if (!is.numeric(param) || !is.matrix(param) || is.null(colnames(param)) || anyNA(param) ||
      !all(colnames(param) %in% coefs) || anyDuplicated(colnames(param))) {
    abort_input(c("{.arg param} must be coefficient names, or weights named by coefficients of {.arg fit}.",
                  "i" = "Coefficients: {.val {coefs}}."), call = call)
  }
  Rm <- matrix(0, nrow(param), length(coefs), dimnames = list(rownames(param), coefs))
  Rm[, colnames(param)] <- param
  if (any(rowSums(Rm != 0) == 0)) abort_input("{.arg param} has a combination with all weights zero.", call = call)
  if (is.null(rownames(Rm))) rownames(Rm) <- apply(param, 1L, combo_label)
  Rm
}

combo_label <- function(wts) {
  nz <- wts[wts != 0]
  terms <- ifelse(abs(nz) == 1, names(nz), paste0(format(abs(nz), digits = 4), "*", names(nz)))
  sgn <- ifelse(nz < 0, "- ", "+ ")
  out <- paste(paste0(sgn, terms), collapse = " ")
  sub("^\\+ ", "", sub("^- ", "-", out))
}

boot_null_values <- function(r, h, call) {
  if (!is.numeric(r) || anyNA(r) || !length(r) %in% c(1L, h)) {
    abort_input("{.arg r} must be one number, or one per test ({h}).", call = call)
  }
  rep_len(as.double(r), h)
}

# Restrictions on the coefficients the fit kept (dropped ones must have weight 0).
boot_align <- function(Rm, kept, call) {
  gone <- setdiff(colnames(Rm), kept)
  if (any(Rm[, gone] != 0)) {
    abort_input("{.arg param} involves {.field {gone[colSums(Rm[, gone, drop = FALSE] != 0) > 0]}}, dropped from the fit.",
                call = call)
  }
  Rm[, kept, drop = FALSE]
}

# Variance and bootstrap cluster codes on the fit's rows: the fit's own
# cluster, its fixed effects, or columns of its (checked) data.
boot_clusters <- function(fit, cluster, bootcluster, data, env, call) {
  if (is.null(cluster)) {
    cl <- fit$sample$cl_codes
    if (fit$vcov_type != "cluster" || length(cl) != 1L) {
      abort_input(c("{.arg fit} is not clustered one way: give {.arg cluster}.",
                    "i" = "{.fn boot_test} supports one-way clustering."), call = call)
    }
  } else {
    cl <- boot_cluster_codes(fit, cluster, "cluster", data, env, call)
  }
  bc <- if (is.null(bootcluster)) cl else boot_cluster_codes(fit, bootcluster, "bootcluster", data, env, call)
  list(clus = cl[[1L]], boot = bc[[1L]], cluster = names(cl), bootcluster = names(bc),
       G_clus = n_levels(cl), G_boot = n_levels(bc))
}

# Codes of one cluster variable (or interaction) named by `cluster` or
# `bootcluster` (`arg`); fit_cluster_codes() finds and checks the data.
boot_cluster_codes <- function(fit, x, arg, data, env, call) {
  vars <- cluster_request(x, arg, fit$fe, call)$cluster
  if (length(vars) != 1L) {
    abort_input(c("{.arg {arg}} must be one variable (or one interaction such as {.code ~province^year}).",
                  "i" = "{.fn boot_test} supports one-way clustering."), call = call)
  }
  if (arg == "cluster") return(fit_cluster_codes(fit, vars, data, env, call))
  nm <- paste(vars[[1L]], collapse = "^")
  rlang::try_fetch(fit_cluster_codes(fit, vars, data, env, call), pilotdid_error_input = function(e) {
    abort_input("{.arg bootcluster} {.field {nm}} cannot be the bootstrap cluster.", parent = e,
                class = if (inherits(e, "pilotdid_error_data_changed")) "pilotdid_error_data_changed",
                call = call)
  })
}

# Everything that does not depend on the restriction, from the fit's stored
# sample (demeaned kept regressors, residuals, bread): the CR1 variance with
# the chosen cluster and the fit's small-sample settings, its factor, and
# whether the bootstrap residuals must be projected on the fixed effects again.
boot_base <- function(fit, cl, threads) {
  smp <- fit_sample(fit)
  N <- fit$nobs
  w <- smp$w %||% rep(1, N)
  # threads only where there is enough work (they cost more than they save on small samples)
  prep_threads <- if (N * cl$G_clus < 1e7) 1L else threads
  if (N < 1e5) threads <- 1L
  adj <- fit$ssc %||% ssc()
  B <- fit$sample$bread
  V <- vcov_compute("cluster", smp$X, fit$residuals, w, B, smp$codes, list(cl$clus), ssc = adj,
                    threads = threads)
  G <- cl$G_clus
  cfac <- (if (adj$G.adj) G / (G - 1) else 1) * (if (adj$K.adj) (N - 1) / (N - V$K) else 1)
  nested <- function(to) all(vapply(smp$codes, function(fe) is_nested(fe, to), TRUE))
  reproject <- !(nested(cl$boot) || nested(cl$clus))
  list(coef = fit$coefficients, X = smp$X, resid = fit$residuals, B = B, w = w, V = V$V,
       cfac = cfac, codes = if (reproject) unname(smp$codes) else list(),
       G_fe = if (reproject) n_levels(smp$codes) else integer(), prep_threads = prep_threads)
}
