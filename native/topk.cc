#include "topk.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "thread_pool.h"

namespace memrec {
namespace {

// Whether v ranks above w: larger, with NaN below everything. Equal values never rank above one another,
// so an element met later (a higher index) stays behind an equal one already kept.
inline bool above(float v, float w) { return !std::isnan(v) && (std::isnan(w) || v > w); }

// Keeps the best k of one row in vals/ids, sorted, by insertion: after the first k, most elements fail the
// single comparison with the current k-th and cost nothing more (for small k: the usual cut-offs).
void topkRow(const float* row, int64_t cols, int64_t k, float* vals, int32_t* ids) {
  int64_t kept = 0;
  for (int64_t j = 0; j < cols; ++j) {
    const float v = row[j];
    if (kept == k && !above(v, vals[k - 1])) continue;
    int64_t p = kept < k ? kept++ : k - 1;
    while (p > 0 && above(v, vals[p - 1])) {
      vals[p] = vals[p - 1];
      ids[p] = ids[p - 1];
      --p;
    }
    vals[p] = v;
    ids[p] = static_cast<int32_t>(j);
  }
}

// Above this k the insertion's shifts (about k² log(cols / k) a row) cost more than a partial sort's
// cols log k: an evaluation at a cut-off of thousands (hr@55368 over a catalogue) took minutes by insertion.
constexpr int64_t kInsertionMaxK = 256;

// The same answer as topkRow, by a partial sort of the row's indices under the same order: above(), then the
// lower index first (a total order, so the k best are the same elements in the same order).
void topkRowSorted(const float* row, int64_t cols, int64_t k, float* vals, int32_t* ids, std::vector<int32_t>& order) {
  order.resize(static_cast<size_t>(cols));
  for (int64_t j = 0; j < cols; ++j) order[j] = static_cast<int32_t>(j);
  std::partial_sort(order.begin(), order.begin() + k, order.end(), [row](int32_t a, int32_t b) {
    return above(row[a], row[b]) || (!above(row[b], row[a]) && a < b);
  });
  for (int64_t p = 0; p < k; ++p) {
    ids[p] = order[p];
    vals[p] = row[order[p]];
  }
}

}  // namespace

void topk(const float* x, int64_t rows, int64_t cols, int64_t k, float* values, int32_t* indices) {
  if (k == 0) return;
  parallelFor(rows, static_cast<double>(cols), [&](int64_t begin, int64_t end) {
    if (k <= kInsertionMaxK) {
      for (int64_t r = begin; r < end; ++r) topkRow(x + r * cols, cols, k, values + r * k, indices + r * k);
      return;
    }
    std::vector<int32_t> order;
    for (int64_t r = begin; r < end; ++r) topkRowSorted(x + r * cols, cols, k, values + r * k, indices + r * k, order);
  });
}

}  // namespace memrec
