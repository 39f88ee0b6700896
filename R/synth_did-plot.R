#' Figures of a synthetic DID fit
#'
#' synthdid's two standard figures. `type = "trajectories"`: the treated
#' units' mean outcome and the synthetic control \eqn{\sum_i \omega_i Y_{it}},
#' the time weights \eqn{\lambda_t} as a ribbon under the pre periods (scaled
#' to a third of the outcome range, the largest weight at full height), and the
#' difference-in-differences diagram: the \eqn{\lambda}-weighted pre-period and
#' the post-period averages of both curves, the counterfactual
#' \eqn{\hat Y_{post}(0)} and the effect as an arrow. `type = "units"`: for
#' each control unit the difference-in-differences of the treated mean against
#' that unit alone, \eqn{(\bar Y_{tr} - Y_i)(\lambda_{post} - \lambda_{pre})},
#' with point size the unit's weight \eqn{\omega_i} (crosses for weights below
#' 0.001), the estimate as a line and its confidence interval as thin lines;
#' the estimate is the \eqn{\omega}-weighted mean of these differences.
#'
#' `synth_did_plot_data()` returns the numbers the figure draws, for one
#' cohort (by default the first): `trajectories` (`time`, `series`
#' ("treated"/"synthetic"), `value`), `ribbon` (`time`, `ymin`, `ymax`,
#' `lambda`), `diagram` (`pre_time`, `post_time`, `treated_pre`,
#' `control_pre`, `treated_post`, `control_post`, `counterfactual_post`),
#' `onset` (last pre period), and `units` (`unit`, `difference`, `weight`);
#' `estimate`, `conf.low`, `conf.high` of the cohort.
#'
#' @param x,object A `pilotdid_synth_did` result.
#' @param type `"trajectories"` or `"units"`.
#' @param cohort First treated period of the cohort to draw; the first cohort by
#'   default.
#' @param lang Labels in English (`"en"`) or Chinese (`"zh"`).
#' @param ... Unused.
#' @return `synth_did_plot_data()`: a list of data frames and numbers;
#'   `autoplot()`: a ggplot object.
#' @family robust estimators
#' @name synth_did-plot
#' @examples
#' fit <- synth_did(PacksPerCapita ~ 1 | State + Year, data = california_prop99,
#'                  treat = "treated", n = 50, seed = 1)
#' autoplot(fit)
#' p_zh <- autoplot(fit, type = "units", lang = "zh") # Chinese labels (needs a CJK font to draw)
#' pd <- synth_did_plot_data(fit)
#' pd$diagram
NULL

#' @rdname synth_did-plot
#' @export
synth_did_plot_data <- function(x, type = c("trajectories", "units"), cohort = NULL) {
  if (!inherits(x, "pilotdid_synth_did")) abort_input("{.arg x} must be a {.fn synth_did} result.")
  k <- synth_plot_cohort(x, cohort)
  p <- x$panel
  a <- x$cohorts$cohort[k]
  T0 <- x$cohorts$n_pre[k]
  Tn <- length(p$periods)
  co <- which(is.na(p$first))
  tr <- which(!is.na(p$first) & p$periods[pmax(p$first, 1L)] == a)
  Y <- p$Y
  b <- if (is.list(x$beta) && length(p$X)) x$beta[[k]] else NULL
  for (j in seq_along(b)) Y <- Y - b[[j]] * p$X[[j]]
  omega <- x$unit_weights$weight[x$unit_weights$cohort == a]
  lambda <- x$time_weights$weight[x$time_weights$cohort == a]
  l_pre <- c(lambda, rep(0, Tn - T0))
  l_post <- c(rep(0, T0), rep(1 / (Tn - T0), Tn - T0))
  treated <- colMeans(Y[tr, , drop = FALSE])
  synth <- as.vector(omega %*% Y[co, , drop = FALSE])
  time <- as.numeric(p$periods)
  rng <- range(treated, synth)
  height <- diff(rng) / 3
  ribbon <- if (max(lambda) > 0) {
    data.frame(time = time[seq_len(T0)], ymin = rng[1] - height,
               ymax = rng[1] - height + height * lambda / max(lambda), lambda = lambda)
  } else data.frame(time = numeric(), ymin = numeric(), ymax = numeric(), lambda = numeric())
  tp <- sum(treated * l_pre); cp <- sum(synth * l_pre)
  tq <- sum(treated * l_post); cq <- sum(synth * l_post)
  diagram <- data.frame(pre_time = sum(l_pre * time), post_time = sum(l_post * time), treated_pre = tp,
                        control_pre = cp, treated_post = tq, control_post = cq,
                        counterfactual_post = cq + tp - cp)
  dl <- l_post - l_pre
  units <- data.frame(unit = p$units[co], difference = sum(treated * dl) - as.vector(Y[co, , drop = FALSE] %*% dl),
                      weight = omega)
  est <- x$cohorts$estimate[k]
  se <- x$cohorts$std.error[k]
  z <- stats::qnorm((1 + x$level) / 2)
  list(type = match.arg(type), cohort = a, method = x$method,
       trajectories = data.frame(time = rep(time, 2L), series = rep(c("treated", "synthetic"), each = Tn),
                                 value = c(treated, synth)),
       ribbon = ribbon, diagram = diagram, onset = time[T0], units = units,
       estimate = est, conf.low = est - z * se, conf.high = est + z * se, yname = p$yname)
}

