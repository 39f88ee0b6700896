#' Publication tables of DID estimates
#'
#' `did_table()` puts several fits side by side the way journals print them:
#' coefficients with significance stars, standard errors (or t statistics) in
#' parentheses below, rows saying whether controls and each fixed effect are
#' included, the number of observations and the \eqn{R^2}, and a notes line
#' stating the type of standard errors and the clustering. It prints to the
#' console, or gives Markdown, LaTeX (booktabs) or HTML, and renders itself in
#' knitted documents.
#'
#' @section Models:
#' Any [twfe()] fit works. Results of [twfe_steps()], [heterogeneity()] and
#' [mechanism()] are expanded into their fits (a heterogeneity result also
#' adds a row with the p-value of its difference test). Other objects are
#' tabulated through their `$fit` when it is a `twfe()` fit (so estimators
#' built on `twfe()` plug in), and otherwise through their `tidy()` (columns
#' `term`, `estimate` and, if present, `std.error`, `statistic`, `p.value`)
#' and `glance()` (`nobs`, `r.squared`, `within.r.squared`) methods; p-values
#' missing from `tidy()` are then computed from the normal distribution.
#'
#' @section Rows:
#' Coefficients are shown in order of first appearance unless `keep` or
#' `order` say otherwise. When `controls` names the control variables, or
#' `keep` hides some coefficients, a "Controls" row says for each column
#' whether it holds any of them (`YES`/`NO`). One row per fixed effect follows,
#' found by name, so a column says `YES` exactly when its fit has that fixed
#' effect, whatever the order in the formula (`prov^year` and `year^prov` are
#' the same): the row is labelled with the fixed effect's name looked up in
#' `labels` ("City FE"/城市固定效应 for `nbs_code`, "Year FE"/年份固定效应 for
#' `year`, built in), or "`<name>` FE"/"`<name>`固定效应" when there is no label;
#' an interaction gets its own row ("Province × year FE"); `fe_labels` gives a
#' full row label instead. The
#' \eqn{R^2} row is the overall \eqn{R^2} (fixed effects counted as
#' regressors, as in Stata's `reg` or `reghdfe`) or, with `r2 = "within"`, the
#' within \eqn{R^2}; the row label says which. With `constant = TRUE` a row
#' "Constant"/常数项 (label `_cons` in `labels`) follows the coefficients:
#' reghdfe's `_cons`, which adds the constant back "through the means" after
#' partialling out the fixed effects (reghdfe's `reghdfe_extend_b_and_xx()`):
#' \eqn{\bar y - \bar x'b}{ybar - xbar'b}, weighted means over the estimation
#' sample, with the standard error of that constant in the regression of
#' \eqn{y} on \eqn{[\tilde X + \bar x', 1]}{[demeaned X + xbar', 1]} (the same
#' residuals, variance type, clusters and small-sample factor as the slopes;
#' the constant counts among the fixed effects' degrees of freedom, so
#' \eqn{K} does not change). Its stars use its t test (none with
#' `p = "wild"`). Columns that are not [twfe()] fits (or hold none in
#' `$fit`) have empty cells; a fit made from another fit's sample
#' ([heterogeneity()] groups) needs its data to be found (as for
#' [update()]), else its cells are empty too.
#'
#' @param ... Fits, as arguments (`did_table(fit1, fit2)`, or named:
#'   `did_table("PSM-DID" = fit1, ...)`) or as one list of fits (named or not).
#' @param keep Coefficients to show (original names, or new names given in
#'   `rename`); all by default.
#' @param rename Named character vector of new row labels: `c(treat = "DID")`.
#'   Coefficients of different fits renamed to the same label share a row.
#' @param order Coefficients to show first, in this order; the others follow.
#' @param stars P-value cut-offs for one, two and three stars (any number of
#'   them, strictest last); `NULL` for no stars.
#' @param se Show standard errors (`"se"`) or t statistics (`"t"`) in parentheses.
#' @param format Output format: `"text"` (console), `"markdown"`, `"latex"` or
#'   `"html"`.
#' @param lang Row labels and notes in English (`"en"`) or Chinese (`"zh"`:
#'   the labels of the Chinese literature for city fixed effects, year fixed
#'   effects, controls and observations, and the usual notes line).
#' @param digits Decimals of the coefficients, standard errors and \eqn{R^2};
#'   a number that would round to zero is shown with `digits` significant
#'   digits instead (0.00031, not 0.000).
#' @param title Optional table title (caption). A leading "Table 7." or
#'   "表7" is left out of LaTeX and Markdown captions, which are numbered by
#'   LaTeX or pandoc.
#' @param notes Optional extra notes, one string per line, printed after the
#'   standard-error note.
#' @param controls Names of the control variables: hidden from the coefficient
#'   rows (unless in `keep`) and summarised by the "Controls" row.
#' @param fe_labels Named character vector of fixed-effect row labels, e.g.
#'   `c(id = "City FE", "province^year" = "Province-year FE")`.
#' @param r2 Which \eqn{R^2} to report: `"overall"` or `"within"`.
#' @param vcov,cluster The standard errors to show for the [twfe()] columns,
#'   as in [vcov.pilotdid_twfe()] (`vcov = "hetero"`, `cluster = ~province`):
#'   recomputed from each fit without refitting; by default each fit's own.
#' @param p Where the stars' p-values come from: the t tests of the fits
#'   (`"t"`) or the wild cluster bootstrap of [boot_test()] (`"wild"`, every
#'   column must be a [twfe()] fit whose data can be found; the notes say so).
#' @param breakdown Rows "Breakdown \eqn{\bar M}{Mbar}" and "Breakdown M" (the breakdown
#'   values of [honest_did()] under relative magnitudes and smoothness) under
#'   event-study columns: a [honest_did()] result (when the table has a
#'   single event-study column), a list with one element per column
#'   ([honest_did()] results, `NULL` for columns without), or `TRUE` to run
#'   `honest_did(column)` with its defaults on every event-study column
#'   ([event_study()], [sun_abraham()], dynamic `aggregate()` of [att_gt()]).
#'   A value censored at the end of the grid shows as `">= value"`; `"none"`
#'   when the effect is not significant even at 0.
#' @param wild Arguments passed on to [boot_test()] with `p = "wild"`, e.g.
#'   `list(bootcluster = ~province, type = "webb", seed = 1)`.
#' @param labels A dictionary of labels, like fixest's `setFixest_dict()`: a
#'   named character vector mapping variable names to labels
#'   (`c(ln_gdp = "ln GDP", nbs_code = "city")`), or a list with one such
#'   vector per language (`list(en = c(...), zh = c(...))`). It labels the
#'   coefficient rows (unless `rename` does), the dependent variables, the
#'   fixed-effect rows ("City FE", 城市固定效应), the clustering in the notes
#'   (按城市聚类) and the group headers of [heterogeneity()] results (a group is
#'   shown by its value, `"1"` for `big = 1`, or by the label of `"big = 1"` or
#'   of the value). Set it once for a session with
#'   `options(pilotdid.labels = ...)`. Built in: `year` (year, 年份), `nbs_code`
#'   and `prefecture_code` (city, 城市), `province_code` (province, 省份).
#'   A data frame read from Stata with `haven::read_dta()` gives its variable
#'   labels and value labels (`labels = d`: a group `region = 1` is headed by
#'   the value's label, "East").
#' @param constant Add reghdfe's constant row (see Rows)? `FALSE` by default.
#' @param spanners Header spanners over adjacent columns: a named list of
#'   column numbers, `list("Baseline" = 1:2, "Robustness" = 3:4)` (columns
#'   counted from the first fit). Shown as a header row on top, merged over
#'   its columns in every format (a rule under each label; `\multicolumn` and
#'   `\cmidrule` in LaTeX). Spanners may not overlap.
#' @return An object of class `pilotdid_did_table`: a list with `cells` (the
#'   character matrix of the table, first column the row labels), `row_type`
#'   (one of `"header"`, `"coef"`, `"se"`, `"stat"` per row), `coefs` (a data
#'   frame of the numbers shown: `column`, `term`, `label`, `estimate`,
#'   `std.error`, `statistic`, `p.value`), `columns` (a data frame with one row
#'   per column: `name`, `depvar`, `nobs`, `r2`, `r2_within`, `se_type`),
#'   `notes`, `title`, `format`, `lang`, `spans` (a data frame of the spanners,
#'   `label`, `from`, `to`, or `NULL`). Printing shows the chosen format;
#'   `format(x, format = )` returns the lines of any format, e.g. to write a
#'   `.tex` file with [writeLines()]. LaTeX output needs `\usepackage{booktabs}`
#'   (and a CJK set-up such as `ctex` with `lang = "zh"`).
#' @family tables
#' @export
#' @examples
#' d <- simulate_panel(n_id = 60, n_t = 8, seed = 1)
#' steps <- twfe_steps(y ~ treat | id + year, controls = c("x1", "x2"), data = d)
#' did_table(steps, rename = c(treat = "DID"))
#' fit <- steps[[3]]
#' late <- update(fit, subset = year <= 2013)
#' did_table(Baseline = fit, "Before 2014" = late, keep = "treat", lang = "zh")
#' did_table(fit, late, keep = "treat", format = "latex", title = "Robustness")
#' did_table(fit, late, fit, late, keep = "treat", constant = TRUE,
#'           spanners = list("All cities" = 1:2, "Same sample" = 3:4))
#' did_table(fit, late, keep = "treat", p = "wild", wild = list(n = 999, seed = 1))
did_table <- function(..., keep = NULL, rename = NULL, order = NULL, stars = c(0.1, 0.05, 0.01),
                      se = c("se", "t"), format = c("text", "markdown", "latex", "html"),
                      lang = c("en", "zh"), digits = 3, title = NULL, notes = NULL,
                      controls = NULL, fe_labels = NULL, r2 = c("overall", "within"),
                      p = c("t", "wild"), wild = list(), labels = getOption("pilotdid.labels"),
                      vcov = NULL, cluster = NULL, breakdown = NULL, constant = FALSE,
                      spanners = NULL) {
  se <- check_choice(se, c("se", "t"), "se")
  format <- check_choice(format, c("text", "markdown", "latex", "html"), "format")
  lang <- check_choice(lang, c("en", "zh"), "lang")
  r2 <- check_choice(r2, c("overall", "within"), "r2")
  p <- check_choice(p, c("t", "wild"), "p")
  caller <- parent.frame()
  digits <- check_count(digits, "digits", min = 0)
  stars <- check_stars(stars)
  for (a in c("keep", "order", "controls", "notes")) check_strings(get(a), a)
  check_strings(title, "title", single = TRUE)
  check_flag(constant, "constant")
  check_named_strings(rename, "rename")
  check_named_strings(fe_labels, "fe_labels")
  dict <- label_dict(check_labels(labels, lang), lang)
  dots <- list(...)
  stray <- names(dots)[nzchar(names(dots) %||% rep("", length(dots))) &
                         vapply(dots, function(x) is.atomic(x) || is.function(x), TRUE)]
  if (length(stray)) {
    abort_input(c("{.fn did_table} has no argument {.arg {stray}}.",
                  "i" = "Its {.arg ...} takes the fits (named by column title)."))
  }
  models <- collect_models(dots, dict)
  bd_rows <- table_breakdown(models$fits, breakdown, digits, lang)
  if (!is.null(vcov) || !is.null(cluster)) models$fits <- table_vcov(models$fits, vcov, cluster, caller)
  cols <- lapply(models$fits, table_column, call = environment())
  rows <- table_rows(cols, keep, rename, order, controls, dict, lang)
  if (p == "wild") cols <- table_wild_p(cols, models$fits, rows$terms, wild, caller, environment())
  if (constant) {
    cr <- add_constant_row(cols, rows, table_constants(models$fits, caller), dict, lang, p == "wild")
    cols <- cr$cols
    rows <- cr$rows
  }
  spans <- check_spanners(spanners, length(cols))
  opts <- list(stars = stars, se = se, lang = lang, digits = digits, r2 = r2, fe_labels = fe_labels,
               dict = dict)
  body <- table_body(cols, rows, opts)
  stat <- rbind(table_stats(cols, rows, models$extra, opts), bd_rows)
  head <- rbind(spanner_row(spans, length(cols)), table_header(cols, models$names, lang, dict))
  cells <- rbind(head, body$cells, stat)
  dimnames(cells) <- NULL
  row_type <- c(rep("header", nrow(head)), body$type, rep("stat", nrow(stat)))
  notes <- c(se_note(cols, se, lang, dict), stars_note(stars, lang),
             if (p == "wild") wild_note(cols, lang), models$notes[[lang]], notes)
  new_pilotdid_did_table(cells, row_type, body$coefs, table_columns(cols, models$names), notes, title,
                     format, lang, spans)
}

