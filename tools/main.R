# The main job, run by tools/setup.R after installation: knit the replication
# vignette (every table and figure of the reference paper, on the shipped
# nqp_panel) to HTML that needs no network (no MathJax), and write its tables
# (Markdown, LaTeX, and Word and Excel when flextable/officer and openxlsx are
# installed, all tables also in one tables.xlsx) and figures (PNG and PDF,
# English and, for fig<k>_*_zh, Chinese) into one folder. From the package's
# top folder:
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
  tables <- list()
  for (nm in sort(ls(env, pattern = "^tab[0-9]+_"))) {
    x <- get(nm, envir = env)
    path <- function(ext) file.path(out, paste0(nm, ".", ext))
    if (inherits(x, c("pilotdid_did_table", "pilotdid_describe_panel"))) {
      for (ext in c("md", "tex", office_formats())) save_table(x, path(ext))
      files <- c(files, path(c("md", "tex", office_formats())))
      tables[[nm]] <- x
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
  if (length(tables) && "xlsx" %in% office_formats()) {
    save_table(tables, file.path(out, "tables.xlsx"))
    files <- c(files, file.path(out, "tables.xlsx"))
  }
  files
}

# Word and Excel files when their packages are installed.
office_formats <- function() {
  c(if (requireNamespace("flextable", quietly = TRUE) && requireNamespace("officer", quietly = TRUE)) "docx",
    if (requireNamespace("openxlsx", quietly = TRUE)) "xlsx")
}

# Every fig<k>_* ggplot as PNG and PDF (PDF through cairo, so that Chinese
# text is embedded; see ?save_figure).
write_figures <- function(env, out) {
  files <- character()
  exts <- c("png", if (isTRUE(capabilities("cairo"))) "pdf")
  for (nm in sort(ls(env, pattern = "^fig[0-9]+_"))) {
    x <- get(nm, envir = env)
    if (!inherits(x, "ggplot")) next
    for (ext in exts) {
      path <- file.path(out, paste0(nm, ".", ext))
      save_figure(x, path, width = 7, height = 4.5, units = "in", dpi = 150)
      files <- c(files, path)
    }
  }
  files
}
