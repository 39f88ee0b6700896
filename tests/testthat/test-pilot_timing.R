test_that("pilot_timing() returns one row per city of cn_cities, in its order", {
  tm <- pilot_timing()
  expect_identical(class(tm), "data.frame")
  expect_identical(names(tm), c("nbs_code", "name_zh", "name_en", "province", "batch", "first_year", "rule",
                                "pilot", "treated"))
  expect_identical(tm$nbs_code, cn_cities$nbs_code)
  expect_identical(tm$name_zh, cn_cities$name_zh)
  expect_identical(tm$province, cn_cities$province)
  expect_type(tm$first_year, "integer")
  expect_type(tm$batch, "integer")
  expect_identical(tm$treated, !is.na(tm$first_year))
  expect_identical(is.na(tm$batch), is.na(tm$first_year))
  expect_identical(is.na(tm$rule), is.na(tm$first_year))
})

test_that("Shenzhen is treated in 2011 by its own listing and by Guangdong", {
  tm <- pilot_timing()
  # Both rules give batch 1; the own listing is reported on ties.
  expect_identical(timing_of(tm, "Shenzhen"), row_of(1, 2011, "own listing", "Shenzhen"))
  expect_identical(timing_of(pilot_timing(province_rule = FALSE), "Shenzhen"),
                   row_of(1, 2011, "own listing", "Shenzhen"))
  no_own <- lowcarbon_pilots[lowcarbon_pilots$name_en != "Shenzhen", ]
  expect_identical(timing_of(pilot_timing(pilots = no_own), "Shenzhen"), row_of(1, 2011, "province", "Guangdong"))
  # Guangzhou (batch 2) and Zhongshan (batch 3) keep Guangdong's 2011.
  expect_identical(timing_of(tm, "Guangzhou"), row_of(1, 2011, "province", "Guangdong"))
  expect_identical(timing_of(tm, "Zhongshan"), row_of(1, 2011, "province", "Guangdong"))
})

test_that("Wuhan is treated in 2011 through Hubei though listed in batch 2", {
  expect_identical(timing_of(pilot_timing(), "Wuhan"), row_of(1, 2011, "province", "Hubei"))
  expect_identical(timing_of(pilot_timing(province_rule = FALSE), "Wuhan"), row_of(2, 2013, "own listing", "Wuhan"))
})

test_that("Sanya is treated in 2013 through Hainan though listed in batch 3", {
  expect_identical(timing_of(pilot_timing(), "Sanya"), row_of(2, 2013, "province", "Hainan"))
  expect_identical(timing_of(pilot_timing(province_rule = FALSE), "Sanya"), row_of(3, 2017, "own listing", "Sanya"))
  # Haikou is not listed at all.
  expect_identical(timing_of(pilot_timing(), "Haikou"), row_of(2, 2013, "province", "Hainan"))
  expect_identical(timing_of(pilot_timing(province_rule = FALSE), "Haikou"), row_of(NA, NA, NA_character_, NA_character_))
})

test_that("Nanjing is treated in 2017 by its own listing", {
  expect_identical(timing_of(pilot_timing(), "Nanjing"), row_of(3, 2017, "own listing", "Nanjing"))
})

test_that("Heihe is treated in 2017 through Xunke only under county_rule = 'parent'", {
  expect_identical(timing_of(pilot_timing(), "Heihe"), row_of(3, 2017, "parent of county pilot", "Xunke County"))
  expect_identical(timing_of(pilot_timing(county_rule = "ignore"), "Heihe"),
                   row_of(NA, NA, NA_character_, NA_character_))
  # A county pilot inside a pilot province changes nothing: Yichang keeps Hubei's 2011.
  expect_identical(timing_of(pilot_timing(), "Yichang"), row_of(1, 2011, "province", "Hubei"))
  expect_identical(timing_of(pilot_timing(province_rule = FALSE), "Yichang"),
                   row_of(3, 2017, "parent of county pilot", "Changyang Tujia Autonomous County"))
})

test_that("a city outside every pilot is never treated", {
  tm <- pilot_timing()
  for (city in c("Tangshan", "Zhengzhou", "Chaohu")) {
    expect_identical(timing_of(tm, city), row_of(NA, NA, NA_character_, NA_character_))
  }
  expect_false(tm$treated[tm$name_en == "Tangshan"])
})

test_that("start sets the year of each batch", {
  tm <- pilot_timing(start = c(2010, 2012, 2017))
  expect_identical(timing_of(tm, "Shenzhen")$first_year, 2010L)
  expect_identical(timing_of(tm, "Wuhan")$first_year, 2010L)
  expect_identical(timing_of(tm, "Sanya")$first_year, 2012L)
  expect_identical(timing_of(tm, "Nanjing")$first_year, 2017L)
  base <- pilot_timing()
  expect_identical(tm$batch, base$batch)
  expect_identical(tm$rule, base$rule)
  expect_identical(tm$first_year, c(2010L, 2012L, 2017L)[base$batch])
})

