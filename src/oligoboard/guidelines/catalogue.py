"""Every encoded guideline recommendation, as loaded from the knowledge base (no case needed).

Two kinds: `rule` (a rule set of kind recommendation, evaluated for every case) and `guidance`
(`info.guidance` of a guideline file: recalled content marked `verified: false`, shown as text only).
The work-up rule set (`info.workup: true`) is not a recommendation and is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from oligoboard.engine.knowledge_base import CompiledRuleSet, KnowledgeBase
from oligoboard.knowledge.info import GradePart, RuleSetInfo
from oligoboard.knowledge.spec import KnowledgeFileSpec


@dataclass(frozen=True)
class Guideline:
    """One guideline file of the knowledge base, with every name derived from it in this one place.

    `name` is the file's `info.guideline` ("DLCG 2025"), else its title up to the colon; `short` drops the
    trailing year ("DLCG"); `key` is the file id without its year, in snake case ("dlcg", "astro_estro"),
    used as a JSON key. Nothing in Python names a guideline: a new file brings its own names.
    """

    file_id: str
    name: str
    short: str
    key: str
    date: str | None

    @classmethod
    def from_file(cls, spec: KnowledgeFileSpec) -> Guideline:
        """Derive the names of a guideline from its knowledge file.

        Example:
            >>> from oligoboard.knowledge.spec import KnowledgeFileSpec
            >>> g = Guideline.from_file(KnowledgeFileSpec(id="esmo-2026", title="ESMO 2026: OMD", source="s"))
            >>> g.name, g.short, g.key
            ('ESMO 2026', 'ESMO', 'esmo')
        """
        name = str(spec.info.guideline or spec.title.split(":", 1)[0] or spec.id).strip()
        short = re.sub(r"\s+\d{4}$", "", name) or name
        key = re.sub(r"-\d{4}$", "", spec.id).replace("-", "_")
        return cls(file_id=spec.id, name=name, short=short, key=key, date=spec.date)


def _is_guideline_file(spec: KnowledgeFileSpec) -> bool:
    recommendations = [rs for rs in spec.rule_sets if rs.kind == "recommendation" and not rs.info.workup]
    return bool(recommendations or spec.info.guidance)


def guidelines(kb: KnowledgeBase) -> list[Guideline]:
    """Every guideline of the knowledge base, newest first (by the file's `date`), then by file id."""
    found = [Guideline.from_file(spec) for spec in kb.files.values() if _is_guideline_file(spec)]
    by_id = sorted(found, key=lambda g: g.file_id)
    return sorted(by_id, key=lambda g: g.date or "", reverse=True)


def guideline_order(kb: KnowledgeBase) -> tuple[str, ...]:
    """Guideline names in display order (newest first): the order of every guideline table and JSON list."""
    return tuple(g.name for g in guidelines(kb))


#: The `info` of an item that has none (guidance). Built without validation: `RuleSetInfo()` would build
#: the model's validator on every `assess` (≈ 0.7 ms of its start-up) to check no value at all.
_NO_INFO: RuleSetInfo = RuleSetInfo.model_construct()


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
    info: RuleSetInfo = field(default_factory=lambda: _NO_INFO)

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


def _plain(part: GradePart) -> dict[str, str]:
    """`part.model_dump()` for a model of plain string fields, without building its serializer (≈ 0.3 ms
    of every `assess`: the spec models are built on first use, docs/architecture.md "Start-up")."""
    return {name: getattr(part, name) for name in type(part).model_fields}


def is_workup(rule_set: CompiledRuleSet) -> bool:
    return rule_set.spec.info.workup


def _clean(value: Any) -> str:
    return " ".join(str(value).split())


def from_rule_set(rule_set: CompiledRuleSet) -> EncodedRecommendation:
    spec, info = rule_set.spec, rule_set.spec.info
    return EncodedRecommendation(
        id=spec.id,
        kind="rule",
        guideline=info.guideline or Guideline.from_file(rule_set.file_spec).name,
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
        grades=tuple(_plain(g) for g in info.grades),
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
                    guideline=Guideline.from_file(spec).name,
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


def _order(rec: EncodedRecommendation, order: tuple[str, ...]) -> tuple[int, int, str]:
    rank = order.index(rec.guideline) if rec.guideline in order else len(order)
    return (rank, rec.number, rec.id)


def encoded_recommendations(
    kb: KnowledgeBase, *, include_guidance: bool = True
) -> list[EncodedRecommendation]:
    """Every encoded recommendation (rules, then optionally unverified guidance), newest guideline first."""
    rules = [from_rule_set(rs) for rs in kb.rule_sets_of("recommendation") if not is_workup(rs)]
    items = rules + (guidance_items(kb) if include_guidance else [])
    order = guideline_order(kb)
    return sorted(items, key=lambda rec: _order(rec, order))
