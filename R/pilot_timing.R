#' First treatment year of each city under the low-carbon city pilots
#'
#' `pilot_timing()` turns the pilot lists of the three NDRC notices
#' ([lowcarbon_pilots]) into the first year each prefecture-level unit counts
#' as treated in a staggered difference-in-differences, following the coding
#' of the reference paper: every city of a pilot province is a pilot city, a
#' county-level pilot treats its parent prefecture, and a city named several
#' times keeps its earliest date.
#'
#' @section Rules:
#' Each pilot of batch \eqn{b} proposes the year `start[b]` to the cities it
#' covers, under one of three rules:
#' * `"own listing"`: the city is itself named in a notice (a municipality, a
#'   prefecture-level city or prefecture, or a county-level unit that appears in
#'   `cities` with its own code, such as Jiyuan);
#' * `"province"` (when `province_rule = TRUE`): the city lies in a pilot
#'   province (Guangdong, Liaoning, Hubei, Shaanxi and Yunnan in batch 1,
#'   Hainan in batch 2);
#' * `"parent of county pilot"` (when `county_rule = "parent"`): a county,
#'   county-level city or district of the city is named (Xunke for Heihe,
#'   Gongqingcheng for Jiujiang, Changyang for Yichang, Simao for Pu'er,
#'   Dunhuang for Jiuquan, Changji, Yining and Hotan for their prefectures).
#'   Jiyuan, Qiongzhong and Alar have no parent prefecture: they treat only
#'   themselves, when `cities` holds their own codes.
#'
#' The earliest proposed year wins: Wuhan, named in batch 2, is treated from
#' `start[1]` as a city of Hubei; Sanya, named in batch 3, from `start[2]` as a
#' city of Hainan. When several rules give the same earliest year (Shenzhen is
#' named in batch 1 and lies in Guangdong, also batch 1), `rule` and `pilot`
#' report the most specific one: own listing, then parent of a county pilot,
#' then province.
#'
#' @section Matching:
#' Pilots and cities are matched by NBS division code, never by name: a
#' city's own code (`nbs_code`) is compared with the pilot's `unit_code`, its
#' first two digits with a province pilot's, and its code with a county
#' pilot's `prefecture_code`. When `cities` is a vector of names, each name is
#' first looked up in [cn_cities] (Chinese full or short name, English name,
#' unique English name, pinyin or NBS code; case, spaces and punctuation
#' ignored for the Latin ones) to get its code; names that match no unit, or
#' several (Suzhou, Taizhou, Fuzhou, Yichun, Yulin), are an error that lists
#' them. Provinces are not units: `"Hainan"` is the Hainan Tibetan autonomous
#' prefecture of Qinghai (its pinyin), so check the `province` column.
#'
#' @param cities The cities to time: a data frame with a column `nbs_code`
#'   (six-digit NBS division codes, as in [cn_cities], the default), or a
#'   vector of city names or NBS codes. Columns `name_zh`, `name_en` and
#'   `province` are taken from the data frame when present, otherwise from
#'   [cn_cities].
#' @param pilots The pilot units, as in [lowcarbon_pilots] (the default): a
#'   data frame with columns `batch` (1, 2 or 3), `level` (`"province"`,
#'   `"municipality"`, `"prefecture"` or `"county"`), `unit_code`,
#'   `prefecture_code` and `name_en`. Drop rows to leave pilots out.
#' @param start Treatment years of batches 1, 2 and 3: three increasing
#'   years. The default `c(2011, 2013, 2017)` is the reference paper's, which
#'   lags the notices of July 2010 and November 2012 by a year; `c(2010, 2012,
#'   2017)` dates each batch by its notice, as other papers do.
#' @param province_rule If `TRUE` (default), a province pilot treats every
#'   city of the province; if `FALSE`, province pilots are ignored and only
#'   the cities named in the notices (and the parents of county pilots) are
#'   treated.
#' @param county_rule What a county-level pilot does: `"parent"` (default)
#'   treats its parent prefecture; `"ignore"` treats no city.
#'
#' @return A data frame with one row per row of `cities` (per element when it
#'   is a vector), in its order, and the columns:
#'   * `city` (only when `cities` is a vector): the name or code given;
#'   * `nbs_code`, `name_zh`, `name_en`, `province`: the city;
#'   * `batch`: the batch (1, 2, 3) that gave the first year, `NA` if never
#'     treated;
#'   * `first_year`: the first treated year, `NA` if never treated;
#'   * `rule`: the rule that gave it, `"own listing"`, `"province"` or
#'     `"parent of county pilot"`; `NA` if never treated;
#'   * `pilot`: English name of the pilot unit behind it (`"Hubei"` for
#'     Wuhan), `NA` if never treated;
#'   * `treated`: `TRUE` if ever treated.
#' @family data
#' @seealso [lowcarbon_pilots], [cn_cities]
#' @export
#' @examples
#' tm <- pilot_timing()
#' table(tm$first_year, tm$rule, useNA = "ifany")
#' tm[tm$name_en %in% c("Shenzhen", "Wuhan", "Sanya", "Heihe"), ]
#'
#' # Notice years instead of the lagged years; named cities only
#' pilot_timing(c("Shenzhen", "Wuhan", "Nanjing", "Heihe"), start = c(2010, 2012, 2017))
#' pilot_timing(c("Shenzhen", "Wuhan", "Nanjing", "Heihe"), province_rule = FALSE,
#'              county_rule = "ignore")
pilot_timing <- function(cities = pilotdid::cn_cities, pilots = pilotdid::lowcarbon_pilots,
                         start = c(2011, 2013, 2017), province_rule = TRUE,
                         county_rule = c("parent", "ignore")) {
  county_rule <- check_choice(county_rule, c("parent", "ignore"), "county_rule")
  check_flag(province_rule, "province_rule")
  start <- check_start(start)
  units <- timing_cities(cities)
  pilots <- check_pilots(pilots)
  offers <- pilot_offers(pilots, start, province_rule, county_rule)
  first_offer(units, offers)
}

