"""Synthetic pinnbench result files for the analysis tests.

``write_result`` writes one file laid out exactly as docs/results.md describes
(root attributes, ``/run`` attributes, ``/run/history``, ``/run/parameters``,
``/run/test``).  The ``results_dir`` fixture builds a small results tree in the
``<out>/<suite>/<run_id>.h5`` layout, with two output directories:

``ropinn/ropinn_demo/``  (RoPINN table; PINN and QRes, fp64, N = 10201)
    convection: vanilla s0-s2, gpinn s0, ropinn s0-s2 (s2 diverged); reaction:
    vanilla s0, ropinn s0 (random test set); QRes convection vanilla/ropinn s0,
    written with fixed-length strings.  Plus ``corrupt.h5`` (not HDF5),
    ``no_run.h5`` (HDF5 without ``/run``), a hidden ``.partial.h5`` and a
    temporary ``.<run_id>.h5.tmp-4242``, all of which must be skipped.

``fm/failure_few/`` and ``fm/failure_many/``  (failure-mode table; PINN)
    wave: vanilla fp32 N=441 s0-s1, vanilla fp64 441 s0, l1 fp32 441 s0 (test
    loss disabled), l2 fp32 441 s0, double_pinn fp32 441 s0-s2 (s2 diverged);
    allen_cahn: vanilla fp64 10201 s0 (failed), double_pinn fp64 441 s0; and in
    ``failure_many``: wave vanilla fp32 N=10201 s0.

The metric values are listed in ``RUNS`` so that the tests can state the
expected table cells computed by hand.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

ANALYSIS_DIR = Path(__file__).resolve().parents[1]
if str(ANALYSIS_DIR) not in sys.path:
    sys.path.insert(0, str(ANALYSIS_DIR))

NAN = math.nan

LOSS_TERMS = {
    "convection": ("residual", "initial", "boundary"),
    "reaction": ("residual", "initial", "boundary"),
    "wave": ("residual", "initial", "initial_velocity", "boundary_lower", "boundary_upper"),
    "allen_cahn": ("residual", "initial", "boundary", "boundary_derivative"),
}
OBJECTIVE_TERMS = {"gpinn": ("gradient",), "vpinn": (), "ropinn": (), "vanilla": (),
                   "l1": ("penalty",), "l2": ("penalty",), "double_pinn": ("double_backprop",)}

# (output dir/suite, task, model, objective, precision, seed, points_domain, status,
#  final_loss, test_loss, rMAE, rMSE, extra options)
RUNS = [
    # --- RoPINN table -------------------------------------------------------
    ("ropinn/ropinn_demo", "convection", "pinn", "vanilla", "fp64", 0, 10201, "ok",
     1e-2, 2e-2, 0.80, 0.79, {}),
    ("ropinn/ropinn_demo", "convection", "pinn", "vanilla", "fp64", 1, 10201, "ok",
     2e-2, 3e-2, 0.84, 0.80, {}),
    ("ropinn/ropinn_demo", "convection", "pinn", "vanilla", "fp64", 2, 10201, "ok",
     3e-2, 4e-2, 0.88, 0.81, {}),
    ("ropinn/ropinn_demo", "convection", "pinn", "gpinn", "fp64", 0, 10201, "ok",
     3.1e-2, 5e-2, 0.890, 0.935, {}),
    ("ropinn/ropinn_demo", "convection", "pinn", "ropinn", "fp64", 0, 10201, "ok",
     0.5e-2, 1e-2, 0.62, 0.10, {}),
    ("ropinn/ropinn_demo", "convection", "pinn", "ropinn", "fp64", 1, 10201, "ok",
     1.5e-2, 2e-2, 0.64, 0.30, {}),
    ("ropinn/ropinn_demo", "convection", "pinn", "ropinn", "fp64", 2, 10201, "diverged",
     NAN, NAN, 9.99, 9.99, {}),
    ("ropinn/ropinn_demo", "reaction", "pinn", "vanilla", "fp64", 0, 10201, "ok",
     2.0e-1, 2.1e-1, 0.982, 0.981, {}),
    ("ropinn/ropinn_demo", "reaction", "pinn", "ropinn", "fp64", 0, 10201, "ok",
     2.0e-3, 3e-3, 0.056, 0.095, {"random_test": True}),
    ("ropinn/ropinn_demo", "convection", "qres", "vanilla", "fp64", 0, 10201, "ok",
     4.2e-2, 5e-2, 0.925, 0.959, {"fixed_strings": True}),
    ("ropinn/ropinn_demo", "convection", "qres", "ropinn", "fp64", 0, 10201, "ok",
     1.2e-2, 2e-2, 0.819, 0.870, {"fixed_strings": True}),
    # --- failure-mode table -------------------------------------------------
    ("fm/failure_few", "wave", "pinn", "vanilla", "fp32", 0, 441, "ok", 1e-4, 1e-1, 0.5, 0.55, {}),
    ("fm/failure_few", "wave", "pinn", "vanilla", "fp32", 1, 441, "ok", 3e-4, 3e-1, 0.7, 0.65, {}),
    ("fm/failure_many", "wave", "pinn", "vanilla", "fp32", 0, 10201, "ok",
     2e-4, 2.1e-4, 0.010, 0.012, {}),
    ("fm/failure_few", "wave", "pinn", "vanilla", "fp64", 0, 441, "ok", 1e-5, 2e-3, 0.2, 0.25, {}),
    ("fm/failure_few", "wave", "pinn", "l1", "fp32", 0, 441, "ok", 1e-4, NAN, 0.4, 0.45, {}),
    ("fm/failure_few", "wave", "pinn", "l2", "fp32", 0, 441, "ok", 3e-4, 4e-3, 0.3, 0.35, {}),
    ("fm/failure_few", "wave", "pinn", "double_pinn", "fp32", 0, 441, "ok",
     2e-4, 3e-4, 0.05, 0.06, {}),
    ("fm/failure_few", "wave", "pinn", "double_pinn", "fp32", 1, 441, "ok",
     2e-4, 5e-4, 0.07, 0.06, {}),
    ("fm/failure_few", "wave", "pinn", "double_pinn", "fp32", 2, 441, "diverged",
     NAN, NAN, NAN, NAN, {}),
    ("fm/failure_few", "allen_cahn", "pinn", "vanilla", "fp64", 0, 10201, "failed",
     NAN, NAN, NAN, NAN, {}),
    ("fm/failure_few", "allen_cahn", "pinn", "double_pinn", "fp64", 0, 441, "ok",
     5e-3, 6e-3, 0.123, 0.456, {}),
]

#: Grid of the synthetic test sets: nt x nx.
TEST_GRID = (3, 4)


def run_id_of(task: str, model: str, objective: str, precision: str, seed: int) -> str:
    """The run id of docs/suites.md with default labels and the lbfgs optimiser."""
    return f"{task}-{model}-{objective}-lbfgs-{precision}-s{seed}"


def _string_attr(value: str, fixed: bool):
    """A string attribute as variable-length UTF-8 (h5py default) or fixed-length ASCII."""
    return np.bytes_(value.encode("ascii")) if fixed else value


def write_result(path: Path, *, suite: str, task: str, model: str, objective: str,
                 precision: str, seed: int, points_domain: int, status: str, final_loss: float,
                 test_loss: float, rmae: float, rmse: float, random_test: bool = False,
                 fixed_strings: bool = False) -> None:
    """Write one result file following docs/results.md."""
    run_id = run_id_of(task, model, objective, precision, seed)
    string = lambda value: _string_attr(value, fixed_strings)  # noqa: E731
    dtype = np.float32 if precision == "fp32" else np.float64
    terms = LOSS_TERMS[task] + OBJECTIVE_TERMS[objective]
    iterations = 30
    with h5py.File(path, "w") as f:
        root = {
            "pinnbench_version": "0.1.0", "git_commit": "abc1234",
            "created_utc": "2026-01-01T00:00:00Z", "finished_utc": "2026-01-01T00:01:00Z",
            "command_line": f"pinnbench --suite {suite}",
            "hosts": "node0", "kokkos_version": "4.2.0", "kokkos_backends": "SERIAL",
            "mpi_library": "Open MPI v4.1.4", "hdf5_version": "1.10.8", "compiler": "GNU 12.2.0",
            "environment": "OMP_NUM_THREADS=1", "suite": suite, "run_id": run_id,
            "config_yaml": f"precision: {precision}\nseed: {seed}\n",
        }
        for name, value in root.items():
            f.attrs[name] = string(value)
        f.attrs["world_size"] = np.int64(1)

        run = f.create_group("run")
        for name, value in {"task": task, "model": model, "objective": objective,
                            "optimizer": "lbfgs", "task_label": task, "model_label": model,
                            "objective_label": objective, "optimizer_label": "lbfgs",
                            "precision": precision, "status": status,
                            "status_message": "" if status == "ok" else f"{status} at iteration 20",
                            }.items():
            run.attrs[name] = string(value)
        for name, value in {"seed": seed, "iterations": iterations, "closure_evals": 37,
                            "n_params": 33, "points_domain": points_domain,
                            "points_boundary": 21, "points_initial": 21}.items():
            run.attrs[name] = np.int64(value)
        run.attrs["wall_seconds"] = 3.0
        run.attrs["seconds_per_iteration"] = 0.1
        run.attrs["final_loss"] = final_loss
        run.attrs["test_loss"] = test_loss
        run.attrs["rMAE"] = rmae
        run.attrs["rMSE"] = rmse
        for term in terms:
            run.attrs[f"final_loss_{term}"] = final_loss / len(terms)

        history = run.create_group("history")
        steps = np.array([0, 10, 20, 30], dtype=np.int64)
        decay = np.array([100.0, 10.0, 3.0, 1.0])
        loss = (final_loss if math.isfinite(final_loss) else 1.0) * decay
        if status == "diverged":
            loss[-1] = NAN
        history["iteration"] = steps
        history["closure_evals"] = np.array([1, 13, 25, 37], dtype=np.int64)
        history["wall_time"] = np.array([0.0, 1.0, 2.0, 3.0])
        history["loss"] = loss
        for term in terms:
            history[f"loss_{term}"] = loss / len(terms)
        test_curve = loss * 2.0 if math.isfinite(test_loss) else np.full(4, NAN)
        history["test_loss"] = test_curve
        history["rMAE"] = np.array([1.0, 0.9, 0.8, rmae if math.isfinite(rmae) else NAN])
        history["rMSE"] = np.array([1.0, 0.9, 0.8, rmse if math.isfinite(rmse) else NAN])
        if objective == "ropinn":
            history["ropinn_region"] = np.full(4, 1e-4)
            history["ropinn_sigma"] = np.full(4, 0.5)

        params = run.create_group("parameters")
        shapes = [("layer0.weight", (8, 2)), ("layer0.bias", (8,)),
                  ("layer1.weight", (1, 8)), ("layer1.bias", (1,))]
        rng = np.random.default_rng(seed)
        for name, shape in shapes:
            params[name] = rng.standard_normal(shape).astype(dtype)
        params.attrs["order"] = string(",".join(name for name, _ in shapes))

        test = run.create_group("test")
        nt, nx = TEST_GRID
        if random_test:
            x = np.column_stack([rng.uniform(0, 2 * np.pi, nt * nx), rng.uniform(0, 1, nt * nx)])
        else:
            xs, ts = np.linspace(0.0, 2 * np.pi, nx), np.linspace(0.0, 1.0, nt)
            tt, xx = np.meshgrid(ts, xs, indexing="ij")  # rows = time: index = it*nx + ix
            x = np.column_stack([xx.ravel(), tt.ravel()])
            test.attrs["grid_shape"] = np.array([nt, nx], dtype=np.int64)
        u_ref = np.sin(x[:, 0] - 5.0 * x[:, 1]).reshape(-1, 1)
        test["x"] = x.astype(dtype)
        test["u_ref"] = u_ref.astype(dtype)
        test["u_pred"] = (u_ref + 0.1 * np.cos(x[:, :1])).astype(dtype)
        test["residual"] = (0.01 * np.ones_like(u_ref)).astype(dtype)
        test.attrs["coordinates"] = string("x,t")


def build_results_tree(root: Path) -> Path:
    """Write every run of ``RUNS`` plus the files that must be skipped."""
    for (directory, task, model, objective, precision, seed, points_domain, status, final_loss,
         test_loss, rmae, rmse, options) in RUNS:
        suite_dir = root / directory
        suite_dir.mkdir(parents=True, exist_ok=True)
        run_id = run_id_of(task, model, objective, precision, seed)
        write_result(suite_dir / f"{run_id}.h5", suite=suite_dir.name, task=task, model=model,
                     objective=objective, precision=precision, seed=seed,
                     points_domain=points_domain, status=status, final_loss=final_loss,
                     test_loss=test_loss, rmae=rmae, rmse=rmse, **options)

    demo = root / "ropinn" / "ropinn_demo"
    (demo / "corrupt.h5").write_bytes(b"this is not an HDF5 file\n" * 10)
    with h5py.File(demo / "no_run.h5", "w") as f:
        f.attrs["pinnbench_version"] = "0.1.0"
    # A temporary of an in-flight run and a hidden file: valid content, must be ignored.
    common = dict(suite="ropinn_demo", task="convection", model="pinn", objective="vanilla",
                  precision="fp64", points_domain=10201, status="ok", final_loss=1.0,
                  test_loss=1.0, rmae=1.0, rmse=1.0)
    write_result(demo / ".convection-pinn-vanilla-lbfgs-fp64-s9.h5.tmp-4242", seed=9, **common)
    write_result(demo / ".partial.h5", seed=8, **common)
    return root


@pytest.fixture(scope="session")
def results_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A results tree with the runs of ``RUNS`` (see the module docstring)."""
    return build_results_tree(tmp_path_factory.mktemp("results"))
