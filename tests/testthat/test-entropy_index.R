# entropy_index(): oracles are a hand computation written out below and the
# base-R implementation entropy_reference() in helper-entropy.R.

# 4 rows x 3 indicators; x3 is negative.
hand_data <- function() {
  data.frame(x1 = c(1, 2, 3, 5), x2 = c(10, 30, 20, 10), x3 = c(4, 2, 8, 6))
}

test_that("entropy_index() reproduces the hand computation with shift = 0", {
  # Standardised values (min-max; x3 negative: (8 - x) / 6):
  #   x1' = (0, 1/4, 1/2, 1)     S = 7/4  p = (0, 1/7, 2/7, 4/7)
  #   x2' = (0, 1, 1/2, 0)       S = 3/2  p = (0, 2/3, 1/3, 0)
  #   x3' = (2/3, 1, 0, 1/3)     S = 2    p = (1/3, 1/2, 0, 1/6)
  # e_j = -(1 / ln 4) sum_i p ln p with 0 ln 0 = 0:
  #   e1 = -(1/7 ln 1/7 + 2/7 ln 2/7 + 4/7 ln 4/7) / ln 4 = 0.6893917467
  #   e2 = -(2/3 ln 2/3 + 1/3 ln 1/3) / ln 4              = 0.4591479170
  #   e3 = -(1/3 ln 1/3 + 1/2 ln 1/2 + 1/6 ln 1/6) / ln 4 = 0.7295739585
  # d = 1 - e = (0.3106082533, 0.5408520830, 0.2704260415), sum 1.1218863778
  # w = d / sum(d) = (0.2768624875, 0.4820916750, 0.2410458375)
  # score_1 = w3 * 2/3                          = 0.1606972250
  # score_2 = w1 / 4 + w2 + w3                  = 0.7923531344
  # score_3 = w1 / 2 + w2 / 2                   = 0.3794770813
  # score_4 = w1 + w3 / 3                       = 0.3572111000
  fit <- entropy_index(hand_data(), c("x1", "x2", "x3"), negative = "x3", shift = 0,
                       groups = list(a = c("x1", "x2"), b = "x3"))
  w <- fit$weights
  expect_equal(w$indicator, c("x1", "x2", "x3"))
  expect_equal(w$direction, c("positive", "positive", "negative"))
  expect_equal(w$dimension, c("a", "a", "b"))
  expect_equal(w$min, c(1, 10, 2))
  expect_equal(w$max, c(5, 30, 8))
  expect_equal(w$e, c(0.6893917467, 0.4591479170, 0.7295739585), tolerance = 1e-9)
  expect_equal(w$d, c(0.3106082533, 0.5408520830, 0.2704260415), tolerance = 1e-9)
  expect_equal(w$w, c(0.2768624875, 0.4820916750, 0.2410458375), tolerance = 1e-9)
  expect_equal(fit$scores$score, c(0.1606972250, 0.7923531344, 0.3794770813, 0.3572111000),
               tolerance = 1e-9)
  # dimension a = w1 x1' + w2 x2', b = w3 x3'
  expect_equal(fit$scores$a, c(0, 0.5513072969, 0.3794770813, 0.2768624875), tolerance = 1e-9)
  expect_equal(fit$scores$b, c(0.1606972250, 0.2410458375, 0, 0.0803486125), tolerance = 1e-9)
})

