// resample.cpp -- permutation and cluster-bootstrap draws of fixed-effects
// regressions from per-unit sufficient statistics: heterogeneity()'s Fisher
// permutation test (group labels reshuffled across units, one regression per
// group) and mechanism()'s cluster bootstrap (clusters drawn with replacement,
// each copy of a unit its own unit effect).
//
// Z = [y, X] (m columns). The first fixed effect is the unit; the others
// (levels l, indicator rows D_i) are shared by all units of a regression.
// Frisch-Waugh-Lovell with the unit effects eliminated in closed form gives,
// for any multiset of units with weights c_u (0/1 for a group, bootstrap
// counts),
//   Z'MZ = sum_u c_u A_u - B C^+ B',   B = sum_u c_u B_u,   C = sum_u c_u C_u,
//   A_u = Zc_u'W Zc_u,   B_u = Zc_u'W D_u,   C_u = D_u'W D_u - d_u d_u' / W_u,
// with Zc_u the unit-demeaned Z, d_u = D_u'W 1 and W_u the unit's weight. A
// unit only touches the levels of its own rows, and C is block-diagonal over
// the connected components of the levels (two levels are linked when a unit
// touches both): province^year levels form one 14-level block per province
// (years nested in them are dropped in R as redundant), unit + year one block
// of T levels. A draw is a weighted sum of per-unit statistics and one small
// pseudo-inverse per block, with no pass over the data.
//
// Draw j uses the stream Rng(seed, j) only, so draws do not depend on the
// number of threads or on the chunking.
#include "pilotdid.h"
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace pilotdid {

struct UnitStats {
  int U, m, n_comp;
  std::vector<double> A;      // m*m per unit
  std::vector<double> raw;    // m per unit: raw weighted sums of squares of Z
  std::vector<int> comp;      // component of the unit's levels (-1: none)
  std::vector<int> start;     // levels of unit u: start[u] .. start[u+1]-1
  std::vector<int> lev;       // component-local index of each touched level
  std::vector<double> B;      // m per touched level
  std::vector<long> cstart;   // offset of C_u (t_u x t_u, column-major)
  std::vector<double> C;
  std::vector<int> L;         // levels per component
};

enum Kind { PERMUTATION = 0, BOOTSTRAP = 1 };

struct ResampleState {
  UnitStats st;
  int kind;
  uint64_t seed;
  std::vector<int> group;     // permutation: group (0..K-1) of each unit
  int K;
  int target;                 // permutation: Z column of the reported coefficient
  std::vector<int> cluster;   // bootstrap: cluster (0..Gc-1) of each unit
  int Gc;
  int jt, jm;                 // bootstrap: Z columns of treatment and mediator
  double tol;
};

static int find_root(std::vector<int>& parent, int a) {
  while (parent[a] != a) { parent[a] = parent[parent[a]]; a = parent[a]; }
  return a;
}

// Per-unit statistics from Z (N x m), weights, unit codes and the codes of the
// other fixed effects (levels numbered consecutively across dimensions).
static void build_stats(UnitStats& s, const MapMat& Z, const double* w, const int* unit, int U,
                        const std::vector<const int*>& lv, int n_lev) {
  const int N = Z.rows(), m = Z.cols(), R = lv.size();
  s.U = U;
  s.m = m;
  std::vector<double> Wu(U, 0.0);
  Mat mean = Mat::Zero(m, U);
  for (int i = 0; i < N; ++i) {
    Wu[unit[i]] += w[i];
    mean.col(unit[i]) += w[i] * Z.row(i).transpose();
  }
  for (int u = 0; u < U; ++u) if (Wu[u] > 0) mean.col(u) /= Wu[u];
  // levels touched by each unit, and the components of the level graph
  std::vector<std::vector<int> > touched(U);
  for (int i = 0; i < N; ++i) for (int r = 0; r < R; ++r) touched[unit[i]].push_back(lv[r][i]);
  std::vector<int> parent(n_lev);
  std::iota(parent.begin(), parent.end(), 0);
  for (int u = 0; u < U; ++u) {
    std::vector<int>& t = touched[u];
    std::sort(t.begin(), t.end());
    t.erase(std::unique(t.begin(), t.end()), t.end());
    for (size_t a = 1; a < t.size(); ++a) parent[find_root(parent, t[a])] = find_root(parent, t[0]);
  }
  std::vector<int> comp_of(n_lev, -1), local(n_lev, -1);
  std::vector<char> used(n_lev, 0);
  for (int u = 0; u < U; ++u) for (int l : touched[u]) used[l] = 1;
  s.n_comp = 0;
  std::vector<int> root_comp(n_lev, -1);
  for (int l = 0; l < n_lev; ++l) {
    if (!used[l]) continue;
    const int r = find_root(parent, l);
    if (root_comp[r] < 0) { root_comp[r] = s.n_comp++; s.L.push_back(0); }
    comp_of[l] = root_comp[r];
    local[l] = s.L[comp_of[l]]++;
  }
  s.start.assign(U + 1, 0);
  s.cstart.assign(U + 1, 0);
  s.comp.assign(U, -1);
  for (int u = 0; u < U; ++u) {
    const int t = touched[u].size();
    s.start[u + 1] = s.start[u] + t;
    s.cstart[u + 1] = s.cstart[u] + (long)t * t;
    if (t) s.comp[u] = comp_of[touched[u][0]];
  }
  s.lev.resize(s.start[U]);
  for (int u = 0; u < U; ++u)
    for (size_t a = 0; a < touched[u].size(); ++a) s.lev[s.start[u] + a] = local[touched[u][a]];
  s.A.assign((size_t)U * m * m, 0.0);
  s.raw.assign((size_t)U * m, 0.0);
  s.B.assign((size_t)s.start[U] * m, 0.0);
  s.C.assign(s.cstart[U], 0.0);
  std::vector<double> d(s.start[U], 0.0);
  std::vector<int> pos(R);
  Vec zc(m);
  for (int i = 0; i < N; ++i) {
    const int u = unit[i];
    const int t = s.start[u + 1] - s.start[u];
    zc = Z.row(i).transpose() - mean.col(u);
    double* A = &s.A[(size_t)u * m * m];
    for (int b = 0; b < m; ++b) for (int a = 0; a < m; ++a) A[a + b * m] += w[i] * zc[a] * zc[b];
    for (int a = 0; a < m; ++a) s.raw[(size_t)u * m + a] += w[i] * Z(i, a) * Z(i, a);
    const std::vector<int>& tu = touched[u];
    for (int r = 0; r < R; ++r) {
      pos[r] = std::lower_bound(tu.begin(), tu.end(), lv[r][i]) - tu.begin();
      d[s.start[u] + pos[r]] += w[i];
      double* Bl = &s.B[(size_t)(s.start[u] + pos[r]) * m];
      for (int a = 0; a < m; ++a) Bl[a] += w[i] * zc[a];
    }
    double* C = &s.C[s.cstart[u]];
    for (int r = 0; r < R; ++r) for (int q = 0; q < R; ++q) C[pos[r] + pos[q] * t] += w[i];
  }
  for (int u = 0; u < U; ++u) {
    const int t = s.start[u + 1] - s.start[u];
    if (!t || !(Wu[u] > 0)) continue;
    double* C = &s.C[s.cstart[u]];
    const double* du = &d[s.start[u]];
    for (int b = 0; b < t; ++b) for (int a = 0; a < t; ++a) C[a + b * t] -= du[a] * du[b] / Wu[u];
  }
}

// Sums of per-unit statistics for one regression.
struct Acc {
  Mat A;
  Vec raw;
  std::vector<Mat> B, C;
  std::vector<char> used;
  void init(const UnitStats& s) {
    A = Mat::Zero(s.m, s.m);
    raw = Vec::Zero(s.m);
    B.resize(s.n_comp);
    C.resize(s.n_comp);
    used.assign(s.n_comp, 0);
  }
  void reset(const UnitStats& s) {
    A.setZero();
    raw.setZero();
    for (int k = 0; k < s.n_comp; ++k) {
      if (!used[k]) continue;
      B[k].setZero();
      C[k].setZero();
      used[k] = 0;
    }
  }
  void add(const UnitStats& s, int u, double c) {
    const int m = s.m;
    A += c * MapMat(const_cast<double*>(&s.A[(size_t)u * m * m]), m, m);
    raw += c * MapVec(const_cast<double*>(&s.raw[(size_t)u * m]), m);
    const int k = s.comp[u];
    if (k < 0) return;
    if (B[k].size() == 0) { B[k] = Mat::Zero(m, s.L[k]); C[k] = Mat::Zero(s.L[k], s.L[k]); }
    used[k] = 1;
    const int b0 = s.start[u], t = s.start[u + 1] - b0;
    const double* Cu = &s.C[s.cstart[u]];
    const int l0 = t ? s.lev[b0] : 0;
    if (t && s.lev[b0 + t - 1] - l0 == t - 1) {  // consecutive levels (every balanced panel): block sums
      B[k].middleCols(l0, t) += c * MapMat(const_cast<double*>(&s.B[(size_t)b0 * m]), m, t);
      C[k].block(l0, l0, t, t) += c * MapMat(const_cast<double*>(Cu), t, t);
      return;
    }
    for (int b = 0; b < t; ++b) {
      const int lb = s.lev[b0 + b];
      B[k].col(lb) += c * MapVec(const_cast<double*>(&s.B[(size_t)(b0 + b) * m]), m);
      for (int a = 0; a < t; ++a) C[k](s.lev[b0 + a], lb) += c * Cu[a + b * t];
    }
  }
  // Z'MZ: A - B C^+ B' over the components used.
  Mat crossprod(const UnitStats& s) const {
    Mat S = A;
    for (int k = 0; k < s.n_comp; ++k) {
      if (!used[k]) continue;
      std::vector<int> act;
      for (int l = 0; l < s.L[k]; ++l) if (C[k](l, l) > 0) act.push_back(l);
      const int n = act.size();
      if (!n) continue;
      Mat Ck(n, n), Bk(s.m, n);
      for (int b = 0; b < n; ++b) {
        Bk.col(b) = B[k].col(act[b]);
        for (int a = 0; a < n; ++a) Ck(a, b) = C[k](act[a], act[b]);
      }
      // one level per component is implied by the unit effects: drop the first
      // and solve by Cholesky; the pseudo-inverse when the rest is singular too
      bool done = false;
      if (n > 1) {
        Eigen::LLT<Mat> ch(Ck.bottomRightCorner(n - 1, n - 1));
        if (ch.info() == Eigen::Success) {
          const Mat& Lm = ch.matrixLLT();
          const double dmax = Ck.diagonal().tail(n - 1).maxCoeff();
          const double pmin = Lm.diagonal().cwiseAbs2().minCoeff();
          if (pmin > 1e-12 * dmax) {
            Mat Bt = Bk.rightCols(n - 1).transpose();
            S.noalias() -= Bk.rightCols(n - 1) * ch.solve(Bt);
            done = true;
          }
        }
      }
      if (!done) {
        Eigen::SelfAdjointEigenSolver<Mat> es(Ck);
        const Vec& ev = es.eigenvalues();
        const double vmax = ev.maxCoeff();
        Mat P = Bk * es.eigenvectors();
        for (int a = 0; a < n; ++a) {
          if (ev[a] > 1e-10 * vmax) S.noalias() -= P.col(a) * P.col(a).transpose() / ev[a];
        }
      }
    }
    return S;
  }
};

// Coefficient of Z column `target` in the regression of column `dep` on
// columns `regs` (in order, dropping collinear ones as cpp_ols() does); NaN
// when it is dropped.
static double coef_of(const Mat& S, const Vec& raw, int dep, const std::vector<int>& regs, int target,
                      double tol) {
  std::vector<int> kept;
  Mat L;
  seq_cholesky(S, regs, raw.data(), tol, kept, L);
  int pos = -1;
  for (size_t a = 0; a < kept.size(); ++a) if (regs[kept[a]] == target) pos = a;
  if (pos < 0) return std::numeric_limits<double>::quiet_NaN();
  const int P = kept.size();
  Vec rhs(P);
  for (int a = 0; a < P; ++a) rhs[a] = S(regs[kept[a]], dep);
  L.triangularView<Eigen::Lower>().solveInPlace(rhs);
  L.transpose().triangularView<Eigen::Upper>().solveInPlace(rhs);
  return rhs[pos];
}

// Draw j's group of every unit (permutation) or cluster drawn at each of the
// Gc positions (bootstrap); j < 0 is the actual sample.
static void perm_assign(const ResampleState& s, long j, std::vector<int>& g) {
  g = s.group;
  if (j < 0) return;
  Rng rng(s.seed, (uint64_t)j);
  for (int a = (int)g.size() - 1; a > 0; --a) std::swap(g[a], g[(int)rng.below(a + 1)]);
}

static void boot_assign(const ResampleState& s, long j, std::vector<int>& drawn) {
  drawn.resize(s.Gc);
  if (j < 0) { std::iota(drawn.begin(), drawn.end(), 0); return; }
  Rng rng(s.seed, (uint64_t)j);
  for (int a = 0; a < s.Gc; ++a) drawn[a] = (int)rng.below(s.Gc);
}

struct Scratch {
  std::vector<Acc> acc;
  std::vector<int> idx;
  std::vector<double> cnt;
};

static void perm_draw(const ResampleState& s, long j, Scratch& sc, double* out, int stride) {
  const UnitStats& st = s.st;
  perm_assign(s, j, sc.idx);
  for (int k = 0; k < s.K; ++k) sc.acc[k].reset(st);
  for (int u = 0; u < st.U; ++u) sc.acc[sc.idx[u]].add(st, u, 1.0);
  std::vector<int> regs(st.m - 1);
  std::iota(regs.begin(), regs.end(), 1);
  for (int k = 0; k < s.K; ++k) {
    const Mat S = sc.acc[k].crossprod(st);
    out[k * stride] = coef_of(S, sc.acc[k].raw, 0, regs, s.target, s.tol);
  }
}

static void boot_draw(const ResampleState& s, long j, Scratch& sc, double* out, int stride) {
  const UnitStats& st = s.st;
  boot_assign(s, j, sc.idx);
  sc.cnt.assign(s.Gc, 0.0);
  for (int c : sc.idx) sc.cnt[c] += 1.0;
  Acc& acc = sc.acc[0];
  acc.reset(st);
  for (int u = 0; u < st.U; ++u) if (sc.cnt[s.cluster[u]] > 0) acc.add(st, u, sc.cnt[s.cluster[u]]);
  const Mat S = acc.crossprod(st);
  std::vector<int> regs, regs_a;
  for (int a = 1; a < st.m; ++a) {
    regs.push_back(a);
    if (a != s.jm) regs_a.push_back(a);
  }
  const double b = coef_of(S, acc.raw, 0, regs, s.jm, s.tol);
  const double a = coef_of(S, acc.raw, s.jm, regs_a, s.jt, s.tol);
  out[0] = a * b;
  out[stride] = a;
  out[2 * stride] = b;
}

} // namespace pilotdid

