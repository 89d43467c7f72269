"""Source conflicts as data: both readings, their sources, the verdict under each (issue 11, item 4).

Issue 11: "where sources disagree (NCT01282450: '< 5 metastases' in the publication vs 'less than 4
oligo-metastatic sites' in the registry; BED '> 75' vs '≥ 75' in an OCR'd guideline), the criterion has a
machine-readable `conflict` with both readings and their sources, the verdict under each, and which one is
applied and why".
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from oligoboard.assessment.assemble import assemble, assess
from oligoboard.engine.compile import load_knowledge
from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.engine.runner import Engine
from oligoboard.errors import KnowledgeError
from tests.support.cases import build, lesion
from tests.support.knowledge_trees import classification_tree

SEED_000_REGISTRY = "patients with less than 4 oligo-metastatic sites"
SEED_000_BACKGROUND = "less than 5 distant metastases"


def _trial(out: Mapping[str, Any], trial_id: str) -> dict[str, Any]:
    return next(t for t in out["trials"] if t["id"] == trial_id)


def _criterion(item: Mapping[str, Any], criterion_id: str) -> dict[str, Any]:
    return next(c for c in item["criteria"] if c["id"] == criterion_id)


# (counts under uncertainty — a lung nodule of unknown relation as 0 or 1 metastasis — belong to branch
# case2-rules; with bounds, 3 bone + 1 such nodule becomes a decisive row: unknown vs met)
MAASTRO = [
    # lesions, trial status (registry reading, applied), criterion under registry / publication,
    # trial under the publication reading, decisive
    ([lesion(i, "bone") for i in range(1, 4)], "eligible", "met", "met", "eligible", False),
    ([lesion(i, "bone") for i in range(1, 5)], "ineligible", "not_met", "met", "eligible", True),
    ([lesion(i, "bone") for i in range(1, 6)], "ineligible", "not_met", "not_met", "ineligible", False),
]  # fmt: skip


@pytest.mark.parametrize(("lesions", "status", "registry", "publication", "under_pub", "decisive"), MAASTRO)
@pytest.mark.parametrize("backend", ["python", "duckdb"])
def test_nct01282450_verdict_under_each_reading(
    engine: Engine,
    backend: str,
    lesions: list[dict[str, Any]],
    status: str,
    registry: str,
    publication: str,
    under_pub: str,
    decisive: bool,
) -> None:
    """Seed 000: 'patients with less than 4 oligo-metastatic sites' vs 'less than 5 distant metastases'."""
    case = build(lesions=lesions, answers={"NCT01282450/remaining-criteria": True})
    result = engine.evaluate_one(case, backend=backend)
    item = _trial(assemble(case, result, engine.kb), "NCT01282450")
    assert item["status"] == status
    conflict = _criterion(item, "fewer-than-4-sites")["conflict"]
    assert conflict["applied"] == "registry" and conflict["why"]
    readings = {r["id"]: r for r in conflict["readings"]}
    assert SEED_000_REGISTRY in readings["registry"]["phrase"]
    assert SEED_000_BACKGROUND in readings["publication"]["phrase"]
    assert all(r["source"] for r in readings.values())
    assert (readings["registry"]["status"], readings["publication"]["status"]) == (registry, publication)
    assert readings["registry"]["set_status"] == status  # the applied reading is the verdict shown
    assert readings["publication"]["set_status"] == under_pub
    assert conflict["decisive"] is decisive
    assert readings["registry"]["applied"] and not readings["publication"]["applied"]


def test_every_criterion_carries_a_conflict_key(engine: Engine) -> None:
    out = assess(build(), engine)
    for section in ("trials", "recommendations"):
        for item in out[section]:
            assert all("conflict" in c for c in item["criteria"]), item["id"]


def test_the_applied_reading_is_the_criterion(kb: KnowledgeBase) -> None:
    """The spec refuses an applied reading whose sql is not the criterion's, so the two cannot drift."""
    conflicted = [(rs, c) for rs in kb.rule_sets for c in rs.criteria if c.spec.conflict]
    assert {(rs.spec.id, c.spec.id) for rs, c in conflicted} >= {("NCT01282450", "fewer-than-4-sites")}
    for _, c in conflicted:
        assert c.spec.conflict is not None
        assert " ".join((c.spec.conflict.applied_reading.sql or "").split()) == " ".join(
            (c.spec.sql or "").split()
        )
        assert [r for r, _ in c.readings] == [r.id for r in c.spec.conflict.readings]


BED = [
    # dose, fractions, BED10, status as printed ("> 75"), status under "≥ 75", decisive
    (
        50,
        10,
        75.0,
        "not_ablative",
        "ablative",
        True,
    ),  # the boundary: the only course the readings disagree on
    (60, 15, 84.0, "ablative", "ablative", False),
    (45, 15, 58.5, "not_ablative", "not_ablative", False),
    (None, 10, None, "unknown", "unknown", False),
]