test_that("entropy_index() reproduces the hand computation with shift = 0.01", {
  # x' + 0.01:  x1' = (0.01, 0.26, 0.51, 1.01)          S = 1.79
  #             x2' = (0.01, 1.01, 0.51, 0.01)          S = 1.54
  #             x3' = (0.6766667, 1.01, 0.01, 0.3433333) S = 2.04
  #   p1 = (0.0055865922, 0.1452513966, 0.2849162011, 0.5642458101)
  #   p2 = (0.0064935065, 0.6558441558, 0.3311688312, 0.0064935065)
  #   p3 = (0.3316993464, 0.4950980392, 0.0049019608, 0.1683006536)
  #   e = (0.7140182661, 0.5107534905, 0.7502549099)
  #   d = (0.2859817339, 0.4892465095, 0.2497450901)
  #   w = (0.2790138285, 0.4773260860, 0.2436600855)
  fit <- entropy_index(hand_data(), c("x1", "x2", "x3"), negative = "x3", shift = 0.01)
  expect_equal(fit$weights$e, c(0.7140182661, 0.5107534905, 0.7502549099), tolerance = 1e-9)
  expect_equal(fit$weights$d, c(0.2859817339, 0.4892465095, 0.2497450901), tolerance = 1e-9)
  expect_equal(fit$weights$w, c(0.2790138285, 0.4773260860, 0.2436600855), tolerance = 1e-9)
  expect_equal(fit$scores$score, c(0.1724400570, 0.8007396286, 0.3881699572, 0.3702338570),
               tolerance = 1e-9)
  expect_named(fit$scores, "score")
  expect_true(all(is.na(fit$weights$dimension)))
})

test_that("entropy_index() matches the base-R oracle on a panel, pooled", {
  d <- make_indicators(n_id = 40, n_t = 6, k = 6, seed = 11)
  ind <- paste0("x", 1:6)
  fit <- entropy_index(d, ind, negative = c("x2", "x5"))
  ref <- entropy_reference(d[ind], negative = c("x2", "x5"))
  expect_equal(fit$weights$e, unname(ref$e), tolerance = 1e-12)
  expect_equal(fit$weights$d, unname(ref$d), tolerance = 1e-12)
  expect_equal(fit$weights$w, unname(ref$w), tolerance = 1e-12)
  expect_equal(fit$scores$score, ref$score, tolerance = 1e-12)
  expect_equal(nobs(fit), 240L)
})

test_that("weights sum to 1, pooled and in every group of by", {
  d <- make_indicators(n_id = 25, n_t = 7, k = 5, seed = 3)
  ind <- paste0("x", 1:5)
  expect_equal(sum(entropy_index(d, ind)$weights$w), 1, tolerance = 1e-14)
  w <- entropy_index(d, ind, by = "year")$weights
  sums <- tapply(w$w, w$year, sum)
  expect_length(sums, 7L)
  expect_equal(unname(as.vector(sums)), rep(1, 7), tolerance = 1e-14)
  expect_true(all(w$w > 0))
})

test_that("dimension scores add up to the score and use the overall weights", {
  d <- make_indicators(n_id = 20, n_t = 5, k = 5, seed = 4)
  ind <- paste0("x", 1:5)
  groups <- list(labour = c("x4", "x1"), object = "x2", means = c("x3", "x5"))
  fit <- entropy_index(d, ind, negative = "x5", groups = groups)
  expect_named(fit$scores, c("score", "labour", "object", "means"))
  expect_equal(rowSums(fit$scores[c("labour", "object", "means")]), fit$scores$score,
               tolerance = 1e-12)
  ref <- entropy_reference(d[ind], negative = "x5")
  labour <- as.vector(ref$xprime[, c("x4", "x1")] %*% ref$w[c("x4", "x1")])
  expect_equal(fit$scores$labour, labour, tolerance = 1e-12)
  expect_equal(fit$weights$dimension, c("labour", "object", "means", "labour", "means"))
  dims <- summary(fit)$dimensions
  expect_equal(dims$dimension, c("labour", "object", "means"))
  expect_equal(dims$n_indicators, c(2L, 1L, 2L))
  expect_equal(dims$weight, unname(c(sum(ref$w[c("x1", "x4")]), ref$w["x2"], sum(ref$w[c("x3", "x5")]))),
               tolerance = 1e-12)
})

