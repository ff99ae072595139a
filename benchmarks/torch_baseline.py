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

Models (``--model``; RoPINN's code, spec ropinn.md section 4), at the papers'
sizes unless ``--width``/``--hidden-layers`` say otherwise:

* ``pinn`` (4.2): cat(x, t) -> [Linear -> tanh] x hidden_layers -> Linear(width, 1);
  the reference is 2 -> 512 -> 512 -> 512 -> 1.
* ``fls`` (4.3): ``pinn`` with sin after the first linear layer.
* ``qres`` (4.4): blocks sigmoid(H1(x) * H2(x) + H1(x)), an input block 2 -> width,
  hidden_layers blocks width -> width, Linear(width, 1); the point scripts use
  width 256 and 3 hidden blocks.
* ``kan`` (4.6): pykan's numeric front (Cox-de Boor B-splines on the grid
  [-1, 1] with 5 intervals, cubic, SiLU base) plus its all-zero symbolic front
  and the node biases, as models/KAN.py computes them; width
  [2, 5, 5, 1] (width 5, 2 hidden layers).

Linear weights are xavier_uniform, biases 0.01, after ``torch.manual_seed(0)``;
KAN uses pykan's own initial statistics.  Every model is built in float32 and
cast to float64 for ``--precision fp64`` (same initial values).

Data (ropinn.md section 2): the N x N grid, x = linspace over the task's
x-range, t = linspace(0, 1), numpy meshgrid 'xy' (row = t).  Residual points =
all grid points, initial set = the t = 0 row, lower/upper boundary = the x = x0
and x = x1 columns.  All point tensors are leaves with ``requires_grad=True``.
(The reference also runs the model on the unused t = 1 row; that ~1 % of the
forward cost is left out here.)

Problems (ropinn.md section 3, gPINN from section 7.3 with w = 0.1):

* ``convection`` (x in [0, 2 pi], beta = 50):
  mean((u_t + 50 u_x)^2) + mean((u(2 pi, t) - u(0, t))^2) + mean((u(x, 0) - sin x)^2)
* ``reaction`` (x in [0, 2 pi], rho = 5; the reference's unused u_x left out
  unless ``--as-written``, which computes it as RoPINN's 1d_reaction scripts do):
  mean((u_t - 5 u (1 - u))^2) + mean((u(2 pi, t) - u(0, t))^2) + mean((u(x, 0) - h(x))^2),
  h(x) = exp(-(x - pi)^2 / (2 (pi / 4)^2))
* ``wave`` (x in [0, 1]):
  mean((u_tt - 4 u_xx)^2) + mean((u(x,0) - sin(pi x) - 0.5 sin(3 pi x))^2)
  + mean(u_t(x, 0)^2) + mean(u(0, t)^2) + mean(u(1, t)^2)
* ``gpinn_wave``: the wave loss + 0.1 [mean((dR/dx)^2) + mean((dR/dt)^2)],
  R = u_tt - 4 u_xx (third derivatives by nested autograd).
* ``pnd`` (PINNacle's high-dimensional Poisson, pinnacle.md section 3.15; the
  residual alone): mean((-Δu - (pi^2/4) sum_i sin(pi x_i / 2))^2) on
  ``--points`` uniform points in [0, 1]^5 (one (N, 5) leaf tensor), the
  Laplacian summed from the Hessian diagonal as DeepXDE's ``dde.grad.hessian``
  computes it: the gradient once, then one nested gradient per coordinate.
  Network: PINNacle's 5 x 100 tanh MLP (``--width 100 --hidden-layers 5`` are
  the defaults for pnd), Glorot normal weights, zero biases.

Measurements: ``--warmup`` untimed closures, then ``--repeats`` timed ones; the
median wall time is reported, and the median CPU time of the process
(``cpu_seconds_per_closure``; with one thread it equals the wall time on an
idle machine and is less disturbed by other processes on a shared one).  Memory: peak resident set size of the process
(``getrusage(RUSAGE_SELF).ru_maxrss``) and the resident set size right after
importing torch and building the data (before the model), both in MiB
(reported under the keys ``*_rss_mb``).

