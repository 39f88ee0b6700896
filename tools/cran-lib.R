# Install the current CRAN releases of the packages behind pilotdid's figures
# and tables (ggplot2, vdiffr, tinytable and the knitr it needs, with every
# dependency older on this machine than on CRAN) into a private library, so that the suite can run against
# what users get from CRAN as well as against Debian's older packages.
#   Rscript tools/cran-lib.R <library>
lib <- commandArgs(trailingOnly = TRUE)[1]
if (is.na(lib)) stop("usage: Rscript tools/cran-lib.R <library>")
dir.create(lib, recursive = TRUE, showWarnings = FALSE)
.libPaths(c(lib, .libPaths()))
repos <- getOption("repos")
if (is.null(repos) || any(repos == "@CRAN@")) stop("No CRAN mirror is set: set options(repos = ...) first.")
ap <- utils::available.packages()
# these with their dependencies; testthat (the harness, not the
# figures) stays the machine's, so that snapshots keep one format
hard <- c("Depends", "Imports", "LinkingTo")
top <- c("ggplot2", "vdiffr", "tinytable", "knitr", "xfun", "highr")
direct <- setdiff(unlist(tools::package_dependencies(top, db = ap, which = hard)), "testthat")
deps <- unique(c(top, direct,
                 unlist(tools::package_dependencies(direct, db = ap, which = hard, recursive = TRUE))))
deps <- intersect(deps, rownames(ap))   # base and recommended packages are not on CRAN's list
installed <- function(p) {
  path <- find.package(p, lib.loc = .libPaths(), quiet = TRUE)
  if (!length(path)) return("0.0")
  read.dcf(file.path(path[1L], "DESCRIPTION"), "Version")[1L]
}
old <- deps[vapply(deps, function(p) package_version(installed(p)) < package_version(ap[p, "Version"]), TRUE)]
Sys.setenv(USE_BUNDLED_LIBUV = "1")   # fs builds its own libuv: no system library needed
if (length(old)) {
  message("Installing the current CRAN releases into ", lib, ": ", paste(old, collapse = " "))
  utils::install.packages(old, lib = lib, Ncpus = max(1L, parallel::detectCores()), quiet = TRUE)
}
still <- old[vapply(old, function(p) package_version(installed(p)) < package_version(ap[p, "Version"]), TRUE)]
if (length(still)) stop("Could not install the current CRAN release of: ", paste(still, collapse = ", "))
cat("ggplot2", installed("ggplot2"), "and vdiffr", installed("vdiffr"), "from CRAN in", lib, "\n")
