# Helpers for test-pilot_timing.R.

# The timing columns of the one city named `name` (English) in `tm`.
timing_of <- function(tm, name) {
  r <- tm[tm$name_en == name, c("batch", "first_year", "rule", "pilot")]
  stopifnot(nrow(r) == 1L)
  rownames(r) <- NULL
  r
}

# The expected timing columns, typed as pilot_timing() returns them.
row_of <- function(batch, year, rule, pilot) {
  data.frame(batch = as.integer(batch), first_year = as.integer(year), rule = rule, pilot = pilot,
             stringsAsFactors = FALSE)
}
