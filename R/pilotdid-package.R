#' @keywords internal
#' @useDynLib pilotdid, .registration = TRUE
#' @importFrom Rcpp sourceCpp
#' @importFrom stats coef vcov confint nobs residuals fitted update
"_PACKAGE"
