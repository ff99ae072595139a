// collect_run_metadata is collective: run at 1 and 2 ranks. Also writes a
// result from rank 0 the way the driver will and reads it on every rank.
#include "SyntheticResult.hpp"

#include <cstdlib>
#include <gtest/gtest.h>
#include <memory>
#include <mpi.h>
#include <pinnbench/core/BuildInfo.hpp>
#include <pinnbench/io/Hdf5.hpp>
#include <pinnbench/io/ResultReader.hpp>
#include <pinnbench/io/ResultWriter.hpp>
#include <pinnbench/io/RunMetadata.hpp>
#include <regex>
#include <sstream>

namespace pinnbench::io {
namespace {

int rank_of(MPI_Comm comm)
{
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  return rank;
}

int size_of(MPI_Comm comm)
{
  int size = 0;
  MPI_Comm_size(comm, &size);
  return size;
}

std::string rank0_value(const std::string& mine)
{
  std::string value = mine;
  unsigned long long length = value.size();
  MPI_Bcast(&length, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
  value.resize(static_cast<std::size_t>(length));
  MPI_Bcast(value.data(), static_cast<int>(length), MPI_CHAR, 0, MPI_COMM_WORLD);
  return value;
}

std::vector<std::string> split(const std::string& text, char separator)
{
  std::vector<std::string> parts;
  std::stringstream stream(text);
  for (std::string part; std::getline(stream, part, separator);) {
    parts.push_back(part);
  }
  return parts;
}

/// A command line with an argument that needs quoting.
struct FakeCommandLine
{
  std::vector<std::string> storage = {"pinnbench", "--suite",         "quick start",
                                      "--filter",  "task=convection", "it's"};
  std::vector<char*> argv;
  FakeCommandLine()
  {
    for (std::string& argument : storage) {
      argv.push_back(argument.data());
    }
    argv.push_back(nullptr);
  }
  int argc() const { return static_cast<int>(storage.size()); }
};

TEST(RunMetadata, DescribesBuildAndRanks)
{
  FakeCommandLine command;
  const RunMetadata metadata =
      collect_run_metadata(MPI_COMM_WORLD, command.argc(), command.argv.data());

  EXPECT_EQ(metadata.pinnbench_version, pinnbench::version());
  EXPECT_EQ(metadata.git_commit, pinnbench::git_commit());
  EXPECT_FALSE(metadata.git_commit.empty());
  EXPECT_EQ(metadata.command_line,
            "pinnbench --suite 'quick start' --filter task=convection 'it'\\''s'");
  EXPECT_EQ(metadata.world_size, size_of(MPI_COMM_WORLD));
  EXPECT_EQ(metadata.kokkos_version, pinnbench::kokkos_version());
  EXPECT_FALSE(metadata.kokkos_backends.empty());
  EXPECT_FALSE(metadata.mpi_library.empty());
  EXPECT_EQ(metadata.mpi_library.find('\n'), std::string::npos);
  EXPECT_EQ(metadata.hdf5_version, hdf5_library_version());
  EXPECT_TRUE(std::regex_match(metadata.hdf5_version, std::regex(R"(\d+\.\d+\.\d+)")));
  EXPECT_EQ(metadata.compiler, pinnbench::compiler());
  EXPECT_TRUE(
      std::regex_match(metadata.created_utc, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
      << metadata.created_utc;

  // Hosts: unique, and this rank's processor name among them.
  char name[MPI_MAX_PROCESSOR_NAME] = {};
  int length = 0;
  MPI_Get_processor_name(name, &length);
  const std::vector<std::string> hosts = split(metadata.hosts, ',');
  ASSERT_FALSE(hosts.empty());
  EXPECT_NE(std::find(hosts.begin(), hosts.end(), std::string(name, length)), hosts.end());
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    EXPECT_FALSE(hosts[i].empty());
    EXPECT_EQ(std::count(hosts.begin(), hosts.end(), hosts[i]), 1) << hosts[i];
  }
  EXPECT_LE(hosts.size(), static_cast<std::size_t>(size_of(MPI_COMM_WORLD)));

  // Every rank holds rank 0's view, so whichever rank writes, the file is the same.
  EXPECT_EQ(rank0_value(metadata.created_utc), metadata.created_utc);
  EXPECT_EQ(rank0_value(metadata.environment), metadata.environment);
  EXPECT_EQ(rank0_value(metadata.hosts), metadata.hosts);
}

TEST(RunMetadata, RecordsSelectedEnvironmentSorted)
{
  ASSERT_EQ(::setenv("OMP_NUM_THREADS", "1", 1), 0);
  ASSERT_EQ(::setenv("PINNBENCH_DATA", "/data/pinn benchmarks", 1), 0);
  ASSERT_EQ(::setenv("KOKKOS_PINNBENCH_TEST", "a=b", 1), 0);
  ASSERT_EQ(::setenv("OPENBLAS_NUM_THREADS", "1", 1), 0);
  ASSERT_EQ(::setenv("SLURM_PINNBENCH_TEST", "7", 1), 0);
  ASSERT_EQ(::setenv("PINNBENCH_DATA_EXTRA", "no", 1), 0);
  ASSERT_EQ(::setenv("PINNBENCH_OTHER", "no", 1), 0);
  ASSERT_EQ(::setenv("XOMP_NUM_THREADS", "no", 1), 0);

  const RunMetadata metadata = collect_run_metadata(MPI_COMM_WORLD, 0, nullptr);
  EXPECT_EQ(metadata.command_line, "");
  const std::vector<std::string> lines = split(metadata.environment, '\n');
  const auto has = [&](const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
  };
  EXPECT_TRUE(has("OMP_NUM_THREADS=1")) << metadata.environment;
  EXPECT_TRUE(has("PINNBENCH_DATA=/data/pinn benchmarks")) << metadata.environment;
  EXPECT_TRUE(has("KOKKOS_PINNBENCH_TEST=a=b")) << metadata.environment;
  EXPECT_TRUE(has("OPENBLAS_NUM_THREADS=1")) << metadata.environment;
  EXPECT_TRUE(has("SLURM_PINNBENCH_TEST=7")) << metadata.environment;
  EXPECT_EQ(metadata.environment.find("PINNBENCH_DATA_EXTRA"), std::string::npos);
  EXPECT_EQ(metadata.environment.find("PINNBENCH_OTHER"), std::string::npos);
  EXPECT_EQ(metadata.environment.find("XOMP_"), std::string::npos);

  std::vector<std::string> names;
  for (const std::string& line : lines) {
    names.push_back(line.substr(0, line.find('=')));
    EXPECT_TRUE(std::regex_search(line, std::regex("^(SLURM_|OMP_|KOKKOS_|OPENBLAS_|"
                                                   "PINNBENCH_DATA=)")))
        << line;
  }
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end())) << metadata.environment;
}

TEST(RunMetadata, UtcNowIsIso8601)
{
  EXPECT_TRUE(
      std::regex_match(utc_now(), std::regex(R"(20\d\d-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-6]\dZ)")));
}

TEST(RunMetadata, RankZeroWritesEveryRankReads)
{
  const int rank = rank_of(MPI_COMM_WORLD);
  std::unique_ptr<test::ScratchDirectory> scratch;
  std::string directory;
  if (rank == 0) {
    scratch = std::make_unique<test::ScratchDirectory>("mpi");
    directory = scratch->path().string();
  }
  directory = rank0_value(directory);

  RunResult result = test::synthetic_result();
  result.metadata = collect_run_metadata(MPI_COMM_WORLD, 0, nullptr);
  result.finished_utc = utc_now();
  const std::filesystem::path path =
      std::filesystem::path(directory) / result.suite / (result.run_id + ".h5");
  int written = 1;
  if (rank == 0) {
    try {
      write_result_file(path, result);
    } catch (const std::exception& error) {
      ADD_FAILURE() << error.what();
      written = 0;
    }
  }
  MPI_Bcast(&written, 1, MPI_INT, 0, MPI_COMM_WORLD);
  ASSERT_EQ(written, 1);

  EXPECT_TRUE(is_complete_result(path, result.config_yaml));
  const RunResult read = read_result_file(path);
  EXPECT_EQ(read.metadata.world_size, size_of(MPI_COMM_WORLD));
  EXPECT_EQ(read.metadata.hosts, result.metadata.hosts);
  EXPECT_EQ(read.metadata.created_utc, result.metadata.created_utc);
  EXPECT_EQ(read.metadata.environment, result.metadata.environment);
  // Everyone has read before rank 0 removes the directory.
  MPI_Barrier(MPI_COMM_WORLD);
}

} // namespace
} // namespace pinnbench::io
