// A packed, blocked sgemm in the GotoBLAS layout: B is packed into KC x NR micro-panels, A into MR x KC
// micro-panels, and an MR x NR register tile of C is accumulated over KC at a time.
#include "gemm.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#endif

namespace memrec {
namespace {

#if defined(__AVX512F__)
constexpr int64_t MR = 12, NR = 32;  // 24 zmm accumulators
#elif defined(__AVX2__) && defined(__FMA__)
constexpr int64_t MR = 6, NR = 16;  // 12 ymm accumulators
#else
constexpr int64_t MR = 4, NR = 16;
#endif
constexpr int64_t KC = 256;      // a KC x NR micro-panel of B stays in L1
constexpr int64_t MC = 8 * MR;   // the packed MC x KC block of A stays in L2
constexpr int64_t NC = 64 * NR;  // the packed KC x NC block of B stays in L3

// A per-thread, 64-byte aligned scratch buffer that only grows.
class Scratch {
 public:
  ~Scratch() { std::free(data_); }
  float* get(int64_t floats) {
    if (floats > capacity_) {
      std::free(data_);
      const size_t bytes = (static_cast<size_t>(floats) * sizeof(float) + 63) / 64 * 64;
      data_ = static_cast<float*>(std::aligned_alloc(64, bytes));
      if (data_ == nullptr) std::abort();
      capacity_ = floats;
    }
    return data_;
  }

 private:
  float* data_ = nullptr;
  int64_t capacity_ = 0;
};

// op(A) rows [0, mc) and columns [0, kc), element (i, p) at A[i * rs + p * cs], into micro-panels of MR rows:
// panel r holds, for each p, its MR values contiguously; rows past mc are zero.
void packA(const float* A, int64_t rs, int64_t cs, int64_t mc, int64_t kc, float* out) {
  for (int64_t i0 = 0; i0 < mc; i0 += MR) {
    const int64_t rows = std::min(MR, mc - i0);
    float* panel = out + i0 * kc;
    for (int64_t p = 0; p < kc; ++p) {
      float* dst = panel + p * MR;
      for (int64_t r = 0; r < rows; ++r) dst[r] = A[(i0 + r) * rs + p * cs];
      for (int64_t r = rows; r < MR; ++r) dst[r] = 0.f;
    }
  }
}

// op(B) rows [0, kc) and columns [0, nc), element (p, j) at B[p * rs + j * cs], into micro-panels of NR
// columns: panel j holds, for each p, its NR values contiguously; columns past nc are zero.
void packB(const float* B, int64_t rs, int64_t cs, int64_t kc, int64_t nc, float* out) {
  for (int64_t j0 = 0; j0 < nc; j0 += NR) {
    const int64_t cols = std::min(NR, nc - j0);
    float* panel = out + j0 * kc;
    for (int64_t p = 0; p < kc; ++p) {
      float* dst = panel + p * NR;
      const float* src = B + p * rs + j0 * cs;
      if (cs == 1) {
        std::memcpy(dst, src, cols * sizeof(float));
      } else {
        for (int64_t c = 0; c < cols; ++c) dst[c] = src[c * cs];
      }
      for (int64_t c = cols; c < NR; ++c) dst[c] = 0.f;
    }
  }
}

// The MR x NR tile at C (row stride ldc) becomes acc, or C + acc when !first, where acc is the sum over
// p in [0, kc) of a[p] * b[p], accumulated in order of p.
#if defined(__AVX512F__)
void kernel(int64_t kc, const float* __restrict a, const float* __restrict b, float* C, int64_t ldc, bool first) {
  __m512 lo[MR], hi[MR];
  for (int r = 0; r < MR; ++r) lo[r] = hi[r] = _mm512_setzero_ps();
  for (int64_t p = 0; p < kc; ++p, a += MR, b += NR) {
    const __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16);
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) {
      const __m512 ar = _mm512_set1_ps(a[r]);
      lo[r] = _mm512_fmadd_ps(ar, b0, lo[r]);
      hi[r] = _mm512_fmadd_ps(ar, b1, hi[r]);
    }
  }
  for (int r = 0; r < MR; ++r, C += ldc) {
    if (!first) {
      lo[r] = _mm512_add_ps(_mm512_loadu_ps(C), lo[r]);
      hi[r] = _mm512_add_ps(_mm512_loadu_ps(C + 16), hi[r]);
    }
    _mm512_storeu_ps(C, lo[r]);
    _mm512_storeu_ps(C + 16, hi[r]);
  }
}
#elif defined(__AVX2__) && defined(__FMA__)
void kernel(int64_t kc, const float* __restrict a, const float* __restrict b, float* C, int64_t ldc, bool first) {
  __m256 lo[MR], hi[MR];
  for (int r = 0; r < MR; ++r) lo[r] = hi[r] = _mm256_setzero_ps();
  for (int64_t p = 0; p < kc; ++p, a += MR, b += NR) {
    const __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) {
      const __m256 ar = _mm256_broadcast_ss(a + r);
      lo[r] = _mm256_fmadd_ps(ar, b0, lo[r]);
      hi[r] = _mm256_fmadd_ps(ar, b1, hi[r]);
    }
  }
  for (int r = 0; r < MR; ++r, C += ldc) {
    if (!first) {
      lo[r] = _mm256_add_ps(_mm256_loadu_ps(C), lo[r]);
      hi[r] = _mm256_add_ps(_mm256_loadu_ps(C + 8), hi[r]);
    }
    _mm256_storeu_ps(C, lo[r]);
    _mm256_storeu_ps(C + 8, hi[r]);
  }
}
#else
void kernel(int64_t kc, const float* __restrict a, const float* __restrict b, float* C, int64_t ldc, bool first) {
  float acc[MR][NR] = {};
  for (int64_t p = 0; p < kc; ++p, a += MR, b += NR) {
    for (int r = 0; r < MR; ++r) {
      for (int c = 0; c < NR; ++c) acc[r][c] += a[r] * b[c];
    }
  }
  for (int r = 0; r < MR; ++r, C += ldc) {
    for (int c = 0; c < NR; ++c) C[c] = first ? acc[r][c] : C[c] + acc[r][c];
  }
}
#endif

