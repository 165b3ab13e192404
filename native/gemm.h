#pragma once
#include <cstdint>

namespace memrec {

// C = op(A) op(B) for row-major C [M x N]; op(A) is [M x K] (A stored [K x M] when transA), op(B) is [K x N]
// (B stored [N x K] when transB); lda, ldb, ldc are the stored row strides. Needs K > 0. Each element of C is
// accumulated in a fixed order that does not depend on M, N or where the tile lies in C, so any split of C
// into slices gives bit-identical results. Safe to call from several threads at once.
void builtinSgemm(bool transA, bool transB, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda,
                  const float* B, int64_t ldb, float* C, int64_t ldc);

// The instruction set the builtin kernel was compiled for: "avx512", "avx2" or "generic".
const char* builtinSimd();

}  // namespace memrec