new_pilotdid_did_table <- function(cells, row_type, coefs, columns, notes, title, format, lang,
                                   spans = NULL) {
  structure(list(cells = cells, row_type = row_type, coefs = coefs, columns = columns,
                 notes = notes, title = title, format = format, lang = lang, spans = spans),
            class = "pilotdid_did_table")
}

# Rows "Breakdown Mbar" / "Breakdown M" from honest_did() results (NULL: none).
table_breakdown <- function(fits, breakdown, digits, lang, call = caller_env()) {
  if (is.null(breakdown) || isFALSE(breakdown)) return(NULL)
  k <- length(fits)
  is_es <- vapply(fits, function(f) inherits(f, c("pilotdid_event_study", "pilotdid_sun_abraham")) ||
                    (inherits(f, "pilotdid_aggregate") && identical(f$type, "dynamic")), TRUE)
  if (isTRUE(breakdown)) {
    if (!any(is_es)) abort_input("{.arg breakdown} = {.code TRUE} needs an event-study column.", call = call)
    hds <- lapply(seq_len(k), function(j) if (is_es[j]) honest_did(fits[[j]]))
  } else if (inherits(breakdown, "pilotdid_honest_did")) {
    if (sum(is_es) != 1L) {
      abort_input(c("{.arg breakdown} is one {.fn honest_did} result but the table has {sum(is_es)} event-study columns.",
                    "i" = "Give a list with one result per column ({.code NULL} for the others)."), call = call)
    }
    hds <- vector("list", k)
    hds[[which(is_es)]] <- breakdown
  } else if (is.list(breakdown) && length(breakdown) == k &&
             all(vapply(breakdown, function(b) is.null(b) || inherits(b, "pilotdid_honest_did"), TRUE))) {
    hds <- breakdown
  } else {
    abort_input(c("{.arg breakdown} must be {.code TRUE}, a {.fn honest_did} result, or a list of {k} such results ({.code NULL} for columns without).",
                  "x" = "Got {.cls {class(breakdown)[1]}} of length {length(breakdown)}."), call = call)
  }
  cell <- function(hd, type) {
    if (is.null(hd) || is.null(hd$breakdown) || !type %in% hd$breakdown$type) return(NA_character_)
    b <- hd$breakdown[hd$breakdown$type == type, ]
    if (is.na(b$M)) return(if (lang == "zh") "\u65e0" else "none")
    paste0(if (b$censored) ">= " else "", fmt_num(b$M, digits))
  }
  out <- list()
  labs <- c(relative_magnitude = "Breakdown M\u0304", smoothness = "Breakdown M")
  if (lang == "zh") labs <- c(relative_magnitude = "\u4e34\u754c\u503c M\u0304", smoothness = "\u4e34\u754c\u503c M")
  for (type in names(labs)) {
    vals <- vapply(hds, cell, "", type = type)
    if (all(is.na(vals))) next
    out[[length(out) + 1L]] <- c(labs[[type]], ifelse(is.na(vals), "", vals))
  }
  if (!length(out)) return(NULL)
  unname(do.call(rbind, out))
}