# Three strictly increasing whole years, as integers.
check_start <- function(start, call = rlang::caller_env()) {
  if (!is.numeric(start) || length(start) != 3L || anyNA(start) || any(start != round(start)) ||
      any(diff(start) <= 0)) {
    abort_input(c("{.arg start} must be three increasing years, one per batch.",
                  "i" = "For example {.code c(2011, 2013, 2017)} or {.code c(2010, 2012, 2017)}."),
                call = call)
  }
  as.integer(start)
}

# The pilots as a checked data frame with whole-number codes.
check_pilots <- function(pilots, call = rlang::caller_env()) {
  if (!is.data.frame(pilots)) abort_input("{.arg pilots} must be a data frame such as {.code lowcarbon_pilots}.",
                                          call = call)
  need <- c("batch", "level", "unit_code", "prefecture_code", "name_en")
  missing <- setdiff(need, names(pilots))
  if (length(missing)) {
    abort_input("{.arg pilots} lacks column{?s} {.field {missing}}.", call = call)
  }
  p <- data.frame(batch = pilots$batch, level = as.character(pilots$level), name_en = as.character(pilots$name_en),
                  stringsAsFactors = FALSE)
  if (!is.numeric(p$batch) || anyNA(p$batch) || !all(p$batch %in% 1:3)) {
    abort_input("Column {.field batch} of {.arg pilots} must hold 1, 2 or 3.", call = call)
  }
  levels <- c("province", "municipality", "prefecture", "county")
  bad <- unique(p$level[is.na(p$level) | !p$level %in% levels])
  if (length(bad)) {
    abort_input(c("Column {.field level} of {.arg pilots} must hold {one_of(levels)}.",
                  "x" = "Found {.val {bad}}."), call = call)
  }
  p$unit_code <- as_code(pilots$unit_code, "unit_code", "pilots", allow_na = FALSE, call = call)
  p$prefecture_code <- as_code(pilots$prefecture_code, "prefecture_code", "pilots", allow_na = TRUE, call = call)
  p$batch <- as.integer(p$batch)
  p
}

# NBS codes as integers: whole numbers of six digits (character digits accepted).
as_code <- function(x, col, arg, allow_na, call = rlang::caller_env()) {
  v <- if (is.numeric(x)) x else suppressWarnings(as.numeric(as.character(x)))
  bad <- (is.na(v) & (!allow_na | !is.na(x))) | (!is.na(v) & (v != round(v) | v < 1e5 | v > 999999))
  if (any(bad)) {
    abort_input(c("Column {.field {col}} of {.arg {arg}} must hold six-digit NBS division codes.",
                  "x" = "Not a code: {.val {unique(as.character(x[bad]))}}."), call = call)
  }
  as.integer(v)
}

# Every (batch, rule) offer of a first year, keyed by province or city code.
pilot_offers <- function(p, start, province_rule, county_rule) {
  offer <- function(rows, key, by, rule, rank) {
    data.frame(key = key[rows], by = rep(by, sum(rows)), batch = p$batch[rows],
               year = start[p$batch[rows]], rule = rep(rule, sum(rows)), rank = rep(rank, sum(rows)),
               pilot = p$name_en[rows], order = which(rows), stringsAsFactors = FALSE)
  }
  is_prov <- p$level == "province"
  parent <- p$level == "county" & !is.na(p$prefecture_code) & p$prefecture_code != p$unit_code
  rbind(
    offer(!is_prov, p$unit_code, "code", "own listing", 1L),
    offer(parent & county_rule == "parent", p$prefecture_code, "code", "parent of county pilot", 2L),
    offer(is_prov & province_rule, p$unit_code %/% 10000L, "province", "province", 3L)
  )
}

