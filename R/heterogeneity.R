#' Heterogeneous effects across groups, with tests of the difference
#'
#' `heterogeneity()` re-estimates a [twfe()] fit in each group of `by` (city
#' size, resource-based or not, region, ...) and tests whether the treatment
#' coefficient differs between groups: the question a referee asks of every
#' split-sample table, which separate significance stars do not answer.
#'
#' @section Tests:
#' Write \eqn{b_g} for the treatment coefficient in group \eqn{g}; every
#' difference is reported as \eqn{b_j - b_i} for groups \eqn{i < j} in the order
#' of the groups, and with more than two groups a joint test of
#' \eqn{b_1 = \dots = b_K} is added.
#' * `"permutation"`: Fisher's permutation test (Stata's `bdiff`). The units
#'   (levels of the first fixed effect) keep their data, the group labels are
#'   reshuffled across units `n` times (group sizes kept), and the group
#'   regressions are fitted again. The p-value of a difference is the share of
#'   draws with \eqn{|b^*_j - b^*_i| \ge |b_j - b_i|}; the joint statistic is
#'   the dispersion \eqn{\sum_g (b_g - \bar b)^2}. The test is exact under the
#'   null that the groups are exchangeable, and needs `by` to be constant
#'   within units. Each draw is computed from per-unit cross-products (no pass
#'   over the data) when the fixed effects after the first (the units) form
#'   small blocks of levels, as `id + year` or `id + year + province^year`
#'   do; with large crossed fixed effects (a firm effect varying within
#'   units) the group regressions are refitted. Draw \eqn{j} depends on
#'   `seed` and \eqn{j} only, so the draws are identical whatever `threads`
#'   or `backend`.
#' * `"interaction"`: one pooled regression in which every regressor and every
#'   fixed effect is interacted with the group dummies (a Chow test), so that
#'   its group coefficients equal the split-sample ones;
#'   \eqn{b_j - b_i} is a combination of the interaction coefficients and its
#'   standard error comes from the pooled fit's variance (same type and
#'   clustering as `fit`). With two groups the difference is the coefficient
#'   of `treat x 1[group 2]`.
#' * `"suest"`: seemingly unrelated estimation (Stata's `suest`): the group
#'   regressions are stacked and their joint covariance is the cluster-robust
#'   sandwich \eqn{V = \frac{G}{G-1} B (\sum_c s_c s_c') B}, with \eqn{B} the
#'   block-diagonal matrix of the groups' \eqn{(X_g'W X_g)^{-1}}, \eqn{s_c} the
#'   stacked scores \eqn{w_i e_i \tilde x_i} summed over cluster \eqn{c}
#'   (clusters of `fit`, or observations when `fit` is not clustered), and
#'   \eqn{G} the number of clusters (with two cluster variables, the
#'   Cameron-Gelbach-Miller combination with the smaller \eqn{G}). A unit
#'   appearing in several groups correlates their estimates; tests use the t
#'   distribution with \eqn{G - 1} degrees of freedom (normal without
#'   clustering).
#'
#' `"interaction"` and `"suest"` give the same difference. With clustered
#' fits their standard errors differ only by the factor \eqn{(n-1)/(n-K)} of
#' the pooled fit; with `vcov = "iid"` the interaction test is the classic Chow
#' test, which assumes one error variance in all groups, while `"suest"` is
#' always robust.
#'
#' @param fit A [twfe()] fit (or an object holding one in `$fit`).
#' @param by The groups: a column name (`"region"`), a one-sided formula
#'   (`~region`), or an expression evaluated in the data (`pop > 500`,
#'   `resource == 1`). Rows where it is missing are left out, with a note.
#' @param test `"permutation"`, `"interaction"` or `"suest"` (see Tests).
#' @param n Number of permutations.
#' @param seed Seed of the permutations (a whole number); `NULL` draws one
#'   from R's generator, so [set.seed()] makes a run reproducible too.
#' @param data The data of `fit`, when it cannot be found from the fit's call.
#' @param treat Name of the treatment regressor; the first one by default.
#' @param threads Threads for the draws (`backend = "threads"`).
#' @param backend `"threads"` (OpenMP in this R session) or `"future"` (chunks
#'   of draws on the workers of the current [future::plan()], with a
#'   \pkg{progressr} progress bar inside [progressr::with_progress()]); the
#'   draws are the same.
#' @return An object of class `pilotdid_heterogeneity`: `fits` (a named list
#'   of `twfe()` fits, one per group, estimated on the group's rows of the
#'   fit's sample with the same fixed effects and variance), `groups` (a data frame: `group`, `n_obs`,
#'   `n_units`, `estimate`, `std.error`, `statistic`, `p.value`, `conf.low`,
#'   `conf.high`), `differences` (`contrast`, `group1`, `group2`, `estimate`
#'   \eqn{= b_{group2} - b_{group1}}, `std.error`, `statistic`, `p.value`;
#'   plus `p.value_plus1` = (count + 1)/(n + 1) for permutations), `joint` (the
#'   joint test, more than two groups), `test`, `by`, `treat`, and for
#'   permutations `draws` (group coefficients per draw), `actual` (the same
#'   computation on the real groups), `n`, `seed`, `n_failed` (draws in which
#'   a group's coefficient was not estimable, left out), `engine` (`"fast"`
#'   or `"loop"`); for the other tests `vcov` (covariance of the group
#'   coefficients) and `df` (degrees of freedom of the tests), plus `pooled`
#'   (`coefficients`, `vcov`, `nobs`, `df_t`, `K` of the pooled fit) for
#'   `"interaction"` and `vcov_stacked` (all stacked coefficients) and
#'   `n_clusters` for `"suest"`.
#' @family inference
#' @export
#' @examples
#' d <- simulate_panel(n_id = 80, n_t = 8, seed = 1)
#' d$big <- d$id %% 3 == 0
#' fit <- twfe(y ~ treat + x1 + x2 | id + year, data = d)
#' het <- heterogeneity(fit, big, n = 200, seed = 1)
#' het
#' heterogeneity(fit, big, test = "suest")
#' did_table(het, keep = "treat")
#' autoplot(het)
heterogeneity <- function(fit, by, test = c("permutation", "interaction", "suest"), n = 1000,
                          seed = NULL, data = NULL, treat = NULL, threads = getOption("pilotdid.threads", 1L),
                          backend = c("threads", "future")) {
  fit <- as_twfe_fit(fit)
  test <- check_choice(test, c("permutation", "interaction", "suest"), "test")
  n <- check_count(n, "n")
  backend <- check_choice(backend, c("threads", "future"), "backend")
  threads <- resolve_threads(threads)
  seed <- if (test == "permutation") placebo_seed(seed) else NULL
  env <- parent.frame()
  data <- fit_data(fit, data, env)
  grp <- het_groups(substitute(by), data, env)
  smp <- fit_sample(fit)
  treat <- fit_treat(treat, fit)
  g <- match(het_key(grp$value[smp$obs]), het_key(grp$levels))
  if (anyNA(g)) {
    note("Left out {sum(is.na(g))} row{?s} where {.arg by} ({grp$label}) is missing.")
    smp <- subset_sample(smp, !is.na(g))
    g <- g[!is.na(g)]
  }
  present <- sort(unique(g))
  if (length(present) < 2L) abort_input("{.arg by} ({grp$label}) has a single group in the sample of {.arg fit}.")
  g <- match(g, present)
  if (test == "permutation") het_check_units(g, smp$codes[[1L]], fit$fe[1L])
  grp$levels <- grp$levels[present]
  grp$labels <- grp$labels[present]
  het_check_group_units(g, smp, fit, grp)
  fits <- lapply(seq_along(present), function(k) fit_subset(fit, g == k, smp))
  names(fits) <- grp$labels
  groups <- het_group_table(fits, treat, smp, g)
  res <- switch(test,
                permutation = het_permutation(smp, g, treat, fit, n, seed, threads, backend),
                interaction = het_interaction(smp, g, treat, fit, grp$labels),
                suest = het_suest(smp, g, treat, fit))
  new_pilotdid_heterogeneity(fits, groups, res, test, grp$label, treat)
}

