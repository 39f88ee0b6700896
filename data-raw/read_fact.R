# Shared by the data-raw scripts: read one of ../shared/facts/*.csv (run from
# the package's top folder).
read_fact <- function(file) {
  path <- file.path("..", "shared", "facts", file)
  if (!file.exists(path)) stop("Cannot find ", path, "; run this script from the package's top folder.")
  read.csv(path, encoding = "UTF-8", stringsAsFactors = FALSE, na.strings = "")
}
