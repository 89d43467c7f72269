"""`oligoboard plan check`: dvh's argument order (the old one deprecated), --map / --map-file, --list-protocols,
the reason of every unknown, and a PDF of the same page as --html (rendered to PNG to prove it reads)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

from oligoboard.cli.dose import plan_app
from oligoboard.dose.phantoms import Phantom, write_phantom
from oligoboard.dose.plancheck import check_plan
from oligoboard.report.terminal.dose import render_plan_check
from tests.dose.rt_files import add_roi, rename_roi, write_plan

app = typer.Typer()
app.add_typer(plan_app, name="plan")
app.command("noop")(lambda: None)
runner = CliRunner()


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    """A 40 Gy cylinder named 'SpinalCord' (a TG-263 name): cord Dmax 40 Gy, margin 14 Gy to 54 Gy."""
    return write_phantom(Phantom("SpinalCord", "cylinder", 5.0, "uniform", centre_dose_gy=40.0), tmp_path)


def check(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["plan", "check", *args])
    return result.exit_code, result.stdout, result.stderr


def results(stdout: str) -> dict[str, dict[str, object]]:
    return {str(r["id"]): r for r in json.loads(stdout)["results"]}


def test_dvh_order_and_the_old_order_with_a_deprecation_note(files: tuple[Path, Path]) -> None:
    rtss, rtdose = files
    code, new, err = check(str(rtss), str(rtdose), "--json")
    assert code == 0, err
    assert "deprecated" not in err
    code, old, err = check(str(rtdose), str(rtss), "--json")
    assert code == 0, err
    assert "deprecated" in err and "RTSTRUCT RTDOSE" in err
    assert json.loads(old) == json.loads(new)
    assert results(new)["spinal-cord-dmax"]["status"] == "pass"


def test_map_names_a_structure_the_aliases_do_not_know(files: tuple[Path, Path], tmp_path: Path) -> None:
    rtss = rename_roi(files[0], "Myelon PRV")
    code, out, _ = check(str(rtss), str(files[1]), "--json")
    assert results(out)["spinal-cord-dmax"]["status"] == "unknown"
    code, out, err = check(str(rtss), str(files[1]), "--json", "--map", "Myelon PRV=SpinalCord")
    assert code == 0, err
    cord = results(out)["spinal-cord-dmax"]
    assert (cord["status"], cord["structure"], cord["value"]) == (
        "pass",
        "Myelon PRV",
        pytest.approx(40.0, abs=0.01),
    )
    assert json.loads(out)["structures"][0]["mapped_by"] == "map"
    map_file = tmp_path / "names.map"
    map_file.write_text("# our clinic's names\n\nMyelon PRV = SpinalCord  # cord\n", encoding="utf-8")
    code, out, err = check(str(rtss), str(files[1]), "--json", "--map-file", str(map_file))
    assert code == 0, err
    assert results(out)["spinal-cord-dmax"]["status"] == "pass"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--map", "Myelon PRV"], "--map: expected 'ROI name=TG-263 name'"),
        (["--map", "Myelon PRV=Cordd"], "'Cordd' is not a TG-263 name"),
        (["--map", "Liver=Liver"], "--map: no structure named 'Liver'"),
    ],
)
def test_bad_map_entries_exit_2(files: tuple[Path, Path], args: list[str], message: str) -> None:
    rtss = rename_roi(files[0], "Myelon PRV")
    code, _, err = check(str(rtss), str(files[1]), *args)
    assert code == 2
    assert message in err and "Traceback" not in err


def test_bad_map_file_line_is_named(files: tuple[Path, Path], tmp_path: Path) -> None:
    map_file = tmp_path / "names.map"
    map_file.write_text("SpinalCord=SpinalCord\nno equals sign here\n", encoding="utf-8")
    code, _, err = check(str(files[0]), str(files[1]), "--map-file", str(map_file))
    assert code == 2 and "names.map:2" in err


def test_two_structures_mapping_to_one_name_are_unknown_until_mapped(files: tuple[Path, Path]) -> None:
    rtss = add_roi(files[0], 7, "Cord")  # 'Cord' is a TG-263 alias of SpinalCord, as is 'SpinalCord'
    code, out, _ = check(str(rtss), str(files[1]), "--json")
    cord = results(out)["spinal-cord-dmax"]
    assert cord["status"] == "unknown"
    assert "2 structures map to SpinalCord (ROI 1 'SpinalCord', ROI 7 'Cord')" in str(cord["reason"])
    code, out, err = check(str(rtss), str(files[1]), "--json", "--map", "Cord=SpinalCord")
    assert code == 0, err
    cord = results(out)["spinal-cord-dmax"]
    assert (cord["status"], cord["roi_number"]) == ("pass", 7)


def test_every_unknown_shows_its_reason_in_the_table(files: tuple[Path, Path]) -> None:
    rtss = add_roi(files[0], 7, "Lungs", shift_mm=500.0)  # a lung wholly outside the dose grid
    code, out, _ = check(str(rtss), str(files[1]), "--json")
    unknown = [r for r in json.loads(out)["results"] if r["status"] == "unknown"]
    assert {r["id"] for r in unknown} == {"brachial-plexus-dmax", "lung-mld"}
    assert all(r["reason"] for r in unknown)
    assert "no volume inside the dose grid" in str(results(out)["lung-mld"]["reason"])
    code, table, _ = check(str(rtss), str(files[1]))
    assert code == 0
    assert max(len(line) for line in table.splitlines()) <= 80
    wide = Console(width=250, record=True)  # no wrapping: each reason stands whole in its row
    wide.print(render_plan_check(check_plan(rtss, files[1], None, "NCT01282450")))
    rows = wide.export_text().splitlines()
    assert any("brachial-plexus-dmax" in r and "no structure maps to BrachialPlexs" in r for r in rows)
    assert any("lung-mld" in r and "has no volume inside the dose grid" in r for r in rows)


def test_list_protocols_and_help_name_them() -> None:
    code, out, _ = check("--list-protocols")
    assert code == 0
    assert "NCT01282450" in out and "nccn-conventional" in out
    code, out, _ = check("--list-protocols", "--json")
    found = {p["id"]: p for p in json.loads(out)}
    assert found["nccn-conventional"]["unverified"] == found["nccn-conventional"]["constraints"] == 7
    help_text = runner.invoke(app, ["plan", "check", "--help"]).stdout
    assert "NCT01282450" in help_text and "nccn-conventional" in help_text


def test_missing_files_without_list_protocols_exit_2() -> None:
    code, _, err = check()
    assert code == 2 and "RTSTRUCT and RTDOSE" in err


def test_pdf_is_the_html_page_and_renders_to_png(files: tuple[Path, Path], tmp_path: Path) -> None:
    pdf, html = tmp_path / "plan.pdf", tmp_path / "plan.html"
    code, _, err = check(str(files[0]), str(files[1]), "--pdf", str(pdf), "--html", str(html))
    assert code == 0, err
    assert pdf.read_bytes().startswith(b"%PDF")
    assert shutil.which("pdftoppm") and shutil.which("pdftotext"), "poppler-utils (debian-packages.txt)"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for phrase in ("Plan check: NCT01282450", "spinal-cord-dmax", "SpinalCord", "unknown"):
        assert phrase in text and phrase in html.read_text(encoding="utf-8"), phrase
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True
    )
    png = next(tmp_path.glob("page*.png"))
    assert png.read_bytes().startswith(b"\x89PNG")


def test_pdf_into_a_missing_folder_is_exit_2(files: tuple[Path, Path], tmp_path: Path) -> None:
    code, _, err = check(str(files[0]), str(files[1]), "--pdf", str(tmp_path / "nowhere" / "plan.pdf"))
    assert code == 2 and "--pdf" in err and "folder does not exist" in err


@pytest.mark.parametrize(
    ("fractions", "prescription", "noted"),
    [(30, 60.0, False), (5, 30.0, True), (None, None, True)],  # MAASTRO: "60Gy in 30 daily fractions"
)
def test_a_plan_in_another_fractionation_is_said(
    files: tuple[Path, Path], tmp_path: Path, fractions: int | None, prescription: float | None, noted: bool
) -> None:
    import pydicom

    args = [str(files[0]), str(files[1])]
    if fractions is not None and prescription is not None:
        frame = str(pydicom.dcmread(files[1]).FrameOfReferenceUID)
        args.append(str(write_plan(tmp_path, frame, fractions, prescription)))
    code, out, err = check(*args, "--json")
    assert code == 0, err
    notes = json.loads(out)["notes"]
    assert bool(notes) is noted
    cord = results(out)["spinal-cord-dmax"]
    if fractions == 5:
        # "spinal cord max: 54Gy" in 2 Gy fractions; 40 Gy in 5 fx (α/β 2) = 40 (8 + 2) / 4 = EQD2 100 Gy
        assert "6 Gy per fraction (30 Gy in 5 fx)" in notes[0] and "compared in EQD2" in notes[0]
        assert (cord["status"], cord["value"], cord["value_eqd2"]) == ("fail", 40.0, pytest.approx(100.0))
        assert cord["comparison"] == "in EQD2 (α/β 2 Gy, spinal cord), 5 fx"
        code, table, _ = check(*args)
        assert "note: this plan gives 6 Gy per fraction" in table
        assert "(EQD2:" in table and "100.0" in table
    else:
        assert (cord["status"], cord["value"], cord.get("value_eqd2")) == ("pass", 40.0, None)
