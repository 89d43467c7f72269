"""``reirradiation_summary``: cumulative EQD2 per organ irradiated by two or more courses, or None.

Oracle: hand-computed LQ, EQD2 = D (d + α/β) / (2 + α/β), α/β from alpha_beta.yaml (cord 2 Gy, lung 3 Gy);
the cord limit is the HyTEC cumulative EQD2 ≤ 70 Gy (reirradiation.yaml). Values compared to 1e-3 Gy.
"""

from __future__ import annotations

import doctest

import pytest

from oligoboard.dose import reirradiation
from oligoboard.dose.course_checks import check_courses
from oligoboard.dose.reirradiation import reirradiation_summary
from tests.dose.courses import Course, Oar


def course(course_id: str, fractions: int | None, oar: Oar | None, technique: str | None = "sbrt") -> Course:
    """A 30 Gy course to lesion L1: only the fractions and the organ doses vary in these tests."""
    return Course(id=course_id, fractions=fractions, oar=oar, technique=technique, total_dose_gy=30.0)


def organs(summary: dict[str, object] | None) -> dict[str, dict[str, object]]:
    assert summary is not None
    entries = summary["organs"]
    assert isinstance(entries, list)
    return {str(e["organ"]): e for e in entries}


@pytest.mark.parametrize(
    "courses",
    [
        None,
        [],
        [course("RT1", 5, Oar(spinal_cord_dmax_gy=20.0))],
        [course("RT1", 5, Oar(spinal_cord_dmax_gy=20.0)), course("RT2", 30, Oar(mean_lung_dose_gy=15.0))],
        [course("RT1", 5, Oar(spinal_cord_dmax_gy=20.0)), course("RT2", 10, Oar(spinal_cord_dmax_gy=0.0))],
        [course("RT1", 5, Oar(spinal_cord_dmax_gy=20.0)), course("RT2", 10, None)],
    ],
    ids=["unknown", "none", "one-course", "different-organs", "zero-dose", "no-oar-data"],
)
def test_none_without_an_organ_irradiated_twice(courses: list[Course] | None) -> None:
    assert reirradiation_summary(courses) is None


def test_cord_sum_with_alpha_beta_2_and_stated_assumptions() -> None:
    """20 Gy/5 fx → 30.0 Gy EQD2₂; 30 Gy/10 fx → 37.5 Gy; sum 67.5 ≤ 70 Gy (pass)."""
    courses = [
        course("RT1", 5, Oar(spinal_cord_dmax_gy=20.0, brachial_plexus_dmax_gy=10.0)),
        course("RT2", 10, Oar(spinal_cord_dmax_gy=30.0)),
    ]
    summary = reirradiation_summary(courses)
    by_organ = organs(summary)
    assert set(by_organ) == {"spinal_cord"}  # the plexus is irradiated by one course only
    cord = by_organ["spinal_cord"]
    assert cord["cumulative_eqd2_gy"] == pytest.approx(67.5, abs=1e-3)
    assert [c["eqd2_gy"] for c in cord["courses"]] == pytest.approx([30.0, 37.5])  # type: ignore[attr-defined]
    assert cord["alpha_beta_gy"] == 2
    assert cord["alpha_beta_source"]
    assert cord["courses_touching"] == ["RT1", "RT2"]
    assert cord["check"]["status"] == "pass"  # type: ignore[index]
    assert summary is not None
    assumptions = summary["assumptions"]
    assert isinstance(assumptions, dict)
    assert "no recovery between courses" in assumptions["repair"]
    assert "no time factor" in assumptions["model"]


def test_cord_over_cumulative_limit_fails() -> None:
    """30 Gy/10 fx twice: 37.5 + 37.5 = 75 Gy EQD2₂ > 70 Gy."""
    courses = [course(f"RT{i}", 10, Oar(spinal_cord_dmax_gy=30.0)) for i in (1, 2)]
    cord = organs(reirradiation_summary(courses))["spinal_cord"]
    assert cord["cumulative_eqd2_gy"] == pytest.approx(75.0, abs=1e-3)
    assert cord["check"]["status"] == "fail"  # type: ignore[index]


def test_unknown_third_course_gives_unknown_sum_and_a_lower_bound() -> None:
    courses = [
        course("RT1", 5, Oar(spinal_cord_dmax_gy=20.0)),
        course("RT2", 10, Oar(spinal_cord_dmax_gy=30.0)),
        course("RT3", None, Oar(spinal_cord_dmax_gy=8.0)),
    ]
    cord = organs(reirradiation_summary(courses))["spinal_cord"]
    assert cord["cumulative_eqd2_gy"] is None
    assert cord["missing_courses"] == ["RT3"]
    assert cord["known_courses_eqd2_gy"] == pytest.approx(67.5, abs=1e-3)
    assert cord["check"]["status"] == "unknown"  # type: ignore[index]


def test_lung_mean_dose_with_alpha_beta_3_is_flagged_as_approximation() -> None:
    """MLD 20 Gy/30 fx → 20 (2/3 + 3)/5 = 14.667 Gy; 10 Gy/5 fx → 10 (2 + 3)/5 = 10 Gy; sum 24.667 Gy."""
    courses = [
        course("RT1", 30, Oar(mean_lung_dose_gy=20.0), technique="imrt"),
        course("RT2", 5, Oar(mean_lung_dose_gy=10.0)),
    ]
    lungs = organs(reirradiation_summary(courses))["lungs"]
    assert lungs["alpha_beta_gy"] == 3
    assert lungs["cumulative_eqd2_gy"] == pytest.approx(24.667, abs=1e-3)
    assert "approximation" in str(lungs["assumptions"])
    assert "check" not in lungs  # no cumulative lung limit in reirradiation.yaml


def test_check_courses_contract_is_unchanged() -> None:
    courses = [
        course("RT1", 5, Oar(spinal_cord_dmax_gy=20.0)),
        course("RT2", 10, Oar(spinal_cord_dmax_gy=30.0)),
    ]
    result = check_courses(courses)
    assert [set(entry) for entry in result] == [{"course", "checks"}] * 2


def test_docstring_example_runs() -> None:
    failures, tried = doctest.testmod(reirradiation)
    assert tried > 0 and failures == 0
