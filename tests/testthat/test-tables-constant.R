# did_table(constant = TRUE): reghdfe's _cons, checked against a hand
# computation: slopes from lm() with the fixed-effect dummies, the constant
# mean(y) - mean(X) b (weighted), its variance from lm() of y~ + mean(y) on
# X~ + mean(X) (the demeaned columns from lm.wfit() on the dummies) with the
# sandwich package's HC0 sandwich and the small-sample factor written out.

# The constant and its SE by hand; `K` = slopes + the fixed effects' degrees
# of freedom (the constant among them), as in reghdfe.
hand_constant <- function(d, xs, w = rep(1, nrow(d)), type = c("cluster", "hetero", "iid"), K) {
  type <- match.arg(type)
  D <- stats::model.matrix(~ factor(id) + factor(year), d)
  X <- as.matrix(d[xs])
  ref <- stats::lm(stats::reformulate(c(xs, "factor(id)", "factor(year)"), "y"), data = d, weights = w)
  b <- stats::coef(ref)[xs]
  xbar <- colSums(X * w) / sum(w)
  ybar <- sum(w * d$y) / sum(w)
  est <- ybar - sum(xbar * b)
  Xt <- stats::lm.wfit(D, X, w)$residuals
  yt <- stats::lm.wfit(D, d$y, w)$residuals
  Z <- sweep(as.matrix(Xt), 2L, xbar, `+`)
  m <- stats::lm(I(yt + ybar) ~ Z, weights = w)
  n <- nrow(d)
  V <- switch(type,
              cluster = sandwich::vcovCL(m, cluster = d$id, type = "HC0", cadjust = TRUE) * (n - 1) / (n - K),
              hetero = sandwich::vcovHC(m, type = "HC0") * n / (n - K),
              iid = sum(w * stats::residuals(m)^2) / (n - K) * solve(crossprod(cbind(1, Z) * sqrt(w))))
  c(estimate = est, intercept = unname(stats::coef(m)[1L]), se = sqrt(V[1L, 1L]))
}

cons_cells <- function(tab) {
  r <- which(tab$cells[, 1L] %in% c("Constant", "\u5e38\u6570\u9879"))
  tab$cells[c(r, r + 1L), -1L, drop = FALSE]
}

test_that("the constant row is reghdfe's _cons with its clustered, robust and iid SE", {
  skip_if_not_installed("sandwich")
  d <- make_panel(n_id = 40, n_t = 6, seed = 141, drop_share = 0.1)
  d$wt <- 0.5 + (d$id %% 5) / 4 + (d$year %% 3) / 7
  n_t <- length(unique(d$year))
  n_id <- length(unique(d$id))
  cases <- list(
    list(fit = twfe(y ~ treat + x1 | id + year, data = d), xs = c("treat", "x1"), w = rep(1, nrow(d)),
         type = "cluster", K = 2 + 1 + (n_t - 1)),
    list(fit = twfe(y ~ treat + x1 + x2 | id + year, data = d, weights = ~wt, vcov = "hetero"),
         xs = c("treat", "x1", "x2"), w = d$wt, type = "hetero", K = 3 + 1 + (n_id - 1) + (n_t - 1)),
    list(fit = twfe(y ~ treat + x2 | id + year, data = d, vcov = "iid"), xs = c("treat", "x2"),
         w = rep(1, nrow(d)), type = "iid", K = 2 + 1 + (n_id - 1) + (n_t - 1)))
  for (cs in cases) {
    ref <- hand_constant(d, cs$xs, cs$w / mean(cs$w), cs$type, cs$K)
    expect_equal(ref[["intercept"]], ref[["estimate"]], tolerance = 1e-10)
    tab <- did_table(cs$fit, constant = TRUE)
    got <- tidy(tab)
    got <- got[got$term == "_cons", ]
    expect_equal(got$estimate, ref[["estimate"]], tolerance = 1e-8)
    expect_equal(got$std.error, ref[["se"]], tolerance = 1e-8)
    expect_equal(got$p.value, 2 * stats::pt(-abs(ref[["estimate"]] / ref[["se"]]), cs$fit$df_t), tolerance = 1e-8)
    expect_equal(cons_cells(tab)[, 1L], c(paste0(sprintf("%.3f", ref[["estimate"]]),
                                                  strrep("*", sum(got$p.value < c(0.1, 0.05, 0.01)))),
                                           sprintf("(%.3f)", ref[["se"]])))
  }
})

