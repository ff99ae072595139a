#include "SyntheticResult.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <gtest/gtest.h>
#include <limits>
#include <unistd.h>

namespace pinnbench::io::test {

namespace fs = std::filesystem;

namespace {

/// Deterministic values spread over many magnitudes, none exactly a float.
std::vector<double> awkward_values(std::size_t count, double phase)
{
  std::vector<double> values(count);
  for (std::size_t i = 0; i < count; ++i) {
    const int exponent = static_cast<int>(i % 9) - 4;
    values[i] = std::sin(0.37 * static_cast<double>(i) + phase) * std::pow(10.0, exponent) + 1e-9;
  }
  return values;
}

Tensor tensor(std::vector<std::size_t> shape, double phase, bool single_precision)
{
  Tensor t;
  t.shape = std::move(shape);
  t.values = awkward_values(t.element_count(), phase);
  t.single_precision = single_precision;
  return t;
}

bool same_value(double a, double b)
{
  if (std::isnan(a) || std::isnan(b)) {
    return std::isnan(a) && std::isnan(b);
  }
  return a == b && std::signbit(a) == std::signbit(b);
}

void expect_same_doubles(const std::vector<double>& expected, const std::vector<double>& actual,
                         const std::string& where)
{
  ASSERT_EQ(expected.size(), actual.size()) << where;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_PRED2(same_value, expected[i], actual[i]) << where << "[" << i << "]";
  }
}

void expect_same_tensor(const Tensor& expected, const Tensor& actual, const std::string& where)
{
  EXPECT_EQ(expected.shape, actual.shape) << where;
  EXPECT_EQ(expected.single_precision, actual.single_precision) << where;
  expect_same_doubles(expected.values, actual.values, where);
}

Tensor rounded_through_float(Tensor t)
{
  if (t.single_precision) {
    for (double& value : t.values) {
      value = static_cast<double>(static_cast<float>(value));
    }
  }
  return t;
}

} // namespace

RunMetadata synthetic_metadata()
{
  RunMetadata metadata;
  metadata.pinnbench_version = "0.1.0";
  metadata.git_commit = "1a2b3c4d5e6f-dirty";
  metadata.created_utc = "2026-11-22T13:05:09Z";
  metadata.command_line = "pinnbench --suite quickstart --out 'my results'";
  metadata.world_size = 2;
  metadata.hosts = "node01,node02";
  metadata.kokkos_version = "3.4.1";
  metadata.kokkos_backends = "SERIAL";
  metadata.mpi_library = "Open MPI v4.1.4, package: Debian OpenMPI";
  metadata.hdf5_version = "1.10.8";
  metadata.compiler = "GNU 12.2.0";
  metadata.environment = "OMP_NUM_THREADS=1\nOMP_PROC_BIND=false\nSLURM_JOB_ID=4242";
  return metadata;
}

