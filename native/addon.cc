// Node-API bindings: synchronous functions on typed-array views (no copies; a view's byteOffset is honoured).
// Arguments are checked here, so the kernels below can trust them; a bad call throws a TypeError or RangeError.
#include <node_api.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "blas.h"
#include "elementwise.h"
#include "gemm.h"
#include "layout.h"
#include "ops.h"
#include "reduce.h"
#include "thread_pool.h"
#include "topk.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace {

constexpr int kMaxThreads = 64;  // OpenBLAS keeps a fixed number of buffers for concurrent callers

bool throwType(napi_env env, const std::string& message) {
  napi_throw_type_error(env, nullptr, message.c_str());
  return false;
}

bool throwRange(napi_env env, const std::string& message) {
  napi_throw_range_error(env, nullptr, message.c_str());
  return false;
}

struct View {
  void* data = nullptr;
  size_t length = 0;  // in elements
};

bool typedArray(napi_env env, napi_value value, napi_typedarray_type want, const char* typeName,
                const std::string& what, View* view) {
  bool isTypedArray = false;
  napi_typedarray_type type;
  if (napi_is_typedarray(env, value, &isTypedArray) != napi_ok || !isTypedArray ||
      napi_get_typedarray_info(env, value, &type, &view->length, &view->data, nullptr, nullptr) != napi_ok ||
      type != want) {
    return throwType(env, what + " must be a " + typeName);
  }
  return true;
}

bool float32Array(napi_env env, napi_value value, const std::string& what, View* view) {
  return typedArray(env, value, napi_float32_array, "Float32Array", what, view);
}

// A non-negative integer below 2^31 (so every dimension also fits BLAS's int).
bool dimension(napi_env env, napi_value value, const std::string& what, int64_t* out) {
  double number;
  if (napi_get_value_double(env, value, &number) != napi_ok) return throwType(env, what + " must be a number");
  if (!(number >= 0 && number <= INT_MAX && std::floor(number) == number)) {
    return throwRange(env, what + " must be an integer in [0, 2^31)");
  }
  *out = static_cast<int64_t>(number);
  return true;
}

bool boolean(napi_env env, napi_value value, const std::string& what, bool* out) {
  if (napi_get_value_bool(env, value, out) != napi_ok) return throwType(env, what + " must be a boolean");
  return true;
}

// The product of the factors, or -1 when it overflows.
template <class Factors>
int64_t productOf(const Factors& factors) {
  int64_t result = 1;
  for (int64_t factor : factors) {
    if (__builtin_mul_overflow(result, factor, &result)) return -1;
  }
  return result;
}

int64_t product(std::initializer_list<int64_t> factors) { return productOf(factors); }

// A float32 or int32 array (for kernels that only move 4-byte elements); type says which.
bool wordArray(napi_env env, napi_value value, const std::string& what, View* view, napi_typedarray_type* type) {
  bool isTypedArray = false;
  if (napi_is_typedarray(env, value, &isTypedArray) != napi_ok || !isTypedArray ||
      napi_get_typedarray_info(env, value, type, &view->length, &view->data, nullptr, nullptr) != napi_ok ||
      (*type != napi_float32_array && *type != napi_int32_array)) {
    return throwType(env, what + " must be a Float32Array or an Int32Array");
  }
  return true;
}

// An array of dimensions (a shape).
bool shapeOf(napi_env env, napi_value value, const std::string& what, std::vector<int64_t>* shape) {
  bool isArray = false;
  uint32_t length;
  if (napi_is_array(env, value, &isArray) != napi_ok || !isArray ||
      napi_get_array_length(env, value, &length) != napi_ok) {
    return throwType(env, what + " must be an array of numbers");
  }
  shape->resize(length);
  for (uint32_t i = 0; i < length; ++i) {
    napi_value element;
    if (napi_get_element(env, value, i, &element) != napi_ok ||
        !dimension(env, element, what + "[" + std::to_string(i) + "]", &(*shape)[i])) {
      return false;
    }
  }
  return true;
}

