// Node-API bindings: synchronous functions on typed-array views (no copies; a view's byteOffset is honoured).
// Arguments are checked here, so the kernels below can trust them; a bad call throws a TypeError or RangeError.
#include <node_api.h>

#include <climits>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <string>

#include "blas.h"
#include "gemm.h"
#include "ops.h"
#include "thread_pool.h"

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
int64_t product(std::initializer_list<int64_t> factors) {
  int64_t result = 1;
  for (int64_t factor : factors) {
    if (__builtin_mul_overflow(result, factor, &result)) return -1;
  }
  return result;
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

// info(): { blas: 'openblas' | 'builtin', blasPath?: string, threads: number, simd: string }
napi_value Info(napi_env env, napi_callback_info) {
  const memrec::Blas& blas = memrec::blas();
  napi_value result, threads;
  napi_create_object(env, &result);
  napi_set_named_property(env, result, "blas", String(env, blas.sgemm ? "openblas" : "builtin"));
  if (!blas.path.empty()) napi_set_named_property(env, result, "blasPath", String(env, blas.path.c_str()));
  napi_create_int32(env, memrec::pool().size(), &threads);
  napi_set_named_property(env, result, "threads", threads);
  napi_set_named_property(env, result, "simd", String(env, memrec::builtinSimd()));
  return result;
}

}  // namespace

NAPI_MODULE_INIT() {
  // Load OpenBLAS and start the workers now, not in the first call.
  memrec::blas();
  memrec::pool();
  const napi_property_descriptor functions[] = {
      {"matmul", nullptr, Matmul, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"unsortedSegmentSum", nullptr, UnsortedSegmentSum, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  if (napi_define_properties(env, exports, sizeof(functions) / sizeof(functions[0]), functions) != napi_ok) {
    return nullptr;
  }
  return exports;
}
