# Builds data/lowcarbon_pilots.rda: the 87 pilot units of the three NDRC
# low-carbon pilot notices (发改气候〔2010〕1587号, 〔2012〕3760号, 〔2017〕66号).
#
# Input: the verified facts in ../shared/facts/ (lowcarbon_pilots.csv, and
# prefecture_cities.csv for the parent prefectures' names), relative to the
# package's top folder.
# Run from the package's top folder:
#   Rscript data-raw/lowcarbon_pilots.R
# Base R only. Stops if a parent prefecture code is not a prefecture unit or
# its names disagree with the prefecture list.

source(file.path("data-raw", "read_fact.R"))

raw <- read_fact("lowcarbon_pilots.csv")
pref <- read_fact("prefecture_cities.csv")

stopifnot(
  nrow(raw) == 87L, identical(as.vector(table(raw$batch)), c(13L, 29L, 45L)),
  !anyDuplicated(raw$unit_code)
)

# Four levels that decide how a pilot is coded by pilot_timing(); the
# notice's own description stays in `level_detail`.
level <- ifelse(raw$level == "province", "province",
         ifelse(startsWith(raw$level, "municipality"), "municipality",
         ifelse(startsWith(raw$level, "prefecture"), "prefecture", "county")))

# Prefecture unit the pilot is or lies in: the facts give the two-digit
# province code for province pilots and nothing for Jiyuan, Qiongzhong and
# Alar, which have no parent prefecture.
prefecture_code <- as.integer(raw$maps_to_prefecture_code)
prefecture_code[level == "province"] <- NA_integer_
k <- match(prefecture_code, pref$nbs_code)
if (any(!is.na(prefecture_code) & is.na(k))) {
  stop("Parent prefecture codes not in prefecture_cities.csv: ",
       paste(prefecture_code[!is.na(prefecture_code) & is.na(k)], collapse = ", "))
}
mapped <- !is.na(k)
stopifnot(
  all(raw$maps_to_prefecture_zh[mapped] == pref$name_zh[k[mapped]]),
  all(raw$maps_to_prefecture_en[mapped] == pref$name_en[k[mapped]]),
  all(raw$province_en[mapped] == pref$province_en[k[mapped]]),
  all(raw$region4[mapped] == pref$region4[k[mapped]]),
  all(level[!mapped] %in% c("province", "county")),
  all(prefecture_code[level %in% c("municipality", "prefecture")] == raw$unit_code[level %in% c("municipality", "prefecture")])
)

# Province pilots: the facts describe their coverage in the parent column;
# keep it in the note.
note <- raw$note
cover <- sub("^\\((.*)\\)$", "\\1", raw$maps_to_prefecture_zh)
cover <- paste0(toupper(substr(cover, 1L, 1L)), substr(cover, 2L, nchar(cover)))
is_prov <- level == "province"
note[is_prov] <- ifelse(is.na(note[is_prov]), cover[is_prov], paste0(cover[is_prov], ". ", note[is_prov]))

lowcarbon_pilots <- data.frame(
  batch = as.integer(raw$batch),
  notice_no = raw$notice_no,
  notice_date = as.Date(raw$notice_date),
  notice_date_note = raw$notice_date_note,
  order = as.integer(raw$order_in_notice),
  name_zh = raw$name_zh,
  name_zh_with_province = raw$name_zh_with_province,
  name_en = raw$name_en,
  level = level,
  level_detail = raw$level,
  unit_code = as.integer(raw$unit_code),
  province_code = as.integer(raw$unit_code %/% 10000L),
  province = raw$province_en,
  province_zh = raw$province_zh,
  prefecture_code = prefecture_code,
  prefecture_zh = pref$name_zh[k],
  prefecture_en = pref$name_en[k],
  region = raw$region4,
  note = note,
  source = raw$source,
  stringsAsFactors = FALSE
)
lowcarbon_pilots <- lowcarbon_pilots[order(lowcarbon_pilots$batch, lowcarbon_pilots$order), ]
rownames(lowcarbon_pilots) <- NULL

# Mark every string UTF-8 (ASCII strings stay unmarked).
for (v in names(lowcarbon_pilots)) {
  if (is.character(lowcarbon_pilots[[v]])) lowcarbon_pilots[[v]] <- enc2utf8(lowcarbon_pilots[[v]])
}

stopifnot(
  identical(as.vector(table(lowcarbon_pilots$level)[c("province", "municipality", "prefecture", "county")]),
            c(6L, 4L, 66L, 11L)),
  all(lowcarbon_pilots$province_code %in% pref$province_code)
)

dir.create("data", showWarnings = FALSE)
save(lowcarbon_pilots, file = file.path("data", "lowcarbon_pilots.rda"), compress = "xz")
message("Wrote data/lowcarbon_pilots.rda: ", nrow(lowcarbon_pilots), " pilot units.")
