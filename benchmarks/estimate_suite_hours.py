#!/usr/bin/python3
"""Core-hours of the `ropinn` suite and wall time per Slurm shard, from measured costs.

    build/src/pinnbench --suite ropinn --list | \\
        /usr/bin/python3 benchmarks/estimate_suite_hours.py --shards 380

A run's cost is iterations x seconds per iteration (1 rank, 1 thread, CPU seconds
measured by benchmarks/pinnacle_seconds_per_iteration.sh; evaluation passes, every
100th iteration, are left out). The table below holds this machine's measurements
(docs/benchmarks-pinnacle.md says when and how); tasks without a measurement take a
proxy of similar size, named in the table. Objectives scale the PINN vanilla cost by
the factors measured on Poisson 2d-C; QRes, KAN and PINNsFormer are assumed to cost
as PINN (not measured; PINNsFormer is not implemented yet). vPINN on tasks with more than two inputs
stops at once. The 1D tasks: 1000 L-BFGS steps of at most 25 closures (measured
21.5 per step) at the measured seconds per closure.
"""

from __future__ import annotations

import argparse
import statistics
import sys

#: CPU seconds per Adam iteration, PINN vanilla, PINNacle configuration (measured or proxy).
PINNACLE_SECONDS = {
    "burgers1d": 0.19, "poisson2d_classic": 0.18, "poisson_boltzmann2d": 0.20,
    "heat2d_multiscale": 1.13, "ns2d_lid_driven": 0.63, "ns2d_back_step": 0.62, "wave1d": 0.19,
    "poisson_nd": 2.00, "heat_nd": 2.77,
}
#: Tasks whose cost is taken from another (no reference data on this machine):
#: task -> (measured task, factor).  Same point counts and inputs; x2 for two outputs.
PROXY = {"poisson3d_complex_geometry": ("heat2d_multiscale", 1.0),
         "poisson2d_many_area": ("poisson2d_classic", 1.0),
         "heat2d_varying_coef": ("heat2d_multiscale", 1.0),
         "heat2d_complex_geometry": ("heat2d_multiscale", 1.0),
         "wave2d_heterogeneous": ("heat2d_multiscale", 1.0),
         "burgers2d": ("heat2d_multiscale", 2.0),
         "gray_scott": ("heat2d_multiscale", 2.0)}
#: Objective cost / vanilla cost, measured on Poisson 2d-C.
OBJECTIVE_FACTOR = {"vanilla": 1.0, "gpinn": 2.2, "vpinn": 0.68, "ropinn": 1.05}
#: The 1D tasks: CPU seconds per closure (PINN 512 x 3, 101 x 101 grid) and closures per step.
ONE_D_SECONDS_PER_CLOSURE = 0.70
ONE_D_CLOSURES_PER_STEP = 21.5
ONE_D_TASKS = {"reaction", "wave", "convection"}
#: Input coordinates per PINNacle task (vPINN stops on more than two).
INPUTS = {"burgers2d": 3, "poisson3d_complex_geometry": 3, "heat2d_varying_coef": 3,
          "heat2d_multiscale": 3, "heat2d_complex_geometry": 3, "wave2d_heterogeneous": 3,
          "gray_scott": 3, "poisson_nd": 5, "heat_nd": 6}


def run_seconds(run_id: str) -> float:
    """Estimated CPU seconds of one run (1 rank, 1 thread) from its id."""
    task, _model, objective, *_ = run_id.split("-")
    if task in ONE_D_TASKS:
        return 1000 * ONE_D_CLOSURES_PER_STEP * ONE_D_SECONDS_PER_CLOSURE * (
            OBJECTIVE_FACTOR[objective] if objective != "vanilla" else 1.0)
    if objective == "vpinn" and INPUTS.get(task, 2) > 2:
        return 0.0
    measured, factor = PROXY.get(task, (task, 1.0))
    seconds = PINNACLE_SECONDS[measured] * factor
    return 20000 * seconds * OBJECTIVE_FACTOR[objective]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shards", type=int, default=380, help="array size (default: 380)")
    args = parser.parse_args(argv)
    runs = [line.strip() for line in sys.stdin if line.strip()]
    cost = [run_seconds(r) for r in runs]
    shards = [sum(cost[j] for j in range(i, len(runs), args.shards)) for i in range(args.shards)]
    print(f"runs: {len(runs)}; core-hours: {sum(cost) / 3600:.0f}")
    print(f"{args.shards} shards: wall hours per shard max {max(shards) / 3600:.1f}, "
          f"median {statistics.median(shards) / 3600:.1f}, min {min(shards) / 3600:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
