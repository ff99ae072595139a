#!/usr/bin/env python3
"""Writes propinn_reference.txt: ProPINN (tests/support/propinn_torch.py, float64)
with parameters p_i = 0.6 sin(1.37 i + 0.5), its input derivatives of every order
<= 3 by nested torch.autograd.grad, at input scales 1 and pi, and the parameter
gradient (every 5th entry) of L = mean((u_tt - 4 u_xx)^2) + mean((u_t + u u_x)^2) at scale 1.

Lines: 'D scale n kx kt value' (d^kx_x d^kt_t u at point n, derivatives in the
unscaled coordinates), 'X n x t' (points), 'G index value', 'L value'.
Regenerate from the repository root: /usr/bin/python3 tests/data/nn/generate_propinn_reference.py
"""
import math
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "support"))
from propinn_torch import ProPINN, formula_parameters  # noqa: E402

POINTS = [(0.3, 0.7), (-0.45, 0.1), (0.9, -0.25), (0.05, 0.55)]


def derivatives(model, scale):
    x = torch.tensor([[p[0]] for p in POINTS], dtype=torch.float64, requires_grad=True)
    t = torch.tensor([[p[1]] for p in POINTS], dtype=torch.float64, requires_grad=True)
    u = model(scale * x, scale * t)
    table = {(0, 0): u}
    for order in range(1, 4):
        for kx in range(order, -1, -1):
            kt = order - kx
            base = table[(kx - 1, kt)] if kx > 0 else table[(kx, kt - 1)]
            wrt = x if kx > 0 else t
            (g,) = torch.autograd.grad(base.sum(), wrt, create_graph=True)
            table[(kx, kt)] = g
    return x, t, table


def main():
    torch.set_default_dtype(torch.float64)
    model = ProPINN(dtype=torch.float64)
    formula_parameters(model)
    lines = ["# ProPINN reference, torch %s, float64" % torch.__version__]
    for n, (x, t) in enumerate(POINTS):
        lines.append("X %d %r %r" % (n, x, t))
    for scale in (1.0, math.pi):
        _, _, table = derivatives(model, scale)
        for (kx, kt), values in sorted(table.items()):
            for n in range(len(POINTS)):
                lines.append("D %r %d %d %d %r" % (scale, n, kx, kt, values[n, 0].item()))
    _, _, table = derivatives(model, 1.0)
    u, u_x, u_t = table[(0, 0)], table[(1, 0)], table[(0, 1)]
    loss = ((table[(0, 2)] - 4 * table[(2, 0)]) ** 2).mean() + ((u_t + u * u_x) ** 2).mean()
    grads = torch.autograd.grad(loss, list(model.parameters()))
    flat = torch.cat([g.reshape(-1) for g in grads])
    lines.append("L %r" % loss.item())
    for i in range(0, flat.numel(), 5):
        lines.append("G %d %r" % (i, flat[i].item()))
    path = os.path.join(os.path.dirname(__file__), "propinn_reference.txt")
    with open(path, "w") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
