// synth.cpp -- synthetic difference-in-differences (Arkhangelsky et al. 2021).
//
// Conventions: U units x T periods in a dense outcome matrix Y (row = unit);
// cohort[u] = index of unit u's first treated period (T = never treated).
// A block fit works on a sub-panel whose first N0 rows are controls and last
// N1 rows treated, with T0 pre-treatment periods, as synthdid's
// synthdid_estimate(): unit weights omega and time weights lambda from
// regularised simplex-constrained least squares on the collapsed panel,
// solved by synthdid's Frank-Wolfe iterations with exact line search and its
// stopping rule (stop when an iteration lowers the objective by less than
// min_decrease^2, or after max_iter iterations), including its two rounds
// (100 iterations, sparsify, then up to max_iter).
//
// The Frank-Wolfe gradient A'(Ax - b) + eta x is kept up to date in O(k) per
// iteration from cached columns of A'A (computed when a vertex is first
// visited), instead of synthdid's O(nk) recomputation.
//
// Draws (placebo, bootstrap, jackknife) each use their own random stream, a
// function of (seed, draw index) only, so they do not depend on threads.
#include "pilotdid.h"
#include <cmath>
#include <limits>
#include <algorithm>

namespace pilotdid {

namespace {

const double NA = std::numeric_limits<double>::quiet_NaN();

}  // namespace

enum SynthMethod { SDID = 0, SC = 1, DID = 2 };
enum SynthDraw { PLACEBO = 0, BOOTSTRAP = 1, JACKKNIFE = 2 };

// Frank-Wolfe for min zeta2 |x|^2 + |Ax - b|^2 / n over the unit simplex
// (synthdid's sc.weight.fw after centring), started at x.
struct FwSolver {
  const Mat& A;
  const Vec& b;
  double zeta2, eta;
  Vec Ax, Atb, AtAx;
  std::vector<Vec> G;                 // cached columns of A'A
  std::vector<char> has;
  FwSolver(const Mat& A_, const Vec& b_, double zeta2_)
      : A(A_), b(b_), zeta2(zeta2_), eta(A_.rows() * zeta2_), G(A_.cols()), has(A_.cols(), 0) {
    Atb.noalias() = A.transpose() * b;
  }
  const Vec& col(int i) {
    if (!has[i]) { G[i].noalias() = A.transpose() * A.col(i); has[i] = 1; }
    return G[i];
  }
  double value(const Vec& x) const { return zeta2 * x.squaredNorm() + (Ax - b).squaredNorm() / A.rows(); }
  // runs up to max_iter iterations; returns the number run. Two fused passes
  // over the k weights per iteration: gradient, its minimum, g'x and |x|^2;
  // then the update of x and A'Ax.
  int run(Vec& x, double min_decrease, int max_iter) {
    const int k = A.cols();
    Ax.noalias() = A * x;
    AtAx.noalias() = A.transpose() * Ax;
    double* px = x.data();
    double* pa = AtAx.data();
    const double* pb = Atb.data();
    double prev = NA, cur = NA;
    int t = 0;
    const double md2 = min_decrease * min_decrease;
    while (t < max_iter && (t < 2 || prev - cur > md2)) {
      ++t;
      int i = 0;
      double gmin = std::numeric_limits<double>::infinity(), gx = 0.0, xx = 0.0;
      for (int j = 0; j < k; ++j) {
        const double g = pa[j] - pb[j] + eta * px[j];
        if (g < gmin) { gmin = g; i = j; }
        gx += g * px[j];
        xx += px[j] * px[j];
      }
      if (!(px[i] == 1.0 && xx == 1.0)) {      // not already at vertex i
        // d = e_i - x: g'd = g_i - g'x, |d|^2 = |x|^2 - 2 x_i + 1
        const double dd = xx - 2.0 * px[i] + 1.0;
        const double de = (A.col(i) - Ax).squaredNorm();
        double step = -(gmin - gx) / (de + eta * dd);
        step = std::min(1.0, std::max(0.0, step));
        const Vec& Gi = col(i);
        const double* pg = Gi.data();
        const double c = 1.0 - step;
        for (int j = 0; j < k; ++j) {
          px[j] *= c;
          pa[j] = c * pa[j] + step * pg[j];
        }
        px[i] += step;
        Ax = c * Ax + step * A.col(i);
        xx = c * c * xx + 2.0 * step * (px[i] - step) + step * step;
      }
      prev = cur;
      cur = zeta2 * xx + (Ax - b).squaredNorm() / A.rows();
    }
    return t;
  }
};

// synthdid's sparsify_function: zero weights <= max/4, renormalise
static void sparsify(Vec& x) {
  const double m = x.maxCoeff() / 4.0;
  for (int j = 0; j < x.size(); ++j) if (x[j] <= m) x[j] = 0.0;
  x /= x.sum();
}

// Columns centred over rows (the intercept of the weight problems).
static void centre_columns(Mat& M) {
  for (int j = 0; j < M.cols(); ++j) M.col(j).array() -= M.col(j).mean();
}

// Weights for the rows of Yw (k + 1 columns: predictors, then target): synthdid's
// sc.weight.fw, twice when sparsifying.
static Vec sc_weights(Mat Yw, double zeta, bool intercept, Vec init, double min_dec, int max_iter,
                      int max_iter_pre, bool sparse) {
  if (intercept) centre_columns(Yw);
  const int k = Yw.cols() - 1;
  Mat A = Yw.leftCols(k);
  Vec b = Yw.col(k);
  FwSolver fw(A, b, zeta * zeta);
  fw.run(init, min_dec, sparse ? max_iter_pre : max_iter);
  if (sparse) {
    sparsify(init);
    fw.run(init, min_dec, max_iter);
  }
  return init;
}

// Options of one cohort's fit (fixed across draws, as synthdid's `opts`).
struct CohortOpts {
  double zeta_omega, zeta_lambda, min_dec;
};

struct SynthSetup {
  int method;
  bool omega_intercept;
  int max_iter, max_iter_pre;
  bool sparse;
  int C;                                   // covariates (optimized), 0 = none
};

// Collapsed form of Y (rows: N0 controls then N1 treated; T0 pre periods).
static Mat collapsed(const Mat& Y, int N0, int T0) {
  const int N = Y.rows(), T = Y.cols(), N1 = N - N0, T1 = T - T0;
  Mat Yc(N0 + 1, T0 + 1);
  Yc.topLeftCorner(N0, T0) = Y.topLeftCorner(N0, T0);
  Yc.topRightCorner(N0, 1) = Y.topRightCorner(N0, T1).rowwise().mean();
  Yc.bottomLeftCorner(1, T0) = Y.bottomLeftCorner(N1, T0).colwise().mean();
  Yc(N0, T0) = Y.bottomRightCorner(N1, T1).mean();
  return Yc;
}

// Frank-Wolfe step of synthdid's fw.step (full gradient; used with covariates).
static void fw_step(const Mat& A, Vec& x, const Vec& b, double eta) {
  Vec Ax = A * x;
  Vec g = A.transpose() * (Ax - b) + eta * x;
  int i = 0;
  for (int j = 1; j < g.size(); ++j) if (g[j] < g[i]) i = j;
  Vec d = -x;
  d[i] = 1.0 - x[i];
  if ((d.array() == 0.0).all()) return;
  Vec derr = A.col(i) - Ax;
  double step = -g.dot(d) / (derr.squaredNorm() + eta * d.squaredNorm());
  step = std::min(1.0, std::max(0.0, step));
  x += step * d;
}

// synthdid's sc.weight.fw.covariates on collapsed Yc and Xc (list of C matrices).
static void fw_covariates(const Mat& Yc, const std::vector<Mat>& Xc, double zl, double zo, bool om_int,
                          double min_dec, int max_iter, Vec& lambda, Vec& omega, Vec& beta,
                          bool upd_l, bool upd_o) {
  const int N0 = Yc.rows() - 1, T0 = Yc.cols() - 1, C = Xc.size();
  beta = Vec::Zero(C);
  Vec err_l, err_o;
  double val = 0.0;
  auto update = [&](const Mat& Yb) {
    Mat Yl = Yb.topRows(N0);
    centre_columns(Yl);                    // lambda.intercept is always TRUE
    if (upd_l) fw_step(Yl.leftCols(T0), lambda, Yl.col(T0), N0 * zl * zl);
    Vec lm1(T0 + 1); lm1 << lambda, -1.0;
    err_l = Yl * lm1;
    Mat Yo = Yb.leftCols(T0).transpose();
    if (om_int) centre_columns(Yo);
    if (upd_o) fw_step(Yo.leftCols(N0), omega, Yo.col(N0), T0 * zo * zo);
    Vec om1(N0 + 1); om1 << omega, -1.0;
    err_o = Yo * om1;
    val = zo * zo * omega.squaredNorm() + zl * zl * lambda.squaredNorm() +
          err_o.squaredNorm() / T0 + err_l.squaredNorm() / N0;
  };
  auto ybeta = [&]() {
    Mat Yb = Yc;
    for (int c = 0; c < C; ++c) Yb -= beta[c] * Xc[c];
    return Yb;
  };
  update(ybeta());
  double prev = NA, cur = NA;
  int t = 0;
  const double md2 = min_dec * min_dec;
  while (t < max_iter && (t < 2 || std::abs(prev - cur) > md2)) {
    ++t;
    Vec grad(C);
    Vec lm1(T0 + 1); lm1 << lambda, -1.0;
    Vec om1(N0 + 1); om1 << omega, -1.0;
    for (int c = 0; c < C; ++c) {
      double gl = err_l.dot(Xc[c].topRows(N0) * lm1) / N0;
      double go = err_o.dot(Xc[c].leftCols(T0).transpose() * om1) / T0;
      grad[c] = -(gl + go);
    }
    beta -= grad / (double)t;
    update(ybeta());
    prev = cur;
    cur = val;
  }
}

// One cohort's estimate on a sub-panel (controls first). omega/lambda hold the
// initial (or fixed) weights and receive the solution.
static double block_fit(const Mat& Y, const std::vector<Mat>& X, int N0, int T0, const SynthSetup& su,
                        const CohortOpts& op, Vec& omega, Vec& lambda, bool upd_o, bool upd_l, Vec& beta) {
  const int N1 = Y.rows() - N0, T1 = Y.cols() - T0;
  Mat Yadj = Y;
  if (su.C > 0) {
    Mat Yc = collapsed(Y, N0, T0);
    std::vector<Mat> Xc(su.C);
    for (int c = 0; c < su.C; ++c) Xc[c] = collapsed(X[c], N0, T0);
    fw_covariates(Yc, Xc, op.zeta_lambda, op.zeta_omega, su.omega_intercept, op.min_dec, su.max_iter,
                  lambda, omega, beta, upd_l, upd_o);
    for (int c = 0; c < su.C; ++c) Yadj -= beta[c] * X[c];
  } else {
    if (upd_l || upd_o) {
      Mat Yc = collapsed(Y, N0, T0);
      if (upd_l) lambda = sc_weights(Yc.topRows(N0), op.zeta_lambda, true, lambda, op.min_dec,
                                     su.max_iter, su.max_iter_pre, su.sparse);
      if (upd_o) omega = sc_weights(Yc.leftCols(T0).transpose(), op.zeta_omega, su.omega_intercept, omega,
                                    op.min_dec, su.max_iter, su.max_iter_pre, su.sparse);
    }
  }
  Vec wu(Y.rows()), wt(Y.cols());
  wu << -omega, Vec::Constant(N1, 1.0 / N1);
  wt << -lambda, Vec::Constant(T1, 1.0 / T1);
  return wu.dot(Yadj * wt);
}

static Vec sum_normalize(const Vec& x) {
  const double s = x.sum();
  if (s != 0.0) return x / s;
  return Vec::Constant(x.size(), 1.0 / x.size());
}

// Everything the fits and the draws need.
struct SynthState {
  Mat Y;                                   // U x T
  std::vector<Mat> X;                      // C matrices U x T
  int U, T, K;
  std::vector<int> cohort;                 // per unit, period index (T = never)
  std::vector<int> cohorts;                // the K cohorts (period indices), sorted
  std::vector<CohortOpts> opts;            // per cohort
  std::vector<Vec> omega;                  // per cohort, one entry per unit (0 for non-controls)
  std::vector<Vec> lambda;                 // per cohort, length cohorts[k]
  SynthSetup su;
  uint64_t seed;
  int draw_type;
};

// Staggered estimate over the rows `rows` (unit indices, duplicates allowed),
// row r assigned to cohort index `assigned[r]` (-1 = control). Returns the
// aggregate in out[0] and cohort estimates in out[1..K] (NaN when absent).
// With fixed = true the weights are not re-estimated (jackknife).
static void staggered_fit(const SynthState& s, const std::vector<int>& rows, const std::vector<int>& assigned,
                          bool fixed, double* out, std::vector<Vec>* omega_out = 0,
                          std::vector<Vec>* lambda_out = 0, std::vector<Vec>* beta_out = 0) {
  std::vector<int> ctrl;
  for (size_t r = 0; r < rows.size(); ++r) if (assigned[r] < 0) ctrl.push_back(rows[r]);
  const int N0 = ctrl.size();
  double num = 0.0, den = 0.0;
  for (int k = 0; k < s.K; ++k) {
    out[1 + k] = NA;
    std::vector<int> tr;
    for (size_t r = 0; r < rows.size(); ++r) if (assigned[r] == k) tr.push_back(rows[r]);
    if (tr.empty() || N0 == 0) continue;
    const int N1 = tr.size(), T0 = s.cohorts[k], T1 = s.T - T0;
    Mat Y(N0 + N1, s.T);
    for (int i = 0; i < N0; ++i) Y.row(i) = s.Y.row(ctrl[i]);
    for (int i = 0; i < N1; ++i) Y.row(N0 + i) = s.Y.row(tr[i]);
    std::vector<Mat> X(s.su.C);
    for (int c = 0; c < s.su.C; ++c) {
      X[c].resize(N0 + N1, s.T);
      for (int i = 0; i < N0; ++i) X[c].row(i) = s.X[c].row(ctrl[i]);
      for (int i = 0; i < N1; ++i) X[c].row(N0 + i) = s.X[c].row(tr[i]);
    }
    Vec om(N0);
    for (int i = 0; i < N0; ++i) om[i] = s.omega[k][ctrl[i]];
    Vec lam = s.lambda[k];
    bool upd_o = false, upd_l = false;
    if (s.su.method == DID) {
      om = Vec::Constant(N0, 1.0 / N0);
    } else {
      om = sum_normalize(om);
      upd_o = !fixed;
      upd_l = !fixed && s.su.method == SDID;
    }
    Vec beta;
    out[1 + k] = block_fit(Y, X, N0, T0, s.su, s.opts[k], om, lam, upd_o, upd_l, beta);
    if (omega_out) (*omega_out)[k] = om;
    if (lambda_out) (*lambda_out)[k] = lam;
    if (beta_out) (*beta_out)[k] = beta;
    num += out[1 + k] * N1 * T1;
    den += (double)N1 * T1;
  }
  out[0] = den > 0 ? num / den : NA;
}

// Draw j: rows and their cohort assignment.
static void draw_rows(const SynthState& s, long j, std::vector<int>& rows, std::vector<int>& assigned,
                      std::vector<int>& ctrl, std::vector<int>& tr_k) {
  rows.clear();
  assigned.clear();
  if (s.draw_type == JACKKNIFE) {
    for (int u = 0; u < s.U; ++u) {
      if (u == j) continue;
      rows.push_back(u);
      assigned.push_back(s.cohort[u]);
    }
    return;
  }
  Rng rng(s.seed, (uint64_t)j);   // the shared generator of pilotdid.h
  if (s.draw_type == PLACEBO) {            // shuffle the controls; the last N1 become treated
    std::vector<int> idx = ctrl;
    const int n = idx.size(), n1 = tr_k.size();
    for (int a = n - 1; a > 0; --a) std::swap(idx[a], idx[(int)rng.below(a + 1)]);
    for (int a = 0; a < n; ++a) {
      rows.push_back(idx[a]);
      assigned.push_back(a < n - n1 ? -1 : tr_k[a - (n - n1)]);
    }
    return;
  }
  // bootstrap: units with replacement, sorted; redraw without controls or treated
  std::vector<int> ind(s.U);
  for (;;) {
    for (int u = 0; u < s.U; ++u) ind[u] = (int)rng.below(s.U);
    std::sort(ind.begin(), ind.end());
    bool c0 = false, c1 = false;
    for (int u : ind) { if (s.cohort[u] < 0) c0 = true; else c1 = true; }
    if (c0 && c1) break;
  }
  for (int u : ind) { rows.push_back(u); assigned.push_back(s.cohort[u]); }
}

}  // namespace pilotdid

