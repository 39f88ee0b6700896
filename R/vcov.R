# The one variance function: every standard error pilotdid reports comes from
# vcov_compute(), at fit time (twfe()) or afterwards (vcov(), summary(),
# tidy(), confint(), did_table() with `vcov =`), from the fit's stored
# demeaned regressors, residuals and bread; nothing is refitted.

#' Small-sample corrections of the variance
#'
#' The corrections applied by [twfe()] and [vcov.pilotdid_twfe()], with the
#' names and defaults of `fixest::ssc()`, so that standard errors agree with
#' fixest.
#'
#' @param K.adj Multiply by \eqn{(n-1)/(n-K)} (clustered) or use \eqn{n-K}
#'   degrees of freedom (iid, HC1, Newey-West, Driscoll-Kraay).
#' @param K.fixef How the fixed effects count in \eqn{K}: `"nonnested"` (those
#'   not nested in a cluster variable), `"full"` (all) or `"none"`.
#' @param G.adj Multiply a clustered variance by \eqn{G/(G-1)}.
#' @param G.df With several cluster variables, `"min"` uses the smallest
#'   \eqn{G} in every term; `"conventional"` each term's own \eqn{G}.
#' @param t.df Degrees of freedom of t tests with clustering: `"min"`
#'   (\eqn{G_{min} - 1}) or `"conventional"` (\eqn{n - K}).
#' @return An object of class `pilotdid_ssc`.
#' @family estimators
#' @export
#' @examples
#' d <- simulate_panel(n_id = 40, n_t = 6, seed = 1)
#' fit <- twfe(y ~ treat + x1 | id + year, data = d)
#' vcov(fit, ssc = ssc(K.fixef = "full"))
ssc <- function(K.adj = TRUE, K.fixef = c("nonnested", "full", "none"), G.adj = TRUE,
                G.df = c("min", "conventional"), t.df = c("min", "conventional")) {
  check_flag(K.adj, "K.adj")
  check_flag(G.adj, "G.adj")
  structure(list(K.adj = K.adj, K.fixef = check_choice(K.fixef, c("nonnested", "full", "none"), "K.fixef"),
                 G.adj = G.adj, G.df = check_choice(G.df, c("min", "conventional"), "G.df"),
                 t.df = check_choice(t.df, c("min", "conventional"), "t.df")),
            class = "pilotdid_ssc")
}

check_ssc <- function(x, call = caller_env()) {
  if (is.null(x)) return(ssc())
  if (!inherits(x, "pilotdid_ssc")) abort_input("{.arg ssc} must be made by {.fn ssc}.", call = call)
  x
}

# ---- what the user asked for ----------------------------------------------------------

vcov_aliases <- c(iid = "iid", standard = "iid", normal = "iid", hetero = "hetero", hc1 = "hetero",
                  white = "hetero", cluster = "cluster", twoway = "cluster", threeway = "cluster",
                  fourway = "cluster", nw = "NW", newey_west = "NW", dk = "DK", driscoll_kraay = "DK")

# A variance request: list(type, cluster = list of character vectors (a^b is
# c("a", "b")), lag). `fe` are the fit's fixed effects (the default clusters),
# `current` the request of the fit (used when neither `vcov` nor `cluster` is
# given).
vcov_spec <- function(vcov = NULL, cluster = NULL, fe, lag = NULL, current = NULL, call = caller_env()) {
  if (!is.null(lag) && (!is.numeric(lag) || length(lag) != 1L || is.na(lag) || lag < 0 || lag != round(lag))) {
    abort_input("{.arg lag} must be a whole number >= 0.", call = call)
  }
  if (is.null(vcov) && is.null(cluster)) {
    if (!is.null(current)) return(utils::modifyList(current, list(lag = lag %||% current$lag)))
    vcov <- "cluster"
  }
  if (inherits(vcov, "formula")) {
    if (!is.null(cluster)) abort_input("Give the clusters in {.arg vcov} or in {.arg cluster}, not both.", call = call)
    return(cluster_request(vcov, "vcov", fe, call))
  }
  if (is.null(vcov)) return(cluster_request(cluster, "cluster", fe, call))
  if (!is.character(vcov) || length(vcov) != 1L || is.na(vcov) || !tolower(vcov) %in% names(vcov_aliases)) {
    abort_input(c("{.arg vcov} must be {one_of(c(\"iid\", \"hetero\", \"HC1\", \"cluster\", \"twoway\", \"NW\", \"DK\"))} or a one-sided formula of cluster variables such as {.code ~id}.",
                  "x" = "Got {.val {format(vcov)}}."), call = call)
  }
  key <- tolower(vcov)
  type <- vcov_aliases[[key]]
  if (type != "cluster" && !is.null(cluster)) {
    abort_input("{.arg cluster} is given but {.code vcov = \"{vcov}\"} does not cluster.", call = call)
  }
  if (type %in% c("NW", "DK")) {
    if (length(fe) < 2L) abort_input("{.code vcov = \"{vcov}\"} needs a unit and a time fixed effect (the first two).", call = call)
    return(list(type = type, cluster = list(), lag = lag))
  }
  if (!is.null(lag)) abort_input("{.arg lag} is only used with {.code vcov = \"NW\"} or {.code \"DK\"}.", call = call)
  if (type != "cluster") return(list(type = type, cluster = list(), lag = NULL))
  ways <- match(key, c("cluster", "twoway", "threeway", "fourway"))
  if (ways > 1L) {
    if (!is.null(cluster)) abort_input("{.code vcov = \"{vcov}\"} clusters by the first {ways} fixed effects; {.arg cluster} cannot be given too.", call = call)
    if (length(fe) < ways) abort_input("{.code vcov = \"{vcov}\"} needs {ways} fixed effects; the model has {length(fe)}.", call = call)
    return(list(type = "cluster", cluster = lapply(fe[seq_len(ways)], split_fe_name), lag = NULL))
  }
  if (is.null(cluster)) return(list(type = "cluster", cluster = list(split_fe_name(fe[1L])), lag = NULL, default = TRUE))
  cluster_request(cluster, "cluster", fe, call)
}

