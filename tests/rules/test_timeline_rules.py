"""Rules that read the timeline: residual disease, restaging response, progression on therapy, line, primary.

Issue 11 item 3. Each table row quotes the phrase of the source it encodes; each row failed before the rule
was fixed (checked against main at e39e810's parent). Cases are synthetic (tests/support/trial_profiles.py).
"""

from __future__ import annotations

from typing import Any

import pytest

from oligoboard.case.validate import parse_case
from oligoboard.engine.results import CaseResult
from oligoboard.engine.runner import Engine
from tests.support import trial_profiles as tp

Doc = dict[str, Any]


def run(engine: Engine, doc: Doc) -> CaseResult:
    return engine.evaluate_one(parse_case(doc))


def criterion(result: CaseResult, rule_set: str, criterion_id: str) -> bool | None:
    found = [c.value for c in result.rule_sets[rule_set].criteria if c.id == criterion_id]
    assert len(found) == 1, (rule_set, criterion_id)
    return found[0]


def induction(*lesions: Doc, best: str = "PR", **therapy: Any) -> Doc:
    """First-line chemo-IO since 2025-01-20, ongoing at the 2025-06-01 assessment (the salVage profile)."""
    doc = tp.synchronous_after_induction()
    doc["lesions"] = list(lesions)
    doc["systemic_therapy"][0].update({"best_response": best, **therapy})
    return doc


L = tp.lesion


def unknown_status(i: int, organ: str) -> Doc:
    return {**L(i, organ), "status": None}


# --- residual disease: complete-response lesions are not residual -------------------------------------------
# seed 001 (salVage), inclusion bullet 5: "defined as a maximum of 5 residual extracranial, distant metastases"
SALVAGE_RESIDUAL = [
    # six extracranial lesions, one in complete response: five residual -> within the limit
    ([*(L(i, "bone") for i in range(1, 6)), L(6, "liver", "complete_response")], True),
    # six residual
    ([*(L(i, "bone") for i in range(1, 6)), L(6, "liver")], False),
    # four residual, one complete response, one of unknown status: 4 or 5 residual, both within the limit
    (
        [
            *(L(i, "bone") for i in range(1, 5)),
            L(5, "liver", "complete_response"),
            unknown_status(6, "adrenal"),
        ],
        True,
    ),
    # five residual and one of unknown status: 5 or 6, the answer depends on it
    ([*(L(i, "bone") for i in range(1, 6)), unknown_status(6, "adrenal")], None),
]


@pytest.mark.parametrize(("lesions", "expected"), SALVAGE_RESIDUAL)
def test_salvage_counts_residual_extracranial_metastases(
    engine: Engine, lesions: list[Doc], expected: bool | None
) -> None:
    result = run(engine, induction(*lesions))
    assert criterion(result, "NCT06114108", "residual-extracranial") is expected


# ESTRO/EORTC 2020 (clinical.md §1.2, Q5 "Is any OMD lesion progressing on current imaging?"; ASTRO/ESTRO 2023,
# clinical.md §1b: "oligopersistent if current imaging shows stable disease or partial response of the existing
# limited disease"): an induced state is judged on the disease present now, not on lesions in complete response.
ESTRO_CURRENT_IMAGING = [
    # polymetastatic before; seven lesions of which two in complete response: five present -> OMD, persistence
    (
        [
            *(L(i, "bone") for i in range(1, 6)),
            L(6, "liver", "complete_response"),
            L(7, "liver", "complete_response"),
        ],
        "induced_oligopersistence",
    ),
    # seven present: not oligometastatic (no state)
    ([*(L(i, "bone") for i in range(1, 8))], "not_oligometastatic"),
]


@pytest.mark.parametrize(("lesions", "state"), ESTRO_CURRENT_IMAGING)
def test_induced_state_is_judged_on_current_imaging(engine: Engine, lesions: list[Doc], state: str) -> None:
    doc = induction(*lesions)
    doc["history"]["polymetastatic_before"] = True
    doc["metastatic_diagnosis_date"] = "2025-05-20"  # the restaging that found the persistent state
    assert run(engine, doc).decisions["estro_eortc"].value == state