// Builds the state and fits every cohort. cohort: per unit, 0-based cohort
// index (-1 = never treated); cohorts: period index (0-based first treated
// period = number of pre periods) of each cohort.
// [[Rcpp::export]]
SEXP cpp_synth_prepare(Rcpp::NumericMatrix Y, Rcpp::List X, Rcpp::IntegerVector cohort,
                       Rcpp::IntegerVector cohorts, int method, bool omega_intercept,
                       Rcpp::NumericVector zeta_omega, Rcpp::NumericVector zeta_lambda,
                       Rcpp::NumericVector min_dec, int max_iter, int max_iter_pre, bool sparse,
                       double seed, int draw_type) {
  using namespace pilotdid;
  SynthState* s = new SynthState();
  s->Y = Rcpp::as<Mat>(Y);
  s->U = Y.nrow();
  s->T = Y.ncol();
  s->su.C = X.size();
  for (int c = 0; c < s->su.C; ++c) s->X.push_back(Rcpp::as<Mat>(X[c]));
  s->cohort.assign(cohort.begin(), cohort.end());
  s->cohorts.assign(cohorts.begin(), cohorts.end());
  s->K = cohorts.size();
  s->su.method = method;
  s->su.omega_intercept = omega_intercept;
  s->su.max_iter = max_iter;
  s->su.max_iter_pre = max_iter_pre;
  s->su.sparse = sparse;
  s->seed = (uint64_t)seed;
  s->draw_type = draw_type;
  int n0 = 0;
  for (int u = 0; u < s->U; ++u) if (s->cohort[u] < 0) ++n0;
  for (int k = 0; k < s->K; ++k) {
    CohortOpts o = {zeta_omega[k], zeta_lambda[k], min_dec[k]};
    s->opts.push_back(o);
    Vec om = Vec::Zero(s->U);
    for (int u = 0; u < s->U; ++u) if (s->cohort[u] < 0) om[u] = 1.0 / n0;
    s->omega.push_back(om);
    const int T0 = s->cohorts[k];
    s->lambda.push_back(method == SC ? Vec::Zero(T0) : Vec::Constant(T0, 1.0 / T0));
  }
  return Rcpp::XPtr<SynthState>(s, true);
}

