#include "elementwise.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "strided.h"
#include "thread_pool.h"
#include "vmath.h"

namespace memrec {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
// The work of one libm call in double, and of one of vmath.h's, relative to one memory-bound float operation
// (for parallelFor).
constexpr double kLibmCost = 16;
constexpr double kVmathCost = 4;

// Math.max and Math.min: NaN when either is NaN, and +0 above -0.
float jsMax(float a, float b) {
  if (std::isnan(a) || std::isnan(b)) return kNaN;
  if (a == b) return std::signbit(a) ? b : a;
  return a > b ? a : b;
}

float jsMin(float a, float b) {
  if (std::isnan(a) || std::isnan(b)) return kNaN;
  if (a == b) return std::signbit(a) ? a : b;
  return a < b ? a : b;
}

// Math.pow, where C's pow differs: pow(1, NaN) and pow(+-1, +-Infinity) are NaN in JS, 1 in C.
float jsPow(float a, float b) {
  if (std::isnan(b) || (std::isinf(b) && std::fabs(a) == 1.f)) return kNaN;
  return static_cast<float>(std::pow(static_cast<double>(a), static_cast<double>(b)));
}

// tfjs-cpu's softplus (after tf.nn.softplus): exp(x) below a threshold, x above its negation.
float softplus(float value) {
  static const double threshold = std::log(1.1920928955078125e-7) + 2.0;
  const double x = value;
  const double expX = std::exp(x);
  if (x < threshold) return static_cast<float>(expX);
  if (x > -threshold) return value;
  return static_cast<float>(std::log(1.0 + expX));
}

// out[0, n) = f(a, b), where an operand whose stride is 0 is one value (a broadcast scalar or row element).
template <class F>
void binaryRun(F f, const float* a, int64_t strideA, const float* b, int64_t strideB, float* out, int64_t n) {
  if (strideA != 0 && strideB != 0) {
    for (int64_t i = 0; i < n; ++i) out[i] = f(a[i], b[i]);
  } else if (strideA != 0) {
    const float bv = *b;
    for (int64_t i = 0; i < n; ++i) out[i] = f(a[i], bv);
  } else if (strideB != 0) {
    const float av = *a;
    for (int64_t i = 0; i < n; ++i) out[i] = f(av, b[i]);
  } else {
    std::fill(out, out + n, f(*a, *b));
  }
}

// Collapses the broadcast into as few dimensions as keep each operand regular (a same-shape or scalar operand
// becomes one run, [N, C] op [C] two dimensions), then walks the output in runs of the innermost dimension,
// along which each operand is contiguous or fixed.
template <class F>
void binaryWith(F f, double cost, const float* a, const std::vector<int64_t>& aShape, const float* b,
                const std::vector<int64_t>& bShape, float* out, const std::vector<int64_t>& outShape) {
  const size_t rank = outShape.size();
  int64_t total = 1;
  for (int64_t size : outShape) total *= size;
  if (total == 0) return;
  std::vector<Dim<2>> inward(rank);
  int64_t strideA = 1, strideB = 1;
  for (size_t i = rank; i-- > 0;) {
    const size_t fromRight = rank - 1 - i;
    const int64_t sizeA = fromRight < aShape.size() ? aShape[aShape.size() - 1 - fromRight] : 1;
    const int64_t sizeB = fromRight < bShape.size() ? bShape[bShape.size() - 1 - fromRight] : 1;
    inward[i] = {outShape[i], {sizeA == 1 ? 0 : strideA, sizeB == 1 ? 0 : strideB}};
    strideA *= sizeA;
    strideB *= sizeB;
  }
  std::vector<Dim<2>> dims;
  for (const Dim<2>& d : inward) pushDim(dims, d);
  const Dim<2> inner = dims.empty() ? Dim<2>{1, {0, 0}} : dims.back();
  if (!dims.empty()) dims.pop_back();
  const int64_t n = inner.size;
  parallelFor(total, cost, [&](int64_t begin, int64_t end) {
    Walk<2> walk(dims, begin / n);
    int64_t column = begin % n;
    for (int64_t pos = begin; pos < end; walk.next()) {
      const int64_t length = std::min(n - column, end - pos);
      binaryRun(f, a + walk.offset(0) + column * inner.stride[0], inner.stride[0],
                b + walk.offset(1) + column * inner.stride[1], inner.stride[1], out + pos, length);
      pos += length;
      column = 0;
    }
  });
}

template <class F>
void unaryWith(F f, double cost, const float* x, int64_t n, float* out) {
  parallelFor(n, cost, [&](int64_t begin, int64_t end) {
    // A local copy keeps a captured attribute (Step's alpha) in a register; read through the closure, it
    // could alias out, which stops vectorization.
    const F op = f;
    for (int64_t i = begin; i < end; ++i) out[i] = op(x[i]);
  });
}

double widen(float x) { return static_cast<double>(x); }

}  // namespace