split_fe_name <- function(x) strsplit(x, "^", fixed = TRUE)[[1L]]

# Cluster variables from `~a + b^c` or c("a", "b").
cluster_request <- function(x, arg, fe, call) {
  vars <- if (is.character(x)) {
    if (!length(x) || anyNA(x)) abort_input("{.arg {arg}} must name at least one column.", call = call)
    lapply(x, split_fe_name)
  } else if (inherits(x, "formula")) {
    lapply(split_plus(x[[length(x)]]), function(t) split_hat(t, call))
  } else {
    abort_input("{.arg {arg}} must be a one-sided formula such as {.code ~id} or column names.", call = call)
  }
  if (length(vars) > 4L) abort_input("{.arg {arg}} takes one to four cluster variables, not {length(vars)}.", call = call)
  list(type = "cluster", cluster = vars, lag = NULL)
}

# ---- the computation ------------------------------------------------------------------

# Variance of the coefficients from the demeaned regressors X (kept columns),
# residuals e, weights w (NULL or empty: 1), bread B = (X'WX)^-1, the
# fixed-effect codes and, by request type, the cluster codes (a list) or the
# panel (unit and time codes, time codes in time order). `intercept = TRUE`: the last column of X is
# reghdfe's constant, already counted in K with the fixed effects.
vcov_compute <- function(type, X, e, w, B, codes, cl_codes = list(), panel = NULL, lag = NULL,
                         ssc = NULL, threads = 1L, intercept = FALSE) {
  ssc <- ssc %||% ssc()
  n <- length(e)
  p <- ncol(X) - intercept
  G_fe <- n_levels(codes)
  nested <- if (type == "cluster") {
    vapply(codes, function(fe) any(vapply(cl_codes, function(cl) identical(cl, fe) || is_nested(fe, cl), TRUE)), TRUE)
  } else {
    rep(FALSE, length(codes))
  }
  K <- p + switch(ssc$K.fixef, none = 0L, full = 1L + sum(G_fe - 1L), nonnested = 1L + sum(G_fe[!nested] - 1L))
  if (length(codes) == 0L && ssc$K.fixef != "none") K <- p + 1L
  adj_K <- if (ssc$K.adj) (n - 1) / (n - K) else 1
  sandwich <- function(meat) B %*% meat %*% B
  if (!length(w)) w <- NULL   # NULL or empty: weights 1
  out <- switch(type,
    iid = list(V = B * sum(if (is.null(w)) e^2 else w * e^2) / (if (ssc$K.adj) n - K else n - 1),
               df_t = n - K, G = integer()),
    hetero = list(V = (if (ssc$K.adj) n / (n - K) else 1) * sandwich(cpp_vcov_meat(X, e, w %||% numeric(), integer(), 0L, threads)),
                  df_t = n - K, G = integer()),
    cluster = vcov_cluster(X, e, w, cl_codes, sandwich, adj_K, ssc, n, K, threads),
    NW = , DK = vcov_hac(type, X, e, w, panel, lag, sandwich, adj_K, ssc, n, K))
  V <- psd_repair(out$V)
  list(V = V$V, K = K, df_t = out$df_t, G = out$G, repaired = V$repaired, lag = out$lag)
}

