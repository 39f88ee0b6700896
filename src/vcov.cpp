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
  std::vector<Mat> part(N_CHUNKS, Mat::Zero(K, K));
  Mat scores;   // K x G: one column per cluster
  if (!by_row) {
    scores = Mat::Zero(K, G);
    const int* cl = cluster.begin();
    const int B = 2048;
    std::vector<double> f(B);
    for (int s = 0; s < N; s += B) {   // row blocks: X read column by column within a block
      const int n = std::min(B, N - s);
      for (int i = 0; i < n; ++i) f[i] = we(s + i);
      for (int k = 0; k < K; ++k) {
        const double* x = X.col(k).data() + s;
        double* sc = scores.data() + k;
        for (int i = 0; i < n; ++i) sc[(size_t)cl[s + i] * K] += f[i] * x[i];
      }
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
      Mat s(n, K);
      for (int k = 0; k < K; ++k)
        for (int i = 0; i < n; ++i) s(i, k) = X(b + i, k) * we(b + i);
      part[c].noalias() = s.transpose() * s;
    } else {
      part[c].noalias() = scores.middleCols(b, n) * scores.middleCols(b, n).transpose();
    }
  }
  Mat meat = Mat::Zero(K, K);
  for (int c = 0; c < N_CHUNKS; ++c) meat += part[c];
  return Rcpp::wrap(meat);
}
