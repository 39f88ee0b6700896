// placebo.cpp -- placebo (randomization-inference) draws of a staggered DID.
//
// The outcome and the controls are demeaned once (in R): r is the residual of
// the demeaned outcome on the demeaned controls X. For a placebo treatment D
// (unit u treated from period index k_u on), Frisch-Waugh-Lovell gives
//   beta = D'W r / (D~'W D~ - c'Q c),   c = X'W D,   Q = (X'W X)^-1,
// where D~ is D minus its projection on the fixed effects. D'W r and c are sums,
// over the treated units, of per-unit suffix sums computed once. D~'W D~ needs
// the projection of D: with unit and time fixed effects it follows from the
// units' period weights and the T x T Schur complement of the time effects in
// O(treated units x T + T^2); with other fixed effects the column is demeaned
// (O(N)). Studentized draws also form D~ and the residuals (O(N)).
//
// Each draw j has its own random stream, a function of (seed, j) only, so the
// draws do not depend on the number of threads or on how they are chunked.
#include "pilotdid.h"
#include <cmath>
#include <memory>
#include <limits>

namespace pilotdid {

typedef Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> RMat;

enum Design { SPACE = 0, TIME = 1, MIXED = 2 };
enum VcovType { IID = 0, HETERO = 1, CLUSTER = 2 };

struct PlaceboState {
  int N, U, T, P;
  std::vector<int> unit, period;      // per row, 0-based
  std::vector<double> w, r;           // weights, residualized outcome
  Mat X;                              // N x P demeaned controls
  Mat Q;                              // P x P (X'WX)^-1
  std::vector<int> cohort;            // actual first-treated period index per unit (T = never)
  std::vector<int> treated;           // units actually treated
  // per unit u, period index k (0..T): suffix sums over rows with period >= k
  RMat SR, SW;                        // U x (T+1), row-major
  Mat SX;                             // P x (U (T+1)), column u*(T+1)+k
  RMat Wut;                           // U x T period weights, row-major
  std::vector<double> n_u;
  bool fast;
  bool balanced;                      // unit x time, every cell once, unit weights
  Mat Sinv;                           // T x T (fast path)
  // generic path
  std::vector<Rcpp::IntegerVector> keep;
  FixedEffects fe;
  std::unique_ptr<Demeaner> dm;
  // design and inference
  int design;
  uint64_t seed;
  bool student;
  int vcov;
  std::vector<int> cluster;
  int G;
  double adj;                          // small-sample factor of the variance
};

// Draw j's assignment: (unit, first treated period index) pairs.
static void assign(const PlaceboState& s, long j, std::vector<int>& idx,
                   std::vector<std::pair<int, int> >& out) {
  out.clear();
  const int n_tr = s.treated.size();
  if (j < 0) {  // the actual assignment
    for (int u : s.treated) out.push_back(std::make_pair(u, s.cohort[u]));
    return;
  }
  Rng rng(s.seed, (uint64_t)j);
  if (s.design == TIME) {
    for (int u : s.treated) out.push_back(std::make_pair(u, 1 + (int)rng.below(s.T - 1)));
    return;
  }
  for (int u = 0; u < s.U; ++u) idx[u] = u;
  for (int a = 0; a < n_tr; ++a) {            // partial Fisher-Yates: random units
    const int b = a + (int)rng.below(s.U - a);
    std::swap(idx[a], idx[b]);
    const int k = s.design == SPACE ? s.cohort[s.treated[a]] : 1 + (int)rng.below(s.T - 1);
    out.push_back(std::make_pair(idx[a], k));
  }
}

// D~'W D~ on the fast path; fills alpha (per unit) and beta (per period) when asked.
// beta (per period) is left in `beta`; alpha (per unit) is filled when asked.
static double fast_dd(const PlaceboState& s, const std::vector<std::pair<int, int> >& a,
                      Vec& rhs, Vec& beta, std::vector<double>* alpha) {
  const int T = s.T;
  rhs.setZero();
  double dwd = 0.0;
  for (const auto& uk : a) {
    const int u = uk.first, k = uk.second;
    const double* wu = s.Wut.data() + (size_t)u * T;
    const double sw = s.SW(u, k), dbar = sw / s.n_u[u];
    dwd += sw;
    for (int t = 0; t < k; ++t) rhs[t] -= wu[t] * dbar;
    for (int t = k; t < T; ++t) rhs[t] += wu[t] * (1.0 - dbar);
  }
  beta.noalias() = s.Sinv * rhs;
  double dwpd = 0.0;
  for (const auto& uk : a) {
    const int u = uk.first, k = uk.second;
    const double* wu = s.Wut.data() + (size_t)u * T;
    double wb_pre = 0.0, wb_post = 0.0;
    for (int t = 0; t < k; ++t) wb_pre += wu[t] * beta[t];
    for (int t = k; t < T; ++t) wb_post += wu[t] * beta[t];
    const double sw = s.SW(u, k);
    dwpd += sw * (sw - wb_pre - wb_post) / s.n_u[u] + wb_post;
  }
  if (alpha) {
    alpha->assign(s.U, 0.0);
    for (int u = 0; u < s.U; ++u) (*alpha)[u] = -s.Wut.row(u).dot(beta) / s.n_u[u];
    for (const auto& uk : a) (*alpha)[uk.first] += s.SW(uk.first, uk.second) / s.n_u[uk.first];
  }
  return dwd - dwpd;
}

// Balanced unweighted unit x time panel: D~ = D - Dbar_u - Dbar_t + Dbar, so
// D~'D~ = sum D - T sum_u Dbar_u^2 - U sum_t Dbar_t^2 + U T Dbar^2, from the
// adoption periods alone in O(treated units + T).
static double balanced_dd(const PlaceboState& s, const std::vector<std::pair<int, int> >& a,
                          std::vector<double>& n_t) {
  const int T = s.T;
  n_t.assign(T + 1, 0.0);
  double sum_d = 0.0, sum_du2 = 0.0;
  for (const auto& uk : a) {
    const double post = T - uk.second;
    sum_d += post;
    sum_du2 += post * post / T;
    n_t[uk.second] += 1.0;                  // units adopting at period k
  }
  double treated = 0.0, sum_dt2 = 0.0;      // n_t becomes units treated by t
  for (int t = 0; t < T; ++t) {
    treated += n_t[t];
    sum_dt2 += treated * treated / s.U;
  }
  return sum_d - sum_du2 - sum_dt2 + sum_d * sum_d / ((double)s.U * T);
}

struct Scratch {
  std::vector<int> idx;
  std::vector<std::pair<int, int> > a;
  std::vector<int> first;             // per unit: first treated period index in this draw
  Vec rhs, beta, c, Qc;
  std::vector<double> alpha, D, Dt, score, n_t;
};

// One draw: estimate and (if studentized) t statistic.
static void one_draw(const PlaceboState& s, long j, Scratch& sc, double& est, double& tstat) {
  assign(s, j, sc.idx, sc.a);
  // visit the placebo-treated units in unit order: the per-unit tables are then
  // read front to back instead of at random (matters when they exceed the cache)
  sc.first.assign(s.U, s.T);
  for (const auto& uk : sc.a) sc.first[uk.first] = uk.second;
  if (s.design != TIME) {
    sc.a.clear();
    for (int u = 0; u < s.U; ++u) if (sc.first[u] < s.T) sc.a.push_back(std::make_pair(u, sc.first[u]));
  }
  double num = 0.0;
  Vec& c = sc.c;
  c.setZero();
  double* pc = c.data();
  for (const auto& uk : sc.a) {
    num += s.SR(uk.first, uk.second);
    const double* sx = s.SX.data() + ((size_t)uk.first * (s.T + 1) + uk.second) * s.P;
    for (int p = 0; p < s.P; ++p) pc[p] += sx[p];
  }
  const bool need_col = s.student || !s.fast;
  if (need_col) {                          // D as a column, per row
    for (int i = 0; i < s.N; ++i) sc.D[i] = s.period[i] >= sc.first[s.unit[i]] ? 1.0 : 0.0;
  }
  double dd;
  if (s.balanced && !s.student) {
    dd = balanced_dd(s, sc.a, sc.n_t);
  } else if (s.fast) {
    dd = fast_dd(s, sc.a, sc.rhs, sc.beta, s.student ? &sc.alpha : nullptr);
    if (s.student) {
      for (int i = 0; i < s.N; ++i) sc.Dt[i] = sc.D[i] - sc.alpha[s.unit[i]] - sc.beta[s.period[i]];
    }
  } else {
    s.dm->apply(sc.D.data(), sc.Dt.data());
    dd = 0.0;
    for (int i = 0; i < s.N; ++i) dd += s.w[i] * sc.D[i] * sc.Dt[i];
  }
  Vec& Qc = sc.Qc;
  if (s.P) Qc.noalias() = s.Q * c;
  const double den = dd - (s.P ? c.dot(Qc) : 0.0);
  est = num / den;
  tstat = std::numeric_limits<double>::quiet_NaN();
  if (!s.student) return;
  // residualized placebo d^ = D~ - X Q c and residuals e = r - est d^
  double meat = 0.0, rss = 0.0;
  if (s.vcov == CLUSTER) std::fill(sc.score.begin(), sc.score.end(), 0.0);
  for (int i = 0; i < s.N; ++i) {
    double dh = sc.Dt[i];
    for (int p = 0; p < s.P; ++p) dh -= s.X(i, p) * Qc[p];
    const double e = s.r[i] - est * dh;
    if (s.vcov == CLUSTER) sc.score[s.cluster[i]] += s.w[i] * dh * e;
    else if (s.vcov == HETERO) meat += (s.w[i] * dh * e) * (s.w[i] * dh * e);
    else rss += s.w[i] * e * e;
  }
  if (s.vcov == CLUSTER) for (int g = 0; g < s.G; ++g) meat += sc.score[g] * sc.score[g];
  const double var = s.vcov == IID ? s.adj * rss / den : s.adj * meat / (den * den);
  tstat = est / std::sqrt(var);
}

static void build_suffix(PlaceboState& s) {
  const int U = s.U, T = s.T, T1 = T + 1;
  s.SR = RMat::Zero(U, T1);
  s.SW = RMat::Zero(U, T1);
  s.SX = Mat::Zero(s.P, (size_t)U * T1);
  s.Wut = RMat::Zero(U, T);
  for (int i = 0; i < s.N; ++i) {               // cell sums first
    const int u = s.unit[i], k = s.period[i];
    s.SR(u, k) += s.w[i] * s.r[i];
    s.SW(u, k) += s.w[i];
    s.Wut(u, k) += s.w[i];
    for (int p = 0; p < s.P; ++p) s.SX(p, (size_t)u * T1 + k) += s.w[i] * s.X(i, p);
  }
  for (int u = 0; u < U; ++u) {                 // then suffix sums, k = T-1 .. 0
    for (int k = T - 1; k >= 0; --k) {
      s.SR(u, k) += s.SR(u, k + 1);
      s.SW(u, k) += s.SW(u, k + 1);
      s.SX.col((size_t)u * T1 + k) += s.SX.col((size_t)u * T1 + k + 1);
    }
  }
  s.n_u.assign(U, 0.0);
  for (int u = 0; u < U; ++u) s.n_u[u] = s.SW(u, 0);
}

static void build_fast(PlaceboState& s) {
  const int T = s.T;
  Mat S = Mat::Zero(T, T);
  for (int t = 0; t < T; ++t) S(t, t) = s.Wut.col(t).sum();
  for (int u = 0; u < s.U; ++u) {
    if (s.n_u[u] <= 0) continue;
    S.noalias() -= s.Wut.row(u).transpose() * s.Wut.row(u) / s.n_u[u];
  }
  s.Sinv = pinv_psd(S);
}

} // namespace pilotdid

