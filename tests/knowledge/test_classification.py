"""Classification rules, table-driven; each row cites the source phrase that decides the expected value."""

from __future__ import annotations

from typing import Any

import pytest

from oligoboard.engine.runner import Engine
from tests.support.cases import build, lesion

SYNC = {"tumour": {"diagnosis_date": "2026-03-01"}, "metastatic_diagnosis_date": "2026-03-01"}
LATE = {"tumour": {"diagnosis_date": "2024-01-10"}, "metastatic_diagnosis_date": "2026-09-01"}
ON_TX = [
    {"line": 1, "category": "chemo_io", "start_date": "2025-01-01", "end_date": None, "best_response": "PR"}
]
OFF_TX = [{"line": 1, "category": "chemo_io", "start_date": "2024-02-01", "end_date": "2025-02-01"}]


def hist(poly: bool | None, omd: bool | None) -> dict[str, Any]:
    return {"history": {"polymetastatic_before": poly, "omd_before": omd, "prior_thoracic_rt": False}}


def one(status: str = "new") -> list[dict[str, Any]]:
    return [lesion(1, "adrenal", status=status)]


# ESTRO/EORTC 2020 (Guckenberger, Lancet Oncol 2020): clinical.md §1.2 decision tree, trials.md §1 —
# "synchronous if OMD diagnosed ≤6 months after the primary; metachronous otherwise, split into oligorecurrence if
# off systemic therapy and oligoprogression if on systemic therapy"; induced = history of polymetastatic disease;
# repeat = previous OMD.
ESTRO_CASES = [
    ("synchronous", {**SYNC, **hist(False, False), "lesions": one()}, "synchronous_oligometastatic"),
    (
        "metachronous off therapy",
        {**LATE, **hist(False, False), "systemic_therapy": OFF_TX, "lesions": one()},
        "metachronous_oligorecurrence",
    ),
    (
        "metachronous on therapy",
        {**LATE, **hist(False, False), "systemic_therapy": ON_TX, "lesions": one("progressing")},
        "metachronous_oligoprogression",
    ),
    (
        "repeat off therapy",
        {**LATE, **hist(False, True), "systemic_therapy": [], "lesions": one()},
        "repeat_oligorecurrence",
    ),
    (
        "repeat progressing",
        {**LATE, **hist(False, True), "systemic_therapy": ON_TX, "lesions": one("progressing")},
        "repeat_oligoprogression",
    ),
    (
        "repeat persisting",
        {**LATE, **hist(False, True), "systemic_therapy": ON_TX, "lesions": one("stable")},
        "repeat_oligopersistence",
    ),
    (
        "induced off therapy",
        {**LATE, **hist(True, False), "systemic_therapy": OFF_TX, "lesions": one()},
        "induced_oligorecurrence",
    ),
    (
        "induced progressing",
        {**LATE, **hist(True, False), "systemic_therapy": ON_TX, "lesions": one("progressing")},
        "induced_oligoprogression",
    ),
    (
        "induced responding",
        {**LATE, **hist(True, False), "systemic_therapy": ON_TX, "lesions": one("responding")},
        "induced_oligopersistence",
    ),
    # architecture note: no state when the case is not oligometastatic (6 lesions > "1–5 metastatic lesions",
    # Lievens 2020); decided inside the engine as `not_oligometastatic`, shown as null by `assess`
    (
        "six lesions",
        {**SYNC, **hist(False, False), "lesions": [lesion(i, "bone") for i in range(1, 7)]},
        "not_oligometastatic",
    ),
    # "an unknown branch question makes the result unknown, never a wrong branch"
    ("unknown polymetastatic history", {**SYNC, **hist(None, False), "lesions": one()}, None),
    (
        "unknown primary date",
        {"tumour": {"diagnosis_date": None}, **hist(False, False), "lesions": one()},
        None,
    ),
    (
        "unknown therapy, metachronous",
        {**LATE, **hist(False, False), "systemic_therapy": None, "lesions": one()},
        None,
    ),
    (
        "unknown progression, repeat on therapy",
        {**LATE, **hist(False, True), "systemic_therapy": ON_TX, "lesions": [lesion(1, "bone", status=None)]},
        None,
    ),
]


@pytest.mark.parametrize(("label", "edit", "expected"), ESTRO_CASES, ids=[c[0] for c in ESTRO_CASES])
def test_estro_eortc_state(engine: Engine, label: str, edit: dict[str, Any], expected: str | None) -> None:
    result = engine.evaluate_one(build(**edit))
    assert result.decisions["estro_eortc"].value == expected


@pytest.mark.parametrize(
    ("edit", "missing"),
    [
        (hist(None, False), "history.polymetastatic_before"),
        ({"tumour": {"diagnosis_date": None}}, "tumour.diagnosis_date"),
        ({"lesions": [lesion(1, "bone", amenable_to_lat=None)]}, "lesions[0].amenable_to_lat"),
    ],
)
def test_unknown_state_lists_the_missing_fact(engine: Engine, edit: dict[str, Any], missing: str) -> None:
    result = engine.evaluate_one(build(**edit))
    decision = result.decisions["estro_eortc"]
    assert decision.value is None and decision.step < 0
    assert missing in decision.missing


