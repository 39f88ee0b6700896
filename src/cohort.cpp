// cohort.cpp -- adoption timing row by row, in single passes: the cohort
// column read and checked (read_cohort()), and the event-time position of
// every row (event_study()).
#include "pilotdid.h"
#include <cmath>

// The cohort of every row with NA, 0 and +-Inf read as never treated (Inf),
// and `bad`: the first row (1-based; 0 if none) whose cohort differs from
// that of the first row of its unit. `unit`: 0-based codes of G levels; rows
// where `ok` is FALSE (a missing unit) are not checked (`ok` empty: every row
// is checked).
// [[Rcpp::export]]
Rcpp::List cpp_cohort_rows(Rcpp::NumericVector g, Rcpp::IntegerVector unit, int G,
                           Rcpp::LogicalVector ok) {
  const R_xlen_t N = g.size();
  if (unit.size() != N || (ok.size() != 0 && ok.size() != N)) Rcpp::stop("Internal error: lengths differ.");
  Rcpp::NumericVector out(Rcpp::no_init(N));
  std::vector<double> first(G, 0.0);
  std::vector<char> seen(G, 0);
  const bool check_all = ok.size() == 0;
  R_xlen_t bad = 0;
  for (R_xlen_t i = 0; i < N; ++i) {
    double v = g[i];
    if (std::isnan(v) || v == 0.0 || std::isinf(v)) v = R_PosInf;
    out[i] = v;
    if (!check_all && ok[i] != TRUE) continue;
    const int u = unit[i];
    if (!seen[u]) {
      seen[u] = 1;
      first[u] = v;
    } else if (first[u] != v && bad == 0) {
      bad = i + 1;
    }
  }
  return Rcpp::List::create(Rcpp::Named("g") = out, Rcpp::Named("bad") = (double)bad);
}

// The event-time position of every row: relative time r = time - cohort,
// binned into the window [lo, hi] when `bin`, as its position 1..P in the
// window (P = hi - lo + 1); 0 for rows of never-treated units (cohort Inf);
// NA where the time is missing; -1 outside the window (bin = FALSE). Also
// `counts` (rows of treated units per position), `n_treated` (rows with a
// finite cohort), `n_pre` (of them, rows with r < 0), `n_out` (rows at -1),
// `n_inf_time` (rows with an infinite time), `n_frac` and `frac` (rows with a
// fractional r, and the first such r). `time`: double or integer.
// [[Rcpp::export]]
Rcpp::List cpp_event_positions(SEXP time, Rcpp::NumericVector cohort, int lo, int hi, bool bin) {
  const R_xlen_t N = cohort.size();
  if (Rf_xlength(time) != N) Rcpp::stop("Internal error: lengths differ.");
  const bool is_int = TYPEOF(time) == INTSXP;
  if (!is_int && TYPEOF(time) != REALSXP) Rcpp::stop("Internal error: time must be numeric.");
  const int* ti = is_int ? INTEGER(time) : 0;
  const double* td = is_int ? 0 : REAL(time);
  const int P = hi - lo + 1;
  Rcpp::IntegerVector pos(Rcpp::no_init(N)), counts(P);
  double n_treated = 0, n_pre = 0, n_out = 0, n_inf = 0, n_frac = 0, frac = NA_REAL;
  for (R_xlen_t i = 0; i < N; ++i) {
    double t;
    if (is_int) t = ti[i] == NA_INTEGER ? NA_REAL : (double)ti[i];
    else t = td[i];
    if (std::isinf(t)) {             // an error in R; no position
      ++n_inf;
      pos[i] = NA_INTEGER;
      continue;
    }
    const double c = cohort[i];
    if (std::isinf(c)) {             // never treated
      pos[i] = 0;
      continue;
    }
    ++n_treated;
    if (std::isnan(t)) {
      pos[i] = NA_INTEGER;
      continue;
    }
    const double r = t - c;
    if (r != std::floor(r)) {
      if (n_frac == 0) frac = r;
      ++n_frac;
      pos[i] = NA_INTEGER;
      continue;
    }
    if (r < 0) ++n_pre;
    double rb = r;
    if (bin) rb = std::min(std::max(r, (double)lo), (double)hi);
    if (rb < lo || rb > hi) {
      pos[i] = -1;
      ++n_out;
      continue;
    }
    const int p = (int)(rb - lo);
    pos[i] = p + 1;
    ++counts[p];
  }
  return Rcpp::List::create(Rcpp::Named("pos") = pos, Rcpp::Named("counts") = counts,
                            Rcpp::Named("n_treated") = n_treated, Rcpp::Named("n_pre") = n_pre,
                            Rcpp::Named("n_out") = n_out, Rcpp::Named("n_inf_time") = n_inf,
                            Rcpp::Named("n_frac") = n_frac, Rcpp::Named("frac") = frac);
}