RunResult synthetic_result(bool single_precision)
{
  RunResult result;
  result.metadata = synthetic_metadata();
  result.finished_utc = "2026-11-22T13:07:41Z";
  result.config_yaml = "task:\n  name: convection\n  beta: 5   # \xce\xb2\nprecision: " +
                       std::string(single_precision ? "fp32" : "fp64") + "\nseed: 0\n";
  result.suite = "quickstart";
  result.run_id = std::string("convection_beta5-pinn-vanilla-lbfgs-") +
                  (single_precision ? "fp32" : "fp64") + "-s0";

  AttributeList& run = result.run;
  run.set_string("task", "convection");
  run.set_string("model", "pinn");
  run.set_string("objective", "vanilla");
  run.set_string("optimizer", "lbfgs");
  run.set_string("task_label", "convection_beta5");
  run.set_string("model_label", "pinn");
  run.set_string("objective_label", "vanilla");
  run.set_string("optimizer_label", "lbfgs");
  run.set_string("precision", single_precision ? "fp32" : "fp64");
  run.set_int("seed", 0);
  run.set_string("status", "ok");
  run.set_string("status_message", "");
  run.set_int("iterations", 4);
  run.set_int("closure_evals", std::numeric_limits<std::int64_t>::max());
  run.set_double("wall_seconds", 12.345678901234567);
  run.set_double("seconds_per_iteration", 12.345678901234567 / 4);
  run.set_int("n_params", 17);
  run.set_int("points_domain", 6);
  run.set_int("points_boundary", -1);
  run.set_int("points_initial", std::numeric_limits<std::int64_t>::min());
  run.set_double("final_loss", 1.0 / 3.0);
  run.set_double("final_loss_residual", std::numeric_limits<double>::denorm_min());
  run.set_double("final_loss_initial", -0.0);
  run.set_double("final_loss_boundary", std::numeric_limits<double>::max());
  run.set_double("test_loss", std::numeric_limits<double>::quiet_NaN());
  run.set_double("rMAE", std::numeric_limits<double>::infinity());
  run.set_double("rMSE", 0.1);

  result.history.push_back({"iteration", std::vector<std::int64_t>{0, 1, 2, 4}});
  result.history.push_back({"closure_evals", std::vector<std::int64_t>{1, 21, 41, 77}});
  result.history.push_back({"wall_time", std::vector<double>{0.0, 0.5, 1.25, 12.345678901234567}});
  result.history.push_back({"loss", awkward_values(4, 0.1)});
  result.history.push_back({"loss_residual", awkward_values(4, 0.2)});
  result.history.push_back(
      {"rMAE", std::vector<double>{std::numeric_limits<double>::quiet_NaN(), -0.0,
                                   -std::numeric_limits<double>::infinity(), 1e-300}});

  result.parameters.push_back({"layer0.weight", tensor({3, 2}, 0.3, single_precision)});
  result.parameters.push_back({"layer0.bias", tensor({3}, 0.4, single_precision)});
  result.parameters.push_back({"layer1.weight", tensor({1, 3}, 0.5, single_precision)});
  result.parameters.push_back({"layer1.bias", tensor({1}, 0.6, single_precision)});

  result.test.x = tensor({6, 2}, 0.7, single_precision);
  result.test.u_pred = tensor({6, 1}, 0.8, single_precision);
  result.test.u_ref = tensor({6, 1}, 0.9, single_precision);
  result.test.residual = tensor({6, 1}, 1.0, single_precision);
  result.test.attributes.set_string("coordinates", "x,t");
  result.test.attributes.set_int_array("grid_shape", {2, 3});
  return result;
}

RunResult minimal_failed_result()
{
  RunResult result;
  result.metadata = synthetic_metadata();
  result.finished_utc = "2026-11-22T13:05:10Z";
  result.config_yaml = "task: {name: convection}\n";
  result.suite = "quickstart";
  result.run_id = "convection-pinn-vanilla-lbfgs-fp64-s0";
  result.run.set_string("status", "failed");
  result.run.set_string("status_message", "out of memory while building the test set");
  return result;
}

RunResult expected_after_round_trip(const RunResult& written)
{
  RunResult expected = written;
  for (NamedTensor& parameter : expected.parameters) {
    parameter.tensor = rounded_through_float(parameter.tensor);
  }
  for (Tensor* t :
       {&expected.test.x, &expected.test.u_pred, &expected.test.u_ref, &expected.test.residual}) {
    *t = rounded_through_float(*t);
  }
  return expected;
}

void expect_same_attributes(const AttributeList& expected, const AttributeList& actual,
                            const std::string& where)
{
  ASSERT_EQ(expected.size(), actual.size()) << where;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const NamedAttribute& e = expected.entries()[i];
    const NamedAttribute& a = actual.entries()[i];
    const std::string at = where + "@" + e.name;
    EXPECT_EQ(e.name, a.name) << where << " attribute " << i;
    ASSERT_EQ(e.value.index(), a.value.index()) << at << ": different types";
    if (const auto* number = std::get_if<double>(&e.value)) {
      EXPECT_PRED2(same_value, *number, std::get<double>(a.value)) << at;
    } else if (const auto* numbers = std::get_if<std::vector<double>>(&e.value)) {
      expect_same_doubles(*numbers, std::get<std::vector<double>>(a.value), at);
    } else {
      EXPECT_TRUE(e.value == a.value) << at;
    }
  }
}

