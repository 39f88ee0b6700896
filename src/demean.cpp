// demean.cpp -- the within transformation: project K columns off Q fixed effects.
//
// Two algorithms, chosen per call:
//  * exact: the largest dimension ("big", G_b levels) is eliminated in closed form
//    and the remaining M = sum of the other dimensions' levels are solved through
//    their dense M x M Schur complement S (pseudo-inverse by eigen-decomposition).
//    Used when Q == 1 (plain group means) or M is small (city + year panels).
//  * otherwise, conjugate gradients on the same Schur complement, never formed:
//    each product S p is one pass over the rows sorted by dimension 0, and the
//    Jacobi preconditioner diag(S) is computed once. Gauss-Seidel alternating
//    projections (what this replaced) are Jacobi iterations on S, whose count
//    grows with the condition number of S; CG's grows with its square root,
//    which matters most when the fixed-effect graph is poorly connected (few
//    movers between firms). See bench/README.md for the measurements.
// Columns are processed in parallel; each column's result is independent of the
// thread count.
#include "pilotdid.h"
#include <cmath>
#include <algorithm>

namespace pilotdid {

static std::vector<double> group_weights(const FixedEffects& fe, int q) {
  std::vector<double> d(fe.G[q], 0.0);
  const int* c = fe.code[q];
  for (int i = 0; i < fe.N; ++i) d[c[i]] += fe.wt(i);
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
// S = sum_i w_i z_i z_i' - sum_g c_g c_g' / D_g, with c_g = sum_{i in g} w_i z_i
// and D_g the weight of level g of the big dimension, in one pass over the
// rows grouped by g (the rows in place when the codes are sorted). A level
// whose rows hit most of the M levels with one common weight c (a unit seen
// in most years) has c_g = c (1 - m_g), m_g marking the levels it misses:
// its outer product is accumulated as c^2 / D_g (11' - 1m' - m1' + mm'),
// which costs M + |m_g|^2 instead of |c_g|^2.
static ExactSolver build_exact(const FixedEffects& fe) {
  ExactSolver ex;
  ex.M = 0;
  ex.offset.assign(fe.Q, 0);
  for (int q = 1; q < fe.Q; ++q) {
    ex.offset[q] = ex.M;
    ex.M += fe.G[q];
  }
  const int M = ex.M, N = fe.N, Gb = fe.G[0];
  if (M == 0) {
    ex.D = group_weights(fe, 0);
    return ex;
  }
  const int* cb = fe.code[0];
  ex.D.assign(Gb, 0.0);
  Mat S = Mat::Zero(M, M);
  std::vector<double> acc(M, 0.0), v(M, 0.0);   // v: sum of f_g m_g
  std::vector<int> touched;
  touched.reserve(64);
  double F = 0.0, d = 0.0;                        // F: sum of f_g
  auto add_row = [&](int i) {
    const double wi = fe.wt(i);
    d += wi;
    for (int a = 1; a < fe.Q; ++a) {
      const int ia = ex.offset[a] + fe.code[a][i];
      for (int b = 1; b < fe.Q; ++b) S(ia, ex.offset[b] + fe.code[b][i]) += wi;
      if (acc[ia] == 0.0) touched.push_back(ia);
      acc[ia] += wi;
    }
  };
  auto flush = [&](int g) {
    ex.D[g] += d;
    const int nt = touched.size(), nm = M - nt;
    bool common = d > 0 && (double)M + (double)nm * nm < (double)nt * nt;
    for (int a = 1; a < nt && common; ++a) common = acc[touched[a]] == acc[touched[0]];
    if (d > 0 && common) {
      const double f = acc[touched[0]] * acc[touched[0]] / d;
      F += f;
      std::vector<int>& miss = touched;   // reused: the levels missed
      miss.clear();
      for (int j = 0; j < M; ++j) if (acc[j] == 0.0) miss.push_back(j); else acc[j] = 0.0;
      for (int a : miss) {
        v[a] += f;
        for (int b : miss) S(a, b) -= f;
      }
    } else if (d > 0) {
      const double inv = 1.0 / d;
      for (int a : touched) {
        const double ca = acc[a] * inv;
        for (int b : touched) S(a, b) -= ca * acc[b];
      }
      for (int a : touched) acc[a] = 0.0;
    } else {
      for (int a : touched) acc[a] = 0.0;
    }
    touched.clear();
    d = 0.0;
  };
  bool sorted = true;
  for (int i = 1; i < N && sorted; ++i) sorted = cb[i] >= cb[i - 1];
  ex.sorted = sorted;
  if (sorted) {
    for (int i = 0; i < N; ++i) {
      if (i > 0 && cb[i] != cb[i - 1]) flush(cb[i - 1]);
      add_row(i);
    }
    if (N > 0) flush(cb[N - 1]);
  } else {
    std::vector<int> start(Gb + 1, 0), order(N);
    for (int i = 0; i < N; ++i) ++start[cb[i] + 1];
    for (int g = 0; g < Gb; ++g) start[g + 1] += start[g];
    {
      std::vector<int> pos(start.begin(), start.end() - 1);
      for (int i = 0; i < N; ++i) order[pos[cb[i]]++] = i;
    }
    for (int g = 0; g < Gb; ++g) {
      for (int k = start[g]; k < start[g + 1]; ++k) add_row(order[k]);
      flush(g);
    }
  }
  if (F != 0.0) {
    for (int b = 0; b < M; ++b)
      for (int a = 0; a < M; ++a) S(a, b) -= F - v[a] - v[b];
  }
  ex.Sinv = pinv_psd(S);
  return ex;
}

// Demean columns v[0..K-1] into out[k] on the exact path, with the rows of
// each level g of the big dimension together (ex.sorted), in two passes over
// the rows shared by the K columns (codes and weights read once per row; the
// per-level sums of the columns interleaved, [level * K + k]). Pass 1, level
// by level: the weighted sums of v by level of every dimension (and of w v^2
// into ss[k]), the level's mean, then (its rows again, in cache) the
// correction rhs = Z'Wv - sum_i w_i mean[big_i] z_i. With beta = Sinv rhs,
// pass 2, level by level: alpha_g = mean_g - (sum_{i in g} w_i z_i'beta) / D_g,
// then v - alpha[big] - z'beta on its rows. Rows not grouped: the same sums
// in four passes. Each column's arithmetic, in row order, does not depend on
// the other columns of the block.
static void demean_exact(const FixedEffects& fe, const ExactSolver& ex, const double* const* v,
                         double* const* out, int K, double* ss) {
  const int N = fe.N, M = ex.M, Q = fe.Q;
  const int* cb = fe.code[0];
  const double* w = fe.w;
  std::vector<double> mean((size_t)fe.G[0] * K, 0.0), rhs((size_t)M * K, 0.0), s2(K, 0.0), acc(K);
  std::vector<int> lv(Q, 0);   // the row's levels of dimensions 1..Q-1, offsets added
  auto levels = [&](int i) { for (int a = 1; a < Q; ++a) lv[a] = ex.offset[a] + fe.code[a][i]; };
  auto sum_row = [&](int i, double* mg) {           // level sums of row i
    levels(i);
    for (int k = 0; k < K; ++k) {
      const double x = v[k][i], wx = w ? w[i] * x : x;
      mg[k] += wx;
      s2[k] += wx * x;
      for (int a = 1; a < Q; ++a) rhs[(size_t)lv[a] * K + k] += wx;
    }
  };
  auto to_mean = [&](int g) {
    double* mg = &mean[(size_t)g * K];
    for (int k = 0; k < K; ++k) mg[k] = ex.D[g] > 0 ? mg[k] / ex.D[g] : 0.0;
  };
  auto correct_rhs = [&](int i, const double* mg) {  // rhs -= w_i mean_g z_i
    const double wi = w ? w[i] : 1.0;
    for (int a = 1; a < Q; ++a) {
      double* r = &rhs[(size_t)(ex.offset[a] + fe.code[a][i]) * K];
      for (int k = 0; k < K; ++k) r[k] -= wi * mg[k];
    }
  };
  std::vector<double> beta((size_t)M * K);
  auto zb_row = [&](int i) {                          // acc += w_i z_i'beta
    const double wi = w ? w[i] : 1.0;
    levels(i);
    for (int k = 0; k < K; ++k) {
      double z = 0.0;
      for (int a = 1; a < Q; ++a) z += beta[(size_t)lv[a] * K + k];
      acc[k] += wi * z;
    }
  };
  auto write_row = [&](int i, const double* mg) {    // out = v - alpha - z'beta
    levels(i);
    for (int k = 0; k < K; ++k) {
      double r = v[k][i] - mg[k];
      for (int a = 1; a < Q; ++a) r -= beta[(size_t)lv[a] * K + k];
      out[k][i] = r;
    }
  };
  // runs of rows with the same big level (rows grouped: ex.sorted)
  auto for_runs = [&](auto body) {
    for (int s = 0, e; s < N; s = e) {
      for (e = s + 1; e < N && cb[e] == cb[s]; ++e) {}
      body(cb[s], s, e);
    }
  };
  if (ex.sorted) {
    for_runs([&](int g, int s, int e) {
      double* mg = &mean[(size_t)g * K];
      for (int i = s; i < e; ++i) sum_row(i, mg);
      to_mean(g);
      if (M > 0) for (int i = s; i < e; ++i) correct_rhs(i, mg);
    });
  } else {
    for (int i = 0; i < N; ++i) sum_row(i, &mean[(size_t)cb[i] * K]);
    for (int g = 0; g < fe.G[0]; ++g) to_mean(g);
    if (M > 0) for (int i = 0; i < N; ++i) correct_rhs(i, &mean[(size_t)cb[i] * K]);
  }
  if (ss) for (int k = 0; k < K; ++k) ss[k] = s2[k];
  // beta = Sinv rhs, column by column in a fixed order
  for (int k = 0; k < K; ++k) {
    for (int a = 0; a < M; ++a) {
      const double* sa = ex.Sinv.col(a).data();   // Sinv symmetric: column a = row a
      double t = 0.0;
      for (int j = 0; j < M; ++j) t += sa[j] * rhs[(size_t)j * K + k];
      beta[(size_t)a * K + k] = t;
    }
  }
  auto to_alpha = [&](int g) {                        // mean_g - acc / D_g
    double* mg = &mean[(size_t)g * K];
    if (ex.D[g] > 0) for (int k = 0; k < K; ++k) mg[k] -= acc[k] / ex.D[g];
    std::fill(acc.begin(), acc.end(), 0.0);
  };
  if (ex.sorted) {
    for_runs([&](int g, int s, int e) {
      if (M > 0) {
        for (int i = s; i < e; ++i) zb_row(i);
        to_alpha(g);
      }
      for (int i = s; i < e; ++i) write_row(i, &mean[(size_t)g * K]);
    });
    return;
  }
  if (M > 0) {
    // alpha by level: acc per level, in row order
    std::vector<double> zs((size_t)fe.G[0] * K, 0.0);
    for (int i = 0; i < N; ++i) {
      std::fill(acc.begin(), acc.end(), 0.0);
      zb_row(i);
      double* z = &zs[(size_t)cb[i] * K];
      for (int k = 0; k < K; ++k) z[k] += acc[k];
    }
    for (int g = 0; g < fe.G[0]; ++g) {
      std::copy(zs.begin() + (size_t)g * K, zs.begin() + (size_t)(g + 1) * K, acc.begin());
      to_alpha(g);
    }
  }
  for (int i = 0; i < N; ++i) write_row(i, &mean[(size_t)cb[i] * K]);
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
    const double r = fe.wt(i) * mean[cb[i]];
    for (int q = 1; q < fe.Q; ++q) rhs[ex.offset[q] + fe.code[q][i]] -= r;
  }
  Vec beta = ex.Sinv * rhs;
  std::vector<double> zb_sum(fe.G[0], 0.0);
  for (int i = 0; i < N; ++i) {
    double zb = 0.0;
    for (int q = 1; q < fe.Q; ++q) zb += beta[ex.offset[q] + fe.code[q][i]];
    zb_sum[cb[i]] += fe.wt(i) * zb;
  }
  for (int g = 0; g < fe.G[0]; ++g) if (ex.D[g] > 0) mean[g] -= zb_sum[g] / ex.D[g];
  for (int q = 1; q < fe.Q; ++q)
    for (int g = 0; g < fe.G[q]; ++g) a[q][g] = beta[ex.offset[q] + g];
}

// ---- conjugate gradients on the Schur complement ------------------------------
// Dimension 0 (the largest) is eliminated in closed form; the coefficients x of
// dimensions 1..Q-1 solve S x = b with S = Z'W M_0 Z and b = Z'W M_0 v, by
// conjugate gradients preconditioned with diag(S). Every product S p is one pass
// over the rows, sorted by dimension 0: for each level g, r_i = z_i'p on its rows,
// their weighted mean a_g, then w_i (r_i - a_g) added to each of the row's levels.
static SchurCg build_cg(const FixedEffects& fe) {
  SchurCg sc;
  const int N = fe.N, G0 = fe.G[0];
  sc.R = fe.Q - 1;
  sc.M = 0;
  sc.off.assign(fe.Q, 0);
  for (int q = 1; q < fe.Q; ++q) { sc.off[q] = sc.M; sc.M += fe.G[q]; }
  const int* c0 = fe.code[0];
  sc.start.assign(G0 + 1, 0);
  for (int i = 0; i < N; ++i) ++sc.start[c0[i] + 1];
  sc.max_block = 0;
  for (int g = 0; g < G0; ++g) {
    sc.max_block = std::max(sc.max_block, sc.start[g + 1]);
    sc.start[g + 1] += sc.start[g];
  }
  sc.order.resize(N);
  {
    std::vector<int> pos(sc.start.begin(), sc.start.end() - 1);
    for (int i = 0; i < N; ++i) sc.order[pos[c0[i]]++] = i;
  }
  bool weighted = false;
  for (int i = 0; i < N && !weighted; ++i) weighted = fe.wt(i) != 1.0;
  const int R = sc.R;
  sc.idx.resize((size_t)N * R);
  if (weighted) sc.ws.resize(N);
  for (int k = 0; k < N; ++k) {
    const int i = sc.order[k];
    for (int q = 1; q < fe.Q; ++q) sc.idx[(size_t)k * R + q - 1] = sc.off[q] + fe.code[q][i];
    if (weighted) sc.ws[k] = fe.wt(i);
  }
  // weights per level of dimension 0, and diag(S)_j = D_j - sum_g c_gj^2 / D_g
  std::vector<double> D(sc.M, 0.0), acc(sc.M, 0.0);
  std::vector<char> seen(sc.M, 0);
  std::vector<int> touched;
  sc.inv0.assign(G0, 0.0);
  for (int g = 0; g < G0; ++g) {
    double d0 = 0.0;
    touched.clear();
    for (int k = sc.start[g]; k < sc.start[g + 1]; ++k) {
      const double wk = weighted ? sc.ws[k] : 1.0;
      d0 += wk;
      for (int q = 0; q < R; ++q) {
        const int j = sc.idx[(size_t)k * R + q];
        if (!seen[j]) { seen[j] = 1; touched.push_back(j); }
        acc[j] += wk;
        D[j] += wk;
      }
    }
    if (d0 > 0) {
      sc.inv0[g] = 1.0 / d0;
      for (size_t t = 0; t < touched.size(); ++t) acc[touched[t]] *= acc[touched[t]] / d0;
    }
    for (size_t t = 0; t < touched.size(); ++t) {
      D[touched[t]] -= acc[touched[t]];
      acc[touched[t]] = 0.0;
      seen[touched[t]] = 0;
    }
  }
  // D now holds diag(S); recompute the level weights to judge zero diagonals
  std::vector<double> Dw(sc.M, 0.0);
  for (int k = 0; k < N; ++k)
    for (int q = 0; q < R; ++q) Dw[sc.idx[(size_t)k * R + q]] += weighted ? sc.ws[k] : 1.0;
  sc.pre.assign(sc.M, 0.0);
  for (int j = 0; j < sc.M; ++j) if (D[j] > 1e-12 * Dw[j]) sc.pre[j] = 1.0 / D[j];
  return sc;
}

// y = S p (RC: Q - 1 when known at compile time, 0 otherwise; WT: weighted).
template <int RC, bool WT>
static void schur_mult_t(const SchurCg& sc, const double* p, double* y, double* buf) {
  const int R = RC > 0 ? RC : sc.R;
  std::fill(y, y + sc.M, 0.0);
  const int G0 = (int)sc.inv0.size();
  const int* idx = sc.idx.data();
  const double* ws = WT ? sc.ws.data() : 0;
  for (int g = 0; g < G0; ++g) {
    const int b = sc.start[g], e = sc.start[g + 1];
    double s = 0.0;
    for (int k = b; k < e; ++k) {
      const int* id = idx + (size_t)k * R;
      double r = 0.0;
      for (int q = 0; q < R; ++q) r += p[id[q]];
      buf[k - b] = r;
      s += WT ? ws[k] * r : r;
    }
    const double a = s * sc.inv0[g];
    for (int k = b; k < e; ++k) {
      const int* id = idx + (size_t)k * R;
      const double u = WT ? ws[k] * (buf[k - b] - a) : buf[k - b] - a;
      for (int q = 0; q < R; ++q) y[id[q]] += u;
    }
  }
}

static void schur_mult(const SchurCg& sc, const double* p, double* y, double* buf) {
  const bool wt = !sc.ws.empty();
  switch (sc.R) {
    case 1: wt ? schur_mult_t<1, true>(sc, p, y, buf) : schur_mult_t<1, false>(sc, p, y, buf); break;
    case 2: wt ? schur_mult_t<2, true>(sc, p, y, buf) : schur_mult_t<2, false>(sc, p, y, buf); break;
    default: wt ? schur_mult_t<0, true>(sc, p, y, buf) : schur_mult_t<0, false>(sc, p, y, buf);
  }
}

// S maps the indicator of every dimension q >= 1 (1 on its levels) to 0, since
// each of these sums to the constant, which dimension 0 spans: remove those
// components, which only rounding puts into the residual.
static void drop_constants(const SchurCg& sc, Vec& r) {
  for (size_t q = 1; q < sc.off.size(); ++q) {
    const int b = sc.off[q], e = q + 1 < sc.off.size() ? sc.off[q + 1] : sc.M;
    const double m = r.segment(b, e - b).mean();
    r.segment(b, e - b).array() -= m;
  }
}

// Preconditioned CG for S x = b from x = 0. Step k lowers the residual sum of
// squares of the demeaned column, ssr0 - 2b'x + x'Sx, by exactly dec_k =
// alpha_k r_k'z_k, and what remains above the exact solution is the sum of the
// later decreases. That sum is extrapolated from the current rate
// rho = (dec_k / dec_{k-4})^(1/4) as dec_k / (1 - rho); iteration stops when it
// is below tol^2 times the current residual sum of squares (ssr0 > 0), or
// times the energy x'Sx of the solution itself (ssr0 = 0, level sums given):
// tol bounds the relative root-mean-square error of the result; decreases
// below 1e-26 ssr0 (a relative change of 1e-13) count as converged whatever tol.
static int pcg(const SchurCg& sc, const Vec& b, double ssr0, double tol, int maxit, Vec& x) {
  const int M = sc.M;
  x.setZero(M);
  Vec r = b, z(M), p(M), q(M);
  std::vector<double> buf(sc.max_block);
  drop_constants(sc, r);
  for (int j = 0; j < M; ++j) z[j] = sc.pre[j] * r[j];
  p = z;
  double rz = r.dot(z), gained = 0.0, last = 0.0;
  const double tol2 = tol * tol;
  double hist[4] = {0.0, 0.0, 0.0, 0.0};   // the last four decreases
  if (!(rz > 0)) return 0;
  for (int it = 1; it <= maxit; ++it) {
    schur_mult(sc, p.data(), q.data(), buf.data());
    const double pq = p.dot(q);
    if (!(pq > 0)) return it;
    const double alpha = rz / pq;
    const double dec = alpha * rz;
    const double scale = ssr0 > 0 ? ssr0 : gained + dec;
    // Rounding noise: once the decreases reach a relative change of 1e-10,
    // one that grows tenfold comes from rounding errors along directions S
    // maps to ~0 (S is singular), and is not taken.
    if (it > 1 && last <= 1e-20 * scale && dec > 10.0 * last) return it - 1;
    x.noalias() += alpha * p;
    r.noalias() -= alpha * q;
    gained += dec;
    if (dec <= 1e-26 * scale) return it;
    const double ref = ssr0 > 0 ? std::max(ssr0 - gained, 1e-14 * ssr0) : gained;
    if (it > 4) {
      const double rho = std::min(std::pow(dec / hist[it % 4], 0.25), 0.999);
      if (dec <= tol2 * ref * (1.0 - rho)) return it;
    }
    hist[it % 4] = dec;
    last = dec;
    drop_constants(sc, r);
    for (int j = 0; j < M; ++j) z[j] = sc.pre[j] * r[j];
    const double rz_new = r.dot(z);
    if (!(rz_new > 0)) return it;
    p = z + (rz_new / rz) * p;
    rz = rz_new;
  }
  return -maxit;
}

// b = Z'W M_0 v and the residual sum of squares of v within dimension 0.
static double cg_rhs(const SchurCg& sc, const double* v, Vec& b, std::vector<double>& buf) {
  const int R = sc.R, G0 = (int)sc.inv0.size();
  const bool wt = !sc.ws.empty();
  b.setZero(sc.M);
  double ssr = 0.0;
  for (int g = 0; g < G0; ++g) {
    const int s0 = sc.start[g], e = sc.start[g + 1];
    double s = 0.0;
    for (int k = s0; k < e; ++k) { buf[k - s0] = v[sc.order[k]]; s += (wt ? sc.ws[k] : 1.0) * buf[k - s0]; }
    const double a = s * sc.inv0[g];
    for (int k = s0; k < e; ++k) {
      const double d = buf[k - s0] - a, wk = wt ? sc.ws[k] : 1.0;
      ssr += wk * d * d;
      for (int q = 0; q < R; ++q) b[sc.idx[(size_t)k * R + q]] += wk * d;
    }
  }
  return ssr;
}

static int demean_cg(const SchurCg& sc, const double* v, double* out, double tol, int maxit) {
  std::vector<double> buf(sc.max_block);
  Vec b, x;
  const double ssr0 = cg_rhs(sc, v, b, buf);
  const int it = pcg(sc, b, ssr0 > 0 ? ssr0 : 1.0, tol, maxit, x);
  // out = M_0 (v - Z x)
  const int R = sc.R, G0 = (int)sc.inv0.size();
  const bool wt = !sc.ws.empty();
  for (int g = 0; g < G0; ++g) {
    const int s0 = sc.start[g], e = sc.start[g + 1];
    double s = 0.0;
    for (int k = s0; k < e; ++k) {
      double r = v[sc.order[k]];
      for (int q = 0; q < R; ++q) r -= x[sc.idx[(size_t)k * R + q]];
      buf[k - s0] = r;
      s += (wt ? sc.ws[k] : 1.0) * r;
    }
    const double a = s * sc.inv0[g];
    for (int k = s0; k < e; ++k) out[sc.order[k]] = buf[k - s0] - a;
  }
  return it;
}

// Coefficients solving Z'WZ a = s: b = s_rest - Z'W Z_0 D_0^-1 s_0, then
// a_0 = D_0^-1 (s_0 - Z_0'W Z x).
static int solve_cg_sums(const FixedEffects& fe, const SchurCg& sc, const Sums& s, double tol,
                         int maxit, Sums& a) {
  const int R = sc.R, G0 = (int)sc.inv0.size();
  const bool wt = !sc.ws.empty();
  Vec b(sc.M), x;
  for (int q = 1; q < fe.Q; ++q)
    for (int g = 0; g < fe.G[q]; ++g) b[sc.off[q] + g] = s[q][g];
  for (int g = 0; g < G0; ++g) {
    const double m = s[0][g] * sc.inv0[g];
    for (int k = sc.start[g]; k < sc.start[g + 1]; ++k) {
      const double u = (wt ? sc.ws[k] : 1.0) * m;
      for (int q = 0; q < R; ++q) b[sc.idx[(size_t)k * R + q]] -= u;
    }
  }
  const int it = pcg(sc, b, 0.0, tol, maxit, x);
  a.assign(fe.Q, std::vector<double>());
  for (int q = 1; q < fe.Q; ++q) a[q].assign(x.data() + sc.off[q], x.data() + sc.off[q] + fe.G[q]);
  a[0].assign(G0, 0.0);
  for (int g = 0; g < G0; ++g) {
    double t = s[0][g];
    for (int k = sc.start[g]; k < sc.start[g + 1]; ++k) {
      double r = 0.0;
      for (int q = 0; q < R; ++q) r += x[sc.idx[(size_t)k * R + q]];
      t -= (wt ? sc.ws[k] : 1.0) * r;
    }
    a[0][g] = t * sc.inv0[g];
  }
  return it;
}

Demeaner::Demeaner(const FixedEffects& fe, int max_exact, double tol, int maxit)
    : fe_(fe), tol_(tol), maxit_(maxit) {
  int M = 0;
  for (int q = 1; q < fe.Q; ++q) M += fe.G[q];
  exact = M <= max_exact;
  if (exact) ex_ = build_exact(fe);
  else cg_ = build_cg(fe);
}

int Demeaner::apply(const double* v, double* out) const {
  if (exact) { demean_exact(fe_, ex_, &v, &out, 1, 0); return 0; }
  return demean_cg(cg_, v, out, tol_, maxit_);
}

// Exact path: columns in blocks of up to 8, one block per thread when there
// are few (the shared passes serve a block; each column's arithmetic is the
// same whatever block it is in), blocks in parallel.
void Demeaner::apply_many(const double* const* in, double* const* out, int K, double* ss, int* iters,
                          int threads) const {
  const int per_thread = (K + std::max(threads, 1) - 1) / std::max(threads, 1);
  const int B = exact ? std::max(1, std::min(8, per_thread)) : 1, nb = (K + B - 1) / B;
  const FixedEffects& fe = fe_;
  (void)threads;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
#endif
  for (int j = 0; j < nb; ++j) {
    const int k0 = j * B, kb = std::min(B, K - k0);
    if (exact) {
      demean_exact(fe, ex_, in + k0, out + k0, kb, ss ? ss + k0 : 0);
      for (int k = k0; k < k0 + kb; ++k) iters[k] = 0;
      continue;
    }
    if (ss) {   // before demeaning: out may be in
      double s = 0.0;
      for (int i = 0; i < fe.N; ++i) s += fe.wt(i) * in[k0][i] * in[k0][i];
      ss[k0] = s;
    }
    iters[k0] = demean_cg(cg_, in[k0], out[k0], tol_, maxit_);
  }
}

int Demeaner::solve_sums(const Sums& s, Sums& coef) const {
  if (exact) { solve_exact_sums(fe_, ex_, s, coef); return 0; }
  return solve_cg_sums(fe_, cg_, s, tol_, maxit_, coef);
}

// Largest dimension first (the one eliminated implicitly); `keep` holds the
// R vectors the pointers refer to. Called from export wrappers only.
FixedEffects make_fixed_effects(Rcpp::List codes, Rcpp::IntegerVector G, Rcpp::NumericVector w,
                                std::vector<Rcpp::IntegerVector>& keep, std::vector<int>* order) {
  FixedEffects fe;
  fe.Q = codes.size();
  if (w.size() == 0 && fe.Q == 0) Rcpp::stop("Internal error: no weights and no fixed effects.");
  fe.N = w.size() > 0 ? (int)w.size() : (int)Rf_xlength(codes[0]);
  // weights all 1: none (hot loops skip them)
  bool unit = true;
  for (int i = 0; i < (int)w.size() && unit; ++i) unit = w[i] == 1.0;
  fe.w = unit ? 0 : w.begin();
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

// in_place: X is overwritten by its demeaned columns (the caller owns X, e.g.
// a model matrix just built); y never is.
// [[Rcpp::export]]
Rcpp::List cpp_demean(Rcpp::NumericMatrix X, Rcpp::NumericVector y, Rcpp::List codes,
                      Rcpp::IntegerVector G, Rcpp::NumericVector w, int max_exact, double tol,
                      int maxit, int threads, bool in_place = false) {
  using namespace pilotdid;
  std::vector<Rcpp::IntegerVector> keep;
  FixedEffects fe = make_fixed_effects(codes, G, w, keep);
  const Demeaner dm(fe, max_exact, tol, maxit);
  // columns: those of X, then y
  const int P = X.ncol(), K = P + 1, N = fe.N;
  Rcpp::NumericMatrix outX = in_place ? X : Rcpp::NumericMatrix(Rcpp::no_init(N, P));
  Rcpp::NumericVector outy(N);
  std::vector<const double*> in(K);
  std::vector<double*> out(K);
  for (int k = 0; k < P; ++k) { in[k] = X.begin() + (size_t)k * N; out[k] = outX.begin() + (size_t)k * N; }
  in[P] = y.begin();
  out[P] = outy.begin();
  std::vector<int> iters(K, 0);
  // weighted uncentred sums of squares of the raw columns (collinearity scale)
  std::vector<double> ssk(K);
  dm.apply_many(in.data(), out.data(), K, ssk.data(), iters.data(), threads);
  Rcpp::NumericVector ss(ssk.begin(), ssk.begin() + P);
  return Rcpp::List::create(Rcpp::Named("X") = outX,
                            Rcpp::Named("y") = outy,
                            Rcpp::Named("ss") = ss,
                            Rcpp::Named("exact") = dm.exact,
                            Rcpp::Named("iterations") = Rcpp::wrap(iters));
}
