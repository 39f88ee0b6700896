// rows.cpp -- row-level preparation before estimation: which rows have a finite
// outcome and finite regressors, and dense codes of integer identifiers.
#include "pilotdid.h"
#include <cstring>
#include <cmath>
#include <vector>
#include <cstdio>
#include <string>
#include <algorithm>

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
// values is at most 4N, with the number of levels in attribute "G"; returns
// an empty vector otherwise (R falls back).
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
  out.attr("G") = next;
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

// FNV-1a over 64-bit words (one step per value, not per byte), as hexadecimal.
static inline void fnv_step(unsigned long long& h, double x) {
  unsigned long long v;
  std::memcpy(&v, &x, sizeof v);
  h ^= v;
  h *= 1099511628211ULL;
}
static const unsigned long long FNV_START = 1469598103934665603ULL;
static std::string fnv_hex(unsigned long long h) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", h);
  return buf;
}

// Hash of each column's values, to recognise a fit's data later without
// keeping it.
// [[Rcpp::export]]
Rcpp::CharacterVector cpp_hash_columns(Rcpp::NumericVector x, int K) {
  const size_t N = K > 0 ? x.size() / K : 0;
  Rcpp::CharacterVector out(K);
  for (int k = 0; k < K; ++k) {
    unsigned long long h = FNV_START;
    const double* c = x.begin() + (size_t)k * N;
    for (size_t i = 0; i < N; ++i) fnv_step(h, c[i]);
    out[k] = fnv_hex(h);
  }
  return out;
}

// One pass over each of the K columns stored in `x` (a matrix or a vector),
// the first `skip` excepted (left 0, "" and FALSE): the largest absolute
// value (NaN ignored), the hash of cpp_hash_columns(), whether every value is
// 0 or 1, and the weighted sum (w empty: weights 1).
// [[Rcpp::export]]
Rcpp::List cpp_col_summary(Rcpp::NumericVector x, int K, Rcpp::NumericVector w, int skip = 0) {
  const size_t N = K > 0 ? x.size() / K : 0;
  const bool unit = w.size() == 0;
  if (!unit && (size_t)w.size() != N) Rcpp::stop("weights have %d values, not %d", (int)w.size(), (int)N);
  Rcpp::NumericVector maxabs(K), wsum(K);
  Rcpp::CharacterVector hash(K);
  Rcpp::LogicalVector binary(K);
  for (int k = skip; k < K; ++k) {
    const double* c = x.begin() + (size_t)k * N;
    unsigned long long h = FNV_START;
    double m = 0.0, s = 0.0;
    bool bin = true;
    for (size_t i = 0; i < N; ++i) {
      const double v = c[i];
      fnv_step(h, v);
      m = std::max(m, std::fabs(v));   // std::max(m, NaN) keeps m
      bin = bin && (v == 0.0 || v == 1.0);
      s += unit ? v : w[i] * v;
    }
    maxabs[k] = m;
    wsum[k] = s;
    hash[k] = fnv_hex(h);
    binary[k] = bin;
  }
  return Rcpp::List::create(Rcpp::Named("maxabs") = maxabs, Rcpp::Named("hash") = hash,
                            Rcpp::Named("binary") = binary, Rcpp::Named("wsum") = wsum);
}

