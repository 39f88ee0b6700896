// boot.cpp -- wild cluster bootstrap of a linear restriction R beta = r
// (Roodman, MacKinnon, Nielsen and Webb 2019, the algorithm of Stata's boottest).
//
// The fixed effects are projected out once (in R). With X the demeaned kept
// regressors, W the weights, B = (X'WX)^-1, q = B R', z = X q and the bootstrap
// residuals u = u0 + lambda u1 (WCR: u0 = OLS residuals, u1 = z, lambda a
// function of r; WCU: u1 = 0), draw v (one weight per bootstrap cluster g) gives
//   numerator   R(beta* - beta~) = sum_g v_g a_g,   a_g = sum_{i in g} w_i z_i u_i
//   score of variance cluster c:  psi_c = (M v)_c, with the C x G matrix
//     M(c, g) = sum_{i in c, g} w_i z_i u_i                     (wild residuals)
//             - sum_{i in g} w_i u_i [P_D (z 1_c)]_i            (re-projection on the FE)
//             - H_c' B s_g,  H_c = sum_{i in c} w_i z_i x_i, s_g = sum_{i in g} w_i u_i x_i
// where P_D projects on the fixed effects (the middle term vanishes when every
// fixed effect is nested in the bootstrap or the variance clusters). All of it
// is linear in lambda: a = a0 + lambda a1, M = M0 + lambda M1, so each draw is
// summarised by five numbers (a0.v, a1.v, |M0 v|^2, (M0 v).(M1 v), |M1 v|^2)
// and the t statistic of any r follows without new draws (test inversion).
// M0, M1 are reduced in R to at most 2G rows (QR), so a draw costs O(G^2).
//
// Draw j has its own random stream, a function of (seed, j) only; with full
// enumeration draw j is the sign vector of the bits of j. Results do not depend
// on the number of threads.
#include "pilotdid.h"
#include <algorithm>
#include <cmath>
#include <memory>
#include <limits>