@pytest.mark.parametrize(("dose", "fractions", "bed", "printed", "at_least", "decisive"), BED)
def test_dlcg_bed_75_under_each_reading(
    engine: Engine,
    dose: float | None,
    fractions: int,
    bed: float | None,
    printed: str,
    at_least: str,
    decisive: bool,
) -> None:
    """Seed 002 (OCR): 'biologisk effektiv dosis (BED) > 75 Gy'; the '≥ 75' reading if the OCR lost a '≥'."""
    course = {"id": "RT1", "target": "L1", "technique": "sbrt", "total_dose_gy": dose, "fractions": fractions}
    out = assess(build(radiotherapy_courses=[course]), engine)
    [check] = [c for c in out["radiotherapy"][0]["checks"] if c["id"] == "dlcg-2025-ablative-bed10"]
    assert check["value"] == bed
    conflict = check["conflict"]
    readings = {r["id"]: r for r in conflict["readings"]}
    assert "(BED) > 75" in readings["as_printed"]["phrase"] and "≥ 75" in readings["at_least"]["phrase"]
    assert (readings["as_printed"]["status"], readings["at_least"]["status"]) == (printed, at_least)
    assert readings["as_printed"]["status"] == check["status"]  # applied = the check's own verdict
    assert conflict["applied"] == "as_printed" and conflict["decisive"] is decisive
    ablative_conflict = out["ablative_dose"]["conflict"]
    assert ablative_conflict is not None and ablative_conflict["applied"] == "as_printed"


# ---- the load refuses a conflict that is not data -------------------------------------------------------

TRIAL = """id: TEST-C
source: "synthetic test file"
rule_sets:
  - id: TEST-C
    kind: trial
    source: "synthetic"
    criteria:
      - id: inc-1
        kind: inclusion
        text: "fewer than 4 metastases"
        sql: "n_metastases < 4"
        source: "synthetic inclusion 1"
        info: {number: "1"}
        conflict:
          applied: a
          why: "synthetic"
          readings:
            - {id: a, source: "source A", phrase: "less than 4", sql: "n_metastases < 4"}
            - {id: b, source: "source B", phrase: "less than 5", sql: "n_metastases < 5"}
"""

BROKEN = [
    ("applied is not a reading", TRIAL.replace("applied: a", "applied: c"), "is not the id of a reading"),
    ("applied reading differs from the criterion", TRIAL.replace('"n_metastases < 4"}', '"n_metastases < 3"}'),
     "must have the criterion's sql"),
    ("one reading only", TRIAL.replace('            - {id: b, source: "source B", phrase: "less than 5", sql: "n_metastases < 5"}\n', ""),
     "at least 2"),
    ("reading without a phrase", TRIAL.replace('phrase: "less than 5"', 'phrase: " "'), "blank"),
    ("reading without sql", TRIAL.replace(', sql: "n_metastases < 5"', ""), "needs `sql`"),
    ("reading with an unknown feature", TRIAL.replace('sql: "n_metastases < 5"', 'sql: "n_metastasis < 5"'),
     "unknown feature"),
    ("reading on a decision list", TRIAL.replace('sql: "n_metastases < 5"', "sql: \"tnm9_m = 'M1a'\""),
     "may not use a decision list"),
    ("two readings with one id", TRIAL.replace("{id: b,", "{id: a,"), "same id"),
]  # fmt: skip