test_that("a single indicator gets weight 1 and its standardised value as score", {
  d <- hand_data()
  fit <- entropy_index(d, "x3", negative = "x3", shift = 0.5)
  expect_equal(fit$weights$w, 1)
  expect_equal(fit$scores$score, c(2 / 3, 1, 0, 1 / 3) + 0.5, tolerance = 1e-14)
  expect_output(print(fit), "\nx3 +- +[0-9.]+ +1.0000$")
})

test_that("rescaling or shifting an indicator changes nothing", {
  d <- make_indicators(n_id = 20, n_t = 6, k = 4, seed = 5)
  ind <- paste0("x", 1:4)
  fit <- entropy_index(d, ind, negative = "x4")
  d2 <- d
  d2$x1 <- d2$x1 * 1000
  d2$x2 <- d2$x2 * 1e-3 + 7
  d2$x4 <- d2$x4 * 250
  fit2 <- entropy_index(d2, ind, negative = "x4")
  expect_equal(fit2$weights$w, fit$weights$w, tolerance = 1e-10)
  expect_equal(fit2$weights$e, fit$weights$e, tolerance = 1e-10)
  expect_equal(fit2$scores, fit$scores, tolerance = 1e-10)
})

test_that("a negative indicator is the same as its negation taken as positive", {
  d <- make_indicators(n_id = 20, n_t = 6, k = 4, seed = 6)
  ind <- paste0("x", 1:4)
  fit <- entropy_index(d, ind, negative = c("x2", "x3"))
  d2 <- d
  d2$x2 <- -d2$x2
  d2$x3 <- -d2$x3
  fit2 <- entropy_index(d2, ind)
  expect_equal(fit2$weights$w, fit$weights$w, tolerance = 1e-13)
  expect_equal(fit2$scores$score, fit$scores$score, tolerance = 1e-13)
  expect_equal(fit$weights$direction, c("positive", "negative", "negative", "positive"))
  # and it differs from treating x2 as positive
  expect_false(isTRUE(all.equal(entropy_index(d, ind)$weights$w, fit$weights$w)))
})

test_that("by = 'year' equals a manual loop over years", {
  d <- make_indicators(n_id = 15, n_t = 4, k = 4, seed = 7)
  d <- d[sample(nrow(d)), ]
  ind <- paste0("x", 1:4)
  groups <- list(a = c("x1", "x2"), b = c("x3", "x4"))
  fit <- entropy_index(d, ind, negative = "x3", groups = groups, by = "year")
  expect_equal(fit$by_levels, 2011:2014)
  expect_equal(names(fit$weights)[1:2], c("year", "indicator"))
  for (yr in 2011:2014) {
    rows <- which(d$year == yr)
    one <- entropy_index(d[rows, ], ind, negative = "x3", groups = groups)
    w <- fit$weights[fit$weights$year == yr, ]
    expect_equal(w$w, one$weights$w, tolerance = 1e-14)
    expect_equal(w$e, one$weights$e, tolerance = 1e-14)
    expect_equal(w$min, one$weights$min)
    expect_equal(fit$scores[rows, ], one$scores, tolerance = 1e-14, ignore_attr = TRUE)
    ref <- entropy_reference(d[rows, ind], negative = "x3")
    expect_equal(w$w, unname(ref$w), tolerance = 1e-12)
  }
  expect_equal(unname(fit$n_by), rep(15L, 4))
  # pooled weights differ from yearly ones
  pooled <- entropy_index(d, ind, negative = "x3")
  expect_false(isTRUE(all.equal(pooled$scores$score, fit$scores$score)))
})

test_that("by accepts character and factor columns", {
  d <- make_indicators(n_id = 10, n_t = 3, k = 3, seed = 8)
  ind <- paste0("x", 1:3)
  fit <- entropy_index(d, ind, by = "year")
  d$yc <- paste0("y", d$year)
  d$yf <- factor(d$year, levels = c(2013, 2012, 2011))
  fc <- entropy_index(d, ind, by = "yc")
  ff <- entropy_index(d, ind, by = "yf")
  expect_equal(fc$scores, fit$scores)
  expect_equal(ff$scores, fit$scores)
  expect_equal(fc$by_levels, c("y2011", "y2012", "y2013"))
  expect_equal(levels(ff$weights$yf), c("2013", "2012", "2011"))
  expect_equal(ff$weights$w[ff$weights$yf == "2012"], fit$weights$w[fit$weights$year == 2012])
})

