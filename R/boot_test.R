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
#' the small-sample factor of [twfe()] for the variance clusters). The
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
#' @param cluster The variance cluster: a column name or one-sided formula.
#'   By default the cluster of `fit` (which must then be clustered one way).
#' @param bootcluster The bootstrap cluster (a column name or formula), e.g.
#'   the province when variances are clustered by city. By default `cluster`.
#'   Each variance cluster should lie within one bootstrap cluster.
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
                      cluster = NULL, bootcluster = NULL, conf_int = TRUE, level = 0.95,
                      seed = NULL, threads = getOption("pilotdid.threads", 1L),
                      backend = c("threads", "future")) {
  boot_test_(fit, param, r, n, type, impose_null, cluster, bootcluster, conf_int, level, seed,
             threads, backend, env = parent.frame(), call = rlang::current_env())
}

# boot_test() with the environment where the fit's data are found (and the
# call errors name) given: the one path into the bootstrap, also for did_table().
boot_test_ <- function(fit, param = NULL, r = 0, n = 9999,
                       type = c("rademacher", "webb", "mammen", "norm"), impose_null = TRUE,
                       cluster = NULL, bootcluster = NULL, conf_int = TRUE, level = 0.95,
                       seed = NULL, threads = getOption("pilotdid.threads", 1L),
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
  src <- boot_source(fit, env, call)
  joint <- if (is.null(param)) src$pre else character()
  Rm <- boot_restrictions(param %||% src$param, src$fit, call)
  r <- boot_null_values(r, nrow(Rm), call)
  fit <- src$fit
  smp <- src$smp
  cl <- boot_clusters(fit, smp, src$data, cluster, bootcluster, call)
  base <- boot_base(smp, cl, threads)
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
  new_pilotdid_boot_test(tests, terms, n, type, enumerate, impose_null, level, seed, cl,
                         length(smp$y))
}

# The twfe() fit, its estimation sample, the data rows it came from (for
# cluster columns), and for an event study the event-time terms (tested by
# default) and the pre-period terms (tested jointly by default).
boot_source <- function(fit, env, call) {
  if (inherits(fit, "pilotdid_twfe")) {
    data <- verb_data(fit, NULL, env, call)
    return(list(fit = fit, smp = fit_sample(fit, data, call), data = data, param = NULL, pre = character()))
  }
  tab <- fit$table
  est <- tab$label[!tab$ref & !is.na(tab$std.error) & tab$label %in% names(fit$fit$coefficients)]
  pre <- intersect(tab$label[tab$rel_time < 0], est)
  d <- event_data(fit, env, call)
  list(fit = fit$fit, smp = event_sample(fit, d, call), data = d, param = est, pre = pre)
}

# The rows of an event study's estimation sample with its event-time dummies,
# rebuilt from the user's data (until fits carry their sample, issue 12).
event_data <- function(es, env, call) {
  data <- fit_data(es, env, call)
  d <- data[es$fit$obs, , drop = FALSE]
  rel <- relative_time(d, list(cohort = es$cohort, time = es$time), call)
  b <- rel$rel
  if (es$bin) b <- pmin(pmax(b, es$window[1L]), es$window[2L])
  b[rel$never] <- NA
  tab <- es$table[!es$table$ref, ]
  for (j in seq_len(nrow(tab))) d[[tab$label[j]]] <- as.double(!is.na(b) & b == tab$rel_time[j])
  rownames(d) <- NULL
  d
}

