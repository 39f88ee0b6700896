// vcov.cpp -- the "meat" of sandwich variances: sum over clusters of s_g s_g',
// s_g = sum_{i in g} w_i e_i x_i. With no cluster codes every row is its own
// cluster (heteroskedasticity-robust).
#include "pilotdid.h"

// [[Rcpp::export]]
Rcpp::NumericMatrix cpp_vcov_meat(Rcpp::NumericMatrix Xr, Rcpp::NumericVector er,
                                  Rcpp::NumericVector wr, Rcpp::IntegerVector cluster,
                                  int G, int threads) {
  using namespace pilotdid;
  const int N = Xr.nrow(), K = Xr.ncol();
  MapMat X(Xr.begin(), N, K);
  MapVec e(er.begin(), N), w(wr.begin(), N);
  const bool by_row = cluster.size() == 0;
  std::vector<Mat> part(N_CHUNKS, Mat::Zero(K, K));
  Mat scores;
  if (!by_row) {
    scores = Mat::Zero(G, K);
    Vec we = w.array() * e.array();
    for (int k = 0; k < K; ++k) {   // column by column: X is column-major
      const double* x = X.col(k).data();
      double* s = scores.col(k).data();
      for (int i = 0; i < N; ++i) s[cluster[i]] += we[i] * x[i];
    }
  }
  const int R = by_row ? N : G;
  (void)threads;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads)
#endif
  for (int c = 0; c < N_CHUNKS; ++c) {
    const int b = chunk_begin(R, c), n = chunk_begin(R, c + 1) - b;
    if (n <= 0) continue;
    if (by_row) {
      Mat s = X.middleRows(b, n).array().colwise() * (w.segment(b, n).array() * e.segment(b, n).array());
      part[c].noalias() = s.transpose() * s;
    } else {
      part[c].noalias() = scores.middleRows(b, n).transpose() * scores.middleRows(b, n);
    }
  }
  Mat meat = Mat::Zero(K, K);
  for (int c = 0; c < N_CHUNKS; ++c) meat += part[c];
  return Rcpp::wrap(meat);
}