void expect_same_result(const RunResult& expected, const RunResult& actual)
{
  const RunMetadata& em = expected.metadata;
  const RunMetadata& am = actual.metadata;
  EXPECT_EQ(em.pinnbench_version, am.pinnbench_version);
  EXPECT_EQ(em.git_commit, am.git_commit);
  EXPECT_EQ(em.created_utc, am.created_utc);
  EXPECT_EQ(em.command_line, am.command_line);
  EXPECT_EQ(em.world_size, am.world_size);
  EXPECT_EQ(em.hosts, am.hosts);
  EXPECT_EQ(em.kokkos_version, am.kokkos_version);
  EXPECT_EQ(em.kokkos_backends, am.kokkos_backends);
  EXPECT_EQ(em.mpi_library, am.mpi_library);
  EXPECT_EQ(em.hdf5_version, am.hdf5_version);
  EXPECT_EQ(em.compiler, am.compiler);
  EXPECT_EQ(em.environment, am.environment);
  EXPECT_EQ(expected.finished_utc, actual.finished_utc);
  EXPECT_EQ(expected.config_yaml, actual.config_yaml);
  EXPECT_EQ(expected.suite, actual.suite);
  EXPECT_EQ(expected.run_id, actual.run_id);

  expect_same_attributes(expected.run, actual.run, "/run");

  ASSERT_EQ(expected.history.size(), actual.history.size());
  for (std::size_t i = 0; i < expected.history.size(); ++i) {
    const HistorySeries& e = expected.history[i];
    const HistorySeries& a = actual.history[i];
    const std::string where = "/run/history/" + e.name;
    EXPECT_EQ(e.name, a.name);
    ASSERT_EQ(e.values.index(), a.values.index()) << where << ": different types";
    if (const auto* ints = std::get_if<std::vector<std::int64_t>>(&e.values)) {
      EXPECT_EQ(*ints, std::get<std::vector<std::int64_t>>(a.values)) << where;
    } else {
      expect_same_doubles(std::get<std::vector<double>>(e.values),
                          std::get<std::vector<double>>(a.values), where);
    }
  }

  ASSERT_EQ(expected.parameters.size(), actual.parameters.size());
  for (std::size_t i = 0; i < expected.parameters.size(); ++i) {
    EXPECT_EQ(expected.parameters[i].name, actual.parameters[i].name);
    expect_same_tensor(expected.parameters[i].tensor, actual.parameters[i].tensor,
                       "/run/parameters/" + expected.parameters[i].name);
  }

  expect_same_tensor(expected.test.x, actual.test.x, "/run/test/x");
  expect_same_tensor(expected.test.u_pred, actual.test.u_pred, "/run/test/u_pred");
  expect_same_tensor(expected.test.u_ref, actual.test.u_ref, "/run/test/u_ref");
  expect_same_tensor(expected.test.residual, actual.test.residual, "/run/test/residual");
  expect_same_attributes(expected.test.attributes, actual.test.attributes, "/run/test");
}

ScratchDirectory::ScratchDirectory(const std::string& label)
{
  static std::atomic<int> counter{0};
  path_ = fs::temp_directory_path() / ("pinnbench-io-" + label + "-" + std::to_string(::getpid()) +
                                       "-" + std::to_string(counter++));
  fs::remove_all(path_);
  fs::create_directories(path_);
}

ScratchDirectory::~ScratchDirectory()
{
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

std::vector<std::string> list_directory(const fs::path& directory)
{
  std::vector<std::string> names;
  for (const fs::directory_entry& entry : fs::directory_iterator(directory)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

} // namespace pinnbench::io::test