// A tile cut by the edge of C: computed whole into a buffer, then its rows x cols corner is applied.
void edgeKernel(int64_t kc, const float* a, const float* b, float* C, int64_t ldc, bool first, int64_t rows,
                int64_t cols) {
  alignas(64) float tile[MR * NR];
  kernel(kc, a, b, tile, NR, true);
  for (int64_t r = 0; r < rows; ++r, C += ldc) {
    for (int64_t c = 0; c < cols; ++c) C[c] = first ? tile[r * NR + c] : C[c] + tile[r * NR + c];
  }
}

}  // namespace

void builtinSgemm(bool transA, bool transB, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda,
                  const float* B, int64_t ldb, float* C, int64_t ldc) {
  const int64_t rsA = transA ? 1 : lda, csA = transA ? lda : 1;
  const int64_t rsB = transB ? 1 : ldb, csB = transB ? ldb : 1;
  thread_local Scratch scratchA, scratchB;
  float* packedA = scratchA.get(MC * KC);
  float* packedB = scratchB.get(KC * std::min(NC, (N + NR - 1) / NR * NR));
  for (int64_t jc = 0; jc < N; jc += NC) {
    const int64_t nc = std::min(NC, N - jc);
    for (int64_t pc = 0; pc < K; pc += KC) {
      const int64_t kc = std::min(KC, K - pc);
      const bool first = pc == 0;
      packB(B + pc * rsB + jc * csB, rsB, csB, kc, nc, packedB);
      for (int64_t ic = 0; ic < M; ic += MC) {
        const int64_t mc = std::min(MC, M - ic);
        packA(A + ic * rsA + pc * csA, rsA, csA, mc, kc, packedA);
        for (int64_t jr = 0; jr < nc; jr += NR) {
          for (int64_t ir = 0; ir < mc; ir += MR) {
            const float* a = packedA + ir * kc;
            const float* b = packedB + jr * kc;
            float* c = C + (ic + ir) * ldc + jc + jr;
            if (ir + MR <= mc && jr + NR <= nc) {
              kernel(kc, a, b, c, ldc, first);
            } else {
              edgeKernel(kc, a, b, c, ldc, first, std::min(MR, mc - ir), std::min(NR, nc - jr));
            }
          }
        }
      }
    }
  }
}

const char* builtinSimd() {
#if defined(__AVX512F__)
  return "avx512";
#elif defined(__AVX2__) && defined(__FMA__)
  return "avx2";
#else
  return "generic";
#endif
}

}  // namespace memrec
