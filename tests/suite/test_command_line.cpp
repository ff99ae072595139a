// Command line of the pinnbench executable.
#include "SuiteTesting.hpp"

#include <cstdlib>
#include <gtest/gtest.h>
#include <pinnbench/suite/CommandLine.hpp>

namespace pinnbench::suite {
namespace {

using namespace testing;

/// Parses `arguments` as if they followed argv[0] = "pinnbench".
Options parse(std::vector<std::string> arguments)
{
  arguments.insert(arguments.begin(), "pinnbench");
  std::vector<char*> argv;
  for (auto& a : arguments) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  return parse_command_line(static_cast<int>(arguments.size()), argv.data());
}

std::string parse_error(const std::vector<std::string>& arguments)
{
  try {
    parse(arguments);
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return {};
}

/// Sets or clears PINNBENCH_DATA for one test.
class CommandLine : public ::testing::Test
{
protected:
  void SetUp() override { unsetenv("PINNBENCH_DATA"); }
  void TearDown() override { unsetenv("PINNBENCH_DATA"); }
};

TEST_F(CommandLine, Defaults)
{
  const Options o = parse({"--suite", "quickstart"});
  EXPECT_EQ(o.suite, "quickstart");
  EXPECT_FALSE(o.list);
  EXPECT_TRUE(o.filter.empty());
  EXPECT_EQ(o.shard.index, 0u);
  EXPECT_EQ(o.shard.count, 1u);
  EXPECT_EQ(o.out_dir, "results");
  EXPECT_FALSE(o.resume);
  EXPECT_FALSE(o.max_iterations.has_value());
  EXPECT_EQ(o.data_dir, "");
  EXPECT_FALSE(o.help);
  EXPECT_FALSE(o.version);
}

TEST_F(CommandLine, EveryOption)
{
  const Options o =
      parse({"--suite", "suites/x.yaml", "--list", "--filter", "task=convection,seed=1", "--shard",
             "1/4", "--out", "out dir", "--resume", "--max-iterations", "0", "--data-dir", "/data",
             "--filter", "task=wave"});
  EXPECT_EQ(o.suite, "suites/x.yaml");
  EXPECT_TRUE(o.list);
  EXPECT_EQ(o.filter.accepted.at("task"), (std::vector<std::string>{"convection", "wave"}));
  EXPECT_EQ(o.filter.accepted.at("seed"), (std::vector<std::string>{"1"}));
  EXPECT_EQ(o.shard.index, 1u);
  EXPECT_EQ(o.shard.count, 4u);
  EXPECT_EQ(o.out_dir, "out dir");
  EXPECT_TRUE(o.resume);
  ASSERT_TRUE(o.max_iterations.has_value());
  EXPECT_EQ(*o.max_iterations, 0);
  EXPECT_EQ(o.data_dir, "/data");
}

TEST_F(CommandLine, EqualsForm)
{
  const Options o = parse({"--suite=quickstart", "--out=r", "--shard=2/3", "--max-iterations=25",
                           "--filter=model=pinn", "--data-dir=/d=x"});
  EXPECT_EQ(o.suite, "quickstart");
  EXPECT_EQ(o.out_dir, "r");
  EXPECT_EQ(o.shard.index, 2u);
  EXPECT_EQ(*o.max_iterations, 25);
  EXPECT_EQ(o.filter.accepted.at("model"), (std::vector<std::string>{"pinn"}));
  EXPECT_EQ(o.data_dir, "/d=x");
}

TEST_F(CommandLine, DataDirFromTheEnvironment)
{
  setenv("PINNBENCH_DATA", "/env/data", 1);
  EXPECT_EQ(parse({"--suite", "q"}).data_dir, "/env/data");
  EXPECT_EQ(parse({"--suite", "q", "--data-dir", "/cli"}).data_dir, "/cli");
}

TEST_F(CommandLine, HelpAndVersionNeedNoSuite)
{
  EXPECT_TRUE(parse({"--help"}).help);
  EXPECT_TRUE(parse({"-h"}).help);
  EXPECT_TRUE(parse({"--version"}).version);
}

TEST_F(CommandLine, Errors)
{
  const std::string unknown = parse_error({"--suite", "q", "--sute", "x"});
  EXPECT_TRUE(starts_with(unknown, "unknown option '--sute'; did you mean '--suite'?")) << unknown;
  EXPECT_TRUE(contains(unknown, "valid choices: --suite, --list, --filter")) << unknown;
  EXPECT_TRUE(contains(unknown, "see pinnbench --help")) << unknown;

  EXPECT_TRUE(starts_with(parse_error({"--suite", "q", "--out"}), "option --out needs a value"));
  EXPECT_TRUE(starts_with(parse_error({"--suite", "q", "--out", "--resume"}),
                          "option --out needs a value"));
  EXPECT_TRUE(starts_with(parse_error({"--suite="}), "option --suite needs a value"));
  EXPECT_TRUE(
      starts_with(parse_error({"--suite", "q", "--resume=yes"}), "option --resume takes no value"));
  EXPECT_TRUE(contains(parse_error({"--suite", "q", "--max-iterations", "-1"}),
                       "--max-iterations: invalid value '-1' (expected an integer N >= 0)"));
  EXPECT_TRUE(
      contains(parse_error({"--suite", "q", "--max-iterations=ten"}), "invalid value 'ten'"));
  EXPECT_TRUE(contains(parse_error({"--suite", "q", "--shard", "4/4"}), "--shard '4/4'"));
  EXPECT_TRUE(
      contains(parse_error({"--suite", "q", "--filter", "color=red"}), "unknown key 'color'"));
  EXPECT_TRUE(starts_with(parse_error({}), "no suite given (expected --suite NAME|PATH)"));
  EXPECT_TRUE(starts_with(parse_error({"--list"}), "no suite given"));
  EXPECT_TRUE(
      starts_with(parse_error({"--suite", "q", "quickstart"}), "unexpected argument 'quickstart'"));
  EXPECT_TRUE(starts_with(parse_error({"--suite", "q", "-n", "4"}), "unknown option '-n'"));
  EXPECT_TRUE(starts_with(parse_error({"--suite", "a", "--suite", "b"}),
                          "option --suite is given more than once"));
}

TEST_F(CommandLine, UsageDescribesEverything)
{
  const std::string text = usage();
  for (const char* option : {"--suite NAME|PATH", "--list", "--filter SPEC", "--shard i/n",
                             "--out DIR", "--resume", "--max-iterations N", "--data-dir DIR",
                             "-h, --help", "--version", "PINNBENCH_DATA", "docs/suites.md"}) {
    EXPECT_TRUE(contains(text, option)) << option;
  }
  EXPECT_TRUE(contains(text, "  0  ")) << text;
  EXPECT_TRUE(contains(text, "  1  ")) << text;
  EXPECT_TRUE(contains(text, "  2  bad input")) << text;
  // Fits a terminal.
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    EXPECT_LE((end == std::string::npos ? text.size() : end) - start, 100u);
    start = end == std::string::npos ? text.size() : end + 1;
  }
}

} // namespace
} // namespace pinnbench::suite