test_that("pilot_timing() treats 81, 27 and 34 prefecture units in 2011, 2013 and 2017", {
  # Hand count from lowcarbon_pilots.csv and prefecture_cities.csv:
  # 2011: Guangdong 21 + Liaoning 14 + Hubei 13 + Shaanxi 10 + Yunnan 16 = 74 units, plus the
  #   listed Tianjin, Chongqing, Xiamen, Hangzhou, Nanchang, Guiyang, Baoding = 81 (Shenzhen is in Guangdong);
  # 2013: Beijing, Shanghai, Hainan's 4 units, 21 listed cities outside the batch-1 provinces = 27
  #   (Wuhan, Guangzhou, Kunming, Yan'an already 2011; Jiyuan is not a prefecture unit);
  # 2017: 28 listed cities outside earlier pilot provinces + the parents Heihe, Jiujiang, Jiuquan,
  #   Changji, Ili and Hotan = 34 (Yichang and Pu'er already 2011; Qiongzhong and Alar have no parent).
  tm <- pilot_timing()
  expect_identical(c(table(tm$first_year)), c("2011" = 81L, "2013" = 27L, "2017" = 34L))
  expect_identical(sum(is.na(tm$first_year)), 197L)
  expect_identical(sum(tm$treated), 142L)
  by_rule <- table(tm$first_year, tm$rule)
  expect_identical(c(by_rule["2011", ]), c("own listing" = 8L, "parent of county pilot" = 0L, province = 73L))
  expect_identical(c(by_rule["2013", ]), c("own listing" = 23L, "parent of county pilot" = 0L, province = 4L))
  expect_identical(c(by_rule["2017", ]), c("own listing" = 28L, "parent of county pilot" = 6L, province = 0L))
  # Counties ignored: the 6 parents drop out.
  expect_identical(c(table(pilot_timing(county_rule = "ignore")$first_year)),
                   c("2011" = 81L, "2013" = 27L, "2017" = 28L))
  # Named units only: 8 in batch 1; 27 in batch 2 (28 cities - Jiyuan, no Hainan);
  # batch 3: 35 listed cities + 8 parents (Yichang and Pu'er too) = 43.
  expect_identical(c(table(pilot_timing(province_rule = FALSE)$first_year)),
                   c("2011" = 8L, "2013" = 27L, "2017" = 43L))
})

test_that("pilot_timing() does not depend on the order of cities or pilots", {
  withr::local_seed(8)
  base <- pilot_timing()
  i <- sample(nrow(cn_cities))
  shuffled <- pilot_timing(cities = cn_cities[i, ], pilots = lowcarbon_pilots[sample(nrow(lowcarbon_pilots)), ])
  expect_identical(shuffled, {
    b <- base[i, ]
    rownames(b) <- NULL
    b
  })
})

test_that("cities may be names or codes, in any of cn_cities' spellings", {
  tm <- pilot_timing(c("\u6df1\u5733", "\u6df1\u5733\u5e02", "Shenzhen", "shenzhen", "440300", "Xi'an", "xian", "Suzhou (Jiangsu)",
                       "Huhehaote", "Shenzhen"))
  expect_identical(names(tm), c("city", "nbs_code", "name_zh", "name_en", "province", "batch", "first_year",
                                "rule", "pilot", "treated"))
  expect_identical(tm$city[1:3], c("\u6df1\u5733", "\u6df1\u5733\u5e02", "Shenzhen"))
  expect_identical(tm$nbs_code, c(rep(440300L, 5), 610100L, 610100L, 320500L, 150100L, 440300L))
  expect_identical(tm$first_year, c(rep(2011L, 7), 2013L, NA, 2011L))
  expect_identical(pilot_timing(c(440300, 420100))$first_year, c(2011L, 2011L))
  expect_identical(pilot_timing(factor(c("Wuhan", "Nanjing")))$first_year, c(2011L, 2017L))
})

test_that("cities may be a data frame of codes outside cn_cities", {
  d <- data.frame(nbs_code = c(419001, 440300, 469030), name_en = c("Jiyuan", "Shenzhen", "Qiongzhong"))
  expect_message(tm <- pilot_timing(d), "2 codes", class = "pilotdid_message")
  # Jiyuan is listed itself; Qiongzhong lies in Hainan.
  expect_identical(tm$first_year, c(2013L, 2011L, 2013L))
  expect_identical(tm$rule, c("own listing", "own listing", "province"))
  expect_identical(tm$name_en, c("Jiyuan", "Shenzhen", "Qiongzhong"))
  expect_identical(tm$name_zh, c(NA, "\u6df1\u5733\u5e02", NA))
  withr::local_options(pilotdid.quiet = TRUE)
  expect_silent(pilot_timing(d))
})

