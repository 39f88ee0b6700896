// rows.cpp -- row-level preparation before estimation: which rows have a finite
// outcome and finite regressors, and dense codes of integer identifiers.
#include "pilotdid.h"
#include <cstring>
#include <cmath>
#include <vector>
#include <cstdio>
#include <string>
#include <algorithm>

// Rows whose outcome and regressors are all finite (rows in parallel).
// [[Rcpp::export]]
Rcpp::LogicalVector cpp_finite_rows(Rcpp::NumericMatrix X, Rcpp::NumericVector y, int threads = 1) {
  const int N = X.nrow(), K = X.ncol();
  Rcpp::LogicalVector ok(Rcpp::no_init(N));
  int* o = ok.begin();
  const double* py = y.begin();
  const double* px = X.begin();
  (void)threads;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads)
#endif
  for (int c = 0; c < pilotdid::N_CHUNKS; ++c) {
    const int b = pilotdid::chunk_begin(N, c), e = pilotdid::chunk_begin(N, c + 1);
    for (int i = b; i < e; ++i) o[i] = std::isfinite(py[i]);
    for (int k = 0; k < K; ++k) {
      const double* x = px + (size_t)k * N;
      for (int i = b; i < e; ++i) if (!std::isfinite(x[i])) o[i] = 0;
    }
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

// One pass over the outcome `y` and over each of the K columns stored in `x`
// (a matrix), the first `skip` of x excepted (left 0, "" and FALSE); columns
// in parallel. Per column (y first): the largest absolute value (NaN
// ignored), the hash of cpp_hash_columns(), whether every value is 0 or 1,
// and the weighted sum (w empty: weights 1).
// [[Rcpp::export]]
Rcpp::List cpp_col_summary(Rcpp::NumericVector y, Rcpp::NumericVector x, int K, Rcpp::NumericVector w,
                           int skip = 0, int threads = 1) {
  const size_t N = y.size();
  if ((size_t)x.size() != N * (size_t)K) Rcpp::stop("Internal error: x has %d values, not %d x %d", (int)x.size(), (int)N, K);
  const double* pw = w.size() ? w.begin() : 0;
  if (pw && (size_t)w.size() != N) Rcpp::stop("Internal error: weights have %d values, not %d", (int)w.size(), (int)N);
  std::vector<const double*> col(K + 1);
  col[0] = y.begin();
  for (int k = 0; k < K; ++k) col[k + 1] = x.begin() + (size_t)k * N;
  std::vector<double> mx(K + 1, 0.0), sm(K + 1, 0.0);
  std::vector<unsigned long long> hs(K + 1, FNV_START);
  std::vector<char> bn(K + 1, 0);
  (void)threads;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
#endif
  for (int k = 0; k <= K; ++k) {
    if (k > 0 && k <= skip) continue;
    const double* c = col[k];
    unsigned long long h = FNV_START;
    double m = 0.0, s = 0.0;
    bool bin = true;
    for (size_t i = 0; i < N; ++i) {
      const double v = c[i];
      fnv_step(h, v);
      m = std::max(m, std::fabs(v));   // std::max(m, NaN) keeps m
      bin = bin && (v == 0.0 || v == 1.0);
      s += pw ? pw[i] * v : v;
    }
    mx[k] = m;
    sm[k] = s;
    hs[k] = h;
    bn[k] = bin;
  }
  Rcpp::NumericVector maxabs(K + 1), wsum(K + 1);
  Rcpp::CharacterVector hash(K + 1);
  Rcpp::LogicalVector binary(K + 1);
  for (int k = 0; k <= K; ++k) {
    if (k > 0 && k <= skip) continue;
    maxabs[k] = mx[k];
    wsum[k] = sm[k];
    hash[k] = fnv_hex(hs[k]);
    binary[k] = bn[k];
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
// temporary copies as with cbind(as.double(...)). Columns in parallel.
// [[Rcpp::export]]
Rcpp::NumericMatrix cpp_model_matrix(Rcpp::List cols, Rcpp::IntegerVector cell_code,
                                     Rcpp::IntegerVector cell_of, int N, int threads = 1) {
  const int K = cell_of.size();
  Rcpp::NumericMatrix out(Rcpp::no_init(N, K));
  // cell columns: zeros, then one pass over the rows setting the ones
  int max_cell = 0;
  for (int j = 0; j < K; ++j) if (cell_of[j] > max_cell) max_cell = cell_of[j];
  std::vector<int> col_of(max_cell + 1, -1);
  if (max_cell > 0 && cell_code.size() != N) Rcpp::stop("cell codes have %d values, not %d", (int)cell_code.size(), N);
  // the source of each column (pointers and types read here, on the main thread)
  std::vector<const double*> src_d(K, 0);
  std::vector<const int*> src_i(K, 0);
  int next = 0;
  for (int j = 0; j < K; ++j) {
    if (cell_of[j] > 0) { col_of[cell_of[j]] = j; continue; }
    SEXP x = cols[next++];
    if (Rf_xlength(x) != N) Rcpp::stop("column %d has %d values, not %d", next, (int)Rf_xlength(x), N);
    switch (TYPEOF(x)) {
      case REALSXP: src_d[j] = REAL(x); break;
      case INTSXP: src_i[j] = INTEGER(x); break;
      case LGLSXP: src_i[j] = LOGICAL(x); break;
      default: Rcpp::stop("column %d is not numeric", next);
    }
  }
  double* base = out.begin();
  (void)threads;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
#endif
  for (int j = 0; j < K; ++j) {
    double* o = base + (size_t)j * N;
    if (cell_of[j] > 0) std::fill(o, o + N, 0.0);
    else if (src_d[j]) std::memcpy(o, src_d[j], sizeof(double) * N);
    else for (int i = 0; i < N; ++i) o[i] = src_i[j][i] == NA_INTEGER ? NA_REAL : (double)src_i[j][i];
  }
  if (max_cell > 0) {
    for (int i = 0; i < N; ++i) {
      const int c = cell_code[i];
      if (c >= 1 && c <= max_cell && col_of[c] >= 0) base[(size_t)col_of[c] * N + i] = 1.0;
    }
  }
  return out;
}

// The weighted sums a fit reports, without temporaries of length N: sum w,
// sum w y^2 (y as given), sum w y_dm^2 (demeaned), rss = sum w e^2, the
// weighted mean of y_raw and tss = sum w (y_raw - mean)^2. `w` empty: every
// weight 1. Partial sums over fixed chunks of rows (in parallel), added in
// chunk order: the sums do not depend on threads and agree with R's to about
// 1e-15 relative.
// [[Rcpp::export]]
Rcpp::NumericVector cpp_fit_sums(Rcpp::NumericVector y, Rcpp::NumericVector y_raw,
                                 Rcpp::NumericVector y_dm, Rcpp::NumericVector e,
                                 Rcpp::NumericVector w, int threads = 1) {
  using namespace pilotdid;
  const int N = y.size();
  const double* pw = w.size() == 0 ? nullptr : w.begin();
  const double *py = y.begin(), *pr = y_raw.begin(), *pd = y_dm.begin(), *pe = e.begin();
  std::vector<double> part(N_CHUNKS * 6, 0.0);   // sw, ssy, ssdm, rss, sy, tss per chunk
  (void)threads;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads)
#endif
  for (int c = 0; c < N_CHUNKS; ++c) {
    double* p = part.data() + (size_t)c * 6;
    for (int i = chunk_begin(N, c); i < chunk_begin(N, c + 1); ++i) {
      const double wi = pw ? pw[i] : 1.0;
      p[0] += wi;
      p[1] += wi * (py[i] * py[i]);
      p[2] += wi * (pd[i] * pd[i]);
      p[3] += wi * (pe[i] * pe[i]);
      p[4] += wi * pr[i];
    }
  }
  double sw = 0, ssy = 0, ssdm = 0, rss = 0, sy = 0, tss = 0;
  for (int c = 0; c < N_CHUNKS; ++c) {
    const double* p = part.data() + (size_t)c * 6;
    sw += p[0]; ssy += p[1]; ssdm += p[2]; rss += p[3]; sy += p[4];
  }
  const double ybar = sy / sw;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads)
#endif
  for (int c = 0; c < N_CHUNKS; ++c) {
    double t = 0.0;
    for (int i = chunk_begin(N, c); i < chunk_begin(N, c + 1); ++i) {
      const double d = pr[i] - ybar;
      t += (pw ? pw[i] : 1.0) * (d * d);
    }
    part[(size_t)c * 6 + 5] = t;
  }
  for (int c = 0; c < N_CHUNKS; ++c) tss += part[(size_t)c * 6 + 5];
  return Rcpp::NumericVector::create(Rcpp::Named("sw") = sw, Rcpp::Named("ss_y") = ssy,
                                     Rcpp::Named("ss_dm") = ssdm, Rcpp::Named("rss") = rss,
                                     Rcpp::Named("ybar") = ybar, Rcpp::Named("tss") = tss);
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
