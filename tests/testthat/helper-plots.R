# Figures compared by what they draw, the same way under ggplot2 3.x (Debian)
# and 4.x (CRAN), where layers are named and labels are resolved lazily.

# The geom class of every layer, without layer names.
geom_classes <- function(p) unname(vapply(p$layers, function(l) class(l$geom)[1L], ""))

# A label of a plot (x, y, caption, ...), as set with labs().
plot_label <- function(p, which) {
  labs <- if (exists("get_labs", asNamespace("ggplot2"), inherits = FALSE)) ggplot2::get_labs(p) else p$labels
  labs[[which]]
}

ggplot2_major <- function() as.integer(strsplit(as.character(utils::packageVersion("ggplot2")), ".", fixed = TRUE)[[1L]][1L])

# vdiffr snapshot kept per ggplot2 major version (testthat's snapshot
# variants: _snaps/ggplot2-<major>/<file>/<title>.svg). A major version with
# no snapshot of the figure skips the comparison, unless new snapshots are
# asked for with PILOTDID_NEW_SNAPSHOTS=true.
expect_figure <- function(title, fig, file) {
  testthat::skip_if_not_installed("vdiffr")
  variant <- paste0("ggplot2-", ggplot2_major())
  name <- paste0(gsub("[^a-z0-9]+", "-", tolower(title)), ".svg")
  stored <- testthat::test_path("_snaps", variant, file, name)
  if (!file.exists(stored) && ggplot2_major() != 3L && !identical(Sys.getenv("PILOTDID_NEW_SNAPSHOTS"), "true")) {
    testthat::skip(paste0("no vdiffr snapshot of '", title, "' for ggplot2 ", ggplot2_major()))
  }
  path <- tempfile(fileext = ".svg")
  vdiffr::write_svg(fig, path, title)
  testthat::expect_snapshot_file(path, name, compare = testthat::compare_file_text, variant = variant)
}
