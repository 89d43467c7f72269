"""Every encoded guideline recommendation, as loaded from the knowledge base (no case needed).

Two kinds: `rule` (a rule set of kind recommendation, evaluated for every case) and `guidance`
(`info.guidance` of a guideline file: recalled content marked `verified: false`, shown as text only).
The work-up rule set (`info.workup: true`) is not a recommendation and is left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from oligoboard.engine.knowledge_base import CompiledRuleSet, KnowledgeBase
from oligoboard.knowledge.info import RuleSetInfo

GUIDELINE_ORDER = ("DLCG 2025", "ASTRO/ESTRO 2023")


@dataclass(frozen=True)
class EncodedRecommendation:
    """One recommendation with its grade as printed, texts and source."""

    id: str
    kind: Literal["rule", "guidance"]
    guideline: str
    number: int
    grade: str | None
    title: str
    text_en: str
    text_da: str | None
    source: str
    verified: bool
    topic: str
    strength: str | None = None
    quality: str | None = None
    alternative_to: tuple[str, ...] = ()
    calls_for_sbrt: bool = False
    grades: tuple[dict[str, str], ...] = ()
    info: RuleSetInfo = field(default_factory=RuleSetInfo)

    @property
    def text(self) -> str:
        return self.text_en

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "guideline": self.guideline,
            "grade": self.grade,
            "strength": self.strength,
            "quality": self.quality,
            "title": self.title,
            "text": self.text_en,
            "text_da": self.text_da,
            "source": self.source,
            "verified": self.verified,
            "topic": self.topic,
        }


def is_workup(rule_set: CompiledRuleSet) -> bool:
    return rule_set.spec.info.workup


def _clean(value: Any) -> str:
    return " ".join(str(value).split())


def from_rule_set(rule_set: CompiledRuleSet) -> EncodedRecommendation:
    spec, info = rule_set.spec, rule_set.spec.info
    return EncodedRecommendation(
        id=spec.id,
        kind="rule",
        guideline=info.guideline or rule_set.file_spec.title,
        number=info.number,
        grade=spec.grade,
        title=spec.title,
        text_en=_clean(info.text_en or spec.title),
        text_da=_clean(info.text_da) if info.text_da else None,
        source=spec.source,
        verified=spec.verified and rule_set.file_spec.verified,
        topic=info.topic,
        strength=info.strength or None,
        quality=info.quality or None,
        alternative_to=tuple(info.alternative_to),
        calls_for_sbrt=info.sbrt,
        grades=tuple(g.model_dump() for g in info.grades),
        info=info,
    )


def guidance_items(kb: KnowledgeBase) -> list[EncodedRecommendation]:
    """Unverified guidance text (`info.guidance`) of every guideline file."""
    out: list[EncodedRecommendation] = []
    for spec in kb.files.values():
        for raw in spec.info.guidance:
            out.append(
                EncodedRecommendation(
                    id=raw.id,
                    kind="guidance",
                    guideline=spec.info.guideline or spec.title,
                    number=int(raw.id.rsplit("-", 1)[-1]),
                    grade=None,
                    title=_clean(raw.text),
                    text_en=_clean(raw.text),
                    text_da=None,
                    source=raw.source,
                    verified=raw.verified,
                    topic=raw.topic,
                    strength=raw.strength or None,
                    quality=raw.quality or None,
                )
            )
    return out


def _order(rec: EncodedRecommendation) -> tuple[int, int, str]:
    rank = GUIDELINE_ORDER.index(rec.guideline) if rec.guideline in GUIDELINE_ORDER else len(GUIDELINE_ORDER)
    return (rank, rec.number, rec.id)


def encoded_recommendations(
    kb: KnowledgeBase, *, include_guidance: bool = True
) -> list[EncodedRecommendation]:
    """Every encoded recommendation (rules, then optionally unverified guidance), DLCG first."""
    rules = [from_rule_set(rs) for rs in kb.rule_sets_of("recommendation") if not is_workup(rs)]
    items = rules + (guidance_items(kb) if include_guidance else [])
    return sorted(items, key=_order)
