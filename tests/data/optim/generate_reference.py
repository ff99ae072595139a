#!/usr/bin/python3
"""Generate PyTorch reference trajectories for the pinnbench optimiser tests.

The C++ L-BFGS (a transcription of ``torch.optim.LBFGS``, see spec ropinn.md
section 5.1) and the C++ Adam must reproduce PyTorch iterate for iterate.  This
script runs the stock PyTorch optimisers on two small deterministic float64
problems and records every closure evaluation and every ``step()`` result, one
plain-text file per scenario, next to this script.

Regenerate (from the repository root; Debian's interpreter, which has torch)::

    /usr/bin/python3 tests/data/optim/generate_reference.py

Optional: ``--out DIR`` writes elsewhere, ``--only NAME`` writes one scenario.
The committed files were produced with torch 1.13.0a0 (Debian bookworm package
``python3-torch``, CPU build) under Python 3.11; the torch version is also
recorded in every file's header.

Problems (float64; the C++ tests re-implement them from this text):

* ``rosenbrock``: n = 10,
  f(x) = sum_{i=0}^{n-2} [100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2],
  x0 = (-1.2, 1.0, -1.2, 1.0, ...).
* ``least_squares``: m = 30, n = 12,
  A_ij = cos(0.37 (i+1) (j+1)) + 0.1 [i == j]   (0-based i < m, j < n),
  b_i = sin(0.5 (i+1)),
  f(x) = (1/m) sum_i ((A x)_i - b_i)^2,  x0 = 0.
  A and b are built from Python floats with ``math.cos``/``math.sin`` (the C
  library's cos/sin, as ``std::cos``/``std::sin`` in C++), the argument being
  evaluated left to right: ``(0.37 * (i+1)) * (j+1)``.  The loss is computed as
  ``sum(r**2) / m`` with r = A x - b.

Summation orders inside torch (reductions, matrix-vector products) are not
specified, so a C++ re-implementation agrees with these numbers to rounding
error, not bit for bit; compare with a relative tolerance.

File format (one file ``<scenario>.txt`` per scenario)::

    # scenario: <name>
    # problem: <rosenbrock|least_squares>
    # optimizer: <lbfgs|adam> key=value key=value ...
    # torch: <torch.__version__>
    # steps: <number of step() calls>
    # n: <dimension>
    E <step> <eval_index> <f> <x_0> ... <x_{n-1}>
    S <step> <f_returned_by_step> <x_0> ... <x_{n-1}>

``E`` lines: one per closure evaluation, in call order; ``step`` is the 0-based
``step()`` call it belongs to, ``eval_index`` the 0-based running count over the
whole run, ``f`` the loss at the evaluated point and ``x`` that point (cloned
inside the closure).  ``S`` lines: one after each ``step()`` call with the value
``step()`` returned and the parameters after the step.  The optimizer line lists
every constructor argument as effectively used (read back from the optimiser's
``param_groups``): for L-BFGS ``lr max_iter max_eval tolerance_grad
tolerance_change history_size line_search`` (``line_search`` is
``strong_wolfe`` or ``none``), for Adam ``lr beta1 beta2 eps weight_decay``.
All floating-point numbers are written with ``repr(float)``, the shortest
string that round-trips exactly (readable with ``strtod``).
"""

from __future__ import annotations

import argparse
import math
import pathlib
import sys
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional

import torch

# ---------------------------------------------------------------------------
# Problems
# ---------------------------------------------------------------------------

ROSENBROCK_N = 10
LSQ_M = 30
LSQ_N = 12


def rosenbrock_x0() -> torch.Tensor:
    """Starting point (-1.2, 1.0, -1.2, 1.0, ...) of length ROSENBROCK_N."""
    return torch.tensor([-1.2 if i % 2 == 0 else 1.0 for i in range(ROSENBROCK_N)],
                        dtype=torch.float64)


def rosenbrock(x: torch.Tensor) -> torch.Tensor:
    """Extended Rosenbrock function sum_i 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2."""
    head, tail = x[:-1], x[1:]
    return (100.0 * (tail - head ** 2) ** 2 + (1.0 - head) ** 2).sum()


def least_squares_data() -> tuple[torch.Tensor, torch.Tensor]:
    """Matrix A (m x n) and right-hand side b (m) of the least-squares problem."""
    a = [[math.cos(0.37 * (i + 1) * (j + 1)) + (0.1 if i == j else 0.0)
          for j in range(LSQ_N)] for i in range(LSQ_M)]
    b = [math.sin(0.5 * (i + 1)) for i in range(LSQ_M)]
    return torch.tensor(a, dtype=torch.float64), torch.tensor(b, dtype=torch.float64)


def make_least_squares() -> Callable[[torch.Tensor], torch.Tensor]:
    """Return f(x) = (1/m) sum_i ((A x)_i - b_i)^2 with A, b built once."""
    a, b = least_squares_data()

    def f(x: torch.Tensor) -> torch.Tensor:
        r = a @ x - b
        return (r ** 2).sum() / LSQ_M

    return f


def least_squares_x0() -> torch.Tensor:
    return torch.zeros(LSQ_N, dtype=torch.float64)


PROBLEMS: Dict[str, tuple[Callable[[], Callable[[torch.Tensor], torch.Tensor]],
                          Callable[[], torch.Tensor]]] = {
    "rosenbrock": (lambda: rosenbrock, rosenbrock_x0),
    "least_squares": (make_least_squares, least_squares_x0),
}

# ---------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    name: str
    problem: str
    optimizer: str  # "lbfgs" or "adam"
    steps: int
    kwargs: dict = field(default_factory=dict)