test_that("predict() on the training data returns the training scores", {
  d <- make_indicators(n_id = 20, n_t = 5, k = 4, seed = 9)
  ind <- paste0("x", 1:4)
  groups <- list(a = c("x1", "x2"), b = c("x3", "x4"))
  fit <- entropy_index(d, ind, negative = "x2", groups = groups)
  expect_equal(predict(fit, d), fit$scores, tolerance = 0)
  expect_identical(predict(fit), fit$scores)
  fy <- entropy_index(d, ind, negative = "x2", by = "year")
  expect_equal(predict(fy, d[nrow(d):1, ]), fy$scores[nrow(d):1, , drop = FALSE],
               tolerance = 0, ignore_attr = TRUE)
})

test_that("predict() scores new rows with the stored range and weights", {
  d <- make_indicators(n_id = 20, n_t = 5, k = 3, seed = 10)
  ind <- paste0("x", 1:3)
  fit <- entropy_index(d[1:80, ], ind, negative = "x3", shift = 0.001)
  new <- d[81:100, ]
  ref <- entropy_reference(d[1:80, ind], negative = "x3", shift = 0.001)
  lo <- sapply(d[1:80, ind], min)
  hi <- sapply(d[1:80, ind], max)
  z <- cbind((new$x1 - lo[1]) / (hi[1] - lo[1]), (new$x2 - lo[2]) / (hi[2] - lo[2]),
             (hi[3] - new$x3) / (hi[3] - lo[3])) + 0.001
  expect_equal(predict(fit, new)$score, as.vector(z %*% ref$w), tolerance = 1e-12)
  new$x1[2] <- NA
  new$x2[5] <- Inf
  expect_snapshot(out <- predict(fit, new))
  expect_equal(which(is.na(out$score)), c(2L, 5L))
})

test_that("predict() rejects bad newdata", {
  d <- make_indicators(n_id = 10, n_t = 4, k = 3, seed = 12)
  ind <- paste0("x", 1:3)
  fy <- entropy_index(d, ind, by = "year")
  new <- d
  new$year[1:3] <- 1999L
  expect_snapshot(predict(fy, new), error = TRUE)
  expect_error(predict(fy, new), class = "pilotdid_error_input")
  expect_error(predict(fy, d[c("x1", "x2", "year")]), class = "pilotdid_error_input")
  expect_error(predict(fy, as.list(d)), class = "pilotdid_error_input")
})

test_that("results are the same for 1 and 2 threads", {
  d <- make_indicators(n_id = 300, n_t = 10, k = 6, seed = 13)
  ind <- paste0("x", 1:6)
  groups <- list(a = paste0("x", 1:3), b = paste0("x", 4:6))
  for (by in list(NULL, "year")) {
    f1 <- entropy_index(d, ind, negative = "x2", groups = groups, by = by, threads = 1)
    f2 <- entropy_index(d, ind, negative = "x2", groups = groups, by = by, threads = 2)
    expect_identical(f1$weights, f2$weights)
    expect_identical(f1$scores, f2$scores)
    expect_identical(predict(f1, d, threads = 2), f1$scores)
  }
})

test_that("shuffling rows permutes the scores and keeps the weights", {
  d <- make_indicators(n_id = 30, n_t = 5, k = 4, seed = 14)
  ind <- paste0("x", 1:4)
  fit <- entropy_index(d, ind, by = "year")
  perm <- withr::with_seed(1, sample(nrow(d)))
  fit2 <- entropy_index(d[perm, ], ind, by = "year")
  expect_equal(fit2$weights, fit$weights, tolerance = 1e-13)
  expect_equal(fit2$scores$score, fit$scores$score[perm], tolerance = 1e-13)
})

