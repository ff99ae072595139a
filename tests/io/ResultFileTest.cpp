// Result files through the public writer and reader: exact round trips, the
// schema's names and types, validation, summaries of damaged files, resume.
#include "SyntheticResult.hpp"

#include <cmath>
#include <fstream>
#include <functional>
#include <gtest/gtest.h>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/io/Hdf5.hpp>
#include <pinnbench/io/ResultReader.hpp>
#include <pinnbench/io/ResultWriter.hpp>
#include <stdexcept>

namespace pinnbench::io {
namespace {

namespace fs = std::filesystem;

class ResultFileTest : public ::testing::Test
{
protected:
  test::ScratchDirectory scratch{"result"};
  fs::path result_path(const RunResult& result) const
  {
    return scratch.path() / result.suite / (result.run_id + ".h5");
  }
};

class ResultRoundTrip : public ResultFileTest, public ::testing::WithParamInterface<bool>
{};

TEST_P(ResultRoundTrip, EveryValueComesBackExactly)
{
  const RunResult written = test::synthetic_result(GetParam());
  const fs::path path = result_path(written);
  write_result_file(path, written);

  // The suite directory was created and holds the final file only.
  EXPECT_EQ(test::list_directory(path.parent_path()),
            (std::vector<std::string>{path.filename().string()}));
  test::expect_same_result(test::expected_after_round_trip(written), read_result_file(path));
  EXPECT_EQ(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), 0) << "HDF5 identifiers left open";
}

INSTANTIATE_TEST_SUITE_P(Precisions, ResultRoundTrip, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& param_info) {
                           return param_info.param ? "fp32" : "fp64";
                         });

// Analysis scripts depend on these names and types; spelled out here rather
// than taken from the writer so a rename in the code fails this test.
TEST_F(ResultFileTest, LayoutFollowsDocsResultsMd)
{
  const RunResult written = test::synthetic_result(true);
  const fs::path path = result_path(written);
  write_result_file(path, written);

  const File file = File::open_read_only(path);
  EXPECT_EQ(file.attribute_names(),
            (std::vector<std::string>{
                "pinnbench_version", "git_commit", "created_utc", "command_line", "world_size",
                "hosts", "kokkos_version", "kokkos_backends", "mpi_library", "hdf5_version",
                "compiler", "environment", "config_yaml", "suite", "run_id", "finished_utc"}));
  EXPECT_EQ(file.open_attribute("world_size").kind(), ElementKind::integer);
  EXPECT_TRUE(file.open_attribute("world_size").is_scalar());
  EXPECT_EQ(file.open_attribute("config_yaml").kind(), ElementKind::string);
  EXPECT_EQ(file.child_names(), (std::vector<std::string>{"run"}));

  const Group run = file.open_group("run");
  EXPECT_EQ(run.child_names(), (std::vector<std::string>{"history", "parameters", "test"}));
  EXPECT_EQ(run.read_string_attribute("status"), "ok");
  EXPECT_EQ(run.open_attribute("seed").kind(), ElementKind::integer);
  EXPECT_EQ(run.open_attribute("wall_seconds").kind(), ElementKind::floating);
  EXPECT_EQ(run.attribute_names().front(), "task");

  const Group history = run.open_group("history");
  EXPECT_EQ(history.child_names(),
            (std::vector<std::string>{"iteration", "closure_evals", "wall_time", "loss",
                                      "loss_residual", "rMAE"}));
  EXPECT_EQ(history.open_dataset("iteration").kind(), ElementKind::integer);
  EXPECT_EQ(history.open_dataset("loss").element_size(), sizeof(double));
  EXPECT_EQ(history.open_dataset("loss").shape(), (std::vector<std::size_t>{4}));

  const Group parameters = run.open_group("parameters");
  EXPECT_EQ(parameters.read_string_attribute("order"),
            "layer0.weight,layer0.bias,layer1.weight,layer1.bias");
  const Dataset weight = parameters.open_dataset("layer0.weight");
  EXPECT_EQ(weight.shape(), (std::vector<std::size_t>{3, 2}));
  EXPECT_EQ(weight.element_size(), sizeof(float)); // fp32 run

  const Group test = run.open_group("test");
  EXPECT_EQ(test.child_names(), (std::vector<std::string>{"x", "u_pred", "u_ref", "residual"}));
  EXPECT_EQ(test.open_dataset("x").shape(), (std::vector<std::size_t>{6, 2}));
  EXPECT_EQ(test.read_string_attribute("coordinates"), "x,t");
  EXPECT_EQ(test.read_int_array_attribute("grid_shape"), (std::vector<std::int64_t>{2, 3}));
}

