"""Tests of analysis/published.py and ``tables.py --published``: the data file
parses, every entry cites a line of the papers that prints its number, and the
verdicts on synthetic results are the ones worked out by hand."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

import published
import tables
from conftest import write_result
from pinnbench_results import load_results

SHARED_PAPERS = Path(os.environ.get("PINNBENCH_SHARED_DIR",
                                    Path(__file__).resolve().parents[2] / ".." / "shared")) / "papers"


def test_data_file_parses_with_every_cell():
    cells = published.load_published()
    fm = [c for c in cells if c.paper == "failure-modes"]
    ropinn = [c for c in cells if c.paper == "ropinn"]
    # Failure-mode Table 1: 4 equations x 4 methods x 3 metrics.
    assert len(fm) == 48
    # RoPINN Table 1: 5 models x 4 objectives x 3 tasks x 3 metrics, less the
    # three "OOM" cells of PINNsFormer + gPINN on the wave equation.
    assert len(ropinn) == 177
    assert {c.points for c in fm if c.method == "double PINN"} == {800, 456, 444, 4396}
    double = {(c.task, c.metric): (c.value, c.spread) for c in fm if c.method == "double PINN"}
    assert double[("convection", "rMAE")] == (4.9e-6, 4.4e-6)
    assert double[("allen_cahn", "Loss")] == (4.0e-5, 6.1e-10)
    pinn = {(c.task, c.objective, c.metric): c for c in ropinn if c.method == "PINN"}
    assert pinn[("convection", "vanilla", "rMSE")].value == 0.840
    assert pinn[("convection", "vanilla", "rMSE")].spread == pytest.approx(5e-4)
    assert pinn[("reaction", "ropinn", "Loss")].spread == pytest.approx(5e-7)  # 4.7e-5


def test_every_entry_has_a_source_line_that_prints_it():
    cells = published.load_published()
    assert all(c.source_file and c.source_line > 0 for c in cells)
    if not SHARED_PAPERS.is_dir():
        pytest.skip(f"papers not found at {SHARED_PAPERS} (set PINNBENCH_SHARED_DIR)")
    texts = {}
    for cell in cells:
        if cell.source_file not in texts:
            texts[cell.source_file] = (SHARED_PAPERS / cell.source_file).read_text(
                encoding="utf-8").split("\n")
        line = texts[cell.source_file][cell.source_line - 1]
        assert cell.value_text in line, cell.name()
        if cell.spread_kind == "std":
            assert f"{cell.value_text} \\( \\pm\\) {cell.spread_text}" in line, cell.name()


def test_bad_entries_are_refused(tmp_path):
    text = published.DEFAULT_FILE.read_text(encoding="utf-8").split("\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(text[:2] + [text[2].replace(",rMAE,", ",speed,")]) + "\n")
    with pytest.raises(ValueError, match=r"bad.csv:3: unknown metric"):
        published.load_published(bad)


@pytest.mark.parametrize("reproduced, expected", [
    (1.0e-2, "within spread"), (1.4e-2, "within spread"), (0.6e-2, "within spread"),
    (2.9e-2, "within 3x"), (0.34e-2, "within 3x"), (3.1e-2, "off"), (0.3e-2, "off"),
    (math.nan, "off"), (-1.0, "off")])
def test_verdict(reproduced, expected):
    assert published.verdict(1.0e-2, 0.4e-2, reproduced) == expected


def test_published_comparison_on_synthetic_runs(tmp_path, capsys):
    # Two seeds of double PINN on convection FP64 (rMAE 3e-6 and 5e-6: mean
    # 4e-6, within 4.9e-6 ± 4.4e-6; loss 1e-9 and 3e-9: mean 2e-9, 50x off;
    # rRMSE 1e-5, 2e-5: mean 1.5e-5, ratio 2.8 -> within 3x) and a third seed that
    # diverged (ignored).
    root = tmp_path / "results" / "failure-modes"
    root.mkdir(parents=True)
    for seed, (loss, rmae, rmse, status) in enumerate(
            [(1e-9, 3e-6, 1e-5, "ok"), (3e-9, 5e-6, 2e-5, "ok"), (5.0, 1.0, 1.0, "diverged")]):
        write_result(root / f"s{seed}.h5", suite="failure-modes", task="convection",
                     model="pinn", objective="double_pinn", precision="fp64", seed=seed,
                     points_domain=400, status=status, final_loss=loss, test_loss=loss,
                     rmae=rmae, rmse=rmse)
    compared, missing = published.compare(published.load_published(),
                                          load_results(tmp_path / "results"))
    assert {(c.cell.metric, c.verdict, c.seeds) for c in compared} == {
        ("Loss", "off", 2), ("rMAE", "within spread", 2), ("rRMSE", "within 3x", 2)}
    assert len(missing) == 225 - 3
    ratio = {c.cell.metric: c.ratio for c in compared}
    assert ratio["Loss"] == pytest.approx(2e-9 / 4.0e-11)
    assert ratio["rRMSE"] == pytest.approx(1.5e-5 / 5.4e-6)

    assert tables.main([str(tmp_path / "results"), "--published"]) == 0
    lines = capsys.readouterr().out.split("\n")
    assert lines[0] == "compared 3 of 225 published cells (222 with no run yet)"
    assert lines[1] == "agree: 2 of 3 (1 within the published spread, 1 within 3x); off: 1"
    assert any("| convection | double PINN | rMAE | 4.9e-6 ± 4.4e-6 | 4e-06 (2) |" in line
               for line in lines)
    assert "no run yet:" in lines
