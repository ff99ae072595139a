"""A result file's parameters, loaded into independent PyTorch models, reproduce its
predictions: PINN, FLS, QRes, KAN, PINNsFormer (both variants) and ProPINN after
two L-BFGS iterations in FP64.

The PyTorch models are the tests' own, written from the spec with the reference
code's module names (tests/nn/torch_reference.py, tests/jet/pinnsformer_torch.py,
tests/support/propinn_torch.py). `load_state_dict(strict=True)` on /run/parameters
checks that the saved names, shapes and set are the reference's; the forward pass at
/run/test/x must give /run/test/u_pred (PINNsFormer: token 0 of the pseudo-sequence
(x, t + k step), as its scripts evaluate). PINN and FLS are RoPINN's models/PINN.py
and FLS.py: one nn.Sequential `linear`, an activation module after each hidden Linear.

Run by CTest with PINNBENCH_EXE and PINNBENCH_SOURCE_DIR.
"""
import os
import subprocess
import sys

import h5py
import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="python3-torch is needed for these checks")

EXE = os.environ.get("PINNBENCH_EXE", "build/src/pinnbench")
SOURCE = os.environ.get("PINNBENCH_SOURCE_DIR", ".")
for folder in ("tests/nn", "tests/jet", "tests/support"):
    sys.path.insert(0, os.path.join(SOURCE, folder))
from pinnsformer_torch import PinnsFormer  # noqa: E402
from propinn_torch import ProPINN  # noqa: E402
from torch_reference import Kan, QRes  # noqa: E402

SUITE = """\
name: saved
defaults:
  precision: fp64
  task:
    points: {domain: {kind: grid, nx: 9, nt: 7}, initial: 9, boundary: 7}
    test: {domain: {kind: grid, nx: 11, nt: 6}, initial: 11, boundary: 6}
  model:
    pinn: {width: 6, hidden_layers: 2}
    fls: {width: 6, hidden_layers: 2}
    qres: {width: 6, hidden_layers: 2}
    kan: {width: 3, hidden_layers: 2, grid: 5, k: 3}
    pinnsformer: {d_model: 8, heads: 2, layers: 1, d_ff: 12, hidden: 10, tokens: 3, step: 0.01}
    propinn: {hidden_dim: 8, head_width: 8, head_layers: 2}
  objective: {name: vanilla}
  optimizer: {name: lbfgs, max_iter: 5}
  training: {iterations: 2}
  evaluation: {test_loss: false}
matrix:
  tasks: [TASK]
  models:
    - pinn
    - fls
    - qres
    - kan
    - {name: pinnsformer, label: pinnsformer_ed}
    - {name: pinnsformer, variant: encoder_only, label: pinnsformer_eo}
    - propinn
"""


@pytest.fixture(scope="module", params=["convection", "wave"])
def results(request, tmp_path_factory):
    directory = tmp_path_factory.mktemp(request.param)
    suite = directory / "saved.yaml"
    suite.write_text(SUITE.replace("TASK", request.param))
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", OMP_PROC_BIND="false")
    result = subprocess.run([EXE, "--suite", str(suite), "--out", str(directory / "out")],
                            capture_output=True, text=True, timeout=600, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    files = sorted((directory / "out" / "saved").glob("*.h5"))
    assert len(files) == len(CONFIGS), files
    return files


# The suite's model sizes, by model label.
CONFIGS = {
    "pinn": {"name": "pinn"},
    "fls": {"name": "fls"},
    "qres": {"name": "qres", "width": 6, "hidden_layers": 2},
    "kan": {"name": "kan", "width": 3, "hidden_layers": 2, "grid": 5, "k": 3},
    "pinnsformer_ed": {"name": "pinnsformer", "decoder": True},
    "pinnsformer_eo": {"name": "pinnsformer", "decoder": False},
    "propinn": {"name": "propinn"},
}


class Sine(torch.nn.Module):
    def forward(self, x):
        return torch.sin(x)


class Mlp(torch.nn.Module):
    """RoPINN's PINN (FLS: sine after the first Linear), 2 -> 6 -> 6 -> 1."""

    def __init__(self, first_sine):
        super().__init__()
        first = Sine() if first_sine else torch.nn.Tanh()
        self.linear = torch.nn.Sequential(torch.nn.Linear(2, 6), first, torch.nn.Linear(6, 6),
                                          torch.nn.Tanh(), torch.nn.Linear(6, 1))

    def forward(self, x, t):
        return self.linear(torch.cat((x, t), dim=-1))


def torch_model(config):
    name = config["name"]
    if name in ("pinn", "fls"):
        return Mlp(name == "fls")
    if name == "qres":
        return QRes(config["width"], config["hidden_layers"])
    if name == "kan":
        width = [2] + [config["width"]] * config["hidden_layers"] + [1]
        return Kan(width, config["grid"], config["k"])
    if name == "pinnsformer":
        return PinnsFormer(8, 2, 1, 12, 10, config["decoder"])
    assert name == "propinn", name
    return ProPINN(8, 8, 2, dtype=torch.float64)


def predict(net, config, points):
    x, t = points[:, :1], points[:, 1:]
    with torch.no_grad():
        if config["name"] != "pinnsformer":
            return net(x, t)[:, 0]
        tokens, step = 3, 0.01
        shift = step * torch.arange(tokens, dtype=torch.float64)
        xs = x[:, None, :].repeat(1, tokens, 1)
        ts = t[:, None, :] + shift[None, :, None]
        return net(xs, ts)[:, 0, 0]


def test_saved_parameters_reproduce_the_predictions(results):
    seen = set()
    for path in results:
        with h5py.File(path, "r") as f:
            run = f["run"]
            label = run.attrs["model_label"]
            label = label.decode() if isinstance(label, bytes) else label
            config = CONFIGS[label]
            net = torch_model(config)
            net.double()
            state = {name: torch.tensor(run["parameters"][name][...]) for name in run["parameters"]}
            net.load_state_dict(state, strict=True)
            points = torch.tensor(run["test/x"][...])
            expected = predict(net, config, points).numpy()
            predicted = run["test/u_pred"][:, 0]
            assert run.attrs["iterations"] == 2, path
            np.testing.assert_allclose(predicted, expected, rtol=0,
                                       atol=1e-11 * max(1.0, np.abs(expected).max()),
                                       err_msg=str(path))
            seen.add(label)
    assert seen == set(CONFIGS)
