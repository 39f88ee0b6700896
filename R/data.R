#' Low-carbon city pilots of the three NDRC notices
#'
#' The 87 pilot units named in the three notices of the National Development
#' and Reform Commission (NDRC) on low-carbon province and city pilots: batch 1
#' (Fagai Qihou \[2010\] No. 1587, July 2010) with 5 provinces and 8 cities,
#' batch 2 (Fagai Qihou \[2012\] No. 3760, late 2012) with Hainan province and
#' 28 cities, and batch 3 (Fagai Qihou \[2017\] No. 66, January 2017) with 45
#' cities, districts and counties. Names are given in Chinese and English. Use [pilot_timing()] to turn them into a first treatment year per
#' prefecture unit.
#'
#' Eleven pilots lie below prefecture level (`level == "county"`). Eight map to
#' a parent prefecture (Xunke to Heihe, Gongqingcheng to Jiujiang, Changyang to
#' Yichang, Simao district to Pu'er, Dunhuang to Jiuquan, and the county-level
#' cities Changji, Yining and Hotan to their prefectures); Jiyuan (Henan),
#' Qiongzhong (Hainan) and Alar (Xinjiang) are administered by their province
#' and have no parent prefecture (`prefecture_code` is `NA`). Many later pilots
#' lie inside an earlier pilot province (Wuhan, Guangzhou, Kunming and Yan'an in
#' batch 2; Shenyang, Dalian, Zhongshan, Yuxi, Sanya and Ankang in batch 3); the
#' `note` column says so.
#'
#' @format A data frame with 87 rows, one per pilot unit in notice order, and
#'   20 columns:
#' \describe{
#'   \item{batch}{Integer, 1, 2 or 3: the notice that named the unit (13, 29
#'     and 45 units).}
#'   \item{notice_no}{Character, the notice's document number in Chinese
#'     (Fagai Qihou \[2010\] No. 1587 and so on).}
#'   \item{notice_date}{Date the notice was signed. The months are confirmed;
#'     the days (2010-07-19, 2012-11-26, 2017-01-07) are not, see
#'     `notice_date_note`.}
#'   \item{notice_date_note}{Character, how the date was confirmed.}
#'   \item{order}{Integer, position of the unit in its notice.}
#'   \item{name_zh}{Character, Chinese name as in the notice (Shenzhen shi).}
#'   \item{name_zh_with_province}{Character, Chinese name preceded by its
#'     province's (Guangdong sheng Shenzhen shi).}
#'   \item{name_en}{Character, English name, e.g. `"Shenzhen"`,
#'     `"Xunke County"`.}
#'   \item{level}{Character, how [pilot_timing()] treats the unit:
#'     `"province"` (6), `"municipality"` (4, province-level cities),
#'     `"prefecture"` (66, prefecture-level cities and one prefecture, diqu) or
#'     `"county"` (11, county-level units: counties, county-level cities, a
#'     district).}
#'   \item{level_detail}{Character, the administrative level in words, e.g.
#'     `"prefecture-level city (sub-provincial)"`.}
#'   \item{unit_code}{Integer, six-digit NBS division code of the unit itself
#'     (`440000` for Guangdong, `440300` for Shenzhen, `231123` for Xunke).}
#'   \item{province_code}{Integer, two-digit NBS code of its province.}
#'   \item{province}{Character, English name of its province.}
#'   \item{province_zh}{Character, Chinese name of its province.}
#'   \item{prefecture_code}{Integer, NBS code of the prefecture unit the pilot
#'     is (municipalities and prefectures: equal to `unit_code`) or lies in
#'     (county-level pilots: the parent prefecture, e.g. `231100` Heihe for
#'     Xunke); `NA` for provinces and for Jiyuan, Qiongzhong and Alar. Matches
#'     `nbs_code` of [cn_cities].}
#'   \item{prefecture_zh, prefecture_en}{Character, Chinese and English names
#'     of that prefecture unit as in [cn_cities]; `NA` when
#'     `prefecture_code` is.}
#'   \item{region}{Character, NBS four-region class of the unit: `"East"`,
#'     `"Central"`, `"West"` or `"Northeast"`.}
#'   \item{note}{Character, remarks: the coverage of a province pilot, the
#'     earlier pilot province a unit lies in, name pitfalls (Fuzhou in Jiangxi,
#'     not Fuzhou in Fujian); `NA` when none.}
#'   \item{source}{Character, where the row was confirmed.}
#' }
#' @source The notices' texts (gov.cn, 2010-08-10, for batch 1; in-en.com for
#'   batch 3), TERI, *Low Carbon Development in China and India*, table 3.4
#'   (batches 1 and 2), and local reports; each row's `source` column gives
#'   its own. Built by `data-raw/lowcarbon_pilots.R` from verified fact tables.
#' @family data
#' @seealso [pilot_timing()], [cn_cities]
#' @examples
#' table(lowcarbon_pilots$batch, lowcarbon_pilots$level)
#' lowcarbon_pilots[lowcarbon_pilots$level == "county", c("batch", "name_en", "prefecture_en")]
"lowcarbon_pilots"