namespace pilotdid {

enum WeightType { RADEMACHER = 0, WEBB = 1, MAMMEN = 2, NORM = 3 };

// Bootstrap weights of draw j (G values).
static void boot_weights(int type, bool enumerate, uint64_t seed, uint64_t j, int G, double* v) {
  if (enumerate) {
    for (int g = 0; g < G; ++g) v[g] = ((j >> g) & 1ULL) ? -1.0 : 1.0;
    return;
  }
  Rng rng(seed, j);
  switch (type) {
    case RADEMACHER:
      for (int g = 0; g < G; g += 64) {
        const uint64_t bits = rng.next();
        for (int b = 0; b < 64 && g + b < G; ++b) v[g + b] = ((bits >> b) & 1ULL) ? -1.0 : 1.0;
      }
      break;
    case WEBB: {
      static const double vals[6] = {-std::sqrt(1.5), -1.0, -std::sqrt(0.5),
                                     std::sqrt(0.5), 1.0, std::sqrt(1.5)};
      for (int g = 0; g < G; ++g) v[g] = vals[rng.below(6)];
      break;
    }
    case MAMMEN: {
      const double s5 = std::sqrt(5.0), p = (s5 + 1.0) / (2.0 * s5);
      for (int g = 0; g < G; ++g) v[g] = rng.unif() <= p ? -(s5 - 1.0) / 2.0 : (s5 + 1.0) / 2.0;
      break;
    }
    default: {                                   // Box-Muller, two normals per pair
      const double two_pi = 6.283185307179586;
      for (int g = 0; g < G; g += 2) {
        const double r = std::sqrt(-2.0 * std::log(rng.unif())), a = two_pi * rng.unif();
        v[g] = r * std::cos(a);
        if (g + 1 < G) v[g + 1] = r * std::sin(a);
      }
    }
  }
}

// C x G matrices M0, M1 and G-vectors a0, a1 of the header comment.
struct BootStats {
  Vec a0, a1;
  Mat M0, M1;
};

static BootStats boot_stats(const MapMat& X, const MapVec& w, const MapVec& z, const MapVec& u0,
                            const MapVec& u1, const MapMat& B, const int* boot, int G,
                            const int* clus, int C, const Demeaner* dm, int threads) {
  const int N = X.rows(), K = X.cols();
  const bool has1 = u1.size() > 0;
  BootStats st;
  st.a0 = Vec::Zero(G); st.a1 = Vec::Zero(G);
  st.M0 = Mat::Zero(C, G); st.M1 = Mat::Zero(C, G);
  Mat S0 = Mat::Zero(K, G), S1 = Mat::Zero(K, G), H = Mat::Zero(K, C);
  for (int i = 0; i < N; ++i) {
    const int g = boot[i], c = clus[i];
    const double wz = w[i] * z[i], e0 = u0[i], e1 = has1 ? u1[i] : 0.0;
    st.a0[g] += wz * e0;  st.a1[g] += wz * e1;
    st.M0(c, g) += wz * e0;  st.M1(c, g) += wz * e1;
    for (int k = 0; k < K; ++k) {
      const double x = X(i, k);
      S0(k, g) += w[i] * e0 * x;
      S1(k, g) += w[i] * e1 * x;
      H(k, c) += wz * x;
    }
  }
  const Mat HB = H.transpose() * B;
  st.M0.noalias() -= HB * S0;
  st.M1.noalias() -= HB * S1;
  if (!dm) return st;
  // Re-projection on the fixed effects: entry (c, g) is <z 1_c, P_D(u 1_g)>_W
  // = <P_D(z 1_c), u 1_g>_W, so either one projection per variance cluster or
  // one per bootstrap cluster and residual vector, whichever is fewer.
  Mat P0 = Mat::Zero(C, G), P1 = Mat::Zero(C, G);
  const bool by_boot = G * (has1 ? 2 : 1) < C;
  const int J = by_boot ? G * (has1 ? 2 : 1) : C;
  (void)threads;
#ifdef _OPENMP
#pragma omp parallel num_threads(threads)
#endif
  {
    std::vector<double> h(N), out(N);
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
    for (int j = 0; j < J; ++j) {
      if (by_boot) {                             // column g of P0 (j < G) or P1
        const int g = j % G;
        const MapVec& u = j < G ? u0 : u1;
        Mat& P = j < G ? P0 : P1;
        for (int i = 0; i < N; ++i) h[i] = boot[i] == g ? u[i] : 0.0;
        dm->apply(h.data(), out.data());         // out = h - P_D h
        for (int i = 0; i < N; ++i) {
          const double p = h[i] - out[i];
          if (p != 0.0) P(clus[i], g) += w[i] * z[i] * p;
        }
      } else {                                   // row c of P0 and P1
        const int c = j;
        for (int i = 0; i < N; ++i) h[i] = clus[i] == c ? z[i] : 0.0;
        dm->apply(h.data(), out.data());
        for (int i = 0; i < N; ++i) {
          const double p = h[i] - out[i];
          if (p == 0.0) continue;
          P0(c, boot[i]) += w[i] * u0[i] * p;
          if (has1) P1(c, boot[i]) += w[i] * u1[i] * p;
        }
      }
    }
  }
  st.M0 -= P0;
  st.M1 -= P1;
  return st;
}

} // namespace pilotdid

// Sufficient statistics of the bootstrap (see the header comment). `codes` are
// the fixed effects to re-project on (an empty list when they are all nested).
// [[Rcpp::export]]
Rcpp::List cpp_boot_prepare(Rcpp::NumericMatrix X, Rcpp::NumericVector w, Rcpp::NumericVector z,
                            Rcpp::NumericVector u0, Rcpp::NumericVector u1, Rcpp::NumericMatrix B,
                            Rcpp::IntegerVector boot, int n_boot, Rcpp::IntegerVector clus,
                            int n_clus, Rcpp::List codes, Rcpp::IntegerVector G, int max_exact,
                            double tol, int maxit, int threads) {
  using namespace pilotdid;
  const int N = X.nrow();
  MapMat Xm(X.begin(), N, X.ncol()), Bm(B.begin(), B.nrow(), B.ncol());
  MapVec wm(w.begin(), N), zm(z.begin(), N), u0m(u0.begin(), N), u1m(u1.begin(), u1.size());
  std::vector<Rcpp::IntegerVector> keep;
  FixedEffects fe;
  std::unique_ptr<Demeaner> dm;
  if (codes.size() > 0) {
    fe = make_fixed_effects(codes, G, w, keep);
    dm.reset(new Demeaner(fe, max_exact, tol, maxit));
  }
  BootStats st = boot_stats(Xm, wm, zm, u0m, u1m, Bm, boot.begin(), n_boot, clus.begin(), n_clus,
                            dm.get(), threads);
  return Rcpp::List::create(Rcpp::Named("a0") = st.a0, Rcpp::Named("a1") = st.a1,
                            Rcpp::Named("M0") = st.M0, Rcpp::Named("M1") = st.M1);
}

