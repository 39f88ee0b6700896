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
