#pragma once

#include <cstdint>

namespace memrec {

// For each row of x [rows, cols], the k largest values and their column indices, ordered by value
// descending and equal values by lower index first (tfjs-cpu's order). NaN ranks below every number.
// Requires k <= cols.
void topk(const float* x, int64_t rows, int64_t cols, int64_t k, float* values, int32_t* indices);

}  // namespace memrec
