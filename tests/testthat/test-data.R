test_that("lowcarbon_pilots holds the 87 units of the three notices", {
  p <- lowcarbon_pilots
  expect_identical(class(p), "data.frame")
  expect_identical(dim(p), c(87L, 20L))
  expect_identical(
    names(p),
    c("batch", "notice_no", "notice_date", "notice_date_note", "order", "name_zh", "name_zh_with_province",
      "name_en", "level", "level_detail", "unit_code", "province_code", "province", "province_zh",
      "prefecture_code", "prefecture_zh", "prefecture_en", "region", "note", "source")
  )
  # Batch 1: 5 provinces + 8 cities; batch 2: Hainan + 28 cities; batch 3: 45 units.
  expect_identical(as.vector(table(p$batch)), c(13L, 29L, 45L))
  expect_identical(as.vector(table(p$batch[p$level == "province"])), c(5L, 1L))
  expect_setequal(p$name_en[p$level == "province"],
                  c("Guangdong", "Liaoning", "Hubei", "Shaanxi", "Yunnan", "Hainan"))
  expect_identical(p$name_en[p$batch == 2 & p$level == "province"], "Hainan")
  expect_identical(as.vector(table(factor(p$level, c("province", "municipality", "prefecture", "county")))),
                   c(6L, 4L, 66L, 11L))
  expect_identical(unique(p$notice_date), as.Date(c("2010-07-19", "2012-11-26", "2017-01-07")))
  expect_identical(as.vector(tapply(p$order, p$batch, function(o) identical(o, seq_along(o)))), rep(TRUE, 3))
  expect_false(anyDuplicated(p$unit_code) > 0)
  expect_identical(p$province_code, p$unit_code %/% 10000L)
  expect_true(all(p$region %in% c("East", "Central", "West", "Northeast")))
  expect_false(anyNA(p[c("batch", "notice_no", "notice_date", "name_zh", "name_en", "level", "unit_code",
                         "province", "region", "source")]))
})

test_that("every pilot below a province maps to a prefecture unit or says it has none", {
  p <- lowcarbon_pilots
  mapped <- p[!is.na(p$prefecture_code), ]
  expect_true(all(mapped$prefecture_code %in% cn_cities$nbs_code))
  k <- match(mapped$prefecture_code, cn_cities$nbs_code)
  expect_identical(mapped$prefecture_en, cn_cities$name_en[k])
  expect_identical(mapped$province, cn_cities$province[k])
  same <- p$level %in% c("municipality", "prefecture")
  expect_identical(p$prefecture_code[same], p$unit_code[same])
  county <- p[p$level == "county" & !is.na(p$prefecture_code), ]
  expect_identical(
    stats::setNames(county$prefecture_en, county$name_en),
    c("Xunke County" = "Heihe", "Gongqingcheng" = "Jiujiang", "Changyang Tujia Autonomous County" = "Yichang",
      "Simao District, Pu'er" = "Pu'er", "Dunhuang" = "Jiuquan",
      "Changji (county-level city)" = "Changji Hui Autonomous Prefecture",
      "Yining (county-level city)" = "Ili Kazakh Autonomous Prefecture",
      "Hotan (county-level city)" = "Hotan Prefecture")
  )
  expect_identical(p$name_en[is.na(p$prefecture_code) & p$level != "province"],
                   c("Jiyuan", "Qiongzhong Li and Miao Autonomous County", "Alar (1st Division, XPCC)"))
})

test_that("cn_cities holds the 339 prefecture units with their flags", {
  d <- cn_cities
  expect_identical(class(d), "data.frame")
  expect_identical(dim(d), c(339L, 26L))
  expect_false(anyDuplicated(d$nbs_code) > 0)
  expect_false(anyDuplicated(d$name_en_unique) > 0)
  expect_false(anyDuplicated(d$name_zh) > 0)
  expect_false(is.unsorted(d$nbs_code))
  expect_identical(d$province_code, d$nbs_code %/% 10000L)
  expect_identical(
    c(table(d$unit_type)),
    c("autonomous prefecture" = 30L, "league" = 3L, "municipality" = 4L, "prefecture" = 7L,
      "prefecture-level city" = 295L)
  )
  expect_identical(d$name_en[d$is_municipality], c("Beijing", "Tianjin", "Shanghai", "Chongqing"))
  expect_identical(sum(d$is_prefecture_city), 295L)
  expect_identical(c(table(d$region)), c(Central = 83L, East = 89L, Northeast = 36L, West = 131L))
  # 27 provincial capitals (22 provinces + 5 autonomous regions) and the 4 municipalities.
  expect_identical(sum(d$is_capital), 31L)
  expect_identical(sum(d$is_sub_provincial), 15L)
  expect_identical(d$name_en[d$is_sub_provincial & !d$is_capital],
                   c("Dalian", "Ningbo", "Xiamen", "Qingdao", "Shenzhen"))
  expect_identical(length(unique(d$province_code)), 31L)
  expect_false(anyNA(d[c("nbs_code", "name_zh", "name_en", "name_pinyin", "province", "region", "status",
                         "is_capital", "is_resource", "source")]))
})

test_that("cn_cities records Chaohu and Laiwu as abolished", {
  d <- cn_cities[cn_cities$status == "abolished", ]
  expect_identical(d$name_en, c("Chaohu", "Laiwu"))
  expect_identical(d$nbs_code, c(341400L, 371200L))
  expect_identical(d$abolished_year, c(2011L, 2019L))
  expect_true(all(is.na(cn_cities$abolished_year[cn_cities$status == "current"])))
})

test_that("cn_cities carries the 126 resource-based cities of the 2013 plan", {
  d <- cn_cities
  expect_identical(sum(d$is_resource), 126L)
  expect_identical(c(table(d$resource_type))[c("growing", "mature", "declining", "regenerating")],
                   c(growing = 20L, mature = 66L, declining = 24L, regenerating = 16L))
  expect_identical(is.na(d$resource_type), !d$is_resource)
  expect_identical(is.na(d$resource_source), !d$is_resource)
  expect_identical(d$name_en[d$resource_type %in% "growing" & d$province == "Jilin"], "Songyuan")
  expect_true(d$is_resource[d$name_en == "Laiwu"])
})

test_that("the datasets' strings are valid UTF-8 and marked so", {
  for (d in list(lowcarbon_pilots, cn_cities)) {
    s <- unlist(Filter(is.character, d), use.names = FALSE)
    s <- s[!is.na(s)]
    expect_true(all(validUTF8(s)))
    expect_true(all(Encoding(s[grepl("[^ -~]", s, useBytes = TRUE)]) == "UTF-8"))
  }
  expect_identical(nchar(cn_cities$name_zh[cn_cities$nbs_code == 440300L]), 3L)
})
