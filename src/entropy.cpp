// entropy.cpp -- the entropy-weight composite index: per-group ranges,
// entropies and weights of K indicators, and the weighted scores of N rows.
//
// Indicators arrive as K separate double columns (the R vectors themselves, so
// nothing is copied into a matrix). Rows belong to G groups (the `by` argument
// of entropy_index(); G = 1 and no codes when the weights are pooled). Per-group
// quantities are K x G column-major arrays: indicator j of group g at j + K * g,
// the order of the weights table on the R side.
//
// Formulas (documented in ?entropy_index), within each group of n rows:
//   x'_ij = (x_ij - min_j) / (max_j - min_j) + shift     positive indicator
//   x'_ij = (max_j - x_ij) / (max_j - min_j) + shift     negative indicator
//   p_ij = x'_ij / S_j,  S_j = sum_i x'_ij
//   e_j = -(1 / ln n) sum_i p_ij ln p_ij = -(1 / ln n) (T_j / S_j - ln S_j),
//         T_j = sum_i x'_ij ln x'_ij   (0 ln 0 = 0)
//   d_j = 1 - e_j,  w_j = d_j / sum_k d_k,  score_i = sum_j w_j x'_ij.
// Ranges and entropies are computed in parallel over indicators, each indicator
// by one thread going through the rows in order (in blocks of rows for the
// sums); scores in parallel over fixed row chunks, each row summing its
// indicators in order. Results do not depend on the thread count. The R
// wrapper checks for interrupts between batches of indicators.
#include "pilotdid.h"
#include <cmath>
#include <limits>
#include <algorithm>

