#!/usr/bin/python3
"""PyTorch baseline for the pinnbench closure benchmark.

pinnbench evaluates PINN losses with Taylor-mode jets.  The reference
implementations (thuml/RoPINN, the PINNsFormer demos, gPINN) evaluate the same
losses with nested ``torch.autograd.grad(..., create_graph=True)`` calls.  This
script times that reference way of computing one L-BFGS closure,

    zero_grad -> forward on all point sets -> nested autograd derivatives
    -> loss -> loss.backward()

for one configuration per process, and prints one JSON line on stdout, so it can
be compared side by side with the C++ closure benchmark.

Model (ropinn.md section 4.2): cat(x, t) -> [Linear -> tanh] x hidden_layers
-> Linear(width, 1); the reference is 2 -> 512 -> 512 -> 512 -> 1.  Weights are
xavier_uniform, biases 0.01, after ``torch.manual_seed(0)``; the model is built
in float32 and cast to float64 for ``--precision fp64`` (same initial values).

Data (ropinn.md section 2): the N x N grid, x = linspace over the task's
x-range, t = linspace(0, 1), numpy meshgrid 'xy' (row = t).  Residual points =
all grid points, initial set = the t = 0 row, lower/upper boundary = the x = x0
and x = x1 columns.  All point tensors are leaves with ``requires_grad=True``.
(The reference also runs the model on the unused t = 1 row; that ~1 % of the
forward cost is left out here.)

Problems (ropinn.md section 3, gPINN from section 7.3 with w = 0.1):

* ``convection`` (x in [0, 2 pi], beta = 50):
  mean((u_t + 50 u_x)^2) + mean((u(2 pi, t) - u(0, t))^2) + mean((u(x, 0) - sin x)^2)
* ``wave`` (x in [0, 1]):
  mean((u_tt - 4 u_xx)^2) + mean((u(x,0) - sin(pi x) - 0.5 sin(3 pi x))^2)
  + mean(u_t(x, 0)^2) + mean(u(0, t)^2) + mean(u(1, t)^2)
* ``gpinn_wave``: the wave loss + 0.1 [mean((dR/dx)^2) + mean((dR/dt)^2)],
  R = u_tt - 4 u_xx (third derivatives by nested autograd).

Measurements: ``--warmup`` untimed closures, then ``--repeats`` timed ones; the
median is reported.  Memory: peak resident set size of the process
(``getrusage(RUSAGE_SELF).ru_maxrss``) and the resident set size right after
importing torch and building the data (before the model), both in MiB
(reported under the keys ``*_rss_mb``).

``--model propinn`` times ProPINN instead (shared/spec/propinn.md section 2,
the class in tests/support/propinn_torch.py: 84 perturbed copies per point,
15 030 parameters, Xavier-uniform weights, biases 0.01, WaveAct w = 1); on the
wave problems the network sees pi (x, t) as in ProPINN's wave script.
``--width``/``--hidden-layers`` then do not apply.

``--check`` instead compares the nested-autograd derivatives u_x, u_t, u_xx,
u_tt (and the gPINN residual derivatives dR/dx, dR/dt) of the float64 network
at a few points with central finite differences and exits with status 1 on a
mismatch.

Examples::

    /usr/bin/python3 benchmarks/torch_baseline.py --problem wave --precision fp32 \\
        --threads 1 --repeats 3 --grid 51
    /usr/bin/python3 benchmarks/torch_baseline.py --problem gpinn_wave --check
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import statistics
import sys
import time
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence

import numpy as np
import torch
from torch import nn

# ---------------------------------------------------------------------------
# Problems and data
# ---------------------------------------------------------------------------

X_RANGES: Dict[str, tuple[float, float]] = {
    "convection": (0.0, 2.0 * math.pi),
    "wave": (0.0, 1.0),
    "gpinn_wave": (0.0, 1.0),
}
T_RANGE = (0.0, 1.0)
CONVECTION_BETA = 50.0
WAVE_C2 = 4.0          # u_tt - c^2 u_xx with c = 2
GPINN_WEIGHT = 0.1
BIAS_INIT = 0.01

PRECISIONS = {"fp32": torch.float32, "fp64": torch.float64}


@dataclass
class PointSet:
    """Coordinates of one point set as (N, 1) leaf tensors."""
    x: torch.Tensor
    t: torch.Tensor

    def __len__(self) -> int:
        return self.x.shape[0]


@dataclass
class GridData:
    """The RoPINN training sets built from one N x N grid."""
    res: PointSet      # all grid points
    initial: PointSet  # t = t0 row   (RoPINN's "b_left")
    lower: PointSet    # x = x0 column ("b_lower")
    upper: PointSet    # x = x1 column ("b_upper")


def build_grid(problem: str, n: int, dtype: torch.dtype) -> GridData:
    """RoPINN ``get_data``: meshgrid 'xy' so data[i, j] = (x_j, t_i)."""
    x0, x1 = X_RANGES[problem]
    xs = np.linspace(x0, x1, n)
    ts = np.linspace(T_RANGE[0], T_RANGE[1], n)
    gx, gt = np.meshgrid(xs, ts)  # indexing='xy': row index = time

    def make(xv: np.ndarray, tv: np.ndarray) -> PointSet:
        def leaf(a: np.ndarray) -> torch.Tensor:
            return torch.tensor(a.reshape(-1, 1), dtype=dtype, requires_grad=True)
        return PointSet(leaf(xv), leaf(tv))

    return GridData(res=make(gx, gt),
                    initial=make(gx[0, :], gt[0, :]),
                    lower=make(gx[:, 0], gt[:, 0]),
                    upper=make(gx[:, -1], gt[:, -1]))

# ---------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------


class PINN(nn.Module):
    """RoPINN ``models/PINN.py``: cat(x, t) -> tanh MLP -> scalar (built in float32)."""

    def __init__(self, width: int, hidden_layers: int):
        super().__init__()
        layers: List[nn.Module] = []
        fan_in = 2
        for _ in range(hidden_layers):
            layers += [nn.Linear(fan_in, width, dtype=torch.float32), nn.Tanh()]
            fan_in = width
        layers.append(nn.Linear(fan_in, 1, dtype=torch.float32))
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat((x, t), dim=-1))


class ScaledInput(nn.Module):
    """model(s x, s t): ProPINN's wave script feeds pi (x, t)."""

    def __init__(self, model: nn.Module, scale: float):
        super().__init__()
        self.model, self.scale = model, scale

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return self.model(self.scale * x, self.scale * t)