// Fits every cohort on the full panel and stores the weights in the state
// (they initialise the placebo and bootstrap fits and fix the jackknife's).
// [[Rcpp::export]]
Rcpp::List cpp_synth_fit(SEXP state) {
  using namespace pilotdid;
  Rcpp::XPtr<SynthState> xp(state);
  SynthState& s = *xp;
  std::vector<int> rows(s.U), assigned(s.U);
  for (int u = 0; u < s.U; ++u) { rows[u] = u; assigned[u] = s.cohort[u]; }
  std::vector<double> out(s.K + 1);
  std::vector<Vec> om(s.K), lam(s.K), beta(s.K);
  // the initial weights are uniform (synthdid's defaults)
  staggered_fit(s, rows, assigned, false, out.data(), &om, &lam, &beta);
  Rcpp::List omega(s.K), lambda(s.K), betas(s.K);
  for (int k = 0; k < s.K; ++k) {
    Vec full = Vec::Zero(s.U);
    int i = 0;
    for (int u = 0; u < s.U; ++u) if (s.cohort[u] < 0) full[u] = om[k][i++];
    s.omega[k] = full;
    s.lambda[k] = lam[k];
    omega[k] = Rcpp::wrap(full);
    lambda[k] = Rcpp::wrap(lam[k]);
    betas[k] = Rcpp::wrap(beta[k]);
  }
  return Rcpp::List::create(Rcpp::Named("estimate") = out[0],
                            Rcpp::Named("cohort_estimates") = std::vector<double>(out.begin() + 1, out.end()),
                            Rcpp::Named("omega") = omega, Rcpp::Named("lambda") = lambda,
                            Rcpp::Named("beta") = betas);
}

