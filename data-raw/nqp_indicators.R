# Builds data/nqp_indicators.rda: the 23 indicators of the new-quality-
# productivity (NQP) index of the reference paper's Table 1 (three dimensions,
# their second- and third-level headings, the measure with its unit, and the
# paper's entropy weight), with the ASCII column names simulate_pilot_panel()
# and nqp_panel use.
#
# Input: transcribed by hand from Table 1 of the seed paper
# (../shared/seed/000_aab0c2b65772ce5e.txt). Run from the package's top folder
# with the package installed (the simulator's share of the policy effect per
# indicator is read from it):
#   Rscript data-raw/nqp_indicators.R

tab <- read.table(header = TRUE, sep = "|", strip.white = TRUE, stringsAsFactors = FALSE, encoding = "UTF-8",
                  quote = "", comment.char = "", text = "
indicator       | dimension | dimension_zh | area_en                  | area_zh    | aspect_en                    | aspect_zh        | name_en                                                                 | name_zh                                                    | unit                        | paper_weight
emerg_emp_share | labourer  | 新质劳动者   | Labour structure         | 劳动者结构 | Innovative talent            | 创新人才         | Employment share of strategic emerging industries                       | 新兴产业员工比重(战略性新兴产业总员工数占总就业比重)       | ratio                       | 0.0359
universities    | labourer  | 新质劳动者   | Labour quality           | 劳动者质量 | Higher education             | 高等教育水平     | Regular institutions of higher education                               | 普通高等学校学校数(所)                                     | institutions                | 0.0445
student_ratio   | labourer  | 新质劳动者   | Labour quality           | 劳动者质量 | Higher education             | 高等教育水平     | College students / total population                                    | 高等院校在校学生结构(高等院校学生与总人口之比)             | ratio                       | 0.0468
edu_exp_share   | labourer  | 新质劳动者   | Labour quality           | 劳动者质量 | Human capital investment     | 人力资本投入     | Education expenditure / government fiscal expenditure                  | 教育支出/政府财政支出                                      | ratio                       | 0.0511
gdp_pc          | labourer  | 新质劳动者   | Labour productivity      | 劳动生产率 | Output per capita            | 人均产值         | GDP per capita (GDP / total population)                                | 人均GDP(GDP/总人口)                                        | yuan                        | 0.0494
wage            | labourer  | 新质劳动者   | Labour productivity      | 劳动生产率 | Wage per capita              | 人均工资         | Average wage of employed staff                                          | 在岗职工平均工资(元)                                       | yuan                        | 0.0499
tertiary_share  | object    | 新质劳动对象 | New-quality industries   | 新质产业   | Digital industries           | 数字产业         | Tertiary industry share (tertiary value added / GDP)                   | 第三产业产业占比(第三产业增加值/GDP)                       | ratio                       | 0.0512
robot_density   | object    | 新质劳动对象 | New-quality industries   | 新质产业   | Future industries            | 未来产业         | Industrial robot installation density                                  | 机器人安装密度                                             | robots per 10,000 workers   | 0.0479
ai_firms        | object    | 新质劳动对象 | New-quality industries   | 新质产业   | Future industries            | 未来产业         | Artificial-intelligence enterprises                                    | 人工智能企业数量(个)                                       | firms                       | 0.0341
env_invest      | object    | 新质劳动对象 | Ecological environment   | 生态环境   | Environmental protection     | 环境保护力度     | Investment in environmental pollution control                          | 环境污染治理投资(亿元)                                     | 100 million yuan            | 0.0430
emission_trade  | object    | 新质劳动对象 | Ecological environment   | 生态环境   | Environmental protection     | 环境保护力度     | Carbon, energy-use-right and emission-right trading                    | 碳交易、用能权交易、排污权交易(亿元)                       | 100 million yuan            | 0.0430
garbage_rate    | object    | 新质劳动对象 | Ecological environment   | 生态环境   | Pollution control            | 污染治理         | Harmless treatment rate of domestic waste                              | 生活垃圾无害化处理率(%)                                    | percent                     | 0.0513
sewage_rate     | object    | 新质劳动对象 | Ecological environment   | 生态环境   | Pollution control            | 污染治理         | Domestic sewage treatment rate                                         | 生活污水处理率(%)                                          | percent                     | 0.0034
solid_waste_use | object    | 新质劳动对象 | Ecological environment   | 生态环境   | Waste utilisation            | 废物利用         | Comprehensive utilisation rate of industrial solid waste               | 工业固体废物综合利用率(%)                                  | percent                     | 0.0506
broadband       | means     | 新质劳动资料 | Infrastructure           | 基础设施   | Network penetration          | 网络普及率       | Internet broadband subscribers                                         | 互联网宽带接入户数(万户)                                   | 10,000 households           | 0.0470
mobile          | means     | 新质劳动资料 | Infrastructure           | 基础设施   | Network penetration          | 网络普及率       | Mobile phone subscribers                                               | 移动电话用户数(万户)                                       | 10,000 subscribers          | 0.0478
telecom         | means     | 新质劳动资料 | Infrastructure           | 基础设施   | Telecommunication business   | 电信业务         | Telecommunication business volume                                      | 电信用户总量(亿元)                                         | 100 million yuan            | 0.0452
patents         | means     | 新质劳动资料 | Science and technology   | 科技创新   | Innovation output            | 创新产出         | Patents granted in the year                                            | 当年专利授权量(件)                                         | patents                     | 0.0403
green_patents   | means     | 新质劳动资料 | Science and technology   | 科技创新   | Green innovation             | 绿色创新         | Green patents granted in the year                                      | 当年绿色专利授权量(件)                                     | patents                     | 0.0385
sci_exp_share   | means     | 新质劳动资料 | Science and technology   | 科技创新   | Research and development     | 创新研发         | Science expenditure / local fiscal expenditure                         | 科学支出占地方财政支出的比重                               | ratio                       | 0.0478
rd_gdp          | means     | 新质劳动资料 | Science and technology   | 科技创新   | Research and development     | 创新研发         | R&D expenditure / GDP                                                  | R&D经费支出/GDP                                            | ratio                       | 0.0480
data_assets     | means     | 新质劳动资料 | Data as a factor         | 数据要素   | Use of data                  | 数据要素利用水平 | Log(1 + frequency of data-asset terms in listed companies' reports)     | 上市公司数据资产相关词频+1取对数                           | log count                   | 0.0501
data_trade      | means     | 新质劳动资料 | Data as a factor         | 数据要素   | Data trading                 | 数据交易         | Data trading platform (1 = yes, 0 = no)                                 | 有无数据交易平台，有则取1，没有取值为0                     | 0/1                         | 0.0332
")

stopifnot(nrow(tab) == 23L, !anyDuplicated(tab$indicator), abs(sum(tab$paper_weight) - 1) < 0.01)

spec <- pilotdid:::nqp_spec()
stopifnot(identical(tab$indicator, spec$indicator))
dims <- c(labourer = "New-quality labourers", object = "New-quality objects of labour",
          means = "New-quality means of labour")
nqp_indicators <- data.frame(
  indicator = tab$indicator,
  dimension = tab$dimension,
  dimension_en = unname(dims[tab$dimension]),
  dimension_zh = tab$dimension_zh,
  area_en = tab$area_en, area_zh = tab$area_zh,
  aspect_en = tab$aspect_en, aspect_zh = tab$aspect_zh,
  name_en = tab$name_en, name_zh = tab$name_zh,
  unit = tab$unit,
  direction = "positive",
  paper_weight = tab$paper_weight,
  policy_share = spec$policy,
  stringsAsFactors = FALSE
)
for (v in names(nqp_indicators)) {
  if (is.character(nqp_indicators[[v]])) {
    x <- enc2utf8(nqp_indicators[[v]])
    Encoding(x) <- "UTF-8"
    nqp_indicators[[v]] <- x
  }
}
save(nqp_indicators, file = "data/nqp_indicators.rda", compress = "xz", version = 2)
