library(testthat)
library(pilotdid)

test_check("pilotdid")
