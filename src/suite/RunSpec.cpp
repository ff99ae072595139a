#include <pinnbench/core/Error.hpp>
#include <pinnbench/suite/RunSpec.hpp>
#include <pinnbench/suite/Schema.hpp>
#include <utility>

namespace pinnbench::suite {

RunSpec::RunSpec(const RunSpec& other)
{
  *this = other;
}

RunSpec::RunSpec(RunSpec&& other) noexcept
{
  *this = std::move(other);
}

RunSpec& RunSpec::operator=(const RunSpec& other)
{
  if (this != &other) {
    RunSpec copy;
    copy.suite_name = other.suite_name;
    copy.run_id = other.run_id;
    copy.task = other.task;
    copy.model = other.model;
    copy.objective = other.objective;
    copy.optimizer = other.optimizer;
    copy.task_label = other.task_label;
    copy.model_label = other.model_label;
    copy.objective_label = other.objective_label;
    copy.optimizer_label = other.optimizer_label;
    copy.precision = other.precision;
    copy.seed = other.seed;
    if (other.config.IsMap()) {
      copy.config.reset(YAML::Clone(other.config));
    }
    copy.config_text = other.config_text;
    *this = std::move(copy);
  }
  return *this;
}

RunSpec& RunSpec::operator=(RunSpec&& other) noexcept
{
  if (this != &other) {
    suite_name = std::move(other.suite_name);
    run_id = std::move(other.run_id);
    task = std::move(other.task);
    model = std::move(other.model);
    objective = std::move(other.objective);
    optimizer = std::move(other.optimizer);
    task_label = std::move(other.task_label);
    model_label = std::move(other.model_label);
    objective_label = std::move(other.objective_label);
    optimizer_label = std::move(other.optimizer_label);
    precision = other.precision;
    seed = other.seed;
    config.reset(other.config);
    other.config.reset();
    config_text = std::move(other.config_text);
  }
  return *this;
}

std::string RunSpec::config_yaml() const
{
  if (!config.IsMap() && config_text) {
    return *config_text;
  }
  YAML::Emitter out;
  out << config;
  return std::string(out.c_str()) + "\n";
}

void RunSpec::materialize()
{
  if (!config.IsMap() && config_text) {
    config.reset(YAML::Load(*config_text));
  }
}

void RunSpec::compact()
{
  if (config.IsMap()) {
    config_text = std::make_shared<const std::string>(config_yaml());
    config.reset();
  }
}

void require_implemented(const RunSpec& run)
{
  const std::pair<const char*, const std::string*> parts[] = {{"task", &run.task},
                                                              {"model", &run.model},
                                                              {"objective", &run.objective},
                                                              {"optimizer", &run.optimizer}};
  for (const auto& [section, name] : parts) {
    if (!is_implemented(section, *name)) {
      throw NotImplementedError(std::string(section) + " '" + *name + "'");
    }
  }
}

} // namespace pinnbench::suite
