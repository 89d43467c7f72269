"""What the engine answers for one case, before any presentation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from oligoboard.engine.knowledge_base import CompiledCriterion, CompiledDecisionList, CompiledRuleSet

CriterionStatus = Literal["met", "not_met", "unknown"]
SetStatus = Literal["met", "not_met", "unknown"]

STATUS_LABELS: dict[str, dict[str, str]] = {
    "trial": {"met": "eligible", "not_met": "ineligible", "unknown": "undetermined"},
    "recommendation": {"met": "applies", "not_met": "not_applicable", "unknown": "undetermined"},
}


@dataclass(frozen=True)
class CriterionResult:
    compiled: CompiledCriterion
    value: bool | None
    missing: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.compiled.spec.id

    @property
    def kind(self) -> str:
        return self.compiled.spec.kind

    @property
    def status(self) -> CriterionStatus:
        """`met` means the criterion's condition holds (for an exclusion: the patient is excluded)."""
        if self.value is None:
            return "unknown"
        return "met" if self.value else "not_met"

    @property
    def blocks(self) -> bool:
        """This criterion alone decides the set negatively (failed inclusion or hit exclusion)."""
        if self.value is None:
            return False
        return self.value is (self.kind == "exclusion")


@dataclass(frozen=True)
class RuleSetResult:
    compiled: CompiledRuleSet
    outcome: SetStatus
    criteria: tuple[CriterionResult, ...]

    @property
    def id(self) -> str:
        return self.compiled.spec.id

    @property
    def kind(self) -> str:
        return self.compiled.spec.kind

    @property
    def status(self) -> str:
        return STATUS_LABELS[self.kind][self.outcome]

    @property
    def missing(self) -> list[str]:
        """Facts to collect: only when the set is still open (undetermined)."""
        if self.outcome != "unknown":
            return []
        seen: dict[str, None] = {}
        for c in self.criteria:
            if c.value is None:
                for m in c.missing:
                    seen.setdefault(m, None)
        return list(seen)


@dataclass(frozen=True)
class DecisionResult:
    compiled: CompiledDecisionList
    value: str | None
    step: int  # 1-based rule that decided; -k when rule k was unknown; 0 = otherwise
    missing: tuple[str, ...]

    @property
    def source(self) -> str:
        """The source of the rule that decided (or of the unknown one); the list's source for `otherwise`."""
        spec = self.compiled.spec
        if self.step == 0:
            return spec.source
        return spec.rules[abs(self.step) - 1].source

    @property
    def decided_by(self) -> str:
        spec = self.compiled.spec
        if self.step > 0:
            rule = spec.rules[self.step - 1]
            return f"{rule.when} → {rule.then}  [{rule.source}]"
        if self.step == 0:
            return f"otherwise → {spec.otherwise}  [{spec.source}]"
        rule = spec.rules[-self.step - 1]
        return f"unknown: {rule.when}  [{rule.source}]"


@dataclass
class CaseResult:
    case_id: str
    features: dict[str, Any]
    definitions: dict[str, Any] = field(default_factory=dict)
    definition_missing: dict[str, tuple[str, ...]] = field(default_factory=dict)
    decisions: dict[str, DecisionResult] = field(default_factory=dict)
    rule_sets: dict[str, RuleSetResult] = field(default_factory=dict)
