#!/usr/bin/python3
"""PyTorch baseline for pinnbench_optax_benchmark: the same iteration in PyTorch.

Convection (beta = 50) FP64 with the double-PINN loss at the failure-mode
paper's sizes (a 20 x 20 grid over [0, 2 pi] x [0, 1], 200 initial points, 200
periodic pairs), a 4 x 128 tanh MLP (50 049 parameters, Glorot-normal weights,
zero biases) on inputs mapped to [-1, 1], and Optax's L-BFGS (memory 100): the
two-loop recursion on torch tensors and the zoom line search of
tests/data/optim/generate_optax_reference.py (the NumPy transcription of spec
4.1) driving a torch closure.  Derivatives by nested autograd, the way the
reference codes compute PINN losses:

  L_k = mean r_k^2,  D_k = mean 4 r_k^2 |grad_z r_k|^2  (z: every network input),
  loss = sum_k L_k + 1e-3 D_k,  r: u_t + 50 u_x, u(x, 0) - sin x, u(0, t) - u(2 pi, t).

After --warmup iterations (to fill the memory) --iterations are timed; prints
one JSON line (iterations per second, closures per iteration, shares).
--initial FILE starts from pinnbench's initial parameters (raw float64 in
torch's parameters() order, pinnbench_optax_benchmark --save-initial), so the
two follow the same trajectory and make the same number of closure calls.
"""
import argparse
import json
import math
import os
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "data", "optim"))
from generate_optax_reference import zoom_linesearch  # noqa: E402

TWO_PI = 2.0 * math.pi


def points():
    x = torch.linspace(0, TWO_PI, 20, dtype=torch.float64)
    t = torch.linspace(0, 1, 20, dtype=torch.float64)
    tt, xx = torch.meshgrid(t, x, indexing="ij")
    domain = torch.stack([xx.reshape(-1), tt.reshape(-1)], 1)
    xi = torch.linspace(0, TWO_PI, 200, dtype=torch.float64)
    initial = torch.stack([xi, torch.zeros_like(xi)], 1)
    tb = torch.linspace(0, 1, 200, dtype=torch.float64)
    lower = torch.stack([torch.zeros_like(tb), tb], 1)
    upper = torch.stack([torch.full_like(tb, TWO_PI), tb], 1)
    return [p.requires_grad_(True) for p in (domain, initial, lower, upper)]


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        sizes = [2, 128, 128, 128, 128, 1]
        self.layers = torch.nn.ModuleList(torch.nn.Linear(a, b, dtype=torch.float64)
                                          for a, b in zip(sizes[:-1], sizes[1:]))
        for layer in self.layers:
            torch.nn.init.xavier_normal_(layer.weight)
            torch.nn.init.zeros_(layer.bias)
        self.register_buffer("scale", torch.tensor([1.0 / math.pi, 2.0], dtype=torch.float64))

    def forward(self, z):
        h = z * self.scale - 1.0
        for layer in self.layers[:-1]:
            h = torch.tanh(layer(h))
        return self.layers[-1](h)


def grad(y, z):
    return torch.autograd.grad(y.sum(), z, create_graph=True)[0]


