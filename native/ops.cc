#include "ops.h"

#include <algorithm>

#include "blas.h"
#include "gemm.h"
#include "thread_pool.h"

namespace memrec {
namespace {

// Below this much work, waking the workers costs more than it saves.
constexpr double kMinParallelMacs = 1 << 18;
constexpr double kMinParallelAdds = 1 << 17;
// Larger products are cut into this many blocks: the default pool's size, so that it runs each product at
// full speed and gives the bits that the earlier cut per thread gave it. Finer cuts would let larger pools
// share single products too, but each block packs the other operand again: on 1 thread, 4 or 8 blocks took
// 11-90% longer than one call for long-k products such as a weight gradient's [64 x 6400] @ [6400 x 64],
// 2 blocks 3-16%.
constexpr int kBlocks = 2;

// C [M x N] (row stride ldc) = op(A) op(B), through OpenBLAS when loaded.
void sgemm(bool transA, bool transB, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda,
           const float* B, int64_t ldb, float* C, int64_t ldc) {
  if (M == 0 || N == 0) return;
  if (K == 0) {
    for (int64_t i = 0; i < M; ++i) std::fill(C + i * ldc, C + i * ldc + N, 0.f);
    return;
  }
  if (blas().sgemm != nullptr) {
    // The caller checked that every dimension fits an int.
    blasSgemm(transA, transB, static_cast<int>(M), static_cast<int>(N), static_cast<int>(K), A,
              static_cast<int>(lda), B, static_cast<int>(ldb), C, static_cast<int>(ldc));
  } else {
    builtinSgemm(transA, transB, M, N, K, A, lda, B, ldb, C, ldc);
  }
}

// Rows [i0, i1) x columns [j0, j1) of out[bo].
void matmulSlice(const Matmul& op, int64_t bo, int64_t i0, int64_t i1, int64_t j0, int64_t j1) {
  const float* A = op.a + (op.batchA == 1 ? 0 : bo) * op.m * op.k;
  const float* B = op.b + (op.batchB == 1 ? 0 : bo) * op.k * op.n;
  const int64_t lda = op.transA ? op.m : op.k;
  const int64_t ldb = op.transB ? op.k : op.n;
  sgemm(op.transA, op.transB, i1 - i0, j1 - j0, op.k, op.transA ? A + i0 : A + i0 * op.k, lda,
        op.transB ? B + j0 * op.k : B + j0, ldb, op.out + bo * op.m * op.n + i0 * op.n + j0, op.n);
}

}  // namespace

// A product is cut into blocks, whole matrices or slices of one, each computed by single-threaded sgemm calls.
// The cut depends on the shape alone, never on the thread count: OpenBLAS's result for an element depends on
// the shape of the call that computes it (its kernels treat the edges of a call differently), so a cut per
// thread gave different bits on 1 and 2 threads. (The builtin kernel's results depend on neither.)
void matmul(const Matmul& op) {
  if (op.batch == 0 || op.m == 0 || op.n == 0) return;
  const double macs = static_cast<double>(op.batch) * op.m * op.n * std::max<int64_t>(op.k, 1);
  const auto wholeMatrices = [&](int64_t b0, int64_t b1) {
    for (int64_t bo = b0; bo < b1; ++bo) matmulSlice(op, bo, 0, op.m, 0, op.n);
  };
  if (macs < kMinParallelMacs) {
    wholeMatrices(0, op.batch);
  } else if (op.batch >= kBlocks) {
    // Runs of whole matrices: one part per matrix would cost 7-18% more on 128 small ones (the parts'
    // shared counters go back and forth between the cores).
    pool().run(kBlocks, [&](int part) {
      wholeMatrices(splitPoint(op.batch, part, kBlocks), splitPoint(op.batch, part + 1, kBlocks));
    });
  } else {
    // Each matrix in slices of its longer side (the other operand, packed again by every slice, is then the
    // smaller one).
    const int slices = static_cast<int>((kBlocks + op.batch - 1) / op.batch);
    const bool byRows = op.m >= op.n;
    const int64_t side = byRows ? op.m : op.n;
    pool().run(static_cast<int>(op.batch) * slices, [&](int part) {
      const int bo = part / slices, slice = part % slices;
      const int64_t s0 = splitPoint(side, slice, slices), s1 = splitPoint(side, slice + 1, slices);
      if (byRows) {
        matmulSlice(op, bo, s0, s1, 0, op.n);
      } else {
        matmulSlice(op, bo, 0, op.m, s0, s1);
      }
    });
  }
}

void unsortedSegmentSum(const float* data, const int32_t* ids, int64_t rows, int64_t segments, int64_t inner,
                        float* out) {
  const double adds = static_cast<double>(rows) * inner;
  const int parts = adds < kMinParallelAdds || inner < 64 ? 1 : pool().size();
  // Each part owns a block of columns of every row of out, so no two parts write the same element and
  // each element sums its rows in row order.
  pool().run(parts, [&](int part) {
    const int64_t c0 = splitPoint(inner, part, parts), c1 = splitPoint(inner, part + 1, parts);
    for (int64_t s = 0; s < segments; ++s) std::fill(out + s * inner + c0, out + s * inner + c1, 0.f);
    for (int64_t r = 0; r < rows; ++r) {
      const int32_t s = ids[r];
      if (s < 0 || s >= segments) continue;
      float* dst = out + s * inner;
      const float* src = data + r * inner;
      for (int64_t c = c0; c < c1; ++c) dst[c] += src[c];
    }
  });
}

}  // namespace memrec
