// vcov.cpp -- the "meat" of sandwich variances: sum over clusters of s_g s_g',
// s_g = sum_{i in g} w_i e_i x_i. With no cluster codes every row is its own
// cluster (heteroskedasticity-robust). `e` or `w` empty: all 1.
#include "pilotdid.h"
#include <algorithm>

// [[Rcpp::export]]
Rcpp::NumericMatrix cpp_vcov_meat(Rcpp::NumericMatrix Xr, Rcpp::NumericVector er,
                                  Rcpp::NumericVector wr, Rcpp::IntegerVector cluster,
                                  int G, int threads) {
  using namespace pilotdid;
  const int N = Xr.nrow(), K = Xr.ncol();
  if ((er.size() != 0 && er.size() != N) || (wr.size() != 0 && wr.size() != N)) {
    Rcpp::stop("Internal error: scores and weights have the wrong length.");
  }
  MapMat X(Xr.begin(), N, K);
  const double* e = er.size() ? er.begin() : 0;
  const double* w = wr.size() ? wr.begin() : 0;
  auto we = [&](int i) { return (e ? e[i] : 1.0) * (w ? w[i] : 1.0); };
  const bool by_row = cluster.size() == 0;
  (void)threads;
  std::vector<Mat> part(N_CHUNKS, Mat::Zero(K, K));
  Mat scores;   // G x K, columns in parallel (each in row order: thread-invariant)
  if (!by_row) {
    scores = Mat::Zero(G, K);
    const int* cl = cluster.begin();
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
#endif
    for (int k = 0; k < K; ++k) {
      const double* x = X.col(k).data();
      double* sc = scores.col(k).data();
      for (int i = 0; i < N; ++i) sc[cl[i]] += we(i) * x[i];
    }
  }
  const int R = by_row ? N : G;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads)
#endif
  for (int c = 0; c < N_CHUNKS; ++c) {
    const int b = chunk_begin(R, c), n = chunk_begin(R, c + 1) - b;
    if (n <= 0) continue;
    if (by_row) {
      Mat s(n, K);
      for (int k = 0; k < K; ++k)
        for (int i = 0; i < n; ++i) s(i, k) = X(b + i, k) * we(b + i);
      part[c].noalias() = s.transpose() * s;
    } else {
      part[c].noalias() = scores.middleRows(b, n).transpose() * scores.middleRows(b, n);
    }
  }
  Mat meat = Mat::Zero(K, K);
  for (int c = 0; c < N_CHUNKS; ++c) meat += part[c];
  return Rcpp::wrap(meat);
}
