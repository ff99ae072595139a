#pragma once
// Test helpers for the io area: a fully populated RunResult, exact comparison
// of results, and throw-away directories.
#include <filesystem>
#include <pinnbench/io/RunResult.hpp>
#include <string>
#include <vector>

namespace pinnbench::io::test {

/// Metadata with every field set, without asking MPI (usable before MPI_Init
/// and in forked children).
RunMetadata synthetic_metadata();

/// A result with every part of the schema: metadata, run attributes of all
/// three types (including NaN), int and double history series with awkward
/// values, two MLP layers and a 2 x 3 grid test set. `single_precision` makes
/// every tensor fp32.
RunResult synthetic_result(bool single_precision = false);

/// A `failed` run: no history, no parameters, no test tensors.
RunResult minimal_failed_result();

/// What reading `written` back must give: float tensors rounded through float.
RunResult expected_after_round_trip(const RunResult& written);

/// gtest expectations that every value is identical (NaN equals NaN, -0 is not
/// +0), naming the first differing field.
void expect_same_result(const RunResult& expected, const RunResult& actual);
void expect_same_attributes(const AttributeList& expected, const AttributeList& actual,
                            const std::string& where);

/// A fresh, empty directory under the system temp dir, removed on destruction.
class ScratchDirectory
{
public:
  explicit ScratchDirectory(const std::string& label);
  ~ScratchDirectory();
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }

private:
  std::filesystem::path path_;
};

/// Names of the entries of `directory`, sorted (hidden ones included).
std::vector<std::string> list_directory(const std::filesystem::path& directory);

} // namespace pinnbench::io::test