// State of the draws: per-unit statistics of Z (y then the regressors) with
// unit codes `unit` (0..U-1) and the other fixed effects' codes `levels`
// (numbered consecutively across dimensions, n_levels in all); kind 0
// (permutation: `group` per unit, coefficient of Z column `target`) or 1
// (bootstrap: `cluster` per unit, Gc clusters, Z columns jt and jm; 0-based).
// [[Rcpp::export]]
SEXP cpp_resample_prepare(Rcpp::NumericMatrix Zr, Rcpp::NumericVector w, Rcpp::IntegerVector unit, int U,
                          Rcpp::List levels, int n_levels, int kind, double seed,
                          Rcpp::IntegerVector group, int target, Rcpp::IntegerVector cluster, int Gc,
                          int jt, int jm, double tol) {
  using namespace pilotdid;
  ResampleState* s = new ResampleState();
  MapMat Z(Zr.begin(), Zr.nrow(), Zr.ncol());
  std::vector<const int*> lv;
  std::vector<Rcpp::IntegerVector> keep;
  for (int r = 0; r < levels.size(); ++r) {
    keep.push_back(Rcpp::as<Rcpp::IntegerVector>(levels[r]));
    lv.push_back(keep.back().begin());
  }
  build_stats(s->st, Z, w.begin(), unit.begin(), U, lv, n_levels);
  s->kind = kind;
  s->seed = (uint64_t)seed;
  s->group.assign(group.begin(), group.end());
  s->K = s->group.empty() ? 0 : *std::max_element(s->group.begin(), s->group.end()) + 1;
  s->target = target;
  s->cluster.assign(cluster.begin(), cluster.end());
  s->Gc = Gc;
  s->jt = jt;
  s->jm = jm;
  s->tol = tol;
  return Rcpp::XPtr<ResampleState>(s, true);
}

