#' @keywords internal
#' @useDynLib pilotdid, .registration = TRUE
#' @importFrom Rcpp sourceCpp
#' @importFrom rlang caller_env .data
#' @importFrom stats coef vcov confint nobs residuals fitted update
"_PACKAGE"