// An array of distinct axes in [0, rank).
bool axesOf(napi_env env, napi_value value, const std::string& what, size_t rank, std::vector<int>* axes) {
  std::vector<int64_t> values;
  if (!shapeOf(env, value, what, &values)) return false;
  std::vector<bool> seen(rank, false);
  for (int64_t axis : values) {
    if (axis >= static_cast<int64_t>(rank) || seen[axis]) {
      return throwRange(env, what + " must hold distinct axes below the rank " + std::to_string(rank));
    }
    seen[axis] = true;
    axes->push_back(static_cast<int>(axis));
  }
  return true;
}

// One of the names in table, as its value.
template <class E, size_t N>
bool choiceOf(napi_env env, napi_value value, const std::string& what,
              const std::array<std::pair<const char*, E>, N>& table, E* out) {
  char name[32];
  size_t length;
  if (napi_get_value_string_utf8(env, value, name, sizeof(name), &length) != napi_ok) {
    return throwType(env, what + " must be a string");
  }
  for (const auto& [candidate, choice] : table) {
    if (std::strcmp(name, candidate) == 0) {
      *out = choice;
      return true;
    }
  }
  std::string names;
  for (const auto& entry : table) names += std::string(names.empty() ? "" : ", ") + entry.first;
  return throwRange(env, what + " must be one of " + names);
}

bool hasLength(napi_env env, const View& view, int64_t expected, const std::string& what) {
  if (expected >= 0 && view.length == static_cast<uint64_t>(expected)) return true;
  return throwRange(env, what + " has " + std::to_string(view.length) + " elements, expected " +
                             (expected >= 0 ? std::to_string(expected) : "more than 2^63"));
}

bool overlaps(const View& x, size_t xElement, const View& y, size_t yElement) {
  const auto* x0 = static_cast<const char*>(x.data);
  const auto* y0 = static_cast<const char*>(y.data);
  const size_t xBytes = x.length * xElement, yBytes = y.length * yElement;
  return xBytes > 0 && yBytes > 0 && x0 < y0 + yBytes && y0 < x0 + xBytes;
}

bool disjoint(napi_env env, const View& out, std::initializer_list<const View*> inputs, const std::string& what) {
  for (const View* input : inputs) {
    if (overlaps(out, 4, *input, 4)) return throwRange(env, what + ": out must not share memory with an input");
  }
  return true;
}

bool arguments(napi_env env, napi_callback_info info, size_t expected, const char* name, napi_value* argv) {
  size_t argc = expected;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return false;
  if (argc < expected) {
    return throwType(env, std::string(name) + " takes " + std::to_string(expected) + " arguments");
  }
  return true;
}

// matmul(a, b, out, batchA, batchB, m, k, n, transposeA, transposeB)
napi_value Matmul(napi_env env, napi_callback_info info) {
  napi_value argv[10];
  View a, b, out;
  memrec::Matmul op;
  if (!arguments(env, info, 10, "matmul", argv) || !float32Array(env, argv[0], "matmul: a", &a) ||
      !float32Array(env, argv[1], "matmul: b", &b) || !float32Array(env, argv[2], "matmul: out", &out) ||
      !dimension(env, argv[3], "matmul: batchA", &op.batchA) ||
      !dimension(env, argv[4], "matmul: batchB", &op.batchB) || !dimension(env, argv[5], "matmul: m", &op.m) ||
      !dimension(env, argv[6], "matmul: k", &op.k) || !dimension(env, argv[7], "matmul: n", &op.n) ||
      !boolean(env, argv[8], "matmul: transposeA", &op.transA) ||
      !boolean(env, argv[9], "matmul: transposeB", &op.transB)) {
    return nullptr;
  }
  // Broadcasting as tfjs does: equal batches, or one of them 1 (so 1 and 0 give 0).
  if (op.batchA != op.batchB && op.batchA != 1 && op.batchB != 1) {
    throwRange(env, "matmul: batchA " + std::to_string(op.batchA) + " and batchB " + std::to_string(op.batchB) +
                        " do not broadcast");
    return nullptr;
  }
  op.batch = op.batchA == 1 ? op.batchB : op.batchA;
  if (!hasLength(env, a, product({op.batchA, op.m, op.k}), "matmul: a") ||
      !hasLength(env, b, product({op.batchB, op.k, op.n}), "matmul: b") ||
      !hasLength(env, out, product({op.batch, op.m, op.n}), "matmul: out")) {
    return nullptr;
  }
  if (overlaps(out, 4, a, 4) || overlaps(out, 4, b, 4)) {
    throwRange(env, "matmul: out must not share memory with a or b");
    return nullptr;
  }
  op.a = static_cast<const float*>(a.data);
  op.b = static_cast<const float*>(b.data);
  op.out = static_cast<float*>(out.data);
  memrec::matmul(op);
  return nullptr;
}

