#pragma once
#include <cstdint>
#include <vector>

namespace memrec {

enum class ReduceOp { Sum, Mean, Max };

// out = x [shape] reduced over `axes` (distinct, in range, in the caller's order), its elements in the order of
// the dimensions not reduced. Each output element takes its inputs in the order tfjs-cpu does: as if x were
// transposed to [kept..., axes...] and read row-major. Sum adds them in double and rounds once, as the JS
// loop does (so results equal tfjs-cpu's); Mean first divides each by the count in float32, as tfjs-cpu
// does; Max is NaN when any input is, and NaN for an empty reduction (tfjs-cpu reads past the end).
void reduce(ReduceOp op, const float* x, const std::vector<int64_t>& shape, const std::vector<int>& axes,
            float* out);

// Softmax along the rows of x [rows, cols], as tfjs-cpu computes it: the row max subtracted in float32, exp in
// double rounded to float32, their sum in double rounded to float32, each exp divided by it in float32.
void softmax(const float* x, int64_t rows, int64_t cols, float* out);

}  // namespace memrec
