"""One recommendation's answer for one case: status, grade, text, source, why, what is missing, and later.

Status follows the engine (three-valued logic over the criteria). On top of it:
* `reasons`: the criteria that decided a not-applicable answer (failed inclusions), with their seed quote;
* `undetermined_because`: for an undetermined answer, the missing facts or — when every fact is known — the
  reason the guideline text does not settle the case (criterion `info.unsettled`, or the DLCG state reason
  for the value of the decision list named by `info.state_output`);
* `later`: for a recommendation with `timing` criteria (DLCG rec. 4) the condition that makes it apply later.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.engine.results import CaseResult, CriterionResult, RuleSetResult
from oligoboard.guidelines.ablative import ablative_for_rule_set
from oligoboard.guidelines.catalogue import EncodedRecommendation
from oligoboard.knowledge.spec import CriterionSpec

#: per compiled criterion (by id(), the knowledge base keeps each alive): the keys of its view that the
#: knowledge alone sets (text, source, the seed quotes given)
CriterionTexts = Mapping[int, Mapping[str, Any]]


def _criterion_texts(spec: CriterionSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"text": " ".join(spec.text.split()), "source": spec.source}
    for key in ("quote_da", "quote_da_corrected", "quote_en"):
        if key in spec.info.model_fields_set:
            out[key] = getattr(spec.info, key)
    return out


def criterion_texts(kb: KnowledgeBase) -> dict[int, dict[str, Any]]:
    """`CriterionTexts` of every recommendation criterion (built once per knowledge base by the section)."""
    return {id(c): _criterion_texts(c.spec) for rs in kb.rule_sets_of("recommendation") for c in rs.criteria}


def _criterion_dict(c: CriterionResult, texts: CriterionTexts) -> dict[str, Any]:
    out: dict[str, Any] = {"id": c.id, "status": c.status}
    out.update(texts[id(c.compiled)])
    if c.missing:
        out["missing"] = list(c.missing)
    return out


def _state_reason(c: CriterionResult, result: CaseResult, state_reasons: dict[str, str]) -> str | None:
    output = c.compiled.spec.info.state_output
    if not output:
        return None
    decision = result.decisions.get(str(output))
    if decision is None or decision.value is None:
        return None
    reason = state_reasons.get(decision.value)
    return " ".join(reason.split()) if reason else None


def _unsettled(c: CriterionResult, result: CaseResult, state_reasons: dict[str, str]) -> str | None:
    """Why a criterion with every fact known is still unknown (the text does not settle it)."""
    reason = _state_reason(c, result, state_reasons)
    if reason:
        return reason
    if not c.missing and c.compiled.spec.info.unsettled:
        return " ".join(c.compiled.spec.info.unsettled.split())
    return None


def _later(rs: RuleSetResult, rec: EncodedRecommendation, texts: CriterionTexts) -> dict[str, Any] | None:
    timing = [c for c in rs.criteria if c.compiled.spec.info.timing]
    if not timing:
        return None
    others = [c for c in rs.criteria if not c.compiled.spec.info.timing]
    condition = rec.info.applies_later_if.strip()
    if any(c.blocks for c in others):
        status, text = (
            "not_applicable",
            "Would not apply later either: "
            + "; ".join(" ".join(c.compiled.spec.text.split()) for c in others if c.blocks),
        )
    elif all(c.value is True for c in timing) and all(c.value is True for c in others):
        status, text = "applies_now", "The condition is already met."
    elif all(c.value is True for c in others):
        status = "applies_later_if"
        text = (
            f"Applies once the patient has had {condition}."
            if condition
            else "Applies once the timing is met."
        )
    else:
        status, text = "undetermined", "Cannot tell yet: facts about the patient are still missing."
    return {
        "status": status,
        "condition": condition,
        "condition_da": rec.info.applies_later_if_da,
        "condition_da_corrected": rec.info.applies_later_if_da_corrected,
        "text": text,
        "timing_criteria": [_criterion_dict(c, texts) for c in timing],
    }


def recommendation_answer(
    rs: RuleSetResult,
    result: CaseResult,
    state_reasons: dict[str, str],
    rec: EncodedRecommendation,
    texts: CriterionTexts,
) -> dict[str, Any]:
    """The contract keys (`id`, `status`, `grade`, `text`, `source`, `missing`) plus explanation keys.

    `rec` (the rule set's catalogue entry, `from_rule_set`) and `texts` (`criterion_texts`) are what the
    knowledge base alone decides: the section builds them once per knowledge base.
    """
    undetermined_because: list[str] = []
    missing: dict[str, None] = {}
    if rs.status == "undetermined":
        for c in rs.criteria:
            if c.value is not None:
                continue
            reason = _unsettled(c, result, state_reasons)
            if reason:
                undetermined_because.append(reason)
                continue
            for m in c.missing:
                missing.setdefault(m, None)
            label = " ".join(c.compiled.spec.text.split())
            facts = ", ".join(c.missing) or "a derived fact"
            undetermined_because.append(f"{label}: unknown (missing {facts})")
    ablative = ablative_for_rule_set(rec.info) if rec.calls_for_sbrt else None
    return {
        "id": rec.id,
        "status": rs.status,
        "grade": rec.grade,
        "text": rec.text_en,
        "source": rec.source,
        "missing": list(missing),
        "guideline": rec.guideline,
        "title": rec.title,
        "text_da": rec.text_da,
        "text_da_corrected": " ".join((rec.info.text_da_corrected or "").split()) or None,
        "grades": [dict(g) for g in rec.grades],
        "strength": rec.strength,
        "quality": rec.quality,
        "verified": rec.verified,
        "topic": rec.topic,
        "alternative_to": list(rec.alternative_to),
        "reasons": [_criterion_dict(c, texts) for c in rs.criteria if c.blocks],
        "undetermined_because": undetermined_because,
        "criteria": [_criterion_dict(c, texts) for c in rs.criteria],
        "later": _later(rs, rec, texts),
        "ablative_dose": ablative.as_dict() if ablative is not None else None,
    }