# For each city, the earliest offer; ties go to the lower rank, then the
# pilot listed first.
first_offer <- function(units, offers) {
  n <- nrow(units)
  by_code <- offers[offers$by == "code", ]
  by_prov <- offers[offers$by == "province", ]
  hit_code <- lapply(units$nbs_code, function(k) which(by_code$key == k))
  hit_prov <- lapply(units$nbs_code %/% 10000L, function(k) which(by_prov$key == k))
  cand <- rbind(
    cbind(i = rep(seq_len(n), lengths(hit_code)), by_code[unlist(hit_code), ]),
    cbind(i = rep(seq_len(n), lengths(hit_prov)), by_prov[unlist(hit_prov), ])
  )
  cand <- cand[order(cand$i, cand$year, cand$rank, cand$order), ]
  cand <- cand[!duplicated(cand$i), ]
  j <- match(seq_len(n), cand$i)
  out <- units
  out$batch <- cand$batch[j]
  out$first_year <- cand$year[j]
  out$rule <- cand$rule[j]
  out$pilot <- cand$pilot[j]
  out$treated <- !is.na(j)
  rownames(out) <- NULL
  out
}

# The cities as a data frame with nbs_code, name_zh, name_en and province
# (and `city`, the values given, when `cities` is a vector).
timing_cities <- function(cities, call = rlang::caller_env()) {
  ref <- pilotdid::cn_cities
  if (is.data.frame(cities)) {
    if (!"nbs_code" %in% names(cities)) {
      abort_input(c("{.arg cities} must have a column {.field nbs_code} of NBS division codes.",
                    "i" = "To match by name, give a vector of city names instead."), call = call)
    }
    code <- as_code(cities$nbs_code, "nbs_code", "cities", allow_na = FALSE, call = call)
    unknown <- unique(code[!code %in% ref$nbs_code])
    if (length(unknown)) {
      note("{length(unknown)} code{?s} in {.arg cities} {?is/are} not {?a unit/units} of {.code cn_cities}: {.val {unknown}}.")
    }
    k <- match(code, ref$nbs_code)
    pick <- function(col, ref_col) if (col %in% names(cities)) as.character(cities[[col]]) else ref[[ref_col]][k]
    return(data.frame(nbs_code = code, name_zh = pick("name_zh", "name_zh"), name_en = pick("name_en", "name_en"),
                      province = pick("province", "province"), stringsAsFactors = FALSE))
  }
  if (!(is.character(cities) || is.numeric(cities) || is.factor(cities)) || !length(cities)) {
    abort_input("{.arg cities} must be a data frame with {.field nbs_code} or a vector of city names or codes.",
                call = call)
  }
  given <- if (is.factor(cities)) as.character(cities) else cities
  k <- match_city_names(as.character(given), ref, call)
  data.frame(city = given, nbs_code = ref$nbs_code[k], name_zh = ref$name_zh[k], name_en = ref$name_en[k],
             province = ref$province[k], stringsAsFactors = FALSE)
}

# Rows of `ref` matching each name; one error lists the names matching no
# unit and those matching several.
match_city_names <- function(x, ref, call = rlang::caller_env()) {
  norm <- function(s) tolower(gsub("[[:space:][:punct:]]", "", enc2utf8(s)))
  cols <- c("name_zh", "name_zh_short", "name_en", "name_en_unique", "name_pinyin")
  keys <- data.frame(key = c(norm(unlist(ref[cols], use.names = FALSE)), as.character(ref$nbs_code)),
                     row = c(rep(seq_len(nrow(ref)), length(cols)), seq_len(nrow(ref))))
  keys <- unique(keys)
  hits <- split(keys$row, factor(keys$key))
  found <- hits[norm(x)]
  n_hit <- lengths(found)
  none <- unique(x[n_hit == 0L])
  several <- unique(x[n_hit > 1L])
  if (length(none) || length(several)) {
    alt <- vapply(several, function(s) {
      r <- hits[[norm(s)]]
      paste0("\"", s, "\" could be ", paste0(ref$name_en_unique[r], " (", ref$nbs_code[r], ")", collapse = " or "), ".")
    }, "")
    alt <- gsub("([{}])", "\\1\\1", alt)
    n_bad <- length(none) + length(several)
    abort_input(c("{n_bad} name{?s} in {.arg cities} do{?es/} not match exactly one unit of {.code cn_cities}.",
                  "x" = if (length(none)) "No match: {.val {none}}.",
                  stats::setNames(alt, rep("x", length(alt))),
                  "i" = "Use names or codes as in {.code cn_cities}: {.field name_zh}, {.field name_zh_short}, {.field name_en_unique}, {.field name_pinyin} or {.field nbs_code}."),
                call = call)
  }
  unname(vapply(found, `[`, 1L, 1L))
}