// Draws first .. first + count - 1 (first = -1, count = 1: the actual sample).
// Permutation: count x K group coefficients; bootstrap: count x 3 (a*b, a, b).
// [[Rcpp::export]]
Rcpp::NumericMatrix cpp_resample_draws(SEXP state, double first, int count, int threads) {
  using namespace pilotdid;
  Rcpp::XPtr<ResampleState> xp(state);
  const ResampleState& s = *xp;
  const int cols = s.kind == PERMUTATION ? s.K : 3;
  Rcpp::NumericMatrix out(count, cols);
  double* o = out.begin();
  auto make = [&s]() {
    Scratch sc;
    sc.acc.resize(s.kind == PERMUTATION ? s.K : 1);
    for (Acc& a : sc.acc) a.init(s.st);
    return sc;
  };
  for_each_draw(count, threads, make, [&](Scratch& sc, int j) {
    if (s.kind == PERMUTATION) perm_draw(s, (long)first + j, sc, o + j, count);
    else boot_draw(s, (long)first + j, sc, o + j, count);
  });
  return out;
}

// Resamples of draws first .. first + count - 1 as columns: the group of each
// unit (permutation) or the clusters drawn, 0-based (bootstrap). The refit
// path and the tests rebuild the same samples from them.
// [[Rcpp::export]]
Rcpp::IntegerMatrix cpp_resample_assign(SEXP state, double first, int count) {
  using namespace pilotdid;
  Rcpp::XPtr<ResampleState> xp(state);
  const ResampleState& s = *xp;
  const int rows = s.kind == PERMUTATION ? (int)s.group.size() : s.Gc;
  Rcpp::IntegerMatrix out(rows, count);
  std::vector<int> v;
  for (int j = 0; j < count; ++j) {
    if (s.kind == PERMUTATION) perm_assign(s, (long)first + j, v);
    else boot_assign(s, (long)first + j, v);
    std::copy(v.begin(), v.end(), out.begin() + (size_t)j * rows);
  }
  return out;
}

// Z'MZ and raw sums of squares for units weighted by c (tests and checks).
// [[Rcpp::export]]
Rcpp::List cpp_resample_crossprod(SEXP state, Rcpp::NumericVector c) {
  using namespace pilotdid;
  Rcpp::XPtr<ResampleState> xp(state);
  const UnitStats& st = xp->st;
  Acc acc;
  acc.init(st);
  for (int u = 0; u < st.U; ++u) if (c[u] != 0) acc.add(st, u, c[u]);
  return Rcpp::List::create(Rcpp::Named("S") = Rcpp::wrap(acc.crossprod(st)),
                            Rcpp::Named("raw") = Rcpp::wrap(acc.raw),
                            Rcpp::Named("components") = st.n_comp);
}

// Sizes of the fast path: levels per component, stored per-unit entries.
// [[Rcpp::export]]
Rcpp::List cpp_resample_info(SEXP state) {
  using namespace pilotdid;
  Rcpp::XPtr<ResampleState> xp(state);
  const UnitStats& st = xp->st;
  return Rcpp::List::create(Rcpp::Named("levels") = Rcpp::wrap(st.L),
                            Rcpp::Named("entries") = (double)(st.A.size() + st.B.size() + st.C.size()));
}
