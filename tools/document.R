# Regenerate NAMESPACE and man/ from the roxygen blocks without compiling the
# C++ core (the R sources and the datasets are loaded as they are).
#   Rscript tools/document.R
load_sources <- function(path) {
  env <- roxygen2::load_source(path)
  for (f in list.files(file.path(path, "data"), pattern = "\\.rda$", full.names = TRUE)) load(f, envir = env)
  env
}
roxygen2::roxygenise(load_code = load_sources)
