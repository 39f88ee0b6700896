// rows.cpp -- row screening before estimation: which rows have a finite
// outcome and finite regressors (one pass, no N x K temporaries in R).
#include "pilotdid.h"
#include <cmath>

// [[Rcpp::export]]
Rcpp::LogicalVector cpp_finite_rows(Rcpp::NumericMatrix X, Rcpp::NumericVector y) {
  const int N = X.nrow(), K = X.ncol();
  Rcpp::LogicalVector ok(N);
  for (int i = 0; i < N; ++i) ok[i] = std::isfinite(y[i]);
  for (int k = 0; k < K; ++k) {
    const double* x = X.begin() + (size_t)k * N;
    for (int i = 0; i < N; ++i) if (!std::isfinite(x[i])) ok[i] = false;
  }
  return ok;
}
