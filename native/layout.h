#pragma once
#include <cstdint>
#include <vector>

namespace memrec {

// Kernels that only move 4-byte elements (float32 or int32), so they take them as raw words.

// out = x [shape] transposed by perm (a permutation of [0, rank)): out's dimension i is x's dimension perm[i].
void transpose(const uint32_t* x, const std::vector<int64_t>& shape, const std::vector<int>& perm, uint32_t* out);

// -1 when every index is in [0, dimSize); else the position of the first that is not, and out is untouched.
int64_t firstBadIndex(const int32_t* indices, int64_t count, int64_t dimSize);

// out [outer, count, slice] = x [outer, dimSize, slice] gathered along its middle axis at indices [count],
// which the caller checked with firstBadIndex.
void gather(const uint32_t* x, const int32_t* indices, int64_t outer, int64_t dimSize, int64_t slice,
            int64_t count, uint32_t* out);

}  // namespace memrec
