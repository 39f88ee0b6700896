test_that("event_plot_data() returns the numbers drawn, at the chosen level and language", {
  d <- make_event_panel(n_id = 80, n_t = 12, seed = 26)
  es <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort")
  pd <- event_plot_data(es, level = 0.9)
  expect_equal(pd$rel_time, -5:5)
  expect_equal(pd$estimate, es$table$estimate)
  q <- stats::qt(0.95, es$fit$df_t)
  real <- !pd$ref
  expect_equal(pd$conf.low[real], es$table$estimate[real] - q * es$table$std.error[real])
  expect_equal(pd$conf.high[real], es$table$estimate[real] + q * es$table$std.error[real])
  expect_equal(unlist(pd[pd$ref, c("estimate", "conf.low", "conf.high")]), c(0, 0, 0), ignore_attr = TRUE)
  expect_equal(pd$binned, es$table$binned)
  expect_equal(pd$label, c("\u2264\u22125", paste0("\u2212", 4:1), as.character(0:4), "\u22655"))
  zh <- event_plot_data(es, lang = "zh")
  expect_equal(zh$label[zh$rel_time %in% c(-5, -4, 0, 4, 5)],
               c("\u653f\u7b56\u524d5\u671f\u53ca\u4ee5\u524d", "\u653f\u7b56\u524d4\u671f",
                 "\u653f\u7b56\u5f53\u671f", "\u653f\u7b56\u540e4\u671f",
                 "\u653f\u7b56\u540e5\u671f\u53ca\u4ee5\u540e"))
  expect_error(event_plot_data(es, level = 1.5), class = "pilotdid_error_input")
  expect_error(event_plot_data(es$fit), class = "pilotdid_error_input")
})

test_that("autoplot() draws the plot data with the expected layers", {
  d <- make_event_panel(n_id = 80, n_t = 12, seed = 26)
  es <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort")
  p <- autoplot(es, level = 0.9)
  expect_s3_class(p, "ggplot")
  expect_equal(geom_classes(p), c("GeomHline", "GeomVline", "GeomErrorbar", "GeomPoint", "GeomPoint"))
  pd <- event_plot_data(es, level = 0.9)
  expect_equal(p$layers[[3]]$data, pd[!pd$ref, ], ignore_attr = TRUE)
  expect_equal(p$layers[[5]]$data$rel_time, -1L)
  expect_equal(p$layers[[1]]$data$yintercept, 0)
  expect_equal(p$layers[[1]]$aes_params$linetype, "dashed")
  expect_equal(p$layers[[2]]$data$xintercept, -0.5)
  b <- ggplot2::ggplot_build(p)
  expect_equal(b$data[[3]]$ymin, pd$conf.low[!pd$ref])
  expect_equal(b$data[[4]]$y, pd$estimate[!pd$ref])
  axis <- b$layout$panel_params[[1]]$x$get_labels()
  expect_true(is.expression(axis) || is.list(axis))   # ggplot2 4 gives a list of calls
  expect_equal(vapply(as.list(axis), deparse1, ""), c("\"\" <= -5", paste0("-", 4:1), as.character(0:4), "\"\" >= 5"))
  expect_equal(b$layout$panel_params[[1]]$x$get_breaks(), -5:5)
  expect_match(plot_label(p, "y"), "90% confidence interval")
  expect_match(plot_label(p, "caption"), "reference period (-1)", fixed = TRUE)

  r <- autoplot(es, type = "ribbon", lang = "zh", family = "sans")
  expect_equal(geom_classes(r), c("GeomHline", "GeomVline", "GeomRibbon", "GeomLine", "GeomPoint", "GeomPoint"))
  expect_equal(r$layers[[3]]$data$conf.low, event_plot_data(es)$conf.low)
  expect_equal(plot_label(r, "x"), "\u76f8\u5bf9\u653f\u7b56\u5b9e\u65bd\u7684\u65f6\u671f")
  expect_match(plot_label(r, "y"), "95%")
  expect_equal(r$theme$text$family, "sans")
  expect_equal(ggplot2::ggplot_build(r)$layout$panel_params[[1]]$x$get_labels(),
               event_plot_data(es, lang = "zh")$label)

  p2 <- p + ggplot2::geom_hline(yintercept = 1)
  expect_length(p2$layers, 6L)
  path <- withr::local_tempfile(fileext = ".pdf")
  grDevices::pdf(path)
  out <- withVisible(plot(es, type = "ribbon"))
  grDevices::dev.off()
  expect_false(out$visible)
  expect_s3_class(out$value, "ggplot")
})

# One figure per test: a skipped expect_doppelganger() ends its test, and the
# snapshots of later calls in the same test would be deleted as unused.
test_that("the event-study figure with error bars is stable (vdiffr)", {
  skip_if_not_installed("vdiffr")
  d <- make_event_panel(n_id = 80, n_t = 12, seed = 26)
  es <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort")
  expect_figure("event study errorbar", autoplot(es), "event_study-plot")
})

test_that("the event-study figure with a ribbon is stable (vdiffr)", {
  skip_if_not_installed("vdiffr")
  d <- make_event_panel(n_id = 80, n_t = 12, seed = 26)
  es <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort")
  expect_figure("event study ribbon", autoplot(es, type = "ribbon", level = 0.9), "event_study-plot")
})
