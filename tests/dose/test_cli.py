"""The dose, dvh and plan commands through Typer's test runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from oligoboard.cli.dose import dose_app, dvh_command, plan_app
from oligoboard.dose.phantoms import Phantom, write_phantom

app = typer.Typer()
app.add_typer(dose_app, name="dose")
app.add_typer(plan_app, name="plan")
app.command("dvh")(dvh_command)
runner = CliRunner()


def test_dose_bed_json() -> None:
    result = runner.invoke(app, ["dose", "bed", "--dose", "50", "--fractions", "10", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert (data["bed"], data["eqd2"]) == (75.0, 62.5)


def test_dose_bed_rejects_zero_fractions() -> None:
    result = runner.invoke(app, ["dose", "bed", "--dose", "50", "--fractions", "0"])
    assert result.exit_code == 2
    assert "error:" in result.output and "fractions" in result.output


def test_dvh_json_and_csv(tmp_path: Path) -> None:
    rtss, rtdose = write_phantom(Phantom("sphere", "sphere", 10.0, "uniform"), tmp_path)
    out = tmp_path / "dvh.csv"
    result = runner.invoke(app, ["dvh", str(rtss), str(rtdose), "--json", "--csv", str(out)])
    assert result.exit_code == 0, result.output
    (record,) = json.loads(result.output)
    assert {"name", "volume_cc", "mean_gy", "min_gy", "max_gy", "d95_gy", "d50_gy", "d2_gy"} <= set(record)
    assert out.read_text().startswith("structure,roi_number,dose_gy,volume_cc,volume_pct")


def test_dvh_unknown_structure_exit_2(tmp_path: Path) -> None:
    rtss, rtdose = write_phantom(Phantom("sphere", "sphere", 10.0, "uniform"), tmp_path)
    result = runner.invoke(app, ["dvh", str(rtss), str(rtdose), "--structure", "Liver"])
    assert result.exit_code == 2
    assert "no structure named 'Liver'" in result.output


def test_plan_check_missing_structures_are_unknown(tmp_path: Path) -> None:
    rtss, rtdose = write_phantom(
        Phantom("SpinalCord", "cylinder", 5.0, "uniform", centre_dose_gy=40.0), tmp_path
    )
    html = tmp_path / "report.html"
    result = runner.invoke(
        app,
        ["plan", "check", str(rtss), str(rtdose), "--protocol", "NCT01282450", "--json", "--html", str(html)],
    )
    assert result.exit_code == 0, result.output
    results = {r["id"]: r for r in json.loads(result.stdout)["results"]}
    assert results["spinal-cord-dmax"]["status"] == "pass"
    assert results["spinal-cord-dmax"]["margin"] == pytest.approx(14.0, abs=0.01)
    assert results["brachial-plexus-dmax"]["status"] == "unknown"
    assert results["lung-mld"]["status"] == "unknown"
    assert "no structure maps to Lungs-GTV, Lungs" in results["lung-mld"]["reason"]
    assert "<table>" in html.read_text()


def test_plan_check_unknown_protocol(tmp_path: Path) -> None:
    rtss, rtdose = write_phantom(Phantom("x", "cube", 5.0, "uniform"), tmp_path)
    result = runner.invoke(app, ["plan", "check", str(rtss), str(rtdose), "--protocol", "NOPE"])
    assert result.exit_code == 2
