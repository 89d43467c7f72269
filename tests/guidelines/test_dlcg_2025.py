"""DLCG 2025 recommendations 1-4, one table per recommendation, each row quoting the seed phrase it encodes.

Source: shared/seeds/002_6530fb4315a0caa7.txt (Danish; OCR spelling kept in the quotes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from oligoboard.engine.results import CaseResult
from tests.support.guideline_cases import build_case, lesion

Evaluate = Callable[[dict[str, Any]], CaseResult]

THREE_MONTHS_SD = [
    {
        "line": 1,
        "regimen": "carboplatin-pemetrexed-pembrolizumab",
        "category": "chemo_io",
        "start_date": "2025-12-01",
        "end_date": None,
        "cycles": 5,
        "best_response": "SD",
    }
]


def status(evaluate: Evaluate, doc: dict[str, Any], rec: str) -> str:
    return evaluate(doc).rule_sets[rec].status


def two(organ_a: str, organ_b: str, **extra: Any) -> list[dict[str, Any]]:
    return [lesion(organ_a, 1, **extra), lesion(organ_b, 2, **extra)]


# Rec. 1 — "de novo OMD-NSCLC eller oligorecidiv med 1-2 hjernemetastase(r)"
# ("de novo OMD-NSCLC or oligorecurrence with 1-2 brain metastases")
REC1 = [
    ("one brain metastasis", [lesion("brain")], "applies"),
    ("two brain metastases (1-2)", two("brain", "brain"), "applies"),
    ("three brain metastases (> 2)", [lesion("brain", i) for i in (1, 2, 3)], "not_applicable"),
    ("no brain metastasis", [lesion("adrenal")], "not_applicable"),
    ("no metastasis at all", [], "not_applicable"),
    # rec. 1 names brain metastases, rec. 2-4 adrenal/lung/bone: a brain + adrenal pair is not settled
    ("brain plus adrenal: text does not settle", two("brain", "adrenal"), "undetermined"),
    (
        "brain plus liver: liver outside 'hjernen, binyre, lunge eller knogle'",
        two("brain", "liver"),
        "not_applicable",
    ),
]


@pytest.mark.parametrize(("label", "lesions", "expected"), REC1, ids=[r[0] for r in REC1])
def test_rec1_brain_metastases(evaluate: Evaluate, label: str, lesions: list[Any], expected: str) -> None:
    """Rec. 1: 'med 1-2 hjernemetastase(r)' — with 1-2 brain metastases."""
    assert status(evaluate, build_case(lesions=lesions), "dlcg-2025-1") == expected


def test_rec1_brain_plus_adrenal_says_why(evaluate: Evaluate, kb: Any) -> None:
    """An undetermined answer names the reason (the guideline text), not a missing fact."""
    from oligoboard.guidelines import recommendations_section

    section = recommendations_section(evaluate(build_case(lesions=two("brain", "adrenal"))), kb)
    rec1 = next(r for r in section["recommendations"] if r["id"] == "dlcg-2025-1")
    assert rec1["status"] == "undetermined"
    assert rec1["missing"] == []
    assert any("does not settle" in why for why in rec1["undetermined_because"])


# Rec. 2 — "med 1 solitaer metastase lokaliseret i binyre, lunge eller knogle" ("with 1 solitary
# metastasis located in the adrenal, lung or bone"), "forudsat at metastasen er egnet til lokal behandling"
# ("provided the metastasis is suitable for local treatment")
REC2 = [
    ("0 metastases", [], "not_applicable"),
    ("1 adrenal", [lesion("adrenal")], "applies"),
    ("1 bone", [lesion("bone")], "applies"),
    ("1 contralateral lung nodule", [lesion("lung")], "applies"),
    ("1 liver (organ not listed)", [lesion("liver")], "not_applicable"),
    ("1 brain (rec. 1, not rec. 2)", [lesion("brain")], "not_applicable"),
    ("2 metastases (not solitary)", two("adrenal", "bone"), "not_applicable"),
    ("3 metastases", [lesion("bone", i) for i in (1, 2, 3)], "not_applicable"),
    ("not amenable to LAT", [lesion("adrenal", amenable_to_lat=False)], "not_applicable"),
    ("amenability not yet judged", [lesion("adrenal", amenable_to_lat=None)], "undetermined"),
]


@pytest.mark.parametrize(("label", "lesions", "expected"), REC2, ids=[r[0] for r in REC2])
def test_rec2_solitary_metastasis(evaluate: Evaluate, label: str, lesions: list[Any], expected: str) -> None:
    """Rec. 2: 'med 1 solitaer metastase lokaliseret i binyre, lunge eller knogle'."""
    assert status(evaluate, build_case(lesions=lesions), "dlcg-2025-2") == expected


# Rec. 3 — "med 2 metastaser i binyre, lunge eller knogler" ("with 2 metastases in the adrenal, lung or bone")
REC3 = [
    ("1 metastasis", [lesion("adrenal")], "not_applicable"),
    ("2 metastases, 2 organs", two("adrenal", "bone"), "applies"),
    ("2 metastases, 1 organ", two("bone", "bone"), "applies"),
    (
        "3 metastases, 3 organs",
        [lesion("adrenal", 1), lesion("bone", 2), lesion("lung", 3)],
        "not_applicable",
    ),
    ("2 metastases, one in the liver", two("adrenal", "liver"), "not_applicable"),
    ("2 metastases, one in the brain", two("bone", "brain"), "not_applicable"),
    (
        "one of two not accessible",
        [lesion("adrenal", 1), lesion("bone", 2, amenable_to_lat=False)],
        "not_applicable",
    ),
]


@pytest.mark.parametrize(("label", "lesions", "expected"), REC3, ids=[r[0] for r in REC3])
def test_rec3_two_metastases(evaluate: Evaluate, label: str, lesions: list[Any], expected: str) -> None:
    """Rec. 3: 'med 2 metastaser i binyre, lunge eller knogler … safremt metastaserne er tilgaengelige'."""
    assert status(evaluate, build_case(lesions=lesions), "dlcg-2025-3") == expected


# Rec. 4 — "de novo OMD-NSCLC med 2 metastaser i binyre, lunge eller knogle" … "forudgaende systemisk
# behandling > 3 mdr." … "forudsat stabil sygdom under pagdende systemisk behandling (B)" ("de novo OMD-NSCLC
# with 2 metastases …, prior systemic therapy > 3 months …, provided stable disease during ongoing systemic
# therapy"). Assessment 2026-03-10; therapy started 2025-12-01 = 3.3 months.
def _therapy(**changes: Any) -> list[dict[str, Any]]:
    return [THREE_MONTHS_SD[0] | changes]


REC4 = [
    ("3.3 months, SD, ongoing", _therapy(), "applies"),
    ("PR counts as stable (non-progressive)", _therapy(best_response="PR"), "applies"),
    ("no systemic therapy yet", [], "not_applicable"),
    ("2.3 months only", _therapy(start_date="2026-01-01"), "not_applicable"),
    ("progressive disease", _therapy(best_response="PD"), "not_applicable"),
    ("therapy stopped (not 'pagdende')", _therapy(end_date="2026-03-01"), "not_applicable"),
    ("response not recorded", _therapy(best_response=None), "undetermined"),
]


@pytest.mark.parametrize(("label", "therapy", "expected"), REC4, ids=[r[0] for r in REC4])
def test_rec4_systemic_first(evaluate: Evaluate, label: str, therapy: list[Any], expected: str) -> None:
    """Rec. 4: 'forudgaende systemisk behandling > 3 mdr. … forudsat stabil sygdom'."""
    doc = build_case(lesions=two("adrenal", "bone", status="stable"), systemic_therapy=therapy)
    assert status(evaluate, doc, "dlcg-2025-4") == expected


def test_rec4_exactly_three_months_counts(evaluate: Evaluate) -> None:
    """'minimum 3 maneders systemisk behandling' (evidence section): 3 months is enough (≥ 3, not > 3).

    Months are complete calendar months (docs/knowledge-format.md, "Dates, ages and months").
    """
    # 2025-12-11 → 2026-03-10: one day short of 3 calendar months
    under = build_case(
        lesions=two("adrenal", "bone", status="stable"), systemic_therapy=_therapy(start_date="2025-12-11")
    )
    assert status(evaluate, under, "dlcg-2025-4") == "not_applicable"
    # 2025-12-10 → 2026-03-10: exactly 3 calendar months (90 days; 2.96 months of 30.4375 days)
    over = build_case(
        lesions=two("adrenal", "bone", status="stable"), systemic_therapy=_therapy(start_date="2025-12-10")
    )
    assert status(evaluate, over, "dlcg-2025-4") == "applies"


def test_rec4_is_de_novo_only(evaluate: Evaluate) -> None:
    """Rec. 4 says 'de novo OMD-NSCLC' without 'eller oligorecidiv': metachronous oligorecurrence is out."""
    doc = build_case(
        lesions=two("adrenal", "bone", status="stable"),
        systemic_therapy=[THREE_MONTHS_SD[0] | {"start_date": "2025-12-01"}],
        tumour__diagnosis_date="2023-01-10",
        metastatic_diagnosis_date="2025-11-20",
        primary__status="resected",  # oligorecidiv is recurrence "efter kurativ behandling" (issue 11)
    )
    result = evaluate(doc)
    assert result.decisions["dlcg_2025_history"].value == "oligorecidiv"
    assert result.rule_sets["dlcg-2025-4"].status == "not_applicable"
    assert result.rule_sets["dlcg-2025-3"].status == "applies"


def test_rec4_now_and_later(evaluate: Evaluate, kb: Any) -> None:
    """At diagnosis rec. 4 does not apply now; it would after ≥ 3 months of stable disease."""
    from oligoboard.guidelines import recommendations_section

    section = recommendations_section(evaluate(build_case(lesions=two("adrenal", "bone"))), kb)
    rec4 = next(r for r in section["recommendations"] if r["id"] == "dlcg-2025-4")
    assert rec4["status"] == "not_applicable"
    later = rec4["later"]
    assert later is not None
    assert later["status"] == "applies_later_if"
    assert "3 months" in later["condition"]
    assert "stable disease" in later["condition"]
    # a liver metastasis can never make rec. 4 apply, however long the therapy
    section = recommendations_section(evaluate(build_case(lesions=two("adrenal", "liver"))), kb)
    rec4 = next(r for r in section["recommendations"] if r["id"] == "dlcg-2025-4")
    assert rec4["later"] is not None and rec4["later"]["status"] == "not_applicable"


# Scope — "ikke-onkogen-dreven ikke-smacellet lungekraeft" (non-oncogene-driven NSCLC), "defineret ved 1-2
# metastaser fordelt pa maksimalt 2 organer" (1-2 metastases over at most 2 organs), induced OMD out of scope
# ("evidens ikke muligger formulering af generelle behandlingsvejledninger").
SCOPE = [
    (
        "EGFR-positive",
        {"tumour__drivers": {**build_case()["tumour"]["drivers"], "egfr": "positive"}},
        "not_applicable",
    ),
    (
        "KRAS G12C not tested",
        {"tumour__drivers": {**build_case()["tumour"]["drivers"], "kras_g12c": "not_tested"}},
        "undetermined",
    ),
    ("small-cell histology", {"tumour__histology": "sclc"}, "not_applicable"),
    (
        "induced OMD",
        {"history": {"polymetastatic_before": True, "omd_before": False, "prior_thoracic_rt": False}},
        "not_applicable",
    ),
    (
        "history unknown",
        {"history": {"polymetastatic_before": None, "omd_before": None, "prior_thoracic_rt": None}},
        "undetermined",
    ),
    (
        "repeat oligorecurrence: not settled",
        {"history": {"polymetastatic_before": False, "omd_before": True, "prior_thoracic_rt": False}},
        "undetermined",
    ),
    (
        "primary not radically treatable",
        {"primary": {"status": "untreated", "radically_treatable": False}},
        "not_applicable",
    ),
    (
        "primary resected (nothing to treat)",
        {"primary": {"status": "resected", "radically_treatable": None}},
        "applies",
    ),
    ("unknown lesion list", {"lesions": None}, "undetermined"),
]


@pytest.mark.parametrize(("label", "changes", "expected"), SCOPE, ids=[r[0] for r in SCOPE])
def test_scope_on_rec2(evaluate: Evaluate, label: str, changes: dict[str, Any], expected: str) -> None:
    """Scope of every recommendation, shown on rec. 2 with one adrenal metastasis."""
    assert status(evaluate, build_case(**changes), "dlcg-2025-2") == expected


def test_two_organs_vs_three(evaluate: Evaluate) -> None:
    """'fordelt pa maksimalt 2 organer': 2 organs in scope (rec. 3), 3 organs never (count is then 3 too)."""
    assert status(evaluate, build_case(lesions=two("adrenal", "lung")), "dlcg-2025-3") == "applies"
    three = [lesion("adrenal", 1), lesion("lung", 2), lesion("bone", 3)]
    for rec in ("dlcg-2025-1", "dlcg-2025-2", "dlcg-2025-3", "dlcg-2025-4"):
        assert status(evaluate, build_case(lesions=three), rec) == "not_applicable"


def test_unknown_diagnosis_date_leaves_state_open(evaluate: Evaluate) -> None:
    """Without the primary diagnosis date, de novo vs oligorecidiv is open: rec. 2 is undetermined."""
    result = evaluate(build_case(tumour__diagnosis_date=None))
    assert result.decisions["dlcg_2025_history"].value is None
    assert result.rule_sets["dlcg-2025-2"].status == "undetermined"
    assert "tumour.diagnosis_date" in result.rule_sets["dlcg-2025-2"].missing
