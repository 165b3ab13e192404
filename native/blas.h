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
};

// OpenBLAS loaded with dlopen on first call (never unloaded), set to one thread so that threading (and so
// determinism) stays ours. Absent when MEMREC_NATIVE_BLAS=builtin or when no library is found.
const Blas& blas();

}  // namespace memrec
