#pragma once
// Weight initialisers, drawn from the counter-based generator so that every
// rank computes the same values without communication.
#include <cstdint>
#include <string>
#include <vector>

namespace pinnbench::nn {

enum class WeightInit
{
  xavier_uniform, ///< U(-a, a), a = sqrt(6 / (fan_in + fan_out)) (PyTorch xavier_uniform_, gain 1)
  glorot_normal   ///< N(0, s^2), s = sqrt(2 / (fan_in + fan_out)) (xavier_normal_, DeepXDE "Glorot
                  ///< normal")
};

WeightInit weight_init_from_string(const std::string& name);
std::string to_string(WeightInit init);

/// Values of a [fan_out][fan_in] weight, entry e = o * fan_in + i drawn from
/// (seed, tensor_index, e).
std::vector<double> initial_weights(WeightInit init, std::size_t fan_out, std::size_t fan_in,
                                    std::uint64_t seed, std::uint32_t tensor_index);

} // namespace pinnbench::nn