// Draws first .. first + count - 1: a count x (K + 1) matrix (aggregate, cohorts).
// [[Rcpp::export]]
Rcpp::NumericMatrix cpp_synth_draws(SEXP state, double first, int count, int threads) {
  using namespace pilotdid;
  Rcpp::XPtr<SynthState> xp(state);
  const SynthState& s = *xp;
  const int K1 = s.K + 1;
  std::vector<double> res((size_t)count * K1);
  std::vector<int> ctrl, tr_k;
  for (int u = 0; u < s.U; ++u) if (s.cohort[u] < 0) ctrl.push_back(u);
  for (int k = 0; k < s.K; ++k)
    for (int u = 0; u < s.U; ++u) if (s.cohort[u] == k) tr_k.push_back(k);
  (void)threads;
#ifdef _OPENMP
#pragma omp parallel num_threads(threads)
#endif
  {
    std::vector<int> rows, assigned;
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
    for (int j = 0; j < count; ++j) {
      draw_rows(s, (long)first + j, rows, assigned, ctrl, tr_k);
      staggered_fit(s, rows, assigned, s.draw_type == JACKKNIFE, &res[(size_t)j * K1]);
    }
  }
  Rcpp::NumericMatrix out(count, K1);
  for (int j = 0; j < count; ++j)
    for (int k = 0; k < K1; ++k) out(j, k) = res[(size_t)j * K1 + k];
  return out;
}