// [[Rcpp::export]]
SEXP cpp_placebo_prepare(Rcpp::NumericMatrix X, Rcpp::NumericVector r, Rcpp::NumericVector w,
                         Rcpp::IntegerVector unit, Rcpp::IntegerVector period, int n_units, int n_periods,
                         Rcpp::IntegerVector cohort, Rcpp::NumericMatrix Q, bool fast,
                         Rcpp::List codes, Rcpp::IntegerVector G, int max_exact, double tol, int maxit,
                         int design, double seed, bool student, int vcov, Rcpp::IntegerVector cluster,
                         int n_clusters, double adj) {
  using namespace pilotdid;
  PlaceboState* s = new PlaceboState();
  s->N = r.size();
  s->U = n_units;
  s->T = n_periods;
  s->P = X.ncol();
  s->unit.assign(unit.begin(), unit.end());
  s->period.assign(period.begin(), period.end());
  s->w.assign(w.begin(), w.end());
  s->r.assign(r.begin(), r.end());
  s->X = Rcpp::as<Mat>(X);
  s->Q = Rcpp::as<Mat>(Q);
  s->cohort.assign(cohort.begin(), cohort.end());
  for (int u = 0; u < s->U; ++u) if (s->cohort[u] < s->T) s->treated.push_back(u);
  s->design = design;
  s->seed = (uint64_t)seed;
  s->student = student;
  s->vcov = vcov;
  s->cluster.assign(cluster.begin(), cluster.end());
  s->G = n_clusters;
  s->adj = adj;
  build_suffix(*s);
  s->fast = fast;
  s->balanced = false;
  if (fast) {
    build_fast(*s);
    bool bal = s->N == s->U * s->T;
    for (int i = 0; bal && i < s->N; ++i) bal = s->w[i] == 1.0;
    for (int u = 0; bal && u < s->U; ++u)
      for (int t = 0; bal && t < s->T; ++t) bal = s->Wut(u, t) == 1.0;
    s->balanced = bal;
  } else {
    s->fe = make_fixed_effects(codes, G, w, s->keep);
    s->fe.w = s->w.data();
    s->dm.reset(new Demeaner(s->fe, max_exact, tol, maxit));
  }
  return Rcpp::XPtr<PlaceboState>(s, true);
}

