"""End-to-end eligibility per trial: one eligible case (all attestations answered), one undetermined case
(nothing attested), and one ineligible case per objective (SQL) criterion, each citing the registry text
through the criterion's own `source`. The mutator for a criterion changes only the fact that criterion reads.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.engine.runner import Engine
from tests.support import trial_profiles as b

Base = Callable[[], b.Doc]

# trial id -> (base profile that meets every objective criterion, {criterion id: mutator that fails it})
TABLE: dict[str, tuple[Base, dict[str, b.Mutator]]] = {
    "NCT01282450": (
        b.synchronous_after_induction,
        {
            "nsclc-confirmed": b.setter("tumour.histology", "sclc"),
            "synchronous-stage-iv": b.setter("metastatic_diagnosis_date", "2025-08-20"),
            "fewer-than-4-sites": b.with_lesions("bone", "bone", "liver", "adrenal"),
            "all-sites-radically-treatable": b.setter("primary.radically_treatable", False),
        },
    ),
    "NCT06114108": (
        b.synchronous_after_induction,
        {
            "adult": b.setter("patient.age_years", 17),
            "nsclc-stage-iv": b.setter("tumour.histology_confirmed", False),
            "ecog": b.setter("patient.ecog", 2),
            "first-line-duration": b.setter("systemic_therapy", []),
            "first-line-response": b.setter("systemic_therapy.0.best_response", "PD"),
            "residual-extracranial": b.with_lesions("bone", "bone", "bone", "liver", "liver", "adrenal"),
            "cranial": b.with_lesions("brain", "brain", "brain", "brain", "brain", "brain", "bone"),
            "all-amenable": b.setter("lesions.0.amenable_to_lat", False),
        },
    ),
    "NCT06523673": (
        b.oligoprogression,
        {
            "adult": b.setter("patient.age_years", 17),
            "nsclc-stage-iv": b.setter("tumour.histology", "sclc"),
            "first-line-benefit": b.setter("systemic_therapy.0.start_date", "2025-04-01"),
            "oligoprogression-extracranial": b.with_lesions("bone", "liver", status="stable"),
        },
    ),
    "NCT01725165": (
        b.synchronous_after_induction,
        {
            "nsclc-confirmed": b.setter("tumour.histology", "sclc"),
            "stage-iv": b.setter("lesions", []),
            "three-or-fewer-sites": b.with_lesions("bone", "bone", "liver", "adrenal"),
            "no-progression": b.setter("lesions.0.status", "progressing"),
            "front-line-therapy": b.setter("systemic_therapy.0.cycles", 3),
            "three-months-front-line": b.setter("systemic_therapy.0.start_date", "2025-04-01"),
        },
    ),
    "NCT02045446": (
        b.synchronous_after_induction,
        {
            "nsclc-stage-iv": b.setter("tumour.histology_confirmed", False),
            "four-to-six-cycles": b.setter("systemic_therapy.0.cycles", 7),
            "response-pr-sd": b.setter("systemic_therapy.0.best_response", "PD"),
            "egfr-alk-tki": b.setter("tumour.drivers.alk", "positive"),
            "adult": b.setter("patient.age_years", 17),
            "six-extracranial-with-primary": b.with_lesions(
                "bone", "bone", "adrenal", "adrenal", "soft_tissue", "kidney"
            ),
            "liver-at-most-3": b.with_lesions("liver", "liver", "liver", "liver"),
            "lung-at-most-3": b.with_lesions("lung", "lung", "lung", "lung"),
        },
    ),
    "NCT01446744": (
        b.controlled_primary,
        {
            "controlled-primary": b.setter("primary.status", "progressing"),
            "one-to-five-metastases": b.with_lesions("bone", "bone", "liver", "adrenal", "lung", "kidney"),
            "all-amenable": b.setter("lesions.1.amenable_to_lat", False),
            "per-organ-at-most-3": b.with_lesions("bone", "bone", "bone", "bone"),
            "adult": b.setter("patient.age_years", 17),
            "ecog": b.setter("patient.ecog", 2),
        },
    ),
    "NCT03862911": (
        b.controlled_primary,
        {
            "adult": b.setter("patient.age_years", 17),
            "controlled-primary": b.setter("primary.status", "untreated"),
            "one-to-three-metastases": b.with_lesions("bone", "bone", "liver", "adrenal"),
            "all-amenable": b.setter("lesions.0.amenable_to_lat", False),
        },
    ),
    "NCT03721341": (
        lambda: {
            **b.controlled_primary(),
            "lesions": [b.lesion(i, o) for i, o in enumerate(("bone",) * 3 + ("liver",) * 2, 1)],
        },
        {
            "four-to-ten-metastases": b.with_lesions("bone", "liver"),
            "controlled-primary": b.setter("primary.status", "untreated"),
            "adult": b.setter("patient.age_years", 17),
            "ecog": b.setter("patient.ecog", 3),
            "all-treatable": b.setter("lesions.4.amenable_to_lat", False),
        },
    ),
    "NCT03137771": (
        b.synchronous_after_induction,
        {
            "nsclc-stage-iv": b.setter("tumour.histology", "sclc"),
            "response-or-stable": b.setter("systemic_therapy.0.best_response", "PD"),
            "three-extracranial-sites": b.with_lesions("bone", "bone", "liver", "adrenal"),
            "adult": b.setter("patient.age_years", 17),
            "zubrod": b.setter("patient.ecog", 3),
            "four-cycles": b.setter("systemic_therapy.0.cycles", 3),
        },
    ),
    "NCT02417662": (
        b.synchronous_after_induction,
        {
            "adult": b.setter("patient.age_years", 17),
            "nsclc-confirmed": b.setter("tumour.histology", "sclc"),
            "staging-imaging": b.setter("staging.fdg_pet_ct_date", "2025-03-01"),
            "ecog": b.setter("patient.ecog", 2),
            "synchronous": b.setter("history.omd_before", True),
            "one-to-five-lesions": b.with_lesions("bone", "bone", "bone", "liver", "liver", "adrenal"),
            "at-most-3-organs": b.with_lesions("bone", "liver", "adrenal", "kidney"),
            "fit-for-radical-rt": b.setter("primary.radically_treatable", False),
        },
    ),
    "NCT03256981": (
        b.egfr_oligoprogression,
        {
            "actionable-driver": lambda d: d["tumour"].update(drivers=dict(b.NEGATIVE_DRIVERS)),
            "tki-response": b.setter("systemic_therapy.0.best_response", "SD"),
            "opd-sites": b.with_lesions(
                "bone", "bone", "bone", "liver", "liver", "adrenal", status="progressing"
            ),
        },
    ),
    "NCT02756793": (
        b.oligoprogression,
        {
            "on-systemic-therapy": b.setter("systemic_therapy.0.end_date", "2025-05-01"),
            "one-to-five-progressing": b.with_lesions("bone", "liver", status="stable"),
        },
    ),
    "NCT06918951": (
        b.oligoprogression,
        {
            "age-19": b.setter("patient.age_years", 18),
            "one-to-five-progressing": b.with_lesions(*("bone",) * 6, status="progressing"),
        },
    ),
    "NCT05278052": (
        b.synchronous_after_induction,
        {
            "age-over-18": b.setter("patient.age_years", 18),
            "ecog": b.setter("patient.ecog", 3),
            "one-to-five-sites": b.with_lesions("bone", "bone", "liver", "liver", "adrenal", "adrenal"),
            "per-organ-at-most-3": b.with_lesions("bone", "bone", "bone", "bone"),
            "four-to-six-cycles": b.setter("systemic_therapy.0.cycles", 3),
            "primary-definitive": b.setter("primary.radically_treatable", False),
        },
    ),
}


def attested_answers(kb: KnowledgeBase, trial_id: str) -> dict[str, bool]:
    """Answers that satisfy every attested criterion: inclusions true, exclusions false."""
    rs = kb.rule_set(trial_id)
    return {c.answer_key: c.spec.kind == "inclusion" for c in rs.criteria if c.answer_key is not None}


def test_table_covers_every_trial_and_every_objective_criterion(kb: KnowledgeBase) -> None:
    trial_ids = {rs.spec.id for rs in kb.rule_sets_of("trial")}
    assert set(TABLE) == trial_ids
    for trial_id, (_, breakers) in TABLE.items():
        objective = {c.spec.id for c in kb.rule_set(trial_id).criteria if not c.spec.attested}
        assert set(breakers) == objective, trial_id


@pytest.mark.parametrize("trial_id", sorted(TABLE))
def test_eligible_when_every_criterion_holds(trial_id: str, kb: KnowledgeBase, engine: Engine) -> None:
    base, _ = TABLE[trial_id]
    result = engine.evaluate_one(b.build(base(), answers=attested_answers(kb, trial_id)))
    rs = result.rule_sets[trial_id]
    assert rs.status == "eligible", [(c.id, c.status, c.missing) for c in rs.criteria]


@pytest.mark.parametrize("trial_id", sorted(TABLE))
def test_undetermined_until_attested(trial_id: str, engine: Engine) -> None:
    base, _ = TABLE[trial_id]
    rs = engine.evaluate_one(b.build(base())).rule_sets[trial_id]
    assert rs.status == "undetermined"
    assert rs.missing and all(m.startswith("answers[") for m in rs.missing)


CASES = [(t, c) for t, (_, breakers) in sorted(TABLE.items()) for c in sorted(breakers)]


@pytest.mark.parametrize(("trial_id", "criterion_id"), CASES, ids=[f"{t}/{c}" for t, c in CASES])
def test_each_objective_criterion_alone_makes_ineligible(
    trial_id: str, criterion_id: str, kb: KnowledgeBase, engine: Engine
) -> None:
    base, breakers = TABLE[trial_id]
    case = b.build(base(), breakers[criterion_id], answers=attested_answers(kb, trial_id))
    rs = engine.evaluate_one(case).rule_sets[trial_id]
    assert rs.status == "ineligible"
    blocking = [c.id for c in rs.criteria if c.blocks]
    assert criterion_id in blocking, [(c.id, c.status) for c in rs.criteria]
