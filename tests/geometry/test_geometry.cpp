// Geometry against closed-form truths: membership by explicit inequalities,
// exact outward normals of faces, circles, spheres and holes, boundary shares
// equal to the pieces' lengths / areas, DeepXDE's rejection loop rebuilt by hand
// from the Hammersley points, and the same clouds on every rank.
#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>
#include <mpi.h>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/geometry/Ball.hpp>
#include <pinnbench/geometry/Box.hpp>
#include <pinnbench/geometry/Difference.hpp>
#include <pinnbench/geometry/Hammersley.hpp>
#include <pinnbench/geometry/Polygon.hpp>
#include <pinnbench/geometry/Sampling.hpp>
#include <pinnbench/geometry/SpaceTime.hpp>
#include <pinnbench/geometry/Union.hpp>
#include <vector>

using namespace pinnbench::geometry;
using pinnbench::pde::PointCloud;

namespace {

constexpr double pi = 3.141592653589793238462643383279502884;

struct Circle
{
  std::vector<double> center;
  double radius;
};

double distance(const double* x, const std::vector<double>& c)
{
  double s = 0.0;
  for (std::size_t i = 0; i < c.size(); ++i)
    s += (x[i] - c[i]) * (x[i] - c[i]);
  return std::sqrt(s);
}

const double* point(const PointCloud& cloud, std::int64_t k)
{
  return cloud.coordinates.data() + k * cloud.dimension;
}

double norm(const double* v, int d)
{
  double s = 0.0;
  for (int i = 0; i < d; ++i)
    s += v[i] * v[i];
  return std::sqrt(s);
}

/// Box [lo, hi]^d minus balls, as PINNacle builds it (successive differences).
GeometryPtr box_minus(const std::vector<double>& lo, const std::vector<double>& hi,
                      const std::vector<Circle>& holes)
{
  std::vector<GeometryPtr> balls;
  for (const auto& h : holes)
    balls.push_back(std::make_shared<Ball>(h.center, h.radius));
  return subtract_all(std::make_shared<Box>(lo, hi), balls);
}

// Poisson 2d-CG (spec §3.4).
const std::vector<Circle> boltzmann_holes = {
    {{0.5, 0.5}, 0.2}, {{0.4, -0.4}, 0.4}, {{-0.2, -0.7}, 0.1}, {{-0.6, 0.5}, 0.3}};
// Poisson 3d-CG (spec §3.5).
const std::vector<Circle> poisson3d_holes = {
    {{0.4, 0.3, 0.6}, 0.2}, {{0.6, 0.7, 0.6}, 0.2}, {{0.2, 0.8, 0.7}, 0.1}, {{0.6, 0.2, 0.3}, 0.1}};

/// Checks a boundary sample of box-minus-balls: every point lies on a face of
/// the box (outside all balls) or on one sphere (inside the box); the normal is
/// the face's axis or minus the sphere's radial direction; the number of points
/// per piece is n * measure / total (within `slack`).
void check_box_minus_balls(const GeometryPtr& geometry, const std::vector<double>& lo,
                           const std::vector<double>& hi, const std::vector<Circle>& holes,
                           std::int64_t n, Distribution distribution)
{
  const int d = static_cast<int>(lo.size());
  UnitSampler sampler(distribution, 11);
  const BoundarySample sample = sample_boundary(*geometry, n, sampler);
  ASSERT_EQ(sample.points.size(), n);
  const std::vector<double> normals = boundary_normals(*geometry, sample.points);

  std::vector<double> measure;
  for (int axis = 0; axis < d; ++axis) {
    double area = 1.0;
    for (int i = 0; i < d; ++i)
      if (i != axis)
        area *= hi[static_cast<std::size_t>(i)] - lo[static_cast<std::size_t>(i)];
    measure.push_back(area);
    measure.push_back(area);
  }
  for (const auto& h : holes)
    measure.push_back(d == 2 ? 2 * pi * h.radius : 4 * pi * h.radius * h.radius);
  double total = 0.0;
  for (double m : measure)
    total += m;

  std::vector<std::int64_t> counted(measure.size(), 0);
  for (std::int64_t k = 0; k < n; ++k) {
    const double* x = point(sample.points, k);
    const double* normal = normals.data() + k * d;
    ASSERT_TRUE(geometry->on_boundary(x));
    EXPECT_NEAR(norm(normal, d), 1.0, 1e-12);
    int piece = -1;
    for (int axis = 0; axis < d && piece < 0; ++axis)
      for (int side = 0; side < 2; ++side) {
        const double face =
            side ? hi[static_cast<std::size_t>(axis)] : lo[static_cast<std::size_t>(axis)];
        if (x[axis] == face) {
          piece = 2 * axis + side;
          for (int i = 0; i < d; ++i)
            EXPECT_EQ(normal[i], i == axis ? (side ? 1.0 : -1.0) : 0.0);
        }
      }
    for (std::size_t h = 0; h < holes.size() && piece < 0; ++h) {
      const double r = distance(x, holes[h].center);
      if (std::fabs(r - holes[h].radius) < 1e-12) {
        piece = 2 * d + static_cast<int>(h);
        for (int i = 0; i < d; ++i) // into the hole
          EXPECT_NEAR(normal[i], -(x[i] - holes[h].center[static_cast<std::size_t>(i)]) / r, 1e-12);
      }
    }
    ASSERT_GE(piece, 0) << "point " << k << " on no piece";
    EXPECT_EQ(sample.surface[static_cast<std::size_t>(k)], piece);
    for (int i = 0; i < d; ++i) {
      EXPECT_GE(x[i], lo[static_cast<std::size_t>(i)]);
      EXPECT_LE(x[i], hi[static_cast<std::size_t>(i)]);
    }
    for (std::size_t h = 0; h < holes.size(); ++h) {
      if (static_cast<int>(h) + 2 * d != piece) {
        EXPECT_GT(distance(x, holes[h].center), holes[h].radius);
      }
    }
    ++counted[static_cast<std::size_t>(piece)];
  }
  for (std::size_t s = 0; s < measure.size(); ++s) {
    EXPECT_EQ(counted[s], sample.count_per_surface[s]);
    EXPECT_NEAR(static_cast<double>(counted[s]), static_cast<double>(n) * measure[s] / total, 1.0)
        << "piece " << s;
  }
}

} // namespace

