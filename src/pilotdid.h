// pilotdid.h -- the one shared header of pilotdid's C++ core.
//
// Conventions (every kernel uses these names):
//   N  rows of the estimation sample       K  columns (variables) processed
//   Q  fixed-effect dimensions             G  levels of one dimension
//   fe codes arrive from R as 0-based int  w  observation weights (all 1 when unweighted)
// Kernels live in namespace pilotdid, take Eigen::Map views / std types only and
// never touch the R API, so they are safe inside OpenMP regions. Each .cpp file
// ends with the thin // [[Rcpp::export]] wrappers cpp_<job>().
#ifndef PILOTDID_H
#define PILOTDID_H

#include <RcppEigen.h>
#include <vector>
#include <cstdint>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace pilotdid {

typedef Eigen::MatrixXd Mat;
typedef Eigen::VectorXd Vec;
typedef Eigen::VectorXi IVec;
typedef Eigen::Map<Eigen::MatrixXd> MapMat;
typedef Eigen::Map<Eigen::VectorXd> MapVec;
typedef Eigen::Map<Eigen::VectorXi> MapIVec;

// Fixed-effect design: Q dimensions of integer codes over N rows.
struct FixedEffects {
  int N;
  int Q;
  std::vector<const int*> code;   // code[q][i] in 0..G[q]-1
  std::vector<int> G;             // levels per dimension
  const double* w;                // weights, length N (never null)
};

// Number of chunks used for deterministic parallel reductions: results do not
// depend on the number of threads because chunk boundaries do not.
const int N_CHUNKS = 64;

inline int chunk_begin(int n, int c) { return (int)(((int64_t)n * c) / N_CHUNKS); }

} // namespace pilotdid

#endif
