"""Course checks by context: which rules a course gets, which comparison each makes, at every boundary.

Every table quotes its source. Seed 002 (DLCG 2025): "LAT kan anses ablativ, hvis stereotaktisk
stralebehandling gives med en biologisk effektiv dosis (BED) > 75 Gy". Seed 000 (NCT01282450, MAASTRO):
"all metastatic sites to a minimal biological equivalent of 60Gy in 30 daily fractions", "spinal cord max:
54Gy, brachial plexus (Dmax): 66Gy", "to an MLD (Mean Lung Dose) of 20 +/- 1Gy". Seed 004 (NCT06523673):
"appropriate radiotherapy doses covering 27-70 Gy/3-10 Fractions". Reference note §2.3 (HyTEC cord, 20.3 Gy
/ 3 fx, 25.3 Gy / 5 fx), §2.1 (TG-101 plexus 24 Gy / 3 fx, oesophagus 35 Gy / 5 fx), §3.1 (NCCN Table 5,
"Spinal cord Max ≤ 50 Gy", "MLD ≤ 20 Gy"), §1.2 (α/β: cord 2 Gy, lung 3 Gy). EQD2 = D (d + α/β) / (2 + α/β)
is computed by hand in each row's comment.
"""

from __future__ import annotations

import pytest

from oligoboard.dose.course_checks import check_course, check_courses
from oligoboard.dose.reirradiation import cumulative_eqd2
from tests.dose.courses import Course, Oar


def checks_of(course: Course) -> dict[str, dict[str, object]]:
    checks = check_course(course)["checks"]
    assert isinstance(checks, list)
    return {str(c["id"]): c for c in checks}


def status(course: Course, rule_id: str) -> str | None:
    found = checks_of(course).get(rule_id)
    return None if found is None else str(found["status"])


# --- which rules: the protocol a course names, and only that one ---------------------------------------


def test_course_without_protocol_gets_nothing_trial_specific() -> None:
    """30 Gy/5 fx SBRT to a bone metastasis off trial: the closed MAASTRO trial's 'minimal biological
    equivalent of 60Gy' and the Zhejiang '27-70 Gy/3-10 Fractions' are not its rules; nothing fails."""
    course = Course(
        target="B1", technique="sbrt", total_dose_gy=30, fractions=5, oar=Oar(spinal_cord_dmax_gy=20)
    )
    checks = checks_of(course)
    assert not [rule for rule in checks if rule.startswith("nct")]
    assert all(c["status"] != "fail" for c in checks.values())
    assert checks["hytec-spinal-cord-dmax-sbrt"]["status"] == "pass"
    assert checks["hytec-spinal-cord-dmax-sbrt"]["basis"] == "general"
    # BED10 = 30 (1 + 6/10) = 48: the DLCG reading is "not ablative", not a failure.
    assert checks["dlcg-2025-ablative-bed10"]["status"] == "not_ablative"
    assert checks["dlcg-2025-ablative-bed10"]["basis"] == "guideline"


@pytest.mark.parametrize(
    ("protocol", "expected_ids", "absent_ids"),
    [
        (
            "NCT01282450",
            {
                "nct01282450-metastasis-eqd2",
                "nct01282450-spinal-cord-dmax",
                "nct01282450-brachial-plexus-dmax",
            },
            {"nct06523673-sbrt-range", "dlcg-2025-ablative-bed10", "hytec-spinal-cord-dmax-sbrt"},
        ),
        ("nct01282450", {"nct01282450-metastasis-eqd2"}, {"nct06523673-sbrt-range"}),
        (
            "NCT06523673",
            {"nct06523673-sbrt-range", "hytec-spinal-cord-dmax-sbrt"},
            {"nct01282450-metastasis-eqd2", "nct01282450-spinal-cord-dmax", "dlcg-2025-ablative-bed10"},
        ),
    ],
)
def test_course_is_checked_against_the_protocol_it_names_only(
    protocol: str, expected_ids: set[str], absent_ids: set[str]
) -> None:
    course = Course(target="L1", technique="sbrt", total_dose_gy=30, fractions=5, protocol=protocol)
    ids = set(checks_of(course))
    assert expected_ids <= ids
    assert not (absent_ids & ids)


