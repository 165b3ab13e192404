#pragma once
#include <cstdint>
#include <vector>

namespace memrec {

// Each op gives the float32 that tfjs-cpu stores: JS computes in double and rounds once, which for + - * /
// and sqrt is the float32 operation itself; the others are computed here in double too.
enum class BinaryOp { Add, Sub, Mul, Div, Max, Min, SquaredDifference, Pow };
enum class UnaryOp {
  Neg, Floor, Step, Relu, Sqrt, Rsqrt, Square, Exp, Log, Sigmoid, Tanh, Abs, Softplus, Reciprocal
};

// out [outShape] = a op b with numpy broadcasting: aShape and bShape are aligned on the right with outShape,
// and each of their dimensions equals outShape's or is 1 (the caller checked).
void binary(BinaryOp op, const float* a, const std::vector<int64_t>& aShape, const float* b,
            const std::vector<int64_t>& bShape, float* out, const std::vector<int64_t>& outShape);

// out[i] = op(x[i]) for i < n; alpha is Step's value for x <= 0.
void unary(UnaryOp op, const float* x, int64_t n, float alpha, float* out);

// out[i] = 0 + inputs[0][i] + inputs[1][i] + ..., added in float32 in that order, as tfjs-cpu's AddN does.
void addN(const std::vector<const float*>& inputs, int64_t n, float* out);

}  // namespace memrec