# ---- what goes into a column ----------------------------------------------------------

# The numbers one column of a table needs: coefficients (term, estimate,
# std.error, statistic, p.value), the dependent variable, N, R2s, fixed
# effects (NULL when unknown) and the variance type.
table_column <- function(x, ...) UseMethod("table_column")

# The twfe() columns with their variance recomputed (vcov(), summary()).
table_vcov <- function(fits, vcov, cluster, env, call = caller_env()) {
  bad <- !vapply(fits, inherits, TRUE, "pilotdid_twfe")
  if (any(bad)) {
    abort_input("{.arg vcov} and {.arg cluster} recompute the standard errors of {.fn twfe} fits; column{?s} {which(bad)} {?is/are} not.",
                call = call)
  }
  lapply(fits, function(f) fit_with_vcov(f, vcov, cluster, NULL, NULL, NULL, env, call))
}

#' @export
#' @noRd
table_column.pilotdid_twfe <- function(x, ...) {
  td <- tidy.pilotdid_twfe(x, conf.int = FALSE)
  list(coef = td, depvar = x$yname %||% deparse1(x$formula[[2L]]), nobs = x$nobs, r2 = x$r2,
       r2_within = x$r2_within, fe = x$fe, vcov_type = x$vcov_type, cluster = x$cluster)
}