// unsortedSegmentSum(data, segmentIds, numSegments, innerSize, out)
napi_value UnsortedSegmentSum(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  View data, ids, out;
  int64_t segments, inner;
  if (!arguments(env, info, 5, "unsortedSegmentSum", argv) ||
      !float32Array(env, argv[0], "unsortedSegmentSum: data", &data) ||
      !typedArray(env, argv[1], napi_int32_array, "Int32Array", "unsortedSegmentSum: segmentIds", &ids) ||
      !dimension(env, argv[2], "unsortedSegmentSum: numSegments", &segments) ||
      !dimension(env, argv[3], "unsortedSegmentSum: innerSize", &inner) ||
      !float32Array(env, argv[4], "unsortedSegmentSum: out", &out)) {
    return nullptr;
  }
  const auto rows = static_cast<int64_t>(ids.length);
  if (!hasLength(env, data, product({rows, inner}), "unsortedSegmentSum: data") ||
      !hasLength(env, out, product({segments, inner}), "unsortedSegmentSum: out")) {
    return nullptr;
  }
  if (overlaps(out, 4, data, 4) || overlaps(out, 4, ids, 4)) {
    throwRange(env, "unsortedSegmentSum: out must not share memory with data or segmentIds");
    return nullptr;
  }
  memrec::unsortedSegmentSum(static_cast<const float*>(data.data), static_cast<const int32_t*>(ids.data), rows,
                             segments, inner, static_cast<float*>(out.data));
  return nullptr;
}

constexpr std::array<std::pair<const char*, memrec::BinaryOp>, 8> kBinaryOps{{
    {"add", memrec::BinaryOp::Add},
    {"sub", memrec::BinaryOp::Sub},
    {"mul", memrec::BinaryOp::Mul},
    {"div", memrec::BinaryOp::Div},
    {"max", memrec::BinaryOp::Max},
    {"min", memrec::BinaryOp::Min},
    {"squaredDifference", memrec::BinaryOp::SquaredDifference},
    {"pow", memrec::BinaryOp::Pow},
}};

// binary(op, a, aShape, b, bShape, out, outShape)
napi_value Binary(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  View a, b, out;
  memrec::BinaryOp op = memrec::BinaryOp::Add;
  std::vector<int64_t> aShape, bShape, outShape;
  if (!arguments(env, info, 7, "binary", argv) || !choiceOf(env, argv[0], "binary: op", kBinaryOps, &op) ||
      !float32Array(env, argv[1], "binary: a", &a) || !shapeOf(env, argv[2], "binary: aShape", &aShape) ||
      !float32Array(env, argv[3], "binary: b", &b) || !shapeOf(env, argv[4], "binary: bShape", &bShape) ||
      !float32Array(env, argv[5], "binary: out", &out) || !shapeOf(env, argv[6], "binary: outShape", &outShape)) {
    return nullptr;
  }
  const size_t rank = outShape.size();
  bool broadcasts = aShape.size() <= rank && bShape.size() <= rank;
  for (size_t i = 0; broadcasts && i < rank; ++i) {
    const int64_t size = outShape[rank - 1 - i];
    const int64_t sizeA = i < aShape.size() ? aShape[aShape.size() - 1 - i] : 1;
    const int64_t sizeB = i < bShape.size() ? bShape[bShape.size() - 1 - i] : 1;
    broadcasts = (sizeA == size || sizeA == 1) && (sizeB == size || sizeB == 1) && (sizeA == size || sizeB == size);
  }
  if (!broadcasts) {
    throwRange(env, "binary: outShape is not the broadcast of aShape and bShape");
    return nullptr;
  }
  if (!hasLength(env, a, productOf(aShape), "binary: a") || !hasLength(env, b, productOf(bShape), "binary: b") ||
      !hasLength(env, out, productOf(outShape), "binary: out") || !disjoint(env, out, {&a, &b}, "binary")) {
    return nullptr;
  }
  memrec::binary(op, static_cast<const float*>(a.data), aShape, static_cast<const float*>(b.data), bShape,
                 static_cast<float*>(out.data), outShape);
  return nullptr;
}

