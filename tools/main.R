# The main job, run by tools/setup.R after installation.
run_main <- function(out = "output") {
  library(pilotdid)
  dir.create(out, showWarnings = FALSE, recursive = TRUE)
  d <- simulate_panel(n_id = 218, n_t = 14, seed = 2024)
  fit <- twfe(y ~ treat + x1 + x2 | id + year, data = d)
  print(fit)
  utils::write.csv(tidy(fit), file.path(out, "twfe_demo.csv"), row.names = FALSE)
  cat("Wrote", normalizePath(file.path(out, "twfe_demo.csv")), "\n")
  invisible(fit)
}