# Event studies: the fit's column, with the period labels of the figure in
# Chinese (政策前5期及以前 for a binned end point).
#' @export
#' @noRd
table_column.pilotdid_event_study <- function(x, ...) {
  col <- table_column(x$fit)
  tab <- x$table
  col$term_labels <- list(zh = stats::setNames(event_axis_labels(tab$rel_time, tab$binned, "zh"), tab$label))
  col
}

#' @export
#' @noRd
table_column.default <- function(x, call = caller_env(), ...) {
  if (is.list(x) && inherits(x$fit, "pilotdid_twfe")) return(table_column(x$fit))
  td <- tryCatch(generics::tidy(x), error = function(e) NULL)
  if (!is.data.frame(td) || !all(c("term", "estimate") %in% names(td))) {
    abort_input(c("Cannot put an object of class {.cls {class(x)[1]}} in a table.",
                  "i" = "{.fn did_table} takes {.fn twfe} fits, objects holding one in {.field $fit}, or objects with {.fn tidy} and {.fn glance} methods."),
                call = call)
  }
  gl <- tryCatch(generics::glance(x), error = function(e) NULL)
  glv <- function(nm) if (is.data.frame(gl) && nm %in% names(gl)) gl[[nm]][1L] else NA_real_
  se <- if ("std.error" %in% names(td)) td$std.error else rep(NA_real_, nrow(td))
  stat <- if ("statistic" %in% names(td)) td$statistic else td$estimate / se
  p <- if ("p.value" %in% names(td)) td$p.value else 2 * stats::pnorm(-abs(stat))
  coef <- data.frame(term = as.character(td$term), estimate = td$estimate, std.error = se,
                     statistic = stat, p.value = p)
  depvar <- tryCatch(deparse1(stats::formula(x)[[2L]]), error = function(e) NA_character_)
  fe <- if (is.list(x) && is.character(x$fe)) x$fe else NULL
  list(coef = coef, depvar = depvar, nobs = glv("nobs"), r2 = glv("r.squared"),
       r2_within = glv("within.r.squared"), fe = fe, vcov_type = NA_character_, cluster = NULL)
}

