// honest.cpp -- vertices of the dual polytope of the ARP moment-inequality LP.
//
// The Andrews-Roth-Pakes (ARP) test statistic of honest_did() is the value of
//   eta(y) = min_{eta, delta} eta  s.t.  y - X delta <= eta * sd,
// whose dual is eta(y) = max { g'y : g >= 0, sd'g = 1, X'g = 0 }. The dual
// feasible set P = { g >= 0 : W'g = e1 }, W = [sd, X] (N rows, K columns of
// full column rank, sd > 0), is a bounded polytope that depends neither on y
// nor on the parameter tested, so once its vertices are known every LP of the
// test (one per grid value, one per least-favourable draw) is a maximum over
// the vertex set. A vertex is a basic feasible solution: K rows S with W_S
// invertible and g_S = W_S'^{-1} e1 >= 0, g = 0 elsewhere. The vertex count is
// at most choose(N, K); R only calls this for small problems.
#include "pilotdid.h"
#include <algorithm>
#include <cmath>
#include <limits>

namespace pilotdid {

// Append the vertex of basis `rows` to `out` when it is feasible (g >= -tol).
static void basis_vertex(const MapMat& W, const std::vector<int>& rows, double tol,
                         std::vector<double>& out) {
  const int K = W.cols();
  Mat WS(K, K);
  for (int a = 0; a < K; ++a) WS.row(a) = W.row(rows[a]);
  Eigen::FullPivLU<Mat> lu(WS.transpose());
  if (lu.rank() < K) return;
  Vec e1 = Vec::Zero(K);
  e1(0) = 1.0;
  Vec g = lu.solve(e1);
  if (!((WS.transpose() * g - e1).cwiseAbs().maxCoeff() <= 1e-9)) return;
  double scale = g.cwiseAbs().maxCoeff();
  for (int a = 0; a < K; ++a) {
    if (g(a) < -tol * scale) return;
  }
  const int N = W.rows();
  std::vector<double> full(N, 0.0);
  for (int a = 0; a < K; ++a) full[rows[a]] = g(a) > 0.0 ? g(a) : 0.0;
  out.insert(out.end(), full.begin(), full.end());
}

// Enumerate the bases of size K in lexicographic order.
Mat dual_vertices(const MapMat& W, double tol) {
  const int N = W.rows(), K = W.cols();
  std::vector<double> out;
  std::vector<int> rows(K);
  for (int a = 0; a < K; ++a) rows[a] = a;
  while (true) {
    basis_vertex(W, rows, tol, out);
    int a = K - 1;
    while (a >= 0 && rows[a] == N - K + a) --a;
    if (a < 0) break;
    ++rows[a];
    for (int b = a + 1; b < K; ++b) rows[b] = rows[b - 1] + 1;
  }
  // Degenerate vertices are reached from several bases: keep the first copy.
  const int V = static_cast<int>(out.size()) / N;
  std::vector<int> keep;
  for (int v = 0; v < V; ++v) {
    bool dup = false;
    for (size_t k = 0; k < keep.size() && !dup; ++k) {
      const double* a = &out[static_cast<size_t>(v) * N];
      const double* b = &out[static_cast<size_t>(keep[k]) * N];
      dup = true;
      for (int i = 0; i < N && dup; ++i) dup = std::abs(a[i] - b[i]) <= 1e-10;
    }
    if (!dup) keep.push_back(v);
  }
  Mat G(keep.size(), N);
  for (size_t v = 0; v < keep.size(); ++v)
    for (int i = 0; i < N; ++i) G(v, i) = out[static_cast<size_t>(keep[v]) * N + i];
  return G;
}

// Largest element of each row of Z * VR' (Z draws by rows, VR vertices by
// rows, already multiplied by the root of the covariance): the LP value at
// each least-favourable draw.
Vec max_over_vertices(const MapMat& VR, const MapMat& Z) {
  Mat P = Z * VR.transpose();
  return P.rowwise().maxCoeff();
}

// The conditional ARP test at each theta (arp_accept() in R): the LP value
// eta = max_v (Vy_v - Va_v theta), its first maximising vertex b, and the
// truncation interval [vlo, vup] of gamma_b'y given that b stays optimal,
// vlo = max over rows with 1 - P_vb / P_bb > tol of
// (vals_v - P_vb / P_bb * eta) / (1 - P_vb / P_bb), vup the min over rows
// with the ratio below -tol. Columns of the result: index (1-based), eta,
// P_bb, vlo, vup.
Mat arp_conditional(const MapVec& Vy, const MapVec& Va, const MapMat& P, const MapVec& theta) {
  const int nv = Vy.size(), nt = theta.size();
  const double tol = 1e-10, inf = std::numeric_limits<double>::infinity();
  Mat out(nt, 5);
  Vec vals(nv);
  for (int t = 0; t < nt; ++t) {
    vals = Vy - Va * theta(t);
    int b = 0;
    for (int v = 1; v < nv; ++v) if (vals(v) > vals(b)) b = v;
    const double eta = vals(b), s2 = P(b, b);
    double vlo = -inf, vup = inf;
    for (int v = 0; v < nv; ++v) {
      const double vb = P(v, b) / s2, den = 1.0 - vb, vs = vals(v) - vb * eta;
      if (den > tol) vlo = std::max(vlo, vs / den);
      if (den < -tol) vup = std::min(vup, vs / den);
    }
    out(t, 0) = b + 1;
    out(t, 1) = eta;
    out(t, 2) = s2;
    out(t, 3) = vlo;
    out(t, 4) = vup;
  }
  return out;
}

// k-th smallest (1-based) of |z + mu| over the sorted draws z: the union of
// the increasing sequences a_i = z[j0 + i] + mu and b_i = -(z[j0 + 1 - i] + mu),
// j0 = #{z < -mu}, found by binary search on the split.
double folded_kth(const MapVec& z, double mu, long k) {
  const long n = z.size();
  const double inf = std::numeric_limits<double>::infinity();
  const long j0 = std::lower_bound(z.data(), z.data() + n, -mu) - z.data();
  auto a = [&](long i) { return i < 1 ? -inf : (i > n - j0 ? inf : z(j0 + i - 1) + mu); };
  auto b = [&](long i) { return i < 1 ? -inf : (i > j0 ? inf : -(z(j0 - i) + mu)); };
  long lo = std::max(0L, k - j0), hi = std::min(k, n - j0);
  while (lo < hi) {
    const long i = (lo + hi) / 2;
    if (a(i + 1) < b(k - i)) lo = i + 1; else hi = i;
  }
  return std::max(a(lo), b(k - lo));
}

// Type-7 quantile p of |z + mu| (stats::quantile() of the draws).
double folded_quantile(const MapVec& z, double mu, double p) {
  const double h = 1.0 + (z.size() - 1.0) * p;
  const long k = static_cast<long>(std::floor(h));
  const double x1 = folded_kth(z, mu, k);
  const double x2 = h > k ? folded_kth(z, mu, k + 1) : x1;
  return x1 + (h - k) * (x2 - x1);
}

}  // namespace pilotdid