def test_protocol_leaves_other_organs_to_the_general_limits() -> None:
    """NCT01282450 states cord and plexus only: the oesophagus keeps its general TG-101 limit."""
    course = Course(total_dose_gy=30, fractions=5, protocol="NCT01282450", oar=Oar(esophagus_dmax_gy=36.0))
    checks = checks_of(course)
    assert checks["tg101-esophagus-dmax-sbrt"]["status"] == "fail"
    assert checks["nct01282450-spinal-cord-dmax"]["basis"] == "protocol NCT01282450"


def test_unknown_protocol_is_said_and_general_limits_apply() -> None:
    result = check_course(Course(protocol="NCT99999999"))
    assert result["protocol"] == {
        "named": "NCT99999999",
        "known": False,
        "note": "protocol 'NCT99999999' has no course rules in the knowledge: general limits only",
    }
    checks = result["checks"]
    assert isinstance(checks, list)
    assert {"dlcg-2025-ablative-bed10", "hytec-spinal-cord-dmax-sbrt"} <= {c["id"] for c in checks}


# --- the DLCG statement ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dose", "n", "expected"),
    [
        (50, 10, "not_ablative"),  # BED10 = 50 (1 + 5/10) = 75.0: not > 75
        (50.1, 10, "ablative"),
        (60, 30, "not_ablative"),  # 72.0
        (45, 3, "ablative"),  # 112.5
        (None, 3, "unknown"),
    ],
)
def test_dlcg_ablative_bed10_strictly_greater_than_75(dose: float | None, n: int, expected: str) -> None:
    assert status(Course(total_dose_gy=dose, fractions=n), "dlcg-2025-ablative-bed10") == expected


def test_dlcg_statement_only_for_stereotactic_courses_to_a_metastasis() -> None:
    assert status(Course(technique="imrt"), "dlcg-2025-ablative-bed10") is None
    assert status(Course(target="primary"), "dlcg-2025-ablative-bed10") is None
    assert status(Course(technique=None), "dlcg-2025-ablative-bed10") == "unknown"


# --- trial rules on courses that name the trial ----------------------------------------------------------


@pytest.mark.parametrize(
    ("dose", "n", "technique", "expected"),
    [
        (60, 30, "imrt", "pass"),  # EQD2(α/β 10) = 60
        (59.9, 30, "imrt", "fail"),
        (50, 10, "imrt", "pass"),  # 62.5
        (30, 5, "sbrt", "fail"),  # 40.0: on this trial, below its minimum
    ],
)
def test_nct01282450_metastasis_minimal_biological_equivalent_of_60gy(
    dose: float, n: int, technique: str, expected: str
) -> None:
    course = Course(technique=technique, total_dose_gy=dose, fractions=n, protocol="NCT01282450")
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
def test_nct06523673_27_to_70_gy_in_3_to_10_fractions(dose: float, n: int, expected: str) -> None:
    course = Course(total_dose_gy=dose, fractions=n, protocol="NCT06523673")
    assert status(course, "nct06523673-sbrt-range") == expected


# --- which comparison: as stated, or in EQD2 with the organ's α/β --------------------------------------


