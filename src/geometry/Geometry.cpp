#include <pinnbench/geometry/Geometry.hpp>

namespace pinnbench::geometry {

std::vector<std::shared_ptr<const Surface>> Geometry::surfaces() const
{
  std::vector<std::shared_ptr<const Surface>> all;
  append_surfaces(all);
  return all;
}

ClippedSurface::ClippedSurface(std::shared_ptr<const Surface> piece,
                               std::shared_ptr<const Geometry> clip, Keep keep)
    : piece_(std::move(piece)), clip_(std::move(clip)), keep_(keep)
{}

bool ClippedSurface::keeps(const double* x) const
{
  return piece_->keeps(x) && clip_->inside(x) == (keep_ == Keep::inside);
}

} // namespace pinnbench::geometry
