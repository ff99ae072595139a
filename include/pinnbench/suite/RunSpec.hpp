#pragma once
// One run of a suite: which task, model, objective and optimiser, in which
// precision and with which seed, and every setting resolved (docs/suites.md).
#include <cstdint>
#include <memory>
#include <pinnbench/core/Types.hpp>
#include <string>
#include <yaml-cpp/yaml.h>

namespace pinnbench::suite {

struct RunSpec
{
  std::string suite_name;
  /// "<task>-<model>-<objective>-<optimizer>-<precision>-s<seed>" built from the labels.
  std::string run_id;
  std::string task, model, objective, optimizer; ///< variant names ("convection")
  std::string task_label, model_label, objective_label, optimizer_label; ///< "convection_beta5"
  Precision precision = Precision::fp32;
  std::uint64_t seed = 0;
  /// Every setting with defaults filled in, plain values only:
  /// {task: {name, label, ...}, model: {...}, objective: {...}, optimizer: {...},
  ///  precision, seed, training: {...}, evaluation: {...}}.
  /// Keys are in schema order; floats are written so they read back as floats
  /// (also in YAML 1.1 readers: "1.0e-05", "50.0").
  YAML::Node config;
  /// Suites loaded compactly (200 000 runs fit in a few hundred MB) hold the
  /// configuration as its canonical text instead, shared by copies, and leave
  /// `config` empty until materialize() parses it.
  std::shared_ptr<const std::string> config_text;

  // YAML::Node has reference semantics, and its operator= rewrites the node it
  // held (every other handle sees the change). Copies of a RunSpec therefore get
  // their own config, and assignments rebind instead of writing through.
  RunSpec() = default;
  RunSpec(const RunSpec& other);
  RunSpec(RunSpec&& other) noexcept;
  RunSpec& operator=(const RunSpec& other);
  RunSpec& operator=(RunSpec&& other) noexcept;
  ~RunSpec() = default;

  /// `config` as block YAML in its stable key order; equal configurations give
  /// equal text (what `--resume` compares).
  std::string config_yaml() const;
  /// Fills `config` from `config_text` (no-op when it is there already).
  void materialize();
  /// Keeps only `config_text` (no-op when it is there already).
  void compact();
};

/// Throws NotImplementedError ("not implemented yet: model 'qres'") for the first
/// of the run's task, model, objective and optimizer that this build cannot run.
void require_implemented(const RunSpec& run);

} // namespace pinnbench::suite