new_pilotdid_heterogeneity <- function(fits, groups, res, test, by, treat) {
  est <- stats::setNames(groups$estimate, groups$group)
  diffs <- het_differences(est, res, test)
  out <- list(fits = fits, groups = groups, differences = diffs$pairs, joint = diffs$joint, test = test,
              by = by, treat = treat, n = NA_integer_, seed = NULL, n_failed = NA_integer_)
  keep <- setdiff(names(res), c("p_pairs", "p_joint", "df"))
  out[keep] <- res[keep]
  if (test != "permutation") out$df <- res$df
  structure(out, class = "pilotdid_heterogeneity")
}

# The groups of `by`: values per data row, levels (in order), labels, and the
# expression that selects a group in the data.
het_groups <- function(expr, data, env, call = caller_env()) {
  val <- tryCatch(eval(expr, data, env), error = function(e) {
    abort_input(c("Cannot evaluate {.arg by} in the data.", "x" = conditionMessage(e)), call = call)
  })
  label <- deparse1(expr)
  if (inherits(val, "formula")) {
    # a one-sided formula is an expression of the data: ~region, ~pop > 1000
    expr <- val[[length(val)]]
    label <- deparse1(expr)
    val <- tryCatch(eval(expr, data, environment(val)), error = function(e) {
      abort_input(c("Cannot evaluate {.arg by} ({label}) in the data.", "x" = conditionMessage(e)), call = call)
    })
  }
  if (is.character(val) && length(val) == 1L && nrow(data) != 1L) {
    check_columns(data, val, "by", call)
    expr <- as.name(val)
    label <- val
    val <- data[[val]]
  }
  if (is.null(val) || !is.atomic(val) || length(val) != nrow(data)) {
    abort_input("{.arg by} must be a column name or an expression giving one value per row of {.arg data} ({nrow(data)}).",
                call = call)
  }
  levels <- if (is.factor(val)) {
    lv <- levels(val)
    lv[lv %in% val]
  } else if (is.logical(val)) {
    c(FALSE, TRUE)[c(FALSE, TRUE) %in% val]
  } else {
    sort(unique(val[!is.na(val)]))
  }
  levels <- as.list(levels)
  labels <- vapply(levels, as.character, "")
  if (is.numeric(val) || is.logical(val)) labels <- paste(label, "=", labels)
  list(value = val, levels = levels, labels = labels, label = label, expr = expr)
}