# --- restaging response, not best response -------------------------------------------------------------------
# seed 001 (salVage), inclusion bullet 5: "with PR or SD in restaging imaging"
SALVAGE_RESTAGING = [
    ("PR", [L(1, "bone"), L(2, "bone")], True),  # PR, nothing progressing since: the restaging reads PR or SD
    ("SD", [L(1, "bone")], True),
    ("CR", [L(1, "bone", "complete_response")], False),  # complete response is not listed
    ("PR", [L(1, "bone", "progressing"), L(2, "bone")], False),  # best PR, now progressing: restaging is PD
    (
        "PR",
        [L(1, "bone"), L(2, "liver", "new", detected_date="2025-05-20")],
        False,
    ),  # new lesion = PD (RECIST)
    (
        "PR",
        [L(1, "bone"), unknown_status(2, "bone")],
        None,
    ),  # a lesion of unknown status could be progressing
]


@pytest.mark.parametrize(("best", "lesions", "expected"), SALVAGE_RESTAGING)
def test_salvage_reads_the_restaging_not_the_best_response(
    engine: Engine, best: str, lesions: list[Doc], expected: bool | None
) -> None:
    result = run(engine, induction(*lesions, best=best))
    assert criterion(result, "NCT06114108", "first-line-response") is expected


# --- oligoprogression needs progression on systemic therapy ------------------------------------------------
# clinical.md §1.2/§8.1 (ESTRO/EORTC): "Oligoprogression: OMD diagnosed during active systemic therapy, with
# progression of (some of) the metastatic lesions"; seed 004 (NCT06523673): "oligo-progression (≤5 extracranial
# progression sites)" after first-line therapy; STOP-2 "1-5 oligoprogressing lesions"; HALT "oligo-progressive
# disease" on a TKI. A treatment-naive patient whose lesions are new at staging has not progressed on anything.
ON_THERAPY = [
    ("NCT06918951", "one-to-five-progressing"),
    ("NCT03256981", "opd-sites"),
    ("NCT06523673", "oligoprogression-extracranial"),
    ("NCT02756793", "one-to-five-progressing"),
]


def treatment_naive_new_lesions() -> Doc:
    doc = tp.controlled_primary()  # two new lesions, no systemic therapy ever
    doc["tumour"]["drivers"]["egfr"] = "positive"
    return doc


@pytest.mark.parametrize(("trial", "criterion_id"), ON_THERAPY)
def test_new_lesions_without_systemic_therapy_are_not_oligoprogression(
    engine: Engine, trial: str, criterion_id: str
) -> None:
    assert criterion(run(engine, treatment_naive_new_lesions()), trial, criterion_id) is False


@pytest.mark.parametrize(("trial", "criterion_id"), ON_THERAPY)
def test_lesions_progressing_on_therapy_are_oligoprogression(
    engine: Engine, trial: str, criterion_id: str
) -> None:
    assert criterion(run(engine, tp.egfr_oligoprogression()), trial, criterion_id) is True


ESTRO_PROGRESSION = [
    # induced, on therapy at the metastatic diagnosis; the "new" lesions were found at staging, before first line
    ("2025-01-10", "induced_oligopersistence"),
    # a lesion new on the restaging while first line runs: progression on therapy (RECIST 1.1 new lesion = PD)
    ("2025-05-20", "induced_oligoprogression"),
]


@pytest.mark.parametrize(("detected", "state"), ESTRO_PROGRESSION)
def test_estro_eortc_progression_is_progression_on_therapy(engine: Engine, detected: str, state: str) -> None:
    doc = induction(L(1, "bone", "new", detected_date=detected), L(2, "bone"))
    doc["history"]["polymetastatic_before"] = True
    doc["metastatic_diagnosis_date"] = "2025-05-20"
    assert run(engine, doc).decisions["estro_eortc"].value == state


# --- NCT06523673: progression after FIRST-line therapy -----------------------------------------------------
# seed 004: "after ≥3 months of clinical benefit by first-line systemic therapy"; the comparator arm is
# second-line therapy, so a patient already on a later line does not qualify.
def on_line(line: int) -> Doc:
    doc = tp.oligoprogression()
    first = doc["systemic_therapy"][0]
    first.update({"end_date": "2024-09-01"} if line > 1 else {})
    for n in range(2, line + 1):
        start = f"2024-{8 + n:02d}-02"
        end = None if n == line else f"2024-{9 + n:02d}-01"
        doc["systemic_therapy"].append(
            {"line": n, "category": "chemo", "start_date": start, "end_date": end, "best_response": "SD"}
        )
    return doc