constexpr std::array<std::pair<const char*, memrec::UnaryOp>, 14> kUnaryOps{{
    {"neg", memrec::UnaryOp::Neg},
    {"floor", memrec::UnaryOp::Floor},
    {"step", memrec::UnaryOp::Step},
    {"relu", memrec::UnaryOp::Relu},
    {"sqrt", memrec::UnaryOp::Sqrt},
    {"rsqrt", memrec::UnaryOp::Rsqrt},
    {"square", memrec::UnaryOp::Square},
    {"exp", memrec::UnaryOp::Exp},
    {"log", memrec::UnaryOp::Log},
    {"sigmoid", memrec::UnaryOp::Sigmoid},
    {"tanh", memrec::UnaryOp::Tanh},
    {"abs", memrec::UnaryOp::Abs},
    {"softplus", memrec::UnaryOp::Softplus},
    {"reciprocal", memrec::UnaryOp::Reciprocal},
}};

// unary(op, x, out, alpha)
napi_value Unary(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  View x, out;
  memrec::UnaryOp op = memrec::UnaryOp::Neg;
  double alpha;
  if (!arguments(env, info, 4, "unary", argv) || !choiceOf(env, argv[0], "unary: op", kUnaryOps, &op) ||
      !float32Array(env, argv[1], "unary: x", &x) || !float32Array(env, argv[2], "unary: out", &out)) {
    return nullptr;
  }
  if (napi_get_value_double(env, argv[3], &alpha) != napi_ok) {
    throwType(env, "unary: alpha must be a number");
    return nullptr;
  }
  if (!hasLength(env, out, static_cast<int64_t>(x.length), "unary: out") || !disjoint(env, out, {&x}, "unary")) {
    return nullptr;
  }
  memrec::unary(op, static_cast<const float*>(x.data), static_cast<int64_t>(x.length), static_cast<float>(alpha),
                static_cast<float*>(out.data));
  return nullptr;
}

// addN(inputs, out)
napi_value AddN(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  View out;
  bool isArray = false;
  uint32_t count = 0;
  if (!arguments(env, info, 2, "addN", argv) || !float32Array(env, argv[1], "addN: out", &out)) return nullptr;
  if (napi_is_array(env, argv[0], &isArray) != napi_ok || !isArray ||
      napi_get_array_length(env, argv[0], &count) != napi_ok || count == 0) {
    throwType(env, "addN: inputs must be a non-empty array of Float32Arrays");
    return nullptr;
  }
  std::vector<const float*> inputs(count);
  for (uint32_t i = 0; i < count; ++i) {
    napi_value element;
    View input;
    const std::string what = "addN: inputs[" + std::to_string(i) + "]";
    if (napi_get_element(env, argv[0], i, &element) != napi_ok || !float32Array(env, element, what, &input) ||
        !hasLength(env, input, static_cast<int64_t>(out.length), what) || !disjoint(env, out, {&input}, "addN")) {
      return nullptr;
    }
    inputs[i] = static_cast<const float*>(input.data);
  }
  memrec::addN(inputs, static_cast<int64_t>(out.length), static_cast<float*>(out.data));
  return nullptr;
}

constexpr std::array<std::pair<const char*, memrec::ReduceOp>, 3> kReduceOps{{
    {"sum", memrec::ReduceOp::Sum},
    {"mean", memrec::ReduceOp::Mean},
    {"max", memrec::ReduceOp::Max},
}};

// reduce(op, x, shape, axes, out)
napi_value Reduce(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  View x, out;
  memrec::ReduceOp op = memrec::ReduceOp::Sum;
  std::vector<int64_t> shape;
  std::vector<int> axes;
  if (!arguments(env, info, 5, "reduce", argv) || !choiceOf(env, argv[0], "reduce: op", kReduceOps, &op) ||
      !float32Array(env, argv[1], "reduce: x", &x) || !shapeOf(env, argv[2], "reduce: shape", &shape) ||
      !axesOf(env, argv[3], "reduce: axes", shape.size(), &axes) ||
      !float32Array(env, argv[4], "reduce: out", &out) || !hasLength(env, x, productOf(shape), "reduce: x")) {
    return nullptr;
  }
  int64_t outSize = 1;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (std::find(axes.begin(), axes.end(), static_cast<int>(d)) == axes.end()) outSize *= shape[d];
  }
  if (!hasLength(env, out, outSize, "reduce: out") || !disjoint(env, out, {&x}, "reduce")) return nullptr;
  memrec::reduce(op, static_cast<const float*>(x.data), shape, axes, static_cast<float*>(out.data));
  return nullptr;
}

