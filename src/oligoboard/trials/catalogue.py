"""The trial catalogue (no case needed): the comparison table and the criteria of one trial."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from oligoboard.engine.knowledge_base import CompiledRuleSet
from oligoboard.trials.metadata import TrialCard


@dataclass(frozen=True)
class ComparisonRow:
    id: str
    acronym: str
    recruiting: bool
    setting: str
    n: str
    design: str
    rt_dose: str
    primary_endpoint: str
    result: str
    counting: str
    version: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def comparison_row(card: TrialCard) -> ComparisonRow:
    info = card.info
    doses = [f"{arm.name}: {arm.rt}" for arm in info.arms if arm.rt]
    return ComparisonRow(
        id=card.id,
        acronym=info.acronym or "",
        recruiting=info.recruiting,
        setting=", ".join(info.setting),
        n=info.accrual.label(),
        design=f"phase {info.phase}; {info.design}; {info.randomisation}",
        rt_dose="; ".join(doses) or "not stated",
        primary_endpoint="; ".join(info.endpoints.primary),
        result=info.result or "not published / not verified",
        counting=info.counting,
        version=f"{card.version} ({card.date})",
    )


def comparison_table(cards: list[TrialCard], *, recruiting_only: bool = False) -> list[ComparisonRow]:
    return [comparison_row(c) for c in cards if c.info.recruiting or not recruiting_only]


def criteria_rows(rs: CompiledRuleSet) -> list[dict[str, object]]:
    """A trial's criteria as the catalogue shows them: number, kind, text, rule (or who attests), source."""
    return [
        {
            "id": c.spec.id,
            "number": c.spec.info.number or "",
            "kind": c.spec.kind,
            "text": c.spec.text,
            "rule": "attested (clinician answers " + (c.answer_key or "") + ")"
            if c.spec.attested
            else c.spec.sql,
            "counts": c.spec.counts,
            "recoverable": c.spec.recoverable,
            "verified": c.spec.verified,
            "source": c.spec.source,
        }
        for c in rs.criteria
    ]
