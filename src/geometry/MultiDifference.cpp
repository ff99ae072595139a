#include <pinnbench/core/Error.hpp>
#include <pinnbench/geometry/Difference.hpp>
#include <pinnbench/geometry/MultiDifference.hpp>
#include <pinnbench/geometry/Union.hpp>

namespace pinnbench::geometry {

MultiDifference::MultiDifference(GeometryPtr base, std::vector<GeometryPtr> holes)
    : base_(std::move(base)), holes_(std::move(holes))
{
  if (!base_ || holes_.empty())
    throw LogicError("MultiDifference: needs a base shape and at least one hole");
  all_holes_ = holes_.front();
  for (std::size_t k = 1; k < holes_.size(); ++k)
    all_holes_ = std::make_shared<Union>(all_holes_, holes_[k]);
  shape_ = std::make_shared<Difference>(base_, all_holes_);
}

void MultiDifference::append_surfaces(std::vector<std::shared_ptr<const Surface>>& surfaces) const
{
  using Keep = ClippedSurface::Keep;
  // Each operand's pieces, clipped as in base \ union, rescaled to weigh 1 in total.
  const auto add_operand = [&](const Geometry& operand, const GeometryPtr& clip, Keep keep,
                               const GeometryPtr& second_clip) {
    const auto pieces = operand.surfaces();
    double total = 0.0;
    for (const auto& piece : pieces)
      total += piece->measure();
    for (const auto& piece : pieces) {
      std::shared_ptr<const Surface> clipped = std::make_shared<ClippedSurface>(piece, clip, keep);
      if (second_clip)
        clipped = std::make_shared<ClippedSurface>(clipped, second_clip, Keep::outside);
      surfaces.push_back(std::make_shared<RescaledSurface>(clipped, 1.0 / total));
    }
  };
  add_operand(*base_, all_holes_, Keep::outside, nullptr);
  for (std::size_t k = 0; k < holes_.size(); ++k) {
    // A hole's circle counts where it is inside the base and outside the other holes.
    GeometryPtr others;
    for (std::size_t j = 0; j < holes_.size(); ++j)
      if (j != k)
        others = others ? GeometryPtr(std::make_shared<Union>(others, holes_[j])) : holes_[j];
    add_operand(*holes_[k], base_, Keep::inside, others);
  }
}

} // namespace pinnbench::geometry
