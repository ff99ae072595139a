#pragma once
// Where each named tensor of a model lives in the one flat parameter vector.
// Names, shapes and order follow PyTorch's named_parameters(), so results can be
// loaded into the reference implementations.
#include <cstddef>
#include <string>
#include <vector>

namespace pinnbench::nn {

struct ParameterTensor
{
  std::string name;
  std::vector<std::size_t> shape;
  std::size_t offset = 0;
  std::size_t size = 0;
  /// requires_grad=False in the reference (KAN's grid and masks): never updated,
  /// gradient always 0.
  bool frozen = false;
};

class ParameterLayout
{
public:
  /// Appends a tensor and returns its offset.
  std::size_t add(const std::string& name, std::vector<std::size_t> shape, bool frozen = false);
  const std::vector<ParameterTensor>& tensors() const { return tensors_; }
  const ParameterTensor& tensor(const std::string& name) const;
  std::size_t size() const { return size_; }
  /// Length of the reference's flattened gradient vector (RoPINN's sigma): a
  /// frozen tensor has no .grad and contributes a single 0 entry.
  std::size_t gradient_entries() const;

private:
  std::vector<ParameterTensor> tensors_;
  std::size_t size_ = 0;
};

} // namespace pinnbench::nn
