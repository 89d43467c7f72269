"""Batch mode (issue 12 item 5): `assess DIR|FILES… --jsonl|--csv`, per-file errors, progress on a terminal.

The JSONL folder run over the hostile batch corpus is in tests/case/test_hostile.py; these pin the CSV
shape, the output path, the progress bar's terminal rule, an internal failure of one case, and the
output-folder check of every command that writes a file.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from oligoboard.cli import batch
from oligoboard.cli.main import main
from tests.support.cases import doc

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cases"


def _write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_csv_has_one_row_per_file_and_error_rows_name_their_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _write(tmp_path / "a.json", doc(id='=HYPERLINK("http://x")'))
    bad = _write(tmp_path / "b.json", doc(patient={"ecog": 9}))
    other = _write(tmp_path / "c.json", doc(id="c-1"))
    assert main(["assess", str(good), str(bad), str(other), "--csv"]) == 2
    out, err = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == list(batch.CSV_COLUMNS)
    assert [(r["file"], r["status"]) for r in rows] == [
        (str(good), "ok"),
        (str(bad), "error"),
        (str(other), "ok"),
    ]
    assert rows[0]["case_id"] == '\'=HYPERLINK("http://x")'  # a spreadsheet must not run it as a formula
    assert rows[1]["error"].startswith(f"{bad}: invalid case") and "patient.ecog" in rows[1]["error"]
    assert rows[2]["estro_eortc"] == "synchronous_oligometastatic" and rows[2]["omd"] == "true"
    assert "1 of 3 case file(s) not assessed" in err


def test_records_go_to_the_output_file_and_exit_0_when_all_are_assessed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.jsonl"
    assert main(["assess", str(EXAMPLES), "--jsonl", "--output", str(target)]) == 0
    out, err = capsys.readouterr()
    assert out == "" and err == ""
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [Path(r["file"]).name for r in records] == sorted(p.name for p in EXAMPLES.glob("*.json"))
    assert all(r["status"] == "ok" and r["assessment"]["case_id"] == Path(r["file"]).stem for r in records)


def test_the_batch_agrees_with_single_case_assess(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """DuckDB in the batch, the Python executor for one case: the same contract, field for field."""
    first = sorted(EXAMPLES.glob("*.json"))[:3]
    assert main(["assess", *map(str, first), "--jsonl"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    for path, record in zip(first, records, strict=True):
        assert main(["assess", str(path), "--json"]) == 0
        assert record["assessment"] == json.loads(capsys.readouterr().out)


def test_no_progress_bar_when_stderr_is_not_a_terminal_even_with_force_color(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")  # CI sets it for its logs: still no bar in a pipe
    assert main(["assess", str(EXAMPLES), "--jsonl"]) == 0
    assert capsys.readouterr().err == ""


def test_progress_bar_on_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "stderr_is_terminal", lambda: True)
    assert main(["assess", str(EXAMPLES), "--jsonl"]) == 0
    out, err = capsys.readouterr()
    assert "Assessing" in err and "━" in err
    assert len(out.splitlines()) == len(list(EXAMPLES.glob("*.json")))


def test_an_internal_failure_of_one_case_does_not_stop_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from oligoboard.engine.runner import Engine

    real = Engine.evaluate

    def evaluate(self: Engine, cases: list[Any], backend: str | None = None) -> list[Any]:
        if any(c.id == "boom" for c in cases):
            raise KeyError("boom")  # an exception whose text quotes the case
        return real(self, cases, backend)

    monkeypatch.setattr(Engine, "evaluate", evaluate)
    files = [_write(tmp_path / f"{name}.json", doc(id=name)) for name in ("a", "boom", "c")]
    assert main(["assess", *map(str, files), "--jsonl"]) == 1
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["status"] for r in records] == ["ok", "error", "ok"]
    assert records[1]["error"]["message"].startswith(f"{files[1]}: internal error (KeyError)")
    assert "'boom'" not in records[1]["error"]["message"]


@pytest.mark.parametrize(
    ("argv", "phrase"),
    [
        (["assess", "a.json", "b.json"], "several cases need a batch format"),
        (["assess", str(EXAMPLES)], "several cases need a batch format"),
        (["assess", "a.json", "--jsonl", "--csv"], "exclude each other"),
        (["assess", "a.json", "--output", "x.jsonl"], "--output is for batches"),
    ],
)
def test_batch_options_misused_are_input_errors(
    capsys: pytest.CaptureFixture[str], argv: list[str], phrase: str
) -> None:
    assert main(argv) == 2
    assert phrase in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["assess", str(EXAMPLES), "--jsonl", "--output", "{missing}/out.jsonl"], "--output"),
        (["assess", str(EXAMPLES), "--csv", "-o", "{missing}/out.csv"], "--output"),
        (["dvh", "rtss.dcm", "rtdose.dcm", "--csv", "{missing}/dvh.csv"], "--csv"),
        (["plan", "check", "rtdose.dcm", "rtss.dcm", "--html", "{missing}/plan.html"], "--html"),
    ],
)
def test_an_output_path_in_a_missing_folder_is_exit_2_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], option: str
) -> None:
    """Every command that writes a file checks the folder first (the DICOM paths here do not even exist)."""
    missing = tmp_path / "no-such-folder"
    assert main([a.replace("{missing}", str(missing)) for a in argv]) == 2
    _, err = capsys.readouterr()
    assert f"error: {option} {missing}" in err and f"the folder {missing} does not exist" in err, err
    assert "Traceback" not in err and not missing.exists()


def test_an_output_path_that_is_a_folder_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assess", str(EXAMPLES), "--jsonl", "-o", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_demo_on_a_folder_with_a_repeated_case_id_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It used to reach the engine ("case ids must be unique", internal error, exit 1)."""
    first = _write(tmp_path / "a.json", doc(id="MRN-0123456"))
    second = _write(tmp_path / "b.json", doc(id="MRN-0123456"))
    assert main(["demo", "--directory", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"{second}: the case id is already used by {first}" in err and "MRN-0123456" not in err
