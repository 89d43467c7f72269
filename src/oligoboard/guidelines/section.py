"""The guidelines section of an assessment (the JSON `recommendations` part; `report/` renders it).

`recommendations_section(result, kb)` returns
`{"recommendations": [...], "concordance": {...}, "workup_gaps": [...], ...}`; each recommendation keeps the
contract keys `id`, `status` (applies | not_applicable | undetermined), `grade`, `text`, `source`, `missing`
(architecture.md, command-line contract) and adds explanation keys (see `recommendation.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.engine.results import CaseResult, Verifier
from oligoboard.guidelines.ablative import ablative_definition
from oligoboard.guidelines.catalogue import (
    EncodedRecommendation,
    from_rule_set,
    guidance_items,
    guidelines,
    is_workup,
)
from oligoboard.guidelines.concordance import concordance
from oligoboard.guidelines.recommendation import criterion_texts, recommendation_answer
from oligoboard.guidelines.workup import workup_advisories, workup_gaps
from oligoboard.trials.section import verify_item

if TYPE_CHECKING:  # contract TypedDicts: for mypy only, not built at run time (≈ 3 ms of `assess`)
    from oligoboard.guidelines.models import (
        AblativeDose,
        Alternative,
        Concordance,
        Guidance,
        Recommendation,
        RecommendationsSection,
        WorkupAdvisory,
        WorkupGap,
    )


def _merged_info(kb: KnowledgeBase, key: str) -> list[Any]:
    out: list[Any] = []
    for spec in kb.files.values():
        value = getattr(spec.info, key, None)
        if isinstance(value, list):
            out.extend(value)
    return out


def _state_reasons(kb: KnowledgeBase) -> dict[str, str]:
    out: dict[str, str] = {}
    for spec in kb.files.values():
        reasons = spec.info.state_reasons
        if isinstance(reasons, dict):
            out.update({str(k): str(v) for k, v in reasons.items()})
    return out


def _method_differences(kb: KnowledgeBase) -> list[str]:
    return [str(d) for d in _merged_info(kb, "differences_from_dlcg")]


def _catalogue(kb: KnowledgeBase) -> dict[str, EncodedRecommendation]:
    """Each recommendation rule set's catalogue entry, by rule-set id."""
    return {rs.spec.id: from_rule_set(rs) for rs in kb.rule_sets_of("recommendation")}


def _order(rec: Recommendation, order: tuple[str, ...]) -> tuple[int, int, str]:
    guideline = rec["guideline"]
    rank = order.index(guideline) if guideline in order else len(order)
    number = next((int(g) for g in [rec["id"].rsplit("-", 1)[-1]] if g.isdigit()), 0)
    return (rank, number, rec["id"])


def _alternatives(recs: list[Recommendation], order: tuple[str, ...]) -> list[Alternative]:
    """Pairs of recommendations that are alternatives for the same case (DLCG rec. 3 and 4), side by side."""
    by_id = {r["id"]: r for r in recs}
    seen: set[frozenset[str]] = set()
    out: list[Alternative] = []
    for rec in recs:
        for other in rec["alternative_to"]:
            pair = frozenset((rec["id"], other))
            if other not in by_id or pair in seen:
                continue
            seen.add(pair)
            members = sorted(pair, key=lambda i: _order(by_id[i], order))
            out.append(
                {
                    "ids": members,
                    "options": [
                        {
                            "id": i,
                            "status": by_id[i]["status"],
                            "grade": by_id[i]["grade"],
                            "text": by_id[i]["text"],
                            "later": by_id[i]["later"],
                        }
                        for i in members
                    ],
                    "note": (
                        "Alternatives for the same patient: the MDT chooses one "
                        "(DLCG rec. 3 refers to rec. 4, 'jf. pkt. 4')."
                    ),
                }
            )
    return out


def recommendations_section(result: CaseResult, kb: KnowledgeBase) -> RecommendationsSection:
    """Guideline recommendations, work-up gaps and the concordance view for one evaluated case."""
    # what the knowledge base alone decides is built once per knowledge base (`KnowledgeBase.derived`)
    reasons = kb.derived("guidelines.state_reasons", _state_reasons)
    known = kb.derived("guidelines.guidelines", guidelines)
    catalogue = kb.derived("guidelines.catalogue", _catalogue)
    texts = kb.derived("guidelines.criterion_texts", criterion_texts)
    order = tuple(g.name for g in known)
    # `recommendation_answer` builds the plain dict; `verify_item` below adds `verified_because` and each
    # criterion's verification and conflict, after which every key of `Recommendation` is present
    # (tests/assessment/test_contract.py validates that at runtime).
    recs = sorted(
        (
            cast("Recommendation", recommendation_answer(rs, result, reasons, catalogue[rs.id], texts))
            for rs in result.rule_sets.values()
            if rs.kind == "recommendation" and not is_workup(rs.compiled)
        ),
        key=lambda rec: _order(rec, order),
    )
    verifier = Verifier(result, kb)
    for rec in recs:
        rs = result.rule_sets[rec["id"]]
        verify_item(rec, rs, result, verifier)
        for reason in rec["reasons"]:
            verification = verifier.criterion(rs.id, next(c for c in rs.criteria if c.id == reason["id"]))
            reason["verified"] = verification.verified
            reason["verified_because"] = list(verification.because)
    guidance = kb.derived("guidelines.guidance", guidance_items)
    return {
        "recommendations": recs,
        "alternatives": _alternatives(recs, order),
        "concordance": cast(
            "Concordance",
            concordance(
                cast(list[dict[str, Any]], recs),
                guidance,
                kb.derived("guidelines.method_differences", _method_differences),
                known,
            ),
        ),
        "workup_gaps": cast("list[WorkupGap]", workup_gaps(result)),
        "workup_advisories": cast("list[WorkupAdvisory]", workup_advisories(result)),
        "ablative_dose": cast("AblativeDose", ablative_definition(kb).as_dict()),
        "guidance": [cast("Guidance", g.as_dict()) for g in guidance],
    }