// Draws first .. first + count - 1: a count x 5 matrix of a0.v, a1.v, |R0 v|^2,
// (R0 v).(R1 v), |R1 v|^2, where R0, R1 are the reduced M0, M1 (same rows).
// [[Rcpp::export]]
Rcpp::NumericMatrix cpp_boot_draws(Rcpp::NumericVector a0, Rcpp::NumericVector a1,
                                   Rcpp::NumericMatrix R0, Rcpp::NumericMatrix R1, int type,
                                   bool enumerate, double seed, double first, int count,
                                   int threads) {
  using namespace pilotdid;
  const int G = a0.size(), L = R0.nrow();
  const bool has1 = R1.nrow() == L && L > 0 && R1.ncol() == G;
  MapMat R0m(R0.begin(), L, G), R1m(R1.begin(), has1 ? L : 0, has1 ? G : 0);
  MapVec a0m(a0.begin(), G), a1m(a1.begin(), a1.size());
  std::vector<double> out((size_t)count * 5);
  const uint64_t s = (uint64_t)seed, f = (uint64_t)first;
  (void)threads;
#ifdef _OPENMP
#pragma omp parallel num_threads(threads)
#endif
  {
    Vec v(G), m0(L), m1(L);
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
    for (int j = 0; j < count; ++j) {
      boot_weights(type, enumerate, s, f + (uint64_t)j, G, v.data());
      double* o = out.data() + (size_t)j * 5;
      m0.noalias() = R0m * v;
      o[0] = a0m.dot(v);
      o[2] = m0.squaredNorm();
      if (has1) {
        m1.noalias() = R1m * v;
        o[1] = a1m.dot(v);
        o[3] = m0.dot(m1);
        o[4] = m1.squaredNorm();
      } else {
        o[1] = o[3] = o[4] = 0.0;
      }
    }
  }
  Rcpp::NumericMatrix res(count, 5);
  for (int j = 0; j < count; ++j)
    for (int k = 0; k < 5; ++k) res(j, k) = out[(size_t)j * 5 + k];
  return res;
}

// Bootstrap weights of draws first .. first + count - 1 (count x G), for tests.
// [[Rcpp::export]]
Rcpp::NumericMatrix cpp_boot_weights(int G, int type, bool enumerate, double seed, double first,
                                     int count) {
  using namespace pilotdid;
  Rcpp::NumericMatrix res(count, G);
  std::vector<double> v(G);
  for (int j = 0; j < count; ++j) {
    boot_weights(type, enumerate, (uint64_t)seed, (uint64_t)first + (uint64_t)j, G, v.data());
    for (int g = 0; g < G; ++g) res(j, g) = v[g];
  }
  return res;
}

