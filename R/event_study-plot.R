#' Event-study figure
#'
#' `event_plot_data()` returns the numbers the figure draws; `autoplot()` draws
#' them with ggplot2: the point estimates with confidence bars (or a ribbon),
#' the reference period as a hollow point at zero, a dashed horizontal line at
#' zero and a vertical line between periods -1 and 0 (adoption). `plot()`
#' prints the figure. The axis shows every period, labelled −5 ... 5 (binned
#' end points "≤−5" and "≥5") or, with `lang = "zh"`, 政策前5期 ... 政策当期 ...
#' 政策后5期 (binned: 政策前5期及以前, 政策后5期及以后); Chinese labels need a
#' font with Chinese glyphs (see [figures]).
#'
#' @param object,x A `pilotdid_event_study` result.
#' @param level Confidence level of the bars or ribbon.
#' @param lang Labels in English (`"en"`) or Chinese (`"zh"`).
#' @param type `"errorbar"` (points with confidence bars) or `"ribbon"`
#'   (points on a line in a shaded band).
#' @param family Font family of the text; with `lang = "zh"` a CJK font is
#'   chosen when not given (see [figures]).
#' @param ... Passed from `plot()` to `autoplot()`; an error in `autoplot()`.
#' @return `event_plot_data()`: a data frame with one row per relative period
#'   drawn, the reference period(s) included: `rel_time`, `label` (the axis
#'   label in `lang`),
#'   `estimate`, `std.error`, `conf.low`, `conf.high` (at `level`; 0 for a
#'   reference period, which is fixed at zero), `ref`, `binned`.
#'   `autoplot()`: a ggplot object, to which layers, scales and themes can be
#'   added. `plot()`: the same, invisibly, after printing it.
#' @family event studies
#' @name event_plot
#' @importFrom rlang .data
#' @examples
#' d <- simulate_panel(n_id = 60, n_t = 12, cohorts = c(2013, 2015, 2017), seed = 1)
#' es <- event_study(y ~ x1 + x2 | id + year, data = d, cohort = "cohort")
#' event_plot_data(es, level = 0.9)
#' autoplot(es)
#' autoplot(es, type = "ribbon", level = 0.9) + ggplot2::ggtitle("Parallel trends")
NULL

#' @rdname event_plot
#' @export
event_plot_data <- function(object, level = 0.95, lang = c("en", "zh")) {
  if (!inherits(object, "pilotdid_event_study")) {
    abort_input("{.arg object} must be an {.fn event_study} result, not {.cls {class(object)[1]}}.")
  }
  lang <- check_choice(lang, c("en", "zh"), "lang")
  tab <- object$table
  ci <- event_ci(tab, object$fit$df_t, level)
  ci[tab$ref, ] <- 0
  data.frame(rel_time = tab$rel_time, label = event_axis_labels(tab$rel_time, tab$binned, lang),
             estimate = tab$estimate, std.error = tab$std.error, conf.low = ci[, 1L],
             conf.high = ci[, 2L], ref = tab$ref, binned = tab$binned, stringsAsFactors = FALSE)
}