def build_propinn(problem: str, dtype: torch.dtype) -> nn.Module:
    """ProPINN with its scripts' init, built in float32 then cast (like build_model)."""
    import os
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                    "support"))
    from propinn_torch import ProPINN
    torch.manual_seed(0)
    model = ProPINN(dtype=torch.float32)
    for m in model.modules():
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
            m.bias.data.fill_(BIAS_INIT)
    model = model.to(dtype)
    model.offsets = [o.to(dtype) for o in model.offsets]
    return ScaledInput(model, math.pi) if problem != "convection" else model


def build_model(width: int, hidden_layers: int, dtype: torch.dtype) -> PINN:
    """Seeded model with RoPINN's init (xavier_uniform weights, bias 0.01)."""
    torch.manual_seed(0)
    model = PINN(width, hidden_layers)
    for m in model.modules():
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
            m.bias.data.fill_(BIAS_INIT)
    return model.to(dtype)

# ---------------------------------------------------------------------------
# Derivatives and losses (nested autograd, as in the reference scripts)
# ---------------------------------------------------------------------------


def d(out: torch.Tensor, wrt: torch.Tensor) -> torch.Tensor:
    """d out / d wrt, point by point, keeping the graph for further derivatives."""
    return torch.autograd.grad(out, wrt, grad_outputs=torch.ones_like(out),
                               retain_graph=True, create_graph=True)[0]


def wave_residual(model: PINN, p: PointSet) -> torch.Tensor:
    """R = u_tt - 4 u_xx, second derivatives as in RoPINN's 1D-wave closure."""
    u = model(p.x, p.t)
    u_x = d(u, p.x)
    u_xx = d(u_x, p.x)
    u_t = d(u, p.t)
    u_tt = d(u_t, p.t)
    return u_tt - WAVE_C2 * u_xx