test_that("integer indicators give the same index as doubles", {
  d <- make_indicators(n_id = 10, n_t = 4, k = 3, seed = 15)
  expect_type(d$x3, "integer")
  fit <- entropy_index(d, c("x1", "x2", "x3"))
  d$x3 <- as.double(d$x3)
  expect_equal(entropy_index(d, c("x1", "x2", "x3"))$scores, fit$scores, tolerance = 0)
})

test_that("na = 'omit' drops rows, says so, and gives them NA scores", {
  d <- make_indicators(n_id = 10, n_t = 4, k = 3, seed = 16)
  ind <- paste0("x", 1:3)
  d$x1[c(2, 7)] <- NA
  d$x3[c(7, 11)] <- NA
  d$year[20] <- NA
  expect_snapshot(fit <- entropy_index(d, ind, by = "year", na = "omit"))
  keep <- setdiff(seq_len(nrow(d)), c(2, 7, 11, 20))
  ref <- entropy_index(d[keep, ], ind, by = "year")
  expect_equal(fit$nobs, 36L)
  expect_equal(fit$n_dropped, 4L)
  expect_equal(fit$obs, keep)
  expect_equal(nrow(fit$scores), 40L)
  expect_equal(which(is.na(fit$scores$score)), c(2L, 7L, 11L, 20L))
  expect_equal(fit$scores$score[keep], ref$scores$score, tolerance = 0)
  expect_equal(fit$weights, ref$weights)
  expect_equal(predict(fit, d[keep, ]), ref$scores, tolerance = 0, ignore_attr = TRUE)
  withr::local_options(pilotdid.quiet = TRUE)
  expect_no_message(entropy_index(d, ind, by = "year", na = "omit"))
})

test_that("bad input stops with an error naming the column or argument", {
  d <- make_indicators(n_id = 5, n_t = 3, k = 3, seed = 17)
  ind <- paste0("x", 1:3)
  bad <- d
  bad$x2[c(1, 4)] <- NA
  bad$x3[9] <- NA
  inf <- d
  inf$x1[c(3, 5)] <- c(Inf, -Inf)
  const <- d
  const$x2 <- 4
  const_year <- d
  const_year$x3[const_year$year == 2012] <- 1L
  d$chr <- letters[seq_len(nrow(d))]
  d$lst <- I(as.list(seq_len(nrow(d))))
  expect_snapshot(error = TRUE, {
    entropy_index(as.list(d), ind)
    entropy_index(d, c("x1", "nope", "x3"))
    entropy_index(d, c("x1", "chr"))
    entropy_index(d, character())
    entropy_index(d, c(1, 2))
    entropy_index(d, c("x1", "x2", "x1"))
    entropy_index(inf, ind)
    entropy_index(const, ind)
    entropy_index(const_year, ind, by = "year")
    entropy_index(bad, ind)
    entropy_index(d[1, ], ind)
    entropy_index(bad[c(1, 4, 9, 10), ], ind, na = "omit")
    entropy_index(d[d$year != 2012 | d$id == 1, ], ind, by = "year")
    entropy_index(d, ind, negative = c("x1", "x9"))
    entropy_index(d, ind, negative = c("x1", "x1"))
    entropy_index(d, ind, groups = c(a = "x1"))
    entropy_index(d, ind, groups = list(c("x1", "x2"), "x3"))
    entropy_index(d, ind, groups = list(a = c("x1", "x2"), b = c("x2", "x3")))
    entropy_index(d, ind, groups = list(a = c("x1", "x1"), b = c("x2", "x3")))
    entropy_index(d, ind, groups = list(a = c("x1", "x2")))
    entropy_index(d, ind, groups = list(a = c("x1", "x2"), b = c("x3", "x4")))
    entropy_index(d, ind, groups = list(a = c("x1", "x2"), a = "x3"))
    entropy_index(d, ind, groups = list(a = c("x1", "x2"), score = "x3"))
    entropy_index(d, ind, groups = list(a = c("x1", "x2"), b = character()))
    entropy_index(d, ind, by = "region")
    entropy_index(d, ind, by = "x1")
    entropy_index(d, ind, by = c("year", "id"))
    entropy_index(d, ind, by = "lst")
    entropy_index(d, ind, shift = -1)
    entropy_index(d, ind, shift = NA)
    entropy_index(d, ind, threads = 0)
  })
})