# Fits from did_table()'s arguments: containers are expanded into their fits.
# Returns the fits, their column names, extra rows and notes.
collect_models <- function(args, dict = character(), call = caller_env()) {
  if (length(args) == 1L && is.list(args[[1L]]) && is.null(oldClass(args[[1L]]))) args <- args[[1L]]
  out <- table_models.list(args, dict = dict)
  if (!length(out$fits)) abort_input("Give {.fn did_table} at least one fit.", call = call)
  out$names <- names(out$fits) %||% rep("", length(out$fits))
  out$names[is.na(out$names)] <- ""
  out$fits <- unname(out$fits)
  out
}

# Containers list their fits and possibly extra rows (`key`, `values` from
# their `first` column on) and notes; a model is its own fit.
table_models <- function(x, ...) UseMethod("table_models")

#' @export
#' @noRd
table_models.default <- function(x, ...) list(fits = list(x))

#' @export
#' @noRd
table_models.list <- function(x, dict = character(), ...) {
  nms <- names(x) %||% rep("", length(x))
  fits <- list()
  labels <- character()
  extra <- list()
  notes <- list(en = character(), zh = character())
  for (k in seq_along(x)) {
    parts <- table_models(x[[k]])
    sub <- names(parts$fits) %||% rep("", length(parts$fits))
    sub <- vapply(sub, group_header, "", by = parts$by, dict = dict, USE.NAMES = FALSE)
    if (length(parts$fits) == 1L && !is.na(nms[k]) && nzchar(nms[k])) sub <- nms[k]
    for (e in parts$extra) {
      e$first <- length(fits) + (e$first %||% 1L)
      extra[[length(extra) + 1L]] <- e
    }
    span <- column_span(length(fits) + 1L, length(fits) + length(parts$fits))
    fits <- c(fits, unname(parts$fits))
    labels <- c(labels, sub)
    notes$en <- c(notes$en, if (length(parts$notes$en)) paste0(span$en, parts$notes$en))
    notes$zh <- c(notes$zh, if (length(parts$notes$zh)) paste0(span$zh, parts$notes$zh))
  }
  names(fits) <- labels
  list(fits = fits, extra = extra, notes = notes)
}

# "Columns (1)-(2): " / "第(1)-(2)列：", the columns a note is about.
column_span <- function(from, to) {
  cols <- if (from == to) sprintf("(%d)", from) else sprintf("(%d)-(%d)", from, to)
  list(en = paste0(if (from == to) "Column " else "Columns ", cols, ": "),
       zh = paste0("\u7b2c", cols, "\u5217\uff1a"))
}

# ---- rows -----------------------------------------------------------------------------

# Which coefficients are shown, under which label, in which order.
table_rows <- function(cols, keep, rename, order, controls, dict = character(), lang = "en",
                       call = caller_env()) {
  terms <- unique(unlist(lapply(cols, function(cl) cl$coef$term)))
  own <- unlist(lapply(cols, function(cl) cl$term_labels[[lang]]))
  label <- event_term_labels(lookup_label(terms, c(dict, own[!duplicated(names(own))])), lang)
  hit <- match(terms, names(rename))
  label[!is.na(hit)] <- rename[hit[!is.na(hit)]]
  pick <- function(v) terms[terms %in% v | label %in% v]
  shown <- if (!is.null(keep)) pick(keep) else setdiff(terms, controls)
  if (!is.null(keep)) {
    unknown <- keep[!keep %in% c(terms, label)]
    if (length(unknown)) warn_pd("{.arg keep} names {.val {unknown}}, which no fit has.")
  }
  if (!is.null(controls)) {
    unknown <- controls[!controls %in% c(terms, label)]
    if (length(unknown)) warn_pd("{.arg controls} names {.val {unknown}}, which no fit has.")
  }
  if (!is.null(keep) && is.null(order)) order <- keep
  if (!is.null(order)) {
    first <- unlist(lapply(order, function(o) terms[terms == o | label == o]))
    shown <- c(intersect(first, shown), setdiff(shown, first))
  }
  for (cl in cols) {
    lab <- label[match(intersect(cl$coef$term, shown), terms)]
    if (anyDuplicated(lab)) {
      abort_input("{.arg rename} gives two coefficients of the same fit the label {.val {lab[duplicated(lab)][1]}}.",
                  call = call)
    }
  }
  hidden <- if (!is.null(controls)) controls else if (!is.null(keep)) setdiff(terms, shown) else NULL
  list(terms = shown, labels = unique(label[match(shown, terms)]), label_of = stats::setNames(label, terms),
       hidden = hidden, controls_row = !is.null(controls) || !is.null(keep))
}