#' China's prefecture-level units
#'
#' The 339 prefecture-level units of China's NBS division codes: the 4
#' province-level municipalities, the 333 current prefecture-level divisions
#' (293 prefecture-level cities, 7 prefectures, 30 autonomous prefectures and 3
#' leagues) and two former prefecture-level cities, Chaohu (abolished in August
#' 2011 and split among Hefei, Wuhu and Ma'anshan) and Laiwu (merged into Jinan
#' in January 2019). Each unit carries its four-region class, capital flags and
#' its class in the State Council's plan for resource-based cities
#' (Guofa \[2013\] No. 45, 2013-2020), which lists 126 prefecture-level units: 20
#' growing, 66 mature, 24 declining and 16 regenerating.
#'
#' Names and codes are those of 2019 (for example Xiangyang, not Xiangfan; Pu'er,
#' not Simao); several prefectures became prefecture-level cities during the
#' years of a 2009-2022 panel, see `change_note`.
#'
#' @format A data frame with 339 rows, one per unit ordered by `nbs_code`, and
#'   26 columns:
#' \describe{
#'   \item{nbs_code}{Integer, six-digit NBS division code, e.g. `440300`
#'     (Shenzhen); municipalities end in `0000`.}
#'   \item{name_zh}{Character, Chinese name (Shenzhen shi).}
#'   \item{name_zh_short}{Character, short Chinese name, without the
#'     trailing shi, diqu or ethnic part (Shenzhen, Enshi zhou).}
#'   \item{name_en}{Character, English name. Not unique: two Suzhou, Taizhou,
#'     Fuzhou, Yichun and Yulin.}
#'   \item{name_en_unique}{Character, English name made unique by the province
#'     in brackets, e.g. `"Suzhou (Jiangsu)"`; otherwise equal to `name_en`.}
#'   \item{name_pinyin}{Character, pinyin of the short name without tones,
#'     e.g. `"Huhehaote"` for Hohhot, `"Enshi"` for the Enshi autonomous
#'     prefecture, `"Xing'an Meng"` for the Hinggan league. Not unique (the
#'     same five pairs as `name_en`), and `"Hainan"` is the Hainan Tibetan
#'     autonomous prefecture in Qinghai.}
#'   \item{unit_type}{Character: `"municipality"` (4), `"prefecture-level
#'     city"` (295, with Chaohu and Laiwu), `"prefecture"` (7, diqu),
#'     `"autonomous prefecture"` (30, zizhizhou) or `"league"` (3, meng, in
#'     Inner Mongolia).}
#'   \item{unit_type_zh}{Character, the same in Chinese (zhixiashi, dijishi,
#'     diqu, zizhizhou, meng).}
#'   \item{province_code}{Integer, two-digit NBS province code
#'     (`nbs_code %/% 10000`).}
#'   \item{province}{Character, English name of the province, e.g.
#'     `"Guangdong"`, `"Inner Mongolia"`; the municipality's own name for the
#'     four municipalities.}
#'   \item{province_zh}{Character, Chinese name of the province.}
#'   \item{region}{Character, NBS four-region class: `"East"` (89 units),
#'     `"Central"` (83), `"West"` (131) or `"Northeast"` (36).}
#'   \item{is_municipality}{Logical, `TRUE` for Beijing, Tianjin, Shanghai and
#'     Chongqing.}
#'   \item{is_prefecture_city}{Logical, `TRUE` for the 295 prefecture-level
#'     cities (dijishi), `FALSE` for municipalities, prefectures, autonomous
#'     prefectures and leagues.}
#'   \item{is_capital}{Logical, `TRUE` for the 27 provincial capitals and the
#'     4 municipalities.}
#'   \item{is_sub_provincial}{Logical, `TRUE` for the 15 sub-provincial cities
#'     (10 capitals and Dalian, Ningbo, Xiamen, Qingdao, Shenzhen).}
#'   \item{status}{Character, `"current"` or `"abolished"` (Chaohu, Laiwu).}
#'   \item{abolished_year}{Integer, year the unit ceased to be
#'     prefecture-level (2011 for Chaohu, 2019 for Laiwu); `NA` otherwise.}
#'   \item{change_note}{Character, boundary, name or status changes since
#'     2009 (e.g. Hefei absorbing part of Chaohu in 2011, Bijie becoming a
#'     city in 2011); `NA` when none is recorded.}
#'   \item{change_note_verified}{Logical, `TRUE` when `change_note` was
#'     confirmed from a source, `FALSE` when it rests on general knowledge;
#'     `NA` without a note.}
#'   \item{is_resource}{Logical, `TRUE` for the 126 resource-based cities of
#'     the 2013 plan (Laiwu included, as in the plan).}
#'   \item{resource_type}{Character, their class in the plan: `"growing"`
#'     (20), `"mature"` (66), `"declining"` (24) or `"regenerating"` (16);
#'     `NA` for other units.}
#'   \item{resource_type_zh}{Character, the same in Chinese (chengzhang,
#'     chengshu, shuaitui, zaisheng xing).}
#'   \item{resource_note}{Character, remark on the resource class; `NA`
#'     when none.}
#'   \item{source}{Character, where the unit's codes, names and region were
#'     confirmed.}
#'   \item{resource_source}{Character, where the resource class was confirmed;
#'     `NA` for other units.}
#' }
#' @source NBS division codes (2019, via the modood/Administrative-divisions-of-China
#'   data), the NBS note on the division into East, Central, West and Northeast
#'   (2011), the State Council's national sustainable development plan for
#'   resource-based cities 2013-2020 (Guofa \[2013\] No. 45); each row's
#'   `source` and `resource_source` give its own. Built by `data-raw/cn_cities.R` from verified fact tables.
#' @family data
#' @seealso [pilot_timing()], [lowcarbon_pilots]
#' @examples
#' table(cn_cities$region, cn_cities$is_resource)
#' table(cn_cities$resource_type)
#' cn_cities[cn_cities$is_sub_provincial, c("nbs_code", "name_en", "province")]
"cn_cities"

