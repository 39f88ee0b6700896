# The main job, run by tools/setup.R after installation: knit the replication
# vignette (every table and figure of the reference paper, on the shipped
# nqp_panel) to HTML, and write its tables (Markdown and LaTeX) and figures
# (PNG) into one folder. From the package's top folder:
#   source("tools/main.R"); run_main("output")
#
# Tables and figures are the objects the vignette names tab<k>_* and fig<k>_*.

run_main <- function(out = "output", vignette = file.path("vignettes", "replication.Rmd")) {
  suppressPackageStartupMessages(library(pilotdid))
  if (!file.exists(vignette)) stop("Cannot find ", vignette, ": run from the package's top folder.")
  dir.create(out, showWarnings = FALSE, recursive = TRUE)
  out <- normalizePath(out)
  env <- new.env(parent = globalenv())
  started <- Sys.time()
  report <- knit_replication(vignette, out, env)
  written <- c(report, write_tables(env, out), write_figures(env, out))
  secs <- as.numeric(difftime(Sys.time(), started, units = "secs"))
  cat(sprintf("Replication of the low-carbon pilot paper on nqp_panel (simulated data), %.0f s.\n", secs))
  if (all(c("fit", "truth") %in% ls(env))) {
    fit <- get("fit", env)
    cat(sprintf("Baseline DID (Table 3, column 7): %.4f (SE %.4f); true ATT %.4f.\n",
                stats::coef(fit)[["did"]], sqrt(stats::vcov(fit)["did", "did"]), get("truth", env)))
  }
  cat("Wrote ", length(written), " files into ", out, ":\n", sep = "")
  cat(paste0("  ", basename(written)), sep = "\n")
  invisible(written)
}

# HTML through rmarkdown when pandoc is there, otherwise Markdown through knitr.
knit_replication <- function(vignette, out, env) {
  if (rmarkdown::pandoc_available("1.12.3")) {
    return(rmarkdown::render(vignette, output_dir = out, intermediates_dir = tempdir(), envir = env,
                             quiet = TRUE))
  }
  message("pandoc is not available: knitting the replication to Markdown instead of HTML.")
  md <- file.path(out, "replication.md")
  knitr::opts_chunk$set(fig.path = file.path(out, "replication-figures", ""))
  knitr::knit(vignette, output = md, envir = env, quiet = TRUE)
  md
}

# Every tab<k>_* object: did_table() and describe_panel() tables through their
# format() method, data frames through knitr::kable(), anything else through
# tidy() as CSV.
write_tables <- function(env, out) {
  files <- character()
  for (nm in sort(ls(env, pattern = "^tab[0-9]+_"))) {
    x <- get(nm, envir = env)
    path <- function(ext) file.path(out, paste0(nm, ".", ext))
    if (inherits(x, c("pilotdid_did_table", "pilotdid_describe_panel"))) {
      writeLines(format(x, format = "markdown"), path("md"))
      writeLines(format(x, format = "latex"), path("tex"))
      files <- c(files, path("md"), path("tex"))
    } else if (is.data.frame(x)) {
      x <- as.data.frame(x)
      writeLines(knitr::kable(x, format = "pipe", row.names = FALSE, digits = 4), path("md"))
      writeLines(knitr::kable(x, format = "latex", booktabs = TRUE, row.names = FALSE, digits = 4), path("tex"))
      files <- c(files, path("md"), path("tex"))
    } else {
      utils::write.csv(generics::tidy(x), path("csv"), row.names = FALSE)
      files <- c(files, path("csv"))
    }
  }
  files
}

# Every fig<k>_* ggplot as a PNG.
write_figures <- function(env, out) {
  files <- character()
  for (nm in sort(ls(env, pattern = "^fig[0-9]+_"))) {
    x <- get(nm, envir = env)
    if (!inherits(x, "ggplot")) next
    png <- file.path(out, paste0(nm, ".png"))
    ggplot2::ggsave(png, x, width = 7, height = 4.5, dpi = 150)
    files <- c(files, png)
  }
  files
}