# Coefficient and standard-error rows.
table_body <- function(cols, rows, opts) {
  k <- length(cols)
  labs <- rows$labels
  cells <- matrix("", nrow = 2L * length(labs), ncol = k + 1L)
  coefs <- list()
  for (i in seq_along(labs)) {
    cells[2L * i - 1L, 1L] <- labs[i]
    for (j in seq_len(k)) {
      cf <- cols[[j]]$coef
      r <- which(cf$term %in% rows$terms & rows$label_of[cf$term] == labs[i])
      if (!length(r)) next
      cf <- cf[r[1L], ]
      cells[2L * i - 1L, j + 1L] <- paste0(fmt_num(cf$estimate, opts$digits),
                                           stars(cf$p.value, opts$stars))
      inner <- if (opts$se == "se") cf$std.error else cf$statistic
      if (!is.na(inner)) cells[2L * i, j + 1L] <- paste0("(", fmt_num(inner, opts$digits), ")")
      coefs[[length(coefs) + 1L]] <- data.frame(column = j, term = cf$term, label = labs[i],
                                                estimate = cf$estimate, std.error = cf$std.error,
                                                statistic = cf$statistic, p.value = cf$p.value)
    }
  }
  coefs <- if (length(coefs)) do.call(rbind, coefs) else
    data.frame(column = integer(), term = character(), label = character(), estimate = numeric(),
               std.error = numeric(), statistic = numeric(), p.value = numeric())
  list(cells = cells, type = rep(c("coef", "se"), length(labs)), coefs = coefs)
}

# Controls, fixed effects, N, R2 and extra rows.
table_stats <- function(cols, rows, extra, opts) {
  lab <- table_labels(opts$lang)
  k <- length(cols)
  out <- list()
  yes_no <- function(x) ifelse(x, lab$yes, lab$no)
  if (rows$controls_row) {
    has <- vapply(cols, function(cl) any(cl$coef$term %in% rows$hidden), TRUE)
    out[[length(out) + 1L]] <- c(lab$controls, yes_no(has))
  }
  fes <- unlist(lapply(cols, `[[`, "fe"))
  fes <- fes[!duplicated(fe_key(fes))]
  for (f in fes) {
    vals <- vapply(cols, function(cl) if (is.null(cl$fe)) "" else yes_no(fe_key(f) %in% fe_key(cl$fe)), "")
    out[[length(out) + 1L]] <- c(fe_row_label(f, opts$dict, opts$fe_labels, opts$lang), vals)
  }
  nobs <- vapply(cols, function(cl) as.numeric(cl$nobs %||% NA), 0)
  out[[length(out) + 1L]] <- c(lab$nobs, ifelse(is.na(nobs), "", format(nobs, scientific = FALSE, trim = TRUE)))
  r2 <- vapply(cols, function(cl) as.numeric((if (opts$r2 == "within") cl$r2_within else cl$r2) %||% NA), 0)
  out[[length(out) + 1L]] <- c(if (opts$r2 == "within") lab$r2_within else lab$r2,
                               ifelse(is.na(r2), "", fmt_num(r2, opts$digits)))
  keys <- unique(vapply(extra, `[[`, "", "key"))
  for (key in keys) {
    vals <- rep("", k)
    for (e in extra) if (e$key == key) vals[e$first + seq_along(e$values) - 1L] <- e$values
    out[[length(out) + 1L]] <- c(lab[[key]], vals)
  }
  do.call(rbind, out)
}

table_header <- function(cols, names, lang, dict = character()) {
  k <- length(cols)
  out <- list()
  if (any(nzchar(names))) out[[1L]] <- c("", names)
  dep <- vapply(cols, function(cl) as.character(cl$depvar %||% NA), "")
  if (!all(is.na(dep))) out[[length(out) + 1L]] <- c("", ifelse(is.na(dep), "", lookup_label(dep, dict)))
  out[[length(out) + 1L]] <- c(table_labels(lang)$variable, sprintf("(%d)", seq_len(k)))
  do.call(rbind, out)
}

