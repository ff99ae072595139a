#!/usr/bin/python3
"""Core-hours of the `ropinn` suite and wall time per Slurm shard, from measured costs.

    build/src/pinnbench --suite ropinn --list | \\
        /usr/bin/python3 benchmarks/estimate_suite_hours.py --shards 380

A run's cost is iterations x CPU seconds per iteration (1 rank, 1 thread, measured
by benchmarks/pinnacle_seconds_per_iteration.sh; evaluation passes, every 100th
iteration, are left out). The tables below hold this machine's measurements
(docs/benchmarks-pinnacle.md says when and how): PINN vanilla on every PINNacle
task, scaled by the objective's factor, measured on the task with the same number
of inputs (2: Poisson 2d-C; 3: Heat 2d-MS; 5-6: HNd), and by the model's factor
(measured on Burgers 1d-C), assumed to multiply. vPINN's factors on 3 and 5-6 inputs
are one sample each, on Heat 2d-MS and PNd. The 1D tasks: 1000 L-BFGS steps
of at most 25 closures (measured 21.5 per step) at the measured seconds per closure
(PINN; the objective factors of two inputs; models as PINN).
"""

from __future__ import annotations

import argparse
import statistics
import sys

#: CPU seconds per Adam iteration, PINN vanilla, PINNacle configuration (chunk 256).
PINNACLE_SECONDS = {
    "burgers1d": 0.160, "burgers2d": 1.565, "poisson2d_classic": 0.115, "poisson_boltzmann2d": 0.128,
    "poisson3d_complex_geometry": 0.670, "poisson2d_many_area": 0.125, "heat2d_varying_coef": 0.785,
    "heat2d_multiscale": 0.905, "heat2d_complex_geometry": 0.830, "ns2d_lid_driven": 0.345,
    "ns2d_back_step": 0.347, "wave1d": 0.165, "wave2d_heterogeneous": 0.780, "gray_scott": 1.440,
    "poisson_nd": 0.880, "heat_nd": 1.377,
}
#: Input coordinates per PINNacle task (2 unless listed).
INPUTS = {"burgers2d": 3, "poisson3d_complex_geometry": 3, "heat2d_varying_coef": 3,
          "heat2d_multiscale": 3, "heat2d_complex_geometry": 3, "wave2d_heterogeneous": 3,
          "gray_scott": 3, "poisson_nd": 5, "heat_nd": 6}
#: Objective cost / vanilla cost (PINN), by input count: measured on Poisson 2d-C (2),
#: Heat 2d-MS (3) and HNd (5 and 6; vPINN: PNd).
OBJECTIVE_FACTOR = {
    2: {"vanilla": 1.0, "gpinn": 3.40, "vpinn": 0.64, "ropinn": 1.02},
    3: {"vanilla": 1.0, "gpinn": 3.21, "vpinn": 0.73, "ropinn": 1.07},
    6: {"vanilla": 1.0, "gpinn": 9.67, "vpinn": 0.83, "ropinn": 0.97},
}
#: Model cost / PINN cost (vanilla, chunk 256 for QRes and FLS, the default for KAN), measured
#: on Burgers 1d-C and used for every PINNacle task. PINNsFormer is not measured (costed as
#: PINN: an underestimate).
MODEL_FACTOR = {"pinn": 1.0, "fls": 1.1, "qres": 3.3, "kan": 0.31, "pinnsformer": 1.0}
#: The 1D tasks: CPU seconds per closure (PINN 512 x 3, 101 x 101 grid) and closures per step.
ONE_D_SECONDS_PER_CLOSURE = 0.70
ONE_D_CLOSURES_PER_STEP = 21.5
ONE_D_TASKS = {"reaction", "wave", "convection"}


def measured_class(inputs: int) -> int:
    """The input count of the task whose factors stand for a task with `inputs` inputs."""
    return 2 if inputs <= 2 else 3 if inputs == 3 else 6


def run_seconds(run_id: str) -> float:
    """Estimated CPU seconds of one run (1 rank, 1 thread) from its id."""
    task, model, objective, *_ = run_id.split("-")
    if task in ONE_D_TASKS:
        return 1000 * ONE_D_CLOSURES_PER_STEP * ONE_D_SECONDS_PER_CLOSURE * (
            OBJECTIVE_FACTOR[2][objective])
    inputs = measured_class(INPUTS.get(task, 2))
    objective_factor = OBJECTIVE_FACTOR[inputs][objective]
    return 20000 * PINNACLE_SECONDS[task] * objective_factor * MODEL_FACTOR[model]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shards", type=int, default=380, help="array size (default: 380)")
    args = parser.parse_args(argv)
    runs = [line.strip() for line in sys.stdin if line.strip()]
    cost = [run_seconds(r) for r in runs]
    shards = [sum(cost[j] for j in range(i, len(runs), args.shards)) for i in range(args.shards)]
    by_task: dict[str, float] = {}
    for r, c in zip(runs, cost):
        by_task[r.split("-")[0]] = by_task.get(r.split("-")[0], 0.0) + c
    print(f"runs: {len(runs)}; core-hours: {sum(cost) / 3600:.0f}")
    print("core-hours by task: " + ", ".join(
        f"{t} {c / 3600:.0f}" for t, c in sorted(by_task.items(), key=lambda kv: -kv[1])))
    print(f"{args.shards} shards: wall hours per shard max {max(shards) / 3600:.1f}, "
          f"median {statistics.median(shards) / 3600:.1f}, min {min(shards) / 3600:.1f}")
    print(f"longest run: {max(cost) / 3600:.1f} h ({runs[cost.index(max(cost))]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