test_that("the constant follows did_table(vcov =, cluster =) and sits last among the coefficients", {
  skip_if_not_installed("sandwich")
  d <- make_panel(n_id = 40, n_t = 6, seed = 142)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  het <- twfe(y ~ treat + x1 | id + year, data = d, vcov = "hetero")
  expect_identical(did_table(fit, vcov = "hetero", constant = TRUE)$cells, did_table(het, constant = TRUE)$cells)
  tab <- did_table(fit, constant = TRUE, keep = "treat")
  expect_equal(tab$cells[tab$row_type == "coef", 1L], c("treat", "Constant"))
  expect_equal(tab$row_type[which(tab$cells[, 1L] == "Constant") + 1L], "se")
  expect_equal(tab$cells[tab$cells[, 1L] == "Controls", 2L], "YES")
  zh <- did_table(fit, constant = TRUE, lang = "zh")
  expect_identical(cons_cells(zh), cons_cells(tab))
  expect_true("\u5e38\u6570\u9879" %in% zh$cells[, 1L])
  own <- did_table(fit, constant = TRUE, labels = c("_cons" = "Intercept"))
  expect_true("Intercept" %in% own$cells[, 1L])
  expect_false(any(did_table(fit)$cells[, 1L] == "Constant"))
})

test_that("subgroup fits get their constant from the data; other results an empty cell", {
  skip_if_not_installed("sandwich")
  d <- make_panel(n_id = 40, n_t = 6, seed = 143)
  d$big <- as.integer(d$id <= 20)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  h <- heterogeneity(fit, by = "big", test = "suest")
  tab <- did_table(h, constant = TRUE)
  for (g in 0:1) {
    sub <- d[d$big == g, ]
    ref <- hand_constant(sub, c("treat", "x1"), type = "cluster", K = 2 + 1 + (length(unique(sub$year)) - 1))
    expect_equal(tab$coefs$estimate[tab$coefs$term == "_cons"][g + 1L], ref[["estimate"]], tolerance = 1e-8)
    expect_equal(tab$coefs$std.error[tab$coefs$term == "_cons"][g + 1L], ref[["se"]], tolerance = 1e-8)
  }
  registerS3method("tidy", "pd_test_cons", function(x, ...) data.frame(term = "treat", estimate = 0.5, std.error = 0.1),
                   envir = asNamespace("generics"))
  other <- structure(list(), class = "pd_test_cons")
  tab <- did_table(fit, other, constant = TRUE)
  expect_equal(unname(cons_cells(tab)[, 2L]), c("", ""))
  expect_true(all(nzchar(cons_cells(tab)[, 1L])))
  expect_error(did_table(fit, constant = NA), class = "pilotdid_error_input")
})

test_that("with wild-bootstrap p-values the constant keeps its estimate and SE but has no stars", {
  d <- make_panel(n_id = 30, n_t = 5, seed = 144, effect = 1)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  tab <- did_table(fit, constant = TRUE, p = "wild", wild = list(n = 99, seed = 1))
  ref <- did_table(fit, constant = TRUE)
  cons <- tidy(tab)[tidy(tab)$term == "_cons", ]
  expect_equal(cons[c("estimate", "std.error")], tidy(ref)[tidy(ref)$term == "_cons", c("estimate", "std.error")])
  expect_true(is.na(cons$p.value))
  expect_false(grepl("*", cons_cells(tab)[1L, 1L], fixed = TRUE))
})
