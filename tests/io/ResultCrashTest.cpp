// A writer killed mid-write must leave no result behind, and the next writer
// must clean up after it. Forks, so this binary never initialises MPI (fork
// under Open MPI is unsafe) and is never run under mpiexec.
#include "SyntheticResult.hpp"

#include <csignal>
#include <fstream>
#include <gtest/gtest.h>
#include <pinnbench/io/ResultReader.hpp>
#include <pinnbench/io/ResultWriter.hpp>
#include <sys/wait.h>
#include <unistd.h>

namespace pinnbench::io {
namespace {

namespace fs = std::filesystem;

constexpr int exit_write_threw = 3;
constexpr int exit_write_finished = 4;

/// Forks a child that writes `result` to `path` and SIGKILLs itself right
/// after dataset number `kill_after` (1-based); returns the child's pid once
/// it is dead.
pid_t run_killed_writer(const fs::path& path, const RunResult& result, int kill_after)
{
  const pid_t child = ::fork();
  if (child == 0) {
    // Child: no gtest assertions, no return into the test runner.
    int datasets = 0;
    WriteOptions options;
    options.after_dataset = [&](const std::string&) {
      if (++datasets == kill_after) {
        std::raise(SIGKILL);
      }
    };
    try {
      write_result_file(path, result, options);
    } catch (...) {
      ::_exit(exit_write_threw);
    }
    ::_exit(exit_write_finished);
  }
  EXPECT_GT(child, 0) << "fork failed";
  int status = 0;
  EXPECT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "child was not killed by the seam; exit status "
      << (WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return child;
}

class KilledWriter : public ::testing::TestWithParam<int>
{
protected:
  test::ScratchDirectory scratch{"crash"};
  RunResult result = test::synthetic_result();
  fs::path final_path = scratch.path() / result.suite / (result.run_id + ".h5");
};

TEST_P(KilledWriter, LeavesNoResultAndTheNextWriterCleansUp)
{
  const pid_t child = run_killed_writer(final_path, result, GetParam());

  // The killed writer built its file in memory: it left nothing on disk, not
  // even a temporary, and nothing under the final name.
  const fs::path stale = temporary_result_path(final_path, child);
  EXPECT_FALSE(fs::exists(stale)) << stale;
  EXPECT_FALSE(fs::exists(final_path));
  EXPECT_FALSE(read_result_summary(final_path));
  EXPECT_FALSE(is_complete_result(final_path, result.config_yaml));
  // Even the half-written temporary is reported as incomplete, not thrown on.
  std::optional<ResultSummary> partial;
  EXPECT_NO_THROW(partial = read_result_summary(stale));
  EXPECT_FALSE(partial);

  write_result_file(final_path, result);
  EXPECT_FALSE(fs::exists(stale)) << "stale temporary not removed";
  EXPECT_EQ(test::list_directory(final_path.parent_path()),
            (std::vector<std::string>{final_path.filename().string()}));
  EXPECT_TRUE(is_complete_result(final_path, result.config_yaml));
}

// After the second dataset (as the brief asks), after the first parameter
// tensor, and after the very last dataset (only finished_utc and the close
// were missing).
INSTANTIATE_TEST_SUITE_P(KillPoints, KilledWriter, ::testing::Values(2, 7, 14),
                         [](const ::testing::TestParamInfo<int>& param_info) {
                           return "AfterDataset" + std::to_string(param_info.param);
                         });

TEST_F(KilledWriter, KeepsThePreviousResultIntact)
{
  write_result_file(final_path, result);
  RunResult replacement = result;
  replacement.run.set_string("status", "failed");
  replacement.run.set_string("status_message", "never finished");
  const pid_t child = run_killed_writer(final_path, replacement, 2);

  const std::optional<ResultSummary> summary = read_result_summary(final_path);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->status, "ok");
  test::expect_same_result(test::expected_after_round_trip(result), read_result_file(final_path));
  EXPECT_FALSE(fs::exists(temporary_result_path(final_path, child)));
}

TEST_F(KilledWriter, OnlyTemporariesOfTheSameResultAreRemoved)
{
  const pid_t child = run_killed_writer(final_path, result, 2);
  const fs::path directory = final_path.parent_path();
  // Another run's temporary and unrelated files in the same suite directory.
  const fs::path other_temporary = directory / ".other-run.h5.tmp-12345";
  const fs::path unrelated = directory / "notes.txt";
  std::ofstream(other_temporary) << "other writer";
  std::ofstream(unrelated) << "keep me";

  write_result_file(final_path, result);
  EXPECT_FALSE(fs::exists(temporary_result_path(final_path, child)));
  EXPECT_TRUE(fs::exists(other_temporary));
  EXPECT_TRUE(fs::exists(unrelated));
}

} // namespace
} // namespace pinnbench::io
