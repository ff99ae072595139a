#include <pinnbench/core/Error.hpp>
#include <pinnbench/pde/AllenCahnTask.hpp>
#include <pinnbench/pde/TaskFactory.hpp>

namespace pinnbench::pde {

namespace {

DomainSampling domain_sampling(const YAML::Node& node)
{
  DomainSampling sampling;
  const auto kind = node["kind"].as<std::string>();
  if (kind == "grid") {
    sampling.kind = DomainSampling::Kind::grid;
    sampling.nx = node["nx"].as<int>();
    sampling.nt = node["nt"].as<int>();
  } else {
    sampling.kind = DomainSampling::Kind::random;
    sampling.count = node["n"].as<std::int64_t>();
  }
  return sampling;
}

SpaceTimeSampling sampling(const YAML::Node& node)
{
  SpaceTimeSampling s;
  s.domain = domain_sampling(node["domain"]);
  s.initial = node["initial"].as<int>();
  s.boundary = node["boundary"].as<int>();
  return s;
}

} // namespace

std::unique_ptr<Task> make_task(const YAML::Node& config, std::uint64_t seed)
{
  const auto name = config["name"].as<std::string>();
  const bool space_time =
      name == "convection" || name == "reaction" || name == "wave" || name == "allen_cahn";
  if (!space_time)
    throw NotImplementedError("task '" + name + "'");
  SpaceTimeSettings settings;
  settings.train = sampling(config["points"]);
  settings.test = sampling(config["test"]);
  settings.seed = seed;
  if (name == "convection")
    return std::make_unique<ConvectionTask>(config["beta"].as<double>(), settings);
  if (name == "reaction")
    return std::make_unique<ReactionTask>(config["rho"].as<double>(), settings);
  if (name == "wave")
    return std::make_unique<WaveTask>(config["c"].as<double>(), config["beta"].as<double>(),
                                      settings);
  reference::AllenCahnParameters parameters;
  parameters.diffusion = config["diffusion"].as<double>();
  parameters.reaction = config["reaction"].as<double>();
  reference::SpectralSettings spectral;
  spectral.fourier_points = config["reference"]["fourier_points"].as<int>();
  spectral.time_step = config["reference"]["time_step"].as<double>();
  return std::make_unique<AllenCahnTask>(parameters, spectral, settings);
}

} // namespace pinnbench::pde
