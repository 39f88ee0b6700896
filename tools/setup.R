# Main job: install what is missing, install pilotdid from this checkout and
# run the replication on the embedded data. Run from the checkout's top folder:
#   Rscript tools/setup.R [output folder, default "output"]
source("tools/deps.R")
install_missing(deps$main)
if (system2(file.path(R.home("bin"), "R"), c("CMD", "INSTALL", "--preclean", "--no-multiarch", ".")) != 0L) {
  stop("R CMD INSTALL failed")
}
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[1L] else "output"
source("tools/main.R")
run_main(out)
