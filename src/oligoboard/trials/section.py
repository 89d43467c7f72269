"""The trials section of `assess`: the JSON contract items plus explanations (rendered by `report/`).

Each trial item keeps the contract keys (`id`, `status`, `criteria` with `id`/`kind`/`status`, `missing`)
and adds the verdict ("not now"), the deciding criteria, metadata and version; `next_best_questions` comes
first in the human view because it is the MDT's work-up plan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.engine.results import CaseResult, RuleSetResult, Verifier, conflict_view
from oligoboard.trials.explain import TrialExplanation, explain
from oligoboard.trials.metadata import TrialCard, trial_cards
from oligoboard.trials.questions import next_best_questions

if TYPE_CHECKING:  # contract TypedDicts: for mypy only, not built at run time (≈ 3 ms of `assess`)
    from oligoboard.guidelines.models import Recommendation
    from oligoboard.trials.models import CriterionConflict, Question, Trial, TrialCriterion, TrialsSection


def trial_item(ex: TrialExplanation, card: TrialCard) -> Trial:
    """One trial of the section: contract keys, verdict, deciding criteria, metadata and version.

    `verified_because` and each criterion's propagated verification and `conflict` are written by
    `verify_item` (they need the whole case); until then the item is not yet a complete `Trial`.
    """
    info = card.info
    return {
        "id": ex.id,
        "status": ex.status,
        "verdict": ex.verdict,
        "title": card.short_title,
        "acronym": info.acronym,
        "recruiting": info.recruiting,
        "phase": info.phase,
        "setting": list(info.setting),
        "version": card.version,
        "date": card.date,
        "source": card.source,
        "verified": card.verified,
        "deciding": [c.id for c in ex.deciding],
        "not_now": list(ex.not_now) if ex.verdict == "not_now" else None,
        "criteria": [cast("TrialCriterion", c.as_dict()) for c in ex.criteria],
        "missing": list(ex.missing),
    }  # type: ignore[typeddict-item]  # verified_because: added by verify_item


def verify_item(
    item: Trial | Recommendation, rs: RuleSetResult, result: CaseResult, verifier: Verifier
) -> None:
    """Propagated `verified` (with `verified_because`) on the item and each criterion, and each `conflict`.

    Shared with the recommendations section: the same keys mean the same thing on trials and guidelines.
    Keys are assigned in the order `dict.update` wrote them, so the JSON keeps its key order.
    """
    verification, per = verifier.rule_set_and_criteria(rs)
    item["verified"] = verification.verified
    item["verified_because"] = list(verification.because)
    by_id = {c.id: (c, v) for c, v in zip(rs.criteria, per, strict=True)}
    for crit in item["criteria"]:
        c, criterion = by_id[crit["id"]]
        crit["verified"] = criterion.verified
        crit["verified_because"] = list(criterion.because)
        crit["conflict"] = cast("CriterionConflict | None", conflict_view(result, rs, c))


def trials_section(result: CaseResult, kb: KnowledgeBase) -> TrialsSection:
    """`{"trials": [...], "next_best_questions": [...]}` for one evaluated case."""
    cards = {card.id: card for card in trial_cards(kb)}
    explanations = [explain(result.rule_sets[trial_id]) for trial_id in cards]
    recruiting = {trial_id: card.info.recruiting for trial_id, card in cards.items()}
    verifier = Verifier(result, kb)
    items = [trial_item(ex, cards[ex.id]) for ex in explanations]
    for item in items:
        verify_item(item, result.rule_sets[item["id"]], result, verifier)
    return {
        "trials": items,
        "next_best_questions": [
            cast("Question", q.as_dict()) for q in next_best_questions(explanations, recruiting)
        ],
    }
