#pragma once
// Strided walks over row-major index spaces, shared by the broadcasting, transposing and reducing kernels.
#include <array>
#include <cstdint>
#include <vector>

namespace memrec {

// One dimension of a walk: its size, and how far each of K operands moves per step along it.
template <int K>
struct Dim {
  int64_t size;
  std::array<int64_t, K> stride;
};

// Appends d (the next dimension inward) to dims. Size-1 dimensions are dropped, and d merges into the last
// dimension when every operand moves over the pair as over one (last stride = d's stride * d's size).
template <int K>
void pushDim(std::vector<Dim<K>>& dims, const Dim<K>& d) {
  if (d.size == 1) return;
  if (!dims.empty()) {
    Dim<K>& last = dims.back();
    bool merges = true;
    for (int k = 0; k < K; ++k) merges = merges && last.stride[k] == d.stride[k] * d.size;
    if (merges) {
      last.size *= d.size;
      last.stride = d.stride;
      return;
    }
  }
  dims.push_back(d);
}

// A row-major walk over dims (outermost first; every size above 0), tracking each operand's offset.
template <int K>
class Walk {
 public:
  // Positioned at flat index `start`.
  Walk(const std::vector<Dim<K>>& dims, int64_t start) : dims_(dims), index_(dims.size()) {
    offset_.fill(0);
    for (size_t d = dims.size(); d-- > 0;) {
      index_[d] = start % dims[d].size;
      start /= dims[d].size;
      for (int k = 0; k < K; ++k) offset_[k] += index_[d] * dims[d].stride[k];
    }
  }

  int64_t offset(int k) const { return offset_[k]; }

  // Moves to the next index (from the last one, back to the first).
  void next() {
    for (size_t d = dims_.size(); d-- > 0;) {
      if (++index_[d] < dims_[d].size) {
        for (int k = 0; k < K; ++k) offset_[k] += dims_[d].stride[k];
        return;
      }
      for (int k = 0; k < K; ++k) offset_[k] -= (dims_[d].size - 1) * dims_[d].stride[k];
      index_[d] = 0;
    }
  }

 private:
  const std::vector<Dim<K>>& dims_;
  std::vector<int64_t> index_;
  std::array<int64_t, K> offset_;
};

}  // namespace memrec
