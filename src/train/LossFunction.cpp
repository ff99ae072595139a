#include <cmath>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/core/FaultInjection.hpp>
#include <pinnbench/jet/Kernels.hpp>
#include <pinnbench/pde/DevicePoints.hpp>
#include <pinnbench/train/LossFunction.hpp>

namespace pinnbench::train {

namespace {

/// MPI needs host memory unless it is GPU-aware: stage through the host when the
/// buffer lives elsewhere.
template <class Real>
void allreduce(const parallel::MpiContext& mpi, const Kokkos::View<Real*, MemorySpace>& buffer,
               std::size_t count)
{
  if (mpi.size() == 1 || count == 0)
    return;
  if constexpr (Kokkos::SpaceAccessibility<Kokkos::HostSpace, MemorySpace>::accessible) {
    Kokkos::fence();
    mpi.allreduce_sum(buffer.data(), count);
  } else {
    auto part = Kokkos::subview(buffer, std::make_pair(std::size_t(0), count));
    auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), part);
    mpi.allreduce_sum(host.data(), count);
    Kokkos::deep_copy(part, host);
  }
}

/// moved(i, j) = base(i, j) + region * U(counter, first + i, lane j): one-sided
/// uniform moves keyed by the global point index (a free function: CUDA does not
/// allow device lambdas in private member functions).
template <class Real>
void perturb_points(const Kokkos::View<const Real**, Kokkos::LayoutRight, MemorySpace>& base,
                    const Kokkos::View<Real**, Kokkos::LayoutRight, MemorySpace>& moved,
                    const objective::Perturbation& perturbation, std::uint64_t counter,
                    std::uint64_t first)
{
  const auto rng = perturbation.rng;
  const Real region = static_cast<Real>(perturbation.region);
  const int dimension = static_cast<int>(base.extent(1));
  Kokkos::parallel_for(
      "pinnbench::loss::perturb_points",
      Kokkos::RangePolicy<ExecutionSpace>(0, static_cast<int>(base.extent(0))),
      KOKKOS_LAMBDA(const int i) {
        for (int j = 0; j < dimension; ++j)
          moved(i, j) =
              base(i, j) +
              region * static_cast<Real>(rng.uniform(counter, first + static_cast<std::uint64_t>(i),
                                                     static_cast<std::uint32_t>(j)));
      });
}

/// The set of a residual that reads derivatives along fixed directions only,
/// over one coordinate per direction.
jet::DerivativeSetPtr directional_set(const pde::DirectionalReads& along)
{
  const int count = static_cast<int>(along.directions.size());
  std::vector<jet::MultiIndex> reads = along.derivatives;
  if (reads.empty())
    for (int k = 0; k < count; ++k)
      reads.push_back(jet::MultiIndex::unit(k));
  return jet::DerivativeSet::closure_of(count, reads);
}

} // namespace

