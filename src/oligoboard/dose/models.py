"""Typed models of the `radiotherapy` and `radiotherapy_cumulative` sections (issue 10).

`TypedDict`s from `typing_extensions` (pydantic validates them at runtime in the contract test on Python
3.11): the JSON of `assess --json` is unchanged, mypy checks the keys builders write and `report/` reads.
A check carries only the keys its rule and course give (`course_checks._check` drops None extras), hence
the `NotRequired` keys.
"""

from __future__ import annotations

from typing import NotRequired

from typing_extensions import TypedDict


class RegimenReading(TypedDict):
    """The ablative BED check under one reading of the threshold's source conflict."""

    id: str
    source: str
    phrase: str
    limit: str
    status: str
    applied: bool


class RegimenConflict(TypedDict):
    """The ablative BED check under every reading; `decisive` when the readings disagree for this course."""

    applied: str
    why: str
    decisive: bool
    readings: list[RegimenReading]


class CourseCheck(TypedDict):
    """One regimen or organ-at-risk check of a course."""

    id: str
    status: str
    value: float | None
    limit: str
    basis: str
    role: str
    source: str
    verified: bool
    note: NotRequired[str]
    metric: NotRequired[str]
    organ: NotRequired[str]
    reason: NotRequired[str]
    warning: NotRequired[str]
    comparison: NotRequired[str]
    comparison_mode: NotRequired[str]
    value_eqd2_gy: NotRequired[float]
    alpha_beta_gy: NotRequired[float]
    alpha_beta_source: NotRequired[str]
    alpha_beta_verified: NotRequired[bool]
    conflict: NotRequired[RegimenConflict]


class ProtocolNote(TypedDict):
    """The protocol a course names, and whether the knowledge has course rules for it."""

    named: str
    known: bool
    note: NotRequired[str]
    protocol: NotRequired[str]


class RadiotherapyCourse(TypedDict):
    """One course of the `radiotherapy` section: its checks, in knowledge order."""

    course: str
    checks: list[CourseCheck]
    protocol: NotRequired[ProtocolNote]


class CourseDose(TypedDict):
    """One course's dose to an organ and its EQD2 (None when the dose or fractions are unknown)."""

    course: str
    dose_gy: float | None
    fractions: NotRequired[int]
    eqd2_gy: float | None


class CumulativeCheck(TypedDict):
    """The cumulative EQD2 limit of an organ and its status."""

    id: str
    status: str
    value: float | None
    limit: str
    source: str
    verified: bool


class CumulativeOrgan(TypedDict):
    """Cumulative EQD2 of one organ that two or more courses reach."""

    organ: str
    field: str
    alpha_beta_gy: float
    alpha_beta_source: str
    alpha_beta_verified: bool
    courses: list[CourseDose]
    cumulative_eqd2_gy: float | None
    missing_courses: list[str]
    assumptions: str
    check: NotRequired[CumulativeCheck]
    courses_touching: list[str]
    known_courses_eqd2_gy: NotRequired[float]


class CumulativeAssumptions(TypedDict):
    """The LQ, fractionation, repair and α/β assumptions of the cumulative sum, stated once."""

    model: str
    fractionation: str
    repair: str
    alpha_beta: str


class Cumulative(TypedDict):
    """The `radiotherapy_cumulative` section (None in the contract when nothing is re-irradiated)."""

    assumptions: CumulativeAssumptions
    organs: list[CumulativeOrgan]
