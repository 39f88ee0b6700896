# Every autoplot(): language, font family, unknown arguments; the CJK font
# check; save_figure(); the placebo, PSM and comparison figure variants.

# One result of every class that has an autoplot() method.
plot_objects <- function() {
  d <- make_staggered(n_id = 40, n_t = 8, seed = 7)
  fit <- twfe(y ~ treat | id + year, data = d)
  e <- make_event_panel(n_id = 60, n_t = 10, seed = 26)
  p <- make_psm_panel(n_id = 60, seed = 14)
  ind <- make_indicators(seed = 3)
  g <- make_group_panel(seed = 90)
  list(
    event_study = event_study(y ~ x1 | id + year, data = e, cohort = "cohort"),
    placebo = placebo_test(fit, n = 30, seed = 1),
    psm = quiet_psm(psm_fml, data = p, treat = ~ever),
    bacon = bacon_decomp(y ~ treat | id + year, data = d),
    compare = compare_estimators(A = sun_abraham(y ~ 1 | id + year, data = d, cohort = "cohort"), B = fit),
    entropy = entropy_index(ind, paste0("x", 1:4), groups = list(a = c("x1", "x2"), b = c("x3", "x4"))),
    heterogeneity = suppressMessages(heterogeneity(twfe(y ~ treat + x1 | id + year, data = g), "region",
                                                   test = "suest")),
    att_gt = att_gt(y ~ 1 | id + year, data = d, cohort = "cohort"),
    sun_abraham = sun_abraham(y ~ 1 | id + year, data = d, cohort = "cohort"),
    did_imputation = did_imputation(y ~ 1 | id + year, data = d, cohort = "cohort", horizon = TRUE),
    twfe = twfe(y ~ treat + x1 | id + year, data = g)
  )
}

has_cjk <- function(x) any(grepl("[\u4e00-\u9fff]", unlist(x)))

test_that("every autoplot() honours lang and family and rejects unknown arguments", {
  for (nm in names(objs <- plot_objects())) {
    obj <- objs[[nm]]
    en <- autoplot(obj)
    zh <- autoplot(obj, lang = "zh", family = "sans")
    labs_en <- lapply(c("x", "y", "caption"), plot_label, p = en)
    labs_zh <- lapply(c("x", "y", "caption"), plot_label, p = zh)
    expect_false(has_cjk(labs_en), label = paste(nm, "English labels"))
    expect_true(has_cjk(labs_zh), label = paste(nm, "Chinese labels"))
    expect_equal(zh$theme$text$family, "sans", label = paste(nm, "family"))
    expect_error(autoplot(obj, langg = "zh"), "langg", class = "pilotdid_error_input")
    expect_error(autoplot(obj, lang = "fr"), class = "pilotdid_error_input")
    expect_error(autoplot(obj, family = 1), class = "pilotdid_error_input")
  }
})

test_that("the CJK font check finds a Chinese font or warns with a fix", {
  fonts <- data.frame(family = c("DejaVu Sans", "Noto Sans CJK SC", "Lato"), stringsAsFactors = FALSE)
  expect_equal(cjk_fonts(fonts), "Noto Sans CJK SC")
  expect_equal(cjk_fonts(data.frame(family = c("WenQuanYi Micro Hei", "SimSun", "Arial"))),
               c("WenQuanYi Micro Hei", "SimSun"))
  expect_no_warning(expect_null(plot_family(NULL, "zh", fonts)))
  expect_equal(plot_family("Kai", "zh", fonts), "Kai")
  expect_null(plot_family(NULL, "en", fonts))
  none <- data.frame(family = c("DejaVu Sans", "Lato"))
  withr::local_options(rlib_warning_verbosity = "verbose")
  expect_warning(out <- plot_family(NULL, "zh", none), "fonts-noto-cjk", class = "pilotdid_warning_font")
  expect_null(out)
  expect_warning(plot_family(NULL, "zh", none[0, , drop = FALSE]), class = "pilotdid_warning_font")
  expect_no_warning(plot_family("sans", "zh", none))
})

