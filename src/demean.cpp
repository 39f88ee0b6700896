// demean.cpp -- the within transformation: project K columns off Q fixed effects.
//
// Two algorithms, chosen per call:
//  * exact: the largest dimension ("big", G_b levels) is eliminated in closed form
//    and the remaining M = sum of the other dimensions' levels are solved through
//    their dense M x M Schur complement S (pseudo-inverse by eigen-decomposition).
//    Used when Q == 1 (plain group means) or M is small (city + year panels).
//  * alternating projections (Gauss-Seidel sweeps over the dimensions) in the
//    space of fixed-effect coefficients, with Irons-Tuck acceleration, otherwise.
// Columns are processed in parallel; each column's result is independent of the
// thread count.
#include "pilotdid.h"
#include <cmath>
#include <algorithm>

namespace pilotdid {

static std::vector<double> group_weights(const FixedEffects& fe, int q) {
  std::vector<double> d(fe.G[q], 0.0);
  const int* c = fe.code[q];
  for (int i = 0; i < fe.N; ++i) d[c[i]] += fe.w[i];
  return d;
}

// ---- exact path --------------------------------------------------------------
Mat pinv_psd(const Mat& S) {
  Eigen::SelfAdjointEigenSolver<Mat> es(S);
  const Vec& ev = es.eigenvalues();
  const double cut = std::max(ev.cwiseAbs().maxCoeff(), 1e-300) * 1e-10;
  Vec inv_ev(S.rows());
  for (int j = 0; j < S.rows(); ++j) inv_ev[j] = ev[j] > cut ? 1.0 / ev[j] : 0.0;
  return es.eigenvectors() * inv_ev.asDiagonal() * es.eigenvectors().transpose();
}

// z_i: indicators of row i's levels in dimensions 1..Q-1, stacked (length M).
static ExactSolver build_exact(const FixedEffects& fe) {
  ExactSolver ex;
  ex.M = 0;
  ex.offset.assign(fe.Q, 0);
  for (int q = 1; q < fe.Q; ++q) {
    ex.offset[q] = ex.M;
    ex.M += fe.G[q];
  }
  ex.D = group_weights(fe, 0);
  const int M = ex.M;
  if (M == 0) return ex;

  // A = sum_i w_i z_i z_i'
  Mat S = Mat::Zero(M, M);
  for (int i = 0; i < fe.N; ++i) {
    for (int a = 1; a < fe.Q; ++a) {
      int ia = ex.offset[a] + fe.code[a][i];
      for (int b = 1; b < fe.Q; ++b) S(ia, ex.offset[b] + fe.code[b][i]) += fe.w[i];
    }
  }
  // minus sum_g c_g c_g' / D_g, with rows grouped by the big code
  const int Gb = fe.G[0];
  const int* cb = fe.code[0];
  std::vector<int> start(Gb + 1, 0), order(fe.N);
  for (int i = 0; i < fe.N; ++i) ++start[cb[i] + 1];
  for (int g = 0; g < Gb; ++g) start[g + 1] += start[g];
  {
    std::vector<int> pos(start.begin(), start.end() - 1);
    for (int i = 0; i < fe.N; ++i) order[pos[cb[i]]++] = i;
  }
  std::vector<double> acc(M, 0.0);
  std::vector<int> touched;
  touched.reserve(64);
  for (int g = 0; g < Gb; ++g) {
    if (ex.D[g] <= 0) continue;
    touched.clear();
    for (int k = start[g]; k < start[g + 1]; ++k) {
      int i = order[k];
      for (int a = 1; a < fe.Q; ++a) {
        int ia = ex.offset[a] + fe.code[a][i];
        if (acc[ia] == 0.0) touched.push_back(ia);
        acc[ia] += fe.w[i];
      }
    }
    const double inv = 1.0 / ex.D[g];
    for (size_t a = 0; a < touched.size(); ++a) {
      const double ca = acc[touched[a]] * inv;
      for (size_t b = 0; b < touched.size(); ++b) {
        S(touched[a], touched[b]) -= ca * acc[touched[b]];
      }
    }
    for (size_t a = 0; a < touched.size(); ++a) acc[touched[a]] = 0.0;
  }
  ex.Sinv = pinv_psd(S);
  return ex;
}

static void demean_exact(const FixedEffects& fe, const ExactSolver& ex, const double* v, double* out) {
  const int N = fe.N, M = ex.M;
  const int* cb = fe.code[0];
  std::vector<double> mean(fe.G[0], 0.0);
  for (int i = 0; i < N; ++i) mean[cb[i]] += fe.w[i] * v[i];
  for (size_t g = 0; g < mean.size(); ++g) if (ex.D[g] > 0) mean[g] /= ex.D[g];
  if (M == 0) {
    for (int i = 0; i < N; ++i) out[i] = v[i] - mean[cb[i]];
    return;
  }
  Vec rhs = Vec::Zero(M);
  for (int i = 0; i < N; ++i) {
    const double r = fe.w[i] * (v[i] - mean[cb[i]]);
    for (int a = 1; a < fe.Q; ++a) rhs[ex.offset[a] + fe.code[a][i]] += r;
  }
  Vec beta = ex.Sinv * rhs;
  // alpha_g = mean_g - (sum_{i in g} w_i z_i'beta) / D_g; out = v - alpha - z'beta
  std::vector<double> zb_sum(fe.G[0], 0.0);
  for (int i = 0; i < N; ++i) {
    double zb = 0.0;
    for (int a = 1; a < fe.Q; ++a) zb += beta[ex.offset[a] + fe.code[a][i]];
    out[i] = zb;                       // stash z'beta
    zb_sum[cb[i]] += fe.w[i] * zb;
  }
  for (size_t g = 0; g < mean.size(); ++g) if (ex.D[g] > 0) mean[g] -= zb_sum[g] / ex.D[g];
  for (int i = 0; i < N; ++i) out[i] = v[i] - mean[cb[i]] - out[i];
}

// ---- alternating projections ---------------------------------------------------
// Coefficients of dimensions 1..Q-1 are the state x; dimension 0 is solved
// implicitly in every sweep. One sweep F(x): alpha_0 from v - rest, then each
// dimension q >= 1 in turn from v minus all the others (Gauss-Seidel).
static double others_sum(const FixedEffects& fe, const std::vector<std::vector<double> >& a, int skip, int i) {
  double s = 0.0;
  for (int q = 0; q < fe.Q; ++q) if (q != skip) s += a[q][fe.code[q][i]];
  return s;
}

// The right-hand side is Z'Wv for an observation vector v, or given level sums
// s (Z's = s, one vector per dimension) when v is null.
static void sweep(const FixedEffects& fe, const MapState& st, const double* v, const Sums* s,
                  std::vector<std::vector<double> >& a, std::vector<double>& tmp) {
  for (int q = 0; q < fe.Q; ++q) {
    tmp.assign(fe.G[q], 0.0);
    const int* c = fe.code[q];
    if (v) {
      for (int i = 0; i < fe.N; ++i) tmp[c[i]] += fe.w[i] * (v[i] - others_sum(fe, a, q, i));
    } else {
      for (int i = 0; i < fe.N; ++i) tmp[c[i]] -= fe.w[i] * others_sum(fe, a, q, i);
      for (int g = 0; g < fe.G[q]; ++g) tmp[g] += (*s)[q][g];
    }
    for (int g = 0; g < fe.G[q]; ++g) a[q][g] = st.D[q][g] > 0 ? tmp[g] / st.D[q][g] : 0.0;
  }
}

static void pack(const MapState& st, const std::vector<std::vector<double> >& a, Vec& x) {
  for (size_t q = 1; q < a.size(); ++q)
    for (size_t g = 0; g < a[q].size(); ++g) x[st.off[q] + g] = a[q][g];
}
static void unpack(const MapState& st, const Vec& x, std::vector<std::vector<double> >& a) {
  for (size_t q = 1; q < a.size(); ++q)
    for (size_t g = 0; g < a[q].size(); ++g) a[q][g] = x[st.off[q] + g];
}

// Accelerated sweeps until the coefficients settle; `a` holds the coefficients
// of every dimension after a last plain sweep. Returns iterations used
// (negative when not converged).
static int iterate_map(const FixedEffects& fe, const MapState& st, const double* v, const Sums* s,
                       std::vector<std::vector<double> >& a, double tol, int maxit) {
  a.assign(fe.Q, std::vector<double>());
  for (int q = 0; q < fe.Q; ++q) a[q].assign(fe.G[q], 0.0);
  std::vector<double> tmp;
  Vec X = Vec::Zero(st.len), GX(st.len), GGX(st.len);
  int it = 0;
  bool conv = false;
  for (; it < maxit && !conv; ++it) {
    unpack(st, X, a);  sweep(fe, st, v, s, a, tmp);  pack(st, a, GX);
    sweep(fe, st, v, s, a, tmp);  pack(st, a, GGX);
    Vec dGX = GGX - GX;
    Vec d2 = dGX - GX + X;
    const double ssq = d2.squaredNorm();
    Vec Xn = ssq > 0 ? Vec(GGX - (dGX.dot(d2) / ssq) * dGX) : GGX;
    double crit = 0.0;
    for (int j = 0; j < st.len; ++j) {
      crit = std::max(crit, std::fabs(Xn[j] - X[j]) / (0.1 + std::fabs(X[j])));
    }
    conv = crit <= tol;
    X = Xn;
  }
  unpack(st, X, a);
  sweep(fe, st, v, s, a, tmp);   // one last plain sweep: a consistent alpha_0
  return conv ? it : -it;
}

static int demean_map(const FixedEffects& fe, const MapState& st, const double* v, double* out,
                      double tol, int maxit) {
  std::vector<std::vector<double> > a;
  const int it = iterate_map(fe, st, v, 0, a, tol, maxit);
  for (int i = 0; i < fe.N; ++i) out[i] = v[i] - others_sum(fe, a, -1, i);
  return it;
}

// Coefficients solving Z'WZ a = s on the exact path (same steps as
// demean_exact, with the level sums given instead of computed from v).
static void solve_exact_sums(const FixedEffects& fe, const ExactSolver& ex, const Sums& s,
                             std::vector<std::vector<double> >& a) {
  const int N = fe.N, M = ex.M;
  const int* cb = fe.code[0];
  a.assign(fe.Q, std::vector<double>());
  for (int q = 0; q < fe.Q; ++q) a[q].assign(fe.G[q], 0.0);
  std::vector<double>& mean = a[0];
  for (int g = 0; g < fe.G[0]; ++g) mean[g] = ex.D[g] > 0 ? s[0][g] / ex.D[g] : 0.0;
  if (M == 0) return;
  Vec rhs(M);
  for (int q = 1; q < fe.Q; ++q)
    for (int g = 0; g < fe.G[q]; ++g) rhs[ex.offset[q] + g] = s[q][g];
  for (int i = 0; i < N; ++i) {
    const double r = fe.w[i] * mean[cb[i]];
    for (int q = 1; q < fe.Q; ++q) rhs[ex.offset[q] + fe.code[q][i]] -= r;
  }
  Vec beta = ex.Sinv * rhs;
  std::vector<double> zb_sum(fe.G[0], 0.0);
  for (int i = 0; i < N; ++i) {
    double zb = 0.0;
    for (int q = 1; q < fe.Q; ++q) zb += beta[ex.offset[q] + fe.code[q][i]];
    zb_sum[cb[i]] += fe.w[i] * zb;
  }
  for (int g = 0; g < fe.G[0]; ++g) if (ex.D[g] > 0) mean[g] -= zb_sum[g] / ex.D[g];
  for (int q = 1; q < fe.Q; ++q)
    for (int g = 0; g < fe.G[q]; ++g) a[q][g] = beta[ex.offset[q] + g];
}

Demeaner::Demeaner(const FixedEffects& fe, int max_exact, double tol, int maxit)
    : fe_(fe), tol_(tol), maxit_(maxit) {
  int M = 0;
  for (int q = 1; q < fe.Q; ++q) M += fe.G[q];
  exact = M <= max_exact;
  if (exact) {
    ex_ = build_exact(fe);
  } else {
    st_.len = 0;
    st_.off.assign(fe.Q, 0);
    for (int q = 0; q < fe.Q; ++q) {
      st_.D.push_back(group_weights(fe, q));
      if (q >= 1) { st_.off[q] = st_.len; st_.len += fe.G[q]; }
    }
  }
}

int Demeaner::apply(const double* v, double* out) const {
  if (exact) { demean_exact(fe_, ex_, v, out); return 0; }
  return demean_map(fe_, st_, v, out, tol_, maxit_);
}

int Demeaner::solve_sums(const Sums& s, std::vector<std::vector<double> >& coef) const {
  if (exact) { solve_exact_sums(fe_, ex_, s, coef); return 0; }
  return iterate_map(fe_, st_, 0, &s, coef, tol_, maxit_);
}

// Largest dimension first (the one eliminated implicitly); `keep` holds the
// R vectors the pointers refer to. Called from export wrappers only.
FixedEffects make_fixed_effects(Rcpp::List codes, Rcpp::IntegerVector G, Rcpp::NumericVector w,
                                std::vector<Rcpp::IntegerVector>& keep, std::vector<int>* order) {
  FixedEffects fe;
  fe.N = w.size();
  fe.Q = codes.size();
  fe.w = w.begin();
  std::vector<int> ord(fe.Q);
  for (int q = 0; q < fe.Q; ++q) ord[q] = q;
  std::stable_sort(ord.begin(), ord.end(), [&](int a, int b) { return G[a] > G[b]; });
  if (order) *order = ord;
  keep.clear();
  for (int q = 0; q < fe.Q; ++q) keep.push_back(Rcpp::as<Rcpp::IntegerVector>(codes[ord[q]]));
  for (int q = 0; q < fe.Q; ++q) {
    fe.code.push_back(keep[q].begin());
    fe.G.push_back(G[ord[q]]);
  }
  return fe;
}

} // namespace pilotdid