table_columns <- function(cols, names) {
  num <- function(nm) vapply(cols, function(cl) as.numeric(cl[[nm]] %||% NA), 0)
  data.frame(name = names, depvar = vapply(cols, function(cl) as.character(cl$depvar %||% NA), ""),
             nobs = num("nobs"), r2 = num("r2"), r2_within = num("r2_within"),
             se_type = vapply(cols, function(cl) se_phrase(cl, "en"), ""))
}

# ---- notes ----------------------------------------------------------------------------

se_phrase <- function(cl, lang, dict = character()) {
  type <- cl$vcov_type %||% NA_character_
  zh <- lang == "zh"
  by <- lookup_label(cl$cluster %||% character(), dict)
  if (is.na(type)) return(if (zh) "\u6a21\u578b\u62a5\u544a\u7684\u6807\u51c6\u8bef" else "as reported by the model")
  switch(type,
         iid = if (zh) "\u666e\u901a\u6807\u51c6\u8bef" else "conventional (iid)",
         hetero = if (zh) "\u5f02\u65b9\u5dee\u7a33\u5065\u6807\u51c6\u8bef" else "heteroskedasticity-robust (HC1)",
         cluster = if (zh) {
           paste0("\u6309", zh_join(by), "\u805a\u7c7b\u7684\u7a33\u5065\u6807\u51c6\u8bef")
         } else {
           paste("clustered by", paste(by, collapse = " and "))
         })
}

# "Standard errors in parentheses, clustered by id." (or one phrase per group of columns)
# Chinese names joined by 和, with spaces around Latin names: "城市和年份", " id "
zh_join <- function(x) {
  out <- paste(x, collapse = "\u548c")
  out <- gsub("([A-Za-z0-9_.]+)", " \\1 ", out)
  gsub(" +", " ", out)
}

se_note <- function(cols, se, lang, dict = character()) {
  ph <- vapply(cols, se_phrase, "", lang = lang, dict = dict)
  u <- unique(ph)
  zh <- lang == "zh"
  if (length(u) == 1L) {
    if (zh) {
      inner <- if (se == "se") u else paste0("t \u503c\uff08\u57fa\u4e8e", u, "\uff09")
      return(paste0("\u6ce8\uff1a\u62ec\u53f7\u5185\u4e3a", inner, "\u3002"))
    }
    return(if (se == "se") paste0("Standard errors in parentheses, ", u, ".")
           else paste0("t statistics in parentheses, from standard errors ", u, "."))
  }
  groups <- vapply(u, function(p) paste0(sprintf("(%d)", which(ph == p)), collapse = ""), "")
  if (zh) {
    what <- if (se == "se") "\u6807\u51c6\u8bef" else "t \u503c"
    return(paste0("\u6ce8\uff1a\u62ec\u53f7\u5185\u4e3a", what, "\uff1a",
                  paste(groups, u, collapse = "\uff1b"), "\u3002"))
  }
  what <- if (se == "se") "Standard errors" else "t statistics (from standard errors)"
  paste0(what, " in parentheses: ", paste(groups, u, collapse = "; "), ".")
}

stars_note <- function(cutoffs, lang) {
  if (!length(cutoffs)) return(character())
  s <- strrep("*", seq_along(cutoffs))
  pct <- paste0(format(100 * cutoffs, trim = TRUE, drop0trailing = TRUE), "%")
  if (lang == "zh") {
    return(paste0(paste(s, collapse = "\u3001"), " \u5206\u522b\u8868\u793a\u5728 ",
                  paste(pct, collapse = "\u3001"), " \u7684\u6c34\u5e73\u4e0a\u663e\u8457\u3002"))
  }
  paste0(paste0(s, " p < ", format(cutoffs, trim = TRUE, drop0trailing = TRUE), collapse = ", "), ".")
}

# Row labels and phrases in each language.
table_labels <- function(lang) {
  if (lang == "zh") {
    return(list(variable = "\u53d8\u91cf", controls = "\u63a7\u5236\u53d8\u91cf",
                nobs = "\u89c2\u6d4b\u503c", r2 = "R2",
                r2_within = "\u7ec4\u5185 R2", yes = "YES", no = "NO",
                diff_p = "\u7ec4\u95f4\u7cfb\u6570\u5dee\u5f02\u68c0\u9a8c p \u503c"))
  }
  list(variable = "", controls = "Controls",
       nobs = "N", r2 = "R2", r2_within = "Within R2", yes = "YES", no = "NO",
       diff_p = "Difference p-value")
}

# ---- small helpers --------------------------------------------------------------------