test_that("save_figure() writes PDF through cairo and PNG, Chinese text included", {
  skip_if_not(isTRUE(capabilities("cairo")))
  e <- make_event_panel(n_id = 60, n_t = 10, seed = 26)
  es <- event_study(y ~ x1 | id + year, data = e, cohort = "cohort")
  dir <- withr::local_tempdir()
  pdf <- file.path(dir, "es.pdf")
  expect_identical(save_figure(autoplot(es), pdf, width = 12, height = 8), pdf)
  expect_identical(readBin(pdf, "raw", 4L), charToRaw("%PDF"))
  png <- save_figure(autoplot(es), file.path(dir, "es.png"), width = 12, height = 8, dpi = 72)
  expect_identical(readBin(png, "raw", 4L)[2:4], charToRaw("PNG"))
  expect_error(save_figure(autoplot(es), file.path(dir, "es.gif")), class = "pilotdid_error_input")
  cjk <- cjk_fonts()
  skip_if(!length(cjk), "no CJK font on this machine")
  zh <- file.path(dir, "es-zh.pdf")
  save_figure(autoplot(es, lang = "zh"), zh)
  raw <- readBin(zh, "raw", file.size(zh))
  txt <- rawToChar(raw[raw != as.raw(0)])
  # a CJK font is embedded (found by font fallback), not replaced by dots
  embedded <- regmatches(txt, gregexpr("/BaseFont /[A-Z]+\\+[^ /\n]+", txt, useBytes = TRUE))[[1L]]
  expect_true(any(vapply(gsub(" ", "", cjk), function(f) any(grepl(f, embedded, fixed = TRUE)), TRUE)))
})

test_that("placebo figure styles: density, histogram, density with each draw's p-value", {
  d <- make_panel(n_id = 40, n_t = 7, seed = 39)
  fit <- twfe(y ~ treat + x1 | id + year, data = d)
  pt <- placebo_test(fit, n = 60, seed = 3, studentized = TRUE)
  pd <- placebo_plot_data(pt)
  expect_equal(pt$df_t, fit$df_t)
  expect_equal(pd$draws$estimate, pt$estimates$estimate)
  expect_equal(pd$draws$p.value, 2 * stats::pt(-abs(pt$estimates$statistic), fit$df_t))
  g <- autoplot(pt, style = "density_pvalue")
  expect_equal(geom_classes(g), c("GeomHline", "GeomPoint", "GeomLine", "GeomVline", "GeomVline"))
  top <- max(pd$density$y)
  b <- ggplot2::ggplot_build(g)
  expect_equal(b$data[[2]]$y, pd$draws$p.value * top)
  expect_equal(b$data[[1]]$yintercept, 0.1 * top)
  expect_equal(b$data[[5]]$xintercept, pt$actual[["estimate"]])
  expect_equal(geom_classes(autoplot(pt)), c("GeomLine", "GeomVline", "GeomVline"))
  expect_equal(geom_classes(autoplot(pt, style = "histogram"))[1], "GeomRect")
  plain <- placebo_test(fit, n = 20, seed = 3)
  expect_error(autoplot(plain, style = "density_pvalue"), "studentized", class = "pilotdid_error_input")
  expect_true(all(is.na(placebo_plot_data(plain)$draws$p.value)))
})

