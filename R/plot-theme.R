#' Figures: language, fonts and files
#'
#' Every `autoplot()` method of pilotdid takes `lang` (`"en"` or `"zh"`: axis
#' titles, legends and captions in Chinese) and `family` (the font family of
#' all its text), draws with one theme and the Okabe-Ito colour-blind-safe
#' palette, and rejects arguments it does not know.
#'
#' @section Chinese text:
#' Chinese labels need a font with Chinese glyphs, on a graphics device that
#' can use it. With `lang = "zh"`, `autoplot()` looks for a CJK font among
#' [systemfonts::system_fonts()] (Noto Sans CJK SC, Source Han Sans,
#' WenQuanYi, SimHei, PingFang, Microsoft YaHei, ...; `cjk_fonts()` lists
#' them) and warns (once per session) when there is none, since the text
#' would then show as empty boxes: install one (Debian/Ubuntu:
#' `apt install fonts-noto-cjk`; Windows and macOS have one) or name one with
#' `family =`. The font family itself is left to the device: ragg and cairo
#' devices find an installed CJK font for Chinese characters by themselves
#' (font fallback), while naming a system font would break the `pdf()` and
#' `postscript()` devices, which know only their own font database.
#'
#' The default `pdf()` device cannot embed CJK glyphs (`ggsave("fig.pdf")`
#' turns every Chinese character into dots). `save_figure()` writes PDF files
#' with [grDevices::cairo_pdf()], which embeds the font, and PNG files with
#' ragg when installed (otherwise the cairo `png()` device), so Chinese text
#' comes out right in both.
#'
#' @param plot A ggplot, e.g. from `autoplot()`.
#' @param file Path of the file; `.pdf`, `.png` or `.svg`.
#' @param width,height Size of the figure.
#' @param units Units of `width` and `height`: `"in"`, `"cm"` or `"mm"`.
#' @param dpi Resolution of a PNG file.
#' @return `save_figure()`: `file`, invisibly. `cjk_fonts()`: the font
#'   families with Chinese glyphs among `fonts` (character, possibly empty).
#' @family figures
#' @name figures
#' @examples
#' d <- simulate_panel(n_id = 60, n_t = 12, cohorts = c(2013, 2015, 2017), seed = 1)
#' es <- event_study(y ~ x1 | id + year, data = d, cohort = "cohort")
#' cjk_fonts()
#' save_figure(autoplot(es), tempfile(fileext = ".pdf"))
#' if (length(cjk_fonts())) save_figure(autoplot(es, lang = "zh"), tempfile(fileext = ".pdf"))
NULL

#' @rdname figures
#' @export
save_figure <- function(plot, file, width = 16, height = 10, units = c("cm", "in", "mm"), dpi = 300) {
  if (!inherits(plot, "ggplot")) abort_input("{.arg plot} must be a ggplot, e.g. from {.fn autoplot}.")
  check_strings(file, "file", single = TRUE)
  units <- check_choice(units, c("cm", "in", "mm"), "units")
  ext <- tolower(if (grepl(".", basename(file), fixed = TRUE)) sub(".*\\.", "", basename(file)) else "")
  device <- switch(ext,
                   pdf = figure_pdf_device(),
                   png = if (requireNamespace("ragg", quietly = TRUE)) ragg::agg_png else
                     function(...) grDevices::png(..., type = "cairo"),
                   svg = grDevices::svg,
                   abort_input(c("Cannot tell the format of {.arg file} {.file {file}} from its extension.",
                                 "i" = "Use {.val .pdf}, {.val .png} or {.val .svg}.")))
  ggplot2::ggsave(file, plot, device = device, width = width, height = height, units = units, dpi = dpi)
  invisible(file)
}

figure_pdf_device <- function(call = caller_env()) {
  if (!isTRUE(capabilities("cairo"))) {
    abort_input(c("Writing PDF figures with Chinese text needs R built with cairo ({.fn grDevices::cairo_pdf}).",
                  "i" = "Write a PNG file instead, or use {.pkg showtext}."), call = call)
  }
  grDevices::cairo_pdf
}

#' @rdname figures
#' @param fonts A data frame of installed fonts with a column `family`
#'   (by default [systemfonts::system_fonts()]).
#' @export
cjk_fonts <- function(fonts = NULL) {
  if (is.null(fonts)) {
    if (!requireNamespace("systemfonts", quietly = TRUE)) return(character())
    fonts <- systemfonts::system_fonts()
  }
  fam <- unique(as.character(fonts$family))
  pattern <- paste0("CJK|Source Han|Sim(Sun|Hei|Kai|Fang)|WenQuanYi|WQY|Hei|Song|Kai|Fang ?Song|Ming|PingFang|YaHei|",
                    "Hiragino Sans GB|Heiti|STSong|STKaiti|AR PL|Droid Sans Fallback|Sarasa|LXGW|",
                    "Noto Sans SC|Noto Serif SC|Noto Sans TC|Noto Sans HK|Microsoft JhengHei|",
                    "\u5b8b|\u9ed1|\u6977|\u4eff\u5b8b")
  cjk <- fam[grepl(pattern, fam, ignore.case = TRUE)]
  cjk[order(grepl("Mono", cjk, ignore.case = TRUE))]
}

# The font family of a figure: `family` as given. With lang = "zh" and no
# family, a warning naming the fix when no CJK font is installed (the devices
# that can draw Chinese find one by font fallback).
plot_family <- function(family, lang, fonts = NULL) {
  if (!is.null(family) || lang != "zh") return(family)
  if (length(cjk_fonts(fonts))) return(NULL)
  cli::cli_warn(c("No font with Chinese glyphs was found: the Chinese labels will show as empty boxes.",
                  "i" = "Install one (Debian/Ubuntu: {.code apt install fonts-noto-cjk}) or name one with {.arg family}.",
                  "i" = "Write PDF files with {.fn save_figure} (cairo) rather than {.fn pdf}."),
                class = "pilotdid_warning_font", .frequency = "once", .frequency_id = "pilotdid_cjk_font")
  NULL
}

# Validate the arguments every autoplot() method shares.
plot_args <- function(lang, family, ..., call = caller_env()) {
  check_no_dots(..., call = call)
  lang <- check_choice(lang, c("en", "zh"), "lang", call = call)
  check_strings(family, "family", single = TRUE, call = call)
  list(lang = lang, family = family)
}

# Okabe-Ito: the colour-blind-safe palette of every figure.
pd_palette <- c("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
pd_colour <- "#0072B2"
pd_accent <- "#D55E00"

# The theme of every figure, with the font family.
pd_theme <- function(family = NULL, legend = "bottom") {
  th <- ggplot2::theme_bw() +
    ggplot2::theme(panel.grid.minor = ggplot2::element_blank(), legend.position = legend)
  if (!is.null(family)) th <- th + ggplot2::theme(text = ggplot2::element_text(family = family))
  th
}

finish_plot <- function(p, args, legend = "bottom", fonts = NULL) {
  p + pd_theme(plot_family(args$family, args$lang, fonts), legend)
}

# Integer breaks of an event-time axis.
integer_breaks <- function(limits) {
  br <- pretty(limits)
  br <- unique(round(br))
  if (length(br) < 3L) br <- seq(ceiling(limits[1L]), floor(limits[2L]))
  br
}
