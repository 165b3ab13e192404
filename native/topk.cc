#include "topk.h"

#include <cmath>

#include "thread_pool.h"

namespace memrec {
namespace {

// Whether v ranks above w: larger, with NaN below everything. Equal values never rank above one another,
// so an element met later (a higher index) stays behind an equal one already kept.
inline bool above(float v, float w) { return !std::isnan(v) && (std::isnan(w) || v > w); }

// Keeps the best k of one row in vals/ids, sorted, by insertion: after the first k, most elements fail the
// single comparison with the current k-th and cost nothing more (k is small: the cut-offs of a ranking).
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

}  // namespace

void topk(const float* x, int64_t rows, int64_t cols, int64_t k, float* values, int32_t* indices) {
  if (k == 0) return;
  parallelFor(rows, static_cast<double>(cols), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) topkRow(x + r * cols, cols, k, values + r * k, indices + r * k);
  });
}

}  // namespace memrec
