"""The CLI's human views: `assess` flags, `answers`, `new`, `trials compare` and `demo` at 80 columns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from oligoboard.cli.main import main
from tests.report.snapshot_views import CASES

EGFR = CASES / "demo-10-egfr-positive-unknown-history.json"


@pytest.fixture(autouse=True)
def _eighty_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_default_assess_is_the_clinicians_screen(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["assess", str(EGFR)], capsys)
    assert code == 0
    assert "EGFR positive → outside DLCG 2025 scope" in out
    assert "seed 00" not in out and "Next best questions" not in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_full_and_sources_add_detail_and_citations(capsys: pytest.CaptureFixture[str]) -> None:
    _, full, _ = run(["assess", str(EGFR), "--full"], capsys)
    _, cited, _ = run(["assess", str(EGFR), "--full", "--sources"], capsys)
    _, sources, _ = run(["assess", str(EGFR), "--sources"], capsys)
    assert "Next best questions" in full and "seed 003" not in full
    assert "seed 003" in cited and "seed 003" in sources


def test_answers_prints_a_fill_in_yaml_without_the_answered_keys(
    capsys: pytest.CaptureFixture[str],
) -> None:
    answered = json.loads((CASES / "demo-02-sync-two-bone-on-induction.json").read_text())["answers"]
    code, out, _ = run(["answers", str(CASES / "demo-02-sync-two-bone-on-induction.json")], capsys)
    assert code == 0
    keys = yaml.safe_load(out)["answers"]
    assert keys and not set(answered) & set(keys)
    assert "# NCT06523673 — " in out  # the criterion text is the comment above its key


def test_answers_and_new_write_a_new_file_and_refuse_to_overwrite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "answers.yaml"
    assert run(["answers", str(EGFR), "--out", str(target)], capsys)[0] == 0
    assert yaml.safe_load(target.read_text())["answers"]
    code, _, err = run(["new", "--out", str(target)], capsys)
    assert code == 2 and "exists" in err
    code, _, err = run(["new", "--out", str(tmp_path / "missing" / "case.yaml")], capsys)
    assert code == 2 and "folder does not exist" in err
    blank = tmp_path / "case.yaml"
    assert run(["new", "--out", str(blank)], capsys)[0] == 0
    assert yaml.safe_load(blank.read_text())["schema"] == "oligoboard/case@2"


def test_trials_compare_fits_the_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["trials", "compare"], capsys)
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "NCT01282450" in out and "SABR-COMET" in out


@pytest.mark.slow
def test_demo_fits_80_columns_and_counts_by_status(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["demo"], capsys)
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= 80
    assert " open" not in out and "undetermined" in out