``--count-flops`` runs one more closure after the timed ones under PyTorch's
profiler and reports the matrix-product flops it counted (``aten::mm``,
``addmm``, ``bmm``, ``baddbmm``: forward, nested derivatives and backward) as
``gemm_gflop_per_closure``, the same key pinnbench's closure benchmark uses for
its own GEMMs, so the two closures' GEMM work can be compared.

``--model propinn`` times ProPINN instead (shared/spec/propinn.md section 2,
the class in tests/support/propinn_torch.py: 84 perturbed copies per point,
15 030 parameters, Xavier-uniform weights, biases 0.01, WaveAct w = 1); on the
wave problems the network sees pi (x, t) as in ProPINN's wave script.
``--model pinnsformer`` times PINNsFormer at the paper's size on 5-token
pseudo-sequences (encoder-only on the wave problems). ``--width``/``--hidden-layers``
do not apply to either.

``--check`` instead compares the nested-autograd derivatives u_x, u_t, u_xx,
u_tt (and the gPINN residual derivatives dR/dx, dR/dt; for pnd the gradient
and the Laplacian) of the float64 network at a few points with central finite
differences and exits with status 1 on a mismatch.

Examples::

    /usr/bin/python3 benchmarks/torch_baseline.py --problem wave --precision fp32 \\
        --threads 1 --repeats 3 --grid 51
    /usr/bin/python3 benchmarks/torch_baseline.py --problem gpinn_wave --check
    /usr/bin/python3 benchmarks/torch_baseline.py --problem pnd --precision fp32 \\
        --threads 1 --points 32768
"""

from __future__ import annotations

import argparse
import functools
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
    "reaction": (0.0, 2.0 * math.pi),
    "wave": (0.0, 1.0),
    "gpinn_wave": (0.0, 1.0),
}
PND_DIMENSION = 5
PND_WIDTH, PND_HIDDEN_LAYERS = 100, 5  # PINNacle's network
T_RANGE = (0.0, 1.0)
CONVECTION_BETA = 50.0
REACTION_RHO = 5.0
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


def build_grid(problem: str, n: int, dtype: torch.dtype, tokens: int = 1) -> GridData:
    """RoPINN ``get_data``: meshgrid 'xy' so data[i, j] = (x_j, t_i).

    With ``tokens`` > 1 every set becomes PINNsFormer's pseudo-sequence
    (``make_time_sequence``: token k at t + k 1e-4), leaves of shape (N, k, 1)."""
    x0, x1 = X_RANGES[problem]
    xs = np.linspace(x0, x1, n)
    ts = np.linspace(T_RANGE[0], T_RANGE[1], n)
    gx, gt = np.meshgrid(xs, ts)  # indexing='xy': row index = time

    def make(xv: np.ndarray, tv: np.ndarray) -> PointSet:
        def leaf(a: np.ndarray, shift: float) -> torch.Tensor:
            a = a.reshape(-1, 1)
            if tokens > 1:
                a = np.repeat(a[:, None, :], tokens, axis=1)
                a = a + shift * np.arange(tokens).reshape(1, -1, 1)
            return torch.tensor(a, dtype=dtype, requires_grad=True)
        return PointSet(leaf(xv, 0.0), leaf(tv, PINNSFORMER_STEP))

    return GridData(res=make(gx, gt),
                    initial=make(gx[0, :], gt[0, :]),
                    lower=make(gx[:, 0], gt[:, 0]),
                    upper=make(gx[:, -1], gt[:, -1]))

# ---------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------


@dataclass
class BoxData:
    """Uniform points in the unit box as one (N, d) leaf tensor (pnd)."""
    x: torch.Tensor


def build_box(n: int, dtype: torch.dtype) -> BoxData:
    generator = torch.Generator().manual_seed(1)
    points = torch.rand(n, PND_DIMENSION, generator=generator, dtype=torch.float64)
    return BoxData(points.to(dtype).requires_grad_(True))


class Sine(nn.Module):
    """FLS's first activation (RoPINN ``models/FLS.py``)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sin(x)


