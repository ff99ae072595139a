"""ProPINN in PyTorch, written from ../shared/spec/propinn.md section 2 (not from
pinnbench), for tests that compare pinnbench's jets against nested autograd.

Module names, parameter shapes and order are those of thuml/ProPINN's
models/ProPINN.py (spec section 2.3), so its state_dict loads the shipped
checkpoints unchanged.
"""
import math

import numpy as np
import torch
from torch import nn

REGIONS = ((0.01, 3), (0.05, 5), (0.09, 7))  # (half-width, points per axis)


class WaveAct(nn.Module):
    def __init__(self):
        super().__init__()
        self.w1 = nn.Parameter(torch.ones(1))
        self.w2 = nn.Parameter(torch.ones(1))

    def forward(self, x):
        return self.w1 * torch.sin(x) + self.w2 * torch.cos(x)


def region_offsets(delta, n, dtype):
    """n x n grid of linspace(-delta, delta, n) per axis, numpy 'xy' order, as float32
    constants (the reference's `.float()`), whatever the model's dtype."""
    a = torch.from_numpy(np.linspace(-delta, delta, n)).float().to(dtype)
    xx, tt = torch.meshgrid(a, a, indexing="xy")
    return torch.stack([xx.reshape(-1), tt.reshape(-1)], dim=-1)


class ProPINN(nn.Module):
    def __init__(self, hidden_dim=32, hidden_d_ff=64, num_layer=3, dtype=torch.float32):
        super().__init__()
        d, w = hidden_dim, hidden_d_ff
        self.linear_emb = nn.Sequential(nn.Linear(2, d // 4), WaveAct(), nn.Linear(d // 4, d))
        self.multiregion_mixer = nn.Sequential(nn.Linear(4, 8), WaveAct(), nn.Linear(8, 1))
        layers = [nn.Linear(d, w), WaveAct()]
        for _ in range(num_layer - 1):
            layers += [nn.Linear(w, w), WaveAct()]
        layers.append(nn.Sequential(nn.Linear(w, w), WaveAct(), nn.Linear(w, 1)))
        self.linear_out = nn.Sequential(*layers)
        self.offsets = [region_offsets(delta, n, dtype) for delta, n in REGIONS]
        self.to(dtype)

    def forward(self, x, t):
        s = torch.cat([x, t], dim=-1)  # (N, 2)
        features = [self.linear_emb(s)]
        for offsets in self.offsets:
            shifted = s[:, None, :] + offsets[None, :, :]  # (N, k, 2)
            features.append(self.linear_emb(shifted).mean(dim=1))
        z = torch.stack(features, dim=1).transpose(1, 2)  # (N, d, 4)
        e = self.multiregion_mixer(z)[..., 0]  # (N, d)
        return self.linear_out(e)


def formula_parameters(model):
    """Deterministic parameters p_i = 0.6 sin(1.37 i + 0.5) in named_parameters() order."""
    with torch.no_grad():
        i = 0
        for p in model.parameters():
            flat = torch.tensor(
                [0.6 * math.sin(1.37 * (i + k) + 0.5) for k in range(p.numel())], dtype=p.dtype
            )
            p.copy_(flat.reshape(p.shape))
            i += p.numel()