def loss_convection(model: PINN, data: GridData) -> torch.Tensor:
    r, ini = data.res, data.initial
    u = model(r.x, r.t)
    u_lower = model(data.lower.x, data.lower.t)
    u_upper = model(data.upper.x, data.upper.t)
    u_ini = model(ini.x, ini.t)
    u_x = d(u, r.x)
    u_t = d(u, r.t)
    loss_res = torch.mean((u_t + CONVECTION_BETA * u_x) ** 2)
    loss_bc = torch.mean((u_upper - u_lower) ** 2)
    loss_ic = torch.mean((u_ini - torch.sin(ini.x)) ** 2)
    return loss_res + loss_bc + loss_ic


def _wave_boundary_terms(model: PINN, data: GridData) -> torch.Tensor:
    ini = data.initial
    u_ini = model(ini.x, ini.t)
    u_lower = model(data.lower.x, data.lower.t)
    u_upper = model(data.upper.x, data.upper.t)
    ui_t = d(u_ini, ini.t)
    target = torch.sin(math.pi * ini.x) + 0.5 * torch.sin(3.0 * math.pi * ini.x)
    loss_ic = torch.mean((u_ini - target) ** 2) + torch.mean(ui_t ** 2)
    loss_bc = torch.mean(u_upper ** 2) + torch.mean(u_lower ** 2)
    return loss_ic + loss_bc


def loss_wave(model: PINN, data: GridData) -> torch.Tensor:
    res = wave_residual(model, data.res)
    return torch.mean(res ** 2) + _wave_boundary_terms(model, data)


def loss_gpinn_wave(model: PINN, data: GridData) -> torch.Tensor:
    r = data.res
    res = wave_residual(model, r)
    res_x = d(res, r.x)
    res_t = d(res, r.t)
    loss = torch.mean(res ** 2) + _wave_boundary_terms(model, data)
    return loss + GPINN_WEIGHT * (torch.mean(res_x ** 2) + torch.mean(res_t ** 2))


LOSSES: Dict[str, Callable[[PINN, GridData], torch.Tensor]] = {
    "convection": loss_convection,
    "wave": loss_wave,
    "gpinn_wave": loss_gpinn_wave,
}


def make_closure(model: PINN, data: GridData, problem: str) -> Callable[[], torch.Tensor]:
    """The L-BFGS closure of the reference scripts (without an optimiser step)."""
    loss_fn = LOSSES[problem]

    def closure() -> torch.Tensor:
        model.zero_grad()
        loss = loss_fn(model, data)
        loss.backward()
        return loss

    return closure

# ---------------------------------------------------------------------------
# Memory
# ---------------------------------------------------------------------------


