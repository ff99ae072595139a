"""Independent PyTorch implementations of QRes and KAN, written from
shared/spec/ropinn.md §4.4 and §4.6, checked against pinnbench's jets.

usage: torch_reference.py FILE   (written by tests/nn/test_models_torch.cpp)

For every model in FILE: build the torch module in float64, load pinnbench's
parameters with load_state_dict(strict=True) (names, shapes and order must be the
reference's), take u and every derivative in FILE by nested autograd.grad on
separate x and t leaves (the reference's forward(x, t)), and compare with
pinnbench's values: max |difference| / max |value| <= 1e-10 per series. For KAN
also check that coef is the minimum-norm least-squares fit of its own values at
the grid points (pykan's curve2coef, torch.linalg.lstsq).

Exit 0: all agree; 1: a mismatch (printed); 77: torch is not installed.
"""
import sys

try:
    import torch
    import torch.nn as nn
except ImportError:
    print("torch is not installed: skipping")
    sys.exit(77)

torch.set_default_dtype(torch.float64)
TOLERANCE = 1e-10


class QResBlock(nn.Module):
    def __init__(self, fan_in, fan_out):
        super().__init__()
        self.H1 = nn.Linear(fan_in, fan_out)
        self.H2 = nn.Linear(fan_in, fan_out)

    def forward(self, x):
        h1 = self.H1(x)
        return torch.sigmoid(h1 * self.H2(x) + h1)


class QRes(nn.Module):
    def __init__(self, width, hidden_layers):
        super().__init__()
        self.inlayer = QResBlock(2, width)
        self.layers = nn.ModuleList([QResBlock(width, width) for _ in range(hidden_layers)])
        self.outlayer = nn.Linear(width, 1)

    def forward(self, x, t):
        h = self.inlayer(torch.cat((x, t), dim=-1))
        for block in self.layers:
            h = block(h)
        return self.outlayer(h)


def extend(grid, k):
    h = (grid[:, [-1]] - grid[:, [0]]) / (grid.shape[1] - 1)
    for _ in range(k):
        grid = torch.cat([grid[:, [0]] - h, grid, grid[:, [-1]] + h], dim=1)
    return grid


def bases(x, knots, k):
    """Cox-de Boor: x (edges, batch), knots (edges, K) -> (edges, K - k - 1, batch)."""
    t = knots.unsqueeze(2)
    x = x.unsqueeze(1)
    b = ((x >= t[:, :-1]) * (x < t[:, 1:])).to(x.dtype)
    for p in range(1, k + 1):
        b = (x - t[:, : -(p + 1)]) / (t[:, p:-1] - t[:, : -(p + 1)]) * b[:, :-1] + (
            t[:, p + 1 :] - x
        ) / (t[:, p + 1 :] - t[:, 1:(-p)]) * b[:, 1:]
    return b


class KanLayer(nn.Module):
    def __init__(self, fan_in, fan_out, grid, k):
        super().__init__()
        edges = fan_in * fan_out
        self.fan_in, self.fan_out, self.k = fan_in, fan_out, k
        self.grid = nn.Parameter(torch.zeros(edges, grid + 1), requires_grad=False)
        self.coef = nn.Parameter(torch.zeros(edges, grid + k))
        self.scale_base = nn.Parameter(torch.zeros(edges))
        self.scale_sp = nn.Parameter(torch.zeros(edges))
        self.mask = nn.Parameter(torch.zeros(edges), requires_grad=False)

    def forward(self, x):
        batch = x.shape[0]
        # edge e = j * in + i reads input i
        xe = x.unsqueeze(1).expand(batch, self.fan_out, self.fan_in).reshape(batch, -1).T
        spline = torch.einsum("em,emb->eb", self.coef, bases(xe, extend(self.grid, self.k), self.k))
        phi = self.scale_base[:, None] * nn.functional.silu(xe) + self.scale_sp[:, None] * spline
        phi = self.mask[:, None] * phi
        return phi.T.reshape(batch, self.fan_out, self.fan_in).sum(dim=2)


class SymbolicLayer(nn.Module):
    def __init__(self, fan_in, fan_out):
        super().__init__()
        self.mask = nn.Parameter(torch.zeros(fan_out, fan_in), requires_grad=False)
        self.affine = nn.Parameter(torch.zeros(fan_out, fan_in, 4))

    def forward(self, x):
        a = self.affine
        z = a[None, :, :, 2] * (a[None, :, :, 0] * x[:, None, :] + a[None, :, :, 1]) + a[None, :, :, 3]
        return (self.mask[None] * z).sum(dim=2)