template <class Real>
LossFunction<Real>::LossFunction(const pde::Task& task, std::vector<pde::Term> terms,
                                 const nn::Model<Real>& model,
                                 objective::Objective<Real>* objective,
                                 const parallel::MpiContext& mpi, LossSettings settings)
    : task_(task), model_(model), objective_(objective), mpi_(mpi), settings_(settings)
{
  if (settings_.chunk_points < 1)
    throw LogicError("chunk_points must be positive");
  if (objective_)
    terms = objective_->adapt_terms(std::move(terms));
  const int dimension = task.dimension();
  std::size_t most_evaluations = 1;
  const nn::PseudoSequence sequence = model.sequence();
  for (auto& term : terms) {
    PreparedTerm prepared;
    // Blocks of whole aligned units (vPINN elements) per rank.
    prepared.alignment = objective_ ? objective_->point_alignment(term) : 1;
    if (sequence.length > 1) {
      // Pseudo-sequence models (PINNsFormer) see every point as token rows; the
      // residual and boundary terms average over all tokens, an initial value is
      // compared on token 0 only (ropinn.md §4.5; an initial derivative such as
      // the wave's u_t again averages all tokens). Aligned units (vPINN
      // elements) keep all their points' tokens together.
      for (auto& cloud : term.evaluations)
        cloud = nn::sequence_points(cloud, sequence);
      // Every token of a point sees the point's data.
      term.point_data = nn::sequence_points(term.point_data, {sequence.length, 0, 0.0});
      prepared.alignment *= sequence.length;
      prepared.tokens = sequence.length;
      bool values_only = true;
      for (const auto& derivatives : term.derivatives)
        for (const auto& alpha : derivatives)
          values_only = values_only && alpha.is_zero();
      prepared.first_token_only = term.kind == pde::TermKind::initial && values_only;
    }
    if (term.size() % prepared.alignment != 0)
      throw LogicError("term '" + term.name + "' is not made of whole aligned units");
    auto block = pde::local_block(term.size() / prepared.alignment, mpi.rank(), mpi.size());
    block.begin *= prepared.alignment;
    block.end *= prepared.alignment;
    prepared.global_offset = block.begin;
    const int raise = objective_ ? objective_->derivative_raise(term) : 0;
    const int evaluations = static_cast<int>(term.evaluations.size());
    for (int k = 0; k < evaluations; ++k) {
      prepared.points.push_back(
          pde::to_device<Real>(pde::slice(term.evaluations[static_cast<std::size_t>(k)], block),
                               "pinnbench::loss::points"));
      // Collapsed Laplacians only where nothing differentiates the residual again
      // (raise 0), the network is evaluated once (no embedding) and sees single
      // points: pseudo-sequence jets (Sequence.hpp) carry plain derivative sets.
      prepared.sets.push_back(jet::DerivativeSet::for_residual(
          dimension, term.derivatives[static_cast<std::size_t>(k)],
          term.laplacian_masks(k, dimension), raise,
          settings_.collapse_laplacians && evaluations == 1 && sequence.length == 1));
    }
    // Directional jets where nothing differentiates the residual again and the
    // network is evaluated once, when they take fewer components (u_t + beta u_x:
    // {u, d_v u} instead of {u, u_x, u_t}; u_tt - c^2 u_xx = d_a d_b u with
    // a, b = (+-c, 1): {u, d_a, d_b, d_a d_b} instead of {u, u_x, u_t, u_xx, u_tt}). Their set is a
    // plain one, so pseudo-sequence models carry them too (one token coordinate per direction and
    // token instead of one per input and token).
    if (!term.along.empty() && settings_.carry_directions && raise == 0 && evaluations == 1 &&
        term.laplacians.empty()) {
      const auto set = directional_set(term.along);
      if (set->size() < prepared.sets.front()->size()) {
        prepared.sets.front() = set;
        prepared.carries_directions = true;
      }
    }
    if (term.point_data.size() > 0 && term.point_data.size() != term.size())
      throw NotImplementedError("term '" + term.name +
                                "': per-point data on points an objective replaced (vPINN on a "
                                "task with piecewise coefficients)");
    if (term.point_data.size() > 0)
      prepared.point_data =
          pde::to_device<Real>(pde::slice(term.point_data, block), "pinnbench::loss::point_data");
    auto weight = settings_.weights.find(term.name);
    prepared.weight = weight == settings_.weights.end() ? 1.0 : weight->second;
    slots_[term.reported()] = static_cast<int>(names_.size());
    names_.push_back(term.reported());
    weights_.push_back(prepared.weight);
    most_evaluations = std::max(most_evaluations, term.evaluations.size());
    prepared.term = std::move(term);
    terms_.push_back(std::move(prepared));
  }
  if (objective_)
    for (const auto& [name, weight] : objective_->extra_terms()) {
      slots_[name] = static_cast<int>(names_.size());
      names_.push_back(name);
      weights_.push_back(weight);
    }
  local_terms_.assign(names_.size(), 0.0);
  // Term sums, then one failure count (see evaluate).
  const std::size_t head = names_.size() * parallel::ReductionSlots<Real>::per_value + 1;
  const std::size_t parameters = model.layout().size();
  reduction_ = Kokkos::View<Real*, MemorySpace>("pinnbench::loss::reduction", head + parameters);
  gradient_ = Vector<Real>(reduction_.data() + head, parameters);
  std::int64_t largest_chunk = settings_.chunk_points;
  for (const auto& prepared : terms_)
    largest_chunk = std::max(largest_chunk, prepared.alignment);
  for (std::size_t k = 0; k < most_evaluations; ++k)
    scratch_points_.push_back(Matrix<Real>("pinnbench::loss::perturbed_points",
                                           static_cast<std::size_t>(largest_chunk),
                                           static_cast<std::size_t>(dimension)));
}

