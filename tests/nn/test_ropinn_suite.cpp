// suites/ropinn-1d.yaml against spec/ropinn.md §4.1 (the per-script model
// configurations), and every QRes and KAN run of it trains (2 L-BFGS steps, on
// a coarse grid so the test stays fast) to a finite loss with the reference's
// parameter counts.
#include "support/SuiteRuns.hpp"

#include <cmath>
#include <gtest/gtest.h>
#include <pinnbench/io/ResultWriter.hpp>
#include <pinnbench/io/RunMetadata.hpp>
#include <pinnbench/suite/Suite.hpp>
#include <pinnbench/train/Trainer.hpp>

using namespace pinnbench;

namespace {

suite::Suite ropinn_suite()
{
  return suite::load_suite(PINNBENCH_SOURCE_DIR "/suites/ropinn-1d.yaml", {});
}

} // namespace

TEST(RopinnSuite, ModelsAreConfiguredAsTheScriptsDo)
{
  const auto suite = ropinn_suite();
  ASSERT_EQ(suite.runs.size(), 3u * 5u * 4u * 3u);
  int qres = 0, kan = 0;
  for (const auto& run : suite.runs) {
    const YAML::Node model = run.config["model"];
    const bool convection = run.task == "convection";
    if (run.model == "qres") {
      ++qres;
      EXPECT_EQ(model["width"].as<int>(), 256);
      // num_layer 4 in the point scripts, 2 in the region scripts.
      EXPECT_EQ(model["hidden_layers"].as<int>(), run.objective == "ropinn" ? 1 : 3) << run.run_id;
      EXPECT_EQ(model["bias_init"].as<double>(), convection ? 0.0 : 0.01) << run.run_id;
    } else if (run.model == "kan") {
      ++kan;
      // [2, 5, 1] for reaction, [2, 5, 5, 1] otherwise.
      EXPECT_EQ(model["width"].as<int>(), 5);
      EXPECT_EQ(model["hidden_layers"].as<int>(), run.task == "reaction" ? 1 : 2) << run.run_id;
      EXPECT_EQ(model["grid"].as<int>(), 5);
      EXPECT_EQ(model["k"].as<int>(), 3);
      EXPECT_EQ(model["noise_scale_base"].as<double>(), 0.25);
    } else if (run.model == "pinn" || run.model == "fls") {
      EXPECT_EQ(model["width"].as<int>(), 512);
      EXPECT_EQ(model["hidden_layers"].as<int>(), 3);
      EXPECT_EQ(model["bias_init"].as<double>(), convection ? 0.0 : 0.01) << run.run_id;
    }
    EXPECT_EQ(run.config["objective"]["name"].as<std::string>(), run.objective);
  }
  EXPECT_EQ(qres, 36);
  EXPECT_EQ(kan, 36);
}

TEST(RopinnSuite, EveryQResAndKanRunTrains)
{
  const parallel::MpiContext mpi;
  for (auto run : ropinn_suite().runs) {
    if ((run.model != "qres" && run.model != "kan") || run.seed != 0)
      continue;
    // A coarse grid and 2 steps: this checks that the run works, not what it reaches.
    for (const char* set : {"points", "test"}) {
      run.config["task"][set]["domain"]["nx"] = 9;
      run.config["task"][set]["domain"]["nt"] = 9;
      run.config["task"][set]["initial"] = 9;
      run.config["task"][set]["boundary"] = 9;
    }
    run.config["training"]["iterations"] = 2;
    run.config["optimizer"]["max_iter"] = 3;
    if (run.objective == "vpinn") {
      run.config["objective"]["elements"][0] = 2;
      run.config["objective"]["elements"][1] = 2;
      run.config["objective"]["quadrature_points"] = 4;
    }
    train::RunContext context(mpi);
    auto result = train::run_training(run, context);
    result.metadata = io::collect_run_metadata(MPI_COMM_WORLD, 0, nullptr); // the runner's part
    EXPECT_EQ(*result.run.get<std::string>("status"), "ok") << run.run_id;
    EXPECT_NO_THROW(io::validate_result(result)) << run.run_id; // what the writer accepts
    EXPECT_TRUE(std::isfinite(test_support::attribute(result, "final_loss"))) << run.run_id;
    const std::int64_t* n_params = result.run.get<std::int64_t>("n_params");
    ASSERT_NE(n_params, nullptr);
    const std::int64_t expected = run.model == "qres"
                                      ? (run.objective == "ropinn" ? 133377 : 396545)
                                  : run.task == "reaction" ? 336
                                                           : 891;
    EXPECT_EQ(*n_params, expected) << run.run_id;
    std::size_t parameters = 0;
    for (const auto& tensor : result.parameters)
      parameters += tensor.tensor.values.size();
    EXPECT_EQ(static_cast<std::int64_t>(parameters), expected) << run.run_id;
  }
}