class Kan(nn.Module):
    def __init__(self, width, grid, k):
        super().__init__()
        depth = len(width) - 1
        self.biases = nn.ModuleList([nn.Linear(width[l + 1], 1, bias=False) for l in range(depth)])
        self.act_fun = nn.ModuleList([KanLayer(width[l], width[l + 1], grid, k) for l in range(depth)])
        self.symbolic_fun = nn.ModuleList([SymbolicLayer(width[l], width[l + 1]) for l in range(depth)])

    def forward(self, x, t):
        h = torch.cat([x, t], dim=-1)
        for layer, symbolic, bias in zip(self.act_fun, self.symbolic_fun, self.biases):
            h = layer(h) + symbolic(h) + bias.weight
        return h


def read_models(path):
    with open(path) as f:
        lines = [line.split() for line in f if line.strip()]
    models, i = [], 0
    while i < len(lines):
        head = lines[i]
        assert head[0] == "model", head
        model = {"name": head[1], "config": dict(kv.split("=") for kv in head[2:])}
        count = int(lines[i + 1][1])
        i += 2
        state = {}
        for _ in range(count):
            name, ndim = lines[i][0], int(lines[i][1])
            shape = [int(v) for v in lines[i][2 : 2 + ndim]]
            values = [float(v) for v in lines[i + 1]]
            state[name] = torch.tensor(values).reshape(shape)
            i += 2
        model["state"] = state
        n = int(lines[i][1])
        model["points"] = torch.tensor([[float(v) for v in lines[i + 1 + j]] for j in range(n)])
        i += 1 + n
        jets = int(lines[i][1])
        model["jets"] = [
            ((int(lines[i + 1 + j][0]), int(lines[i + 1 + j][1])), [float(v) for v in lines[i + 1 + j][2:]])
            for j in range(jets)
        ]
        i += 1 + jets
        models.append(model)
    return models


def build(model):
    c = model["config"]
    if model["name"] == "qres":
        return QRes(int(c["width"]), int(c["hidden_layers"]))
    width = [int(v) for v in c["width"].split(",")]
    return Kan(width, int(c["grid"]), int(c["k"]))


def derivative(u, x, t, alpha):
    d = u
    for leaf, times in ((x, alpha[0]), (t, alpha[1])):
        for _ in range(times):
            (d,) = torch.autograd.grad(d, leaf, torch.ones_like(d), create_graph=True)
    return d


def check_min_norm_coef(net):
    worst = 0.0
    for layer in net.act_fun:
        b = bases(layer.grid, extend(layer.grid, layer.k), layer.k).permute(0, 2, 1)  # (e, grid, coef)
        values = torch.einsum("egm,em->eg", b, layer.coef)
        fitted = torch.linalg.lstsq(b, values.unsqueeze(2)).solution[:, :, 0]
        worst = max(worst, float((fitted - layer.coef).abs().max() / layer.coef.abs().max()))
    return worst


def main():
    failures = 0
    for model in read_models(sys.argv[1]):
        net = build(model)
        names = [name for name, _ in net.named_parameters()]
        if names != list(model["state"].keys()):
            print(f"{model['name']}: parameter order differs:\n  torch {names}\n  file  {list(model['state'])}")
            failures += 1
        net.load_state_dict(model["state"], strict=True)
        points = model["points"]
        x = points[:, 0:1].clone().requires_grad_(True)
        t = points[:, 1:2].clone().requires_grad_(True)
        u = net(x, t)
        worst = 0.0
        for alpha, values in model["jets"]:
            expected = derivative(u, x, t, alpha).detach()[:, 0]
            actual = torch.tensor(values)
            scale = float(expected.abs().max())
            error = float((actual - expected).abs().max()) / (scale if scale > 0 else 1.0)
            worst = max(worst, error)
            if error > TOLERANCE:
                print(f"{model['name']} {model['config']}: d^{alpha} relative error {error:.3e}")
                failures += 1
        print(f"{model['name']} {model['config']}: worst relative error {worst:.3e} over {len(model['jets'])} derivatives")
        if model["name"] == "kan":
            error = check_min_norm_coef(net)
            print(f"  coef vs torch.linalg.lstsq min-norm fit: {error:.3e}")
            if error > 1e-10:
                failures += 1
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
