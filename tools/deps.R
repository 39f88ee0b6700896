# Install the R packages pilotdid needs that are missing on this machine.
#   Rscript tools/deps.R main   # to install and run the replication
#   Rscript tools/deps.R test   # to run the test suite and R CMD check
# On Debian/Ubuntu as root, prebuilt r-cran-* binaries are used where they
# exist; everything else comes from the CRAN mirror set in getOption("repos").

deps <- list(
  main = c("Rcpp", "RcppEigen", "data.table", "ggplot2", "cli", "rlang", "generics",
           "knitr", "rmarkdown", "quadprog", "mvtnorm", "flextable", "officer",
           "openxlsx", "systemfonts", "ragg"),
  test = c("testthat", "withr", "fixest", "sandwich", "MatchIt", "future", "future.apply", "vdiffr",
           "did", "bacondecomp", "didimputation", "lpSolveAPI", "xml2", "haven", "tibble", "bit64", "progressr", "tinytable")
)

# Oldest usable versions: Debian's MatchIt 4.5.1 has a broken fast matching
# path (fixed in later CRAN releases), which the PSM tests compare against.
# tinytable (>= 0.8) registers a method for xfun::record_print(), so it cannot
# be loaded next to Debian's xfun 0.37 (its tests then skip); a recent xfun no
# longer exports what Debian's knitr 1.42 imports. The machine's knitr and xfun
# are left as they are: tools/cran-lib.R installs the current tinytable, knitr,
# xfun and highr into the private library of the CRAN run, where those tests run.
min_version <- c(MatchIt = "4.6.0")

# Installed (in a library, whatever this session has loaded) and recent enough?
has <- function(p) {
  path <- find.package(p, lib.loc = .libPaths(), quiet = TRUE)
  if (!length(path)) return(FALSE)
  version <- read.dcf(file.path(path[1L], "DESCRIPTION"), "Version")[1L]
  is.na(min_version[p]) || package_version(version) >= min_version[[p]]
}

apt_install <- function(pkgs) {
  if (.Platform$OS.type != "unix" || !nzchar(Sys.which("apt-get")) ||
      Sys.info()[["effective_user"]] != "root") return(invisible())
  debs <- paste0("r-cran-", tolower(pkgs))
  candidate <- function(p) {
    out <- suppressWarnings(system2("apt-cache", c("policy", p), stdout = TRUE, stderr = FALSE))
    any(grepl("Candidate: [0-9]", out))
  }
  ok <- vapply(debs, candidate, TRUE)
  if (!all(ok)) {
    system2("apt-get", c("update", "-qq"), stdout = FALSE)
    ok <- vapply(debs, candidate, TRUE)
  }
  if (any(ok)) {
    message("Installing Debian packages: ", paste(debs[ok], collapse = " "))
    system2("apt-get", c("install", "-y", "-qq", "--no-install-recommends", debs[ok]),
            env = "DEBIAN_FRONTEND=noninteractive", stdout = FALSE)
  }
}

install_missing <- function(pkgs) {
  missing <- pkgs[!vapply(pkgs, has, TRUE)]
  if (length(missing)) apt_install(setdiff(missing, names(min_version)))
  missing <- pkgs[!vapply(pkgs, has, TRUE)]
  if (length(missing)) {
    repos <- getOption("repos")
    if (is.null(repos) || any(repos == "@CRAN@")) {
      stop("No CRAN mirror is set: set options(repos = ...) in your .Rprofile first.")
    }
    message("Installing from CRAN: ", paste(missing, collapse = " "))
    utils::install.packages(missing, Ncpus = max(1L, parallel::detectCores()))
  }
  still <- pkgs[!vapply(pkgs, has, TRUE)]
  if (length(still)) stop("Could not install: ", paste(still, collapse = ", "))
  invisible(TRUE)
}

if (sys.nframe() == 0L) {
  what <- commandArgs(trailingOnly = TRUE)
  if (!length(what)) what <- "main"
  pkgs <- unique(unlist(deps[c("main", if ("test" %in% what) "test")]))
  install_missing(pkgs)
}