// Draws first .. first + count - 1 (0-based; first = -1 with count = 1 gives the
// actual assignment). Returns a count x 2 matrix: estimate, t statistic.
// [[Rcpp::export]]
Rcpp::NumericMatrix cpp_placebo_draws(SEXP state, double first, int count, int threads) {
  using namespace pilotdid;
  Rcpp::XPtr<PlaceboState> xp(state);
  const PlaceboState& s = *xp;
  std::vector<double> est(count), tst(count);
  (void)threads;
#ifdef _OPENMP
#pragma omp parallel num_threads(threads)
#endif
  {
    Scratch sc;
    sc.idx.resize(s.U);
    sc.rhs.resize(s.T);
    sc.beta.resize(s.T);
    sc.c.resize(s.P);
    sc.Qc.resize(s.P);
    if (s.student || !s.fast) { sc.D.resize(s.N); sc.Dt.resize(s.N); }
    if (s.vcov == CLUSTER) sc.score.resize(s.G);
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
    for (int j = 0; j < count; ++j) one_draw(s, (long)first + j, sc, est[j], tst[j]);
  }
  Rcpp::NumericMatrix out(count, 2);
  for (int j = 0; j < count; ++j) { out(j, 0) = est[j]; out(j, 1) = tst[j]; }
  return out;
}

// Draw j's assignment as a unit x first-period-index table (for tests and checks).
// [[Rcpp::export]]
Rcpp::IntegerMatrix cpp_placebo_assignment(SEXP state, double j) {
  using namespace pilotdid;
  Rcpp::XPtr<PlaceboState> xp(state);
  std::vector<int> idx(xp->U);
  std::vector<std::pair<int, int> > a;
  assign(*xp, (long)j, idx, a);
  Rcpp::IntegerMatrix out(a.size(), 2);
  for (size_t i = 0; i < a.size(); ++i) { out(i, 0) = a[i].first; out(i, 1) = a[i].second; }
  return out;
}