@pytest.mark.parametrize(("what", "text", "phrase"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_conflict_fails_the_load(tmp_path: Path, what: str, text: str, phrase: str) -> None:
    root = classification_tree(tmp_path, {"TEST-C.yaml": text})
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(root)
    assert phrase in info.value.render(), what


def test_the_synthetic_conflict_loads(tmp_path: Path) -> None:
    kb = load_knowledge(classification_tree(tmp_path, {"TEST-C.yaml": TRIAL}))
    assert [r for r, _ in kb.rule_set("TEST-C").criteria[0].readings] == ["a", "b"]


OTHERS = [
    # trial, criterion, case edits, status under the applied reading, under the other, other reading id
    ("NCT06114108", "ecog", {"patient": {"ecog": 0}}, "met", "met", "lay_summary"),  # 'ECOG performance status ≤ 1'
    ("NCT06114108", "ecog", {"patient": {"ecog": 1}}, "met", "not_met", "lay_summary"),  # vs the lay summary 'ECOG <1'
    ("NCT02417662", "one-to-five-lesions", {"lesions": [lesion(i, "bone") for i in range(1, 4)]}, "met", "met",
     "original"),  # current '1–5 metastases in ≤ 3 organs' vs original '1–3 metastases'
    ("NCT02417662", "one-to-five-lesions", {"lesions": [lesion(i, "bone") for i in range(1, 5)]}, "met", "not_met",
     "original"),
]  # fmt: skip


@pytest.mark.parametrize(("trial", "criterion", "edits", "applied", "other", "other_id"), OTHERS)
def test_converted_conflicts(
    engine: Engine,
    trial: str,
    criterion: str,
    edits: dict[str, Any],
    applied: str,
    other: str,
    other_id: str,
) -> None:
    out = assess(build(**edits), engine)
    crit = _criterion(_trial(out, trial), criterion)
    readings = {r["id"]: r for r in crit["conflict"]["readings"]}
    assert readings[crit["conflict"]["applied"]]["status"] == crit["status"] == applied
    assert readings[other_id]["status"] == other


@pytest.mark.parametrize("backend", ["python", "duckdb"])
@pytest.mark.parametrize(
    ("end", "evidence", "quick_guide"),
    [("2026-04-30", "met", "not_met"), ("2026-05-01", "met", "met"), ("2026-04-29", "not_met", "not_met")],
)
def test_dlcg_rec4_minimum_3_months_vs_more_than_3(
    engine: Engine, backend: str, end: str, evidence: str, quick_guide: str
) -> None:
    """Seed 002: 'minimum 3 maneders systemisk behandling' (line 215) vs '> 3 mdr.' (rec. 4, line 21)."""
    therapy = [
        {"line": 1, "category": "chemo_io", "start_date": "2026-01-31", "end_date": end, "cycles": 4,
         "best_response": "SD"}
    ]  # fmt: skip
    case = build(systemic_therapy=therapy, assessment_date="2026-10-01")
    out = assemble(case, engine.evaluate_one(case, backend=backend), engine.kb)
    rec = next(r for r in out["recommendations"] if r["id"] == "dlcg-2025-4")
    readings = {
        r["id"]: r["status"] for r in _criterion(rec, "timing-systemic-3-months")["conflict"]["readings"]
    }
    assert readings == {"evidence_section": evidence, "quick_guide": quick_guide}


APPLIED_CASES = [
    {},
    {"lesions": [lesion(i, "bone") for i in range(1, 5)], "patient": {"ecog": 1}},
    {"lesions": [], "patient": {"ecog": None}},
    {
        "systemic_therapy": [
            {"line": 1, "category": "chemo_io", "start_date": "2026-01-31", "end_date": "2026-04-30",
             "cycles": 4, "best_response": "SD"}
        ],
        "assessment_date": "2026-10-01",
    },
]  # fmt: skip


@pytest.mark.parametrize("backend", ["python", "duckdb"])
@pytest.mark.parametrize("edits", APPLIED_CASES)
def test_the_applied_reading_repeats_the_criterion_value(
    engine: Engine, backend: str, edits: dict[str, Any]
) -> None:
    result = engine.evaluate_one(build(**edits), backend=backend)
    checked = 0
    for rs in result.rule_sets.values():
        for c in rs.criteria:
            conflict = c.compiled.spec.conflict
            if conflict is None:
                continue
            applied = dict(c.compiled.readings)[conflict.applied]
            assert result.definitions[applied] is c.value, (rs.id, c.id)
            checked += 1
    assert checked >= 4


ON_TKI = [
    {"line": 1, "category": "targeted", "start_date": "2025-06-01", "cycles": 10, "best_response": "PR"}
]
HALT = [
    # progressing lesions on a TKI, criterion under the amended (applied) / original reading
    (2, "met", "met"),
    (4, "met", "not_met"),  # 'OPD sites ≤ 5, amended 25/10/2021 (previously ≤ 3)'
    (6, "not_met", "not_met"),
]


@pytest.mark.parametrize(("n", "amended", "original"), HALT)
def test_halt_amended_vs_original_site_limit(engine: Engine, n: int, amended: str, original: str) -> None:
    """HALT (ICR page): 'OPD sites ≤ 5 … previously ≤ 3': the amendment is applied, the old reading shown."""
    lesions = [lesion(i, "bone", status="progressing", detected_date="2026-08-01") for i in range(1, n + 1)]
    out = assess(build(lesions=lesions, systemic_therapy=ON_TKI), engine)
    conflict = _criterion(_trial(out, "NCT03256981"), "opd-sites")["conflict"]
    readings = {r["id"]: r for r in conflict["readings"]}
    assert conflict["applied"] == "amended" and readings["amended"]["applied"]
    assert "≤ 5" in readings["amended"]["phrase"] and "≤ 3" in readings["original"]["phrase"]
    assert (readings["amended"]["status"], readings["original"]["status"]) == (amended, original)


@pytest.mark.parametrize(
    ("best", "wide", "narrow"), [("CR", "met", "not_met"), ("PR", "met", "met"), ("SD", "met", "met")]
)
def test_nrg_lu002_complete_response_under_each_reading(
    engine: Engine, best: str, wide: str, narrow: str
) -> None:
    """NRG-LU002 Fast Facts: item 3 'response/stable disease' (CR included) vs item 8 'SD or PR'."""
    therapy = [
        {"line": 1, "category": "chemo_io", "start_date": "2026-03-01", "cycles": 4, "best_response": best}
    ]
    lesions = [lesion(1, "bone", status="stable" if best != "CR" else "complete_response")]
    out = assess(build(lesions=lesions, systemic_therapy=therapy), engine)
    conflict = _criterion(_trial(out, "NCT03137771"), "response-or-stable")["conflict"]
    readings = {r["id"]: r for r in conflict["readings"]}
    assert conflict["applied"] == "response_or_stable"
    assert readings["response_or_stable"]["phrase"] == "response/stable disease"
    assert readings["sd_or_pr"]["phrase"] == "SD or PR"
    assert (readings["response_or_stable"]["status"], readings["sd_or_pr"]["status"]) == (wide, narrow)