@pytest.mark.parametrize(("line", "expected"), [(1, True), (2, False), (3, False)])
def test_nct06523673_needs_progression_after_first_line(engine: Engine, line: int, expected: bool) -> None:
    assert criterion(run(engine, on_line(line)), "NCT06523673", "first-line-benefit") is expected


# --- DLCG: oligorecidiv = recurrence after curative treatment of the primary ------------------------------
# seed 002, kap. 2: "Man skelner mellem de novo OMD-NSCLC, oligorecidiv efter kurativ behandling, ..."
DLCG_RECIDIV = [
    ("resected", "oligorecidiv", True),
    ("controlled", "oligorecidiv", True),
    ("untreated", "metachronous_no_curative_primary", False),  # a metachronous lesion, primary never treated
    ("progressing", None, None),  # progressing primary: whether it had curative treatment is not said
]


@pytest.mark.parametrize(("primary", "history", "in_scope"), DLCG_RECIDIV)
def test_dlcg_oligorecidiv_needs_curative_treatment_of_the_primary(
    engine: Engine, primary: str, history: str | None, in_scope: bool | None
) -> None:
    doc = tp.controlled_primary()  # metastases three years after the primary, no systemic therapy
    doc["primary"] = {"status": primary, "radically_treatable": True}
    result = run(engine, doc)
    assert result.decisions["dlcg_2025_history"].value == history
    assert criterion(result, "dlcg-2025-2", "scope-state") is in_scope


# --- counts under uncertainty --------------------------------------------------------------------------------
def unknown_lung(*others: Doc) -> Doc:
    doc = tp.controlled_primary()
    doc["lesions"] = [*others, L(9, "lung", "new", lung_relation=None)]
    return doc


# seed 002 (DLCG), rec. 3: "med 2 metastaser i binyre, lunge eller knogler"; kap. 2 "defineret ved 1-2
# metastaser": a lung nodule of unknown lung_relation is 0 or 1 metastasis, never a brain metastasis.
BOUNDED = [
    # one lung nodule of unknown relation: 0 or 1 metastasis, so "2 metastases" is FALSE, "1-2" open
    ((), "dlcg-2025-3", "two-in-adrenal-lung-bone", False),
    ((), "dlcg-2025-2", "scope-count", None),
    # adrenal + such a nodule: 1 or 2 metastases, so "1-2 metastases" holds either way
    ((L(1, "adrenal", "new"),), "dlcg-2025-2", "scope-count", True),
    # brain-count questions do not depend on it: "1-2 brain metastases" is FALSE (0 brain metastases)
    ((L(1, "adrenal", "new"),), "dlcg-2025-1", "rec1-brain", False),
    # kap. 2 "hjernen, binyre, lunge eller knogle": a lung lesion is in the list, metastasis or not
    ((L(1, "adrenal", "new"),), "dlcg-2025-2", "scope-organ-list", True),
    ((L(1, "liver", "new"),), "dlcg-2025-2", "scope-organ-list", False),
]


@pytest.mark.parametrize(("others", "rule_set", "criterion_id", "expected"), BOUNDED)
def test_counts_decide_on_their_bounds(
    engine: Engine, others: tuple[Doc, ...], rule_set: str, criterion_id: str, expected: bool | None
) -> None:
    assert criterion(run(engine, unknown_lung(*others)), rule_set, criterion_id) is expected


def test_missing_names_the_lung_relation_only_when_it_could_change_the_answer(engine: Engine) -> None:
    open_case = run(engine, unknown_lung())
    scope = next(c for c in open_case.rule_sets["dlcg-2025-2"].criteria if c.id == "scope-count")
    assert "lesions[0].lung_relation" in scope.missing
    decided = run(engine, unknown_lung(L(1, "adrenal", "new")))
    scope = next(c for c in decided.rule_sets["dlcg-2025-2"].criteria if c.id == "scope-count")
    assert scope.value is True and scope.missing == ()
