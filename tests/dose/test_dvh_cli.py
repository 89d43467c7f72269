"""`oligoboard dvh`: --roi-number, per-structure status and warnings in the table and --json, the Nelms
metrics in --json, duplicate names, literal strings from the file, and output paths that cannot be written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from oligoboard.cli.dose import dvh_command
from oligoboard.dose.phantoms import Phantom, write_phantom
from tests.dose.rt_files import add_broken_contour, add_roi, rename_roi

app = typer.Typer()
app.command("dvh")(dvh_command)
app.command("noop")(lambda: None)
runner = CliRunner()


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    return write_phantom(Phantom("cube", "cube", 10.0, "uniform", centre_dose_gy=30.0), tmp_path)


def dvh(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["dvh", *args])
    return result.exit_code, result.output


def test_json_has_the_nelms_metrics_status_and_warnings(files: tuple[Path, Path]) -> None:
    code, out = dvh(str(files[0]), str(files[1]), "--json")
    assert code == 0, out
    (record,) = json.loads(out)
    for key in ("d99_gy", "d95_gy", "d5_gy", "d1_gy", "d0_03cc_gy", "status", "warnings", "roi_number"):
        assert key in record, key
    assert record["d99_gy"] == pytest.approx(30.0, abs=0.01)  # uniform 30 Gy
    assert record["d0_03cc_gy"] == pytest.approx(30.0, abs=0.01)
    assert (record["status"], record["warnings"]) == ("ok", [])


def test_duplicate_names_are_an_error_unless_roi_number_picks_one(files: tuple[Path, Path]) -> None:
    rtss = add_roi(files[0], 7, " CUBE ")
    code, out = dvh(str(rtss), str(files[1]), "--structure", "cube")
    assert code == 2
    assert "ROI numbers 1, 7" in out and "--roi-number" in out
    code, out = dvh(str(rtss), str(files[1]), "--structure", "cube", "--roi-number", "7", "--json")
    assert code == 0, out
    assert [r["roi_number"] for r in json.loads(out)] == [7]
    code, out = dvh(str(rtss), str(files[1]), "--roi-number", "9")
    assert code == 2 and "no ROI number 9" in out


def test_all_structures_list_both_duplicates_with_their_numbers(files: tuple[Path, Path]) -> None:
    rtss = add_roi(files[0], 7, "cube")
    code, out = dvh(str(rtss), str(files[1]))
    assert code == 0, out
    rows = [line.split() for line in out.splitlines() if " cube " in f" {line} "]
    assert [row[0] for row in rows] == ["1", "7"]


def test_dropped_contour_and_outside_grid_show_in_table_and_json(files: tuple[Path, Path]) -> None:
    rtss = add_broken_contour(files[0])
    rtss = add_roi(rtss, 8, "far away", shift_mm=500.0)
    code, out = dvh(str(rtss), str(files[1]), "--json")
    assert code == 0, out
    records = {r["roi_number"]: r for r in json.loads(out)}
    assert records[8]["status"] == "outside_dose_grid" and records[8]["mean_gy"] is None
    assert any("not a multiple of 3" in w["reason"] for w in records[1]["warnings"])
    code, out = dvh(str(rtss), str(files[1]))
    assert code == 0, out
    assert "outside grid" in out and "1 warning" in out
    assert "note: far away (ROI 8): 8.00 cc outside the dose grid" in out
    assert "warning: cube (ROI 1)" in out and "not a multiple of 3" in out
    assert max(len(line) for line in out.splitlines()) <= 80


@pytest.mark.parametrize(
    ("name", "shown"),
    [("[/bold]", "[/bold]"), ("[red]x[/red]", "[red]x[/red]"), ("a\x1b[31mb", "a\\x1b[31mb")],
)
def test_strings_from_the_file_are_printed_literally(files: tuple[Path, Path], name: str, shown: str) -> None:
    rtss = rename_roi(files[0], name)
    code, out = dvh(str(rtss), str(files[1]))
    assert code == 0, out
    assert shown in out
    assert "\x1b" not in out
    code, out = dvh(str(rtss), str(files[1]), "--json")
    assert json.loads(out)[0]["name"] == name  # JSON keeps the exact name (escaped by JSON itself)


def test_csv_into_a_missing_folder_is_exit_2(files: tuple[Path, Path], tmp_path: Path) -> None:
    code, out = dvh(str(files[0]), str(files[1]), "--csv", str(tmp_path / "no" / "such" / "dvh.csv"))
    assert code == 2
    assert "--csv" in out and "folder does not exist" in out
    assert "Traceback" not in out
