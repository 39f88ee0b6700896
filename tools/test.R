# Test command: install what the tests need, install pilotdid from this
# checkout, run the whole test suite, and end with "N passed, N failed".
#   Rscript tools/test.R
source("tools/deps.R")
install_missing(unique(c(deps$main, deps$test)))
if (system2(file.path(R.home("bin"), "R"), c("CMD", "INSTALL", "--preclean", "--no-multiarch", ".")) != 0L) {
  stop("R CMD INSTALL failed")
}
library(testthat)
Sys.setenv(NOT_CRAN = "true")
res <- testthat::test_dir("tests/testthat", package = "pilotdid", load_package = "installed",
                          reporter = testthat::ProgressReporter$new(show_praise = FALSE),
                          stop_on_failure = FALSE)
df <- as.data.frame(res)
failed <- sum(df$failed) + sum(df$error)
cat(sprintf("%d passed, %d failed, %d skipped\n", sum(df$passed), failed, sum(df$skipped)))
quit(status = if (failed > 0) 1L else 0L)
