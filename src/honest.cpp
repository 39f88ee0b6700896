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
  const int V = static_cast<int>(out.size()) / N;
  Mat G(V, N);
  for (int v = 0; v < V; ++v)
    for (int i = 0; i < N; ++i) G(v, i) = out[static_cast<size_t>(v) * N + i];
  return G;
}

}  // namespace pilotdid

// [[Rcpp::export]]
Eigen::MatrixXd cpp_dual_vertices(Eigen::Map<Eigen::MatrixXd> W, double tol) {
  if (W.cols() < 1 || W.rows() < W.cols()) Rcpp::stop("Internal error: bad dual LP dimensions.");
  return pilotdid::dual_vertices(W, tol);
}
