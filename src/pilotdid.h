// pilotdid.h -- the one shared header of pilotdid's C++ core.
//
// Conventions (every kernel uses these names):
//   N  rows of the estimation sample       K  columns (variables) processed
//   Q  fixed-effect dimensions             G  levels of one dimension
//   fe codes arrive from R as 0-based int  w  observation weights (empty/null: all 1)
// Kernels live in namespace pilotdid, take Eigen::Map views / std types only and
// never touch the R API, so they are safe inside OpenMP regions. Each .cpp file
// ends with the thin // [[Rcpp::export]] wrappers cpp_<job>().
#ifndef PILOTDID_H
#define PILOTDID_H

#include <RcppEigen.h>
#include <vector>
#include <cstdint>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace pilotdid {

typedef Eigen::MatrixXd Mat;
typedef Eigen::VectorXd Vec;
typedef Eigen::VectorXi IVec;
typedef Eigen::Map<Eigen::MatrixXd> MapMat;
typedef Eigen::Map<Eigen::VectorXd> MapVec;
typedef Eigen::Map<Eigen::VectorXi> MapIVec;

// Fixed-effect design: Q dimensions of integer codes over N rows.
struct FixedEffects {
  int N;
  int Q;
  std::vector<const int*> code;   // code[q][i] in 0..G[q]-1
  std::vector<int> G;             // levels per dimension
  const double* w;                // weights, length N; null when every weight is 1
  double wt(int i) const { return w ? w[i] : 1.0; }
};

// ---- within transformation (demean.cpp) ----------------------------------------
// Exact path: the largest dimension (index 0 after ordering) is eliminated in
// closed form, the others are solved through their dense Schur complement.
struct ExactSolver {
  std::vector<int> offset;       // offset of dimension q >= 1 in 0..M-1
  int M;
  std::vector<double> D;         // weight per level of dimension 0
  Mat Sinv;                      // pseudo-inverse of the Schur complement
  bool sorted = false;           // rows grouped by their level of dimension 0
};
// Iterative path: conjugate gradients on the Schur complement
// S = Z'W M_0 Z of dimensions 1..Q-1 (Z their indicators, M_0 the within
// projection of dimension 0). Rows are kept sorted by their level of
// dimension 0 so that M_0 is a pass over contiguous blocks.
struct SchurCg {
  int M;                         // coefficients of dimensions 1..Q-1
  int R;                         // Q - 1
  std::vector<int> off;          // offset of dimension q >= 1 in 0..M-1
  std::vector<int> start;        // block of level g of dimension 0: start[g]..start[g+1]-1
  std::vector<int> order;        // sorted position -> row
  std::vector<int> idx;          // R codes (with offsets) per sorted row
  std::vector<double> ws;        // weights in sorted order (empty when all are 1)
  std::vector<double> inv0;      // 1 / weight of each level of dimension 0 (0 if none)
  std::vector<double> pre;       // Jacobi preconditioner: 1 / diag(S) (0 where diag(S) = 0)
  int max_block;                 // rows of the largest level of dimension 0
};

// Level sums per fixed-effect dimension (s[q][g]), e.g. Z'Wv.
typedef std::vector<std::vector<double> > Sums;

class Demeaner {
 public:
  // `fe` must list its largest dimension first and outlive the Demeaner.
  Demeaner(const FixedEffects& fe, int max_exact, double tol, int maxit);
  // Writes v minus its weighted projection on the fixed effects into out;
  // returns iterations used (0 on the exact path, negative if not converged).
  int apply(const double* v, double* out) const;
  // The same for K columns in[k] -> out[k] on `threads` threads, writing the
  // weighted sum of squares of each raw column into ss[k] (if ss is given);
  // iters[k] as apply(). out[k] may be in[k]. Each column's result is
  // independent of `threads`.
  void apply_many(const double* const* in, double* const* out, int K, double* ss, int* iters,
                  int threads) const;
  // Fixed-effect coefficients a (a[q][g], this Demeaner's dimension order)
  // solving the weighted normal equations Z'WZ a = s for given level sums s;
  // the fitted values Za are unique when s lies in the span of Z'W. Returns
  // iterations as apply().
  int solve_sums(const Sums& s, Sums& coef) const;
  bool exact;
 private:
  const FixedEffects& fe_;
  double tol_;
  int maxit_;
  ExactSolver ex_;
  SchurCg cg_;
};

// Builds a FixedEffects view over R code vectors, largest dimension first;
// `order`, if given, receives the R position of each dimension in that order.
FixedEffects make_fixed_effects(Rcpp::List codes, Rcpp::IntegerVector G, Rcpp::NumericVector w,
                                std::vector<Rcpp::IntegerVector>& keep, std::vector<int>* order = 0);

// Moore-Penrose inverse of a symmetric positive semi-definite matrix.
Mat pinv_psd(const Mat& S);

// ---- random numbers (placebo.cpp, boot.cpp, synth.cpp) ----------------------
// splitmix64: a small, well-mixed generator; one stream per (seed, draw), so
// draws do not depend on the number of threads or on how they are chunked.
struct Rng {
  uint64_t s;
  Rng(uint64_t seed, uint64_t draw) : s(seed * 0x9E3779B97F4A7C15ULL + draw) { next(); next(); }
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // uniform integer in [0, n), without modulo bias
  uint64_t below(uint64_t n) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t r;
    do { r = next(); } while (r >= limit);
    return r % n;
  }
  // uniform double in (0, 1]
  double unif() { return ((double)(next() >> 11) + 1.0) * (1.0 / 9007199254740992.0); }
};

// Runs body(scratch, j) for draws j = 0 .. count-1 on `threads` threads, each
// thread with its own scratch from make(). Draws are independent of each
// other, so results do not depend on the number of threads.
template <class Make, class Body>
inline void for_each_draw(int count, int threads, Make make, Body body) {
  (void)threads;
#ifdef _OPENMP
#pragma omp parallel num_threads(threads)
#endif
  {
    auto sc = make();
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
    for (int j = 0; j < count; ++j) body(sc, j);
  }
}

// ---- least squares (ols.cpp) -----------------------------------------------------
// Sequential Cholesky L L' of the Gram matrix XtX restricted to the columns
// `cols` taken in order: a column is dropped when XtX is below tol times its
// reference sum of squares ref[col] (absorbed by the fixed effects) or when its
// residual after the columns kept before it is below tol times XtX (collinear).
// `kept` receives the positions (in cols) kept, L their P x P factor.
void seq_cholesky(const Mat& XtX, const std::vector<int>& cols, const double* ref, double tol,
                  std::vector<int>& kept, Mat& L);

// Number of chunks used for deterministic parallel reductions: results do not
// depend on the number of threads because chunk boundaries do not.
const int N_CHUNKS = 64;

inline int chunk_begin(int n, int c) { return (int)(((int64_t)n * c) / N_CHUNKS); }

} // namespace pilotdid

#endif