@pytest.mark.parametrize(
    ("protocol", "dose", "n", "cord", "rule", "expected", "mode", "eqd2"),
    [
        # "spinal cord max: 54Gy", stated for the protocol's 2 Gy fractions.
        ("NCT01282450", 60, 30, 54.0, "nct01282450-spinal-cord-dmax", "pass", "as_stated", None),
        ("NCT01282450", 60, 30, 54.01, "nct01282450-spinal-cord-dmax", "fail", "as_stated", None),
        # 55 Gy / 20 fx: cord 50 Gy at 2.5 Gy/fx → 50 (2.5 + 2) / 4 = 56.25 > 54.
        ("NCT01282450", 55, 20, 50.0, "nct01282450-spinal-cord-dmax", "fail", "eqd2", 56.25),
        # 30 Gy / 5 fx SBRT on the trial: cord 20 Gy at 4 Gy/fx → 20 (4 + 2) / 4 = 30 ≤ 54.
        ("NCT01282450", 30, 5, 20.0, "nct01282450-spinal-cord-dmax", "pass", "eqd2", 30.0),
        # 54 Gy / 30 fx (1.8 Gy): cord 54 Gy → 54 (1.8 + 2) / 4 = 51.3 ≤ 54.
        ("NCT01282450", 54, 30, 54.0, "nct01282450-spinal-cord-dmax", "pass", "eqd2", 51.3),
        # NCCN Table 5 "Spinal cord Max ≤ 50 Gy", stated for 1.8-2 Gy fractions.
        (None, 60, 30, 50.0, "nccn-spinal-cord-dmax-conventional", "pass", "as_stated", None),
        (None, 54, 30, 50.1, "nccn-spinal-cord-dmax-conventional", "fail", "as_stated", None),
        (None, 55, 20, 50.0, "nccn-spinal-cord-dmax-conventional", "fail", "eqd2", 56.25),
        # 60 Gy / 8 fx: cord 30 Gy at 3.75 Gy/fx → 30 (3.75 + 2) / 4 = 43.125 ≤ 50.
        (None, 60, 8, 30.0, "nccn-spinal-cord-dmax-conventional", "pass", "eqd2", 43.125),
    ],
)
def test_limits_stated_for_another_fractionation_are_compared_in_eqd2(
    protocol: str | None,
    dose: float,
    n: int,
    cord: float,
    rule: str,
    expected: str,
    mode: str,
    eqd2: float | None,
) -> None:
    course = Course(
        technique="imrt",
        total_dose_gy=dose,
        fractions=n,
        oar=Oar(spinal_cord_dmax_gy=cord),
        protocol=protocol,
    )
    check = checks_of(course)[rule]
    assert (check["status"], check["comparison_mode"]) == (expected, mode)
    assert check.get("value_eqd2_gy") == (None if eqd2 is None else pytest.approx(eqd2, abs=1e-3))
    assert check["value"] == cord
    comparison = str(check["comparison"])
    assert comparison.startswith("in EQD2" if mode == "eqd2" else "as stated")
    if mode == "eqd2":
        assert "α/β 2 Gy" in comparison
        assert "2 Gy fractions" in comparison or "1.8-2 Gy fractions" in comparison


@pytest.mark.parametrize(
    ("cord", "fractions", "expected"),
    [
        (10.0, 30, "pass"),  # as stated 10 ≤ 54; EQD2 10 (0.33 + 2) / 4 = 5.8 ≤ 54: both agree
        (55.0, 30, "unknown"),  # as stated 55 > 54 fails; EQD2 55 (1.83 + 2) / 4 = 52.7 passes: disagree
        (10.0, None, "unknown"),  # no fraction number: neither comparison can be made
    ],
)
def test_unknown_dose_per_fraction_is_unknown_only_when_it_could_change_the_answer(
    cord: float, fractions: int | None, expected: str
) -> None:
    course = Course(
        technique="imrt",
        total_dose_gy=None,
        fractions=fractions,
        oar=Oar(spinal_cord_dmax_gy=cord),
        protocol="NCT01282450",
    )
    assert status(course, "nct01282450-spinal-cord-dmax") == expected


# --- prescription targets are on / off target, not organ limits -----------------------------------------


@pytest.mark.parametrize(
    ("mld", "expected"),
    [
        (19.0, "on_target"),
        (21.0, "on_target"),
        (18.9, "off_target"),
        (21.1, "off_target"),
        (14.0, "off_target"),
    ],
)
def test_maastro_primary_mld_20_plus_minus_1_is_a_target(mld: float, expected: str) -> None:
    """ "to an MLD (Mean Lung Dose) of 20 +/- 1Gy" for the primary: a dose to aim at."""
    course = Course(
        target="primary",
        technique="imrt",
        total_dose_gy=60,
        fractions=30,
        oar=Oar(mean_lung_dose_gy=mld),
        protocol="NCT01282450",
    )
    check = checks_of(course)["nct01282450-primary-mld"]
    assert (check["status"], check["role"]) == (expected, "target")
    assert check["limit"] == "20 ± 1 Gy (target)"
    assert "nccn-mean-lung-dose-conventional" not in checks_of(course)


