"""PINNacle layout of analysis/tables.py (RoPINN Table 1's PINNacle part), against cells by hand."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

import conftest
import tables
from conftest import run_id_of, write_result
from pinnbench_results import load_results

# The synthetic writer needs each task's loss terms; these are the tasks' own.
conftest.LOSS_TERMS.update({"burgers1d": ("residual", "initial", "boundary"),
                            "poisson2d_classic": ("residual", "boundary_square",
                                                  "boundary_circles"),
                            "heat_nd": ("residual", "boundary", "initial")})

NAN = float("nan")
# (task, model, objective, seed, status, rMAE, rMSE); suite ropinn-pinnacle, fp32.
RUNS = [
    ("burgers1d", "pinn", "vanilla", 0, "ok", 0.010, 0.030),
    ("burgers1d", "pinn", "vanilla", 1, "ok", 0.012, 0.036),
    ("burgers1d", "pinn", "gpinn", 0, "ok", 0.020, 0.040),
    ("burgers1d", "pinn", "ropinn", 0, "ok", 0.009, 0.014),
    ("burgers1d", "pinn", "ropinn", 1, "ok", 0.0092, 0.016),
    ("poisson2d_classic", "pinn", "vanilla", 0, "ok", 0.75, 0.68),
    ("poisson2d_classic", "pinn", "gpinn", 0, "ok", 0.70, 0.70),
    ("poisson2d_classic", "pinn", "ropinn", 0, "ok", 0.41, 0.66),
    ("poisson2d_classic", "pinn", "ropinn", 1, "diverged", NAN, NAN),
    ("heat_nd", "pinn", "vanilla", 0, "ok", 0.012, 0.0053),
    ("heat_nd", "pinn", "ropinn", 0, "ok", 0.00056, 0.00073),
    ("burgers1d", "kan", "vanilla", 0, "ok", 0.03, 0.06),
    ("burgers1d", "kan", "ropinn", 0, "ok", 0.02, 0.07),
    ("poisson2d_classic", "kan", "vanilla", 0, "ok", 0.5, 0.5),
    ("poisson2d_classic", "kan", "ropinn", 0, "ok", 0.4, 0.45),
    # Not a PINNacle task: left out of this table.
    ("convection", "pinn", "vanilla", 0, "ok", 0.8, 0.8),
]

HEADER = ["Task", "Vanilla rMAE", "Vanilla rMSE", "gPINN rMAE", "gPINN rMSE", "RoPINN rMAE",
          "RoPINN rMSE", "Status"]
# By hand: burgers vanilla rMAE (.010, .012) -> 0.011 +- 0.001, rMSE (.030, .036) -> 0.033
# +- 0.003; RoPINN rMAE (.009, .0092) -> 0.0091 +- 1e-4, rMSE (.014, .016) -> 0.015 +- 0.001.
# Improved (mean strictly below Vanilla's, over tasks with both): gPINN rMAE burgers no,
# poisson yes (1/2), rMSE no, no (0/2); RoPINN 3/3 on both. KAN: RoPINN rMAE 2/2, rMSE
# burgers .07 > .06 no, poisson yes (1/2); no gPINN runs.
PINN_ROWS = [
    ["Burgers 1d-C", "0.011 ± 0.001 (n=2)", "0.033 ± 0.003 (n=2)", "0.020", "0.040",
     "0.009 ± 1.0e-04 (n=2)", "0.015 ± 0.001 (n=2)", "ok"],
    ["Poisson 2d-C", "0.750", "0.680", "0.700", "0.700", "0.410", "0.660",
     "RoPINN: diverged (1/2)"],
    ["HNd", "0.012", "0.005", "—", "—", "0.001", "0.001", "ok"],
    ["Improved over Vanilla", "—", "—", "50.0% (1/2)", "0.0% (0/2)", "100.0% (3/3)",
     "100.0% (3/3)", ""],
]
KAN_ROWS = [
    ["Burgers 1d-C", "0.030", "0.060", "—", "—", "0.020", "0.070", "ok"],
    ["Poisson 2d-C", "0.500", "0.500", "—", "—", "0.400", "0.450", "ok"],
    ["Improved over Vanilla", "—", "—", "—", "—", "100.0% (2/2)", "50.0% (1/2)", ""],
]


@pytest.fixture(scope="module")
def pinnacle_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pinnacle")
    suite_dir = root / "ropinn-pinnacle"
    suite_dir.mkdir()
    for task, model, objective, seed, status, rmae, rmse in RUNS:
        path = suite_dir / f"{run_id_of(task, model, objective, 'fp32', seed)}.h5"
        write_result(path, suite="ropinn-pinnacle", task=task, model=model, objective=objective,
                     precision="fp32", seed=seed, points_domain=8192, status=status,
                     final_loss=1e-3 if status == "ok" else NAN, test_loss=2e-3,
                     rmae=rmae, rmse=rmse)
    return root


def test_improved_share_counts_strict_improvements_on_compared_tasks():
    s = lambda mean: tables.Summary(mean, 0.0, 1)  # noqa: E731
    baseline = {"a": s(1.0), "b": s(1.0), "c": None, "d": s(1.0)}
    candidate = {"a": s(0.5), "b": s(1.0), "c": s(0.1), "d": None}
    # c has no baseline and d no candidate: neither is compared; b is equal, not improved.
    assert tables.improved_share(baseline, candidate) == (1, 2)
    assert tables.format_share(1, 2) == "50.0% (1/2)"
    assert tables.format_share(15, 16) == "93.8% (15/16)"
    assert tables.format_share(0, 0) == "—"


def test_pinnacle_table_cells(pinnacle_dir):
    table = tables.build_pinnacle_table(load_results(pinnacle_dir, warn=lambda _: None))
    assert [c.flat_name for c in table.columns] == HEADER
    sections = {section.title: [row.cells for row in section.rows] for section in table.sections}
    assert list(sections) == ["KAN", "PINN"]
    assert sections["PINN"] == PINN_ROWS
    assert sections["KAN"] == KAN_ROWS


def test_cli_prints_the_pinnacle_table_only_when_asked_or_present(pinnacle_dir, results_dir,
                                                                    capsys):
    assert tables.main([str(pinnacle_dir), "--table", "pinnacle", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["Model"] + HEADER
    assert rows[1:] == [["KAN"] + r for r in KAN_ROWS] + [["PINN"] + r for r in PINN_ROWS]

    # The 1D results of the shared fixture hold no PINNacle task: no PINNacle table.
    assert tables.main([str(results_dir), "--table", "all", "--format", "csv"]) == 0
    assert "PINNacle table" not in capsys.readouterr().out
    assert tables.main([str(results_dir), "--table", "pinnacle"]) == 0
    captured = capsys.readouterr()
    assert "no runs of a PINNacle task" in captured.err