TEST_F(ResultFileTest, FailedRunWithoutDataRoundTrips)
{
  const RunResult written = test::minimal_failed_result();
  const fs::path path = result_path(written);
  write_result_file(path, written);
  test::expect_same_result(written, read_result_file(path));
  const std::optional<ResultSummary> summary = read_result_summary(path);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->status, "failed");
  EXPECT_EQ(summary->status_message, "out of memory while building the test set");
}

TEST_F(ResultFileTest, LargeConfigurationIsStored)
{
  RunResult written = test::synthetic_result();
  for (int i = 0; i < 5000; ++i) {
    written.config_yaml += "# padding line " + std::to_string(i) + " of a long configuration\n";
  }
  ASSERT_GT(written.config_yaml.size(), 65536u);
  const fs::path path = result_path(written);
  write_result_file(path, written);
  EXPECT_TRUE(is_complete_result(path, written.config_yaml));
}

TEST_F(ResultFileTest, SummaryHasStatusConfigurationAndScalarRunAttributes)
{
  const RunResult written = test::synthetic_result();
  const fs::path path = result_path(written);
  write_result_file(path, written);

  const std::optional<ResultSummary> summary = read_result_summary(path);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->run_id, written.run_id);
  EXPECT_EQ(summary->suite, "quickstart");
  EXPECT_EQ(summary->status, "ok");
  EXPECT_EQ(summary->status_message, "");
  EXPECT_EQ(summary->config_yaml, written.config_yaml);
  EXPECT_EQ(summary->created_utc, "2026-11-22T13:05:09Z");
  EXPECT_EQ(summary->finished_utc, "2026-11-22T13:07:41Z");
  test::expect_same_attributes(written.run, summary->run, "summary /run");
  ASSERT_NE(summary->run.get<std::int64_t>("iterations"), nullptr);
  EXPECT_EQ(*summary->run.get<std::int64_t>("iterations"), 4);
  ASSERT_NE(summary->run.get<double>("test_loss"), nullptr);
  EXPECT_TRUE(std::isnan(*summary->run.get<double>("test_loss")));
}

TEST_F(ResultFileTest, ResumeNeedsTheSameConfiguration)
{
  const RunResult written = test::synthetic_result();
  const fs::path path = result_path(written);
  EXPECT_FALSE(is_complete_result(path, written.config_yaml)); // not written yet
  write_result_file(path, written);
  EXPECT_TRUE(is_complete_result(path, written.config_yaml));
  EXPECT_FALSE(is_complete_result(path, written.config_yaml + "# edited\n"));
  EXPECT_FALSE(is_complete_result(path, ""));
}

TEST_F(ResultFileTest, RewritingReplacesTheResult)
{
  RunResult written = test::synthetic_result();
  const fs::path path = result_path(written);
  write_result_file(path, written);
  written.run.set_string("status", "diverged");
  written.run.set_string("status_message", "loss became NaN at iteration 3");
  write_result_file(path, written);

  const std::optional<ResultSummary> summary = read_result_summary(path);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->status, "diverged");
  // `status` kept its place although it was set twice.
  EXPECT_EQ(summary->run.entries()[10].name, "status");
  EXPECT_EQ(test::list_directory(path.parent_path()),
            (std::vector<std::string>{path.filename().string()}));
}

TEST_F(ResultFileTest, WritesIntoTheWorkingDirectoryForABareFileName)
{
  const fs::path previous = fs::current_path();
  fs::current_path(scratch.path());
  const RunResult written = test::synthetic_result();
  EXPECT_NO_THROW(write_result_file("bare.h5", written));
  fs::current_path(previous);
  EXPECT_TRUE(read_result_summary(scratch.path() / "bare.h5"));
}

TEST_F(ResultFileTest, ExceptionMidWriteLeavesPreviousResultAndNoTemporary)
{
  RunResult first = test::synthetic_result();
  const fs::path path = result_path(first);
  write_result_file(path, first);

  RunResult second = first;
  second.run.set_string("status", "diverged");
  WriteOptions options;
  int datasets = 0;
  options.after_dataset = [&](const std::string& dataset_path) {
    if (++datasets == 3) {
      throw std::runtime_error("interrupted after " + dataset_path);
    }
  };
  try {
    write_result_file(path, second, options);
    FAIL() << "the interruption did not propagate";
  } catch (const std::runtime_error& error) {
    EXPECT_EQ(std::string(error.what()), "interrupted after /run/history/wall_time");
  }
  EXPECT_EQ(test::list_directory(path.parent_path()),
            (std::vector<std::string>{path.filename().string()}));
  const std::optional<ResultSummary> summary = read_result_summary(path);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->status, "ok");
}

