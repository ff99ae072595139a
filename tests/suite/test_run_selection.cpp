// --filter and --shard.
#include "SuiteTesting.hpp"

#include <gtest/gtest.h>
#include <pinnbench/suite/RunSelection.hpp>
#include <set>

namespace pinnbench::suite {
namespace {

using namespace testing;

const std::string selection_suite = R"(
matrix:
  tasks: [convection, {name: convection, beta: 5}, reaction]
  models: [pinn]
  objectives: [vanilla, ropinn]
  optimizers: [lbfgs]
  precisions: [fp32, fp64]
  seeds: [0, 1]
)";

std::vector<std::string> ids(const std::vector<RunSpec>& runs)
{
  std::vector<std::string> out;
  for (const auto& r : runs) {
    out.push_back(r.run_id);
  }
  return out;
}

std::string filter_error(const std::string& spec)
{
  try {
    parse_filter(spec);
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error for --filter " << spec;
  return {};
}

TEST(RunFilter, Parses)
{
  const Filter f = parse_filter("task=convection, objective=ropinn,objective=vanilla,seed=007");
  ASSERT_EQ(f.accepted.size(), 3u);
  EXPECT_EQ(f.accepted.at("task"), (std::vector<std::string>{"convection"}));
  EXPECT_EQ(f.accepted.at("objective"), (std::vector<std::string>{"ropinn", "vanilla"}));
  EXPECT_EQ(f.accepted.at("seed"), (std::vector<std::string>{"7"}));
  EXPECT_TRUE(Filter{}.empty());
}

TEST(RunFilter, MatchesNamesLabelsAndCombines)
{
  const Suite suite = load(selection_suite);
  ASSERT_EQ(suite.runs.size(), 24u);
  EXPECT_EQ(apply_filter(suite.runs, Filter{}).size(), 24u);
  // A name matches every entry of that task, a label only its entry.
  EXPECT_EQ(apply_filter(suite.runs, parse_filter("task=convection")).size(), 16u);
  EXPECT_EQ(apply_filter(suite.runs, parse_filter("task=convection_beta5")).size(), 8u);
  // Same key: OR. Different keys: AND.
  EXPECT_EQ(apply_filter(suite.runs, parse_filter("task=convection_beta5,task=reaction")).size(),
            16u);
  const auto picked =
      apply_filter(suite.runs, parse_filter("task=reaction,objective=ropinn,precision=fp64"));
  EXPECT_EQ(ids(picked), (std::vector<std::string>{"reaction-pinn-ropinn-lbfgs-fp64-s0",
                                                   "reaction-pinn-ropinn-lbfgs-fp64-s1"}));
  EXPECT_EQ(apply_filter(suite.runs, parse_filter("seed=1,model=pinn,optimizer=lbfgs")).size(),
            12u);
  EXPECT_TRUE(apply_filter(suite.runs, parse_filter("task=wave")).empty());
  // Kept runs stay in suite order.
  const auto ropinn = apply_filter(suite.runs, parse_filter("objective=ropinn"));
  for (std::size_t i = 1; i < ropinn.size(); ++i) {
    const auto position = [&](const RunSpec& r) {
      for (std::size_t k = 0; k < suite.runs.size(); ++k) {
        if (suite.runs[k].run_id == r.run_id) {
          return k;
        }
      }
      return suite.runs.size();
    };
    EXPECT_LT(position(ropinn[i - 1]), position(ropinn[i]));
  }
}

TEST(RunFilter, Merges)
{
  Filter f = parse_filter("task=convection");
  f.merge(parse_filter("task=reaction,seed=1"));
  EXPECT_EQ(f.accepted.at("task"), (std::vector<std::string>{"convection", "reaction"}));
  EXPECT_EQ(f.accepted.at("seed"), (std::vector<std::string>{"1"}));
}

TEST(RunFilter, RejectsBadSpecs)
{
  EXPECT_TRUE(starts_with(filter_error(""), "--filter '': empty filter")) << filter_error("");
  EXPECT_TRUE(contains(filter_error("task"), "'task' has no '='"));
  EXPECT_TRUE(contains(filter_error("task=a,,seed=1"), "empty term"));
  const std::string unknown = filter_error("tsk=convection");
  EXPECT_TRUE(contains(unknown, "unknown key 'tsk'; did you mean 'task'?")) << unknown;
  EXPECT_TRUE(
      contains(unknown, "(valid choices: task, model, objective, optimizer, precision, seed)"))
      << unknown;
  EXPECT_TRUE(contains(filter_error("task="), "'task' has no value"));
  EXPECT_TRUE(contains(filter_error("precision=fp16"), "invalid precision 'fp16'"));
  EXPECT_TRUE(contains(filter_error("seed=-1"), "invalid seed '-1'"));
  EXPECT_TRUE(contains(filter_error("seed=1.5"), "invalid seed '1.5'"));
  EXPECT_TRUE(contains(filter_error("task=Convection"), "invalid task 'Convection'"));
}

TEST(RunShard, Parses)
{
  const Shard s = parse_shard("3/4");
  EXPECT_EQ(s.index, 3u);
  EXPECT_EQ(s.count, 4u);
  EXPECT_EQ(parse_shard("0/1").count, 1u);
  for (const char* bad : {"4/4", "1/0", "0/0", "a/b", "1", "-1/2", "1/-2", "/2", "1/", " 1/2"}) {
    EXPECT_THROW(parse_shard(bad), ConfigError) << bad;
  }
  try {
    parse_shard("5/3");
  } catch (const ConfigError& e) {
    EXPECT_TRUE(contains(e.what(), "shard index 5 is out of range for 3 shards")) << e.what();
  }
}

// Every run lands in exactly one shard, round-robin by position, for any n.
TEST(RunShard, CoversTheMatrixExactlyOnce)
{
  const Suite suite = load(selection_suite);
  const std::size_t total = suite.runs.size();
  for (std::size_t n = 1; n <= total + 3; ++n) {
    std::multiset<std::string> seen;
    for (std::size_t i = 0; i < n; ++i) {
      const auto shard = apply_shard(suite.runs, i, n);
      // Sizes differ by at most one: ceil or floor of total / n.
      EXPECT_TRUE(shard.size() == total / n || shard.size() == total / n + 1) << i << "/" << n;
      for (std::size_t j = 0; j < shard.size(); ++j) {
        EXPECT_EQ(shard[j].run_id, suite.runs[i + j * n].run_id);
        seen.insert(shard[j].run_id);
      }
    }
    EXPECT_EQ(seen.size(), total) << n;
    for (const auto& run : suite.runs) {
      EXPECT_EQ(seen.count(run.run_id), 1u) << run.run_id << " with n = " << n;
    }
  }
  EXPECT_THROW(apply_shard(suite.runs, 2, 2), LogicError);
  EXPECT_THROW(apply_shard(suite.runs, 0, 0), LogicError);
}

} // namespace
} // namespace pinnbench::suite
