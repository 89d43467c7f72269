"""Radiotherapy: LQ dose arithmetic, regimen/OAR checks on case courses, DICOM RT DVHs and plan checks."""

from __future__ import annotations

from oligoboard.dose.course_checks import CourseLike, OarLike, check_courses
from oligoboard.dose.lq import bed, convert, eqd2
from oligoboard.dose.reirradiation import cumulative_eqd2, reirradiation_summary

__all__ = [
    "CourseLike",
    "OarLike",
    "bed",
    "check_courses",
    "convert",
    "cumulative_eqd2",
    "eqd2",
    "reirradiation_summary",
]
