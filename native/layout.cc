#include "layout.h"

#include <algorithm>
#include <cstring>

#include "strided.h"
#include "thread_pool.h"

namespace memrec {
namespace {

// out [batch, cols, rows] = x [batch, rows, cols] with its last two axes swapped, in square tiles so that
// both the reads and the writes of a tile stay within a few cache lines per row.
void swapLastTwo(const uint32_t* x, int64_t batch, int64_t rows, int64_t cols, uint32_t* out) {
  constexpr int64_t kTile = 16;
  // Parts own ranges of out's rows (batch * cols of them, each `rows` long).
  parallelFor(batch * cols, static_cast<double>(rows), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end;) {
      const int64_t b = r / cols, j0 = r % cols, j1 = std::min(cols, j0 + (end - r));
      const uint32_t* src = x + b * rows * cols;
      uint32_t* dst = out + b * rows * cols;
      for (int64_t jt = j0; jt < j1; jt += kTile) {
        const int64_t jEnd = std::min(j1, jt + kTile);
        for (int64_t it = 0; it < rows; it += kTile) {
          const int64_t iEnd = std::min(rows, it + kTile);
          for (int64_t j = jt; j < jEnd; ++j) {
            for (int64_t i = it; i < iEnd; ++i) dst[j * rows + i] = src[i * cols + j];
          }
        }
      }
      r += j1 - j0;
    }
  });
}

}  // namespace

void transpose(const uint32_t* x, const std::vector<int64_t>& shape, const std::vector<int>& perm, uint32_t* out) {
  const size_t rank = shape.size();
  std::vector<int64_t> strides(rank);
  int64_t total = 1;
  for (size_t d = rank; d-- > 0;) {
    strides[d] = total;
    total *= shape[d];
  }
  if (total == 0) return;
  // Out's dimensions, each with its stride in x; runs of x's dimensions that stay together merge.
  std::vector<Dim<1>> dims;
  for (int axis : perm) pushDim(dims, {shape[axis], {strides[axis]}});
  if (dims.empty() || dims.back().stride[0] == 1) {
    // The innermost dimension is kept: out is made of contiguous runs of x.
    const int64_t run = dims.empty() ? 1 : dims.back().size;
    if (!dims.empty()) dims.pop_back();
    parallelFor(total / run, static_cast<double>(run), [&](int64_t begin, int64_t end) {
      Walk<1> walk(dims, begin);
      for (int64_t r = begin; r < end; ++r, walk.next()) {
        std::memcpy(out + r * run, x + walk.offset(0), run * sizeof(uint32_t));
      }
    });
    return;
  }
  // [rows, cols] -> [cols, rows], or the same for each index of one outer dimension (all that a batch of
  // such swaps merges into). Here n >= 2: a single dimension would have stride 1.
  const size_t n = dims.size();
  const Dim<1> cols = dims[n - 2], rows = dims[n - 1];
  if (n <= 3 && cols.stride[0] == 1 && rows.stride[0] == cols.size &&
      (n == 2 || dims[0].stride[0] == rows.size * cols.size)) {
    swapLastTwo(x, total / (rows.size * cols.size), rows.size, cols.size, out);
    return;
  }
  // General: each output element from its place in x.
  const Dim<1> inner = dims.back();
  dims.pop_back();
  parallelFor(total / inner.size, static_cast<double>(inner.size) * 2, [&](int64_t begin, int64_t end) {
    Walk<1> walk(dims, begin);
    for (int64_t r = begin; r < end; ++r, walk.next()) {
      const uint32_t* src = x + walk.offset(0);
      uint32_t* dst = out + r * inner.size;
      for (int64_t i = 0; i < inner.size; ++i) dst[i] = src[i * inner.stride[0]];
    }
  });
}

int64_t firstBadIndex(const int32_t* indices, int64_t count, int64_t dimSize) {
  for (int64_t i = 0; i < count; ++i) {
    if (indices[i] < 0 || indices[i] >= dimSize) return i;
  }
  return -1;
}

void gather(const uint32_t* x, const int32_t* indices, int64_t outer, int64_t dimSize, int64_t slice,
            int64_t count, uint32_t* out) {
  if (slice == 0) return;
  parallelFor(outer * count, static_cast<double>(slice), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t o = r / count, i = r % count;
      std::memcpy(out + r * slice, x + (o * dimSize + indices[i]) * slice, slice * sizeof(uint32_t));
    }
  });
}

}  // namespace memrec
