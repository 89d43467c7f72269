"""The radiotherapy sections of an assessment: checks per course and cumulative EQD2 (rendered by `report/`)."""

from __future__ import annotations

from collections.abc import Sequence

from oligoboard.dose.course_checks import CourseLike, check_courses
from oligoboard.dose.reirradiation import reirradiation_summary


def radiotherapy_section(courses: Sequence[CourseLike] | None) -> list[dict[str, object]]:
    """The `radiotherapy` section: regimen and OAR checks per course of the case."""
    return check_courses(courses)


def cumulative_section(courses: Sequence[CourseLike] | None) -> dict[str, object] | None:
    """The `radiotherapy_cumulative` section: cumulative EQD2 per organ when two or more courses reach it."""
    return reirradiation_summary(courses or [])