namespace pilotdid {

// K indicator columns over N rows and the group code of every row.
struct EntropyColumns {
  int N;
  int K;
  int G;
  std::vector<const double*> x;  // x[j][i]
  const int* code;               // group of row i in 0..G-1; nullptr when G == 1
};

// Sums of many terms are added in blocks of BLOCK terms per group, so the
// rounding error grows like BLOCK + n / BLOCK instead of n.
const int BLOCK = 4096;

static inline double standardize(double x, double lo, double hi, double range, bool negative,
                                 double shift) {
  return (negative ? hi - x : x - lo) / range + shift;
}

// min and max of indicator j within every group.
template <bool GROUPED>
static void range_one(const EntropyColumns& X, int j, double* mn, double* mx) {
  const int K = X.K;
  const double* x = X.x[j];
  for (int g = 0; g < X.G; ++g) {
    mn[j + K * g] = std::numeric_limits<double>::infinity();
    mx[j + K * g] = -std::numeric_limits<double>::infinity();
  }
  if (!GROUPED) {
    double lo = mn[j], hi = mx[j];
    for (int i = 0; i < X.N; ++i) {
      lo = x[i] < lo ? x[i] : lo;
      hi = x[i] > hi ? x[i] : hi;
    }
    mn[j] = lo;
    mx[j] = hi;
    return;
  }
  for (int i = 0; i < X.N; ++i) {
    const int at = j + K * X.code[i];
    if (x[i] < mn[at]) mn[at] = x[i];
    if (x[i] > mx[at]) mx[at] = x[i];
  }
}

void entropy_ranges(const EntropyColumns& X, int threads, double* mn, double* mx) {
  (void)threads;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
#endif
  for (int j = 0; j < X.K; ++j) {
    if (X.code) range_one<true>(X, j, mn, mx); else range_one<false>(X, j, mn, mx);
  }
}

static inline double xlogx(double v) { return v > 0.0 ? v * std::log(v) : 0.0; }

// Entropy e_j of indicator j within every group (see the header comment).
// Pooled: S and T are summed in registers block by block. Grouped: a block of
// standardised values and their x ln x is computed first, then added to the
// accumulators of each row's group, which are flushed every BLOCK rows of it.
template <bool GROUPED>
static void entropy_one(const EntropyColumns& X, int j, const double* mn, const double* mx,
                        bool negative, double shift, double* e) {
  const int K = X.K, G = X.G, N = X.N;
  const double* x = X.x[j];
  if (!GROUPED) {
    const double lo = mn[j], hi = mx[j], range = hi - lo;
    double S = 0.0, T = 0.0;
    for (int b = 0; b < N; b += BLOCK) {
      const int end = std::min(N, b + BLOCK);
      double s = 0.0, t = 0.0;
      if (negative) {
        for (int i = b; i < end; ++i) {
          const double v = (hi - x[i]) / range + shift;
          s += v;
          t += xlogx(v);
        }
      } else {
        for (int i = b; i < end; ++i) {
          const double v = (x[i] - lo) / range + shift;
          s += v;
          t += xlogx(v);
        }
      }
      S += s;
      T += t;
    }
    e[j] = -(T / S - std::log(S)) / std::log((double)N);
    return;
  }
  std::vector<double> lo(G), hi(G), range(G);
  for (int g = 0; g < G; ++g) {
    lo[g] = mn[j + K * g];
    hi[g] = mx[j + K * g];
    range[g] = hi[g] - lo[g];
  }
  std::vector<double> s_tot(G, 0.0), s_acc(G, 0.0), t_tot(G, 0.0), t_acc(G, 0.0);
  std::vector<int> in_block(G, 0), n(G, 0);
  std::vector<double> v(BLOCK), vl(BLOCK);
  for (int b = 0; b < N; b += BLOCK) {
    const int end = std::min(N, b + BLOCK), len = end - b;
    const int* code = X.code + b;
    for (int k = 0; k < len; ++k) {
      const int g = code[k];
      v[k] = standardize(x[b + k], lo[g], hi[g], range[g], negative, shift);
    }
    for (int k = 0; k < len; ++k) vl[k] = xlogx(v[k]);
    for (int k = 0; k < len; ++k) {
      const int g = code[k];
      s_acc[g] += v[k];
      t_acc[g] += vl[k];
      if (++in_block[g] == BLOCK) {
        s_tot[g] += s_acc[g];
        t_tot[g] += t_acc[g];
        s_acc[g] = t_acc[g] = 0.0;
        n[g] += BLOCK;
        in_block[g] = 0;
      }
    }
  }
  for (int g = 0; g < G; ++g) {
    const double S = s_tot[g] + s_acc[g], T = t_tot[g] + t_acc[g];
    const int ng = n[g] + in_block[g];
    e[j + K * g] = -(T / S - std::log(S)) / std::log((double)ng);
  }
}

// Entropies e_j of indicators j0..j1-1, in parallel over indicators.
void entropy_values(const EntropyColumns& X, int j0, int j1, const double* mn, const double* mx,
               const int* negative, double shift, int threads, double* e) {
  (void)threads;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
#endif
  for (int j = j0; j < j1; ++j) {
    if (X.code) {
      entropy_one<true>(X, j, mn, mx, negative[j] != 0, shift, e);
    } else {
      entropy_one<false>(X, j, mn, mx, negative[j] != 0, shift, e);
    }
  }
}

// Divergences d = 1 - e and weights w = d / sum(d) in every group. Rounding
// can put e a hair above 1 for an almost uniform indicator; d is then set to 0
// (its exact value is positive but below the rounding error).
void entropy_weights(int K, int G, const double* e, double* d, double* w) {
  for (int g = 0; g < G; ++g) {
    double total = 0.0;
    for (int j = 0; j < K; ++j) {
      const double dj = 1.0 - e[j + K * g];
      d[j + K * g] = dj > 0.0 ? dj : 0.0;
      total += d[j + K * g];
    }
    for (int j = 0; j < K; ++j) w[j + K * g] = d[j + K * g] / total;
  }
}

// Scores of rows b..e-1: score_i = sum_j w_j x'_ij, and per dimension the same
// sum over the dimension's indicators (dim[j] in 0..D-1, or -1 for none).
template <bool GROUPED>
static void scores_chunk(const EntropyColumns& X, int b, int e, const double* mn, const double* mx,
                         const double* w, const int* negative, double shift, const int* dim,
                         double* score, const std::vector<double*>& dims) {
  const int K = X.K, len = e - b;
  double* sc = score + b;
  for (int k = 0; k < len; ++k) sc[k] = 0.0;
  for (size_t q = 0; q < dims.size(); ++q) {
    for (int k = 0; k < len; ++k) dims[q][b + k] = 0.0;
  }
  std::vector<double> t(len);
  const int* code = GROUPED ? X.code + b : nullptr;
  for (int j = 0; j < K; ++j) {
    const double* x = X.x[j] + b;
    const bool neg = negative[j] != 0;
    if (!GROUPED) {
      const double lo = mn[j], hi = mx[j], range = hi - lo, wj = w[j];
      if (neg) {
        for (int k = 0; k < len; ++k) t[k] = wj * ((hi - x[k]) / range + shift);
      } else {
        for (int k = 0; k < len; ++k) t[k] = wj * ((x[k] - lo) / range + shift);
      }
    } else {
      for (int k = 0; k < len; ++k) {
        const int at = j + K * code[k];
        t[k] = w[at] * standardize(x[k], mn[at], mx[at], mx[at] - mn[at], neg, shift);
      }
    }
    for (int k = 0; k < len; ++k) sc[k] += t[k];
    if (dim[j] >= 0) {
      double* out = dims[dim[j]] + b;
      for (int k = 0; k < len; ++k) out[k] += t[k];
    }
  }
}

void entropy_scores(const EntropyColumns& X, const double* mn, const double* mx, const double* w,
            const int* negative, double shift, const int* dim, int threads, double* score,
            const std::vector<double*>& dims) {
  (void)threads;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads)
#endif
  for (int c = 0; c < N_CHUNKS; ++c) {
    const int b = chunk_begin(X.N, c), e = chunk_begin(X.N, c + 1);
    if (e <= b) continue;
    if (X.code) {
      scores_chunk<true>(X, b, e, mn, mx, w, negative, shift, dim, score, dims);
    } else {
      scores_chunk<false>(X, b, e, mn, mx, w, negative, shift, dim, score, dims);
    }
  }
}

} // namespace pilotdid