def loss_fn(net, domain, initial, lower, upper, lam=1e-3):
    u = net(domain)
    du = grad(u, domain)
    r = du[:, 1:2] + 50.0 * du[:, 0:1]
    total = (r ** 2).mean() + lam * (4 * r ** 2 * (grad(r, domain) ** 2).sum(1, keepdim=True)).mean()
    ui = net(initial)
    ri = ui - torch.sin(initial[:, 0:1])
    total = total + (ri ** 2).mean() + lam * (4 * ri ** 2 * (grad(ri, initial) ** 2).sum(1, keepdim=True)).mean()
    rb = net(lower) - net(upper)
    gb = (grad(rb, lower) ** 2).sum(1, keepdim=True) + (grad(rb, upper) ** 2).sum(1, keepdim=True)
    total = total + (rb ** 2).mean() + lam * (4 * rb ** 2 * gb).mean()
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--warmup", type=int, default=110)
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--initial", help="raw float64 initial parameters (pinnbench's)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    net = Net()
    params = [p for p in net.parameters()]
    n = sum(p.numel() for p in params)
    if args.initial:
        import numpy
        values = torch.from_numpy(numpy.fromfile(args.initial, dtype=numpy.float64))
        if values.numel() != n:
            sys.exit(f"{args.initial}: {values.numel()} values, the network has {n}")
        with torch.no_grad():
            offset = 0
            for p in params:
                p.copy_(values[offset:offset + p.numel()].view_as(p))
                offset += p.numel()
    data = points()
    memory = 100
    S = torch.zeros(memory, n, dtype=torch.float64)
    Y = torch.zeros(memory, n, dtype=torch.float64)
    rho = torch.zeros(memory, dtype=torch.float64)
    timing = {"closure": 0.0, "direction": 0.0, "step": 0.0}

    def flat():
        return torch.cat([p.detach().reshape(-1) for p in params])

    def set_flat(v):
        offset = 0
        with torch.no_grad():
            for p in params:
                p.copy_(v[offset:offset + p.numel()].view_as(p))
                offset += p.numel()

    def evaluate(w):
        start = time.perf_counter()
        set_flat(w)
        net.zero_grad(set_to_none=True)
        value = loss_fn(net, *data)
        g = torch.autograd.grad(value, params)
        timing["closure"] += time.perf_counter() - start
        return float(value), torch.cat([x.reshape(-1) for x in g])

    w = flat()
    f, g = evaluate(w)
    initial_loss = f
    w_prev, g_prev = w.clone(), g.clone()
    evaluations = [0]

    def iterate(k):
        nonlocal w, f, g, w_prev, g_prev
        start = time.perf_counter()
        if k > 0:
            slot = (k - 1) % memory
            S[slot] = w - w_prev
            Y[slot] = g - g_prev
            ys = float(Y[slot] @ S[slot])
            yy = float(Y[slot] @ Y[slot])
            rho[slot] = 1.0 / ys if ys != 0.0 else 0.0
            gamma = ys / yy if yy > 0 else 1.0
        else:
            gamma = min(1.0, 1.0 / float(g.norm()))
        w_prev, g_prev = w.clone(), g.clone()
        order = [(k % memory + j) % memory for j in range(memory)][memory - min(k, memory):]
        q = g.clone()
        alpha = {}
        for i in reversed(order):
            alpha[i] = float(rho[i]) * float(S[i] @ q)
            q.add_(Y[i], alpha=-alpha[i])
        r = q.mul_(gamma)
        for i in order:
            beta = float(rho[i]) * float(Y[i] @ r)
            r.add_(S[i], alpha=alpha[i] - beta)
        d = -r
        timing["direction"] += time.perf_counter() - start
        origin = w.clone()

        def trial(eta):
            point = origin + eta * d
            value, gradient = evaluate(point)
            evaluations[0] += 1
            return value, float(gradient @ d), (point, value, gradient)

        _, _, _, token, _, _, _ = zoom_linesearch(trial, f, float(g @ d))
        if token is not None:
            w, f, g = token
        timing["step"] += time.perf_counter() - start

    for k in range(args.warmup):
        iterate(k)
    for key in timing:
        timing[key] = 0.0
    evaluations[0] = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    for k in range(args.warmup, args.warmup + args.iterations):
        iterate(k)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    it = args.iterations
    print(json.dumps({
        "tool": "torch", "torch": torch.__version__, "threads": args.threads, "parameters": n,
        "memory": memory, "warmup": args.warmup, "iterations": it,
        "iterations_per_second": it / seconds, "seconds_per_iteration": seconds / it, "cpu_seconds_per_iteration": cpu / it,
        "closures_per_iteration": evaluations[0] / it,
        "seconds_per_closure": timing["closure"] / max(evaluations[0], 1),
        "closure_share": timing["closure"] / seconds, "direction_share": timing["direction"] / seconds,
        "line_search_share": (timing["step"] - timing["closure"] - timing["direction"]) / seconds,
        "projected_hours_1e6": seconds / it * 1e6 / 3600.0,
        "projected_cpu_hours_1e6": cpu / it * 1e6 / 3600.0, "initial_loss": initial_loss,
        "loss": f}))


if __name__ == "__main__":
    main()