test_that("every bad input has class pilotdid_error_input and names the culprit", {
  # the same cases as the snapshot above, checked without snapshots too
  d <- make_indicators(n_id = 5, n_t = 3, k = 3, seed = 17)
  ind <- paste0("x", 1:3)
  d$chr <- letters[seq_len(nrow(d))]
  d$w <- 1
  na_data <- d
  na_data$x2[c(1, 4)] <- NA
  inf <- d
  inf$x1[c(3, 5)] <- c(Inf, -Inf)
  cases <- list(
    list(quote(entropy_index(as.list(d), ind)), "data"),
    list(quote(entropy_index(d, c("x1", "nope"))), "nope"),
    list(quote(entropy_index(d, c("x1", "chr"))), "chr.*character"),
    list(quote(entropy_index(transform(d, x1 = factor(x1)), ind)), "x1.*factor"),
    list(quote(entropy_index(d, character())), "indicators"),
    list(quote(entropy_index(d, c(1, 2))), "indicators"),
    list(quote(entropy_index(d, c(ind, "x2"))), "x2.*listed twice"),
    list(quote(entropy_index(inf, ind)), "x1 \\(2\\)"),
    list(quote(entropy_index(transform(d, x3 = 0), ind)), "x3.*constant"),
    list(quote(entropy_index(transform(d, x3 = ifelse(year == 2012, 1, x3)), ind, by = "year")),
         "x3 in year = 2012"),
    list(quote(entropy_index(na_data, ind)), "x2 \\(2\\)"),
    list(quote(entropy_index(d[1, ], ind)), "at least 2 rows, not 1"),
    list(quote(entropy_index(d[0, ], ind)), "at least 2 rows, not 0"),
    list(quote(entropy_index(d[d$year != 2012 | d$id == 1, ], ind, by = "year")), "2012"),
    list(quote(entropy_index(d, ind, negative = "x9")), "x9"),
    list(quote(entropy_index(d, ind, negative = c("x1", "x1"))), "x1.*listed twice"),
    list(quote(entropy_index(d, ind, groups = c(a = "x1"))), "groups"),
    list(quote(entropy_index(d, ind, groups = list(c("x1", "x2"), "x3"))), "groups"),
    list(quote(entropy_index(d, ind, groups = list(a = c("x1", "x2"), b = c("x2", "x3")))),
         "x2.*more than once \\(in a, b\\)"),
    list(quote(entropy_index(d, ind, groups = list(a = c("x1", "x2")))), "x3.*no dimension"),
    list(quote(entropy_index(d, ind, groups = list(a = c("x1", "x2"), b = c("x3", "x4")))), "x4"),
    list(quote(entropy_index(d, ind, groups = list(a = c("x1", "x2"), a = "x3"))), "a.*twice"),
    list(quote(entropy_index(d, ind, groups = list(a = ind[1:2], score = "x3"))), "score"),
    list(quote(entropy_index(d, ind, by = "region")), "region"),
    list(quote(entropy_index(d, ind, by = "x1")), "x1.*also an indicator"),
    list(quote(entropy_index(d, ind, by = "w")), "w.*clashes"),
    list(quote(entropy_index(d, ind, shift = -1)), "shift"),
    list(quote(entropy_index(d, ind, threads = 0)), "threads")
  )
  for (case in cases) {
    expect_error(eval(case[[1L]]), regexp = case[[2L]], class = "pilotdid_error_input",
                 label = deparse1(case[[1L]]))
  }
  expect_error(entropy_index(d, ind, na = "drop"), "`na` must be one of", class = "pilotdid_error_input")
})