// ---- R entry points ---------------------------------------------------------

// View an R list of double columns (and 0-based group codes, empty when pooled).
static pilotdid::EntropyColumns as_indicators(const Rcpp::List& cols,
                                              const Rcpp::IntegerVector& code, int G) {
  pilotdid::EntropyColumns X;
  X.K = cols.size();
  if (X.K < 1) Rcpp::stop("Internal error: no indicator columns.");
  if (Rf_xlength(cols[0]) > 2147483647) Rcpp::stop("Internal error: more than 2^31 - 1 rows.");
  X.N = Rf_xlength(cols[0]);
  X.G = G;
  X.x.resize(X.K);
  for (int j = 0; j < X.K; ++j) {
    SEXP col = cols[j];
    if (TYPEOF(col) != REALSXP || Rf_xlength(col) != X.N) {
      Rcpp::stop("Internal error: indicator columns must be double vectors of equal length.");
    }
    X.x[j] = REAL(col);
  }
  if (code.size() == 0) {
    if (G != 1) Rcpp::stop("Internal error: group codes missing.");
    X.code = nullptr;
  } else {
    if (code.size() != X.N || G < 1) Rcpp::stop("Internal error: group codes do not match the rows.");
    X.code = code.begin();
  }
  return X;
}

// [[Rcpp::export]]
Rcpp::List cpp_entropy_range(Rcpp::List cols, Rcpp::IntegerVector code, int G, int threads) {
  pilotdid::EntropyColumns X = as_indicators(cols, code, G);
  Rcpp::NumericMatrix mn(X.K, G), mx(X.K, G);
  pilotdid::entropy_ranges(X, threads, mn.begin(), mx.begin());
  return Rcpp::List::create(Rcpp::Named("min") = mn, Rcpp::Named("max") = mx);
}

// [[Rcpp::export]]
Rcpp::List cpp_entropy_weights(Rcpp::List cols, Rcpp::IntegerVector code, int G,
                               Rcpp::NumericMatrix mn, Rcpp::NumericMatrix mx,
                               Rcpp::IntegerVector negative, double shift, int threads) {
  pilotdid::EntropyColumns X = as_indicators(cols, code, G);
  if (mn.nrow() != X.K || mn.ncol() != G || mx.nrow() != X.K || mx.ncol() != G ||
      negative.size() != X.K) {
    Rcpp::stop("Internal error: ranges do not match the indicators.");
  }
  Rcpp::NumericMatrix e(X.K, G), d(X.K, G), w(X.K, G);
  // indicators in batches, with an interrupt check between batches
  const int batch = 4 * std::max(1, threads);
  for (int j0 = 0; j0 < X.K; j0 += batch) {
    pilotdid::entropy_values(X, j0, std::min(X.K, j0 + batch), mn.begin(), mx.begin(),
                        negative.begin(), shift, threads, e.begin());
    Rcpp::checkUserInterrupt();
  }
  pilotdid::entropy_weights(X.K, G, e.begin(), d.begin(), w.begin());
  return Rcpp::List::create(Rcpp::Named("e") = e, Rcpp::Named("d") = d, Rcpp::Named("w") = w);
}

// [[Rcpp::export]]
Rcpp::List cpp_entropy_scores(Rcpp::List cols, Rcpp::IntegerVector code, int G,
                              Rcpp::NumericMatrix mn, Rcpp::NumericMatrix mx,
                              Rcpp::NumericMatrix w, Rcpp::IntegerVector negative, double shift,
                              Rcpp::IntegerVector dim, int D, int threads) {
  pilotdid::EntropyColumns X = as_indicators(cols, code, G);
  if (mn.nrow() != X.K || mn.ncol() != G || mx.nrow() != X.K || mx.ncol() != G ||
      w.nrow() != X.K || w.ncol() != G || negative.size() != X.K || dim.size() != X.K) {
    Rcpp::stop("Internal error: weights do not match the indicators.");
  }
  for (int j = 0; j < X.K; ++j) {
    if (dim[j] < -1 || dim[j] >= D) Rcpp::stop("Internal error: dimension code out of range.");
  }
  Rcpp::NumericVector score(X.N);
  Rcpp::List dims(D);
  std::vector<double*> dim_ptr(D);
  for (int k = 0; k < D; ++k) {
    Rcpp::NumericVector v(X.N);
    dims[k] = v;
    dim_ptr[k] = v.begin();
  }
  pilotdid::entropy_scores(X, mn.begin(), mx.begin(), w.begin(), negative.begin(), shift, dim.begin(),
                   threads, score.begin(), dim_ptr);
  return Rcpp::List::create(Rcpp::Named("score") = score, Rcpp::Named("dims") = dims);
}