template <class Real>
int LossFunction<Real>::slot_of(const std::string& name) const
{
  auto found = slots_.find(name);
  if (found == slots_.end())
    throw LogicError("objective contributes to an unknown loss term '" + name + "'");
  return found->second;
}

template <class Real>
void LossFunction<Real>::evaluate_locally(const Vector<Real>& parameters, bool with_gradient,
                                          std::uint64_t closure_index)
{
  tape_.bind_parameters(parameters, gradient_);
  std::fill(local_terms_.begin(), local_terms_.end(), 0.0);
  if (with_gradient) {
    Kokkos::deep_copy(reduction_, Real(0));
    fault::maybe_throw("closure", "closure " + std::to_string(closure_index) + " failed");
  }
  for (const auto& prepared : terms_) {
    const objective::Perturbation perturbation =
        objective_ ? objective_->perturbation(prepared.term) : objective::Perturbation{};
    const std::int64_t local = prepared.points.front().extent(0);
    // Chunks hold whole aligned units, at least one.
    const std::int64_t chunk =
        std::max<std::int64_t>(1, settings_.chunk_points / prepared.alignment) * prepared.alignment;
    for (int sample = 0; sample < perturbation.samples; ++sample)
      for (std::int64_t begin = 0; begin < local; begin += chunk)
        evaluate_chunk(prepared, sample, begin, std::min<std::int64_t>(chunk, local - begin),
                       perturbation, closure_index, with_gradient);
  }
}

template <class Real>
LossValue LossFunction<Real>::evaluate(const Vector<Real>& parameters, bool with_gradient,
                                       std::uint64_t closure_index)
{
  // A rank whose local part fails still joins the allreduce, with a failure
  // count in the last head slot: every rank learns of it there, none waits.
  std::string local_error;
  try {
    evaluate_locally(parameters, with_gradient, closure_index);
  } catch (const std::exception& e) {
    local_error = e.what();
  }

  // One allreduce: the loss-term sums and the failure count in the head, the gradient behind them.
  const int per_value = parallel::ReductionSlots<Real>::per_value;
  const std::size_t terms_head = names_.size() * static_cast<std::size_t>(per_value);
  const std::size_t head = terms_head + 1;
  std::vector<Real> packed(head);
  for (std::size_t k = 0; k < names_.size(); ++k)
    parallel::ReductionSlots<Real>::pack(local_terms_[k], packed.data() + k * per_value);
  packed[terms_head] = local_error.empty() ? Real(0) : Real(1);
  auto head_view = Kokkos::subview(reduction_, std::make_pair(std::size_t(0), head));
  Kokkos::deep_copy(head_view,
                    Kokkos::View<Real*, Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>(
                        packed.data(), head));
  allreduce(mpi_, reduction_, with_gradient ? reduction_.extent(0) : head);
  Kokkos::deep_copy(Kokkos::View<Real*, Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>(
                        packed.data(), head),
                    head_view);
  if (packed[terms_head] != Real(0))
    mpi_.agree(local_error);

  LossValue value;
  value.terms.resize(names_.size());
  for (std::size_t k = 0; k < names_.size(); ++k)
    value.terms[k] = parallel::ReductionSlots<Real>::unpack(packed.data() + k * per_value);
  // Parameter penalties are the same on every rank: added after the reduction.
  auto penalty = slots_.find("penalty");
  if (objective_ && penalty != slots_.end())
    value.terms[static_cast<std::size_t>(penalty->second)] =
        objective_->penalty(parameters, with_gradient ? gradient_ : Vector<Real>(),
                            weights_[static_cast<std::size_t>(penalty->second)]);
  for (std::size_t k = 0; k < names_.size(); ++k)
    value.loss += weights_[k] * value.terms[k];
  value.finite = std::isfinite(value.loss);
  if (with_gradient) {
    value.finite =
        value.finite &&
        jet::all_finite<Real>(jet::ConstJetView<Real>(gradient_.data(), 1, 1, gradient_.extent(0)));
    if (objective_)
      objective_->after_closure(gradient_);
  }
  return value;
}

