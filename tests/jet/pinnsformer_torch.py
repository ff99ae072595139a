"""Independent PyTorch PINNsFormer for test_pinnsformer (written from ropinn.md §4.5).

Reads the network size, parameters and points written by the C++ test, builds
the network from torch.nn modules, loads the parameters by state_dict name and
writes: the named_parameters order, and for every requested multi-index the
token values computed with autograd.grad(pred, leaf, ones) exactly as the
reference scripts do (a mixed index averages over which coordinate is
differentiated last, weighted by its exponent). Exit code 77: no torch.
"""
import sys

try:
    import torch
except ImportError:
    sys.exit(77)

torch.set_default_dtype(torch.float64)


class WaveAct(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.w1 = torch.nn.Parameter(torch.ones(1))
        self.w2 = torch.nn.Parameter(torch.ones(1))

    def forward(self, x):
        return self.w1 * torch.sin(x) + self.w2 * torch.cos(x)


def mlp(inputs, hidden, outputs):
    return torch.nn.Sequential(torch.nn.Linear(inputs, hidden), WaveAct(),
                               torch.nn.Linear(hidden, hidden), WaveAct(),
                               torch.nn.Linear(hidden, outputs))


class FeedForward(torch.nn.Module):
    def __init__(self, d_model, d_ff):
        super().__init__()
        self.linear = mlp(d_model, d_ff, d_model)

    def forward(self, x):
        return self.linear(x)


class Layer(torch.nn.Module):
    """Encoder layer (memory = its own activation) or decoder layer (memory = encoder output)."""

    def __init__(self, d_model, heads, d_ff):
        super().__init__()
        self.attn = torch.nn.MultiheadAttention(d_model, heads, batch_first=True)
        self.ff = FeedForward(d_model, d_ff)
        self.act1 = WaveAct()
        self.act2 = WaveAct()

    def forward(self, x, memory=None):
        z = self.act1(x)
        m = z if memory is None else memory
        x = x + self.attn(z, m, m)[0]
        return x + self.ff(self.act2(x))


class Stack(torch.nn.Module):
    def __init__(self, d_model, heads, d_ff, n):
        super().__init__()
        self.layers = torch.nn.ModuleList([Layer(d_model, heads, d_ff) for _ in range(n)])
        self.act = WaveAct()


class PinnsFormer(torch.nn.Module):
    def __init__(self, d_model, heads, n, d_ff, hidden, decoder):
        super().__init__()
        self.linear_emb = torch.nn.Linear(2, d_model)
        self.encoder = Stack(d_model, heads, d_ff, n)
        self.has_decoder = decoder
        if decoder:
            self.decoder = Stack(d_model, heads, d_ff, n)
        self.linear_out = mlp(d_model, hidden, 1)

    def forward(self, x, t):
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


def main(source, target):
    lines = open(source).read().split("\n")
    d_model, heads, n, d_ff, hidden, tokens, decoder = (int(v) for v in lines[0].split()[:7])
    step = float(lines[0].split()[7])
    count = int(lines[1])
    points = torch.tensor([[float(v) for v in lines[2 + i].split()] for i in range(count)])
    row = 2 + count
    state = {}
    while lines[row] != "indices":
        name, *values = lines[row].split()
        state[name] = [float(v) for v in values]
        row += 1
    indices, terms = [], {}
    row += 1
    while row < len(lines) and lines[row].strip():
        if lines[row].startswith("term"):
            _, name, size = lines[row].split()
            terms[name] = torch.tensor([[float(v) for v in lines[row + 1 + i].split()]
                                        for i in range(int(size))])
            row += 1 + int(size)
        else:
            indices.append(tuple(int(v) for v in lines[row].split()))
            row += 1

    model = PinnsFormer(d_model, heads, n, d_ff, hidden, bool(decoder))
    names = [name for name, _ in model.named_parameters()]
    model.load_state_dict({name: torch.tensor(state[name]).reshape(p.shape)
                           for name, p in model.named_parameters()})

    def sequence(p):
        # make_time_sequence: token k at t + k * step; every token its own leaf.
        seq = p.unsqueeze(1).repeat(1, tokens, 1)
        seq[:, :, 1] += step * torch.arange(tokens, dtype=torch.float64)
        x = seq[:, :, 0:1].clone().requires_grad_(True)
        t = seq[:, :, 1:2].clone().requires_grad_(True)
        return x, t

    def grad(value, leaf):
        return torch.autograd.grad(value, leaf, torch.ones_like(value), create_graph=True)[0]

    x, t = sequence(points)
    leaves = (x, t)
    pred = model(x, t)

    def chain(order):
        value = pred
        for c in order:
            value = grad(value, leaves[c])
        return value

    with open(target, "w") as out:
        out.write(" ".join(names) + "\n")
        for alpha in indices:
            r = sum(alpha)
            if r == 0:
                value = pred
            else:
                value = 0
                for c in range(2):
                    if alpha[c] == 0:
                        continue
                    others = [0] * (alpha[0] - (c == 0)) + [1] * (alpha[1] - (c == 1))
                    value = value + alpha[c] / r * chain(others + [c])
            flat = value.detach().reshape(-1).tolist()
            out.write(" ".join(str(v) for v in alpha) + " " +
                      " ".join(repr(v) for v in flat) + "\n")
        # The 1D-wave losses of RoPINN's wave scripts (ropinn.md §3.2, §4.5):
        # residual and boundaries over all tokens, initial value on token 0,
        # initial velocity over all tokens.
        losses = {}
        if "residual" in terms:
            xr, tr = sequence(terms["residual"])
            u = model(xr, tr)
            losses["residual"] = ((grad(grad(u, tr), tr) - 4 * grad(grad(u, xr), xr)) ** 2).mean()
        if "initial" in terms:
            xi, ti = sequence(terms["initial"])
            u = model(xi, ti)
            x0 = xi[:, 0]
            target = torch.sin(torch.pi * x0) + 0.5 * torch.sin(3 * torch.pi * x0)
            losses["initial"] = ((u[:, 0] - target) ** 2).mean()
            losses["initial_velocity"] = (grad(u, ti) ** 2).mean()
        for name in ("boundary_lower", "boundary_upper"):
            if name in terms:
                losses[name] = (model(*sequence(terms[name])) ** 2).mean()
        for name, value in losses.items():
            out.write("loss " + name + " " + repr(value.item()) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
