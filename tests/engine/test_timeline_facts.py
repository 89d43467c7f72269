"""Derived facts read from the case@2 timeline (docs/timeline-facts.md), and their case@1 fallbacks.

RECIST 1.1 (Eisenhauer 2009, Eur J Cancer 45:228, section 4.3.2): an unequivocal new malignant lesion is
progression; the time-point response is read per scan, the best overall response over the line
(docs/timeline-facts.md).
"""

from __future__ import annotations

from typing import Any

import pytest

from oligoboard.case.validate import parse_case
from oligoboard.engine.runner import Engine
from tests.case.v2 import doc2, scan

FIRST_LINE = {
    "line": 1,
    "category": "chemo_io",
    "start_date": "2026-08-20",
    "end_date": None,
    "best_response": "PR",
}


def lesion(i: int, organ: str = "bone", status: str | None = None) -> dict[str, Any]:
    return {
        "id": f"L{i}",
        "organ": organ,
        "pattern": "discrete",
        "detected_date": "2026-08-15",
        "status": status,
        "amenable_to_lat": True,
    }


def features(engine: Engine, *scans: dict[str, Any], lesions: int = 2, **edit: Any) -> dict[str, Any]:
    staging = scan(
        "staging-ct", "2026-08-10", *((f"L{i}", "new") for i in range(1, lesions + 1)), purpose="staging"
    )
    therapies = edit.pop("systemic_therapy", [dict(FIRST_LINE)])
    doc = doc2(
        lesions=[lesion(i) for i in range(1, lesions + 1)],
        systemic_therapy=therapies,
        imaging=[staging, *scans],
        **edit,
    )
    return engine.evaluate_one(parse_case(doc)).features


# RECIST 1.1: a new lesion on the restaging is PD whatever the read response and the sizes
RESTAGING = [
    ([("L1", "responding"), ("L2", "stable")], "PR", "PR"),
    ([("L1", "responding"), ("L2", "stable")], "SD", "SD"),
    ([("L1", "responding"), ("L2", "new")], "PR", "PD"),  # new lesion: PD even if read PR
    # not evaluable: the read is unknown, so the range comes from the best response and the lesions
    ([("L1", "stable"), ("L2", "stable")], "NE", "PR"),  # nothing progressing: the PR continues
    ([("L1", "stable"), ("L2", None)], "NE", None),  # a lesion of unknown status: PR or PD
]


@pytest.mark.parametrize(("findings", "read", "expected"), RESTAGING)
def test_response_at_the_latest_restaging(
    engine: Engine, findings: list[tuple[str, str]], read: str, expected: str | None
) -> None:
    f = features(engine, scan("r1", "2026-09-25", *findings, response=read))
    assert f["current_line_response"] == expected
    assert f["current_line_restaging_date"] is not None


def test_latest_restaging_wins_over_an_earlier_one(engine: Engine) -> None:
    f = features(
        engine,
        scan("r1", "2026-09-01", ("L1", "responding"), ("L2", "responding"), response="PR"),
        scan("r2", "2026-09-28", ("L1", "stable"), ("L2", "stable"), response="SD"),
    )
    assert f["current_line_response"] == "SD" and str(f["current_line_restaging_date"]) == "2026-09-28"


def test_a_scan_before_the_line_started_is_not_its_restaging(engine: Engine) -> None:
    f = features(engine, scan("r0", "2026-08-18", ("L1", "stable"), ("L2", "stable"), response="SD"))
    assert f["current_line_restaging_date"] is None
    # no restaging read: best response PR and nothing progressing since, so PR continues (RECIST 1.1
    # clarification at recist.eortc.org: a confirmed PR stays PR until PD criteria are met)
    assert f["current_line_response"] == "PR"


def test_latest_imaging_present_new_and_residual(engine: Engine) -> None:
    f = features(
        engine,
        scan("r1", "2026-09-25", ("L1", "complete_response"), ("L2", "stable"), ("L3", "new"), response="PD"),
        lesions=3,
    )
    assert f["n_lesions_on_latest_imaging"] == 2  # L2 and the new L3; L1 in complete response is not present
    assert f["n_new_since_previous_scan"] == 1
    assert f["n_residual_metastases"] == 2
    assert f["progression_on_systemic_therapy"] is True  # L3 new while first line runs
    assert f["first_line_benefit_months"] == 1  # 36 days: one complete calendar month


def test_case1_has_no_timeline_facts(engine: Engine) -> None:
    f = features(engine)
    assert f["n_lesions_on_latest_imaging"] == 2  # the staging scan records both lesions as new
    assert f["n_new_since_previous_scan"] is None  # no earlier scan to compare with
    from tests.support.cases import build

    v1 = engine.evaluate_one(build()).features
    assert v1["n_lesions_on_latest_imaging"] is None and v1["current_line_restaging_date"] is None


PRIMARY = [
    # (local treatments, primary status, curative?, date)
    (
        [
            {
                "id": "T1",
                "target": "primary",
                "modality": "surgery",
                "intent": "curative",
                "date": "2024-02-01",
                "margin": "R0",
            }
        ],
        "resected",
        True,
        "2024-02-01",
    ),
    (
        [
            {
                "id": "T1",
                "target": "primary",
                "modality": "conventional_rt",
                "intent": "palliative",
                "date": "2024-02-01",
            }
        ],
        "controlled",
        False,
        None,
    ),
    ([], "untreated", False, None),
    (None, "resected", True, None),  # no timeline: the case@1 status (resected = treated definitively)
    (None, "progressing", None, None),
]


@pytest.mark.parametrize(("treatments", "status", "curative", "day"), PRIMARY)
def test_curative_treatment_of_the_primary(
    engine: Engine,
    treatments: list[dict[str, Any]] | None,
    status: str,
    curative: bool | None,
    day: str | None,
) -> None:
    f = features(
        engine,
        local_treatments=treatments,
        primary={"status": status},
        tumour={"diagnosis_date": "2024-01-10"},
    )
    assert f["primary_curative_treatment"] is curative
    assert (
        str(f["primary_curative_treatment_date"]) if f["primary_curative_treatment_date"] else None
    ) == day


LINES = [
    # therapies, current line, complete calendar months on it (the one month convention of features.sql)
    ([FIRST_LINE], 1, 1),  # 42 days
    (
        [FIRST_LINE | {"end_date": "2026-09-01"}, {"line": 2, "start_date": "2026-09-02", "end_date": None}],
        2,
        0,  # 29 days: not yet a complete month
    ),
    ([FIRST_LINE, {"line": None, "start_date": "2026-09-02"}], None, None),  # an unnumbered line may be later
    ([], 0, None),
]


@pytest.mark.parametrize(("therapies", "line", "months"), LINES)
def test_current_line_and_months_on_it(
    engine: Engine, therapies: list[dict[str, Any]], line: int | None, months: float | None
) -> None:
    f = features(engine, systemic_therapy=therapies)
    assert f["current_line"] == line
    assert f["current_line_months"] == (pytest.approx(months) if months is not None else None)


def test_a_scan_read_as_showing_nothing_is_the_latest_imaging(engine: Engine) -> None:
    """`findings: []` is a read scan that saw none of the lesions (docs/case-contract.md); omitted is unread."""
    empty = scan("r1", "2026-09-25", response="CR")
    assert features(engine, empty)["n_lesions_on_latest_imaging"] == 0
    unread = scan("r1", "2026-09-25", response="CR") | {"findings": None}
    f = features(engine, unread)
    assert str(f["latest_imaging_date"]) == "2026-08-10" and f["n_lesions_on_latest_imaging"] == 2