# A group with a single unit (or a single cluster) has no within-group
# treatment variation and no clustered variance: say so, naming `by` and the
# group, before any group is refitted.
het_check_group_units <- function(g, smp, fit, grp, call = caller_env()) {
  cols <- c(if (length(fit$fe)) smp$codes[1L], smp$cl_codes)
  what <- c(if (length(fit$fe)) fit$fe[1L], names(smp$cl_codes))
  for (j in seq_along(cols)) {
    n_lev <- vapply(seq_along(grp$labels), function(k) length(unique(cols[[j]][g == k])), 1L)
    if (any(n_lev < 2L)) {
      bad <- grp$labels[n_lev < 2L]
      abort_input(c("{.arg by} ({grp$label}) has {cli::qty(length(bad))}group{?s} {.val {bad}} with a single {.field {what[j]}} in the sample of {.arg fit}.",
                    "i" = "The treatment effect and its standard error need at least two values of {.field {what[j]}} in every group; merge such a group with another or drop it."),
                  call = call)
    }
  }
  invisible()
}

het_key <- function(x) if (is.list(x)) vapply(x, as.character, "") else as.character(x)

het_group_table <- function(fits, treat, smp, g) {
  rows <- lapply(seq_along(fits), function(k) {
    td <- tidy.pilotdid_twfe(fits[[k]])
    td <- td[td$term == treat, ]
    if (!nrow(td)) {
      abort_input("The treatment {.field {treat}} cannot be estimated in group {.val {names(fits)[k]}}: it does not vary there after the fixed effects.",
                  call = NULL)
    }
    u <- smp$codes[[1L]][g == k]
    data.frame(group = names(fits)[k], n_obs = fits[[k]]$nobs, n_units = length(unique(u)),
               td[, c("estimate", "std.error", "statistic", "p.value", "conf.low", "conf.high")])
  })
  out <- do.call(rbind, rows)
  rownames(out) <- NULL
  out
}

# Pairwise differences b_j - b_i (i < j) and the joint test of equality.
het_differences <- function(est, res, test) {
  K <- length(est)
  pairs <- utils::combn(K, 2L)
  i <- pairs[1L, ]
  j <- pairs[2L, ]
  out <- data.frame(contrast = paste(names(est)[j], "-", names(est)[i]), group1 = names(est)[i],
                    group2 = names(est)[j], estimate = unname(est[j] - est[i]))
  if (test == "permutation") {
    out$std.error <- NA_real_
    out$statistic <- NA_real_
    out$p.value <- res$p_pairs$share
    out$p.value_plus1 <- res$p_pairs$plus1
    joint <- if (K > 2L) {
      data.frame(statistic = het_dispersion(est), df1 = NA_real_, df2 = NA_real_,
                 p.value = res$p_joint$share, p.value_plus1 = res$p_joint$plus1)
    }
    return(list(pairs = out, joint = joint))
  }
  L <- matrix(0, length(i), K)
  L[cbind(seq_along(i), i)] <- -1
  L[cbind(seq_along(j), j)] <- 1
  V <- L %*% res$vcov %*% t(L)
  out$std.error <- sqrt(diag(V))
  out$statistic <- out$estimate / out$std.error
  out$p.value <- het_p(out$statistic, res$df)
  joint <- NULL
  if (K > 2L) {
    D <- L[i == 1L, , drop = FALSE]
    d <- D %*% est
    W <- drop(t(d) %*% solve(D %*% res$vcov %*% t(D), d))
    q <- K - 1L
    p <- if (is.finite(res$df)) {
      stats::pf(W / q, q, res$df, lower.tail = FALSE)
    } else {
      stats::pchisq(W, q, lower.tail = FALSE)
    }
    joint <- data.frame(statistic = W / q, df1 = q, df2 = res$df, p.value = p)
  }
  list(pairs = out, joint = joint)
}