// Bootstrap p-value of t0 from the draw summaries S (count x 5) at residual
// weight lam (WCR; ignored with `wcr` false): symmetric (kind 0) or
// equal-tailed (kind 1); draws within `tol` of t0 count as at least as extreme.
// [[Rcpp::export]]
double cpp_boot_pvalue(Rcpp::NumericMatrix S, bool wcr, double lam, double cfac, double t0,
                       double tol, int kind) {
  const int n = S.nrow();
  const double* s0 = S.begin();
  const double *s1 = s0 + n, *s2 = s0 + 2 * (size_t)n, *s3 = s0 + 3 * (size_t)n, *s4 = s0 + 4 * (size_t)n;
  long ge_abs = 0, le = 0, ge = 0;
  for (int j = 0; j < n; ++j) {
    double num = s0[j], den = s2[j];
    if (wcr) {
      num += lam * s1[j];
      den += 2.0 * lam * s3[j] + lam * lam * s4[j];
    }
    const double t = num / std::sqrt(cfac * (den > 0 ? den : 0.0));
    if (std::fabs(t) >= std::fabs(t0) - tol) ++ge_abs;
    if (t <= t0 + tol) ++le;
    if (t >= t0 - tol) ++ge;
  }
  if (kind == 0) return (double)ge_abs / n;
  const double p = 2.0 * (double)std::min(le, ge) / n;
  return p < 1.0 ? p : 1.0;
}

// Joint Wald statistics of q restrictions, draws first .. first + count - 1:
// n = A v (A is q x G, row k the numerators of restriction k), Psi = [R_k v]_k
// (R is L x qG, block k the reduced scores of restriction k), W = n'(Psi'Psi)^-1 n
// (the small-sample factor is applied in R). Undefined draws give NaN.
// [[Rcpp::export]]
Rcpp::NumericVector cpp_boot_wald_draws(Rcpp::NumericMatrix A, Rcpp::NumericMatrix R, int type,
                                        bool enumerate, double seed, double first, int count,
                                        int threads) {
  using namespace pilotdid;
  const int q = A.nrow(), G = A.ncol(), L = R.nrow();
  MapMat Am(A.begin(), q, G), Rm(R.begin(), L, (size_t)q * G);
  std::vector<double> out(count);
  const uint64_t s = (uint64_t)seed, f = (uint64_t)first;
  struct Scratch { Vec v, num; Mat Psi, S; };
  auto make = [&]() { return Scratch{Vec(G), Vec(q), Mat(L, q), Mat(q, q)}; };
  for_each_draw(count, threads, make, [&](Scratch& sc, int j) {
    boot_weights(type, enumerate, s, f + (uint64_t)j, G, sc.v.data());
    sc.num.noalias() = Am * sc.v;
    for (int k = 0; k < q; ++k) sc.Psi.col(k).noalias() = Rm.middleCols((size_t)k * G, G) * sc.v;
    sc.S.noalias() = sc.Psi.transpose() * sc.Psi;
    Eigen::LDLT<Mat> ldlt(sc.S);
    out[j] = ldlt.info() != Eigen::Success || !(ldlt.vectorD().minCoeff() > 0) ?
      std::numeric_limits<double>::quiet_NaN() : sc.num.dot(ldlt.solve(sc.num));
  });
  return Rcpp::NumericVector(out.begin(), out.end());
}

// Multiplier bootstrap of influence functions (aggregate(cband = TRUE)): draw
// j gives max_k |sum_i v_i psi_ik / n| / se_k with Mammen weights v_i (one per
// unit) from the stream (seed, j). Draws first .. first + count - 1.
// [[Rcpp::export]]
Rcpp::NumericVector cpp_multiplier_draws(Rcpp::NumericMatrix inf, Rcpp::NumericVector se, double seed,
                                         double first, int count, int threads) {
  using namespace pilotdid;
  const int n = inf.nrow(), K = inf.ncol();
  MapMat Psi(inf.begin(), n, K);
  std::vector<double> out(count);
  const uint64_t s = (uint64_t)seed, f = (uint64_t)first;
  auto make = [&]() { return std::make_pair(Vec(n), Vec(K)); };
  for_each_draw(count, threads, make, [&](std::pair<Vec, Vec>& vb, int j) {
    boot_weights(MAMMEN, false, s, f + (uint64_t)j, n, vb.first.data());
    vb.second.noalias() = Psi.transpose() * vb.first;
    double mx = 0.0;
    for (int k = 0; k < K; ++k) mx = std::max(mx, std::fabs(vb.second[k] / n) / se[k]);
    out[j] = mx;
  });
  return Rcpp::NumericVector(out.begin(), out.end());
}
