"""ProPINN Table 1 layout of analysis/tables.py, against cells computed by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

import tables
from conftest import run_id_of, write_result
from pinnbench_results import load_results

# (task, model, seed, status, rMAE, rMSE); suite propinn-1d, vanilla, fp32, N = 10201
RUNS = [
    ("convection", "pinn", 0, "ok", 0.778, 0.840),
    ("convection", "fls", 0, "ok", 0.674, 0.771),
    ("convection", "propinn", 0, "ok", 0.016, 0.018),
    ("convection", "propinn", 1, "ok", 0.020, 0.022),
    ("reaction", "pinn", 0, "ok", 0.982, 0.981),
    ("reaction", "propinn", 0, "ok", 0.010, 0.020),
    ("wave", "pinn", 0, "ok", 0.326, 0.335),
    ("wave", "propinn", 0, "diverged", float("nan"), float("nan")),
    ("allen_cahn", "pinn", 0, "ok", 0.350, 0.562),
    ("allen_cahn", "propinn", 0, "ok", 0.036, 0.087),
]

HEADER = ["Model", "Convection rMAE", "Convection rRMSE", "1D-Reaction rMAE",
          "1D-Reaction rRMSE", "Allen-Cahn rMAE", "Allen-Cahn rRMSE", "1D-Wave rMAE",
          "1D-Wave rRMSE", "Status"]
# Promotion = 1 - ProPINN / best baseline: convection rMAE best FLS 0.674, ProPINN mean
# 0.018 -> 97.3%; rRMSE 1 - 0.020/0.771 = 97.4%; reaction 1 - 0.010/0.982 = 99.0%,
# 1 - 0.020/0.981 = 98.0%; Allen-Cahn 1 - 0.036/0.350 = 89.7%, 1 - 0.087/0.562 = 84.5%.
ROWS = [
    ["Vanilla PINN", "0.778", "0.840", "0.982", "0.981", "0.350", "0.562", "0.326", "0.335", "ok"],
    ["FLS", "0.674", "0.771", "—", "—", "—", "—", "—", "—", "ok"],
    ["ProPINN", "0.018 ± 0.002 (n=2)", "0.020 ± 0.002 (n=2)", "0.010", "0.020", "0.036", "0.087",
     "—", "—", "1D-Wave: diverged (1/1)"],
    ["Promotion", "97.3%", "97.4%", "99.0%", "98.0%", "89.7%", "84.5%", "—", "—", ""],
]


@pytest.fixture()
def propinn_dir(tmp_path: Path) -> Path:
    suite_dir = tmp_path / "propinn-1d"
    suite_dir.mkdir()
    for task, model, seed, status, rmae, rmse in RUNS:
        write_result(suite_dir / (run_id_of(task, model, "vanilla", "fp32", seed) + ".h5"),
                     suite="propinn-1d", task=task, model=model, objective="vanilla",
                     precision="fp32", seed=seed, points_domain=10201, status=status,
                     final_loss=1e-3, test_loss=1e-3, rmae=rmae, rmse=rmse)
    return tmp_path


def test_propinn_table_has_the_paper_layout(propinn_dir: Path):
    table = tables.build_propinn_table(load_results(propinn_dir, warn=lambda _: None))
    assert [c.flat_name for c in table.columns] == HEADER
    assert len(table.sections) == 1
    assert [row.cells for row in table.sections[0].rows] == ROWS


def test_propinn_table_only_with_propinn_runs(propinn_dir: Path, capsys):
    records = [r for r in load_results(propinn_dir, warn=lambda _: None) if r.model != "propinn"]
    assert tables.build_propinn_table(records).is_empty()
    assert tables.main([str(propinn_dir), "--table", "propinn", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == ",".join(["Setting"] + HEADER)
    assert "Promotion,97.3%,97.4%" in out