// Sum of the weights w (empty: weights 1) of the rows with code 1..K (other
// codes and NA ignored): the weighted sums of the 0/1 columns code == j.
// [[Rcpp::export]]
Rcpp::NumericVector cpp_code_sums(Rcpp::IntegerVector code, int K, Rcpp::NumericVector w) {
  Rcpp::NumericVector out(K);
  const R_xlen_t N = code.size();
  const bool unit = w.size() == 0;
  for (R_xlen_t i = 0; i < N; ++i) {
    const int c = code[i];
    if (c >= 1 && c <= K) out[c - 1] += unit ? 1.0 : w[i];
  }
  return out;
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

// The model matrix (N rows) of the regressors j = 1..K: the indicator of
// cell_code == cell_of[j] when cell_of[j] > 0, else the next vector of `cols`
// (double, integer or logical; NA stays NA). Each value is written once: no
// temporary copies as with cbind(as.double(...)).
// [[Rcpp::export]]
Rcpp::NumericMatrix cpp_model_matrix(Rcpp::List cols, Rcpp::IntegerVector cell_code,
                                     Rcpp::IntegerVector cell_of, int N) {
  const int K = cell_of.size();
  Rcpp::NumericMatrix out(Rcpp::no_init(N, K));
  // cell columns: zeros, then one pass over the rows setting the ones
  int max_cell = 0;
  for (int j = 0; j < K; ++j) if (cell_of[j] > max_cell) max_cell = cell_of[j];
  std::vector<int> col_of(max_cell + 1, -1);
  for (int j = 0; j < K; ++j) {
    if (cell_of[j] <= 0) continue;
    col_of[cell_of[j]] = j;
    std::fill(out.begin() + (size_t)j * N, out.begin() + (size_t)(j + 1) * N, 0.0);
  }
  if (max_cell > 0) {
    if (cell_code.size() != N) Rcpp::stop("cell codes have %d values, not %d", (int)cell_code.size(), N);
    for (int i = 0; i < N; ++i) {
      const int c = cell_code[i];
      if (c >= 1 && c <= max_cell && col_of[c] >= 0) out[(size_t)col_of[c] * N + i] = 1.0;
    }
  }
  int next = 0;
  for (int j = 0; j < K; ++j) {
    double* o = out.begin() + (size_t)j * N;
    if (cell_of[j] > 0) continue;
    SEXP x = cols[next++];
    if (Rf_xlength(x) != N) Rcpp::stop("column %d has %d values, not %d", next, (int)Rf_xlength(x), N);
    switch (TYPEOF(x)) {
      case REALSXP: std::memcpy(o, REAL(x), sizeof(double) * N); break;
      case INTSXP:
      case LGLSXP: {
        const int* v = TYPEOF(x) == INTSXP ? INTEGER(x) : LOGICAL(x);
        for (int i = 0; i < N; ++i) o[i] = v[i] == NA_INTEGER ? NA_REAL : (double)v[i];
        break;
      }
      default: Rcpp::stop("column %d is not numeric", next);
    }
  }
  return out;
}

// The weighted sums a fit reports, without temporaries of length N: sum w,
// sum w y^2 (y as given), sum w y_dm^2 (demeaned), rss = sum w e^2, the
// weighted mean of y_raw and tss = sum w (y_raw - mean)^2. `w` empty: every
// weight 1. Double accumulators, two of them per sum (instruction-level
// parallelism); the sums agree with R's to about 1e-15 relative.
// [[Rcpp::export]]
Rcpp::NumericVector cpp_fit_sums(Rcpp::NumericVector y, Rcpp::NumericVector y_raw,
                                 Rcpp::NumericVector y_dm, Rcpp::NumericVector e,
                                 Rcpp::NumericVector w) {
  const R_xlen_t N = y.size();
  const bool unit = w.size() == 0;
  const double* pw = unit ? nullptr : w.begin();
  double sw[2] = {0, 0}, ssy[2] = {0, 0}, ssdm[2] = {0, 0}, rss[2] = {0, 0}, sy[2] = {0, 0};
  for (R_xlen_t i = 0; i < N; ++i) {
    const int j = i & 1;
    const double wi = unit ? 1.0 : pw[i];
    sw[j] += wi;
    ssy[j] += wi * (y[i] * y[i]);
    ssdm[j] += wi * (y_dm[i] * y_dm[i]);
    rss[j] += wi * (e[i] * e[i]);
    sy[j] += wi * y_raw[i];
  }
  const double ybar = (sy[0] + sy[1]) / (sw[0] + sw[1]);
  double tss[2] = {0, 0};
  for (R_xlen_t i = 0; i < N; ++i) {
    const double wi = unit ? 1.0 : pw[i];
    const double d = y_raw[i] - ybar;
    tss[i & 1] += wi * (d * d);
  }
  return Rcpp::NumericVector::create(Rcpp::Named("sw") = sw[0] + sw[1], Rcpp::Named("ss_y") = ssy[0] + ssy[1],
                                     Rcpp::Named("ss_dm") = ssdm[0] + ssdm[1], Rcpp::Named("rss") = rss[0] + rss[1],
                                     Rcpp::Named("ybar") = ybar, Rcpp::Named("tss") = tss[0] + tss[1]);
}

// The first row (1-based) of each of the G levels of 0-based codes, in one
// pass: match(0:(G - 1), codes) without hashing the codes.
// [[Rcpp::export]]
Rcpp::IntegerVector cpp_first_rows(Rcpp::IntegerVector codes, int G) {
  Rcpp::IntegerVector first(G, NA_INTEGER);
  const R_xlen_t N = codes.size();
  for (R_xlen_t i = N - 1; i >= 0; --i) {
    const int c = codes[i];
    if (c >= 0 && c < G) first[c] = (int)i + 1;
  }
  return first;
}
