#pragma once
#include <cstdint>

namespace memrec {

// out[bo] = op(a[ba]) @ op(b[bb]) for bo in [0, batch), where a batch of 1 broadcasts. a is [batchA, m, k]
// ([batchA, k, m] when transA), b is [batchB, k, n] ([batchB, n, k] when transB), out is [batch, m, n].
struct Matmul {
  const float* a;
  const float* b;
  float* out;
  int64_t batchA, batchB, batch, m, k, n;
  bool transA, transB;
};

void matmul(const Matmul& op);

// out [segments, inner] = 0, then out[ids[r]] += data[r] for each row r in order, skipping ids outside
// [0, segments). data is [rows, inner].
void unsortedSegmentSum(const float* data, const int32_t* ids, int64_t rows, int64_t segments, int64_t inner,
                        float* out);

}  // namespace memrec