SCENARIOS: List[Scenario] = [
    Scenario("lbfgs_rosenbrock", "rosenbrock", "lbfgs", 40,
             dict(lr=1, max_iter=20, history_size=100, line_search_fn="strong_wolfe")),
    Scenario("lbfgs_rosenbrock_history3", "rosenbrock", "lbfgs", 40,
             dict(lr=1, max_iter=7, history_size=3, line_search_fn="strong_wolfe")),
    Scenario("lbfgs_least_squares", "least_squares", "lbfgs", 10,
             dict(line_search_fn="strong_wolfe")),
    Scenario("lbfgs_rosenbrock_no_line_search", "rosenbrock", "lbfgs", 20,
             dict(lr=0.1, max_iter=10, line_search_fn=None)),
    Scenario("lbfgs_rosenbrock_tight", "rosenbrock", "lbfgs", 30,
             dict(tolerance_grad=1e-12, tolerance_change=1e-14, max_iter=20, max_eval=30,
                  line_search_fn="strong_wolfe")),
    Scenario("adam_least_squares", "least_squares", "adam", 200, dict(lr=1e-2)),
    Scenario("adam_rosenbrock_weight_decay", "rosenbrock", "adam", 100,
             dict(lr=1e-3, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.01)),
]

# ---------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------


def fmt_number(v: float) -> str:
    """Exact round-trip text of a float (shortest repr)."""
    return repr(float(v))


def fmt_setting(v: object) -> str:
    """Text of an optimiser setting: ints stay ints, floats use repr."""
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if v is None:
        return "none"
    return str(v)


def optimizer_settings(opt: torch.optim.Optimizer, kind: str) -> str:
    """key=value list of the arguments as the optimiser actually uses them."""
    g = opt.param_groups[0]
    if kind == "lbfgs":
        items = [("lr", g["lr"]), ("max_iter", g["max_iter"]), ("max_eval", g["max_eval"]),
                 ("tolerance_grad", g["tolerance_grad"]),
                 ("tolerance_change", g["tolerance_change"]),
                 ("history_size", g["history_size"]), ("line_search", g["line_search_fn"])]
    else:
        beta1, beta2 = g["betas"]
        items = [("lr", g["lr"]), ("beta1", beta1), ("beta2", beta2), ("eps", g["eps"]),
                 ("weight_decay", g["weight_decay"])]
    return " ".join(f"{k}={fmt_setting(v)}" for k, v in items)


def fmt_vector(x: torch.Tensor) -> str:
    return " ".join(fmt_number(v) for v in x.tolist())

# ---------------------------------------------------------------------------
# Running a scenario
# ---------------------------------------------------------------------------


def run_scenario(sc: Scenario) -> List[str]:
    """Run one scenario and return the lines of its reference file."""
    make_f, make_x0 = PROBLEMS[sc.problem]
    f = make_f()
    x = make_x0().clone().requires_grad_(True)

    if sc.optimizer == "lbfgs":
        opt: torch.optim.Optimizer = torch.optim.LBFGS([x], **sc.kwargs)
    elif sc.optimizer == "adam":
        opt = torch.optim.Adam([x], **sc.kwargs)
    else:
        raise ValueError(f"unknown optimizer {sc.optimizer!r}")

    lines = [
        f"# scenario: {sc.name}",
        f"# problem: {sc.problem}",
        f"# optimizer: {sc.optimizer} {optimizer_settings(opt, sc.optimizer)}",
        f"# torch: {torch.__version__}",
        f"# steps: {sc.steps}",
        f"# n: {x.numel()}",
    ]

    current_step = 0
    eval_count = 0

    def closure() -> torch.Tensor:
        nonlocal eval_count
        opt.zero_grad()
        point = x.detach().clone()
        loss = f(x)
        loss.backward()
        lines.append(f"E {current_step} {eval_count} {fmt_number(loss.item())} "
                     f"{fmt_vector(point)}")
        eval_count += 1
        return loss

    for step in range(sc.steps):
        current_step = step
        returned = opt.step(closure)
        lines.append(f"S {step} {fmt_number(float(returned))} {fmt_vector(x.detach())}")
    return lines


def check_lines(sc: Scenario, lines: List[str]) -> None:
    """Basic consistency checks on a generated trajectory."""
    e_lines = [ln for ln in lines if ln.startswith("E ")]
    s_lines = [ln for ln in lines if ln.startswith("S ")]
    if len(s_lines) != sc.steps:
        raise RuntimeError(f"{sc.name}: {len(s_lines)} S lines, expected {sc.steps}")
    for ln in e_lines + s_lines:
        for tok in ln.split()[1:]:
            if not math.isfinite(float(tok)):
                raise RuntimeError(f"{sc.name}: non-finite value in line {ln!r}")
    if sc.kwargs.get("line_search_fn") == "strong_wolfe" and len(e_lines) <= len(s_lines):
        raise RuntimeError(f"{sc.name}: no line-search evaluations recorded")


def main(argv: Optional[List[str]] = None) -> int:
    here = pathlib.Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=pathlib.Path, default=here,
                        help="output directory (default: this script's directory)")
    parser.add_argument("--only", choices=[s.name for s in SCENARIOS], action="append",
                        help="generate only this scenario (repeatable)")
    args = parser.parse_args(argv)

    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    args.out.mkdir(parents=True, exist_ok=True)

    for sc in SCENARIOS:
        if args.only and sc.name not in args.only:
            continue
        lines = run_scenario(sc)
        check_lines(sc, lines)
        path = args.out / f"{sc.name}.txt"
        path.write_text("\n".join(lines) + "\n")
        n_e = sum(1 for ln in lines if ln.startswith("E "))
        print(f"{path.name}: {sc.steps} steps, {n_e} evaluations, "
              f"final f = {lines[-1].split()[2]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