# Fixed decimals; a number that would round to zero gets `digits` significant
# digits instead (0.0003 is "0.0003", not "0.000"); no "-0.000".
fmt_num <- function(x, digits) {
  out <- formatC(x, format = "f", digits = digits)
  tiny <- !is.na(x) & x != 0 & round(x, digits) == 0 & is.finite(x)
  out[tiny] <- formatC(signif(x[tiny], max(digits, 1L)), format = "fg", digits = max(digits, 1L))
  out[!is.na(x) & x == 0] <- formatC(0, format = "f", digits = digits)
  out[is.na(x)] <- ""
  out
}

check_stars <- function(x, call = caller_env()) {
  if (is.null(x) || isFALSE(x)) return(numeric())
  if (!is.numeric(x) || anyNA(x) || any(x <= 0 | x >= 1)) {
    abort_input("{.arg stars} must be p-value cut-offs between 0 and 1, e.g. {.code c(0.1, 0.05, 0.01)}, or {.code NULL}.",
                call = call)
  }
  sort(unique(x), decreasing = TRUE)
}

check_strings <- function(x, arg, single = FALSE, call = caller_env()) {
  if (is.null(x)) return(invisible())
  if (!is.character(x) || anyNA(x) || (single && length(x) != 1L)) {
    abort_input("{.arg {arg}} must be {if (single) 'a string' else 'a character vector'} or {.code NULL}.",
                call = call)
  }
  invisible(x)
}

check_named_strings <- function(x, arg, call = caller_env()) {
  if (is.null(x)) return(invisible())
  if (is.list(x)) x <- unlist(x)
  if (!is.character(x) || is.null(names(x)) || any(!nzchar(names(x))) || anyNA(x)) {
    abort_input("{.arg {arg}} must be a named character vector such as {.code c(treat = \"DID\")}.",
                call = call)
  }
  invisible(x)
}

# ---- methods --------------------------------------------------------------------------

#' Methods for publication tables
#'
#' `print()` writes the table in its format; `format()` returns the lines of
#' any format; `as.data.frame()` the cell matrix; `tidy()` the numbers shown
#' (one row per column and coefficient: `column`, `term`, `label`,
#' `estimate`, `std.error`, `statistic`, `p.value`); `glance()` one row per
#' column (`name`, `depvar`, `nobs`, `r2`, `r2_within`, `se_type`). In a
#' knitted document the table renders as HTML, LaTeX or Markdown according
#' to the output (a table made with `format = "markdown"`, `"latex"` or
#' `"html"` keeps its format).
#'
#' @param x A `pilotdid_did_table`.
#' @param format Output format; by default the one the table was made with.
#' @param ... Unused.
#' @return `format()`: a character vector of lines; `tidy()`, `glance()`,
#'   `as.data.frame()`: data frames.
#' @family tables
#' @name table-methods
#' @examples
#' d <- simulate_panel(n_id = 40, n_t = 6, seed = 2)
#' tab <- did_table(twfe(y ~ treat + x1 | id + year, data = d))
#' format(tab, "markdown")
#' tidy(tab)
NULL

#' @rdname table-methods
#' @export
print.pilotdid_did_table <- function(x, format = x$format, ...) {
  cat(format.pilotdid_did_table(x, format = format), sep = "\n")
  invisible(x)
}

#' @rdname table-methods
#' @export
format.pilotdid_did_table <- function(x, format = x$format, ...) {
  format <- check_choice(format, c("text", "markdown", "latex", "html"), "format")
  render_table(x$cells, x$row_type, format, x$title, x$notes, spans = x$spans)
}

#' @rdname table-methods
#' @export
as.data.frame.pilotdid_did_table <- function(x, ...) {
  as.data.frame(x$cells, stringsAsFactors = FALSE)
}

#' @rdname table-methods
#' @method tidy pilotdid_did_table
#' @export
tidy.pilotdid_did_table <- function(x, ...) x$coefs

#' @rdname table-methods
#' @method glance pilotdid_did_table
#' @export
glance.pilotdid_did_table <- function(x, ...) x$columns

#' @rdname table-methods
#' @exportS3Method knitr::knit_print
knit_print.pilotdid_did_table <- function(x, ...) {
  knit_table(x$cells, x$row_type, x$format, x$title, x$notes, spans = x$spans)
}

# Output of the document being knitted: HTML, LaTeX or Markdown.
knit_table <- function(cells, row_type, format, title, notes, align = c("l", rep("c", ncol(cells) - 1L)),
                       spans = NULL) {
  if (format == "text") {
    format <- if (knitr::is_latex_output()) "latex" else if (knitr::is_html_output()) "html" else "markdown"
  }
  lines <- render_table(cells, row_type, format, title, notes, align, spans)
  knitr::asis_output(paste(c("", lines, ""), collapse = "\n"))
}