// softmax(x, rows, cols, out)
napi_value Softmax(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  View x, out;
  int64_t rows, cols;
  if (!arguments(env, info, 4, "softmax", argv) || !float32Array(env, argv[0], "softmax: x", &x) ||
      !dimension(env, argv[1], "softmax: rows", &rows) || !dimension(env, argv[2], "softmax: cols", &cols) ||
      !float32Array(env, argv[3], "softmax: out", &out) ||
      !hasLength(env, x, product({rows, cols}), "softmax: x") ||
      !hasLength(env, out, product({rows, cols}), "softmax: out") || !disjoint(env, out, {&x}, "softmax")) {
    return nullptr;
  }
  memrec::softmax(static_cast<const float*>(x.data), rows, cols, static_cast<float*>(out.data));
  return nullptr;
}

// transpose(x, shape, perm, out)
napi_value Transpose(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  View x, out;
  napi_typedarray_type xType, outType;
  std::vector<int64_t> shape;
  std::vector<int> perm;
  if (!arguments(env, info, 4, "transpose", argv) || !wordArray(env, argv[0], "transpose: x", &x, &xType) ||
      !shapeOf(env, argv[1], "transpose: shape", &shape) ||
      !axesOf(env, argv[2], "transpose: perm", shape.size(), &perm) ||
      !wordArray(env, argv[3], "transpose: out", &out, &outType)) {
    return nullptr;
  }
  if (perm.size() != shape.size() || xType != outType) {
    throwRange(env, "transpose: perm must be a permutation of the axes, and out of x's type");
    return nullptr;
  }
  if (!hasLength(env, x, productOf(shape), "transpose: x") ||
      !hasLength(env, out, productOf(shape), "transpose: out") || !disjoint(env, out, {&x}, "transpose")) {
    return nullptr;
  }
  memrec::transpose(static_cast<const uint32_t*>(x.data), shape, perm, static_cast<uint32_t*>(out.data));
  return nullptr;
}

// gather(x, indices, outer, dimSize, slice, out): -1, or the position of the first index out of range.
napi_value Gather(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  View x, indices, out;
  napi_typedarray_type xType, outType;
  int64_t outer, dimSize, slice;
  if (!arguments(env, info, 6, "gather", argv) || !wordArray(env, argv[0], "gather: x", &x, &xType) ||
      !typedArray(env, argv[1], napi_int32_array, "Int32Array", "gather: indices", &indices) ||
      !dimension(env, argv[2], "gather: outer", &outer) || !dimension(env, argv[3], "gather: dimSize", &dimSize) ||
      !dimension(env, argv[4], "gather: slice", &slice) || !wordArray(env, argv[5], "gather: out", &out, &outType)) {
    return nullptr;
  }
  const auto count = static_cast<int64_t>(indices.length);
  if (xType != outType) {
    throwType(env, "gather: out must be of x's type");
    return nullptr;
  }
  if (!hasLength(env, x, product({outer, dimSize, slice}), "gather: x") ||
      !hasLength(env, out, product({outer, count, slice}), "gather: out") ||
      !disjoint(env, out, {&x, &indices}, "gather")) {
    return nullptr;
  }
  const auto* ids = static_cast<const int32_t*>(indices.data);
  const int64_t bad = memrec::firstBadIndex(ids, count, dimSize);
  if (bad < 0) {
    memrec::gather(static_cast<const uint32_t*>(x.data), ids, outer, dimSize, slice, count,
                   static_cast<uint32_t*>(out.data));
  }
  napi_value result;
  napi_create_double(env, static_cast<double>(bad), &result);
  return result;
}