#' The 23 indicators of the new-quality-productivity index
#'
#' The evaluation system of new quality productive forces (NQP) of the
#' reference paper's Table 1: three dimensions (new-quality labourers,
#' objects of labour and means of labour), their second- and third-level
#' headings, the 23 measures with their units and the paper's entropy weights.
#' `indicator` gives the ASCII column name used by [simulate_pilot_panel()]
#' and [nqp_panel]; the Chinese texts are those of the paper.
#'
#' | indicator | measure | unit |
#' |---|---|---|
#' | `emerg_emp_share` | employment share of strategic emerging industries | ratio |
#' | `universities` | regular institutions of higher education | count |
#' | `student_ratio` | college students / population | ratio |
#' | `edu_exp_share` | education / fiscal expenditure | ratio |
#' | `gdp_pc` | GDP per capita | yuan |
#' | `wage` | average wage of employed staff | yuan |
#' | `tertiary_share` | tertiary value added / GDP | ratio |
#' | `robot_density` | industrial robot installation density | robots per 10,000 workers |
#' | `ai_firms` | artificial-intelligence enterprises | count |
#' | `env_invest` | investment in pollution control | 100 million yuan |
#' | `emission_trade` | carbon, energy-use-right and emission-right trading | 100 million yuan |
#' | `garbage_rate` | harmless treatment rate of domestic waste | percent |
#' | `sewage_rate` | domestic sewage treatment rate | percent |
#' | `solid_waste_use` | utilisation rate of industrial solid waste | percent |
#' | `broadband` | internet broadband subscribers | 10,000 households |
#' | `mobile` | mobile phone subscribers | 10,000 |
#' | `telecom` | telecommunication business volume | 100 million yuan |
#' | `patents` | patents granted | count |
#' | `green_patents` | green patents granted | count |
#' | `sci_exp_share` | science / local fiscal expenditure | ratio |
#' | `rd_gdp` | R&D expenditure / GDP | ratio |
#' | `data_assets` | log(1 + data-asset word frequency in listed firms' reports) | log count |
#' | `data_trade` | data trading platform | 0/1 |
#'
#' The paper gives no unit for robot installation density; the simulation
#' uses robots per 10,000 workers. Its "telecom users total (100 million
#' yuan)" is read as the telecommunication business volume.
#'
#' @format A data frame with 23 rows, one per indicator in the paper's order,
#'   and 14 columns:
#' \describe{
#'   \item{indicator}{Character, the ASCII column name.}
#'   \item{dimension}{Character, `"labourer"`, `"object"` or `"means"` (6, 8
#'     and 9 indicators), usable as `groups` of [entropy_index()].}
#'   \item{dimension_en, dimension_zh}{Character, the dimension's name in
#'     English and Chinese (xinzhi laodongzhe, laodong duixiang, laodong
#'     ziliao).}
#'   \item{area_en, area_zh}{Character, the second-level heading (labour
#'     structure, labour quality, ..., data as a factor).}
#'   \item{aspect_en, aspect_zh}{Character, the third-level heading
#'     (innovative talent, higher education, ...).}
#'   \item{name_en, name_zh}{Character, the measure as the paper defines it.}
#'   \item{unit}{Character, its unit.}
#'   \item{direction}{Character, `"positive"` for all: a larger value means
#'     more NQP.}
#'   \item{paper_weight}{Numeric, the entropy weight in the paper's Table 1;
#'     the 23 weights sum to 1.}
#'   \item{policy_share}{Numeric, the share of the simulated pilot effect on
#'     the index that [simulate_pilot_panel()] puts on the indicator (0 for
#'     the 15 indicators the simulated policy does not move).}
#' }
#' @source Table 1 of the reference paper (low-carbon city pilots and new
#'   quality productive forces, 218 cities, 2009-2022), transcribed by
#'   `data-raw/nqp_indicators.R`.
#' @family data
#' @seealso [simulate_pilot_panel()], [nqp_panel], [entropy_index()]
#' @examples
#' nqp_indicators[, c("indicator", "dimension", "unit", "paper_weight")]
#' split(nqp_indicators$indicator, nqp_indicators$dimension)
"nqp_indicators"

