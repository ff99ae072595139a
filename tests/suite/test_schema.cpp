// The schema table: consistent with docs/suites.md, defaults that resolve, and
// the implemented flags the runner relies on.
#include "SuiteTesting.hpp"

#include <fstream>
#include <gtest/gtest.h>
#include <pinnbench/suite/Schema.hpp>
#include <sstream>

namespace pinnbench::suite {
namespace {

using namespace testing;

std::string read_text(const std::string& path)
{
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Every key (as a dotted path below its section), choice and point-set kind.
void documented_names(const std::vector<KeySpec>& keys, const std::string& prefix,
                      std::vector<std::string>& names)
{
  for (const auto& key : keys) {
    const std::string path = prefix + key.name;
    if (key.value.kind == ValueKind::mapping) {
      documented_names(key.value.children, path + ".", names);
    } else {
      names.push_back(path);
    }
    for (const auto& choice : key.value.choices) {
      names.push_back(choice);
    }
    for (const auto& keyword : key.value.keywords) {
      names.push_back(keyword);
    }
    for (const auto& kind : key.value.kinds) {
      names.push_back(kind.name);
    }
  }
}

TEST(SuiteSchema, EveryNameIsDocumented)
{
  const std::string docs = read_text(std::string(PINNBENCH_SOURCE_DIR) + "/docs/suites.md");
  ASSERT_FALSE(docs.empty());
  std::vector<std::string> names;
  for (const auto& section : schema().sections) {
    names.push_back(section.name);
    names.push_back(section.axis);
    documented_names(section.shared_keys, "", names);
    for (const auto& variant : section.variants) {
      names.push_back(variant.name);
      documented_names(variant.keys, "", names);
      for (const auto& term : variant.terms) {
        names.push_back(term);
      }
    }
  }
  documented_names(schema().run_keys, "", names);
  for (const auto& key : schema().suite_keys) {
    names.push_back(key.name);
  }
  for (const auto& name : names) {
    EXPECT_TRUE(contains(docs, "`" + name + "`"))
        << "docs/suites.md does not mention `" << name << "`";
  }
}

TEST(SuiteSchema, ImplementedFlags)
{
  EXPECT_TRUE(is_implemented("task", "allen_cahn"));
  EXPECT_TRUE(is_implemented("model", "pinn"));
  EXPECT_TRUE(is_implemented("objective", "double_pinn"));
  EXPECT_TRUE(is_implemented("optimizer", "adam"));
  EXPECT_TRUE(is_implemented("task", "burgers1d"));
  EXPECT_TRUE(is_implemented("task", "heat_nd"));
  EXPECT_TRUE(is_implemented("model", "fls"));
  EXPECT_TRUE(is_implemented("model", "qres"));
  EXPECT_TRUE(is_implemented("model", "kan"));
  EXPECT_TRUE(is_implemented("model", "propinn"));
  for (const char* model : {"pinnsformer"}) {
    EXPECT_FALSE(is_implemented("model", model)) << model;
  }
  EXPECT_THROW(is_implemented("model", "resnet"), LogicError);
  EXPECT_THROW(is_implemented("loss", "pinn"), LogicError);
  EXPECT_EQ(schema().section("task").variants.size(), 4u + 16u);
}

TEST(SuiteSchema, DescriptionsOfValues)
{
  const SectionSpec& task = schema().section("task");
  EXPECT_EQ(describe(find_key(task.find_variant("wave")->keys, "c")->value), "float > 0");
  const KeySpec* training = schema().find_run_key("training");
  ASSERT_NE(training, nullptr);
  const KeySpec* stopping = find_key(training->value.children, "stopping");
  EXPECT_EQ(describe(find_key(stopping->value.children, "tolerance")->value),
            "float > 0 or sqrt_eps");
  EXPECT_EQ(describe(find_key(stopping->value.children, "window")->value), "int >= 1");
  const KeySpec* points = find_key(task.find_variant("wave")->keys, "points");
  EXPECT_EQ(describe(find_key(points->value.children, "domain")->value),
            "a point set {kind: grid, nx, nt} or {kind: random, n}");
  const SectionSpec& optimizer = schema().section("optimizer");
  EXPECT_EQ(describe(find_key(optimizer.find_variant("adam")->keys, "beta2")->value),
            "float in [0, 1)");
  EXPECT_EQ(describe(find_key(optimizer.find_variant("lbfgs")->keys, "line_search")->value),
            "one of strong_wolfe, none");
}

// Every variant of every section, implemented or not, resolves from built-in
// defaults alone (so the defaults in the table are valid values).
TEST(SuiteSchema, EveryVariantResolves)
{
  std::string yaml = "matrix:\n";
  std::size_t expected_runs = 1;
  for (const auto& section : schema().sections) {
    yaml += "  " + section.axis + ": [";
    for (const auto& variant : section.variants) {
      yaml += variant.name + (&variant == &section.variants.back() ? "]\n" : ", ");
    }
    expected_runs *= section.variants.size();
  }
  const Suite suite = load(yaml);
  ASSERT_EQ(suite.runs.size(), expected_runs);
  for (const auto& run : suite.runs) {
    const YAML::Node& c = run.config;
    ASSERT_EQ(c["task"]["name"].as<std::string>(), run.task);
    ASSERT_EQ(c["optimizer"]["label"].as<std::string>(), run.optimizer_label);
    ASSERT_TRUE(c["training"]["stopping"]["tolerance"]);
  }
}

} // namespace
} // namespace pinnbench::suite
