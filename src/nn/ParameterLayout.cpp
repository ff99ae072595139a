#include <pinnbench/core/Error.hpp>
#include <pinnbench/nn/ParameterLayout.hpp>

namespace pinnbench::nn {

std::size_t ParameterLayout::add(const std::string& name, std::vector<std::size_t> shape,
                                 bool frozen)
{
  for (const auto& tensor : tensors_)
    if (tensor.name == name)
      throw LogicError("parameter tensor '" + name + "' added twice");
  std::size_t count = 1;
  for (auto extent : shape)
    count *= extent;
  tensors_.push_back(ParameterTensor{name, std::move(shape), size_, count, frozen});
  size_ += count;
  return tensors_.back().offset;
}

std::size_t ParameterLayout::gradient_entries() const
{
  std::size_t entries = 0;
  for (const auto& tensor : tensors_)
    entries += tensor.frozen ? 1 : tensor.size;
  return entries;
}

const ParameterTensor& ParameterLayout::tensor(const std::string& name) const
{
  for (const auto& tensor : tensors_)
    if (tensor.name == name)
      return tensor;
  throw LogicError("no parameter tensor named '" + name + "'");
}

} // namespace pinnbench::nn
