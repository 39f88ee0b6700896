# The suite once more against the current CRAN releases of ggplot2, vdiffr,
# tinytable and knitr
# (and their dependencies), installed by tools/cran-lib.R into a private
# library, with pilotdid from the library given as argument (by default the
# one R CMD check installed). Ends with "cran: N passed, N failed, N skipped".
#   Rscript tools/test-cran.R [pilotdid library]
args <- commandArgs(trailingOnly = TRUE)
pkg_lib <- normalizePath(if (length(args)) args[1] else "pilotdid.Rcheck", mustWork = TRUE)
lib <- Sys.getenv("PILOTDID_CRAN_LIB", file.path(tools::R_user_dir("pilotdid", "cache"), "cran-lib"))
rscript <- file.path(R.home("bin"), "Rscript")
if (system2(rscript, c("tools/cran-lib.R", shQuote(lib))) != 0L) stop("Could not install the CRAN packages.")
code <- '
library(testthat)
Sys.setenv(NOT_CRAN = "true")
cat("ggplot2", format(packageVersion("ggplot2")), "from", dirname(find.package("ggplot2")), "\n")
res <- testthat::test_dir("tests/testthat", package = "pilotdid", load_package = "installed",
                          reporter = testthat::ProgressReporter$new(show_praise = FALSE), stop_on_failure = FALSE)
df <- as.data.frame(res)
failed <- sum(df$failed) + sum(df$error)
cat(sprintf("cran: %d passed, %d failed, %d skipped\n", sum(df$passed), failed, sum(df$skipped)))
quit(status = if (failed > 0) 1L else 0L)
'
status <- system2(rscript, c("-e", shQuote(code)),
                  env = paste0("R_LIBS=", paste(c(lib, pkg_lib, .libPaths()), collapse = .Platform$path.sep)))
quit(status = status)
