#include <cmath>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/core/Math.hpp>
#include <pinnbench/nn/Initialization.hpp>
#include <pinnbench/random/Philox.hpp>

namespace pinnbench::nn {

WeightInit weight_init_from_string(const std::string& name)
{
  if (name == "xavier_uniform")
    return WeightInit::xavier_uniform;
  if (name == "glorot_normal")
    return WeightInit::glorot_normal;
  throw ConfigError("unknown initialisation '" + name +
                    "' (valid choices: xavier_uniform, glorot_normal)");
}

std::string to_string(WeightInit init)
{
  return init == WeightInit::xavier_uniform ? "xavier_uniform" : "glorot_normal";
}

std::vector<double> initial_weights(WeightInit init, std::size_t fan_out, std::size_t fan_in,
                                    std::uint64_t seed, std::uint32_t tensor_index)
{
  const random::CounterRng rng(seed, random::Stream::initialization);
  const double fans = static_cast<double>(fan_in + fan_out);
  std::vector<double> values(fan_out * fan_in);
  for (std::size_t e = 0; e < values.size(); ++e) {
    double u0 = 0.0, u1 = 0.0;
    rng.uniform_pair(tensor_index, e, 0, u0, u1);
    if (init == WeightInit::xavier_uniform) {
      const double bound = std::sqrt(6.0 / fans);
      values[e] = (2.0 * u0 - 1.0) * bound;
    } else {
      // Box-Muller; 1 - u0 is in (0, 1] so the logarithm is finite.
      const double normal =
          std::sqrt(-2.0 * std::log(1.0 - u0)) * std::cos(2.0 * math::pi<double> * u1);
      values[e] = normal * std::sqrt(2.0 / fans);
    }
  }
  return values;
}

} // namespace pinnbench::nn