def test_six_month_boundary_is_calendar_months(engine: Engine) -> None:
    """ "≤6 months after the primary" (trials.md §1): 6 calendar months is still synchronous, one day more is not."""
    at = build(tumour={"diagnosis_date": "2026-01-31"}, metastatic_diagnosis_date="2026-07-31")
    after = build(tumour={"diagnosis_date": "2026-01-31"}, metastatic_diagnosis_date="2026-08-01")
    assert engine.evaluate_one(at).definitions["is_synchronous"] is True
    assert engine.evaluate_one(after).definitions["is_synchronous"] is False


# TNM 9th (clinical.md §4.1; seed 002 Introduktion): M1a intrathoracic; M1b single extrathoracic metastasis; M1c1
# multiple in one organ system; M1c2 multiple in several organ systems; IVA = M1a/M1b; IVB = M1c1/M1c2.
TNM_CASES = [
    ("no metastasis", [], "M0", None),
    ("contralateral lung nodule", [lesion(1, "lung", lung_relation="contralateral")], "M1a", "IVA"),
    ("pleural effusion", [lesion(1, "pleura", pattern="effusion")], "M1a", "IVA"),
    (
        "ipsilateral other lobe is T4, not M",
        [lesion(1, "lung", lung_relation="ipsilateral_other_lobe")],
        "M0",
        None,
    ),
    ("solitary adrenal", [lesion(1, "adrenal")], "M1b", "IVA"),
    ("solitary distant node", [lesion(1, "distant_lymph_node")], "M1b", "IVA"),
    ("solitary brain", [lesion(1, "brain")], "M1b", "IVA"),
    ("two brain", [lesion(1, "brain"), lesion(2, "brain")], "M1c1", "IVB"),
    (
        "bilateral adrenal = one system",
        [lesion(1, "adrenal"), lesion(2, "adrenal", laterality="right")],
        "M1c1",
        "IVB",
    ),
    ("adrenal + bone", [lesion(1, "adrenal"), lesion(2, "bone")], "M1c2", "IVB"),
    (
        "lung nodule + adrenal",
        [lesion(1, "lung", lung_relation="contralateral"), lesion(2, "adrenal")],
        "M1b",
        "IVA",
    ),
    ("unknown lung relation", [lesion(1, "lung", lung_relation=None)], None, None),
    ("unknown organ", [lesion(1, "adrenal"), {**lesion(2, "bone"), "organ": None}], None, None),
]


@pytest.mark.parametrize(("label", "lesions", "m", "stage"), TNM_CASES, ids=[c[0] for c in TNM_CASES])
def test_tnm9_m_and_stage(
    engine: Engine, label: str, lesions: list[dict[str, Any]], m: str | None, stage: str | None
) -> None:
    result = engine.evaluate_one(build(lesions=lesions))
    assert result.decisions["tnm9_m"].value == m
    assert result.decisions["stage"].value == stage


def test_tnm_unknown_when_lesion_list_unknown(engine: Engine) -> None:
    result = engine.evaluate_one(build(lesions=None))
    assert result.decisions["tnm9_m"].value is None
    assert "lesions" in result.decisions["tnm9_m"].missing


# ESTRO-ASTRO 2020 (Lievens): "1–5 metastatic lesions" and curative treatment feasible for "all metastatic sites".
OMD_CASES = [
    ("one lesion", [lesion(1, "bone")], True),
    ("five lesions", [lesion(i, "bone") for i in range(1, 6)], True),
    ("six lesions", [lesion(i, "bone") for i in range(1, 7)], False),
    ("no lesion", [], False),
    ("one not amenable", [lesion(1, "bone"), lesion(2, "liver", amenable_to_lat=False)], False),
    ("amenability unknown", [lesion(1, "bone", amenable_to_lat=None)], None),
    (
        "six lesions, amenability unknown",
        [lesion(i, "bone", amenable_to_lat=None) for i in range(1, 7)],
        False,
    ),
    ("malignant effusion (verified: false rule)", [lesion(1, "pleura", pattern="effusion")], False),
    ("pattern unknown", [lesion(1, "bone", pattern=None)], None),
]


@pytest.mark.parametrize(("label", "lesions", "expected"), OMD_CASES, ids=[c[0] for c in OMD_CASES])
def test_omd_definition(
    engine: Engine, label: str, lesions: list[dict[str, Any]], expected: bool | None
) -> None:
    assert engine.evaluate_one(build(lesions=lesions)).definitions["omd"] is expected


# Ashworth 2014 RPA (clinical.md §5.1 [V]): low = metachronous; intermediate = synchronous N0; high = synchronous N1/N2.
ASHWORTH_CASES = [
    ("metachronous", {**LATE, "systemic_therapy": []}, "N2b", "low"),
    ("synchronous N0", SYNC, "N0", "intermediate"),
    ("synchronous N1", SYNC, "N1", "high"),
    ("synchronous N2a", SYNC, "N2a", "high"),
    ("synchronous N3 is out of model", SYNC, "N3", None),
]


@pytest.mark.parametrize(
    ("label", "edit", "n", "expected"), ASHWORTH_CASES, ids=[c[0] for c in ASHWORTH_CASES]
)
def test_ashworth_group(
    engine: Engine, label: str, edit: dict[str, Any], n: str, expected: str | None
) -> None:
    tumour = {**edit.get("tumour", {}), "n": n}
    result = engine.evaluate_one(build(**{**edit, "tumour": tumour}))
    assert result.decisions["prognostic_group"].value == expected
