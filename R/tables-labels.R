# Row and header labels of the tables: a dictionary of variable names
# (argument `labels` of did_table(), or option `pilotdid.labels`) over the
# built-in names of the shipped data, used for coefficient rows, dependent
# variables, fixed-effect rows, the clustering note and group headers.

# Built-in labels of known names, in each language (English ones lower case:
# they are capitalised at the start of a row label).
builtin_labels <- function(lang) {
  if (lang == "zh") {
    return(c(year = "\u5e74\u4efd", nbs_code = "\u57ce\u5e02", province_code = "\u7701\u4efd",
             prefecture_code = "\u57ce\u5e02"))
  }
  c(year = "year", nbs_code = "city", province_code = "province", prefecture_code = "city")
}

# The user's dictionary for `lang`: a named character vector, or a list with
# elements `en` and `zh` holding one each.
check_labels <- function(labels, lang, call = caller_env()) {
  if (is.null(labels)) return(character())
  if (is.data.frame(labels)) return(labels_from_data(labels))
  if (is.list(labels) && all(names(labels) %in% c("en", "zh")) && length(labels)) {
    labels <- labels[[lang]]
    if (is.null(labels)) return(character())
  }
  if (is.list(labels)) labels <- unlist(labels)
  if (!is.character(labels) || is.null(names(labels)) || any(!nzchar(names(labels))) || anyNA(labels)) {
    abort_input(c("{.arg labels} must be a named character vector such as {.code c(nbs_code = \"City\", ln_gdp = \"ln GDP\")}.",
                  "i" = "Or a list with one such vector per language: {.code list(en = c(...), zh = c(...))}."),
                call = call)
  }
  labels
}

# The dictionary a table uses: the user's labels over the built-in ones.
label_dict <- function(labels, lang) {
  user <- labels[!duplicated(names(labels), fromLast = TRUE)]
  builtin <- builtin_labels(lang)
  c(user, builtin[setdiff(names(builtin), names(user))])
}

# Label of each name in `x`, `x` itself when the dictionary has none.
lookup_label <- function(x, dict) {
  hit <- match(x, names(dict))
  out <- x
  out[!is.na(hit)] <- dict[hit[!is.na(hit)]]
  out
}

cap_first <- function(x) paste0(toupper(substr(x, 1L, 1L)), substring(x, 2L))

# Fixed-effect names compared without regard to the order of an interaction.
fe_key <- function(f) {
  if (!length(f)) return(character())
  vapply(strsplit(f, "^", fixed = TRUE), function(p) paste(sort(trimws(p)), collapse = "^"), "")
}

# "City FE", "Province × year FE", "城市固定效应", "id FE"; `fe_labels` (full
# row labels) first.
fe_row_label <- function(f, dict, fe_labels, lang) {
  if (!is.null(fe_labels) && f %in% names(fe_labels)) return(fe_labels[[f]])
  names <- trimws(strsplit(f, "^", fixed = TRUE)[[1L]])
  parts <- lookup_label(names, dict)
  if (lang == "zh") return(paste0(paste(parts, collapse = "\u00d7"), "\u56fa\u5b9a\u6548\u5e94"))
  out <- paste(parts, collapse = " \u00d7 ")
  if (names[1L] %in% names(dict)) out <- cap_first(out)
  paste(out, "FE")
}

# Readable labels of event-time terms in Chinese: pre_5 -> 政策前5期.
event_term_labels <- function(terms, lang) {
  out <- terms
  if (lang != "zh") return(out)
  ev <- grepl("^(pre_[0-9]+|current|post_[0-9]+)$", terms)
  k <- ifelse(terms == "current", 0, suppressWarnings(as.numeric(sub("^(pre|post)_", "", terms))))
  k[grepl("^pre_", terms)] <- -k[grepl("^pre_", terms)]
  out[ev] <- event_labels(k[ev], "zh")
  out
}

# Group header of a subgroup fit: the label the dictionary gives its full
# name ("big = 1") or its value, else the value ("region = East" -> "East");
# a bare 0/1/TRUE/FALSE says nothing alone and keeps its name ("big = 1").
group_header <- function(name, by, dict) {
  if (!nzchar(name)) return(name)
  if (name %in% names(dict)) return(dict[[name]])
  if (is.null(by) || !startsWith(name, paste0(by, " = "))) return(lookup_label(name, dict))
  value <- substring(name, nchar(by) + 4L)
  if (value %in% names(dict)) return(dict[[value]])
  if (value %in% c("0", "1", "TRUE", "FALSE")) name else value
}

# Labels stored in a data frame, as haven::read_dta() leaves them: variable
# labels (attribute "label") for the names, value labels (attribute "labels")
# as "<name> = <value>" entries, so that subgroup headers show region names.
labels_from_data <- function(data) {
  out <- character()
  for (v in names(data)) {
    lab <- attr(data[[v]], "label", exact = TRUE)
    if (is.character(lab) && length(lab) == 1L && !is.na(lab) && nzchar(lab)) out[[v]] <- lab
    vl <- attr(data[[v]], "labels", exact = TRUE)
    if (length(vl) && !is.null(names(vl))) {
      out[paste(v, "=", format(unname(vl), trim = TRUE))] <- names(vl)
    }
  }
  out
}