#' A simulated panel of 218 Chinese cities, 2009-2022, with a known pilot effect
#'
#' One draw of [simulate_pilot_panel()] shaped like the reference paper's
#' sample: 218 real prefecture-level cities and municipalities observed from
#' 2009 to 2022 (3,052 rows), 96 of them low-carbon pilot cities (52 treated
#' from 2011, 19 from 2013, 25 from 2017, under the paper's coding in
#' [pilot_timing()]), with the 23 indicators of the new-quality-productivity
#' index, the index itself, the controls and mechanism variables of the paper,
#' and the true effect of the pilot in every city-year.
#'
#' **The city statistics are simulated.** The cities, their names, regions,
#' municipality, capital and resource-based flags and their pilot dates are
#' real; every number about them (indicators, controls, population,
#' employment) is drawn by [simulate_pilot_panel()]. The paper's data come
#' from the China City Statistical Yearbooks, city statistical bulletins and
#' commercial databases, which cannot be redistributed; and with real data
#' the true effect is unknown. A simulated panel with the paper's shape lets
#' the replication vignette run every table and figure of the paper and judge
#' each estimate against the truth. Do not use it to learn about Chinese
#' cities.
#'
#' @section Sample:
#' The frame is the 297 current prefecture-level cities and municipalities of
#' [cn_cities] (no prefectures, autonomous prefectures or leagues; not the
#' abolished Chaohu and Laiwu). Cell sizes by region and batch come from
#' iterative proportional fitting of the frame's counts to the paper's margins:
#' East 70, Central 69, West 51, Northeast 28 cities (the paper's Table 8
#' sample sizes divided by 14 years) and 122 never treated, 52, 19 and 25
#' cities treated from 2011, 2013 and 2017 (96 treated as in the paper; this
#' split gives the paper's mean `did` of 0.316). The four municipalities are
#' always in; the other cities are drawn at random in each cell, the draw
#' being repeated until the sample holds 81 resource-based cities (the paper's
#' Table 7: 1,134 rows). See `data-raw/nqp_panel.R`.
#'
#' @section The draw:
#' `simulate_pilot_panel(cities, 2009:2022, effect = 0.008, dynamics =
#' "growing", heterogeneity = TRUE, pretrend = 0, seed = 2025)`: the effect
#' grows over the first six years of exposure, is larger in big, eastern and
#' non-resource cities, and the counterfactual index follows parallel trends.
#' The true ATT, `mean(tau[did == 1])`, is 0.0080; by construction it is
#' also `attr(nqp_panel, "dgp")$att`. The index has mean 0.147 and SD 0.055
#' (paper: 0.147 and 0.058); the controls' means and SDs are close to the
#' paper's Table 2, their extremes are not. Big cities (more than 5 million
#' residents) make up 1,105 rows (paper: 1,143).
#'
#' @format A data frame with 3,052 rows (218 cities by 14 years, ordered by
#'   city and year) and 58 columns, those of [simulate_pilot_panel()]:
#' \describe{
#'   \item{nbs_code}{Integer, NBS code of the city (the panel id).}
#'   \item{city}{Character, unique English name, as `name_en_unique` of
#'     [cn_cities].}
#'   \item{name_zh, province, region}{Character, Chinese name, province,
#'     four-region class (East, Central, West, Northeast).}
#'   \item{is_municipality, is_capital, is_resource}{Logical, the flags of
#'     [cn_cities].}
#'   \item{year}{Integer, 2009 to 2022.}
#'   \item{first_year}{Integer, first treated year (2011, 2013, 2017), `NA`
#'     for never-treated cities.}
#'   \item{treated}{Integer, 1 for the 96 pilot cities.}
#'   \item{did}{Integer, 1 from `first_year` on (the paper's DID).}
#'   \item{pop}{Numeric, resident population (10,000 persons).}
#'   \item{big}{Integer, 1 when `pop > 500`.}
#'   \item{gov, density, fdi, lngdp, rcl, fin}{Numeric, the controls:
#'     budget expenditure / GDP, registered population per km2, foreign
#'     investment / GDP, log GDP (100 million yuan), retail sales / GDP,
#'     loans plus deposits / GDP.}
#'   \item{upgrade}{Numeric, tertiary / secondary value added.}
#'   \item{jc}{Numeric, urban employment (10,000 persons).}
#'   \item{emerg_emp_share, universities, student_ratio, edu_exp_share,
#'     gdp_pc, wage, tertiary_share, robot_density, ai_firms, env_invest,
#'     emission_trade, garbage_rate, sewage_rate, solid_waste_use, broadband,
#'     mobile, telecom, patents, green_patents, sci_exp_share, rd_gdp,
#'     data_assets, data_trade}{Numeric, the 23 indicators of the index, in
#'     the units of [nqp_indicators].}
#'   \item{nqp}{Numeric, the NQP index: `entropy_index(nqp_panel,
#'     nqp_indicators$indicator)$scores$score`.}
#'   \item{upgrade0, jc0}{Numeric, the mechanism variables without the
#'     pilot.}
#'   \item{emerg_emp_share0, tertiary_share0, env_invest0, emission_trade0,
#'     patents0, green_patents0, sci_exp_share0, rd_gdp0}{Numeric, the eight
#'     indicators the pilot moves, without the pilot.}
#'   \item{nqp0}{Numeric, the index of the counterfactual indicators (with
#'     the weights and ranges of `nqp`).}
#'   \item{tau}{Numeric, `nqp - nqp0`: the true effect of the pilot in the
#'     city-year, 0 when `did == 0`.}
#' }
#' @source Simulated by `data-raw/nqp_panel.R` with [simulate_pilot_panel()];
#'   cities and pilot dates from [cn_cities] and [pilot_timing()].
#' @family data
#' @seealso [simulate_pilot_panel()] for the data-generating process,
#'   [nqp_indicators], `vignette("replication", package = "pilotdid")`.
#' @examples
#' dim(nqp_panel)
#' mean(nqp_panel$tau[nqp_panel$did == 1]) # the true ATT
#' twfe(nqp ~ did + gov + density + fdi + lngdp + rcl + fin | nbs_code + year, data = nqp_panel)
"nqp_panel"

