// ols.cpp -- weighted least squares on demeaned columns, with collinearity
// detection in column order: a column is dropped when its demeaned sum of squares
// is below tol times its raw one (constant within the fixed effects) or when its
// residual sum of squares after the columns kept before it is below tol times its
// demeaned one (collinear with them).
#include "pilotdid.h"
#include <cmath>
#include <algorithm>

namespace pilotdid {

// X'WX and X'Wy accumulated in fixed chunks, so the sums do not depend on
// threads; `w` null: weights 1. Within a chunk, rows go in blocks small
// enough for the block's columns to stay in cache while every pair of
// columns is multiplied (the weighted columns copied once per block).
static void cross_products(const MapMat& X, const MapVec& y, const double* w, int threads,
                           Mat& XtX, Vec& Xty) {
  const int N = X.rows(), K = X.cols();
  std::vector<Mat> part(N_CHUNKS, Mat::Zero(K, K));
  std::vector<Vec> party(N_CHUNKS, Vec::Zero(K));
  (void)threads;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads)
#endif
  for (int c = 0; c < N_CHUNKS; ++c) {
    const int b = chunk_begin(N, c), e = chunk_begin(N, c + 1);
    const int B = 1024;
    Mat Xw(w ? B : 0, K);
    Mat& P = part[c];
    Vec& Py = party[c];
    for (int s = b; s < e; s += B) {
      const int n = std::min(B, e - s);
      if (w) {
        for (int a = 0; a < K; ++a)
          for (int i = 0; i < n; ++i) Xw(i, a) = w[s + i] * X(s + i, a);
      }
      for (int a = 0; a < K; ++a) {
        const Eigen::Map<const Vec> xa(w ? Xw.col(a).data() : X.col(a).data() + s, n);
        for (int bb = a; bb < K; ++bb) P(a, bb) += xa.dot(X.col(bb).segment(s, n));
        Py[a] += xa.dot(y.segment(s, n));
      }
    }
    for (int a = 0; a < K; ++a)
      for (int bb = a + 1; bb < K; ++bb) P(bb, a) = P(a, bb);
  }
  XtX = Mat::Zero(K, K);
  Xty = Vec::Zero(K);
  for (int c = 0; c < N_CHUNKS; ++c) { XtX += part[c]; Xty += party[c]; }
}

void seq_cholesky(const Mat& XtX, const std::vector<int>& cols, const double* ref, double tol,
                  std::vector<int>& kept, Mat& L) {
  const int p = cols.size();
  kept.clear();
  L = Mat::Zero(p, p);
  for (int j = 0; j < p; ++j) {
    const int cj = cols[j];
    Vec l(kept.size());
    for (size_t a = 0; a < kept.size(); ++a) {
      double s = XtX(cols[kept[a]], cj);
      for (size_t b = 0; b < a; ++b) s -= L(a, b) * l[b];
      l[a] = s / L(a, a);
    }
    const double d = XtX(cj, cj) - l.squaredNorm();
    if (!(d > tol * XtX(cj, cj)) || !(XtX(cj, cj) > tol * ref[cj])) continue;
    const int r = kept.size();
    for (int a = 0; a < r; ++a) L(r, a) = l[a];
    L(r, r) = std::sqrt(d);
    kept.push_back(j);
  }
  L.conservativeResize(kept.size(), kept.size());
}

} // namespace pilotdid

// [[Rcpp::export]]
Rcpp::List cpp_ols(Rcpp::NumericMatrix Xr, Rcpp::NumericVector yr, Rcpp::NumericVector wr,
                   Rcpp::NumericVector ref_ss, double tol, int threads) {
  using namespace pilotdid;
  const int N = Xr.nrow(), K = Xr.ncol();
  MapMat X(Xr.begin(), N, K);
  MapVec y(yr.begin(), N);
  if (wr.size() != 0 && wr.size() != N) Rcpp::stop("Internal error: weights have the wrong length.");
  Mat XtX;
  Vec Xty;
  cross_products(X, y, wr.size() ? wr.begin() : 0, threads, XtX, Xty);

  std::vector<int> cols(K), kept;
  for (int j = 0; j < K; ++j) cols[j] = j;
  Mat L;
  seq_cholesky(XtX, cols, ref_ss.begin(), tol, kept, L);
  const int P = kept.size();
  Mat Lk = L.topLeftCorner(P, P);
  Mat XtX_inv = Mat::Identity(P, P);
  Lk.triangularView<Eigen::Lower>().solveInPlace(XtX_inv);
  XtX_inv = (XtX_inv.transpose() * XtX_inv).eval();
  Vec Xty_k(P);
  for (int a = 0; a < P; ++a) Xty_k[a] = Xty[kept[a]];
  Vec beta = XtX_inv * Xty_k;

  // residuals in row blocks (one pass over e, not one per column)
  Rcpp::NumericVector resid(Rcpp::no_init(N));
  double* e = resid.begin();
  const int B = 2048, nb = (N + B - 1) / B;
  (void)threads;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads)
#endif
  for (int j = 0; j < nb; ++j) {
    const int s = j * B, n = std::min(B, N - s);
    for (int i = 0; i < n; ++i) e[s + i] = y[s + i];
    for (int a = 0; a < P; ++a) {
      const double* x = X.col(kept[a]).data() + s;
      const double ba = beta[a];
      for (int i = 0; i < n; ++i) e[s + i] -= ba * x[i];
    }
  }

  Rcpp::IntegerVector kept_r(P);
  for (int a = 0; a < P; ++a) kept_r[a] = kept[a] + 1;
  return Rcpp::List::create(Rcpp::Named("coef") = Rcpp::wrap(beta),
                            Rcpp::Named("kept") = kept_r,
                            Rcpp::Named("XtX_inv") = Rcpp::wrap(XtX_inv),
                            Rcpp::Named("resid") = resid);
}
