"""Course checks at every rule boundary; unknown input gives unknown, never pass.

Expected limits come from the rule sources: seed 002 (DLCG, BED10 > 75 Gy strictly), seed 000
(NCT01282450: EQD2 >= 60 Gy to metastases, cord Dmax 54 Gy, plexus Dmax 66 Gy, MLD 20 ± 1 Gy), seed 004
(NCT06523673: 27-70 Gy in 3-10 fx), HyTEC cord (20.3 Gy / 3 fx) and TG-101 (plexus 24 Gy / 3 fx).
"""

from __future__ import annotations

import pytest

from oligoboard.dose.course_checks import check_courses
from oligoboard.dose.reirradiation import cumulative_eqd2
from tests.dose.courses import Course, Oar


def status(course: Course, rule_id: str) -> str | None:
    checks = check_courses([course])[0]["checks"]
    assert isinstance(checks, list)
    found = [c for c in checks if c["id"] == rule_id]
    return str(found[0]["status"]) if found else None


@pytest.mark.parametrize(
    ("dose", "n", "expected"),
    [(50, 10, "fail"), (50.1, 10, "pass"), (60, 30, "fail"), (45, 3, "pass"), (None, 3, "unknown")],
)
def test_dlcg_ablative_bed10_strictly_greater_than_75(dose: float | None, n: int, expected: str) -> None:
    assert status(Course(total_dose_gy=dose, fractions=n), "dlcg-2025-ablative-bed10") == expected


def test_dlcg_rule_not_applied_to_conventional_or_primary() -> None:
    assert status(Course(technique="imrt"), "dlcg-2025-ablative-bed10") is None
    assert status(Course(target="primary"), "dlcg-2025-ablative-bed10") is None
    assert status(Course(technique=None), "dlcg-2025-ablative-bed10") == "unknown"


@pytest.mark.parametrize(("dose", "n", "expected"), [(60, 30, "pass"), (59.9, 30, "fail"), (50, 10, "pass")])
def test_nct01282450_metastasis_eqd2_at_least_60(dose: float, n: int, expected: str) -> None:
    course = Course(technique="imrt", total_dose_gy=dose, fractions=n)
    assert status(course, "nct01282450-metastasis-eqd2") == expected


@pytest.mark.parametrize(
    ("dose", "n", "expected"),
    [
        (27, 3, "pass"),
        (26.9, 3, "fail"),
        (70, 10, "pass"),
        (70.1, 10, "fail"),
        (30, 2, "fail"),
        (60, 11, "fail"),
    ],
)
def test_nct06523673_sbrt_range(dose: float, n: int, expected: str) -> None:
    assert status(Course(total_dose_gy=dose, fractions=n), "nct06523673-sbrt-range") == expected


@pytest.mark.parametrize(
    ("oar", "rule", "expected"),
    [
        (Oar(spinal_cord_dmax_gy=54.0), "nct01282450-spinal-cord-dmax", "pass"),
        (Oar(spinal_cord_dmax_gy=54.01), "nct01282450-spinal-cord-dmax", "fail"),
        (Oar(brachial_plexus_dmax_gy=66.0), "nct01282450-brachial-plexus-dmax", "pass"),
        (Oar(brachial_plexus_dmax_gy=66.1), "nct01282450-brachial-plexus-dmax", "fail"),
        (Oar(), "nct01282450-spinal-cord-dmax", "unknown"),
    ],
)
def test_nct01282450_conventional_oar_limits(oar: Oar, rule: str, expected: str) -> None:
    assert status(Course(technique="vmat", total_dose_gy=60, fractions=30, oar=oar), rule) == expected


@pytest.mark.parametrize(
    ("mld", "expected"), [(19.0, "pass"), (21.0, "pass"), (18.9, "fail"), (21.1, "fail")]
)
def test_primary_mld_band(mld: float, expected: str) -> None:
    course = Course(
        target="primary", technique="imrt", total_dose_gy=60, fractions=30, oar=Oar(mean_lung_dose_gy=mld)
    )
    assert status(course, "nct01282450-primary-mld") == expected


@pytest.mark.parametrize(
    ("oar", "n", "rule", "expected"),
    [
        (Oar(spinal_cord_dmax_gy=20.3), 3, "hytec-spinal-cord-dmax-sbrt", "pass"),
        (Oar(spinal_cord_dmax_gy=20.4), 3, "hytec-spinal-cord-dmax-sbrt", "fail"),
        (Oar(spinal_cord_dmax_gy=25.3), 5, "hytec-spinal-cord-dmax-sbrt", "pass"),
        (Oar(spinal_cord_dmax_gy=10.0), 8, "hytec-spinal-cord-dmax-sbrt", "unknown"),
        (Oar(brachial_plexus_dmax_gy=24.0), 3, "tg101-brachial-plexus-dmax-sbrt", "pass"),
        (Oar(brachial_plexus_dmax_gy=24.1), 3, "tg101-brachial-plexus-dmax-sbrt", "fail"),
        (Oar(esophagus_dmax_gy=35.0), 5, "tg101-esophagus-dmax-sbrt", "pass"),
        (Oar(esophagus_dmax_gy=35.1), 5, "tg101-esophagus-dmax-sbrt", "fail"),
    ],
)
def test_sbrt_oar_limits_by_fraction_number(oar: Oar, n: int, rule: str, expected: str) -> None:
    assert status(Course(total_dose_gy=8.0 * n, fractions=n, oar=oar), rule) == expected


def test_contract_shape_and_none() -> None:
    assert check_courses(None) == []
    result = check_courses([Course()])
    assert result[0]["course"] == "RT1"
    checks = result[0]["checks"]
    assert isinstance(checks, list)
    for check in checks:
        assert {"id", "status", "value", "limit", "source", "verified"} <= set(check)
        assert check["status"] in {"pass", "fail", "unknown"}


def test_cumulative_eqd2_sums_courses_with_alpha_beta_2_for_cord() -> None:
    """Cord α/β 2: 20 Gy/5 fx → EQD2 30 Gy; 30 Gy/10 fx → 37.5 Gy; sum 67.5 ≤ 70 (HyTEC re-irradiation)."""
    courses = [
        Course(id="RT1", fractions=5, oar=Oar(spinal_cord_dmax_gy=20.0)),
        Course(id="RT2", fractions=10, oar=Oar(spinal_cord_dmax_gy=30.0)),
    ]
    cord = next(e for e in cumulative_eqd2(courses) if e["organ"] == "spinal_cord")
    assert cord["cumulative_eqd2_gy"] == pytest.approx(67.5)
    assert cord["check"]["status"] == "pass"  # type: ignore[index]
    plexus = next(e for e in cumulative_eqd2(courses) if e["organ"] == "brachial_plexus")
    assert plexus["cumulative_eqd2_gy"] is None
    assert plexus["check"]["status"] == "unknown"  # type: ignore[index]
