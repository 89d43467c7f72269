"""The radiotherapy sections of an assessment: checks per course and cumulative EQD2 (rendered by `report/`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from oligoboard.dose import lq
from oligoboard.dose.course_checks import CourseLike, check_courses, compare
from oligoboard.dose.reirradiation import reirradiation_summary

if TYPE_CHECKING:  # contract TypedDicts: for mypy only, not built at run time (≈ 3 ms of `assess`)
    from oligoboard.dose.models import (
        CourseCheck,
        Cumulative,
        RadiotherapyCourse,
        RegimenConflict,
        RegimenReading,
    )
    from oligoboard.guidelines.ablative import AblativeDefinition


def _ablative_conflict(
    course: CourseLike, check: CourseCheck, ablative: AblativeDefinition
) -> RegimenConflict:
    """The ablative BED check under every reading of the threshold's source conflict ("> 75" vs "≥ 75").

    The value is recomputed from the course (not the rounded `value` shown) and compared with the same
    rounding as the check itself (`course_checks.compare`), so the applied reading repeats the check's status.
    """
    assert ablative.conflict is not None
    dose, n = course.total_dose_gy, course.fractions
    known = check["status"] != "unknown" and dose is not None and n is not None
    value = lq.bed(dose, n, ablative.alpha_beta_gy) if known and dose is not None and n is not None else None
    readings: list[RegimenReading] = []
    for reading in ablative.conflict.readings:
        assert reading.operator is not None  # AblativeInfo refuses a reading without one
        status = "unknown"
        if value is not None:
            met = compare(value, reading.operator, ablative.bed_threshold_gy)
            status = "ablative" if met else "not_ablative"  # the words of the statement check itself
        readings.append(
            {
                "id": reading.id,
                "source": reading.source,
                "phrase": reading.phrase,
                "limit": f"BED{ablative.alpha_beta_gy:g} {reading.operator} {ablative.bed_threshold_gy:g} Gy",
                "status": status,
                "applied": reading.id == ablative.conflict.applied,
            }
        )
    return {
        "applied": ablative.conflict.applied,
        "why": " ".join(ablative.conflict.why.split()),
        "decisive": len({r["status"] for r in readings}) > 1,
        "readings": readings,
    }


def radiotherapy_section(
    courses: Sequence[CourseLike] | None, ablative: AblativeDefinition | None = None
) -> list[RadiotherapyCourse]:
    """The `radiotherapy` section: regimen and OAR checks per course of the case.

    With `ablative` (the guideline's ablative-dose statement), its regimen check gets a `conflict` key when
    the statement carries a source conflict; every other check is as `check_courses` made it.
    """
    # `check_courses` (course_checks.py) builds plain dicts with exactly these keys; the contract test
    # (tests/assessment/test_contract.py) validates them against `RadiotherapyCourse` at runtime
    out = cast("list[RadiotherapyCourse]", check_courses(courses))
    if ablative is None or ablative.conflict is None:
        return out
    for course, entry in zip(courses or [], out, strict=True):
        for check in entry["checks"]:
            if check["id"] == ablative.regimen_rule:
                check["conflict"] = _ablative_conflict(course, check, ablative)
    return out


def cumulative_section(courses: Sequence[CourseLike] | None) -> Cumulative | None:
    """The `radiotherapy_cumulative` section: cumulative EQD2 per organ when two or more courses reach it."""
    return cast("Cumulative | None", reirradiation_summary(courses or []))
