// match.cpp -- greedy nearest-neighbour matching on a scalar distance (the
// propensity score or its logit), the rule of MatchIt's method = "nearest".
//
// Within each cell (all rows, or one period), rows are sorted by distance (stable:
// ties keep row order). Treated units are visited in the order given by R, once
// per round r = 1..ratio: a unit takes the closest usable control on its left
// (lower distance) and on its right, and the nearer of the two, the left one on a
// tie. A control is usable when it is still available (without replacement: not
// matched yet) and not already matched to this treated unit. With a caliper, only
// the closest usable control on each side is looked at: if it lies outside the
// caliper, nothing farther does either.
//
// Used controls are skipped in near-constant time by two union-find arrays over
// the controls in sorted order ("next available control to the right / left"),
// so a cell of N rows costs O(N log N) for the sort and O(N alpha(N)) after it.
// Cells are independent and run in parallel; results do not depend on threads.
//
// Conventions: N rows, T treated units (all cells), R = ratio; distances arrive
// finite and treated indicators as 0/1 (checked in R).
#include "pilotdid.h"
#include <algorithm>
#include <cmath>
#include <limits>

namespace pilotdid {

// Union-find "next available slot at or after j" over slots 0..n-1, with the
// sentinel n. A used slot j points to j + 1.
struct NextFree {
  std::vector<int> parent;
  explicit NextFree(int n) : parent(n + 1) {
    for (int j = 0; j <= n; ++j) parent[j] = j;
  }
  int find(int j) {
    while (parent[j] != j) {
      parent[j] = parent[parent[j]];   // path halving
      j = parent[j];
    }
    return j;
  }
  void use(int j) { parent[j] = j + 1; }
};

struct MatchSpec {
  int ratio;
  bool replace;
};

// Match the treated units of one cell. `rows`: the cell's row indices; `visit`:
// its treated units (indices 0..T-1 among all treated) in matching order;
// `treated_row`: row index of each treated unit; `caliper` < 0 means none.
// `before` (length N, shared): scratch written only at this cell's rows.
// Writes mm[t + T * r] = matched row (0-based) or leaves -1.
static void match_cell(const double* dist, const int* treat, const std::vector<int>& rows,
                       const std::vector<int>& visit, const int* treated_row, int T,
                       double caliper, const MatchSpec& spec, int* before, int* mm) {
  std::vector<int> sorted(rows);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [dist](int a, int b) { return dist[a] < dist[b]; });

  // controls in sorted order; for each treated row, the number of controls sorted
  // before it: its first control on the right (minus one: on the left)
  std::vector<int> ctrl_row;
  std::vector<double> ctrl_dist;
  for (size_t k = 0; k < sorted.size(); ++k) {
    const int i = sorted[k];
    if (treat[i] == 0) {
      ctrl_row.push_back(i);
      ctrl_dist.push_back(dist[i]);
    } else {
      before[i] = (int)ctrl_row.size();
    }
  }
  const int n0 = (int)ctrl_row.size();
  if (n0 == 0 || visit.empty()) return;

  NextFree right(n0);      // slot j = control j
  NextFree left(n0);       // slot j = control n0 - 1 - j (mirrored)
  int available = n0;
  const bool use_cal = caliper >= 0;
  const int R = spec.ratio;

  for (int r = 0; r < R && available > 0; ++r) {
    for (size_t v = 0; v < visit.size() && available > 0; ++v) {
      const int t = visit[v];
      const double dt = dist[treated_row[t]];
      const int first_right = before[treated_row[t]];
      // already matched to t in earlier rounds (only reachable with replacement)
      auto taken_by_t = [&](int c) {
        const int row = ctrl_row[c];
        for (int s = 0; s < r; ++s) if (mm[t + (int64_t)T * s] == row) return true;
        return false;
      };
      int cr = right.find(first_right);
      while (cr < n0 && taken_by_t(cr)) cr = right.find(cr + 1);
      int cl = first_right - 1;
      if (cl >= 0) {
        const int m = left.find(n0 - 1 - cl);
        cl = n0 - 1 - m;
        while (cl >= 0 && taken_by_t(cl)) cl = n0 - 1 - left.find(n0 - cl);
      }
      bool ok_l = cl >= 0, ok_r = cr < n0;
      const double gap_l = ok_l ? std::abs(dt - ctrl_dist[cl]) : 0.0;
      const double gap_r = ok_r ? std::abs(ctrl_dist[cr] - dt) : 0.0;
      if (use_cal) {
        ok_l = ok_l && !(gap_l > caliper);
        ok_r = ok_r && !(gap_r > caliper);
      }
      int c;
      if (ok_l && ok_r) c = gap_l <= gap_r ? cl : cr;
      else if (ok_l) c = cl;
      else if (ok_r) c = cr;
      else continue;
      mm[t + (int64_t)T * r] = ctrl_row[c];
      if (!spec.replace) {
        right.use(c);
        left.use(n0 - 1 - c);
        --available;
      }
    }
  }
}

} // namespace pilotdid

// [[Rcpp::export]]
Rcpp::IntegerMatrix cpp_match_nearest(Rcpp::NumericVector distance, Rcpp::IntegerVector treat,
                                      Rcpp::IntegerVector cell, int n_cells,
                                      Rcpp::IntegerVector order, Rcpp::NumericVector caliper,
                                      int ratio, bool replace, int threads) {
  using namespace pilotdid;
  const int N = distance.size();
  std::vector<int> treated_row;
  for (int i = 0; i < N; ++i) if (treat[i] == 1) treated_row.push_back(i);
  const int T = (int)treated_row.size();
  if ((int)order.size() != T || (int)caliper.size() != n_cells || ratio < 1) {
    Rcpp::stop("Internal error: cpp_match_nearest() got inconsistent arguments.");
  }
  std::vector<std::vector<int> > rows(n_cells), visit(n_cells);
  for (int i = 0; i < N; ++i) {
    if (cell[i] < 0 || cell[i] >= n_cells) Rcpp::stop("Internal error: cell code out of range.");
    rows[cell[i]].push_back(i);
  }
  for (int k = 0; k < T; ++k) {
    const int t = order[k];
    if (t < 0 || t >= T) Rcpp::stop("Internal error: treated order out of range.");
    visit[cell[treated_row[t]]].push_back(t);
  }
  std::vector<int> mm((size_t)T * ratio, -1);
  const MatchSpec spec = {ratio, replace};
  const double* d = distance.begin();
  const int* tr = treat.begin();
  std::vector<double> cal(caliper.begin(), caliper.end());
  std::vector<int> before(N, 0);
  (void)threads;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic) num_threads(threads)
#endif
  for (int g = 0; g < n_cells; ++g) {
    const double cg = std::isfinite(cal[g]) ? cal[g] : -1.0;
    match_cell(d, tr, rows[g], visit[g], treated_row.data(), T, cg, spec, before.data(), mm.data());
  }
  Rcpp::IntegerMatrix out(T, ratio);
  for (size_t k = 0; k < mm.size(); ++k) out[k] = mm[k] < 0 ? NA_INTEGER : mm[k] + 1;
  return out;
}