test_that("PSM balance plot: +-10% reference lines, covariates ordered by unmatched bias", {
  d <- make_psm_panel(n_id = 60, seed = 14)
  res <- quiet_psm(psm_fml, data = d, treat = ~ever)
  g <- autoplot(res)
  b <- ggplot2::ggplot_build(g)
  expect_equal(geom_classes(g), c("GeomVline", "GeomVline", "GeomPoint"))
  expect_equal(b$data[[2]]$xintercept, c(-10, 10))
  expect_equal(levels(g$data$covariate), res$balance$covariate[order(abs(res$balance$bias_before))])
  expect_equal(geom_classes(autoplot(res, threshold = NULL)), c("GeomVline", "GeomPoint"))
  zh <- autoplot(res, lang = "zh", family = "sans")
  expect_equal(levels(zh$data$sample), c("\u5339\u914d\u524d", "\u5339\u914d\u540e"))
})

test_that("event-time axes of the comparison figure have integer breaks", {
  d <- make_staggered(n_id = 40, n_t = 8, seed = 7)
  cmp <- compare_estimators(A = sun_abraham(y ~ 1 | id + year, data = d, cohort = "cohort"),
                            B = did_imputation(y ~ 1 | id + year, data = d, cohort = "cohort", horizon = TRUE))
  b <- ggplot2::ggplot_build(autoplot(cmp))
  br <- b$layout$panel_params[[1]]$x$get_breaks()
  br <- br[!is.na(br)]
  expect_equal(br, sort(unique(compare_plot_data(cmp)$rel_time)))
  expect_true(all(br == round(br)))
})

test_that("estimator figures draw the estimates and intervals of tidy()", {
  d <- make_staggered(n_id = 40, n_t = 8, seed = 7)
  cs <- att_gt(y ~ 1 | id + year, data = d, cohort = "cohort")
  td <- tidy(cs)
  pd <- estimates_plot_data(cs)
  expect_equal(pd[c("x", "estimate", "conf.low", "conf.high", "panel")],
               data.frame(x = td$time, estimate = td$estimate, conf.low = td$conf.low, conf.high = td$conf.high,
                          panel = td$group))
  expect_equal(pd$post, td$post)
  g <- autoplot(cs)
  expect_equal(geom_classes(g), c("GeomHline", "GeomErrorbar", "GeomPoint", "GeomPoint"))
  expect_s3_class(g$facet, "FacetWrap")
  for (type in c("dynamic", "group", "calendar", "simple")) {
    ag <- aggregate(cs, type)
    ta <- tidy(ag)
    pa <- estimates_plot_data(ag)
    rows <- switch(type, dynamic = !is.na(ta$rel_time), group = !is.na(ta$group), calendar = !is.na(ta$time),
                   simple = ta$term == "ATT")
    expect_equal(pa$estimate, ta$estimate[rows], label = type)
    expect_equal(pa$conf.high, ta$conf.high[rows], label = type)
    expect_s3_class(autoplot(ag), "ggplot")
  }
  sa <- sun_abraham(y ~ 1 | id + year, data = d, cohort = "cohort")
  ts <- tidy(sa)
  ps <- estimates_plot_data(sa)
  ev <- ts[!is.na(ts$rel_time), ]
  expect_equal(ps$x, ev$rel_time)
  expect_equal(ps$estimate[!ps$ref], ev$estimate[!ev$ref])
  expect_equal(ps$estimate[ps$ref], rep(0, sum(ev$ref)))
  b <- ggplot2::ggplot_build(autoplot(sa))
  br <- b$layout$panel_params[[1]]$x$get_breaks()
  expect_equal(br[!is.na(br)], sort(unique(ev$rel_time)))
  fit <- twfe(y ~ treat + x1 | id + year, data = make_panel(n_id = 30, n_t = 5, seed = 3))
  pt <- estimates_plot_data(fit, level = 0.9)
  expect_equal(pt$conf.low, unname(confint(fit, level = 0.9)[, 1]))
  expect_equal(pt$label, names(coef(fit)))
  expect_equal(geom_classes(autoplot(fit)), c("GeomVline", "GeomErrorbar", "GeomPoint"))
  expect_error(estimates_plot_data(list()), class = "pilotdid_error_input")
  expect_error(estimates_plot_data(fit, level = 2), class = "pilotdid_error_input")
})
