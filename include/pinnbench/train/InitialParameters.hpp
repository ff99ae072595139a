#pragma once
// Starting a run from stored parameters (`model: {initial_parameters: FILE}`):
// FILE is HDF5 with the result file's /run/parameters layout (one dataset per
// tensor, the group attribute `order` listing them), so a result file, or a
// PyTorch state_dict converted by scripts/import-state-dict.py, can be
// evaluated (`iterations: 0`) or fine-tuned.
#include <filesystem>
#include <pinnbench/nn/ParameterLayout.hpp>
#include <pinnbench/suite/RunSpec.hpp>
#include <string>
#include <vector>

namespace pinnbench::train {

/// The configuration key, for messages.
inline constexpr const char* initial_parameters_key = "model.initial_parameters";

/// The parameter vector in layout order. Throws ConfigError naming the file and
/// the key when the file cannot be read or its tensors differ from the layout in
/// names, order, shapes or count.
std::vector<double> load_initial_parameters(const std::string& file,
                                            const nn::ParameterLayout& layout);

/// Pre-flight: checks every run's initial_parameters file against the model it
/// builds, before any run starts (ConfigError, "run ID: ..." on the first bad one).
void check_initial_parameters(const std::vector<suite::RunSpec>& runs,
                              const std::filesystem::path& data_dir);

} // namespace pinnbench::train