def current_rss_mib() -> float:
    """Resident set size now (VmRSS), MiB; falls back to the peak if unavailable."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0  # kB
    except OSError:
        pass
    return peak_rss_mib()


def peak_rss_mib() -> float:
    """Peak resident set size of this process, MiB (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0

# ---------------------------------------------------------------------------
# Finite-difference check
# ---------------------------------------------------------------------------


def check_derivatives(width: int, hidden_layers: int, problem: str) -> bool:
    """Compare nested-autograd derivatives with central differences (float64).

    First derivatives use step 1e-5, second derivatives the three-point
    stencil with step 1e-3; dR/dx and dR/dt are central differences (step
    1e-4) of the autograd residual R = u_tt - 4 u_xx.  The error of each
    quantity is measured relative to its largest magnitude over the points
    and must stay below 1e-5 (the differences agree to ~1e-8 or better).
    """
    dtype = torch.float64
    model = build_model(width, hidden_layers, dtype)
    x0, x1 = X_RANGES[problem]
    fx = torch.tensor([0.1, 0.25, 0.5, 0.75, 0.9], dtype=dtype)
    ft = torch.tensor([0.3, 0.8, 0.5, 0.1, 0.65], dtype=dtype)
    xs = (x0 + (x1 - x0) * fx).reshape(-1, 1)
    ts = (T_RANGE[0] + (T_RANGE[1] - T_RANGE[0]) * ft).reshape(-1, 1)

    # Nested autograd, with the same helpers the closures use.
    p = PointSet(xs.clone().requires_grad_(True), ts.clone().requires_grad_(True))
    u = model(p.x, p.t)
    u_x, u_t = d(u, p.x), d(u, p.t)
    ad = {"u_x": u_x, "u_t": u_t, "u_xx": d(u_x, p.x), "u_tt": d(u_t, p.t)}
    res = wave_residual(model, p)
    ad["R_x"], ad["R_t"] = d(res, p.x), d(res, p.t)

    def residual_at(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        q = PointSet(x.clone().requires_grad_(True), t.clone().requires_grad_(True))
        return wave_residual(model, q).detach()

    h1, h2, h3 = 1e-5, 1e-3, 1e-4
    with torch.no_grad():
        f = lambda x, t: model(x, t)  # noqa: E731
        u0 = f(xs, ts)
        fd = {
            "u_x": (f(xs + h1, ts) - f(xs - h1, ts)) / (2 * h1),
            "u_t": (f(xs, ts + h1) - f(xs, ts - h1)) / (2 * h1),
            "u_xx": (f(xs + h2, ts) - 2 * u0 + f(xs - h2, ts)) / h2 ** 2,
            "u_tt": (f(xs, ts + h2) - 2 * u0 + f(xs, ts - h2)) / h2 ** 2,
        }
    fd["R_x"] = (residual_at(xs + h3, ts) - residual_at(xs - h3, ts)) / (2 * h3)
    fd["R_t"] = (residual_at(xs, ts + h3) - residual_at(xs, ts - h3)) / (2 * h3)

    ok = True
    rtol = 1e-5
    print(f"derivative check: {problem}, width {width}, hidden_layers {hidden_layers}, "
          f"float64, {xs.shape[0]} points")
    for name in ad:
        a = ad[name].detach().reshape(-1)
        b = fd[name].reshape(-1)
        scale = max(a.abs().max().item(), 1e-12)
        err = (a - b).abs().max().item() / scale
        good = err <= rtol
        ok &= good
        print(f"  {name:5s} max rel err {err:.3e}  (|autograd| up to "
              f"{a.abs().max().item():.3e})  {'ok' if good else 'MISMATCH'}")
    print("PASS" if ok else "FAIL")
    return ok

# ---------------------------------------------------------------------------
# PINNacle tasks (DeepXDE style): one Adam iteration
# ---------------------------------------------------------------------------
#
# PINNacle's configuration (shared/spec/pinnacle.md section 2): FNN [in] +
# [100] * 5 + [1], tanh, Glorot-normal weights, zero biases, float32, Adam lr
# 1e-3, full batch.  DeepXDE evaluates the network once on all training points
# (domain, boundary and initial together), takes the PDE residual on all of
# them and each condition on its own rows; derivatives are nested autograd on
# the (N, d) input tensor: one backward for the gradient, one more per second
# derivative (dde.grad.hessian).  The point counts are PINNacle's defaults (the
# same as pinnbench's); the points are uniform in the bounding box with the
# condition rows moved onto their boundary where that is one coordinate
# (positions do not change the cost).  One iteration = zero_grad, loss,
# backward, Adam step.

#: problem -> (input dimension, domain, boundary, initial points)
PINNACLE_PROBLEMS: Dict[str, tuple[int, int, int, int]] = {
    "burgers1d": (2, 8192, 2048, 2048),
    "heat2d_multiscale": (3, 32768, 8192, 8192),
    "heat_nd": (6, 32768, 8192, 8192),
}


def build_pinnacle_model(inputs: int, width: int, hidden_layers: int,
                         dtype: torch.dtype) -> nn.Module:
    """DeepXDE FNN with PINNacle's init (Glorot-normal weights, zero biases)."""
    torch.manual_seed(0)
    layers: List[nn.Module] = []
    fan_in = inputs
    for _ in range(hidden_layers):
        layers += [nn.Linear(fan_in, width), nn.Tanh()]
        fan_in = width
    layers.append(nn.Linear(fan_in, 1))
    model = nn.Sequential(*layers)
    for m in model.modules():
        if isinstance(m, nn.Linear):
            nn.init.xavier_normal_(m.weight)
            nn.init.zeros_(m.bias)
    return model.to(dtype)


def build_pinnacle_points(problem: str, dtype: torch.dtype) -> tuple[torch.Tensor, int, int]:
    """All training points (initial rows, boundary rows, domain rows) as one leaf tensor."""
    dim, n_domain, n_boundary, n_initial = PINNACLE_PROBLEMS[problem]
    gen = np.random.default_rng(0)
    x = gen.uniform(0.0, 1.0, size=(n_initial + n_boundary + n_domain, dim))
    if problem == "burgers1d":
        x[:, 0] = 2.0 * x[:, 0] - 1.0
        x[n_initial:n_initial + n_boundary, 0] = np.where(gen.uniform(size=n_boundary) < 0.5,
                                                          -1.0, 1.0)
    elif problem == "heat2d_multiscale":
        x[:, 2] *= 5.0
        x[n_initial:n_initial + n_boundary, 0] = np.round(x[n_initial:n_initial + n_boundary, 0])
    else:  # heat_nd: the unit ball in R^5 x [0, 1]
        space = gen.standard_normal(size=(x.shape[0], dim - 1))
        space /= np.linalg.norm(space, axis=1, keepdims=True)
        radius = gen.uniform(size=(x.shape[0], 1)) ** (1.0 / (dim - 1))
        radius[n_initial:n_initial + n_boundary] = 1.0
        x[:, :dim - 1] = space * radius
    x[:n_initial, -1] = 0.0
    return torch.tensor(x, dtype=dtype, requires_grad=True), n_initial, n_boundary


def pinnacle_loss(problem: str, model: nn.Module, x: torch.Tensor, n_initial: int,
                  n_boundary: int) -> torch.Tensor:
    """PINNacle's loss: mean square of the residual on all points plus each condition."""
    u = model(x)
    grad = d(u, x)
    t = x[:, -1:]
    u_t = grad[:, -1:]
    initial = slice(0, n_initial)
    boundary = slice(n_initial, n_initial + n_boundary)

    def second(i: int) -> torch.Tensor:
        return d(grad[:, i:i + 1], x)[:, i:i + 1]

    if problem == "burgers1d":
        residual = u_t + u * grad[:, :1] - 0.01 / math.pi * second(0)
        ic = u[initial] + torch.sin(math.pi * x[initial, :1])
        bc = u[boundary]
    elif problem == "heat2d_multiscale":
        residual = u_t - second(0) / (500.0 * math.pi) ** 2 - second(1) / math.pi ** 2
        ic = u[initial] - torch.sin(20.0 * math.pi * x[initial, :1]) * torch.sin(
            math.pi * x[initial, 1:2])
        bc = u[boundary]
    else:  # heat_nd, k = 1/5
        space = x[:, :-1]
        r2 = (space * space).sum(dim=1, keepdim=True)
        laplacian = sum(second(i) for i in range(space.shape[1]))
        residual = u_t - laplacian / 5.0 + r2 / 5.0 * torch.exp(r2 / 2.0 + t)
        normal = space[boundary]  # the outward normal of the unit ball
        g = torch.exp(r2[boundary] / 2.0 + t[boundary])
        bc = (grad[boundary, :-1] * normal).sum(dim=1, keepdim=True) - g
        ic = u[initial] - torch.exp(r2[initial] / 2.0)
    return (residual ** 2).mean() + (ic ** 2).mean() + (bc ** 2).mean()


def time_pinnacle(args: argparse.Namespace) -> Dict[str, object]:
    """Median seconds per Adam iteration of one PINNacle problem."""
    dtype = PRECISIONS[args.precision]
    x, n_initial, n_boundary = build_pinnacle_points(args.problem, dtype)
    model = build_pinnacle_model(x.shape[1], args.width, args.hidden_layers, dtype)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def iteration() -> float:
        optimizer.zero_grad()
        loss = pinnacle_loss(args.problem, model, x, n_initial, n_boundary)
        loss.backward()
        optimizer.step()
        return loss.item()

    first_loss = None
    for _ in range(args.warmup):
        first_loss = iteration() if first_loss is None else first_loss
    seconds: List[float] = []
    cpu: List[float] = []  # process CPU time: the cost on a loaded machine
    for _ in range(args.repeats):
        start, cpu_start = time.perf_counter(), time.process_time()
        loss = iteration()
        seconds.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
        first_loss = loss if first_loss is None else first_loss
    return {"tool": "torch", "torch_version": torch.__version__, "problem": args.problem,
            "precision": args.precision, "threads": args.threads, "points": x.shape[0],
            "width": args.width, "hidden_layers": args.hidden_layers, "repeats": args.repeats,
            "seconds_per_iteration": statistics.median(seconds), "seconds_all": seconds,
            "cpu_seconds_per_iteration": statistics.median(cpu), "loss": first_loss, "peak_rss_mb": peak_rss_mib()}

# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] + " Times the nested-autograd PINN closure.",
        epilog=__doc__.split("Examples::")[1] if "Examples::" in __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--problem", choices=sorted([*LOSSES, *PINNACLE_PROBLEMS]),
                        default="convection",
                        help="loss to evaluate (default: convection)")
    parser.add_argument("--precision", choices=sorted(PRECISIONS), default="fp32",
                        help="floating-point type of model and data (default: fp32)")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch intra-op threads (default: 1); inter-op threads = 1")
    parser.add_argument("--grid", type=int, default=101,
                        help="grid points per axis, N x N residual points (default: 101)")
    parser.add_argument("--model", choices=["pinn", "propinn"], default="pinn",
                        help="network (default: pinn, the tanh MLP)")
    parser.add_argument("--width", type=int, default=None,
                        help="hidden width (default: 512; 100 for the PINNacle problems)")
    parser.add_argument("--hidden-layers", type=int, default=None,
                        help="number of tanh hidden layers (default: 3; 5 for PINNacle)")
    parser.add_argument("--warmup", type=int, default=1,
                        help="untimed closures before timing (default: 1)")
    parser.add_argument("--repeats", type=int, default=5,
                        help="timed closures; the median is reported (default: 5)")
    parser.add_argument("--check", action="store_true",
                        help="check autograd derivatives against finite differences "
                             "(float64) instead of timing; exit 1 on mismatch")
    args = parser.parse_args(argv)
    pinnacle = args.problem in PINNACLE_PROBLEMS
    if args.width is None:
        args.width = 100 if pinnacle else 512
    if args.hidden_layers is None:
        args.hidden_layers = 5 if pinnacle else 3
    if pinnacle and (args.check or args.model != "pinn"):
        parser.error(f"--problem {args.problem} times the PINN iteration only")
    for name in ("threads", "grid", "width", "hidden_layers", "repeats"):
        if getattr(args, name) < 1 or (name == "grid" and args.grid < 2):
            parser.error(f"--{name.replace('_', '-')} is too small")
    if args.warmup < 0:
        parser.error("--warmup must be >= 0")
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)

    if args.check:
        return 0 if check_derivatives(args.width, args.hidden_layers, args.problem) else 1

    if args.problem in PINNACLE_PROBLEMS:
        print(json.dumps(time_pinnacle(args)))
        return 0

    dtype = PRECISIONS[args.precision]
    data = build_grid(args.problem, args.grid, dtype)
    baseline_rss = current_rss_mib()

    if args.model == "propinn":
        model = build_propinn(args.problem, dtype)
    else:
        model = build_model(args.width, args.hidden_layers, dtype)
    closure = make_closure(model, data, args.problem)

    first_loss: Optional[float] = None
    for _ in range(args.warmup):
        loss = closure()
        if first_loss is None:
            first_loss = loss.item()

    seconds: List[float] = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        loss = closure()
        seconds.append(time.perf_counter() - start)
        if first_loss is None:
            first_loss = loss.item()

    result = {
        "tool": "torch",
        "torch_version": torch.__version__,
        "problem": args.problem,
        "model": args.model,
        "precision": args.precision,
        "threads": args.threads,
        "grid": args.grid,
        "width": args.width,
        "hidden_layers": args.hidden_layers,
        "repeats": args.repeats,
        "seconds_per_closure": statistics.median(seconds),
        "seconds_all": seconds,
        "loss": first_loss,
        "peak_rss_mb": peak_rss_mib(),
        "baseline_rss_mb": baseline_rss,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