def test_mld_14_gy_off_trial_is_checked_against_the_lung_limit_only() -> None:
    """Off trial an MLD of 14 Gy is far below NCCN's "MLD ≤ 20 Gy": it passes, no 20 ± 1 band."""
    for target in ("primary", "L1"):
        course = Course(
            target=target, technique="imrt", total_dose_gy=60, fractions=30, oar=Oar(mean_lung_dose_gy=14.0)
        )
        checks = checks_of(course)
        assert "nct01282450-primary-mld" not in checks
        assert checks["nccn-mean-lung-dose-conventional"]["status"] == "pass"


def test_maastro_metastasis_course_keeps_the_general_lung_limit() -> None:
    course = Course(
        technique="imrt",
        total_dose_gy=60,
        fractions=30,
        oar=Oar(mean_lung_dose_gy=21.0),
        protocol="NCT01282450",
    )
    checks = checks_of(course)
    assert "nct01282450-primary-mld" not in checks
    assert checks["nccn-mean-lung-dose-conventional"]["status"] == "fail"


# --- general SBRT tables by fraction number ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("oar", "n", "rule", "expected"),
    [
        (Oar(spinal_cord_dmax_gy=20.3), 3, "hytec-spinal-cord-dmax-sbrt", "pass"),
        (Oar(spinal_cord_dmax_gy=20.4), 3, "hytec-spinal-cord-dmax-sbrt", "fail"),
        (Oar(spinal_cord_dmax_gy=25.3), 5, "hytec-spinal-cord-dmax-sbrt", "pass"),
        (Oar(spinal_cord_dmax_gy=10.0), 8, "hytec-spinal-cord-dmax-sbrt", None),  # 8 fx: not an SBRT table
        (Oar(brachial_plexus_dmax_gy=24.0), 3, "tg101-brachial-plexus-dmax-sbrt", "pass"),
        (Oar(brachial_plexus_dmax_gy=24.1), 3, "tg101-brachial-plexus-dmax-sbrt", "fail"),
        (
            Oar(brachial_plexus_dmax_gy=20.0),
            4,
            "tg101-brachial-plexus-dmax-sbrt",
            "unknown",
        ),  # no 4 fx column
        (Oar(esophagus_dmax_gy=35.0), 5, "tg101-esophagus-dmax-sbrt", "pass"),
        (Oar(esophagus_dmax_gy=35.1), 5, "tg101-esophagus-dmax-sbrt", "fail"),
    ],
)
def test_sbrt_oar_limits_by_fraction_number(oar: Oar, n: int, rule: str, expected: str | None) -> None:
    assert status(Course(total_dose_gy=8.0 * n, fractions=n, oar=oar), rule) == expected


def test_general_limits_are_chosen_by_fraction_number_not_technique() -> None:
    """A 20 Gy / 5 fx conventional palliative course gets the 5-fraction table; 8 fx gets NCCN in EQD2."""
    five = checks_of(
        Course(technique="3dcrt", total_dose_gy=20, fractions=5, oar=Oar(spinal_cord_dmax_gy=20))
    )
    assert five["hytec-spinal-cord-dmax-sbrt"]["status"] == "pass"
    assert "nccn-spinal-cord-dmax-conventional" not in five
    eight = checks_of(Course(total_dose_gy=60, fractions=8, oar=Oar(spinal_cord_dmax_gy=30)))
    assert eight["nccn-spinal-cord-dmax-conventional"]["comparison_mode"] == "eqd2"


def test_contract_shape_and_none() -> None:
    assert check_courses(None) == []
    result = check_courses([Course()])
    assert result[0]["course"] == "RT1"
    assert "protocol" not in result[0]
    checks = result[0]["checks"]
    assert isinstance(checks, list)
    for check in checks:
        assert {"id", "status", "value", "limit", "basis", "role", "source", "verified"} <= set(check)
        assert check["status"] in {
            "pass",
            "fail",
            "unknown",
            "ablative",
            "not_ablative",
            "on_target",
            "off_target",
        }


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