event_sample <- function(es, d, call) {
  old <- options(pilotdid.quiet = TRUE)
  on.exit(options(old))
  f <- es$fit
  smp <- twfe_sample(parse_fe_formula(f$formula, call), d, seq_len(nrow(d)), f$args$cluster,
                     f$vcov_type, f$weights, FALSE, call)
  if (length(smp$y) != f$nobs) {
    abort_input("The data of {.arg fit} changed since it was estimated ({length(smp$y)} rows now, {f$nobs} then).",
                call = call)
  }
  smp
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
    fit <- fits[[j]]
    if (!inherits(fit, "pilotdid_twfe") && is.list(fit) && inherits(fit$fit, "pilotdid_twfe")) fit <- fit$fit
    if (!inherits(fit, "pilotdid_twfe")) {
      abort_input("{.code p = \"wild\"} needs {.fn twfe} fits; column {j} is a {.cls {class(fit)[1]}}.", call = call)
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
  coefs <- names(fit$coefficients)
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

# Variance and bootstrap cluster codes on the estimation sample.
boot_clusters <- function(fit, smp, data, cluster, bootcluster, call) {
  if (is.null(cluster)) {
    if (fit$vcov_type != "cluster" || length(smp$cl_codes) != 1L) {
      abort_input(c("{.arg fit} is not clustered one way: give {.arg cluster}.",
                    "i" = "{.fn boot_test} supports one-way clustering."), call = call)
    }
    cl <- list(codes = smp$cl_codes[[1L]], name = names(smp$cl_codes))
  } else {
    cl <- boot_cluster_codes(cluster, "cluster", data, smp$obs, call)
  }
  bc <- if (is.null(bootcluster)) cl else boot_cluster_codes(bootcluster, "bootcluster", data, smp$obs, call)
  G <- c(n_levels(list(cl$codes)), n_levels(list(bc$codes)))
  for (k in 1:2) {
    if (G[k] < 2L) {
      arg <- c("cluster", "bootcluster")[k]
      abort_input("{.arg {arg}} {.field {c(cl$name, bc$name)[k]}} has a single level in the estimation sample: the wild cluster bootstrap needs at least 2 clusters.",
                  call = call)
    }
  }
  list(clus = cl$codes, boot = bc$codes, cluster = cl$name, bootcluster = bc$name,
       G_clus = G[1L], G_boot = G[2L])
}

boot_cluster_codes <- function(x, arg, data, obs, call) {
  col <- if (inherits(x, "formula")) all.vars(x) else x
  if (!is.character(col) || length(col) != 1L) {
    abort_input("{.arg {arg}} must name one column, e.g. {.code ~province}.", call = call)
  }
  check_columns(data, col, arg, call)
  v <- data[[col]][obs]
  if (anyNA(v)) abort_input("{.arg {arg}} {.field {col}} has {sum(is.na(v))} missing value{?s} in the estimation sample.", call = call)
  list(codes = group_codes(list(v)), name = col)
}

# Everything that does not depend on the restriction: the demeaned fit, the
# CR1 variance with the chosen cluster, and whether the bootstrap residuals
# must be projected on the fixed effects again.
boot_base <- function(smp, cl, threads) {
  w <- smp$w %||% rep(1, length(smp$y))
  N <- length(smp$y)
  # threads only where there is enough work (they cost more than they save on small samples)
  prep_threads <- if (N * cl$G_clus < 1e7) 1L else threads
  if (N < 1e5) threads <- 1L
  ff <- fast_fit(smp$X, smp$y, smp$codes, w, threads)
  kept <- ff$kept
  coef <- ff$coef[kept]
  V <- sandwich_vcov("cluster", ff$X, ff$resid, w, ff$B, smp$codes, list(cl$clus), length(kept), threads)
  G <- cl$G_clus
  nested <- function(to) all(vapply(smp$codes, function(fe) is_nested(fe, to), TRUE))
  reproject <- !(nested(cl$boot) || nested(cl$clus))
  list(coef = coef, X = ff$X, resid = ff$resid, B = ff$B, w = w, V = V$V,
       cfac = G / (G - 1) * (N - 1) / (N - V$K), codes = if (reproject) unname(smp$codes) else list(),
       G_fe = if (reproject) n_levels(smp$codes) else integer(), prep_threads = prep_threads)
}
