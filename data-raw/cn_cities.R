# Builds data/cn_cities.rda: China's prefecture-level units with their NBS
# codes, names, province, four-region class, capital flags, status and the
# resource-based city classification of the State Council's plan
# 国发〔2013〕45号.
#
# Input: the verified facts in ../shared/facts/ (prefecture_cities.csv,
# resource_cities.csv), relative to the package's top folder.
# Run from the package's top folder:
#   Rscript data-raw/cn_cities.R
# Base R only. Stops if a resource-based city does not match a prefecture unit.

source(file.path("data-raw", "read_fact.R"))

pref <- read_fact("prefecture_cities.csv")
res <- read_fact("resource_cities.csv")

stopifnot(
  nrow(pref) == 339L, !anyDuplicated(pref$nbs_code), !anyDuplicated(pref$name_en_unique),
  nrow(res) == 126L, !anyDuplicated(res$nbs_code),
  all(pref$province_code == pref$nbs_code %/% 10000L)
)

# Every resource-based city must be a prefecture unit, with the same Chinese
# and English name, province and region.
i <- match(res$nbs_code, pref$nbs_code)
bad <- is.na(i) |
  res$name_zh != pref$name_zh[i] | res$name_en != pref$name_en[i] |
  res$province_zh != pref$province_zh[i] | res$region4 != pref$region4[i]
bad[is.na(bad)] <- TRUE
if (any(bad)) {
  stop("Resource-based cities without a matching prefecture unit: ",
       paste0(res$name_en[bad], " (", res$nbs_code[bad], ")", collapse = ", "))
}

unit_type <- sub(" (abolished)", "", sub(" (province-level)", "", pref$unit_type, fixed = TRUE), fixed = TRUE)
status <- ifelse(pref$status == "current", "current", "abolished")
abolished_year <- rep(NA_integer_, nrow(pref))
abolished_year[status == "abolished"] <- as.integer(substr(sub("^abolished ", "", pref$status[status == "abolished"]), 1L, 4L))
j <- match(pref$nbs_code, res$nbs_code)

cn_cities <- data.frame(
  nbs_code = as.integer(pref$nbs_code),
  name_zh = pref$name_zh,
  name_zh_short = pref$name_zh_short,
  name_en = pref$name_en,
  name_en_unique = pref$name_en_unique,
  name_pinyin = pref$name_pinyin,
  unit_type = unit_type,
  unit_type_zh = sub("(已撤销)", "", pref$unit_type_zh, fixed = TRUE),
  province_code = as.integer(pref$province_code),
  province = pref$province_en,
  province_zh = pref$province_zh,
  region = pref$region4,
  is_municipality = unit_type == "municipality",
  is_prefecture_city = unit_type == "prefecture-level city",
  is_capital = as.logical(pref$is_provincial_capital),
  is_sub_provincial = as.logical(pref$is_sub_provincial),
  status = status,
  abolished_year = abolished_year,
  change_note = pref$change_note,
  change_note_verified = ifelse(is.na(pref$change_note), NA, startsWith(pref$change_note_verified, "confirmed")),
  is_resource = !is.na(j),
  resource_type = res$rb_type[j],
  resource_type_zh = res$rb_type_zh[j],
  resource_note = res$note[j],
  source = pref$source,
  resource_source = res$source[j],
  stringsAsFactors = FALSE
)
cn_cities <- cn_cities[order(cn_cities$nbs_code), ]
rownames(cn_cities) <- NULL

# Mark every string UTF-8 (ASCII strings stay unmarked) so that R CMD check
# reads the data the same way in every locale.
for (v in names(cn_cities)) if (is.character(cn_cities[[v]])) cn_cities[[v]] <- enc2utf8(cn_cities[[v]])

stopifnot(
  sum(cn_cities$is_resource) == 126L,
  identical(as.vector(table(cn_cities$resource_type)[c("growing", "mature", "declining", "regenerating")]),
            c(20L, 66L, 24L, 16L)),
  sum(cn_cities$is_municipality) == 4L, sum(cn_cities$status == "abolished") == 2L,
  all(cn_cities$is_prefecture_city == as.logical(pref$is_prefecture_level_city)[match(cn_cities$nbs_code, pref$nbs_code)])
)

dir.create("data", showWarnings = FALSE)
save(cn_cities, file = file.path("data", "cn_cities.rda"), compress = "xz")
message("Wrote data/cn_cities.rda: ", nrow(cn_cities), " units, ", sum(cn_cities$is_resource), " resource-based.")