test_that("pilot_timing() notes codes that are not in cn_cities", {
  expect_snapshot(invisible(pilot_timing(data.frame(nbs_code = c(419001, 440300, 469030)))))
})

test_that("pilot_timing() reports city names that do not match", {
  expect_error(pilot_timing(c("Shenzen", "Wuhan")), class = "pilotdid_error_input")
  expect_error(pilot_timing(c("Suzhou", "Wuhan")), "Suzhou \\(Jiangsu\\) \\(320500\\) or Suzhou \\(Anhui\\)",
               class = "pilotdid_error_input")
  expect_error(pilot_timing(c("Wuhan", NA)), class = "pilotdid_error_input")
  expect_snapshot(pilot_timing(c("Shenzen", "Wuhan", "Suzhou", "Taizhou", NA)), error = TRUE)
  expect_snapshot(pilot_timing("Shenzen"), error = TRUE)
})

test_that("pilot_timing() rejects bad arguments", {
  expect_error(pilot_timing(start = c(2011, 2013)), class = "pilotdid_error_input")
  expect_error(pilot_timing(start = c(2013, 2011, 2017)), class = "pilotdid_error_input")
  expect_error(pilot_timing(start = c(2011, 2011, 2017)), class = "pilotdid_error_input")
  expect_error(pilot_timing(start = c(2011, NA, 2017)), class = "pilotdid_error_input")
  expect_error(pilot_timing(start = c(2011, 2013.5, 2017)), class = "pilotdid_error_input")
  expect_error(pilot_timing(start = c("2011", "2013", "2017")), class = "pilotdid_error_input")
  expect_error(pilot_timing(province_rule = "yes"), class = "pilotdid_error_input")
  expect_error(pilot_timing(province_rule = NA), class = "pilotdid_error_input")
  expect_error(pilot_timing(county_rule = "county"), class = "pilotdid_error_input")
  expect_error(pilot_timing(county_rule = c("ignore", "parent")), class = "pilotdid_error_input")
})

test_that("pilot_timing() rejects cities and pilots it cannot use", {
  expect_error(pilot_timing(cities = data.frame(city = "Wuhan")), class = "pilotdid_error_input")
  expect_error(pilot_timing(cities = data.frame(nbs_code = c(420100, 4201))), class = "pilotdid_error_input")
  expect_error(pilot_timing(cities = data.frame(nbs_code = c(420100, NA))), class = "pilotdid_error_input")
  expect_error(pilot_timing(cities = data.frame(nbs_code = "Wuhan")), class = "pilotdid_error_input")
  expect_error(pilot_timing(cities = list("Wuhan")), class = "pilotdid_error_input")
  expect_error(pilot_timing(cities = character()), class = "pilotdid_error_input")
  expect_error(pilot_timing(pilots = lowcarbon_pilots[c("batch", "name_en")]), class = "pilotdid_error_input")
  expect_error(pilot_timing(pilots = "lowcarbon_pilots"), class = "pilotdid_error_input")
  bad <- lowcarbon_pilots
  bad$batch[1] <- 4L
  expect_error(pilot_timing(pilots = bad), class = "pilotdid_error_input")
  bad <- lowcarbon_pilots
  bad$level[1] <- "Province"
  expect_error(pilot_timing(pilots = bad), class = "pilotdid_error_input")
  bad <- lowcarbon_pilots
  bad$unit_code[1] <- NA
  expect_error(pilot_timing(pilots = bad), class = "pilotdid_error_input")
})

test_that("pilot_timing()'s errors about arguments read well", {
  expect_snapshot(pilot_timing(start = c(2011, 2013)), error = TRUE)
  expect_snapshot(pilot_timing(province_rule = "yes"), error = TRUE)
  expect_snapshot(pilot_timing(county_rule = "county"), error = TRUE)
  expect_snapshot(pilot_timing(cities = data.frame(city = "Wuhan")), error = TRUE)
  expect_snapshot(pilot_timing(cities = data.frame(nbs_code = c(420100, 4201, NA))), error = TRUE)
  expect_snapshot(pilot_timing(pilots = lowcarbon_pilots[c("batch", "name_en")]), error = TRUE)
  bad <- lowcarbon_pilots
  bad$batch[1] <- 4L
  expect_snapshot(pilot_timing(pilots = bad), error = TRUE)
  bad$batch[1] <- 1L
  bad$level[1] <- "Province"
  expect_snapshot(pilot_timing(pilots = bad), error = TRUE)
})

test_that("pilots can be left out by dropping rows", {
  tm <- pilot_timing(pilots = lowcarbon_pilots[lowcarbon_pilots$batch < 3, ])
  expect_identical(sum(tm$treated), 81L + 27L)
  expect_true(is.na(timing_of(tm, "Nanjing")$first_year))
  none <- pilot_timing(pilots = lowcarbon_pilots[0, ])
  expect_false(any(none$treated))
})
