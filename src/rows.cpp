// rows.cpp -- row-level preparation before estimation: which rows have a finite
// outcome and finite regressors, and dense codes of integer identifiers.
#include "pilotdid.h"
#include <cstring>
#include <cmath>
#include <vector>
#include <cstdio>

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

// Dense 0-based codes of an integer identifier, numbered in order of first
// appearance (as match(x, unique(x)) - 1), in O(N + range) when the range of
// values is at most 4N; returns an empty vector otherwise (R falls back).
// [[Rcpp::export]]
Rcpp::IntegerVector cpp_group_codes(Rcpp::IntegerVector x) {
  const int N = x.size();
  if (N == 0) return Rcpp::IntegerVector(0);
  int lo = x[0], hi = x[0];
  for (int i = 1; i < N; ++i) { if (x[i] < lo) lo = x[i]; if (x[i] > hi) hi = x[i]; }
  const double range = (double)hi - (double)lo + 1.0;
  if (range > 4.0 * N + 1024.0) return Rcpp::IntegerVector(0);
  std::vector<int> map((size_t)range, -1);
  Rcpp::IntegerVector out(N);
  int next = 0;
  for (int i = 0; i < N; ++i) {
    int& m = map[(size_t)(x[i] - lo)];
    if (m < 0) m = next++;
    out[i] = m;
  }
  return out;
}

// Is every level of `fe` (codes 0..G-1) inside a single level of `cl`?
// [[Rcpp::export]]
bool cpp_is_nested(Rcpp::IntegerVector fe, Rcpp::IntegerVector cl, int G) {
  std::vector<int> first(G, -1);
  const int N = fe.size();
  for (int i = 0; i < N; ++i) {
    int& f = first[fe[i]];
    if (f < 0) f = cl[i];
    else if (f != cl[i]) return false;
  }
  return true;
}

// FNV-1a 64-bit hash of each column's bytes (as hexadecimal), to recognise
// a fit's data later without keeping it.
// [[Rcpp::export]]
Rcpp::CharacterVector cpp_hash_columns(Rcpp::NumericVector x, int K) {
  const size_t N = K > 0 ? x.size() / K : 0;
  Rcpp::CharacterVector out(K);
  for (int k = 0; k < K; ++k) {
    // FNV-1a over 64-bit words (one step per value, not per byte)
    unsigned long long h = 1469598103934665603ULL;
    const double* c = x.begin() + (size_t)k * N;
    for (size_t i = 0; i < N; ++i) {
      unsigned long long v;
      std::memcpy(&v, c + i, sizeof v);
      h ^= v;
      h *= 1099511628211ULL;
    }
    char buf[17];
    std::snprintf(buf, sizeof(buf), "%016llx", h);
    out[k] = buf;
  }
  return out;
}

// One pass over each of the K columns stored in `x` (a matrix or a vector),
// on the rows where `keep` is true (every row when `keep` is empty): the
// largest absolute value (NaN ignored) and whether every value is 0 or 1.
// No copy of a column is made, unlike abs(X[keep, j]) in R.
// [[Rcpp::export]]
Rcpp::List cpp_col_scan(Rcpp::NumericVector x, int K, Rcpp::LogicalVector keep) {
  const size_t N = K > 0 ? x.size() / K : 0;
  const bool all = keep.size() == 0;
  Rcpp::NumericVector maxabs(K);
  Rcpp::LogicalVector binary(K);
  for (int k = 0; k < K; ++k) {
    const double* c = x.begin() + (size_t)k * N;
    double m = 0.0;
    bool bin = true;
    for (size_t i = 0; i < N; ++i) {
      if (!all && keep[i] != TRUE) continue;
      const double v = c[i];
      const double a = std::fabs(v);
      if (a > m) m = a;
      if (v != 0.0 && v != 1.0) bin = false;
    }
    maxabs[k] = m;
    binary[k] = bin;
  }
  return Rcpp::List::create(Rcpp::Named("maxabs") = maxabs, Rcpp::Named("binary") = binary);
}

// The columns `cols` (1-based) of the matrix in `x` as raw 0/1 vectors.
// [[Rcpp::export]]
Rcpp::List cpp_raw_columns(Rcpp::NumericVector x, int K, Rcpp::IntegerVector cols) {
  const size_t N = K > 0 ? x.size() / K : 0;
  Rcpp::List out(cols.size());
  for (int j = 0; j < cols.size(); ++j) {
    const double* c = x.begin() + (size_t)(cols[j] - 1) * N;
    Rcpp::RawVector r(N);
    for (size_t i = 0; i < N; ++i) r[i] = c[i] != 0.0;
    out[j] = r;
  }
  return out;
}

// 0/1 indicator columns of the cells 1..K of `cell` (NA: in no cell), as the
// columns of an N x K matrix.
// [[Rcpp::export]]
Rcpp::NumericMatrix cpp_cell_dummies(Rcpp::IntegerVector cell, int K) {
  const int N = cell.size();
  Rcpp::NumericMatrix out(N, K);
  for (int i = 0; i < N; ++i) {
    const int c = cell[i];
    if (c != NA_INTEGER && c >= 1 && c <= K) out(i, c - 1) = 1.0;
  }
  return out;
}