// topk(x, rows, cols, k, values, indices)
napi_value TopK(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  View x, values, indices;
  int64_t rows, cols, k;
  if (!arguments(env, info, 6, "topk", argv) || !float32Array(env, argv[0], "topk: x", &x) ||
      !dimension(env, argv[1], "topk: rows", &rows) || !dimension(env, argv[2], "topk: cols", &cols) ||
      !dimension(env, argv[3], "topk: k", &k) || !float32Array(env, argv[4], "topk: values", &values) ||
      !typedArray(env, argv[5], napi_int32_array, "Int32Array", "topk: indices", &indices)) {
    return nullptr;
  }
  if (k > cols) {
    throwRange(env, "topk: k must not exceed cols");
    return nullptr;
  }
  if (!hasLength(env, x, product({rows, cols}), "topk: x") || !hasLength(env, values, product({rows, k}), "topk: values") ||
      !hasLength(env, indices, product({rows, k}), "topk: indices") ||
      !disjoint(env, values, {&x}, "topk") || !disjoint(env, indices, {&x, &values}, "topk")) {
    return nullptr;
  }
  memrec::topk(static_cast<const float*>(x.data), rows, cols, k, static_cast<float*>(values.data),
               static_cast<int32_t*>(indices.data));
  return nullptr;
}

// setThreads(n): n in [1, 64]; waits for a running call, then replaces the workers.
napi_value SetThreads(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int64_t threads;
  if (!arguments(env, info, 1, "setThreads", argv) || !dimension(env, argv[0], "setThreads: n", &threads)) {
    return nullptr;
  }
  if (threads < 1 || threads > kMaxThreads) {
    throwRange(env, "setThreads: n must be in [1, " + std::to_string(kMaxThreads) + "]");
    return nullptr;
  }
  memrec::pool().resize(static_cast<int>(threads));
  return nullptr;
}

napi_value String(napi_env env, const char* text) {
  napi_value value;
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &value);
  return value;
}

// info(): { blas: 'openblas' | 'builtin', blasPath?, blasConfig?, blasThreads?, threads: number, simd: string }
napi_value Info(napi_env env, napi_callback_info) {
  const memrec::Blas& blas = memrec::blas();
  napi_value result, threads;
  napi_create_object(env, &result);
  napi_set_named_property(env, result, "blas", String(env, blas.sgemm ? "openblas" : "builtin"));
  if (!blas.path.empty()) napi_set_named_property(env, result, "blasPath", String(env, blas.path.c_str()));
  if (!blas.config.empty()) napi_set_named_property(env, result, "blasConfig", String(env, blas.config.c_str()));
  if (blas.sgemm) {
    napi_value blasThreads;
    napi_create_int32(env, blas.threads, &blasThreads);
    napi_set_named_property(env, result, "blasThreads", blasThreads);
  }
  napi_create_int32(env, memrec::pool().size(), &threads);
  napi_set_named_property(env, result, "threads", threads);
  napi_set_named_property(env, result, "simd", String(env, memrec::builtinSimd()));
  return result;
}

}  // namespace

NAPI_MODULE_INIT() {
#ifdef __GLIBC__
  // Every tensor is a fresh typed array (calloc), tens of MB each for attention over long inputs. glibc's
  // defaults hand such blocks straight back to the kernel (mmap/munmap above a threshold, heap trimming),
  // so every batch faulted its memory in again: `memrec eval --run` of SASRec at max_length 200 spent half
  // its time in page faults, and ran 2-4x slower than the same evaluation after training had warmed the
  // heap. Blocks up to 256 MiB now come from the heap, and up to 1 GiB of freed heap is kept for reuse.
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, INT_MAX);
#endif
  // Load OpenBLAS and start the workers now, not in the first call.
  memrec::blas();
  memrec::pool();
  const napi_property_descriptor functions[] = {
      {"matmul", nullptr, Matmul, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"unsortedSegmentSum", nullptr, UnsortedSegmentSum, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"binary", nullptr, Binary, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"unary", nullptr, Unary, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"addN", nullptr, AddN, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"reduce", nullptr, Reduce, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"softmax", nullptr, Softmax, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"transpose", nullptr, Transpose, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"gather", nullptr, Gather, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"topk", nullptr, TopK, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  if (napi_define_properties(env, exports, sizeof(functions) / sizeof(functions[0]), functions) != napi_ok) {
    return nullptr;
  }
  return exports;
}