TEST_F(ResultFileTest, SeamSeesEveryDatasetInWriteOrder)
{
  const RunResult written = test::synthetic_result();
  std::vector<std::string> seen;
  WriteOptions options;
  options.after_dataset = [&](const std::string& dataset_path) { seen.push_back(dataset_path); };
  write_result_file(result_path(written), written, options);
  EXPECT_EQ(seen,
            (std::vector<std::string>{
                "/run/history/iteration", "/run/history/closure_evals", "/run/history/wall_time",
                "/run/history/loss", "/run/history/loss_residual", "/run/history/rMAE",
                "/run/parameters/layer0.weight", "/run/parameters/layer0.bias",
                "/run/parameters/layer1.weight", "/run/parameters/layer1.bias", "/run/test/x",
                "/run/test/u_pred", "/run/test/u_ref", "/run/test/residual"}));
}

struct InvalidCase
{
  const char* label;
  std::function<void(RunResult&)> spoil;
  const char* message;
};

class InvalidResult : public ResultFileTest, public ::testing::WithParamInterface<InvalidCase>
{};

TEST_P(InvalidResult, ThrowsLogicErrorAndWritesNothing)
{
  RunResult result = test::synthetic_result();
  GetParam().spoil(result);
  const fs::path path = scratch.path() / "suite" / "run.h5";
  try {
    write_result_file(path, result);
    FAIL() << "no LogicError";
  } catch (const LogicError& error) {
    const std::string what = error.what();
    EXPECT_NE(what.find(GetParam().message), std::string::npos) << what;
  }
  EXPECT_FALSE(fs::exists(path.parent_path())) << "validation must come before any file work";
}

const InvalidCase invalid_cases[] = {
    {"EmptyRunId", [](RunResult& r) { r.run_id.clear(); }, "run_id is empty"},
    {"EmptySuite", [](RunResult& r) { r.suite.clear(); }, "suite is empty"},
    {"EmptyConfig", [](RunResult& r) { r.config_yaml.clear(); }, "config_yaml is empty"},
    {"EmptyFinished", [](RunResult& r) { r.finished_utc.clear(); }, "finished_utc is empty"},
    {"EmptyCreated", [](RunResult& r) { r.metadata.created_utc.clear(); },
     "metadata.created_utc is empty"},
    {"NoRanks", [](RunResult& r) { r.metadata.world_size = 0; }, "world_size is 0"},
    {"MissingStatus", [](RunResult& r) { r.run = AttributeList(); }, "'status' is missing"},
    {"StatusNotString", [](RunResult& r) { r.run.set_int("status", 0); }, "'status' is missing"},
    {"UnknownStatus", [](RunResult& r) { r.run.set_string("status", "done"); },
     "status 'done' is not one of"},
    {"EmptyAttributeName", [](RunResult& r) { r.run.set_int("", 1); },
     "/run has an attribute with an empty name"},
    {"ShortSeries",
     [](RunResult& r) { std::get<std::vector<double>>(r.history[3].values).pop_back(); },
     "history series 'loss' has 3 entries, 'iteration' has 4"},
    {"DuplicateSeries", [](RunResult& r) { r.history[4].name = "loss"; },
     "/run/history has two datasets named 'loss'"},
    {"SlashInSeriesName", [](RunResult& r) { r.history[4].name = "loss/residual"; },
     "dataset name 'loss/residual' is empty or not a plain name"},
    {"EmptySeriesName", [](RunResult& r) { r.history[4].name = ""; },
     "dataset name '' is empty or not a plain name"},
    {"ParameterValueCount", [](RunResult& r) { r.parameters[0].tensor.values.push_back(1.0); },
     "parameter 'layer0.weight' holds 7 values, its shape needs 6"},
    {"ParameterRank5",
     [](RunResult& r) {
       r.parameters[0].tensor.shape = {1, 1, 1, 3, 2};
     },
     "parameter 'layer0.weight' has 5 dimensions, expected 1 to 4"},
    {"ParameterWithoutShape", [](RunResult& r) { r.parameters[1].tensor.shape.clear(); },
     "parameter 'layer0.bias' has 0 dimensions"},
    {"ParameterPrecision", [](RunResult& r) { r.parameters[3].tensor.single_precision = true; },
     "parameter 'layer1.bias' is stored as fp32 in an fp64 run"},
    {"DuplicateParameter", [](RunResult& r) { r.parameters[2].name = "layer0.weight"; },
     "two datasets named 'layer0.weight'"},
    {"CommaInParameter", [](RunResult& r) { r.parameters[2].name = "layer1,weight"; },
     "parameter name 'layer1,weight' contains a comma"},
    {"OneDimensionalTest", [](RunResult& r) { r.test.u_ref.shape = {6}; },
     "test tensor 'u_ref' has 1 dimensions, expected 2"},
    {"TestRowsDiffer",
     [](RunResult& r) {
       r.test.residual.shape = {3, 2};
     },
     "test tensor 'residual' has 3 rows, 'x' has 6"},
    {"TestValueCount", [](RunResult& r) { r.test.x.values.resize(3); },
     "test tensor 'x' holds 3 values, its shape needs 12"},
};