#' @rdname event_plot
#' @method autoplot pilotdid_event_study
#' @export
autoplot.pilotdid_event_study <- function(object, level = 0.95, type = c("errorbar", "ribbon"),
                                    lang = c("en", "zh"), family = NULL, ...) {
  args <- plot_args(lang, family, ...)
  type <- check_choice(type, c("errorbar", "ribbon"), "type")
  lang <- args$lang
  pd <- event_plot_data(object, level = level, lang = lang)
  est <- pd[!pd$ref, , drop = FALSE]
  refs <- pd[pd$ref, , drop = FALSE]
  txt <- event_plot_text(level, lang, refs)
  colour <- pd_colour
  aes_xy <- ggplot2::aes(x = .data$rel_time, y = .data$estimate)
  aes_ci <- ggplot2::aes(x = .data$rel_time, ymin = .data$conf.low, ymax = .data$conf.high)
  p <- ggplot2::ggplot(pd, aes_xy) +
    ggplot2::geom_hline(yintercept = 0, linetype = "dashed", colour = "grey40") +
    ggplot2::geom_vline(xintercept = -0.5, linetype = "longdash", colour = "grey60")
  if (type == "errorbar") {
    p <- p + ggplot2::geom_errorbar(aes_ci, data = est, width = 0.2, colour = colour, inherit.aes = FALSE)
  } else {
    p <- p + ggplot2::geom_ribbon(aes_ci, data = pd, fill = colour, alpha = 0.2, inherit.aes = FALSE) +
      ggplot2::geom_line(data = pd, colour = colour)
  }
  p +
    ggplot2::geom_point(data = est, colour = colour, size = 2) +
    ggplot2::geom_point(data = refs, shape = 21, fill = "white", colour = colour, size = 2.5) +
    ggplot2::scale_x_continuous(breaks = pd$rel_time, labels = event_axis_text(pd, lang)) +
    ggplot2::labs(x = txt$x, y = txt$y, caption = txt$caption) +
    pd_theme(plot_family(args$family, lang)) +
    if (lang == "zh") ggplot2::theme(axis.text.x = ggplot2::element_text(angle = 45, hjust = 1, vjust = 1))
}

# The axis labels drawn: in English plotmath expressions (a true minus sign and
# <= / >= that every device, pdf() included, can draw); in Chinese the labels.
event_axis_text <- function(pd, lang) {
  if (lang == "zh") return(pd$label)
  one <- function(k, binned) {
    k <- as.numeric(k)
    num <- k
    if (!binned) return(num)
    if (k < 0) call("<=", "", num) else call(">=", "", num)
  }
  as.expression(Map(one, pd$rel_time, pd$binned %in% TRUE))
}

# Axis labels: -5 ... 5 with a true minus, binned end points "<=-5" and ">=5";
# in Chinese 政策前5期 ..., binned 政策前5期及以前 / 政策后5期及以后.
event_axis_labels <- function(k, binned, lang) {
  binned <- binned %in% TRUE
  if (lang == "zh") {
    out <- event_labels(k, "zh")
    out[binned & k < 0] <- paste0(out[binned & k < 0], "\u53ca\u4ee5\u524d")
    out[binned & k > 0] <- paste0(out[binned & k > 0], "\u53ca\u4ee5\u540e")
    return(out)
  }
  out <- sub("^-", "\u2212", format(k, trim = TRUE))
  out[binned & k < 0] <- paste0("\u2264", out[binned & k < 0])
  out[binned & k > 0] <- paste0("\u2265", out[binned & k > 0])
  out
}

#' @rdname event_plot
#' @export
plot.pilotdid_event_study <- function(x, ...) {
  p <- autoplot(x, ...)
  print(p)
  invisible(p)
}

# Axis titles and caption of the event-study figure (Chinese written as escapes).
event_plot_text <- function(level, lang, refs) {
  pct <- paste0(format(100 * level, trim = TRUE), "%")
  if (lang == "zh") {
    return(list(
      x = "\u76f8\u5bf9\u653f\u7b56\u5b9e\u65bd\u7684\u65f6\u671f",
      y = paste0("\u4f30\u8ba1\u7cfb\u6570\u53ca", pct, "\u7f6e\u4fe1\u533a\u95f4"),
      caption = paste0("\u7a7a\u5fc3\u70b9\uff1a\u53c2\u7167\u671f\uff08",
                       paste(refs$label, collapse = "\u3001"), "\uff09\uff0c\u7cfb\u6570\u53d6\u0030")))
  }
  list(x = "Periods relative to policy adoption",
       y = paste0("Estimate and ", pct, " confidence interval"),
       caption = paste0("Hollow point: reference period (", paste(refs$rel_time, collapse = ", "),
                        "), fixed at 0"))
}