// [[Rcpp::export]]
Eigen::MatrixXd cpp_dual_vertices(Eigen::Map<Eigen::MatrixXd> W, double tol) {
  if (W.cols() < 1 || W.rows() < W.cols()) Rcpp::stop("Internal error: bad dual LP dimensions.");
  return pilotdid::dual_vertices(W, tol);
}

// [[Rcpp::export]]
Eigen::VectorXd cpp_max_over_vertices(Eigen::Map<Eigen::MatrixXd> VR, Eigen::Map<Eigen::MatrixXd> Z) {
  if (VR.cols() != Z.cols()) Rcpp::stop("Internal error: non-conformable vertices and draws.");
  return pilotdid::max_over_vertices(VR, Z);
}

// [[Rcpp::export]]
Eigen::MatrixXd cpp_arp_conditional(Eigen::Map<Eigen::VectorXd> Vy, Eigen::Map<Eigen::VectorXd> Va,
                                    Eigen::Map<Eigen::MatrixXd> P, Eigen::Map<Eigen::VectorXd> theta) {
  if (Vy.size() < 1 || Va.size() != Vy.size() || P.rows() != Vy.size() || P.cols() != Vy.size())
    Rcpp::stop("Internal error: bad ARP dimensions.");
  return pilotdid::arp_conditional(Vy, Va, P, theta);
}

// [[Rcpp::export]]
double cpp_folded_quantile(Eigen::Map<Eigen::VectorXd> z, double mu, double p) {
  if (z.size() < 2 || !(p >= 0.0 && p <= 1.0)) Rcpp::stop("Internal error: bad folded-normal input.");
  return pilotdid::folded_quantile(z, mu, p);
}