# Multi-way clustering by inclusion-exclusion (Cameron, Gelbach and Miller):
# the sum over non-empty sets S of cluster variables of (-1)^(|S|+1) V_S, V_S
# clustered on the intersection of S.
vcov_cluster <- function(X, e, w, cl_codes, sandwich, adj_K, ssc, n, K, threads) {
  cm <- cluster_meat(X, cl_codes, ssc, threads, e = if (is.null(w)) e else w * e)
  df_t <- if (ssc$t.df == "min") min(cm$G) - 1L else n - K
  list(V = adj_K * sandwich(cm$meat), df_t = df_t, G = cm$G)
}

# Sum over clusters of the outer products of the cluster sums of the score
# rows S (times `e` when given: X and w * e, without forming their product),
# combined over several cluster variables by inclusion-exclusion,
# each term with its G/(G-1) factor (the smallest G with G.df = "min").
cluster_meat <- function(S, cl_codes, ssc = ssc(), threads = 1L, e = NULL) {
  Gc <- n_levels(cl_codes)
  Gmin <- min(Gc)
  m <- length(cl_codes)
  meat <- 0
  for (s in seq_len(2^m - 1L)) {
    set <- which(bitwAnd(s, 2^(seq_len(m) - 1L)) > 0)
    cd <- if (length(set) == 1L) cl_codes[[set]] else group_codes(unname(cl_codes[set]))
    G <- n_levels(list(cd))
    fac <- if (!ssc$G.adj) 1 else if (ssc$G.df == "min") Gmin / (Gmin - 1) else G / (G - 1)
    meat <- meat + (-1)^(length(set) + 1L) * fac * cpp_vcov_meat(S, e %||% numeric(), numeric(), cd, G, threads)
  }
  list(meat = meat, G = Gc)
}

# Newey-West within each unit's time series (panel) and Driscoll-Kraay
# (cross-sectional sums per period, then Newey-West over periods), Bartlett
# weights 1 - l/(lag + 1).
vcov_hac <- function(type, X, e, w, panel, lag, sandwich, adj_K, ssc, n, K) {
  S <- X * (if (is.null(w)) e else w * e)
  tt <- panel$time
  Tn <- max(tt) + 1L
  lag <- lag %||% floor(Tn^0.25)
  meat <- if (type == "DK") {
    St <- rowsum(S, tt, reorder = TRUE)
    full <- matrix(0, Tn, ncol(S))
    full[sort(unique(tt)) + 1L, ] <- St
    hac_meat(list(full), lag)
  } else {
    if (anyDuplicated(panel$unit * Tn + tt)) {
      abort_input("{.code vcov = \"NW\"} needs one row per unit and period; the sample has duplicates (use {.code vcov = \"DK\"}).",
                  call = NULL)
    }
    meat <- crossprod(S)
    ord <- order(panel$unit, tt)
    u <- panel$unit[ord]
    to <- tt[ord]
    So <- S[ord, , drop = FALSE]
    for (l in seq_len(min(lag, Tn - 2L))) {
      # pairs (i, j) of the same unit with time(j) = time(i) + l
      key_i <- u * Tn + to
      j <- match(key_i + l, key_i)
      ok <- which(!is.na(j) & to + l < Tn)
      if (!length(ok)) next
      G <- crossprod(So[ok, , drop = FALSE], So[j[ok], , drop = FALSE])
      meat <- meat + (1 - l / (lag + 1)) * (G + t(G))
    }
    meat
  }
  adj_T <- if (ssc$G.adj) Tn / (Tn - 1) else 1
  list(V = adj_T * adj_K * sandwich(meat), df_t = if (ssc$t.df == "min") Tn - 1L else n - K,
       G = integer(), lag = lag)
}

hac_meat <- function(series, lag) {
  S <- series[[1L]]
  meat <- crossprod(S)
  Tn <- nrow(S)
  for (l in seq_len(min(lag, Tn - 2L))) {
    G <- crossprod(S[(l + 1L):Tn, , drop = FALSE], S[seq_len(Tn - l), , drop = FALSE])
    meat <- meat + (1 - l / (lag + 1)) * (G + t(G))
  }
  meat
}

# A covariance matrix that is not positive definite (possible with
# multi-way clustering) is repaired as fixest repairs it: eigenvalues below
# 1e-16 are set to 1e-16. `repaired` is TRUE when that changed the matrix
# beyond rounding (a negative eigenvalue), which the caller reports.
psd_repair <- function(V) {
  if (!length(V)) return(list(V = V, repaired = FALSE))
  ev <- eigen(V, symmetric = TRUE)
  if (all(ev$values > 0)) return(list(V = V, repaired = FALSE))
  V2 <- tcrossprod(ev$vectors %*% diag(pmax(ev$values, 1e-16), nrow(V)), ev$vectors)
  dimnames(V2) <- dimnames(V)
  list(V = V2, repaired = min(ev$values) < -1e-12 * max(abs(ev$values)))
}
