# The constant row of did_table(constant = TRUE): reghdfe's `_cons`.
#
# reghdfe partials the fixed effects out, solves for the slopes b, then adds
# the constant back "through the means" (src/reghdfe.mata,
# reghdfe_extend_b_and_xx()): _cons = mean(y) - mean(X) b, weighted means over
# the estimation sample, and its variance is that of the regression of y on
# [X~ + mean(X), 1] (X~ the demeaned regressors, the residuals unchanged): the
# bread is the inverse of the partitioned cross-product, the scores are the
# residuals times [X~ + mean(X), 1], and the small-sample factor is the
# slopes' one (the constant is one of the fixed effects' degrees of freedom).

# The constant of each column (a one-row coefficient data frame, or NULL when
# the column is not a twfe() fit or its raw regressor means cannot be found).
table_constants <- function(fits, env, call = caller_env()) {
  lapply(fits, function(f) {
    fit <- if (inherits(f, "pilotdid_twfe")) f else if (is.list(f) && inherits(f$fit, "pilotdid_twfe")) f$fit
    if (is.null(fit)) NULL else twfe_constant(fit, env, call)
  })
}

twfe_constant <- function(fit, env, call = caller_env()) {
  s <- fit$sample
  xbar <- fit_x_means(fit, env)
  if (is.null(xbar)) return(NULL)
  w <- fit$weights %||% rep(1, fit$nobs)
  sw <- sum(w)
  b <- fit$coefficients
  est <- sum(w * s$y) / sw - sum(xbar * b)
  Bx <- drop(s$bread %*% xbar)
  B <- rbind(cbind(s$bread, -Bx), c(-Bx, 1 / sw + sum(xbar * Bx)))
  Z <- cbind(sweep(s$X, 2L, xbar, `+`), 1)
  spec <- fit$vcov_spec
  cl <- if (spec$type == "cluster") fit_cluster_codes(fit, spec$cluster, NULL, env, call) else list()
  panel <- if (spec$type %in% c("NW", "DK")) fit_panel(fit) else NULL
  V <- vcov_compute(spec$type, Z, fit$residuals, w, B, s$codes, cl, panel, spec$lag, fit$ssc %||% ssc(),
                    intercept = TRUE)$V
  se <- sqrt(V[nrow(V), ncol(V)])
  stat <- est / se
  data.frame(term = "_cons", estimate = est, std.error = se, statistic = stat,
             p.value = 2 * stats::pt(abs(stat), df = fit$df_t, lower.tail = FALSE))
}

# Weighted means of the raw regressors: stored by twfe(); for a fit made
# from another fit's demeaned sample (heterogeneity() groups), from its data.
fit_x_means <- function(fit, env) {
  s <- fit$sample
  if (!is.null(s$x_mean)) return(s$x_mean[colnames(s$X)])
  tryCatch({
    data <- fit_data(fit, NULL, env)
    main <- parse_fe_formula(fit$formula)$main
    d <- as.data.frame(data)[fit$obs, , drop = FALSE]
    X <- model_data(main, d, NULL)$X[, colnames(s$X), drop = FALSE]
    w <- fit$weights %||% rep(1, nrow(X))
    colSums(X * w) / sum(w)
  }, error = function(e) NULL)
}

# Columns with the constant appended to their coefficients, and the rows with
# a "Constant" row last among the coefficients (its label from `dict`'s
# `_cons`, else Constant / 常数项). Under wild-bootstrap p-values the constant
# gets no stars.
add_constant_row <- function(cols, rows, consts, dict, lang, wild) {
  label <- if ("_cons" %in% names(dict)) dict[["_cons"]] else if (lang == "zh") "\u5e38\u6570\u9879" else "Constant"
  for (j in seq_along(cols)) {
    cn <- consts[[j]]
    if (is.null(cn)) next
    if (wild) cn$p.value <- NA_real_
    cols[[j]]$coef <- rbind(cols[[j]]$coef[names(cn)], cn)
  }
  rows$terms <- c(rows$terms, "_cons")
  rows$labels <- c(rows$labels, label)
  rows$label_of[["_cons"]] <- label
  list(cols = cols, rows = rows)
}