class PINN(nn.Module):
    """RoPINN ``models/PINN.py``: cat(x, t) -> tanh MLP -> scalar (built in float32)."""

    def __init__(self, width: int, hidden_layers: int, inputs: int = 2, first_sine: bool = False):
        super().__init__()
        layers: List[nn.Module] = []
        fan_in = inputs
        for layer in range(hidden_layers):
            activation = Sine() if first_sine and layer == 0 else nn.Tanh()
            layers += [nn.Linear(fan_in, width, dtype=torch.float32), activation]
            fan_in = width
        layers.append(nn.Linear(fan_in, 1, dtype=torch.float32))
        self.net = nn.Sequential(*layers)

    def forward(self, *coordinates: torch.Tensor) -> torch.Tensor:
        if len(coordinates) == 1:
            return self.net(coordinates[0])
        return self.net(torch.cat(coordinates, dim=-1))


class QResBlock(nn.Module):
    """RoPINN ``models/QRes.py`` block: sigmoid(H1(x) * H2(x) + H1(x))."""

    def __init__(self, fan_in: int, fan_out: int):
        super().__init__()
        self.H1 = nn.Linear(fan_in, fan_out, dtype=torch.float32)
        self.H2 = nn.Linear(fan_in, fan_out, dtype=torch.float32)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x1 = self.H1(x)
        return torch.sigmoid(x1 * self.H2(x) + x1)


class QRes(nn.Module):
    def __init__(self, width: int, hidden_layers: int):
        super().__init__()
        self.inlayer = QResBlock(2, width)
        self.layers = nn.ModuleList([QResBlock(width, width) for _ in range(hidden_layers)])
        self.outlayer = nn.Linear(width, 1, dtype=torch.float32)

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        h = self.inlayer(torch.cat((x, t), dim=-1))
        for block in self.layers:
            h = block(h)
        return self.outlayer(h)


def b_splines(x: torch.Tensor, grid: torch.Tensor, k: int) -> torch.Tensor:
    """pykan ``B_batch``: x (edges, batch), grid (edges, G + 1) -> (edges, G + k, batch)."""
    h = (grid[:, [-1]] - grid[:, [0]]) / (grid.shape[1] - 1)
    for _ in range(k):
        grid = torch.cat([grid[:, [0]] - h, grid, grid[:, [-1]] + h], dim=1)
    t = grid.unsqueeze(2)
    x = x.unsqueeze(1)
    value = ((x >= t[:, :-1]) * (x < t[:, 1:])).to(x.dtype)
    for p in range(1, k + 1):
        value = (x - t[:, :-(p + 1)]) / (t[:, p:-1] - t[:, :-(p + 1)]) * value[:, :-1] + \
            (t[:, p + 1:] - x) / (t[:, p + 1:] - t[:, 1:(-p)]) * value[:, 1:]
    return value