TEST(Box, MembershipAndNormalsIncludingEdgesAndCorners)
{
  const Box square({-1, -1}, {1, 1});
  const double centre[] = {0, 0}, face[] = {1, 0.3}, corner[] = {-1, 1}, outside[] = {1.1, 0};
  EXPECT_TRUE(square.inside(centre));
  EXPECT_FALSE(square.on_boundary(centre));
  EXPECT_TRUE(square.on_boundary(face));
  EXPECT_FALSE(square.inside(outside));
  EXPECT_FALSE(square.on_boundary(outside));
  double n[6];
  square.boundary_normal(face, n);
  EXPECT_EQ(n[0], 1.0);
  EXPECT_EQ(n[1], 0.0);
  square.boundary_normal(corner, n);
  EXPECT_DOUBLE_EQ(n[0], -1 / std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(n[1], 1 / std::sqrt(2.0));
  square.boundary_normal(centre, n);
  EXPECT_EQ(n[0], 0.0);
  EXPECT_EQ(n[1], 0.0);

  const Box cube6(std::vector<double>(6, 0.0), std::vector<double>(6, 1.0));
  const double vertex[] = {0, 1, 0, 1, 1, 0}, edge[] = {0.5, 1, 0.5, 0.5, 0, 0.5};
  cube6.boundary_normal(vertex, n);
  for (int i = 0; i < 6; ++i)
    EXPECT_DOUBLE_EQ(n[i], (vertex[i] == 1 ? 1 : -1) / std::sqrt(6.0));
  cube6.boundary_normal(edge, n);
  const double expected_edge[] = {0, 1 / std::sqrt(2.0), 0, 0, -1 / std::sqrt(2.0), 0};
  for (int i = 0; i < 6; ++i)
    EXPECT_DOUBLE_EQ(n[i], expected_edge[i]);
  EXPECT_THROW(Box({0, 1}, {1, 1}), pinnbench::LogicError);
}

TEST(Box, DomainPointsAreDeepXdesScaledHammersley)
{
  const Box square({-0.5, -0.5}, {0.5, 0.5});
  UnitSampler sampler(Distribution::hammersley, 0);
  const PointCloud cloud = sample_domain(square, 4, sampler);
  // hammersley(4, 2) = (1/2, 1/5), (1/4, 2/5), (3/4, 3/5), (1/8, 4/5), shifted by -1/2.
  const std::vector<double> expected = {0.0, -0.3, -0.25, -0.1, 0.25, 0.1, -0.375, 0.3};
  for (std::size_t i = 0; i < expected.size(); ++i)
    EXPECT_NEAR(cloud.coordinates[i], expected[i], 1e-15);
}

TEST(Box, FaceSharesFollowAreaInSixAndThreeDimensions)
{
  for (Distribution distribution : {Distribution::hammersley, Distribution::uniform}) {
    check_box_minus_balls(
        std::make_shared<Box>(std::vector<double>(6, 0.0), std::vector<double>(6, 1.0)),
        std::vector<double>(6, 0.0), std::vector<double>(6, 1.0), {}, 1200, distribution);
    check_box_minus_balls(
        std::make_shared<Box>(std::vector<double>{0, 0, 0}, std::vector<double>{1, 2, 5}),
        {0, 0, 0}, {1, 2, 5}, {}, 3400, distribution);
  }
}

TEST(Difference, PoissonBoltzmannDomainIsSquareMinusFourDisks)
{
  const GeometryPtr domain = box_minus({-1, -1}, {1, 1}, boltzmann_holes);
  for (Distribution distribution : {Distribution::hammersley, Distribution::uniform}) {
    UnitSampler sampler(distribution, 3);
    const PointCloud cloud = sample_domain(*domain, 8192, sampler);
    ASSERT_EQ(cloud.size(), 8192);
    for (std::int64_t k = 0; k < cloud.size(); ++k) {
      const double* x = point(cloud, k);
      ASSERT_TRUE(domain->inside(x));
      EXPECT_LE(std::fabs(x[0]), 1.0);
      EXPECT_LE(std::fabs(x[1]), 1.0);
      for (const auto& h : boltzmann_holes)
        EXPECT_GT(distance(x, h.center), h.radius);
    }
    check_box_minus_balls(domain, {-1, -1}, {1, 1}, boltzmann_holes, 2048, distribution);
  }
  // On a hole's rim: boundary, not inside (the hole is closed), normal into the hole.
  const double rim[] = {0.5, 0.7};
  EXPECT_TRUE(domain->on_boundary(rim));
  EXPECT_FALSE(domain->inside(rim));
  double n[2];
  domain->boundary_normal(rim, n);
  EXPECT_NEAR(n[0], 0.0, 1e-12);
  EXPECT_NEAR(n[1], -1.0, 1e-12);
}

TEST(Difference, HammersleyRejectionRepeatsPointsLikeDeepXde)
{
  // DeepXDE's CSGDifference.random_points: draw n points of the minuend, keep
  // those outside the hole, and redraw (the same points, for Hammersley) until
  // n are kept.
  const Circle hole{{0.5, 0.5}, 0.3};
  const GeometryPtr domain = box_minus({0, 0}, {1, 1}, {hole});
  UnitSampler sampler(Distribution::hammersley, 0);
  const PointCloud cloud = sample_domain(*domain, 100, sampler);
  const std::vector<double> unit = hammersley(100, 2);
  std::vector<double> kept;
  for (std::size_t k = 0; k < unit.size(); k += 2)
    if (distance(unit.data() + k, hole.center) > hole.radius)
      kept.insert(kept.end(), unit.begin() + static_cast<std::ptrdiff_t>(k),
                  unit.begin() + static_cast<std::ptrdiff_t>(k + 2));
  ASSERT_LT(kept.size(), 200u);
  std::vector<double> expected = kept;
  expected.insert(expected.end(), kept.begin(), kept.end());
  expected.resize(200);
  EXPECT_EQ(cloud.coordinates, expected);
}

TEST(Difference, Poisson3dCubeMinusFourBalls)
{
  const GeometryPtr domain = box_minus({0, 0, 0}, {1, 1, 1}, poisson3d_holes);
  for (Distribution distribution : {Distribution::hammersley, Distribution::uniform}) {
    UnitSampler sampler(distribution, 5);
    const PointCloud cloud = sample_domain(*domain, 4000, sampler);
    for (std::int64_t k = 0; k < cloud.size(); ++k) {
      const double* x = point(cloud, k);
      for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(x[i] >= 0 && x[i] <= 1);
      for (const auto& h : poisson3d_holes)
        ASSERT_GT(distance(x, h.center), h.radius);
    }
    check_box_minus_balls(domain, {0, 0, 0}, {1, 1, 1}, poisson3d_holes, 4096, distribution);
  }
}

TEST(Difference, BackwardFacingStepAgreesWithItsPolygon)
{
  // NS 2d-CG (spec §3.11): [0,4]x[0,2] minus [-1e-5,2]x[1,2+1e-5].
  const GeometryPtr step = std::make_shared<Difference>(
      std::make_shared<Box>(std::vector<double>{0, 0}, std::vector<double>{4, 2}),
      std::make_shared<Box>(std::vector<double>{-1e-5, 1}, std::vector<double>{2, 2 + 1e-5}));
  const Polygon polygon({{{0, 0}}, {{4, 0}}, {{4, 2}}, {{2, 2}}, {{2, 1}}, {{0, 1}}});
  EXPECT_DOUBLE_EQ(polygon.area(), 6.0);

  // Expected normal of each boundary piece, and its length.
  struct Piece
  {
    double nx, ny, length;
    bool (*contains)(const double*);
  };
  const Piece pieces[] = {
      {0, -1, 4, [](const double* x) { return x[1] == 0; }},              // bottom wall
      {1, 0, 2, [](const double* x) { return x[0] == 4; }},               // outlet
      {0, 1, 2, [](const double* x) { return x[1] == 2 && x[0] > 2; }},   // top wall
      {-1, 0, 1, [](const double* x) { return x[0] == 0 && x[1] < 1; }},  // inlet
      {0, 1, 2, [](const double* x) { return x[1] == 1 && x[0] < 2; }},   // step top
      {-1, 0, 1, [](const double* x) { return x[0] == 2 && x[1] > 1; }}}; // step face
  for (Distribution distribution : {Distribution::hammersley, Distribution::uniform}) {
    for (const Geometry* shape :
         {static_cast<const Geometry*>(step.get()), static_cast<const Geometry*>(&polygon)}) {
      UnitSampler sampler(distribution, 9);
      const BoundarySample sample = sample_boundary(*shape, 2400, sampler);
      const std::vector<double> normals = boundary_normals(*shape, sample.points);
      std::vector<int> counts(6, 0);
      for (std::int64_t k = 0; k < sample.points.size(); ++k) {
        const double* x = point(sample.points, k);
        int found = -1;
        for (int p = 0; p < 6; ++p)
          if (pieces[p].contains(x))
            found = p;
        ASSERT_GE(found, 0) << x[0] << " " << x[1];
        EXPECT_DOUBLE_EQ(normals[static_cast<std::size_t>(2 * k)], pieces[found].nx);
        EXPECT_DOUBLE_EQ(normals[static_cast<std::size_t>(2 * k + 1)], pieces[found].ny);
        ++counts[static_cast<std::size_t>(found)];
      }
      for (int p = 0; p < 6;
           ++p) // 200 points per unit length; the cut pieces' shares are estimated
        EXPECT_NEAR(counts[static_cast<std::size_t>(p)], 200 * pieces[p].length, 2.0) << p;
      UnitSampler interior(distribution, 9);
      const PointCloud cloud = sample_domain(*shape, 3000, interior);
      for (std::int64_t k = 0; k < cloud.size(); ++k) {
        const double* x = point(cloud, k);
        ASSERT_TRUE(x[0] >= 0 && x[0] <= 4 && x[1] >= 0 && x[1] <= 2 && !(x[0] < 2 && x[1] > 1));
      }
    }
  }
  // The re-entrant corner: the normalised sum, pointing into the removed block.
  const double corner[] = {2, 1};
  double a[2], b[2];
  step->boundary_normal(corner, a);
  polygon.boundary_normal(corner, b);
  EXPECT_DOUBLE_EQ(a[0], -1 / std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(a[1], 1 / std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(b[0], a[0]);
  EXPECT_DOUBLE_EQ(b[1], a[1]);
  // Clockwise vertices describe the same polygon.
  const Polygon clockwise({{{0, 1}}, {{2, 1}}, {{2, 2}}, {{4, 2}}, {{4, 0}}, {{0, 0}}});
  const double probe[] = {3, 0};
  clockwise.boundary_normal(probe, b);
  EXPECT_EQ(b[0], 0.0);
  EXPECT_EQ(b[1], -1.0);
}

TEST(Union, TwoOverlappingBoxes)
{
  // [0,2]x[0,1] u [0.5,1.5]x[0.5,2]: boundary of length 8; the parts of each
  // box's boundary inside the other are not boundary.
  const Union shape(
      std::make_shared<Box>(std::vector<double>{0, 0}, std::vector<double>{2, 1}),
      std::make_shared<Box>(std::vector<double>{0.5, 0.5}, std::vector<double>{1.5, 2}));
  const double seam[] = {1.0, 1.0}, top[] = {1.0, 2.0}, shoulder[] = {0.25, 1.0};
  EXPECT_TRUE(shape.inside(seam));
  EXPECT_FALSE(shape.on_boundary(seam));
  EXPECT_TRUE(shape.on_boundary(top));
  double n[2];
  shape.boundary_normal(shoulder, n);
  EXPECT_EQ(n[0], 0.0);
  EXPECT_EQ(n[1], 1.0);
  UnitSampler sampler(Distribution::uniform, 2);
  const BoundarySample sample = sample_boundary(shape, 800, sampler);
  const std::vector<double> normals = boundary_normals(shape, sample.points);
  for (std::int64_t k = 0; k < sample.points.size(); ++k) {
    const double* x = point(sample.points, k);
    const bool in_first = x[0] > 0 && x[0] < 2 && x[1] > 0 && x[1] < 1;
    const bool in_second = x[0] > 0.5 && x[0] < 1.5 && x[1] > 0.5 && x[1] < 2;
    EXPECT_FALSE(in_first || in_second);
    EXPECT_NEAR(norm(normals.data() + 2 * k, 2), 1.0, 1e-12);
  }
  // Per box: bottom 2, top 1 (cut), left 1, right 1 | left 1 (cut), right 1 (cut), top 1.
  // Surface order: first box (x-, x+, y-, y+), second box (x-, x+, y-, y+).
  const std::vector<std::int64_t> by_order = {100, 100, 200, 100, 100, 100, 0, 100};
  for (std::size_t s = 0; s < by_order.size(); ++s)
    EXPECT_NEAR(static_cast<double>(sample.count_per_surface[s]), by_order[s], 1.0) << s;
  UnitSampler interior(Distribution::hammersley, 0);
  const PointCloud cloud = sample_domain(shape, 1000, interior);
  for (std::int64_t k = 0; k < cloud.size(); ++k)
    EXPECT_TRUE(shape.inside(point(cloud, k)));
}

TEST(Ball, UnitBallInFiveDimensionsWithTime)
{
  // HNd (spec §3.16): the unit ball of R^5 x [0, 1].
  const SpaceTime domain(unit_ball(5), 0.0, 1.0);
  for (Distribution distribution : {Distribution::hammersley, Distribution::uniform}) {
    UnitSampler sampler(distribution, 21);
    const PointCloud inner = sample_domain(domain, 20000, sampler);
    int below_half_volume = 0;
    for (std::int64_t k = 0; k < inner.size(); ++k) {
      const double* x = point(inner, k);
      const double r = norm(x, 5);
      ASSERT_LE(r, 1.0);
      ASSERT_TRUE(x[5] >= 0.0 && x[5] <= 1.0);
      below_half_volume += std::pow(r, 5) < 0.5 ? 1 : 0;
    }
    // P(|x|^5 < 1/2) = 1/2 for uniform points in the ball (4 sigma = 0.014).
    EXPECT_NEAR(below_half_volume / 20000.0, 0.5, 0.015);

    const BoundarySample boundary = sample_boundary(domain, 4000, sampler);
    const std::vector<double> normals = boundary_normals(domain, boundary.points);
    double mean[6] = {};
    for (std::int64_t k = 0; k < boundary.points.size(); ++k) {
      const double* x = point(boundary.points, k);
      EXPECT_NEAR(norm(x, 5), 1.0, 1e-12);
      for (int i = 0; i < 5; ++i)
        EXPECT_NEAR(normals[static_cast<std::size_t>(6 * k + i)], x[i], 1e-12);
      EXPECT_EQ(normals[static_cast<std::size_t>(6 * k + 5)], 0.0);
      for (int i = 0; i < 6; ++i)
        mean[i] += x[i] / 4000.0;
    }
    for (int i = 0; i < 5; ++i)
      EXPECT_NEAR(mean[i], 0.0, 0.05); // sd of a coordinate is 1/sqrt(5); 4 sigma / sqrt(4000)
    EXPECT_NEAR(mean[5], 0.5, 0.02);

    const PointCloud initial = sample_initial(domain, 500, sampler);
    for (std::int64_t k = 0; k < initial.size(); ++k) {
      EXPECT_EQ(point(initial, k)[5], 0.0);
      EXPECT_TRUE(domain.on_initial(point(initial, k)));
      EXPECT_LE(norm(point(initial, k), 5), 1.0);
    }
  }
  EXPECT_NEAR(Sphere({0, 0, 0, 0, 0}, 1.0).measure(), 8 * pi * pi / 3, 1e-12);
}

TEST(SpaceTime, NonBoxSpacePairsHammersleyTimesByPermutation)
{
  // DeepXDE GeometryXTime: spatial points with a permutation of the time samples.
  const SpaceTime domain(box_minus({-8, -12}, {8, 12}, {{{0, 0}, 1.0}}), 0.0, 3.0);
  UnitSampler sampler(Distribution::hammersley, 4);
  const PointCloud cloud = sample_domain(domain, 1000, sampler);
  std::vector<double> times, expected;
  for (std::int64_t k = 0; k < cloud.size(); ++k)
    times.push_back(point(cloud, k)[2]);
  for (int k = 1; k <= 1000; ++k)
    expected.push_back(3.0 * radical_inverse(static_cast<std::uint64_t>(k), 2));
  std::sort(times.begin(), times.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(times, expected);
  UnitSampler again(Distribution::hammersley, 4);
  EXPECT_EQ(sample_domain(domain, 1000, again).coordinates, cloud.coordinates);

  // A box in space is sampled jointly with time (a 3-D Hammersley set).
  const SpaceTime slab(std::make_shared<Box>(std::vector<double>{0, 0}, std::vector<double>{1, 1}),
                       0, 5);
  UnitSampler joint(Distribution::hammersley, 0);
  const PointCloud box_cloud = sample_domain(slab, 3, joint);
  EXPECT_DOUBLE_EQ(box_cloud(0, 2), 5 * 0.25);
  EXPECT_DOUBLE_EQ(box_cloud(1, 1), 2.0 / 3);

  const BoundarySample lateral = sample_boundary(slab, 400, joint);
  for (std::int64_t k = 0; k < lateral.points.size(); ++k) {
    const double* x = point(lateral.points, k);
    EXPECT_TRUE(slab.on_boundary(x));
    EXPECT_TRUE(x[2] >= 0 && x[2] <= 5);
  }
  EXPECT_EQ(lateral.count_per_surface, (std::vector<std::int64_t>{100, 100, 100, 100}));
}

TEST(Sampling, EveryRankBuildsTheSameCloud)
{
  const GeometryPtr domain = box_minus({-1, -1}, {1, 1}, boltzmann_holes);
  UnitSampler sampler(Distribution::uniform, 1234);
  const PointCloud cloud = sample_domain(*domain, 5000, sampler);
  const BoundarySample boundary = sample_boundary(*domain, 1000, sampler);
  double sums[2] = {0, 0};
  for (double v : cloud.coordinates)
    sums[0] += v;
  for (double v : boundary.points.coordinates)
    sums[1] += v;
  double low[2], high[2];
  MPI_Allreduce(sums, low, 2, MPI_DOUBLE, MPI_MIN, MPI_COMM_WORLD);
  MPI_Allreduce(sums, high, 2, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  EXPECT_EQ(low[0], high[0]);
  EXPECT_EQ(low[1], high[1]);
}

TEST(UniformGrid, PinnacleAnalyticTestSets)
{
  // Spec §4: DeepXDE uniform_points(n, boundary=False) on the (space x time) domain.
  UnitSampler fallback(Distribution::uniform, 99, pinnbench::random::Stream::test_points);
  // Wave 1d-C: [0,1]^2, n = 2500 -> 50 x 50 interior nodes k / 51, last axis fastest.
  const Box wave({0, 0}, {1, 1});
  const PointCloud w = uniform_grid(wave, 2500, false, fallback);
  ASSERT_EQ(w.size(), 2500);
  EXPECT_DOUBLE_EQ(w(0, 0), 1.0 / 51);
  EXPECT_DOUBLE_EQ(w(0, 1), 1.0 / 51);
  EXPECT_DOUBLE_EQ(w(1, 1), 2.0 / 51);
  EXPECT_DOUBLE_EQ(w(50, 0), 2.0 / 51);
  EXPECT_DOUBLE_EQ(w(2499, 0), 50.0 / 51);
  // PNd: [0,1]^5, n = 20000 -> dx = 20000^(-1/5), ceil(7.25) = 8 nodes per axis.
  const Box cube(std::vector<double>(5, 0.0), std::vector<double>(5, 1.0));
  const PointCloud p = uniform_grid(cube, 20000, false, fallback);
  ASSERT_EQ(p.size(), 32768);
  EXPECT_DOUBLE_EQ(p(1, 4), 2.0 / 9);
  EXPECT_DOUBLE_EQ(p(8, 3), 2.0 / 9);
  EXPECT_DOUBLE_EQ(p(32767, 0), 8.0 / 9);
  // With the boundary: numpy.linspace with both ends.
  const PointCloud b = uniform_grid(wave, 2500, true, fallback);
  ASSERT_EQ(b.size(), 2500);
  EXPECT_EQ(b(49, 1), 1.0);
  EXPECT_DOUBLE_EQ(b(1, 1), 1.0 / 49);
  // Heat 2d-MS: [0,1]^2 x [0,5], n = 20000 -> nx = ceil(sqrt(4000)) = 64 (8 x 8
  // interior), nt = ceil(20000 / 64) = 313 times 5, 5 - 5/313, ..., t0 excluded.
  const SpaceTime heat(std::make_shared<Box>(std::vector<double>{0, 0}, std::vector<double>{1, 1}),
                       0.0, 5.0);
  const PointCloud h = uniform_grid(heat, 20000, false, fallback);
  ASSERT_EQ(h.size(), 20032);
  EXPECT_EQ(h(0, 2), 5.0);
  EXPECT_DOUBLE_EQ(h(64, 2), 5.0 - 5.0 / 313);
  EXPECT_NEAR(h(20031, 2), 5.0 / 313, 1e-15);
  EXPECT_DOUBLE_EQ(h(9, 0), 2.0 / 9);
  EXPECT_DOUBLE_EQ(h(9, 1), 2.0 / 9);
  // HNd: unit ball of R^5 x [0,1] -> nx = ceil(sqrt(20000 * 2^5)) = 800 random
  // points (DeepXDE has no grid for balls) at 25 times 1, 0.96, ..., 0.04.
  const SpaceTime hnd(unit_ball(5), 0.0, 1.0);
  const PointCloud r = uniform_grid(hnd, 20000, false, fallback);
  ASSERT_EQ(r.size(), 20000);
  for (std::int64_t k = 0; k < r.size(); ++k) {
    ASSERT_LE(norm(point(r, k), 5), 1.0);
    ASSERT_NEAR(r(k, 5), 1.0 - 0.04 * static_cast<double>(k / 800), 1e-12);
    ASSERT_EQ(r(k, 0), r(k % 800, 0)); // the same spatial points at every time
  }
}
