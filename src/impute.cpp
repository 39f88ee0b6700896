// impute.cpp -- the fixed-effect steps of the imputation estimator (Borusyak,
// Jaravel and Spiess): fixed effects fitted on the untreated rows (sample 0)
// and evaluated on both samples, and the weights the untreated outcomes get
// in a weighted sum of imputed effects, v_0 = Z_0 (Z_0'W Z_0)^- Z_1' w_1
// (returned unsigned; the caller negates).
//
// Dimensions: N0 untreated rows, N1 treated rows, K columns fitted on sample 0,
// H treated weight vectors, Q fixed-effect dimensions. Treated rows carry codes
// of sample 0 (every treated level has untreated rows; R checks this).
#include "pilotdid.h"

namespace pilotdid {

// Level sums of column `v` (length n, codes `code`) per dimension.
static Sums level_sums(const FixedEffects& fe, const std::vector<const int*>& code, int n,
                       const double* v, const double* w) {
  Sums s(fe.Q);
  for (int q = 0; q < fe.Q; ++q) {
    s[q].assign(fe.G[q], 0.0);
    for (int i = 0; i < n; ++i) s[q][code[q][i]] += (w ? w[i] : 1.0) * v[i];
  }
  return s;
}

static void fitted(const FixedEffects& fe, const std::vector<const int*>& code, int n,
                   const Sums& a, double* out) {
  for (int i = 0; i < n; ++i) {
    double f = 0.0;
    for (int q = 0; q < fe.Q; ++q) f += a[q][code[q][i]];
    out[i] = f;
  }
}

} // namespace pilotdid

// [[Rcpp::export]]
Rcpp::List cpp_impute_fe(Rcpp::NumericMatrix V0, Rcpp::NumericMatrix W1, Rcpp::List codes0,
                         Rcpp::List codes1, Rcpp::IntegerVector G, Rcpp::NumericVector w0,
                         int max_exact, double tol, int maxit, int threads) {
  using namespace pilotdid;
  std::vector<Rcpp::IntegerVector> keep0, keep1;
  std::vector<int> ord;
  FixedEffects fe = make_fixed_effects(codes0, G, w0, keep0, &ord);
  for (int q = 0; q < fe.Q; ++q) keep1.push_back(Rcpp::as<Rcpp::IntegerVector>(codes1[ord[q]]));
  std::vector<const int*> c0(fe.code), c1(fe.Q);
  for (int q = 0; q < fe.Q; ++q) c1[q] = keep1[q].begin();
  const int N0 = fe.N, N1 = W1.nrow(), K = V0.ncol(), H = W1.ncol();
  if (V0.nrow() != N0 || (fe.Q > 0 && keep1[0].size() != N1)) Rcpp::stop("Internal error: sizes of the two samples do not match.");
  const Demeaner dm(fe, max_exact, tol, maxit);
  Rcpp::NumericMatrix fit0(N0, K), fit1(N1, K), v0(N0, H);
  const double* pv = V0.begin();
  const double* pw = W1.begin();
  double* pf0 = fit0.begin();
  double* pf1 = fit1.begin();
  double* pv0 = v0.begin();
  std::vector<int> iters(K + H, 0);
  (void)threads;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
#endif
  for (int k = 0; k < K + H; ++k) {
    Sums a;
    if (k < K) {
      Sums s = level_sums(fe, c0, N0, pv + (size_t)k * N0, fe.w);
      iters[k] = dm.solve_sums(s, a);
      fitted(fe, c0, N0, a, pf0 + (size_t)k * N0);
      fitted(fe, c1, N1, a, pf1 + (size_t)k * N1);
    } else {
      const int h = k - K;
      Sums s = level_sums(fe, c1, N1, pw + (size_t)h * N1, 0);
      iters[k] = dm.solve_sums(s, a);
      fitted(fe, c0, N0, a, pv0 + (size_t)h * N0);
    }
  }
  return Rcpp::List::create(Rcpp::Named("fit0") = fit0, Rcpp::Named("fit1") = fit1,
                            Rcpp::Named("v0") = v0, Rcpp::Named("exact") = dm.exact,
                            Rcpp::Named("iterations") = Rcpp::wrap(iters));
}
