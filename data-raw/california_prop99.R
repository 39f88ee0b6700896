# Builds data/california_prop99.rda from the synthdid package's
# california_prop99.csv (copied to /work/shared/data/, semicolon-separated:
# State;Year;PacksPerCapita;treated). Distributed by synthdid under the
# BSD-3-Clause licence (Copyright 2019, Stanford University); see
# inst/COPYRIGHTS. Run from the package's top folder:
#   Rscript data-raw/california_prop99.R [path/to/california_prop99.csv]
args <- commandArgs(trailingOnly = TRUE)
src <- if (length(args)) args[1] else "/work/shared/data/california_prop99.csv"
raw <- utils::read.csv(src, sep = ";", stringsAsFactors = FALSE)
stopifnot(identical(names(raw), c("State", "Year", "PacksPerCapita", "treated")),
          nrow(raw) == 39 * 31, !anyNA(raw))
california_prop99 <- data.frame(State = as.character(raw$State), Year = as.integer(raw$Year),
                                PacksPerCapita = as.numeric(raw$PacksPerCapita),
                                treated = as.integer(raw$treated))
california_prop99 <- california_prop99[order(california_prop99$Year, california_prop99$State), ]
rownames(california_prop99) <- NULL
save(california_prop99, file = "data/california_prop99.rda", compress = "xz", version = 2)