class KANLayer(nn.Module):
    """pykan ``KANLayer`` as RoPINN copies it (grid 5, k 3, frozen grid)."""

    def __init__(self, fan_in: int, fan_out: int, scale_base: torch.Tensor, grid: int = 5,
                 k: int = 3, noise_scale: float = 0.1):
        super().__init__()
        size = fan_in * fan_out
        self.fan_in, self.fan_out, self.k = fan_in, fan_out, k
        self.grid = nn.Parameter(torch.linspace(-1, 1, grid + 1).repeat(size, 1),
                                 requires_grad=False)
        noise = (torch.rand(size, grid + 1) - 0.5) * noise_scale / grid
        basis = b_splines(self.grid.data, self.grid.data, k).permute(0, 2, 1)
        self.coef = nn.Parameter(torch.linalg.lstsq(basis, noise.unsqueeze(2)).solution[:, :, 0])
        self.scale_base = nn.Parameter(scale_base)
        self.scale_sp = nn.Parameter(torch.ones(size))
        self.mask = nn.Parameter(torch.ones(size), requires_grad=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch = x.shape[0]
        xe = torch.einsum("ij,k->ikj", x, torch.ones(self.fan_out, dtype=x.dtype))
        xe = xe.reshape(batch, -1).permute(1, 0)
        spline = torch.einsum("ij,ijk->ik", self.coef, b_splines(xe, self.grid, self.k))
        y = self.scale_base[:, None] * nn.functional.silu(xe) + self.scale_sp[:, None] * spline
        y = (self.mask[:, None] * y).permute(1, 0)
        return y.reshape(batch, self.fan_out, self.fan_in).sum(dim=2)


class SymbolicLayer(nn.Module):
    """pykan ``Symbolic_KANLayer`` with its initial (all-zero) mask: adds 0."""

    def __init__(self, fan_in: int, fan_out: int):
        super().__init__()
        self.mask = nn.Parameter(torch.zeros(fan_out, fan_in), requires_grad=False)
        self.affine = nn.Parameter(torch.zeros(fan_out, fan_in, 4))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a = self.affine
        z = a[None, :, :, 2] * (a[None, :, :, 0] * x[:, None, :] + a[None, :, :, 1]) \
            + a[None, :, :, 3]
        return (self.mask[None] * z).sum(dim=2)


class KAN(nn.Module):
    def __init__(self, width: List[int], noise_scale_base: float = 0.25):
        super().__init__()
        depth = len(width) - 1
        self.biases = nn.ModuleList()
        self.act_fun = nn.ModuleList()
        for l in range(depth):
            scale_base = 1 / math.sqrt(width[l]) + \
                (torch.randn(width[l] * width[l + 1]) * 2 - 1) * noise_scale_base
            self.act_fun.append(KANLayer(width[l], width[l + 1], scale_base))
            bias = nn.Linear(width[l + 1], 1, bias=False, dtype=torch.float32)
            bias.weight.data *= 0.0
            self.biases.append(bias)
        self.symbolic_fun = nn.ModuleList(
            [SymbolicLayer(width[l], width[l + 1]) for l in range(depth)])

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        h = torch.cat([x, t], dim=-1)
        for layer, symbolic, bias in zip(self.act_fun, self.symbolic_fun, self.biases):
            h = layer(h) + symbolic(h) + bias.weight
        return h


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
    return ScaledInput(model, math.pi) if problem in ("wave", "gpinn_wave") else model


# --- PINNsFormer (ropinn.md section 4.5; --model pinnsformer) ----------------

PINNSFORMER_TOKENS = 5
PINNSFORMER_STEP = 1e-4


class WaveAct(nn.Module):
    """w1 sin z + w2 cos z with learnable scalars, both starting at 1."""

    def __init__(self):
        super().__init__()
        self.w1 = nn.Parameter(torch.ones(1))
        self.w2 = nn.Parameter(torch.ones(1))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.w1 * torch.sin(z) + self.w2 * torch.cos(z)


def _wave_mlp(inputs: int, hidden: int, outputs: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(inputs, hidden), WaveAct(), nn.Linear(hidden, hidden),
                         WaveAct(), nn.Linear(hidden, outputs))


class _FeedForward(nn.Module):
    def __init__(self, d_model: int, d_ff: int):
        super().__init__()
        self.linear = _wave_mlp(d_model, d_ff, d_model)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.linear(z)


class _AttentionLayer(nn.Module):
    """Encoder layer (memory None: self-attention) or decoder layer (memory = encoder output)."""

    def __init__(self, d_model: int, heads: int, d_ff: int):
        super().__init__()
        self.attn = nn.MultiheadAttention(d_model, heads, batch_first=True)
        self.ff = _FeedForward(d_model, d_ff)
        self.act1 = WaveAct()
        self.act2 = WaveAct()

    def forward(self, x: torch.Tensor, memory: Optional[torch.Tensor] = None) -> torch.Tensor:
        z = self.act1(x)
        m = z if memory is None else memory
        x = x + self.attn(z, m, m)[0]
        return x + self.ff(self.act2(x))


class _Stack(nn.Module):
    def __init__(self, d_model: int, heads: int, d_ff: int, layers: int):
        super().__init__()
        self.layers = nn.ModuleList([_AttentionLayer(d_model, heads, d_ff)
                                     for _ in range(layers)])
        self.act = WaveAct()


class PinnsFormer(nn.Module):
    """d_model 32, 2 heads, N = 1, d_ff 256, output MLP 32-512-512-1; the
    encoder-only variant (RoPINN's wave scripts) applies linear_out to the encoder."""

    def __init__(self, decoder: bool, d_model: int = 32, heads: int = 2, layers: int = 1,
                 d_ff: int = 256, hidden: int = 512):
        super().__init__()
        self.linear_emb = nn.Linear(2, d_model)
        self.encoder = _Stack(d_model, heads, d_ff, layers)
        self.has_decoder = decoder
        if decoder:
            self.decoder = _Stack(d_model, heads, d_ff, layers)
        self.linear_out = _wave_mlp(d_model, hidden, 1)

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        src = self.linear_emb(torch.cat((x, t), dim=-1))
        e = src
        for layer in self.encoder.layers:
            e = layer(e)
        e = self.encoder.act(e)
        out = e
        if self.has_decoder:
            out = src
            for layer in self.decoder.layers:
                out = layer(out, e)
            out = self.decoder.act(out)
        return self.linear_out(out)


def build_pinnsformer(problem: str, dtype: torch.dtype) -> PinnsFormer:
    """RoPINN's init: xavier_uniform Linear weights (out_proj too), bias 0.01;
    in_proj keeps PyTorch's init; encoder-only on the wave problems."""
    torch.manual_seed(0)
    model = PinnsFormer(decoder=problem in ("convection", "reaction"))
    for m in model.modules():
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
            m.bias.data.fill_(BIAS_INIT)
    return model.to(dtype)


def first_token(u: torch.Tensor) -> torch.Tensor:
    """PINNsFormer compares initial values on token 0 (``pred[:, 0]``)."""
    return u[:, 0] if u.dim() == 3 else u


#: Paper sizes (width, hidden_layers) per model.
MODEL_SIZES = {"pinn": (512, 3), "fls": (512, 3), "qres": (256, 3), "kan": (5, 2)}


def build_model(width: int, hidden_layers: int, dtype: torch.dtype,
                kind: str = "pinn", problem: str = "wave") -> nn.Module:
    """Seeded model with RoPINN's init (xavier_uniform weights, bias 0.01; KAN its own), or
    for pnd PINNacle's (5 inputs, Glorot normal weights, zero biases)."""
    torch.manual_seed(0)
    if kind == "kan":
        return KAN([2] + [width] * hidden_layers + [1]).to(dtype)
    if kind not in ("pinn", "fls", "qres"):
        raise ValueError(f"build_model: no model '{kind}'")
    pnd = problem == "pnd"
    model = PINN(width, hidden_layers, PND_DIMENSION if pnd else 2, kind == "fls") \
        if kind != "qres" else QRes(width, hidden_layers)
    for m in model.modules():
        if isinstance(m, nn.Linear):
            if pnd:
                nn.init.xavier_normal_(m.weight)
                m.bias.data.zero_()
            else:
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


def wave_residual(model: nn.Module, p: PointSet) -> torch.Tensor:
    """R = u_tt - 4 u_xx, second derivatives as in RoPINN's 1D-wave closure."""
    u = model(p.x, p.t)
    u_x = d(u, p.x)
    u_xx = d(u_x, p.x)
    u_t = d(u, p.t)
    u_tt = d(u_t, p.t)
    return u_tt - WAVE_C2 * u_xx


def loss_convection(model: nn.Module, data: GridData) -> torch.Tensor:
    r, ini = data.res, data.initial
    u = model(r.x, r.t)
    u_lower = model(data.lower.x, data.lower.t)
    u_upper = model(data.upper.x, data.upper.t)
    u_ini = model(ini.x, ini.t)
    u_x = d(u, r.x)
    u_t = d(u, r.t)
    loss_res = torch.mean((u_t + CONVECTION_BETA * u_x) ** 2)
    loss_bc = torch.mean((u_upper - u_lower) ** 2)
    loss_ic = torch.mean((first_token(u_ini) - torch.sin(first_token(ini.x))) ** 2)
    return loss_res + loss_bc + loss_ic


def loss_reaction(model: nn.Module, data: GridData, as_written: bool = False) -> torch.Tensor:
    """RoPINN's 1D-reaction closure. Its scripts also take u_x (one more
    backward pass, unused by the loss); ``as_written`` keeps that pass."""
    r, ini = data.res, data.initial
    u = model(r.x, r.t)
    u_lower = model(data.lower.x, data.lower.t)
    u_upper = model(data.upper.x, data.upper.t)
    u_ini = model(ini.x, ini.t)
    if as_written:
        d(u, r.x)
    u_t = d(u, r.t)
    loss_res = torch.mean((u_t - REACTION_RHO * u * (1 - u)) ** 2)
    loss_bc = torch.mean((u_upper - u_lower) ** 2)
    x0 = first_token(ini.x)
    h = torch.exp(-(x0 - math.pi) ** 2 / (2 * (math.pi / 4) ** 2))
    loss_ic = torch.mean((first_token(u_ini) - h) ** 2)
    return loss_res + loss_bc + loss_ic


def _wave_boundary_terms(model: nn.Module, data: GridData) -> torch.Tensor:
    ini = data.initial
    u_ini = model(ini.x, ini.t)
    u_lower = model(data.lower.x, data.lower.t)
    u_upper = model(data.upper.x, data.upper.t)
    ui_t = d(u_ini, ini.t)
    x0 = first_token(ini.x)
    target = torch.sin(math.pi * x0) + 0.5 * torch.sin(3.0 * math.pi * x0)
    loss_ic = torch.mean((first_token(u_ini) - target) ** 2) + torch.mean(ui_t ** 2)
    loss_bc = torch.mean(u_upper ** 2) + torch.mean(u_lower ** 2)
    return loss_ic + loss_bc


def loss_wave(model: nn.Module, data: GridData) -> torch.Tensor:
    res = wave_residual(model, data.res)
    return torch.mean(res ** 2) + _wave_boundary_terms(model, data)


def loss_gpinn_wave(model: nn.Module, data: GridData) -> torch.Tensor:
    r = data.res
    res = wave_residual(model, r)
    res_x = d(res, r.x)
    res_t = d(res, r.t)
    loss = torch.mean(res ** 2) + _wave_boundary_terms(model, data)
    return loss + GPINN_WEIGHT * (torch.mean(res_x ** 2) + torch.mean(res_t ** 2))


def pnd_laplacian(model: PINN, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """u and Δu at x (N, 5): the gradient, then d(u_i)/dx_i for each i, as DeepXDE's
    ``dde.grad.hessian(u, x, i=i, j=i)`` summed over i."""
    u = model(x)
    grad = d(u, x)
    laplacian = sum(d(grad[:, i:i + 1], x)[:, i:i + 1] for i in range(x.shape[1]))
    return u, laplacian


def pnd_source(x: torch.Tensor) -> torch.Tensor:
    """f = (pi^2 / 4) sum_i sin(pi x_i / 2), so that -Δu = f for u = sum_i sin(pi x_i / 2)."""
    return (math.pi ** 2 / 4) * torch.sin(0.5 * math.pi * x).sum(dim=1, keepdim=True)


def loss_pnd(model: PINN, data: BoxData) -> torch.Tensor:
    _, laplacian = pnd_laplacian(model, data.x)
    return torch.mean((-laplacian - pnd_source(data.x)) ** 2)


LOSSES: Dict[str, Callable[..., torch.Tensor]] = {
    "convection": loss_convection,
    "reaction": loss_reaction,
    "wave": loss_wave,
    "gpinn_wave": loss_gpinn_wave,
    "pnd": loss_pnd,
}


def make_closure(model: nn.Module, data, problem: str,
                 as_written: bool = False) -> Callable[[], torch.Tensor]:
    """The L-BFGS closure of the reference scripts (without an optimiser step)."""
    loss_fn = LOSSES[problem]
    if as_written:
        loss_fn = functools.partial(loss_reaction, as_written=True)

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
# GEMM work
# ---------------------------------------------------------------------------


def gemm_gflop(closure: Callable[[], torch.Tensor]) -> float:
    """Matrix-product GFLOP of one closure, as PyTorch's profiler counts them.

    Only the matrix products count (2 m n k each; matmul and linear reach them):
    the profiler also counts elementwise mul and add, which are no GEMM work.
    """
    from torch.profiler import ProfilerActivity, profile

    products = {"aten::mm", "aten::addmm", "aten::bmm", "aten::baddbmm"}
    with profile(activities=[ProfilerActivity.CPU], with_flops=True) as prof:
        closure()
    return sum(event.flops for event in prof.key_averages()
               if event.key in products and event.flops) / 1e9

# ---------------------------------------------------------------------------
# Finite-difference check
# ---------------------------------------------------------------------------


def check_pnd(width: int, hidden_layers: int) -> bool:
    """Nested-autograd gradient and Laplacian of the float64 pnd network against
    central differences (steps 1e-5 and 1e-3, relative error <= 1e-5), and the
    source against -Δ of the exact solution (which must vanish to 1e-12)."""
    dtype = torch.float64
    model = build_model(width, hidden_layers, dtype, "pinn", "pnd")
    x = torch.tensor([[0.1, 0.25, 0.5, 0.75, 0.9], [0.3, 0.8, 0.5, 0.1, 0.65],
                      [0.6, 0.2, 0.35, 0.45, 0.05]], dtype=dtype)
    leaf = x.clone().requires_grad_(True)
    u, laplacian = pnd_laplacian(model, leaf)
    grad = d(u, leaf)
    h1, h2 = 1e-5, 1e-3
    ok = True
    with torch.no_grad():
        u0 = model(x)
        fd_grad = torch.cat([(model(x + h1 * e) - model(x - h1 * e)) / (2 * h1)
                             for e in torch.eye(PND_DIMENSION, dtype=dtype)], dim=1)
        fd_lap = sum((model(x + h2 * e) - 2 * u0 + model(x - h2 * e)) / h2 ** 2
                     for e in torch.eye(PND_DIMENSION, dtype=dtype))
        exact = lambda p: torch.sin(0.5 * math.pi * p).sum(dim=1, keepdim=True)  # noqa: E731
        exact_lap = sum((exact(x + h2 * e) - 2 * exact(x) + exact(x - h2 * e)) / h2 ** 2
                        for e in torch.eye(PND_DIMENSION, dtype=dtype))
    print(f"derivative check: pnd, width {width}, hidden_layers {hidden_layers}, float64, "
          f"{x.shape[0]} points")
    for name, a, b, tol in (("grad", grad, fd_grad, 1e-5), ("lap", laplacian, fd_lap, 1e-5),
                            ("-lap(exact) - f", -exact_lap, pnd_source(x), 1e-5)):
        a, b = a.detach().reshape(-1), b.reshape(-1)
        err = (a - b).abs().max().item() / max(b.abs().max().item(), 1e-12)
        good = err <= tol
        ok &= good
        print(f"  {name:15s} max rel err {err:.3e}  {'ok' if good else 'MISMATCH'}")
    print("PASS" if ok else "FAIL")
    return ok


def check_derivatives(width: int, hidden_layers: int, problem: str, kind: str = "pinn") -> bool:
    """Compare nested-autograd derivatives with central differences (float64).

    First derivatives use step 1e-5, second derivatives the three-point
    stencil with step 1e-3; dR/dx and dR/dt are central differences (step
    1e-4) of the autograd residual R = u_tt - 4 u_xx.  The error of each
    quantity is measured relative to its largest magnitude over the points
    and must stay below 1e-5 (the differences agree to ~1e-8 or better).
    """
    dtype = torch.float64
    model = build_model(width, hidden_layers, dtype, kind)
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
    print(f"derivative check: {kind}, {problem}, width {width}, hidden_layers {hidden_layers}, "
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
    parser.add_argument("--model", choices=sorted(MODEL_SIZES) + ["propinn", "pinnsformer"],
                        default="pinn",
                        help="network (default: pinn, the tanh MLP; --width, --hidden-layers); "
                             "propinn or pinnsformer at the paper's size (pinnsformer: "
                             "encoder-only on the wave problems)")
    parser.add_argument("--points", type=int, default=32768,
                        help="pnd: uniform points in [0, 1]^5 (default: 32768)")
    parser.add_argument("--width", type=int, default=None,
                        help="hidden width (default: the model's paper size, 512 / 256 / 5; "
                             "pnd and the PINNacle problems 100)")
    parser.add_argument("--hidden-layers", type=int, default=None,
                        help="hidden layers or blocks (default: 3 / 3 / 2; pnd and the "
                             "PINNacle problems 5)")
    parser.add_argument("--warmup", type=int, default=1,
                        help="untimed closures before timing (default: 1)")
    parser.add_argument("--repeats", type=int, default=5,
                        help="timed closures; the median is reported (default: 5)")
    parser.add_argument("--as-written", action="store_true",
                        help="reaction: also take the unused u_x, as RoPINN's scripts do")
    parser.add_argument("--count-flops", action="store_true",
                        help="after timing, count one closure's matrix-product flops with "
                             "PyTorch's profiler (gemm_gflop_per_closure)")
    parser.add_argument("--check", action="store_true",
                        help="check autograd derivatives against finite differences "
                             "(float64) instead of timing; exit 1 on mismatch")
    args = parser.parse_args(argv)
    if args.as_written and args.problem != "reaction":
        parser.error("--as-written applies to --problem reaction only")
    pnd = args.problem == "pnd"
    pinnacle = args.problem in PINNACLE_PROBLEMS
    default_width, default_hidden = ((PND_WIDTH, PND_HIDDEN_LAYERS) if pnd or pinnacle
                                     else MODEL_SIZES.get(args.model, (512, 3)))
    args.width = default_width if args.width is None else args.width
    args.hidden_layers = default_hidden if args.hidden_layers is None else args.hidden_layers
    if args.count_flops and (pinnacle or args.check):
        parser.error("--count-flops applies to the timed closure problems only")
    if pinnacle and (args.check or args.model != "pinn"):
        parser.error(f"--problem {args.problem} times the PINN iteration only")
    for name in ("threads", "grid", "points", "width", "hidden_layers", "repeats"):
        if getattr(args, name) < 1 or (name == "grid" and args.grid < 2):
            parser.error(f"--{name.replace('_', '-')} is too small")
    if args.warmup < 0:
        parser.error("--warmup must be >= 0")
    if args.check and args.model not in MODEL_SIZES:
        parser.error(f"--check supports {', '.join(sorted(MODEL_SIZES))}")
    if pnd and args.model != "pinn":
        parser.error("--problem pnd runs only --model pinn")
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)

    if args.check:
        if args.problem == "pnd":
            return 0 if check_pnd(args.width, args.hidden_layers) else 1
        return 0 if check_derivatives(args.width, args.hidden_layers, args.problem,
                                      args.model) else 1

    if args.problem in PINNACLE_PROBLEMS:
        print(json.dumps(time_pinnacle(args)))
        return 0

    dtype = PRECISIONS[args.precision]
    pinnsformer = args.model == "pinnsformer"
    if args.problem == "pnd":
        data = build_box(args.points, dtype)
    else:
        data = build_grid(args.problem, args.grid, dtype, PINNSFORMER_TOKENS if pinnsformer else 1)
    baseline_rss = current_rss_mib()

    if args.model == "propinn":
        model = build_propinn(args.problem, dtype)
    elif pinnsformer:
        model = build_pinnsformer(args.problem, dtype)
    else:
        model = build_model(args.width, args.hidden_layers, dtype, args.model, args.problem)
    closure = make_closure(model, data, args.problem, args.as_written)

    first_loss: Optional[float] = None
    for _ in range(args.warmup):
        loss = closure()
        if first_loss is None:
            first_loss = loss.item()

    seconds: List[float] = []
    cpu_seconds: List[float] = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        cpu_start = time.process_time()
        loss = closure()
        cpu_seconds.append(time.process_time() - cpu_start)
        seconds.append(time.perf_counter() - start)
        if first_loss is None:
            first_loss = loss.item()

    result = {
        "tool": "torch",
        "torch_version": torch.__version__,
        "model": args.model,
        "problem": args.problem,
        "as_written": args.as_written,
        "precision": args.precision,
        "threads": args.threads,
        "grid": args.grid,
        "points": args.points if args.problem == "pnd" else args.grid ** 2,
        "width": args.width,
        "hidden_layers": args.hidden_layers,
        "repeats": args.repeats,
        "seconds_per_closure": statistics.median(seconds),
        "seconds_all": seconds,
        "cpu_seconds_per_closure": statistics.median(cpu_seconds),
        "loss": first_loss,
        "peak_rss_mb": peak_rss_mib(),
        "baseline_rss_mb": baseline_rss,
    }
    if args.count_flops:  # after the timed closures, so the profiler costs them nothing
        result["gemm_gflop_per_closure"] = gemm_gflop(closure)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
