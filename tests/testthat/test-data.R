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
  for (d in list(lowcarbon_pilots, cn_cities, nqp_indicators, nqp_panel)) {
    s <- unlist(Filter(is.character, d), use.names = FALSE)
    s <- s[!is.na(s)]
    expect_true(all(validUTF8(s)))
    expect_true(all(Encoding(s[grepl("[^ -~]", s, useBytes = TRUE)]) == "UTF-8"))
  }
  expect_identical(nchar(cn_cities$name_zh[cn_cities$nbs_code == 440300L]), 3L)
})

test_that("nqp_indicators holds the 23 indicators of the paper's Table 1", {
  d <- nqp_indicators
  expect_identical(class(d), "data.frame")
  expect_identical(dim(d), c(23L, 14L))
  expect_identical(
    names(d),
    c("indicator", "dimension", "dimension_en", "dimension_zh", "area_en", "area_zh", "aspect_en", "aspect_zh",
      "name_en", "name_zh", "unit", "direction", "paper_weight", "policy_share")
  )
  expect_false(anyNA(d))
  expect_false(anyDuplicated(d$indicator) > 0)
  expect_identical(d$indicator, pilotdid:::nqp_spec()$indicator)
  expect_identical(c(table(factor(d$dimension, c("labourer", "object", "means")))),
                   c(labourer = 6L, object = 8L, means = 9L))
  expect_identical(unique(d$dimension_zh),
                   c("\u65b0\u8d28\u52b3\u52a8\u8005", "\u65b0\u8d28\u52b3\u52a8\u5bf9\u8c61",
                     "\u65b0\u8d28\u52b3\u52a8\u8d44\u6599"))
  expect_identical(d$name_zh[d$indicator == "sewage_rate"], "\u751f\u6d3b\u6c61\u6c34\u5904\u7406\u7387(%)")
  # Table 1's weights sum to 1; sewage treatment has the smallest, 0.0034.
  expect_equal(sum(d$paper_weight), 1, tolerance = 1e-12)
  expect_identical(d$indicator[which.min(d$paper_weight)], "sewage_rate")
  expect_identical(d$paper_weight[d$indicator == "tertiary_share"], 0.0512)
  expect_true(all(d$direction == "positive"))
  expect_equal(sum(d$policy_share), 1, tolerance = 1e-12)
  expect_identical(sum(d$policy_share > 0), 8L)
})

test_that("nqp_panel has the shape of the paper's sample", {
  d <- nqp_panel
  expect_identical(class(d), "data.frame")
  expect_identical(dim(d), c(3052L, 58L))
  city <- d[!duplicated(d$nbs_code), ]
  expect_identical(nrow(city), 218L)
  expect_identical(c(table(d$nbs_code)), stats::setNames(rep(14L, 218), city$nbs_code))
  expect_identical(sort(unique(d$year)), 2009:2022)
  # 96 pilot cities, 52/19/25 from 2011/2013/2017: the paper's mean DID of 0.316.
  expect_identical(sum(city$treated), 96L)
  expect_identical(c(table(city$first_year)), c(`2011` = 52L, `2013` = 19L, `2017` = 25L))
  expect_identical(round(mean(d$did), 3), 0.316)
  # Regions and resource-based cities as the paper's Tables 7 and 8 (rows / 14).
  expect_identical(c(table(city$region)), c(Central = 69L, East = 70L, Northeast = 28L, West = 51L))
  expect_identical(sum(city$is_resource), 81L)
  expect_identical(sum(city$is_municipality), 4L)
  # Real cities with their real pilot dates.
  expect_true(all(city$nbs_code %in% cn_cities$nbs_code))
  tm <- pilot_timing()
  expect_identical(city$first_year, tm$first_year[match(city$nbs_code, tm$nbs_code)])
  expect_true(all(cn_cities$status[match(city$nbs_code, cn_cities$nbs_code)] == "current"))
})

test_that("nqp_panel's index and true effect are what its help page says", {
  d <- nqp_panel
  fit <- entropy_index(d, nqp_indicators$indicator)
  expect_equal(d$nqp, fit$scores$score, tolerance = 1e-12)
  expect_identical(d$tau, d$nqp - d$nqp0)
  expect_true(all(d$tau[d$did == 0] == 0))
  att <- mean(d$tau[d$did == 1])
  expect_identical(attr(d, "dgp")$att, att)
  expect_equal(att, 0.008, tolerance = 1e-3)
  expect_identical(attr(d, "dgp")[c("effect", "dynamics", "heterogeneity", "pretrend", "seed")],
                   list(effect = 0.008, dynamics = "growing", heterogeneity = TRUE, pretrend = 0, seed = 2025))
  expect_table2_moments(d)
})

test_that("the baseline DID on nqp_panel lies within two standard errors of the true ATT", {
  d <- nqp_panel
  att <- mean(d$tau[d$did == 1])
  for (f in list(nqp ~ did | nbs_code + year,
                 nqp ~ did + gov + density + fdi + lngdp + rcl + fin | nbs_code + year)) {
    fit <- twfe(f, data = d)
    est <- coef(fit)[["did"]]
    se <- sqrt(vcov(fit)["did", "did"])
    expect_lt(abs(est - att), 2 * se)
    expect_gt(est / se, 2)
  }
})