het_p <- function(t, df) {
  if (is.finite(df)) 2 * stats::pt(-abs(t), df) else 2 * stats::pnorm(-abs(t))
}

het_dispersion <- function(b) sum((b - mean(b))^2)

# ---- interaction (fully interacted pooled model) ------------------------------------

het_interaction <- function(smp, g, treat, fit, labels) {
  X <- smp$X[, setdiff(colnames(smp$X), fit$dropped_vars), drop = FALSE]
  K <- max(g)
  blocks <- lapply(seq_len(K)[-1L], function(k) {
    Xk <- X * (g == k)
    colnames(Xk) <- paste0(colnames(X), ":[", labels[k], "]")
    Xk
  })
  pooled <- smp
  pooled$X <- do.call(cbind, c(list(X), blocks))
  pooled$codes <- lapply(smp$codes, function(cd) group_codes(list(cd, g)))
  if (isTRUE(fit$args$drop_singletons)) {
    s <- singleton_rows(pooled$codes)
    if (length(s)) pooled <- subset_sample(pooled, -s)
  }
  old <- options(pilotdid.quiet = TRUE)
  on.exit(options(old))
  pooled$levels <- NULL
  pf <- twfe_estimate(pooled, fit$vcov_spec, fit$ssc %||% ssc(), 1L)
  nm <- c(treat, paste0(treat, ":[", labels[-1L], "]"))
  if (!all(nm %in% names(pf$coefficients))) {
    abort_input("The treatment {.field {treat}} cannot be estimated in every group of the interacted model.", call = NULL)
  }
  A <- cbind(1, rbind(0, diag(K - 1L)))
  vc <- A %*% pf$vcov[nm, nm] %*% t(A)
  dimnames(vc) <- list(labels, labels)
  list(vcov = vc, df = pf$df_t, pooled = pf[c("coefficients", "vcov", "nobs", "df_t", "K")])
}

# ---- suest (stacked regressions, joint cluster-robust covariance) -------------------

het_suest <- function(smp, g, treat, fit) {
  X <- smp$X[, setdiff(colnames(smp$X), fit$dropped_vars), drop = FALSE]
  w <- smp$w %||% rep(1, length(smp$y))
  K <- max(g)
  parts <- lapply(seq_len(K), function(k) {
    r <- which(g == k)
    codes <- lapply(smp$codes, function(cd) group_codes(list(cd[r])))
    ff <- fast_fit(X[r, , drop = FALSE], smp$y[r], codes, w[r])
    list(rows = r, fit = ff, score = ff$X * (w[r] * ff$resid), names = colnames(X)[ff$kept])
  })
  p <- vapply(parts, function(pt) ncol(pt$score), 1L)
  off <- c(0L, cumsum(p))
  S <- matrix(0, length(smp$y), sum(p))
  B <- matrix(0, sum(p), sum(p))
  for (k in seq_len(K)) {
    idx <- off[k] + seq_len(p[k])
    S[parts[[k]]$rows, idx] <- parts[[k]]$score
    B[idx, idx] <- parts[[k]]$fit$B
  }
  cl <- if (fit$vcov_type == "cluster") smp$cl_codes else list(seq_along(smp$y) - 1L)
  cm <- cluster_meat(S, cl, fit$ssc %||% ssc())
  G <- min(cm$G)
  V <- B %*% cm$meat %*% B
  pos <- vapply(seq_len(K), function(k) off[k] + match(treat, parts[[k]]$names), 1L)
  if (anyNA(pos)) abort_input("The treatment {.field {treat}} cannot be estimated in every group.", call = NULL)
  vc <- V[pos, pos, drop = FALSE]
  nm <- unlist(lapply(seq_len(K), function(k) paste0(parts[[k]]$names, ":", k)))
  dimnames(V) <- list(nm, nm)
  list(vcov = vc, df = if (fit$vcov_type == "cluster") G - 1L else Inf, vcov_stacked = V,
       n_clusters = G)
}