#' California Proposition 99: per-capita cigarette sales, 39 US states, 1970-2000
#'
#' The panel of Abadie, Diamond and Hainmueller (2010) as distributed with the
#' synthdid package and used by Arkhangelsky et al. (2021): annual cigarette
#' sales per capita in 39 states, California treated from 1989 (Proposition 99,
#' a 25-cent tax per pack and an anti-smoking programme) and 38 states without
#' a comparable programme. Balanced: 31 years for every state.
#'
#' Published results on it (synthdid's vignette, the paper's Table 1): SDID
#' \eqn{-15.60}, SC \eqn{-19.62}, DID \eqn{-27.35}; placebo standard errors
#' about 8.4 (SDID), 9.9 (SC), 17.7 (DID).
#'
#' @format A data frame with 1,209 rows (39 states x 31 years) and 4 columns:
#' \describe{
#'   \item{State}{Character, US state name.}
#'   \item{Year}{Integer, 1970 to 2000.}
#'   \item{PacksPerCapita}{Numeric, cigarette sales in packs per capita.}
#'   \item{treated}{Integer, 1 for California from 1989 on, 0 otherwise.}
#' }
#' @source synthdid (<https://github.com/synth-inference/synthdid>,
#'   `data/california_prop99.csv`), Copyright 2019 Stanford University,
#'   BSD-3-Clause licence (the notice is in the package's `COPYRIGHTS` file);
#'   built by `data-raw/california_prop99.R`. Original series: Abadie, A.,
#'   Diamond, A. and Hainmueller, J. (2010). Synthetic control methods for
#'   comparative case studies: estimating the effect of California's tobacco
#'   control program. *Journal of the American Statistical Association*
#'   105(490), 493-505.
#' @references Arkhangelsky, D., Athey, S., Hirshberg, D. A., Imbens, G. W. and
#'   Wager, S. (2021). Synthetic difference-in-differences. *American Economic
#'   Review* 111(12), 4088-4118.
#' @family data
#' @seealso [synth_did()]
#' @examples
#' head(california_prop99)
#' synth_did(PacksPerCapita ~ 1 | State + Year, data = california_prop99, treat = "treated",
#'           se = "none")
"california_prop99"
