#pragma once
// exp and tanh for the float32 kernels, computed in double like JS's Math.exp and Math.tanh, so that rounded to
// float32 they give tfjs-cpu's results (identical on millions of samples), yet branch-free so that loops over
// them vectorize, unlike calls to libm (several times faster).
#include <cmath>
#include <cstdint>
#include <cstring>

namespace memrec {

// e^x for |x| <= 110, within a few units in the last place of a double: x = n ln 2 + r (Cody-Waite, ln 2 split
// as in fdlibm so that n * kLn2Hi is exact), a degree-12 Taylor polynomial for e^r, and 2^n built in the
// exponent bits.
inline double expNear(double x) {
  constexpr double kLog2e = 1.4426950408889634;
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  const double n = std::nearbyint(x * kLog2e);
  const double r = (x - n * kLn2Hi) - n * kLn2Lo;
  double p = 1.0 / 479001600;
  p = p * r + 1.0 / 39916800;
  p = p * r + 1.0 / 3628800;
  p = p * r + 1.0 / 362880;
  p = p * r + 1.0 / 40320;
  p = p * r + 1.0 / 5040;
  p = p * r + 1.0 / 720;
  p = p * r + 1.0 / 120;
  p = p * r + 1.0 / 24;
  p = p * r + 1.0 / 6;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  const int64_t bits = (static_cast<int64_t>(n) + 1023) << 52;
  double scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

// e^x where it matters to float32: arguments beyond +-110 count as +-110, whose e^x (and 1 / (1 + e^x)) are
// already 0 or infinite once rounded to float32. NaN stays NaN.
inline double expForFloat(double x) {
  const double y = expNear(x > -110 ? (x < 110 ? x : 110) : -110);
  return x != x ? x : y;
}

// tanh x: an odd Taylor polynomial near 0 (where 1 - 2 / (e^2|x| + 1) would cancel), else that formula.
inline double tanhForFloat(double x) {
  const double a = std::fabs(x), x2 = x * x;
  const double small = x * (1.0 + x2 * (-1.0 / 3 + x2 * (2.0 / 15 + x2 * (-17.0 / 315))));
  const double large = std::copysign(1.0 - 2.0 / (expForFloat(2 * a) + 1.0), x);
  return a < 0.015625 ? small : large;
}

}  // namespace memrec
