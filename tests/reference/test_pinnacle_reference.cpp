// The PINNacle reference reader against the files' own text: shapes from spec
// §5 and values copied from the data lines; synthetic files for time
// transposition with several outputs, CRLF, UTF-8 headers, NaN rows and every
// kind of malformed input (a ConfigError that names file and line, no crash);
// grid lookups against a bilinear function.
#include <cmath>
#include <fstream>
#include <gtest/gtest.h>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/reference/ComsolExport.hpp>
#include <pinnbench/reference/GridField.hpp>
#include <pinnbench/reference/PinnacleFiles.hpp>
#include <pinnbench/reference/TextTable.hpp>
#include <string>
#include <sys/stat.h>

using namespace pinnbench;
using namespace pinnbench::reference;

namespace {

std::string shared_ref_dir()
{
  return std::string(PINNBENCH_SHARED_DIR) + "/data/pinnacle";
}

bool have_shared_data()
{
  struct stat info
  {};
  return ::stat((shared_ref_dir() + "/ref").c_str(), &info) == 0;
}

#define REQUIRE_SHARED_DATA()                                                                      \
  if (!have_shared_data())                                                                         \
  GTEST_SKIP() << "shared PINNacle data not found at " << shared_ref_dir()                         \
               << " (PINNBENCH_SHARED_DIR); skipping"

std::string ref(const std::string& name)
{
  return shared_ref_dir() + "/ref/" + name;
}

/// The ConfigError message of f(), or "" when it does not throw.
template <class F>
std::string error_of(F f)
{
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

// A COMSOL-style time series: 2 outputs (u, v) at 3 times, CRLF, UTF-8 header.
const std::string two_output_series =
    "% Model:              test.mph\r\n"
    "% Nodes:              3\r\n"
    "% Description:        \xe9\x80\x9f\xe5\xba\xa6\xe5\x9c\xba x, \xe5\x8e\x8b\xe5\x8a\x9b\r\n"
    "% x   y   u @ t=0   v @ t=0   u @ t=0.5   v @ t=0.5   u @ t=1   v @ t=1\r\n"
    "0   0     1  2    3  4    5  6\r\n"
    "1   0.5   11 12   13 NaN  15 16\r\n"
    "-2  1E-1  21 22   23 24   25 -2.5E-3\r\n";

} // namespace

TEST(TextTable, ParsesCrlfSpacesCommentsAndNumberForms)
{
  const TextTable table = parse_text_table(
      "% a header \xe5\x9b\xa0\r\n\r\n  1   -3.0013282588553434E-6\t2 % trailing\r\n"
      "4.611728184600459457e+01 nan inf\n",
      "mem.dat");
  EXPECT_EQ(table.rows, 2);
  EXPECT_EQ(table.columns, 3);
  EXPECT_EQ(table(0, 1), -3.0013282588553434E-6);
  EXPECT_EQ(table(1, 0), 46.11728184600459457);
  EXPECT_TRUE(std::isnan(table(1, 1)));
  EXPECT_TRUE(std::isinf(table(1, 2)));
  ASSERT_EQ(table.comment_lines.size(), 1u);
  EXPECT_EQ(table.comment_lines[0], "% a header \xe5\x9b\xa0");
}

TEST(TextTable, MalformedInputGivesLocatedErrors)
{
  EXPECT_EQ(error_of([] { parse_text_table("% h\n1 2 3\n4 x5 6\n", "bad.dat"); }),
            "bad.dat:3: column 2: expected a number, found 'x5'");
  EXPECT_EQ(error_of([] { parse_text_table("1 2 3\r\n4 5\r\n", "ragged.dat"); }),
            "ragged.dat:2: expected 3 numbers (as on line 1), found 2");
  EXPECT_EQ(error_of([] { parse_text_table("1 2.5.5 3\n", "num.dat"); }),
            "num.dat:1: column 2: expected a number, found '2.5.5'");
  EXPECT_EQ(error_of([] { parse_text_table("% only\r\n\r\n", "empty.dat"); }),
            "empty.dat: no data rows (only comments or blank lines)");
  EXPECT_EQ(error_of([] { parse_text_table("1 2\n", "cols.dat", 3); }),
            "cols.dat:1: expected 3 numbers per row, found 2");
  EXPECT_EQ(error_of([] { read_text_table("/nonexistent/file.dat"); }),
            "/nonexistent/file.dat: cannot open the file");
  // Binary garbage is an error too, not a crash.
  EXPECT_NE(error_of([] { parse_text_table(std::string("\x01\x02\0\xff", 4), "bin.dat"); }), "");
}

TEST(ComsolExport, TransposesTimesWithSeveralOutputsAndDropsNanRows)
{
  const TextTable table = parse_text_table(two_output_series, "series.dat");
  const ReferenceData data = comsol_reference(table, {2, 2, true});
  EXPECT_EQ(data.times, (std::vector<double>{0.0, 0.5, 1.0}));
  EXPECT_EQ(data.nodes, 3);
  EXPECT_EQ(data.input_dimension, 3);
  EXPECT_EQ(data.output_dimension, 2);
  EXPECT_EQ(data.dropped_rows, 1); // node 1 at t = 0.5
  ASSERT_EQ(data.rows(), 8);
  // Node-major, time-minor: (x, y, t) -> (u, v).
  const double expected[8][5] = {
      {0, 0, 0, 1, 2},     {0, 0, 0.5, 3, 4},    {0, 0, 1, 5, 6},        {1, 0.5, 0, 11, 12},
      {1, 0.5, 1, 15, 16}, {-2, 0.1, 0, 21, 22}, {-2, 0.1, 0.5, 23, 24}, {-2, 0.1, 1, 25, -2.5e-3}};
  for (int r = 0; r < 8; ++r) {
    for (int i = 0; i < 3; ++i)
      EXPECT_EQ(data.input(r, i), expected[r][i]) << r << " " << i;
    for (int j = 0; j < 2; ++j)
      EXPECT_EQ(data.output(r, j), expected[r][3 + j]) << r << " " << j;
  }
  EXPECT_EQ(data.points().size(), 8);
  // Read as steady with 2 coordinates and 6 outputs, it is just the table minus the NaN row.
  const ReferenceData flat = comsol_reference(table, {2, 6, false});
  EXPECT_EQ(flat.rows(), 2);
  EXPECT_EQ(flat.output(1, 5), -2.5e-3);
}

TEST(ComsolExport, InconsistentFilesGiveClearErrors)
{
  const auto steady = [](const std::string& text, ComsolLayout layout) {
    return error_of([&] { comsol_reference(parse_text_table(text, "f.dat"), layout); });
  };
  EXPECT_EQ(steady("% Nodes: 3\n1 2 3\n4 5 6\n", {2, 1, false}),
            "f.dat:1: the header announces 3 nodes but the file has 2 data rows (truncated or "
            "corrupt file?)");
  EXPECT_EQ(steady("1 2 3 4\n", {2, 1, false}),
            "f.dat: expected 2 coordinate + 1 output columns, found 4");
  EXPECT_EQ(steady("% x u @ t=0 u @ t=1\n1 2 3 4\n", {1, 2, true}),
            "f.dat: expected 1 coordinate columns then 2 output columns per time, found 4 columns");
  EXPECT_EQ(steady("% x y u v w\n1 2 3 4 5\n", {2, 1, true}),
            "f.dat: no '%' header line with 3 '@ t=' column labels (one per time and output); "
            "cannot read the times");
  EXPECT_EQ(steady("% x u @ t=0 u @ s=1\n1 2 3\n", {1, 1, true}),
            "f.dat:1: column label 2: expected 't=<time>' after '@'");
  EXPECT_EQ(steady("% x u @ t=0 v @ t=1\n1 2 3\n", {1, 2, true}),
            "f.dat:1: the 2 output columns of time t=0.000000 are not consecutive");
  EXPECT_EQ(steady("1 nan 3\n", {2, 1, false}),
            "f.dat: every row holds a NaN; no reference values left");
}

TEST(ComsolExport, SharedSteadyFilesHaveTheirDocumentedShapes)
{
  REQUIRE_SHARED_DATA();
  struct Expect
  {
    const char* name;
    int outputs;
    std::int64_t rows;
    std::int64_t row;
    std::vector<double> values; // the data row's text
  };
  const Expect files[] = {
      {"poisson1_cg_data.dat",
       1,
       1246,
       0,
       {-0.4728706214840475, -0.44477852828979264, 0.9163394496968521}},
      {"poisson_boltzmann2d.dat",
       1,
       3236,
       3235,
       {0.9091061661251673, 0.9375528832412895, -0.004586830655674318}},
      {"lid_driven_a4.dat", 3, 10201, 10200, {1, 1, 0, 0, 0.5753407488518859}},
      {"ns_0_obstacle.dat", 3, 12910, 12909, {4, 2, 0, 0, -0.0015424843764305243}},
  };
  for (const auto& f : files) {
    const ReferenceData data = read_comsol_export(ref(f.name), {2, f.outputs, false});
    EXPECT_EQ(data.rows(), f.rows) << f.name;
    EXPECT_EQ(data.dropped_rows, 0) << f.name;
    for (int i = 0; i < 2; ++i)
      EXPECT_EQ(data.input(f.row, i), f.values[static_cast<std::size_t>(i)]) << f.name;
    for (int j = 0; j < f.outputs; ++j)
      EXPECT_EQ(data.output(f.row, j), f.values[static_cast<std::size_t>(2 + j)]) << f.name;
  }
  const ReferenceData ns = read_comsol_export(ref("ns_0_obstacle.dat"), {2, 3, false});
  EXPECT_EQ(ns.output(0, 0), 0.045581397716774885); // first row: x = 0 inlet, u = 4y(1 - y)
  EXPECT_NEAR(ns.output(0, 0), 4 * ns.input(0, 1) * (1 - ns.input(0, 1)), 1e-3);
  const ReferenceData lid = read_comsol_export(ref("lid_driven_a4.dat"), {2, 3, false});
  EXPECT_EQ(lid.output(1, 2), -3.0013282588553434E-6);
}

TEST(ComsolExport, SharedTimeSeriesAreTransposed)
{
  REQUIRE_SHARED_DATA();
  const ReferenceData heat = read_comsol_export(ref("heat_darcy.dat"), {2, 1, true});
  ASSERT_EQ(heat.times.size(), 51u);
  for (std::size_t k = 0; k < 51; ++k)
    EXPECT_NEAR(heat.times[k], 0.1 * static_cast<double>(k), 1e-12);
  EXPECT_EQ(heat.nodes, 983);
  ASSERT_EQ(heat.rows(), 50133);
  // Last node: x, y, and its values at t = 2.5 (column 28) and t = 5 (column 53).
  const std::int64_t last = 982 * 51;
  EXPECT_EQ(heat.input(last + 25, 0), 0.9158659214129072);
  EXPECT_EQ(heat.input(last + 25, 1), 0.9418539652850919);
  EXPECT_EQ(heat.input(last + 25, 2), 2.5);
  EXPECT_EQ(heat.output(last + 25, 0), 0.08524028772270772);
  EXPECT_EQ(heat.output(last + 50, 0), 5.095522270755433E-4);
  EXPECT_EQ(heat.input(last + 50, 2), 5.0);

  const ReferenceData burgers = read_comsol_export(ref("burgers1d.dat"), {1, 1, true});
  ASSERT_EQ(burgers.rows(), 1111);
  EXPECT_EQ(burgers.input_dimension, 2);
  EXPECT_EQ(burgers.input(12, 0), -0.98); // node 1 (x = -0.98), t = 0.1
  EXPECT_NEAR(burgers.input(12, 1), 0.1, 1e-15);
  EXPECT_EQ(burgers.output(12, 0), 0.047599793441306694);
  EXPECT_EQ(burgers.output(21, 0), 0.015308190466115005);                         // t = 1
  EXPECT_NEAR(burgers.output(11, 0), -std::sin(3.141592653589793 * -0.98), 1e-6); // u0 = -sin(pi x)
}

TEST(TextTable, SharedCoefficientTables)
{
  REQUIRE_SHARED_DATA();
  const TextTable a = read_text_table(ref("poisson_a_coef.dat"), 5);
  EXPECT_EQ(a.rows, 5);
  EXPECT_EQ(a(0, 0), 4.611728184600459457e+01);
  EXPECT_EQ(a(4, 4), 6.485008302512252243e+00);
  const TextTable f = read_text_table(ref("poisson_f_coef.dat"), 1);
  EXPECT_EQ(f.rows, 100);
  EXPECT_EQ(f(0, 0), -5.391451339174333501e-01);
  EXPECT_EQ(f(99, 0), -9.848308394349558625e-01);
}

TEST(GridField, NearestAndBilinearOnAShuffledGrid)
{
  // f = 2x + 3y + xy is bilinear, so bilinear interpolation reproduces it exactly.
  const std::vector<double> xs = {0.0, 0.25, 0.5, 1.0}, ys = {-1.0, 0.0, 2.0};
  std::string text;
  for (std::size_t k = 0; k < 12; ++k) {
    const std::size_t i = (k * 5) % 12; // a permutation of the rows
    const double x = xs[i % 4], y = ys[i / 4];
    text += std::to_string(x) + " " + std::to_string(y) + " " +
            std::to_string(2 * x + 3 * y + x * y) + "\r\n";
  }
  const GridField field(parse_text_table(text, "grid.dat"));
  EXPECT_EQ(field.x_nodes(), xs);
  EXPECT_EQ(field.y_nodes(), ys);
  for (double x : {0.0, 0.1, 0.3, 0.77, 1.0})
    for (double y : {-1.0, -0.4, 0.5, 1.9, 2.0})
      EXPECT_NEAR(field.linear(x, y), 2 * x + 3 * y + x * y, 1e-12) << x << " " << y;
  EXPECT_DOUBLE_EQ(field.nearest(0.3, 0.9), 2 * 0.25 + 0.25 * 0.0);   // node (0.25, 0)
  EXPECT_DOUBLE_EQ(field.nearest(0.8, 1.2), 2 * 1.0 + 3 * 2.0 + 2.0); // node (1, 2)
  EXPECT_DOUBLE_EQ(field.nearest(-5, -5), 2 * 0.0 + 3 * -1.0);        // clamps to the corner
  EXPECT_TRUE(std::isnan(field.linear(1.01, 0.0)));
  EXPECT_EQ(error_of([] { GridField(parse_text_table("0 0 1\n1 0 2\n0 1 3\n", "hole.dat")); }),
            "hole.dat: the 3 (x, y) rows do not form a full grid (2 distinct x, 2 distinct y)");
  EXPECT_EQ(error_of([] { GridField(parse_text_table("0 0 1\n1 0 2\n", "c.dat", 3)); }),
            "c.dat: the 2 (x, y) rows do not form a full grid (2 distinct x, 1 distinct y)");
  EXPECT_EQ(error_of([] { GridField(parse_text_table("0 0\n", "two.dat")); }),
            "two.dat: expected 3 columns (x, y, value), found 2");
}

TEST(PinnacleFiles, TableAndMissingFileReport)
{
  const auto& files = pinnacle_files();
  ASSERT_EQ(files.size(), 18u);
  std::int64_t known = 0;
  for (const auto& f : files) {
    EXPECT_EQ(std::string(f.blob_id).size(), 40u);
    known += f.bytes > 0 ? f.bytes : 0;
  }
  // Spec §5: 120 547 284 bytes in all, of which 8 369 273 + 4 980 736 unconfirmed.
  EXPECT_EQ(known, 120547284 - 8369273 - 4980736);

  const std::vector<std::string> needs = {"ref/heat_darcy.dat", "ref/heat_2d_coef_256.dat"};
  const std::string message = error_of([&] { require_files("heat2d_vc", "/nonexistent", needs); });
  EXPECT_EQ(message, "task 'heat2d_vc' needs PINNacle reference data ref/heat_darcy.dat, "
                     "ref/heat_2d_coef_256.dat: not found in data directory '/nonexistent'; "
                     "download it with: scripts/fetch-pinnacle-data.sh /nonexistent");
  EXPECT_NE(error_of([&] { require_files("heat2d_vc", "", needs); }).find("no data directory"),
            std::string::npos);
  if (have_shared_data()) {
    EXPECT_EQ(missing_files(shared_ref_dir(), needs),
              std::vector<std::string>{"ref/heat_2d_coef_256.dat"});
    EXPECT_NO_THROW(require_files("ns2d_c", shared_ref_dir(), {"ref/lid_driven_a4.dat"}));
  }
}

TEST(TextTable, NumbersRoundLikeStrtod)
{
  // Every form numpy.loadtxt reads, with the value strtod gives (correct rounding).
  const char* tokens[] = {"0",
                          "-0.2",
                          "+1.5",
                          "1e-320",
                          "4.611728184600459457e+01",
                          "1E5",
                          "-3.0013282588553434E-6",
                          "0.1000000000000000055511151231257827",
                          ".5",
                          "5.",
                          "NaN",
                          "-inf"};
  std::string line;
  for (const char* t : tokens)
    line += std::string(t) + " ";
  const TextTable table = parse_text_table(line + "\n", "forms.dat");
  ASSERT_EQ(table.columns, 12);
  for (int c = 0; c < 12; ++c) {
    const double expected = std::strtod(tokens[c], nullptr);
    if (std::isnan(expected))
      EXPECT_TRUE(std::isnan(table(0, c)));
    else
      EXPECT_EQ(table(0, c), expected) << tokens[c];
  }
}

TEST(TextTable, LargeFilesParseInLinearTime)
{
  // Gray-Scott's reference has 210 000 rows: a parser that rescans the rest of
  // the text per line (quadratic) would take minutes here, not milliseconds.
  std::string text = "% x y t u v\r\n";
  for (int row = 0; row < 210000; ++row)
    text += std::to_string(row) + " 0.5 -1 2.5E-3 7\r\n";
  const TextTable table = parse_text_table(text, "big.dat", 5);
  EXPECT_EQ(table.rows, 210000);
  EXPECT_EQ(table(209999, 0), 209999.0);
  EXPECT_EQ(table(123456, 3), 2.5e-3);
}
