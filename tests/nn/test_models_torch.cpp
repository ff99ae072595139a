// QRes and KAN against independent PyTorch implementations written from the
// spec (tests/nn/torch_reference.py): this test writes each model's parameters
// (by name), some points and every output derivative to order 3 (FP64), and the
// script loads the parameters into its torch modules with load_state_dict(strict)
// and compares nested-autograd derivatives to 1e-10 relative. Skips when
// /usr/bin/python3 has no torch.
#include "nn/ModelChecks.hpp"

#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <memory>
#include <pinnbench/nn/Kan.hpp>
#include <pinnbench/nn/QRes.hpp>
#include <sys/wait.h>

using namespace pinnbench;

namespace {

void write_model(std::ostream& out, const std::string& name, const std::string& config,
                 const nn::Model<double>& model, const Vector<double>& parameters,
                 const std::vector<test::Point>& points)
{
  out << std::setprecision(17);
  out << "model " << name << " " << config << "\n";
  const auto p = test::host_parameters(parameters);
  out << "parameters " << model.layout().tensors().size() << "\n";
  for (const auto& tensor : model.layout().tensors()) {
    out << tensor.name << " " << tensor.shape.size();
    for (auto extent : tensor.shape)
      out << " " << extent;
    out << "\n";
    for (std::size_t e = 0; e < tensor.size; ++e)
      out << static_cast<double>(p[tensor.offset + e]) << (e + 1 < tensor.size ? " " : "\n");
  }
  out << "points " << points.size() << "\n";
  for (const auto& z : points)
    out << static_cast<double>(z[0]) << " " << static_cast<double>(z[1]) << "\n";
  const auto set = jet::DerivativeSet::full(2, 3);
  jet::Tape<double> tape;
  Vector<double> gradient("gradient", parameters.extent(0));
  tape.bind_parameters(parameters, gradient);
  jet::Var<double> u = model.forward(
      jet::Var<double>(tape, tape.coordinates(test::make_points<double>(points), set)));
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), u.value().values);
  out << "jets " << set->size() << "\n";
  for (int c = 0; c < set->size(); ++c) {
    out << (*set)[c][0] << " " << (*set)[c][1];
    for (std::size_t n = 0; n < points.size(); ++n)
      out << " " << host(c, n, 0);
    out << "\n";
  }
}

} // namespace

TEST(ModelsAgainstTorch, QResAndKanMatchPytorchAutograd)
{
  const std::string path = ::testing::TempDir() + "pinnbench_models_torch.txt";
  std::ofstream out(path);
  std::mt19937 rng(31);
  // QRes as the point scripts (num_layer 4) and the region scripts (num_layer 2) build it.
  for (int hidden : {3, 1}) {
    nn::QResShape shape;
    shape.hidden_layers = hidden;
    shape.bias_init = 0.01;
    nn::QRes<double> qres(shape);
    Vector<double> parameters("parameters", qres.layout().size());
    qres.initialize(parameters, 40 + static_cast<std::uint64_t>(hidden));
    write_model(out, "qres", "width=256 hidden_layers=" + std::to_string(hidden), qres, parameters,
                test::random_points(rng, 12, -1.0, 1.0));
  }
  // KAN with RoPINN's two widths, on the grid's support and on x in [0, 2 pi].
  for (const std::vector<int>& width : {std::vector<int>{2, 5, 1}, std::vector<int>{2, 5, 5, 1}}) {
    nn::KanShape shape;
    shape.width = width;
    nn::Kan<double> kan(shape);
    Vector<double> parameters("parameters", kan.layout().size());
    kan.initialize(parameters, 50 + width.size());
    // Nonzero biases so deeper layers see shifted inputs.
    auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), parameters);
    for (const auto& tensor : kan.layout().tensors())
      if (tensor.name.rfind("biases", 0) == 0)
        for (std::size_t e = 0; e < tensor.size; ++e)
          host(tensor.offset + e) = 0.3 - 0.2 * static_cast<double>(e);
    Kokkos::deep_copy(parameters, host);
    auto points = test::random_points(rng, 10, -1.8, 1.8);
    const auto far = test::random_points(rng, 6, 0.0, 6.283);
    points.insert(points.end(), far.begin(), far.end());
    std::string config = "width=";
    for (std::size_t l = 0; l < width.size(); ++l)
      config += (l ? "," : "") + std::to_string(width[l]);
    write_model(out, "kan", config + " grid=5 k=3", kan, parameters, points);
  }
  out.close();
  const std::string command =
      "/usr/bin/python3 " PINNBENCH_SOURCE_DIR "/tests/nn/torch_reference.py " + path;
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status)) << command;
  if (WEXITSTATUS(status) == 77)
    GTEST_SKIP() << "/usr/bin/python3 has no torch";
  EXPECT_EQ(WEXITSTATUS(status), 0) << command;
}