template <class Real>
void LossFunction<Real>::evaluate_chunk(const PreparedTerm& prepared, int sample,
                                        std::int64_t begin, std::int64_t count,
                                        const objective::Perturbation& perturbation,
                                        std::uint64_t closure_index, bool with_gradient)
{
  const int dimension = task_.dimension();
  const int evaluations = static_cast<int>(prepared.points.size());
  tape_.rewind();
  std::vector<jet::Var<Real>> outputs, coordinates;
  for (int k = 0; k < evaluations; ++k) {
    const auto rows =
        std::make_pair(static_cast<std::size_t>(begin), static_cast<std::size_t>(begin + count));
    Kokkos::View<const Real**, Kokkos::LayoutRight, MemorySpace> points =
        Kokkos::subview(prepared.points[static_cast<std::size_t>(k)], rows, Kokkos::ALL);
    if (perturbation.region > 0.0) {
      // RoPINN: one-sided uniform moves keyed by the global point index, so the
      // draws do not depend on the rank count; paired evaluations move together.
      const auto base = points;
      const auto moved = Kokkos::subview(
          scratch_points_[static_cast<std::size_t>(k)],
          std::make_pair(std::size_t(0), static_cast<std::size_t>(count)), Kokkos::ALL);
      const std::uint64_t counter =
          closure_index * static_cast<std::uint64_t>(perturbation.samples) +
          static_cast<std::uint64_t>(sample);
      perturb_points<Real>(base, moved, perturbation, counter,
                           static_cast<std::uint64_t>(prepared.global_offset + begin));
      points = moved;
    }
    const auto& set = prepared.sets[static_cast<std::size_t>(k)];
    jet::Var<Real> z(tape_, prepared.carries_directions
                                ? tape_.coordinates(points, set, prepared.term.along.directions)
                                : tape_.coordinates(points, set));
    jet::Var<Real> u = model_.forward(z);
    coordinates.push_back(z);
    outputs.push_back(u);
  }
  jet::Var<Real> point_data;
  if (prepared.point_data.extent(0) > 0)
    point_data = jet::Var<Real>(
        tape_,
        tape_.constants(Kokkos::subview(prepared.point_data,
                                        std::make_pair(static_cast<std::size_t>(begin),
                                                       static_cast<std::size_t>(begin + count)),
                                        Kokkos::ALL),
                        prepared.sets.front()));
  const pde::TermContext<Real> context(
      dimension, outputs, coordinates, prepared.global_offset + begin, point_data, prepared.tokens,
      prepared.carries_directions ? prepared.term.along.directions
                                  : std::vector<std::vector<double>>{});
  jet::Var<Real> residual = task_.residual(prepared.term, context);
  if (prepared.first_token_only)
    residual = jet::Var<Real>(tape_, tape_.select_rows(residual.id(), prepared.tokens, 0));

  contributions_.clear();
  const objective::Objective<Real>& objective =
      objective_ ? *objective_ : static_cast<const objective::Objective<Real>&>(plain_);
  objective.contribute(prepared.term, prepared.weight, residual, context, contributions_);
  const double compared =
      static_cast<double>(prepared.term.size()) / (prepared.first_token_only ? prepared.tokens : 1);
  const double normaliser = 1.0 / (compared * perturbation.samples);
  seeds_.clear();
  for (const auto& contribution : contributions_) {
    const int slot = slot_of(contribution.term);
    const double scale = contribution.inner_weight * normaliser;
    local_terms_[static_cast<std::size_t>(slot)] += scale * tape_.scalar(contribution.node);
    seeds_.push_back({contribution.node, weights_[static_cast<std::size_t>(slot)] * scale});
  }
  if (with_gradient)
    tape_.backward(seeds_);
}

template class LossFunction<float>;
template class LossFunction<double>;

} // namespace pinnbench::train