synth_plot_cohort <- function(x, cohort, call = caller_env()) {
  if (is.null(cohort)) return(1L)
  k <- match(cohort, x$cohorts$cohort)
  if (length(cohort) != 1L || is.na(k)) {
    abort_input("{.arg cohort} must be one of the cohorts' first treated periods: {.val {x$cohorts$cohort}}.",
                call = call)
  }
  k
}

#' @rdname synth_did-plot
#' @method autoplot pilotdid_synth_did
#' @export
autoplot.pilotdid_synth_did <- function(object, type = c("trajectories", "units"), cohort = NULL,
                                        lang = c("en", "zh"), ...) {
  type <- match.arg(type)
  lang <- match.arg(lang)
  pd <- synth_did_plot_data(object, type, cohort)
  lab <- synth_labels(lang, pd)
  if (type == "units") return(synth_units_plot(pd, lab))
  tr <- pd$trajectories
  tr$series <- factor(tr$series, c("treated", "synthetic"), lab$series)
  dg <- pd$diagram
  g <- ggplot2::ggplot() +
    ggplot2::geom_vline(xintercept = pd$onset, colour = "grey60", alpha = 0.6) +
    ggplot2::geom_line(data = tr, ggplot2::aes(x = .data$time, y = .data$value, colour = .data$series)) +
    ggplot2::geom_ribbon(data = pd$ribbon, ggplot2::aes(x = .data$time, ymin = .data$ymin, ymax = .data$ymax),
                         fill = "#F8766D", alpha = 0.5)
  if (pd$method != "sc") {
    g <- g + ggplot2::geom_segment(ggplot2::aes(x = dg$pre_time, xend = dg$post_time, y = dg$control_pre,
                                                yend = dg$control_post), colour = "#F8766D", linetype = 2) +
      ggplot2::geom_segment(ggplot2::aes(x = dg$pre_time, xend = dg$post_time, y = dg$treated_pre,
                                         yend = dg$counterfactual_post), colour = "grey40", linetype = 3)
  }
  g + ggplot2::geom_segment(ggplot2::aes(x = dg$post_time, xend = dg$post_time, y = dg$counterfactual_post,
                                         yend = dg$treated_post),
                            arrow = ggplot2::arrow(length = ggplot2::unit(0.2, "cm")), colour = "black") +
    ggplot2::scale_colour_manual(values = stats::setNames(c("#00BFC4", "#F8766D"), lab$series)) +
    ggplot2::labs(x = lab$x, y = lab$y, colour = NULL, caption = lab$caption) +
    ggplot2::theme_minimal() + ggplot2::theme(legend.position = "bottom")
}

synth_units_plot <- function(pd, lab) {
  u <- pd$units
  u$unit <- factor(u$unit, u$unit)
  big <- u[u$weight > 0.001, ]
  small <- u[u$weight <= 0.001, ]
  g <- ggplot2::ggplot() +
    ggplot2::geom_point(data = big, ggplot2::aes(x = .data$unit, y = .data$difference, size = .data$weight)) +
    ggplot2::geom_point(data = small, ggplot2::aes(x = .data$unit, y = .data$difference), shape = 4,
                        alpha = 0.3) +
    ggplot2::geom_hline(yintercept = pd$estimate, linewidth = 0.75)
  if (is.finite(pd$conf.low)) {
    g <- g + ggplot2::geom_hline(yintercept = c(pd$conf.low, pd$conf.high), linewidth = 0.5, alpha = 0.5)
  }
  g + ggplot2::labs(x = NULL, y = lab$units_y, size = lab$size, caption = lab$units_caption) +
    ggplot2::theme_light() + ggplot2::theme(axis.text.x = ggplot2::element_text(angle = 90, hjust = 1))
}

synth_labels <- function(lang, pd) {
  if (lang == "zh") {
    return(list(series = c("\u5904\u7406\u7ec4", "\u5408\u6210\u63a7\u5236\u7ec4"),
                x = "\u65f6\u95f4", y = pd$yname,
                caption = sprintf("\u961f\u5217 %s\uff1b\u5e95\u90e8\u9634\u5f71\uff1a\u65f6\u95f4\u6743\u91cd\uff1b\u7bad\u5934\uff1a\u5904\u7406\u6548\u5e94 %.4g",
                                  pd$cohort, pd$estimate),
                units_y = "\u5904\u7406\u7ec4\u4e0e\u5355\u4e2a\u63a7\u5236\u5355\u4f4d\u7684\u53cc\u91cd\u5dee\u5206",
                size = "\u5355\u4f4d\u6743\u91cd",
                units_caption = "\u6a2a\u7ebf\uff1a\u4f30\u8ba1\u503c\u53ca\u7f6e\u4fe1\u533a\u95f4\uff1b\u53c9\u53f7\uff1a\u6743\u91cd < 0.001"))
  }
  list(series = c("treated", "synthetic control"), x = "Time", y = pd$yname,
       caption = sprintf("Cohort %s; ribbon: time weights; arrow: effect %.4g", pd$cohort, pd$estimate),
       units_y = "Difference-in-differences against each control", size = "Unit weight",
       units_caption = "Lines: estimate and confidence interval; crosses: weight < 0.001")
}