INSTANTIATE_TEST_SUITE_P(Cases, InvalidResult, ::testing::ValuesIn(invalid_cases),
                         [](const ::testing::TestParamInfo<InvalidCase>& param_info) {
                           return std::string(param_info.param.label);
                         });

// --- damaged and foreign files: summaries are nullopt, never exceptions -------

class DamagedFile : public ResultFileTest
{
protected:
  fs::path damaged = scratch.path() / "damaged.h5";

  void expect_no_summary(const fs::path& path) const
  {
    std::optional<ResultSummary> summary;
    EXPECT_NO_THROW(summary = read_result_summary(path));
    EXPECT_FALSE(summary);
    EXPECT_FALSE(is_complete_result(path, "task: {name: convection}\n"));
    EXPECT_EQ(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), 0) << "HDF5 identifiers left open";
  }

  /// A valid-looking file that a partial writer could have produced.
  void write_partial(const std::function<void(File&)>& fill) const
  {
    File file = File::create(damaged);
    fill(file);
    file.close();
  }
};

TEST_F(DamagedFile, MissingFileOrDirectory)
{
  expect_no_summary(scratch.path() / "never-written.h5");
  expect_no_summary(scratch.path());
}

TEST_F(DamagedFile, EmptyOrGarbageBytes)
{
  std::ofstream(damaged, std::ios::binary).close();
  expect_no_summary(damaged);
  std::ofstream(damaged, std::ios::binary) << "not an HDF5 file at all\n";
  expect_no_summary(damaged);
}

TEST_F(DamagedFile, TruncatedCopiesOfAGoodFile)
{
  const RunResult written = test::synthetic_result();
  const fs::path good = result_path(written);
  write_result_file(good, written);
  const auto size = fs::file_size(good);
  for (const auto keep : {std::uintmax_t{8}, std::uintmax_t{512}, size / 2, size - 1}) {
    fs::copy_file(good, damaged, fs::copy_options::overwrite_existing);
    fs::resize_file(damaged, keep);
    SCOPED_TRACE("truncated to " + std::to_string(keep) + " of " + std::to_string(size));
    expect_no_summary(damaged);
  }
}

TEST_F(DamagedFile, IncompleteLayouts)
{
  write_partial([](File&) {});
  expect_no_summary(damaged);

  write_partial([](File& file) {
    file.write_string_attribute("finished_utc", "2026-11-22T13:07:41Z");
    file.write_string_attribute("run_id", "r");
    file.write_string_attribute("suite", "s");
    file.write_string_attribute("config_yaml", "c");
    file.write_string_attribute("created_utc", "2026-11-22T13:05:09Z");
  });
  expect_no_summary(damaged); // no /run

  write_partial([](File& file) {
    file.write_string_attribute("finished_utc", "2026-11-22T13:07:41Z");
    file.write_string_attribute("run_id", "r");
    file.write_string_attribute("suite", "s");
    file.write_string_attribute("config_yaml", "c");
    file.write_string_attribute("created_utc", "2026-11-22T13:05:09Z");
    file.create_group("run");
  });
  expect_no_summary(damaged); // no status

  write_partial([](File& file) {
    file.write_string_attribute("run_id", "r");
    file.write_string_attribute("config_yaml", "c");
    file.create_group("run").write_string_attribute("status", "ok");
  });
  expect_no_summary(damaged); // no finished_utc

  write_partial([](File& file) {
    file.write_string_attribute("finished_utc", "2026-11-22T13:07:41Z");
    file.write_string_attribute("run_id", "r");
    file.write_string_attribute("suite", "s");
    file.write_string_attribute("config_yaml", "c");
    file.write_string_attribute("created_utc", "2026-11-22T13:05:09Z");
    file.create_group("run").write_int_attribute("status", 1);
  });
  expect_no_summary(damaged); // status of the wrong type
}

TEST_F(DamagedFile, FullReadThrowsHdf5Error)
{
  std::ofstream(damaged, std::ios::binary) << "garbage";
  EXPECT_THROW(read_result_file(damaged), Hdf5Error);
  EXPECT_THROW(read_result_file(scratch.path() / "never-written.h5"), Hdf5Error);
}

} // namespace
} // namespace pinnbench::io
