#include "reduce.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "strided.h"
#include "thread_pool.h"
#include "vmath.h"

namespace memrec {
namespace {

// How each reduction starts, takes one input and ends.
struct SumAcc {
  using T = double;
  static constexpr float kEmpty = 0.f;
  T init() const { return 0; }
  T add(T acc, float v) const { return acc + v; }
};

struct MeanAcc {
  using T = double;
  static constexpr float kEmpty = 0.f;
  float count;
  T init() const { return 0; }
  T add(T acc, float v) const { return acc + v / count; }
};

struct MaxAcc {
  using T = float;
  static constexpr float kEmpty = std::numeric_limits<float>::quiet_NaN();
  T init() const { return -std::numeric_limits<float>::infinity(); }
  T add(T acc, float v) const {
    const float larger = v > acc ? v : acc;
    return std::isnan(v) ? v : larger;
  }
};

// The offset of every index of a row-major walk over dims, in walk order.
std::vector<int64_t> offsetsOf(const std::vector<Dim<1>>& dims) {
  int64_t count = 1;
  for (const Dim<1>& d : dims) count *= d.size;
  std::vector<int64_t> offsets(count);
  Walk<1> walk(dims, 0);
  for (int64_t i = 0; i < count; ++i, walk.next()) offsets[i] = walk.offset(0);
  return offsets;
}

// Innermost kept dimension contiguous ([.., C] over leading or middle axes): every output element of a run of
// C accumulates in a lane of a block, over the reduced indices in order, so the loads are contiguous.
template <class Acc>
void reduceColumns(const Acc& acc, const float* x, std::vector<Dim<1>> kept, const std::vector<Dim<1>>& reduced,
                   int64_t reduceSize, float* out) {
  constexpr int64_t kBlock = 256;
  const int64_t columns = kept.back().size;
  kept.pop_back();
  int64_t total = columns;
  for (const Dim<1>& d : kept) total *= d.size;
  const std::vector<int64_t> offsets = offsetsOf(reduced);
  parallelFor(total, static_cast<double>(reduceSize), [&](int64_t begin, int64_t end) {
    typename Acc::T lanes[kBlock];
    Walk<1> walk(kept, begin / columns);
    int64_t column = begin % columns;
    for (int64_t pos = begin; pos < end; walk.next()) {
      const int64_t length = std::min(columns - column, end - pos);
      for (int64_t b0 = 0; b0 < length; b0 += kBlock) {
        const int64_t width = std::min(kBlock, length - b0);
        const float* base = x + walk.offset(0) + column + b0;
        std::fill(lanes, lanes + width, acc.init());
        for (int64_t offset : offsets) {
          const float* row = base + offset;
          for (int64_t i = 0; i < width; ++i) lanes[i] = acc.add(lanes[i], row[i]);
        }
        for (int64_t i = 0; i < width; ++i) out[pos + b0 + i] = static_cast<float>(lanes[i]);
      }
      pos += length;
      column = 0;
    }
  });
}

// Sums (or maxima) of G output elements at once, over runs of the last reduced dimension: their chains of
// additions are independent, so the core overlaps them (a single chain waits on each addition).
template <int64_t G, class Acc>
void reduceGroup(const Acc& acc, const float* const* bases, const std::vector<int64_t>& offsets, int64_t length,
                 int64_t stride, float* out) {
  typename Acc::T sums[G];
  for (int64_t g = 0; g < G; ++g) sums[g] = acc.init();
  for (int64_t offset : offsets) {
    for (int64_t i = 0; i < length; ++i) {
      for (int64_t g = 0; g < G; ++g) sums[g] = acc.add(sums[g], bases[g][offset + i * stride]);
    }
  }
  for (int64_t g = 0; g < G; ++g) out[g] = static_cast<float>(sums[g]);
}

// out[r] = the reduction of row r of x [rows, cols], a group of rows at a time.
template <class Acc>
void reduceEachRow(const Acc& acc, const float* x, int64_t rows, int64_t cols, float* out) {
  constexpr int64_t kGroup = 4;
  static const std::vector<int64_t> kOneRun{0};
  const float* bases[kGroup];
  int64_t r = 0;
  for (; r + kGroup <= rows; r += kGroup) {
    for (int64_t g = 0; g < kGroup; ++g) bases[g] = x + (r + g) * cols;
    reduceGroup<kGroup>(acc, bases, kOneRun, cols, 1, out + r);
  }
  for (; r < rows; ++r) {
    bases[0] = x + r * cols;
    reduceGroup<1>(acc, bases, kOneRun, cols, 1, out + r);
  }
}

// Otherwise each output element over runs of the last reduced dimension, kGroup elements at a time.
template <class Acc>
void reduceRows(const Acc& acc, const float* x, const std::vector<Dim<1>>& kept, std::vector<Dim<1>> reduced,
                int64_t reduceSize, float* out) {
  constexpr int64_t kGroup = 4;
  int64_t total = 1;
  for (const Dim<1>& d : kept) total *= d.size;
  const Dim<1> inner = reduced.empty() ? Dim<1>{1, {0}} : reduced.back();
  if (!reduced.empty()) reduced.pop_back();
  const std::vector<int64_t> offsets = offsetsOf(reduced);
  const int64_t length = inner.size, stride = inner.stride[0];
  parallelFor(total, static_cast<double>(reduceSize), [&](int64_t begin, int64_t end) {
    Walk<1> walk(kept, begin);
    const float* bases[kGroup];
    for (int64_t o = begin; o < end;) {
      if (end - o >= kGroup) {
        for (int64_t g = 0; g < kGroup; ++g, walk.next()) bases[g] = x + walk.offset(0);
        reduceGroup<kGroup>(acc, bases, offsets, length, stride, out + o);
        o += kGroup;
      } else {
        bases[0] = x + walk.offset(0);
        walk.next();
        reduceGroup<1>(acc, bases, offsets, length, stride, out + o);
        ++o;
      }
    }
  });
}

template <class Acc>
void reduceWith(const Acc& acc, const float* x, const std::vector<int64_t>& shape, const std::vector<int>& axes,
                float* out) {
  const size_t rank = shape.size();
  std::vector<int64_t> strides(rank);
  for (int64_t stride = 1, d = static_cast<int64_t>(rank) - 1; d >= 0; stride *= shape[d--]) strides[d] = stride;
  std::vector<bool> isReduced(rank, false);
  for (int axis : axes) isReduced[axis] = true;
  std::vector<Dim<1>> kept, reduced;
  int64_t outSize = 1, reduceSize = 1;
  for (size_t d = 0; d < rank; ++d) {
    if (isReduced[d]) continue;
    outSize *= shape[d];
    pushDim(kept, {shape[d], {strides[d]}});
  }
  for (int axis : axes) {
    reduceSize *= shape[axis];
    pushDim(reduced, {shape[axis], {strides[axis]}});
  }
  if (outSize == 0) return;
  if (reduceSize == 0) {
    std::fill(out, out + outSize, Acc::kEmpty);
  } else if (!kept.empty() && kept.back().stride[0] == 1) {
    reduceColumns(acc, x, kept, reduced, reduceSize, out);
  } else {
    reduceRows(acc, x, kept, reduced, reduceSize, out);
  }
}

}  // namespace

void reduce(ReduceOp op, const float* x, const std::vector<int64_t>& shape, const std::vector<int>& axes,
            float* out) {
  switch (op) {
    case ReduceOp::Sum: return reduceWith(SumAcc{}, x, shape, axes, out);
    case ReduceOp::Max: return reduceWith(MaxAcc{}, x, shape, axes, out);
    case ReduceOp::Mean: {
      int64_t count = 1;
      for (int axis : axes) count *= shape[axis];
      return reduceWith(MeanAcc{static_cast<float>(count)}, x, shape, axes, out);
    }
  }
}

void softmax(const float* x, int64_t rows, int64_t cols, float* out) {
  if (cols == 0) return;
  // Chunks of rows are exponentiated in one long loop, which vectorizes better than one short row at a time.
  const int64_t chunk = std::max<int64_t>(1, 4096 / cols);
  parallelFor(rows, static_cast<double>(cols) * 6, [&](int64_t begin, int64_t end) {
    std::vector<float> maxima(chunk), sums(chunk);
    for (int64_t r0 = begin; r0 < end; r0 += chunk) {
      const int64_t n = std::min(end - r0, chunk);
      const float* in = x + r0 * cols;
      float* e = out + r0 * cols;
      reduceEachRow(MaxAcc{}, in, n, cols, maxima.data());
      for (int64_t r = 0; r < n; ++r) {
        for (int64_t j = 0; j < cols; ++j) e[r * cols + j] = in[r * cols + j] - maxima[r];
      }
      for (int64_t i = 0; i < n * cols; ++i) e[i] = static_cast<float>(expForFloat(e[i]));
      reduceEachRow(SumAcc{}, e, n, cols, sums.data());
      for (int64_t r = 0; r < n; ++r) {
        for (int64_t j = 0; j < cols; ++j) e[r * cols + j] /= sums[r];
      }
    }
  });
}

}  // namespace memrec
