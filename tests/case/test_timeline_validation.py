"""case@2 contradictions are errors naming the field (exit 2); a consistent timeline is valid.

Source: the case@2 frame (/work/notes/case_v2.md, quoted per row) and docs/case-contract.md "Contradictions".
"""

from __future__ import annotations

from typing import Any

import pytest

from oligoboard.case.validate import parse_case
from oligoboard.errors import CaseValidationError
from tests.case.v2 import build2, doc2, scan
from tests.support.cases import lesion

SURGERY = {"id": "LT1", "target": "primary", "modality": "surgery", "intent": "curative", "margin": "R0"}
COURSE = {"id": "RT1", "target": "L1", "technique": "sbrt", "total_dose_gy": 45.0, "fractions": 3}


def problems_of(document: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(CaseValidationError) as info:
        parse_case(document)
    return [(p.path, p.message) for p in info.value.problems]


# (edit, path, phrase in the message, the frame's words)
INVALID = [
    (
        dict(imaging=[scan("S1", "2026-09-01"), scan("S1", "2026-09-20")]),
        "imaging[1].id",
        "duplicate scan id",
    ),
    # "findings: [ { lesion: <lesion id, must exist> ..."
    (
        dict(imaging=[scan("S1", "2026-09-01", ("L9", "stable"))]),
        "imaging[0].findings[0].lesion",
        "not the id of a lesion",
    ),
    (
        dict(imaging=[scan("S1", "2026-09-01", ("L1", "new"), ("L1", "new"))]),
        "imaging[0].findings[1].lesion",
        "read twice",
    ),
    (dict(imaging=[scan("S1", "2026-10-02")]), "imaging[0].date", "after assessment_date"),
    (dict(imaging=[{"id": "S1", "modality": "pet"}]), "imaging[0].modality", "is not one of"),
    (dict(imaging=[{"id": "S1", "response": "iCR"}]), "imaging[0].response", "is not one of"),
    (dict(imaging=[{"date": "2026-09-01"}]), "imaging[0].id", "required"),  # "id (required, unique)"
    # "target: "primary" | <lesion id>"
    (dict(local_treatments=[{**SURGERY, "target": "L9"}]), "local_treatments[0].target", "neither 'primary'"),
    # "margin: R0 | R1 | R2 (surgery only; error otherwise)"
    (
        dict(local_treatments=[{**SURGERY, "modality": "sbrt"}]),
        "local_treatments[0].margin",
        "only meaningful",
    ),
    (dict(local_treatments=[SURGERY, SURGERY]), "local_treatments[1].id", "duplicate treatment id"),
    (
        dict(local_treatments=[{**SURGERY, "date": "2026-10-02"}]),
        "local_treatments[0].date",
        "after assessment_date",
    ),
    # "rt_course: <radiotherapy course id, optional>"
    (
        dict(local_treatments=[{"id": "LT1", "target": "L1", "modality": "sbrt", "rt_course": "RT9"}]),
        "local_treatments[0].rt_course",
        "not the id of a course",
    ),
    # "A lesion with `treated: false` and a local treatment targeting it is a contradiction (exit 2)."
    (
        dict(local_treatments=[{"id": "LT1", "target": "L1", "modality": "sbrt"}]),
        "lesions[0].treated",
        "is false",
    ),
    # "a lesion summary that contradicts the latest finding is a validation error (exit 2)" (summary: new)
    (
        dict(
            imaging=[scan("S1", "2026-08-10", ("L1", "new")), scan("S2", "2026-09-20", ("L1", "responding"))]
        ),
        "lesions[0].status",
        "contradicts the status of the latest scan finding",
    ),
    (
        dict(radiotherapy_courses=[{**COURSE, "start_date": "2026-09-10", "end_date": "2026-09-01"}]),
        "radiotherapy_courses[0].end_date",
        "before start_date",
    ),
    (
        dict(radiotherapy_courses=[{**COURSE, "end_date": "2026-10-02"}]),
        "radiotherapy_courses[0].end_date",
        "after assessment_date",
    ),
    (
        dict(systemic_therapy=[{"line": 1, "end_reason": "progressed"}]),
        "systemic_therapy[0].end_reason",
        "is not one of",
    ),
    (
        dict(staging={"fdg_pet_ct_date": "2026-08-10"}),
        "staging.fdg_pet_ct_date",
        "unknown field",
    ),  # moved to imaging
]


@pytest.mark.parametrize(("edit", "path", "phrase"), INVALID)
def test_contradictions_name_the_field(edit: dict[str, Any], path: str, phrase: str) -> None:
    found = problems_of(doc2(**edit))
    assert any(p == path and phrase in m for p, m in found), found


VALID = [
    # the summary agrees with the latest finding; an earlier finding may differ (it is history)
    dict(imaging=[scan("S1", "2026-08-10", ("L1", "stable")), scan("S2", "2026-09-20", ("L1", "new"))]),
    # a summary may be given without any finding, or findings without a summary status
    dict(imaging=[scan("S1", "2026-09-20")]),
    dict(
        lesions=[lesion(1, "adrenal", status=None)], imaging=[scan("S1", "2026-09-20", ("L1", "responding"))]
    ),
    # latest not settled (undated scan, or same-day reads disagreeing): nothing to contradict
    dict(imaging=[scan("S1", "2026-09-20", ("L1", "new")), scan("S2", None, ("L1", "stable"))]),
    dict(imaging=[scan("S1", "2026-09-20", ("L1", "new")), scan("S2", "2026-09-20", ("L1", "stable"))]),
    # a margin with an unknown modality might be surgical; treated true or unknown with a treatment is fine
    dict(local_treatments=[{**SURGERY, "modality": None}]),
    dict(lesions=[lesion(1, "adrenal", treated=True)], local_treatments=[{"id": "LT1", "target": "L1"}]),
    dict(lesions=[lesion(1, "adrenal", treated=None)], local_treatments=[{"id": "LT1", "target": "L1"}]),
    dict(
        lesions=[lesion(1, "adrenal", treated=True)],
        radiotherapy_courses=[
            {**COURSE, "protocol": "NCT01282450", "start_date": "2026-09-10", "end_date": "2026-09-14"}
        ],
        local_treatments=[
            {"id": "LT1", "target": "L1", "modality": "sbrt", "intent": "ablative", "rt_course": "RT1"}
        ],
    ),
    dict(imaging=[], local_treatments=[]),
]


@pytest.mark.parametrize("edit", VALID)
def test_consistent_timelines_are_valid(edit: dict[str, Any]) -> None:
    assert build2(**edit).schema_ == "oligoboard/case@2"


def test_every_timeline_problem_is_reported_at_once() -> None:
    document = doc2(
        imaging=[scan("S1", "2026-09-01", ("L9", "stable")), scan("S1", "2026-09-20")],
        local_treatments=[{**SURGERY, "modality": "rfa", "target": "L7"}],
    )
    paths = {p for p, _ in problems_of(document)}
    assert {
        "imaging[1].id",
        "imaging[0].findings[0].lesion",
        "local_treatments[0].margin",
        "local_treatments[0].target",
    } <= paths


def test_messages_do_not_echo_identifiers() -> None:
    """Lesion and scan ids come from the file: the new timeline messages name paths, not values."""
    document = doc2(
        imaging=[scan("SECRET-ID", "2026-09-01", ("SECRET-LESION", "new")), scan("SECRET-ID", None)]
    )
    with pytest.raises(CaseValidationError) as info:
        parse_case(document)
    assert "SECRET" not in info.value.render()
