"""Tests of analysis/plots.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import matplotlib.image

import plots
from pinnbench_results import load_run

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DEMO = Path("ropinn") / "ropinn_demo"


def _assert_valid_png(path: Path) -> None:
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    image = matplotlib.image.imread(path)
    assert image.ndim == 3 and image.shape[0] > 50 and image.shape[1] > 50


def test_writes_expected_pngs(results_dir: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "plots"
    # convection s0 (grid), convection s2 (diverged, grid), reaction s0 (random test set)
    code = plots.main([str(results_dir), "--out", str(out), "--dpi", "40",
                       "--run", "*-pinn-ropinn-lbfgs-fp64-s[02]"])
    captured = capsys.readouterr()
    assert code == 0
    run_ids = ["convection-pinn-ropinn-lbfgs-fp64-s0", "convection-pinn-ropinn-lbfgs-fp64-s2",
               "reaction-pinn-ropinn-lbfgs-fp64-s0"]
    expected = {out / DEMO / f"{run_id}_{kind}.png"
                for run_id in run_ids for kind in ("loss", "errors", "solution")}
    written = {p for p in out.rglob("*") if p.is_file()}
    assert written == expected
    assert {Path(line) for line in captured.out.splitlines()} == expected
    for path in expected:
        _assert_valid_png(path)


def test_no_match_exits_zero(results_dir: Path, tmp_path: Path, capsys) -> None:
    code = plots.main([str(results_dir), "--out", str(tmp_path), "--run", "nothing-*"])
    assert code == 0 and "no result files" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_missing_directory_exits_two(tmp_path: Path, capsys) -> None:
    assert plots.main([str(tmp_path / "missing")]) == 2
    assert "not found" in capsys.readouterr().err


def test_loss_plot_skips_all_nan_test_loss(results_dir: Path) -> None:
    with_test = load_run(results_dir / DEMO / "convection-pinn-vanilla-lbfgs-fp64-s0.h5")
    without = load_run(results_dir / "fm" / "failure_few" / "wave-pinn-l1-lbfgs-fp32-s0.h5")
    for record, labels in ((with_test, ["train loss", "test loss"]), (without, ["train loss"])):
        figure = plots.plot_loss(record, record.load_history())
        axes = figure.axes[0]
        assert [line.get_label() for line in axes.get_lines()] == labels
        assert axes.get_yscale() == "log"


def test_solution_plot_kinds(results_dir: Path) -> None:
    grid = load_run(results_dir / DEMO / "convection-pinn-vanilla-lbfgs-fp64-s0.h5")
    scattered = load_run(results_dir / DEMO / "reaction-pinn-ropinn-lbfgs-fp64-s0.h5")
    grid_fig = plots.plot_solution(grid, grid.load_test())
    scatter_fig = plots.plot_solution(scattered, scattered.load_test())
    panels = [ax for ax in grid_fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in panels] == ["prediction", "reference", "absolute error"]
    assert all(ax.get_xlabel() == "x" and ax.get_ylabel() == "t" for ax in panels)
    assert "grid" in grid_fig._suptitle.get_text()  # pylint: disable=protected-access
    assert "scattered" in scatter_fig._suptitle.get_text()  # pylint: disable=protected-access
    assert plots.plot_solution(grid, None) is None


def test_imports_have_no_side_effects(tmp_path: Path) -> None:
    """Importing the modules prints nothing, writes nothing and does not load pyplot."""
    code = ("import sys; import pinnbench_results, tables, plots; "
            "print('pyplot' if 'matplotlib.pyplot' in sys.modules else 'clean')")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                            text=True, check=False,
                            env={**os.environ, "PYTHONPATH": str(Path(plots.__file__).parent)})
    assert result.returncode == 0, result.stderr
    assert result.stdout == "clean\n" and result.stderr == ""
    assert not any(tmp_path.iterdir())
