#include <pinnbench/core/FaultInjection.hpp>
#include <pinnbench/io/Hdf5.hpp>
#include <pinnbench/train/Checkpoint.hpp>
#include <unistd.h>

namespace pinnbench::train {

namespace fs = std::filesystem;

namespace {
constexpr const char* kind = "pinnbench-checkpoint";

std::string join_names(const std::vector<std::string>& names)
{
  std::string text;
  for (const auto& name : names)
    text += (text.empty() ? "" : "\n") + name;
  return text;
}

std::vector<std::string> split_names(const std::string& text)
{
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    const auto end = text.find('\n', start);
    names.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos)
      break;
    start = end + 1;
  }
  return names;
}
} // namespace

fs::path checkpoint_path(const fs::path& result_path)
{
  return result_path.parent_path() / ("." + result_path.stem().string() + ".checkpoint.h5");
}

void write_checkpoint(const fs::path& path, const std::string& config_yaml, CheckpointParts parts)
{
  fs::create_directories(path.parent_path());
  const fs::path temporary =
      path.parent_path() / (path.filename().string() + ".tmp-" + std::to_string(::getpid()));
  try {
    auto file = io::File::create(temporary);
    if (fault::should_fail("checkpoint_write"))
      file.fail_next_write_as_full_disk();
    file.write_string_attribute("kind", kind);
    file.write_string_attribute("config_yaml", config_yaml);
    std::vector<std::string> part_names;
    for (auto& [name, state] : parts) {
      part_names.push_back(name);
      auto group = file.create_group(name);
      group.write_string_attribute("kind", state.kind);
      // Names keep their order (and may contain any character but a newline).
      std::vector<std::string> arrays, scalars;
      std::vector<double> scalar_values;
      auto array_group = group.create_group("arrays");
      for (std::size_t i = 0; i < state.arrays.size(); ++i) {
        arrays.push_back(state.arrays[i].first);
        auto& values = state.arrays[i].second;
        array_group.write_dataset(std::to_string(i), {values.size()}, values.data());
        // The file is built in memory: release each array once it is in the
        // image, so the state and its image never both exist in full.
        std::vector<double>().swap(values);
      }
      for (const auto& [scalar, value] : state.scalars) {
        scalars.push_back(scalar);
        scalar_values.push_back(value);
      }
      group.write_string_attribute("array_names", join_names(arrays));
      group.write_string_attribute("scalar_names", join_names(scalars));
      // A dataset, not an attribute: datasets carry checksums.
      group.write_dataset("scalar_values", {scalar_values.size()}, scalar_values.data());
    }
    file.write_string_attribute("parts", join_names(part_names));
    file.close();
    fs::rename(temporary, path);
  } catch (...) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw;
  }
}

void remove_stale_checkpoint_temporaries(const fs::path& result_path)
{
  const fs::path checkpoint = checkpoint_path(result_path);
  const std::string prefix = checkpoint.filename().string() + ".tmp-";
  std::error_code error;
  const fs::path directory = checkpoint.parent_path().empty() ? "." : checkpoint.parent_path();
  for (fs::directory_iterator it(directory, error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (name.compare(0, prefix.size(), prefix) == 0) {
      std::error_code ignored;
      fs::remove(it->path(), ignored);
    }
  }
}

std::optional<CheckpointParts> read_checkpoint(const fs::path& path, const std::string& config_yaml,
                                               std::string* damage)
{
  std::error_code error;
  if (!fs::is_regular_file(path, error))
    return std::nullopt;
  bool ours = false;
  try {
    const auto file = io::File::open_read_only(path);
    if (file.read_string_attribute("kind") != kind ||
        file.read_string_attribute("config_yaml") != config_yaml)
      return std::nullopt;
    ours = true;
    CheckpointParts parts;
    for (const auto& name : split_names(file.read_string_attribute("parts"))) {
      const auto group = file.open_group(name);
      optim::OptimizerState state;
      state.kind = group.read_string_attribute("kind");
      const auto arrays = split_names(group.read_string_attribute("array_names"));
      const auto array_group = group.open_group("arrays");
      for (std::size_t i = 0; i < arrays.size(); ++i)
        state.add_array(arrays[i], array_group.open_dataset(std::to_string(i)).read_doubles());
      const auto scalars = split_names(group.read_string_attribute("scalar_names"));
      const auto values = group.has_child("scalar_values")
                              ? group.open_dataset("scalar_values").read_doubles()
                              : group.read_double_array_attribute("scalar_values");
      if (values.size() != scalars.size())
        throw io::Hdf5Error(group.where() + ": " + std::to_string(values.size()) +
                            " scalar values for " + std::to_string(scalars.size()) + " names");
      for (std::size_t i = 0; i < scalars.size(); ++i)
        state.add_scalar(scalars[i], values[i]);
      parts.emplace_back(name, std::move(state));
    }
    return parts;
  } catch (const std::exception& e) {
    // Unreadable, or a checksum failed: start over rather than fail the run,
    // and say so (a file that is not HDF5 at all is damaged too).
    if (damage)
      *damage = ours ? e.what() : std::string("not a readable checkpoint: ") + e.what();
    return std::nullopt;
  }
}

} // namespace pinnbench::train