// Frank-Wolfe solution of min zeta^2 |x|^2 + |Ax - b|^2 / nrow(A) over the
// simplex from x0 (for tests against an exact QP solver).
// [[Rcpp::export]]
Rcpp::List cpp_synth_fw(Rcpp::NumericMatrix A, Rcpp::NumericVector b, double zeta, Rcpp::NumericVector x0,
                        double min_dec, int max_iter) {
  using namespace pilotdid;
  Mat Am = Rcpp::as<Mat>(A);
  Vec bm = Rcpp::as<Vec>(b), x = Rcpp::as<Vec>(x0);
  FwSolver fw(Am, bm, zeta * zeta);
  int it = fw.run(x, min_dec, max_iter);
  return Rcpp::List::create(Rcpp::Named("x") = Rcpp::wrap(x), Rcpp::Named("iterations") = it,
                            Rcpp::Named("value") = fw.value(x));
}

// Draw j's rows (0-based units, in fit order) and their cohort index (-1 = control).
// [[Rcpp::export]]
Rcpp::List cpp_synth_draw_rows(SEXP state, double j) {
  using namespace pilotdid;
  Rcpp::XPtr<SynthState> xp(state);
  const SynthState& s = *xp;
  std::vector<int> ctrl, tr_k, rows, assigned;
  for (int u = 0; u < s.U; ++u) if (s.cohort[u] < 0) ctrl.push_back(u);
  for (int k = 0; k < s.K; ++k)
    for (int u = 0; u < s.U; ++u) if (s.cohort[u] == k) tr_k.push_back(k);
  draw_rows(s, (long)j, rows, assigned, ctrl, tr_k);
  return Rcpp::List::create(Rcpp::Named("rows") = rows, Rcpp::Named("cohort") = assigned);
}
