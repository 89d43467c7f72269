"""CLI exit codes and messages (architecture note, command-line contract): 0 / 2 / 1, no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oligoboard.cli.main import main
from tests.support.cases import doc, lesion

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples" / "cases").glob("*.json"))


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_at_least_eight_demo_cases_covering_every_family() -> None:
    assert len(EXAMPLES) >= 8


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_assess_json_contract_on_demo_cases(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["assess", str(path), "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["case_id"] == path.stem
    assert {
        "knowledge_version",
        "engine_version",
        "case_hash",
        "disease_state",
        "recommendations",
        "trials",
    } <= set(data)
    assert {"estro_eortc", "omd", "tnm9_m", "stage", "prognostic_group", "missing"} <= set(
        data["disease_state"]
    )
    for trial in data["trials"]:
        assert trial["status"] in ("eligible", "ineligible", "undetermined")
        for crit in trial["criteria"]:
            assert crit["kind"] in ("inclusion", "exclusion") and crit["status"] in (
                "met",
                "not_met",
                "unknown",
            )


def test_demo_cases_cover_every_estro_eortc_family(capsys: pytest.CaptureFixture[str]) -> None:
    states = set()
    for path in EXAMPLES:
        _, out, _ = run(["assess", str(path), "--json"], capsys)
        states.add(json.loads(out)["disease_state"]["estro_eortc"])
    families = {s.split("_")[0] for s in states if s}
    assert {"synchronous", "metachronous", "repeat", "induced"} <= families


def test_invalid_case_exits_2_naming_the_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc(lesions=[lesion(1, "adrenals")])))
    code, out, err = run(["assess", str(path), "--json"], capsys)
    assert code == 2
    assert out == ""
    assert "lesions[0].organ" in err and "text (8 characters) is not one of" in err
    assert "adrenals" not in err  # the value is never echoed (issue 12)
    assert "Traceback" not in err


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["assess", str(tmp_path / "nope.json")], capsys)
    assert code == 2 and "no such file" in err


def test_validate_reports_all_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good, bad = tmp_path / "good.json", tmp_path / "bad.yaml"
    good.write_text(json.dumps(doc()))
    bad.write_text("id: x\nassessment_date: 2026-01-01\npatient: {ecog: 9}\n")
    code, out, err = run(["validate", str(good), str(bad)], capsys)
    assert code == 2
    assert "ok" in out and "patient.ecog" in err


def test_schema_prints_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["schema"], capsys)
    schema = json.loads(out)
    assert code == 0 and "lesions" in schema["properties"] and schema["additionalProperties"] is False


def test_human_rendering_runs_and_shows_the_state(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["assess", str(EXAMPLES[0])], capsys)
    assert code == 0 and "Disease state" in out and "synchronous" in out


HOSTILE = [
    # (file name, content, phrase the error must contain)
    ("date.yaml", "id: x\nassessment_date: 2026-02-30\n", "is not a valid timestamp"),
    ("key.yaml", "id: x\nassessment_date: 2026-02-01\nanswers: {2026-01-01: true}\n", "is not text"),
    ("dup.json", '{"id": "x", "assessment_date": "2026-01-01", "id": "y"}', "id: duplicate key"),
    ("dup.yaml", "id: a\nid: b\nassessment_date: 2026-01-01\n", "id: duplicate key"),
    ("binary.yaml", "id: !!binary aGVsbG8=\nassessment_date: 2026-01-01\n", "bytes value is not allowed"),
    (
        "answer.json",
        '{"id": "x", "assessment_date": "2026-01-01", "answers": {"NCT9999/typo": true}}',
        "answers.<key 1>: no attested criterion",
    ),
    (
        "huge.json",
        '{"id": "x", "assessment_date": "2026-01-01", "systemic_therapy": [{"cycles": 1e400}]}',
        "systemic_therapy[0].cycles",
    ),
    (
        "inf.json",
        '{"id": "x", "assessment_date": "2026-01-01", "lesions": [{"id": "L1", "size_mm": Infinity}]}',
        "finite number",
    ),
    ("array.json", "[1, 2]", "must be a JSON/YAML object"),
    ("empty.json", "", "not valid JSON"),
]


@pytest.mark.parametrize(("name", "content", "phrase"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_documents_exit_2_with_a_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: str, phrase: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    code, out, err = run(["assess", str(path), "--json"], capsys)
    assert code == 2 and out == ""
    assert phrase in err, err
    assert "Traceback" not in err


def test_answers_to_known_criteria_are_accepted_and_change_the_verdict(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """salVage's attested criteria (consent, contraception, …; seed 001) keep it undetermined until answered."""
    base = json.loads(EXAMPLES[1].read_text())
    base["answers"] = {}
    path = tmp_path / "unanswered.json"
    path.write_text(json.dumps(base))
    _, out, _ = run(["assess", str(path), "--json"], capsys)
    salvage = {t["id"]: t for t in json.loads(out)["trials"]}["NCT06114108"]
    assert salvage["status"] == "undetermined"
    asked = [key.split("'")[1] for key in salvage["missing"] if key.startswith("answers[")]
    exclusions = ("pregnancy", "severe-comorbidity", "persistent-toxicity", "remaining-exclusions")
    base["answers"] = {key: not key.endswith(exclusions) for key in asked}
    path.write_text(json.dumps(base))
    code, out, _ = run(["assess", str(path), "--json"], capsys)
    assert code == 0
    assert {t["id"]: t for t in json.loads(out)["trials"]}["NCT06114108"]["status"] == "eligible"
