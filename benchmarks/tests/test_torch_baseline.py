"""The PyTorch baseline's GEMM-flop count (``torch_baseline.gemm_gflop``).

The count backs the benchmark's ``pt_GFLOP`` and ``gemm_bound`` columns, so it
is checked against products whose flops follow from their shapes: 2 m k n per
matrix product, forward, nested derivative and backward alike.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch", reason="python3-torch is not installed")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import torch_baseline  # noqa: E402


def test_one_product_counts_two_m_k_n():
    a = torch.randn(37, 11, dtype=torch.float64)
    b = torch.randn(11, 23, dtype=torch.float64)
    gflop = torch_baseline.gemm_gflop(lambda: a @ b)
    assert gflop * 1e9 == pytest.approx(2 * 37 * 11 * 23, rel=0, abs=0.5)


def test_nested_derivative_of_a_linear_layer():
    # y = x W^T + b (addmm, 2 N i o); g = dy/dx summed = ones(N, o) W (mm, 2 N o i);
    # (g^2).sum().backward() reaches W through that mm only: ones^T g_bar (2 N o i).
    n, fan_in, fan_out = 29, 7, 13
    torch.manual_seed(0)
    layer = torch.nn.Linear(fan_in, fan_out).double()
    x = torch.randn(n, fan_in, dtype=torch.float64, requires_grad=True)

    def closure() -> torch.Tensor:
        layer.zero_grad()
        y = layer(x)
        (g,) = torch.autograd.grad(y, x, torch.ones_like(y), create_graph=True)
        loss = (g ** 2).sum()
        loss.backward()
        return loss

    gflop = torch_baseline.gemm_gflop(closure)
    assert gflop * 1e9 == pytest.approx(3 * 2 * n * fan_in * fan_out, rel=0, abs=0.5)
