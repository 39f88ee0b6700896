# Every result class answers the same methods with the documented columns.

test_that("every result has print, summary, tidy, glance, coef and nobs", {
  res <- every_result()
  broom_cols <- c("term", "estimate", "std.error", "statistic", "p.value", "conf.low", "conf.high")
  for (verb in names(res)) {
    x <- res[[verb]]
    expect_s3_class(x, paste0("pilotdid_", verb))
    expect_output(print(x), label = verb)
    expect_true(is.list(summary(x)), label = paste(verb, "summary"))
    td <- tidy(x)
    expect_s3_class(td, "data.frame")
    expect_true(all(broom_cols %in% names(td)), label = paste(verb, "tidy columns"))
    gl <- glance(x)
    expect_s3_class(gl, "data.frame")
    # one row per model: twfe_steps() holds one model per step
    expect_equal(nrow(gl), if (verb == "twfe_steps") length(x) else 1L, label = paste(verb, "glance rows"))
    b <- coef(x)
    expect_true(is.numeric(b) && length(b) > 0 && !is.null(names(b)), label = paste(verb, "coef"))
    n <- nobs(x)
    expect_true(is.numeric(n) && length(n) == 1L && n > 0, label = paste(verb, "nobs"))
  }
})
