// The task and model registries: names are unique, every implemented task built
// from its default configuration has exactly the loss terms its entry declares
// (the `weights` keys users write), placeholders fail `not implemented yet`, and
// registry-built models match the directly built network.
#include <gtest/gtest.h>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/nn/Mlp.hpp>
#include <pinnbench/nn/ModelRegistry.hpp>
#include <pinnbench/pde/TaskRegistry.hpp>
#include <pinnbench/suite/Suite.hpp>
#include <set>

namespace pinnbench {
namespace {

/// The resolved `section:` mapping of a one-run suite naming `task` and `model`.
YAML::Node resolved(const std::string& section, const std::string& task,
                    const std::string& model = "pinn")
{
  const auto suite =
      suite::load_suite_from_string("matrix:\n  tasks: [" + task + "]\n  models: [" + model +
                                        "]\n  objectives: [vanilla]\n"
                                        "  optimizers: [adam]\n",
                                    "registry.yaml");
  return suite.runs.at(0).config[section];
}

TEST(TaskRegistry, NamesAreUnique)
{
  std::set<std::string> names;
  for (const auto& entry : pde::task_registry())
    EXPECT_TRUE(names.insert(entry.name).second) << entry.name;
  std::set<std::string> models;
  for (const auto& entry : nn::model_registry())
    EXPECT_TRUE(models.insert(entry.name).second) << entry.name;
}

TEST(TaskRegistry, DeclaredTermsAreTheTasksTerms)
{
  for (const auto& entry : pde::task_registry()) {
    if (!entry.implemented())
      continue;
    const YAML::Node config = resolved("task", entry.name);
    const auto task = pde::make_task(config, 0);
    ASSERT_EQ(task->name(), entry.name);
    std::vector<std::string> names;
    for (const auto& term : task->training_terms())
      if (std::find(names.begin(), names.end(), term.reported()) == names.end())
        names.push_back(term.reported());
    EXPECT_EQ(names, entry.terms) << entry.name;
  }
}

TEST(TaskRegistry, PlaceholdersAreNotImplementedYet)
{
  for (const char* name : {"burgers1d", "heat_nd", "gray_scott"}) {
    const pde::TaskEntry* entry = pde::find_task(name);
    ASSERT_NE(entry, nullptr) << name;
    if (entry->implemented())
      continue;
    EXPECT_THROW(pde::make_task(resolved("task", name), 0), NotImplementedError) << name;
  }
  YAML::Node unknown;
  unknown["name"] = "no_such_task";
  EXPECT_THROW(pde::make_task(unknown, 0), LogicError);
}

TEST(ModelRegistry, PlaceholdersAreNotImplementedYet)
{
  for (const auto& entry : nn::model_registry()) {
    if (entry.implemented())
      continue;
    const YAML::Node config = resolved("model", "convection", entry.name);
    EXPECT_THROW(nn::make_model<float>(config, 2, 1), NotImplementedError) << entry.name;
    EXPECT_THROW(nn::make_model<double>(config, 2, 1), NotImplementedError) << entry.name;
  }
}

TEST(ModelRegistry, MlpFromTheRegistryIsTheMlp)
{
  for (const char* name : {"pinn", "fls"}) {
    const YAML::Node config = resolved("model", "convection", name);
    const auto model = nn::make_model<double>(config, 3, 2);
    nn::MlpShape shape;
    shape.inputs = 3;
    shape.outputs = 2;
    shape.width = 512;
    shape.hidden_layers = 3;
    const nn::Mlp<double> direct(shape, name);
    EXPECT_EQ(model->name(), name);
    EXPECT_EQ(model->inputs(), 3);
    EXPECT_EQ(model->outputs(), 2);
    EXPECT_EQ(model->layout().size(), direct.layout().size());
    const auto* mlp = dynamic_cast<const nn::Mlp<double>*>(model.get());
    ASSERT_NE(mlp, nullptr);
    EXPECT_EQ(mlp->shape().first_activation,
              std::string(name) == "fls" ? jet::UnaryKind::sin : jet::UnaryKind::tanh);
  }
}

} // namespace
} // namespace pinnbench
