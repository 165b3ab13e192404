#pragma once
#include <string>

namespace memrec {

// cblas_sgemm's C signature, declared here because the build must not need OpenBLAS's headers; the enums
// are passed as ints (CblasRowMajor = 101, CblasNoTrans = 111, CblasTrans = 112).
using CblasSgemm = void (*)(int order, int transA, int transB, int M, int N, int K, float alpha, const float* A,
                            int lda, const float* B, int ldb, float beta, float* C, int ldc);

struct Blas {
  CblasSgemm sgemm = nullptr;  // null: no OpenBLAS, use the builtin kernel
  std::string path;            // the loaded library's resolved path
  std::string config;          // openblas_get_config(): version, build options and the CPU core of its kernels
  int threads = 0;             // openblas_get_num_threads() once set to one: the threads of one sgemm call
  // An OpenMP build of OpenBLAS takes its thread count from the calling thread's OpenMP setting, which
  // openblas_set_num_threads sets on the loading thread only: each other thread sets its own (sgemm below).
  void (*ompSetNumThreads)(int) = nullptr;
};

// OpenBLAS loaded with dlopen on first call (never unloaded), set to one thread so that threading (and so
// determinism) stays ours. Absent when MEMREC_NATIVE_BLAS=builtin, when no library is found, or when the
// library found cannot be held to one thread.
const Blas& blas();

// C [M x N] = op(A) op(B) through OpenBLAS on the calling thread alone (row-major; see builtinSgemm for the
// layout). Needs blas().sgemm.
void blasSgemm(bool transA, bool transB, int M, int N, int K, const float* A, int lda, const float* B, int ldb,
               float* C, int ldc);

}  // namespace memrec
