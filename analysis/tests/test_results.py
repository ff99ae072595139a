"""Tests of the result-file loader (analysis/pinnbench_results.py)."""

from __future__ import annotations

import math
from pathlib import Path

import h5py
import numpy as np
import pytest

from conftest import RUNS, TEST_GRID
from pinnbench_results import ResultFileError, find_result_files, load_results, load_run

DEMO = Path("ropinn") / "ropinn_demo"


def test_finds_every_result_and_skips_hidden_and_temporary(results_dir: Path) -> None:
    files = find_result_files(results_dir)
    names = {p.name for p in files}
    assert ".partial.h5" not in names
    assert not any(".tmp-" in name for name in names)
    assert {"corrupt.h5", "no_run.h5"} <= names  # found, rejected later by load_run
    assert len(files) == len(RUNS) + 2
    assert files == sorted(files)
    assert Path("fm/failure_many/wave-pinn-vanilla-lbfgs-fp32-s0.h5") in \
        {p.relative_to(results_dir) for p in files}


def test_load_results_skips_bad_files_with_warnings(results_dir: Path) -> None:
    warnings: list[str] = []
    records = load_results(results_dir, warn=warnings.append)
    assert len(records) == len(RUNS)
    assert len(warnings) == 2
    assert any("corrupt.h5" in w and "cannot read" in w for w in warnings)
    assert any("no_run.h5" in w and "no /run group" in w for w in warnings)


def test_default_warnings_go_to_stderr(results_dir: Path, capsys: pytest.CaptureFixture) -> None:
    load_results(results_dir)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("warning: skipping") == 2


def test_missing_directory_raises(tmp_path: Path) -> None:
    with pytest.raises(NotADirectoryError):
        load_results(tmp_path / "nope")


def test_load_run_rejects_bad_files(results_dir: Path) -> None:
    with pytest.raises(ResultFileError):
        load_run(results_dir / DEMO / "corrupt.h5")
    with pytest.raises(ResultFileError):
        load_run(results_dir / DEMO / "no_run.h5")


def test_record_fields(results_dir: Path) -> None:
    path = results_dir / DEMO / "convection-pinn-vanilla-lbfgs-fp64-s1.h5"
    rec = load_run(path)
    assert rec.run_id == "convection-pinn-vanilla-lbfgs-fp64-s1"
    assert rec.suite == "ropinn_demo"
    assert (rec.task, rec.model, rec.objective, rec.optimizer) == (
        "convection", "pinn", "vanilla", "lbfgs")
    assert (rec.task_label, rec.model_label, rec.objective_label) == (
        "convection", "pinn", "vanilla")
    assert rec.precision == "fp64" and rec.seed == 1 and isinstance(rec.seed, int)
    assert rec.status == "ok" and rec.ok and rec.status_message == ""
    assert rec.points_domain == 10201 and rec.points_boundary == 21 and rec.points_initial == 21
    assert rec.iterations == 30 and rec.n_params == 33
    assert rec.final_loss == 2e-2 and rec.test_loss == 3e-2
    assert rec.rMAE == 0.84 and rec.rMSE == 0.80
    assert set(rec.final_loss_terms) == {"residual", "initial", "boundary"}
    assert rec.file_attrs["world_size"] == 1
    assert rec.file_attrs["pinnbench_version"] == "0.1.0"


def test_fixed_length_strings_are_decoded(results_dir: Path) -> None:
    rec = load_run(results_dir / DEMO / "convection-qres-ropinn-lbfgs-fp64-s0.h5")
    assert rec.model == "qres" and isinstance(rec.model, str)
    assert rec.suite == "ropinn_demo" and rec.run_id == "convection-qres-ropinn-lbfgs-fp64-s0"
    assert rec.load_test().coordinates == ["x", "t"]


def test_diverged_and_failed_status(results_dir: Path) -> None:
    by_id = {r.run_id: r for r in load_results(results_dir, warn=lambda _: None)}
    diverged = by_id["convection-pinn-ropinn-lbfgs-fp64-s2"]
    assert diverged.status == "diverged" and not diverged.ok
    assert math.isnan(diverged.final_loss)
    assert diverged.status_message.startswith("diverged")
    assert by_id["allen_cahn-pinn-vanilla-lbfgs-fp64-s0"].status == "failed"


def test_history_on_demand(results_dir: Path) -> None:
    rec = load_run(results_dir / DEMO / "convection-pinn-ropinn-lbfgs-fp64-s0.h5")
    history = rec.load_history()
    assert history["iteration"].tolist() == [0, 10, 20, 30]
    lengths = {len(values) for values in history.values()}
    assert lengths == {4}
    assert {"loss", "test_loss", "rMAE", "rMSE", "ropinn_region", "ropinn_sigma",
            "loss_residual", "closure_evals", "wall_time"} <= set(history)


def test_grid_test_set(results_dir: Path) -> None:
    rec = load_run(results_dir / DEMO / "convection-pinn-vanilla-lbfgs-fp64-s0.h5")
    test = rec.load_test()
    nt, nx = TEST_GRID
    assert test.grid_shape == (nt, nx) and test.is_grid
    assert test.x.shape == (nt * nx, 2) and test.u_pred.shape == (nt * nx, 1)
    assert test.residual.shape == (nt * nx, 1)
    # Row-major with rows = time: x varies along a row, t is constant along it.
    x_grid, t_grid = test.to_grid(test.x[:, 0]), test.to_grid(test.x[:, 1])
    assert np.allclose(t_grid, t_grid[:, :1]) and np.allclose(x_grid, x_grid[:1, :])
    assert t_grid[0, 0] == 0.0 and t_grid[-1, 0] == 1.0


def test_random_test_set_is_not_a_grid(results_dir: Path) -> None:
    rec = load_run(results_dir / DEMO / "reaction-pinn-ropinn-lbfgs-fp64-s0.h5")
    test = rec.load_test()
    assert test.grid_shape is None and not test.is_grid
    with pytest.raises(ValueError):
        test.to_grid(test.x[:, 0])


def test_pinnacle_metrics_are_read_by_name(tmp_path: Path) -> None:
    from conftest import write_result
    path = tmp_path / "ns.h5"
    write_result(path, suite="pinnacle", task="convection", model="pinn", objective="vanilla",
                 precision="fp32", seed=0, points_domain=8192, status="ok", final_loss=1e-3,
                 test_loss=2e-3, rmae=0.1, rmse=0.2)
    with h5py.File(path, "a") as f:
        run = f["run"]
        for name, value in {"MSE": 4e-4, "MAE": 1e-2, "MXE": 0.5, "CRMSE": 3e-3,
                            "L2RE_0": 0.15, "L2RE_2": 0.9}.items():
            run.attrs[name] = value
        run["history"]["MSE"] = np.array([1.0, 0.1, 1e-2, 4e-4])
    rec = load_run(path)
    assert rec.metric("MSE") == 4e-4 and rec.metric("MXE") == 0.5
    assert rec.metric("CRMSE") == 3e-3 and rec.metric("L2RE_2") == 0.9
    assert math.isnan(rec.metric("L2RE_1"))  # absent: NaN, like the other metrics
    assert rec.metric("rMSE") == 0.2
    assert rec.load_history()["MSE"][-1] == 4e-4
    with pytest.raises(KeyError):
        rec.metric("L2RE_u")
