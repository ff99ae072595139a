#pragma once
// The quasi-random points DeepXDE draws by default (train_distribution =
// "Hammersley"), reproduced from scikit-optimize's definitions:
//  - radical inverse (skopt `_van_der_corput_samples`): the base-b digits of k
//    mirrored about the radix point, accumulated as digit / b^j in that order;
//  - skopt `Hammersly.generate(N)` in d >= 2 dimensions: point i = 0..N-1 is
//    (phi_2(i), phi_3(i), ..., phi_p(d-1)(i), i / N), the last coordinate being
//    numpy.linspace(0, 1, N + 1)[:-1];
//  - DeepXDE `sampler.quasirandom(n, d)` drops the first point (0, ..., 0): for
//    d >= 2 it generates N = n + 1 and keeps i = 1..n, for d = 1 it uses skip 1,
//    i.e. phi_2(1..n).
#include <cstdint>
#include <vector>

namespace pinnbench::geometry {

/// Van der Corput radical inverse of `index` in `base` (skopt's arithmetic order).
double radical_inverse(std::uint64_t index, unsigned base);

/// The first `count` primes (2, 3, 5, ...).
std::vector<unsigned> first_primes(int count);

/// DeepXDE's Hammersley sample: n points in [0, 1)^dimension, row-major [n][dimension].
std::vector<double> hammersley(std::int64_t n, int dimension);

} // namespace pinnbench::geometry
