"""`validate` = `assess` minus evaluation (issue 12 item 4): same checks, every file under its own name.

The property test draws case documents from valid and invalid edits of the baseline (answer keys, the
calendar ends, unknown fields, cross-field ids) in JSON and YAML, and requires `validate` to accept exactly
the documents `assess` accepts, both exiting 0 or 2, never 1.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from oligoboard.cli.main import main
from oligoboard.engine.knowledge_base import default_knowledge
from tests.support.cases import BASE, doc

KNOWN_ANSWER = default_knowledge().answer_keys[0]


def _write(path: Path, document: Any) -> Path:
    if path.suffix == ".json":
        path.write_text(json.dumps(document), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


def test_every_file_is_checked_and_reported_under_its_own_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`validate a bad1 c bad2` used to stop at bad1 and pool the problems without saying whose they were."""
    a = _write(tmp_path / "a.json", doc())
    bad1 = _write(tmp_path / "bad1.yaml", doc(patient={"ecog": 9}))
    c = _write(tmp_path / "c.json", doc(answers={KNOWN_ANSWER: True}))
    bad2 = _write(tmp_path / "bad2.json", doc(answers={"NCT0/typo": True}))
    assert main(["validate", str(a), str(bad1), str(c), str(bad2)]) == 2
    out, err = capsys.readouterr()
    assert out.splitlines() == [f"ok  {a}", f"ok  {c}"]
    blocks = err.split("error: ")[1:]
    assert blocks[0].startswith(f"{bad1}: invalid case") and "patient.ecog" in blocks[0]
    assert (
        blocks[1].startswith(f"{bad2}: 1 answer(s) to no known criterion") and "answers.<key 1>" in blocks[1]
    )
    assert "patient.ecog" not in blocks[1] and "answers" not in blocks[0]
    assert blocks[2].startswith("2 of 4 case document(s) invalid")


def test_a_folder_is_validated_file_by_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path / "one.json", doc())
    _write(tmp_path / "two.yaml", doc(id="t-002"))
    (tmp_path / "readme.txt").write_text("not a case")
    assert main(["validate", str(tmp_path)]) == 0
    out, _ = capsys.readouterr()
    assert out.splitlines() == [f"ok  {tmp_path / 'one.json'}", f"ok  {tmp_path / 'two.yaml'}"]


def test_an_empty_folder_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path)]) == 2
    assert "no case documents" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["validate", "assess"])
@pytest.mark.parametrize(
    ("field", "date"), [("assessment_date", "9999-12-31"), ("metastatic_diagnosis_date", "1800-01-01")]
)
def test_dates_at_the_ends_of_the_calendar_are_refused_by_both_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, field: str, date: str
) -> None:
    """9999-12-31 used to pass `validate` and crash the single-case `assess` (year 10000 is out of range)."""
    path = _write(tmp_path / "far.json", doc(**{field: date}))
    assert main([command, str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{field}: is outside the supported calendar" in err and date not in err


# Edits of the baseline: (path into the document, value), valid and invalid mixed, in three families drawn
# independently, so the answer keys and the calendar (where the two commands used to disagree) are in play
# in most examples, alone or with another problem.
ANSWERS: list[Any] = [
    {},
    {KNOWN_ANSWER: True},
    {KNOWN_ANSWER: None},
    {KNOWN_ANSWER + "x": True},
    {"NCT0/typo": False},
    {KNOWN_ANSWER: "yes"},
]
DATES: list[tuple[tuple[Any, ...], Any]] = [
    (("patient", "birth_date"), "1950-05-05"),
    (("patient", "birth_date"), "1850-05-05"),
    (("assessment_date",), "2199-12-31"),
    (("assessment_date",), "9999-12-31"),
    (("assessment_date",), "2026-02-30"),
    (("metastatic_diagnosis_date",), "2026-10-02"),
    (("lesions", 0, "detected_date"), "9999-12-31"),
]
EDITS: list[tuple[tuple[Any, ...], Any]] = [
    (("patient", "sex"), "female"),
    (("patient", "sex"), "Jane Doe"),
    (("patient", "ecog"), 4),
    (("patient", "ecog"), 5),
    (("tumour", "n"), "N2"),
    (("tumour", "n"), "N2b"),
    (("lesions", 0, "id"), "L9"),
    (("lesions", 0, "organ"), "adrenals"),
    (("lesions", 0, "size_mm"), 2000),
    (("radiotherapy_courses",), [{"id": "RT1", "target": "L1", "total_dose_gy": 30, "fractions": 5}]),
    (("radiotherapy_courses",), [{"id": "RT1", "target": "L7", "total_dose_gy": 30, "fractions": 5}]),
    (("radiotherapy_courses",), [{"id": "RT1"}, {"id": "RT1"}]),
    (("staging", "pet"), True),
    (("id",), ""),
    (("id",), "MRN 0123456 Jane Doe"),
]


def _apply(edits: list[tuple[tuple[Any, ...], Any]]) -> dict[str, Any]:
    out = copy.deepcopy(BASE)
    for path, value in edits:
        node: Any = out
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = copy.deepcopy(value)
    return out


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    answers=st.sampled_from(ANSWERS),
    dates=st.lists(st.sampled_from(DATES), max_size=1),
    edits=st.lists(st.sampled_from(EDITS), max_size=2),
    suffix=st.sampled_from([".json", ".yaml"]),
)
def test_validate_accepts_exactly_what_assess_accepts(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    answers: dict[str, Any],
    dates: list[tuple[tuple[Any, ...], Any]],
    edits: list[tuple[tuple[Any, ...], Any]],
    suffix: str,
) -> None:
    path = _write(tmp_path / f"case{suffix}", _apply([(("answers",), answers), *dates, *edits]))
    checked = main(["validate", str(path)])
    assessed = main(["assess", str(path), "--json"])
    capsys.readouterr()
    event("accepted" if checked == 0 else "refused")
    assert checked in (0, 2) and assessed in (0, 2)
    assert checked == assessed


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        ([(("answers",), ANSWERS[1]), EDITS[0], DATES[2]], 0),
        ([(("answers",), ANSWERS[3])], 2),  # a misspelt answer key: validate used to pass it
        ([DATES[3]], 2),  # 9999-12-31: validate used to pass it, assess crashed
        ([DATES[6]], 2),
    ],
)
def test_the_property_sees_both_outcomes(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    edits: list[tuple[tuple[Any, ...], Any]],
    expected: int,
) -> None:
    """The draws are not all valid or all invalid, and the two old disagreements are pinned."""
    path = _write(tmp_path / "case.json", _apply(edits))
    assert main(["validate", str(path)]) == expected
    assert main(["assess", str(path), "--json"]) == expected
    capsys.readouterr()


@pytest.mark.parametrize("command", ["validate", "assess"])
def test_a_hostile_file_name_is_shown_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """A file name is the user's text too: ESC/OSC in it reach stderr as escapes, in every message."""
    path = _write(tmp_path / "\x1b]0;PWNED\x07[bold].json", doc(patient={"ecog": 9}))
    good = _write(tmp_path / "ok\x1b[2J.json", doc())
    assert main([command, str(path)]) == 2
    err = capsys.readouterr().err
    assert "\\x1b]0;PWNED\\x07[bold].json" in err and "\x1b" not in err and "\x07" not in err
    if command == "validate":
        assert main([command, str(good)]) == 0
        out = capsys.readouterr().out
        assert "ok\\x1b[2J.json" in out and "\x1b" not in out