void binary(BinaryOp op, const float* a, const std::vector<int64_t>& aShape, const float* b,
            const std::vector<int64_t>& bShape, float* out, const std::vector<int64_t>& outShape) {
  const auto run = [&](auto f, double cost) { binaryWith(f, cost, a, aShape, b, bShape, out, outShape); };
  switch (op) {
    case BinaryOp::Add: return run([](float x, float y) { return x + y; }, 1);
    case BinaryOp::Sub: return run([](float x, float y) { return x - y; }, 1);
    case BinaryOp::Mul: return run([](float x, float y) { return x * y; }, 1);
    case BinaryOp::Div: return run([](float x, float y) { return x / y; }, 2);
    case BinaryOp::Max: return run(jsMax, 2);
    case BinaryOp::Min: return run(jsMin, 2);
    case BinaryOp::SquaredDifference:
      return run(
          [](float x, float y) {
            const double d = widen(x) - widen(y);
            return static_cast<float>(d * d);
          },
          2);
    case BinaryOp::Pow: return run(jsPow, kLibmCost);
  }
}

void unary(UnaryOp op, const float* x, int64_t n, float alpha, float* out) {
  const auto run = [&](auto f, double cost) { unaryWith(f, cost, x, n, out); };
  switch (op) {
    case UnaryOp::Neg: return run([](float v) { return -v; }, 1);
    case UnaryOp::Floor: return run([](float v) { return std::floor(v); }, 1);
    case UnaryOp::Step:
      return run(
          [alpha](float v) {
            const float step = v > 0.f ? 1.f : alpha;
            return std::isnan(v) ? v : step;
          },
          1);
    // Math.max(0, v): NaN stays NaN, -0 becomes +0.
    case UnaryOp::Relu: return run([](float v) { return v > 0.f || std::isnan(v) ? v : 0.f; }, 1);
    case UnaryOp::Sqrt: return run([](float v) { return std::sqrt(v); }, 2);
    case UnaryOp::Rsqrt: return run([](float v) { return static_cast<float>(1.0 / std::sqrt(widen(v))); }, 2);
    case UnaryOp::Square: return run([](float v) { return v * v; }, 1);
    case UnaryOp::Exp: return run([](float v) { return static_cast<float>(expForFloat(v)); }, kVmathCost);
    case UnaryOp::Log: return run([](float v) { return static_cast<float>(std::log(widen(v))); }, kLibmCost);
    case UnaryOp::Sigmoid:
      return run([](float v) { return static_cast<float>(1.0 / (1.0 + expForFloat(-widen(v)))); }, kVmathCost);
    case UnaryOp::Tanh: return run([](float v) { return static_cast<float>(tanhForFloat(v)); }, kVmathCost);
    case UnaryOp::Abs: return run([](float v) { return std::fabs(v); }, 1);
    case UnaryOp::Softplus: return run(softplus, kLibmCost);
    case UnaryOp::Reciprocal: return run([](float v) { return 1.f / v; }, 2);
  }
}

void addN(const std::vector<const float*>& inputs, int64_t n, float* out) {
  // Blocks of the output stay in L1 while every input is added to them.
  constexpr int64_t kBlock = 2048;
  parallelFor(n, static_cast<double>(inputs.size()), [&](int64_t begin, int64_t end) {
    for (int64_t b0 = begin; b0 < end; b0 += kBlock) {
      const int64_t b1 = std::min(end, b0 + kBlock);
      for (int64_t i = b0; i < b1; ++i) out[i] = 0.f + inputs[0][i];
      for (size_t t = 1; t < inputs.size(); ++t) {
        const float* input = inputs[t];
        for (int64_t i = b0; i < b1; ++i) out[i] += input[i];
      }
    }
  });
}

}  // namespace memrec