// [[Rcpp::export]]
Rcpp::List cpp_demean(Rcpp::NumericMatrix X, Rcpp::NumericVector y, Rcpp::List codes,
                      Rcpp::IntegerVector G, Rcpp::NumericVector w, int max_exact, double tol,
                      int maxit, int threads) {
  using namespace pilotdid;
  std::vector<Rcpp::IntegerVector> keep;
  FixedEffects fe = make_fixed_effects(codes, G, w, keep);
  const Demeaner dm(fe, max_exact, tol, maxit);
  // columns: those of X, then y
  const int P = X.ncol(), K = P + 1, N = fe.N;
  Rcpp::NumericMatrix outX(N, P);
  Rcpp::NumericVector outy(N);
  std::vector<const double*> in(K);
  std::vector<double*> out(K);
  for (int k = 0; k < P; ++k) { in[k] = X.begin() + (size_t)k * N; out[k] = outX.begin() + (size_t)k * N; }
  in[P] = y.begin();
  out[P] = outy.begin();
  std::vector<int> iters(K, 0);
  // weighted uncentred sums of squares of the raw regressors (collinearity scale)
  Rcpp::NumericVector ss(P);
  double* pss = ss.begin();
  (void)threads;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
#endif
  for (int k = 0; k < K; ++k) {
    iters[k] = dm.apply(in[k], out[k]);
    if (k < P) {
      double s = 0.0;
      for (int i = 0; i < N; ++i) s += fe.w[i] * in[k][i] * in[k][i];
      pss[k] = s;
    }
  }
  return Rcpp::List::create(Rcpp::Named("X") = outX,
                            Rcpp::Named("y") = outy,
                            Rcpp::Named("ss") = ss,
                            Rcpp::Named("exact") = dm.exact,
                            Rcpp::Named("iterations") = Rcpp::wrap(iters));
}
