# Builds data/nqp_panel.rda: one draw of simulate_pilot_panel() on 218 real
# cities, 2009-2022 (3,052 rows), shaped like the reference paper's sample.
#
# The city statistics are simulated (the paper's yearbook data cannot be
# shipped); the cities, their pilot dates, regions and resource-based flags
# are real. Run from the package's top folder, with the package installed:
#   Rscript data-raw/nqp_panel.R
#
# Sample rule (reproducible):
# 1. Frame: the 297 current prefecture-level cities and municipalities of
#    cn_cities (no prefectures, autonomous prefectures or leagues; not Chaohu
#    or Laiwu), with their first treated years from pilot_timing() (defaults:
#    2011/2013/2017, province and parent-of-county rules).
# 2. Cell sizes region x batch (never, 2011, 2013, 2017): iterative
#    proportional fitting of the frame's counts to the paper's margins,
#    rounded by largest remainders. Region margins are the paper's Table 8
#    sample sizes / 14 years: East 70, Central 69, West 51, Northeast 28.
#    Batch margins: 96 treated cities (paper, section 3.3) split 52/19/25 over
#    2011/2013/2017, which reproduces the paper's mean DID of 0.316
#    (12 * 52 + 10 * 19 + 6 * 25 = 964 treated city-years of 3,052); 122
#    never treated.
# 3. The four municipalities are always in (the paper's Table 5 drops 56 rows
#    of municipalities); the other cities of each cell are drawn at random
#    with set.seed(2025), repeating the whole draw (same stream, next draw)
#    until the sample holds 81 resource-based cities, the paper's Table 7
#    (1,134 rows / 14).
# 4. simulate_pilot_panel(cities, 2009:2022, effect = 0.008,
#    dynamics = "growing", heterogeneity = TRUE, pretrend = 0, seed = 2025).

library(pilotdid)

frame <- cn_cities[cn_cities$status == "current" &
                     cn_cities$unit_type %in% c("municipality", "prefecture-level city"), ]
tm <- pilot_timing(frame)
frame$batch <- ifelse(is.na(tm$batch), 0L, tm$batch)
stopifnot(nrow(frame) == 297L)

regions <- c("East", "Central", "West", "Northeast")
avail <- table(factor(frame$region, regions), factor(frame$batch, 0:3))
row_target <- c(East = 70, Central = 69, West = 51, Northeast = 28)
col_target <- c(`0` = 122, `1` = 52, `2` = 19, `3` = 25)

# Iterative proportional fitting, then largest-remainder rounding that keeps
# both margins.
x <- unclass(avail) + 0
for (k in 1:500) {
  x <- x * row_target / rowSums(x)
  x <- t(t(x) * col_target / colSums(x))
}
cells <- floor(x)
repeat {
  short_r <- row_target - rowSums(cells)
  short_c <- col_target - colSums(cells)
  if (all(short_r == 0) && all(short_c == 0)) break
  rem <- x - cells
  rem[short_r <= 0, ] <- -Inf
  rem[, short_c <= 0] <- -Inf
  rem[cells >= avail] <- -Inf
  k <- which(rem == max(rem), arr.ind = TRUE)[1, ]
  cells[k[1], k[2]] <- cells[k[1], k[2]] + 1
}
stopifnot(all(cells <= avail), sum(cells) == 218)
print(cells)

draw_sample <- function() {
  pick <- frame$nbs_code[frame$is_municipality]
  for (r in regions) for (b in 0:3) {
    pool <- frame$nbs_code[frame$region == r & frame$batch == b & !frame$is_municipality]
    need <- cells[r, as.character(b)] - sum(frame$is_municipality & frame$region == r & frame$batch == b)
    pick <- c(pick, pool[sample.int(length(pool), need)])
  }
  sort(pick)
}
set.seed(2025)
tries <- 0
repeat {
  tries <- tries + 1
  codes <- draw_sample()
  if (sum(frame$is_resource[frame$nbs_code %in% codes]) == 81L) break
}
message("Sample found on draw ", tries)

nqp_panel <- simulate_pilot_panel(cities = codes, years = 2009:2022, effect = 0.008,
                                  dynamics = "growing", heterogeneity = TRUE, pretrend = 0,
                                  seed = 2025)
stopifnot(nrow(nqp_panel) == 3052L, length(unique(nqp_panel$nbs_code)) == 218L,
          sum(tapply(nqp_panel$treated, nqp_panel$nbs_code, max)) == 96L)

if (sys.nframe() == 0L && !isTRUE(getOption("nqp_panel.dry_run"))) {
  save(nqp_panel, file = "data/nqp_panel.rda", compress = "xz", version = 2)
}
