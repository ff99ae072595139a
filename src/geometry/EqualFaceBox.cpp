#include <pinnbench/geometry/EqualFaceBox.hpp>
#include <pinnbench/geometry/RescaledSurface.hpp>

namespace pinnbench::geometry {

void EqualFaceBox::append_surfaces(std::vector<std::shared_ptr<const Surface>>& surfaces) const
{
  for (const auto& face : box_.surfaces())
    surfaces.push_back(std::make_shared<RescaledSurface>(face, 1.0 / face->measure()));
}

} // namespace pinnbench::geometry