test_that("print() shows a Table-1-like view and summary() returns an object", {
  d <- make_indicators(n_id = 12, n_t = 3, k = 4, seed = 19)
  ind <- paste0("x", 1:4)
  fit <- entropy_index(d, ind, negative = "x4",
                       groups = list(labour = c("x1", "x2"), means = c("x3", "x4")))
  expect_snapshot(print(fit))
  labour <- formatC(sum(fit$weights$w[1:2]), format = "f", digits = 4)
  x4 <- formatC(fit$weights$w[4], format = "f", digits = 4)
  expect_output(print(fit), paste0("\nlabour +", labour, "\n"))
  expect_output(print(fit), paste0("\n  x4 +- +[0-9.]+ +", x4, "$"))
  s <- summary(fit)
  expect_s3_class(s, "summary.pilotdid_entropy_index")
  expect_equal(s$scores$variable, c("score", "labour", "means"))
  expect_equal(s$scores$mean[1], mean(fit$scores$score))
  expect_equal(s$scores$n, c(36L, 36L, 36L))
  expect_snapshot(print(s))
  fy <- entropy_index(d, ind, by = "year")
  expect_snapshot(print(fy))
  sy <- summary(fy)
  expect_equal(sy$by_means$score, as.vector(tapply(fy$scores$score, d$year, mean)))
  expect_snapshot(print(sy))
  many <- make_indicators(n_id = 5, n_t = 8, k = 2, seed = 20)
  expect_snapshot(print(entropy_index(many, c("x1", "x2"), by = "year")))
  expect_output(print(entropy_index(many, c("x1", "x2"), by = "year")), "Mean weight")
})

test_that("tidy() has one row per indicator with broom's columns", {
  d <- make_indicators(n_id = 10, n_t = 3, k = 3, seed = 21)
  ind <- paste0("x", 1:3)
  fit <- entropy_index(d, ind, negative = "x1")
  td <- tidy(fit)
  expect_named(td, c("term", "estimate", "std.error", "statistic", "p.value", "conf.low", "conf.high",
                     "dimension", "direction", "entropy", "divergence", "min", "max"))
  expect_true(all(is.na(td$std.error)))
  expect_equal(td$term, ind)
  expect_equal(td$estimate, fit$weights$w)
  expect_equal(td$divergence, 1 - td$entropy)
  ty <- tidy(entropy_index(d, ind, by = "year"))
  expect_equal(names(ty)[1:2], c("term", "estimate"))
  expect_equal(ty$year, rep(sort(unique(d$year)), each = 3))
  expect_equal(nrow(ty), 9L)
})

test_that("entropy_plot_data() returns the weights drawn by autoplot()", {
  d <- make_indicators(n_id = 10, n_t = 3, k = 4, seed = 22)
  ind <- paste0("x", 1:4)
  fit <- entropy_index(d, ind, groups = list(b = c("x3", "x1"), a = c("x2", "x4")))
  pd <- entropy_plot_data(fit)
  expect_equal(pd$weight, fit$weights$w)
  expect_equal(levels(pd$indicator), c("x3", "x1", "x2", "x4"))
  expect_equal(levels(pd$dimension), c("b", "a"))
  expect_equal(as.character(pd$dimension), c("b", "a", "b", "a"))
  p <- autoplot(fit)
  expect_s3_class(p, "ggplot")
  expect_equal(p$data, pd)
  fy <- entropy_index(d, ind, by = "year")
  pdy <- entropy_plot_data(fy)
  expect_equal(pdy$year, rep(2011:2013, each = 4))
  expect_true(all(is.na(pdy$dimension)))
  expect_s3_class(autoplot(fy), "ggplot")
  expect_error(entropy_plot_data(list()), class = "pilotdid_error_input")
})
