"""What the engine answers for one case, before any presentation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from oligoboard.engine.knowledge_base import (
    CompiledCriterion,
    CompiledDecisionList,
    CompiledRuleSet,
    KnowledgeBase,
)

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


# ---------------------------------------------------------------------------- verification and conflicts


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


@dataclass(frozen=True)
class Verification:
    """Whether a verdict rests only on verified rules; `because` names every unverified rule it rests on."""

    because: tuple[str, ...]

    @property
    def verified(self) -> bool:
        return not self.because

    def as_dict(self) -> dict[str, Any]:
        return {"verified": self.verified, "verified_because": list(self.because)}


class Verifier:
    """`verified: false` propagated through one evaluated case (docs/knowledge-format.md, "verified").

    A verdict is unverified when a rule it rests on is: the criterion or rule set itself, every definition
    it reads (transitively), and every decision list it reads *as decided for this case* — the rule that
    decided and every rule tried before it (an earlier unverified rule read differently could have fired).
    So a recommendation resting on an unverified state is unverified, and one resting on a verified branch of
    a partly unverified list is not. A set that is not met rests on its blocking criteria only: one verified
    blocker is enough for a verified "no".
    """

    def __init__(self, result: CaseResult, kb: KnowledgeBase, *, static: bool = True) -> None:
        self.result = result
        self._definitions = {d.spec.id: d for d in kb.definitions}
        self._lists = {dl.spec.id: dl for dl in kb.decision_lists}
        # memos for this one case: a trial's criteria are asked for by `rule_set` and again per criterion by
        # the sections, and the same `uses` sets recur across rule sets (≈ 3 % of a full `assess`, measured).
        # They start from what is the same for every case (`_static_verification`, once per knowledge base)
        known = kb.derived("verifier.static", _static_verification) if static else _NOTHING_STATIC
        self._memo: dict[str, tuple[str, ...]] = dict(known.names)
        self._uses: dict[frozenset[str], tuple[str, ...]] = {}
        #: by id() of the compiled criterion (the knowledge base keeps each alive)
        self._criteria: dict[int, Verification] = dict(known.criteria)

    def _name(self, name: str) -> tuple[str, ...]:
        if name not in self._memo:
            self._memo[name] = ()  # no cycles in load order; guards recursion all the same
            if name in self._definitions:
                d = self._definitions[name]
                own = [] if d.spec.verified else [f"definition {name}"]
                self._memo[name] = _unique(own + list(self.uses(d.expr.uses)))
            elif name in self._lists:
                self._memo[name] = self.decision(name).because
        return self._memo[name]

    def uses(self, names: frozenset[str]) -> tuple[str, ...]:
        found = self._uses.get(names)
        if found is None:
            found = self._uses[names] = _unique([item for name in sorted(names) for item in self._name(name)])
        return found

    def decision(self, name: str) -> Verification:
        dl = self._lists[name]
        step = self.result.decisions[name].step
        tried = len(dl.spec.rules) if step == 0 else abs(step)
        out = [] if dl.spec.verified else [f"decision list {name}"]
        for i in range(tried):
            rule = dl.spec.rules[i]
            if not rule.verified:
                out.append(f"decision list {name}, rule {i + 1}")
            out.extend(self.uses(dl.conditions[i].uses))
        return Verification(_unique(out))

    def criterion(self, rule_set_id: str, c: CriterionResult) -> Verification:
        return self.compiled_criterion(rule_set_id, c.compiled)

    def compiled_criterion(self, rule_set_id: str, compiled: CompiledCriterion) -> Verification:
        found = self._criteria.get(id(compiled))
        if found is None:
            spec = compiled.spec
            own = [] if spec.verified else [f"criterion {rule_set_id}/{spec.id}"]
            found = Verification(_unique(own + list(self.uses(compiled.expr.uses))))
            self._criteria[id(compiled)] = found
        return found

    def rule_set(self, rs: RuleSetResult) -> Verification:
        return self.rule_set_and_criteria(rs)[0]

    def rule_set_and_criteria(self, rs: RuleSetResult) -> tuple[Verification, list[Verification]]:
        """The rule set's verification and each criterion's, in the rule set's order (one pass for both)."""
        spec = rs.compiled.spec
        own = [] if spec.verified else [f"rule set {spec.id}"]
        per = [self.criterion(spec.id, c) for c in rs.criteria]
        if rs.outcome == "not_met":
            blockers = [v for c, v in zip(rs.criteria, per, strict=True) if c.blocks]
            rest = [] if any(v.verified for v in blockers) else [b for v in blockers for b in v.because]
        else:
            rest = [b for v in per for b in v.because]
        return Verification(_unique(own + rest)), per


@dataclass(frozen=True)
class _StaticVerification:
    """What `Verifier` finds for every case alike: definitions and criteria that read no decision list."""

    names: Mapping[str, tuple[str, ...]]
    criteria: Mapping[int, Verification]


_NOTHING_STATIC = _StaticVerification(names={}, criteria={})


def _static_verification(kb: KnowledgeBase) -> _StaticVerification:
    """The verifications that do not depend on the case: nothing they rest on reads a decision list.

    Only a decision list is read "as decided for this case"; a definition or criterion whose every input is
    transitively a feature or another such definition has the same verification for every case, so it is
    found once per knowledge base by a `Verifier` that is never asked about a decision.
    """
    probe = Verifier(CaseResult(case_id="", features={}), kb, static=False)
    definitions, lists = probe._definitions, probe._lists
    reads_a_list: dict[str, bool] = {}

    def dynamic(name: str) -> bool:
        if name not in reads_a_list:
            reads_a_list[name] = False  # load order has no cycles; guards recursion all the same
            if name in lists:
                reads_a_list[name] = True
            elif name in definitions:
                reads_a_list[name] = any(dynamic(n) for n in definitions[name].expr.uses)
        return reads_a_list[name]

    names = {name: probe._name(name) for name in definitions if not dynamic(name)}
    criteria = {
        id(c): probe.compiled_criterion(rs.spec.id, c)
        for rs in kb.rule_sets
        for c in rs.criteria
        if not any(dynamic(n) for n in c.expr.uses)
    }
    return _StaticVerification(names=names, criteria=criteria)


def _status(value: bool | None) -> CriterionStatus:
    return "unknown" if value is None else ("met" if value else "not_met")


def _set_outcome(pairs: list[tuple[str, bool | None]]) -> SetStatus:
    """Kleene AND of inclusions and negated exclusions, as `engine/statement.set_status` computes it."""
    terms = [
        value if kind == "inclusion" else (None if value is None else not value) for kind, value in pairs
    ]
    if any(t is False for t in terms):
        return "not_met"
    return "met" if all(t is True for t in terms) else "unknown"


def conflict_view(result: CaseResult, rs: RuleSetResult, c: CriterionResult) -> dict[str, Any] | None:
    """A criterion's source conflict with the engine's verdict under every reading, or None.

    Each reading's value is a column of the same statement (`engine/compile.py`, `_compile_readings`); the
    rule set's status under a reading replaces only this criterion's value. `decisive` says whether the
    readings give different verdicts for this case: when False the conflict does not matter here.
    """
    conflict = c.compiled.spec.conflict
    if conflict is None:
        return None
    labels = STATUS_LABELS[rs.kind]
    readings: list[dict[str, Any]] = []
    for reading_id, definition in c.compiled.readings:
        reading = conflict.reading(reading_id)
        value = result.definitions.get(definition)
        pairs = [(o.kind, value if o.id == c.id else o.value) for o in rs.criteria]
        readings.append(
            {
                "id": reading.id,
                "source": reading.source,
                "phrase": reading.phrase,
                "sql": reading.sql,
                "status": _status(value),
                "set_status": labels[_set_outcome(pairs)],
                "missing": list(result.definition_missing.get(definition, ())),
                "applied": reading.id == conflict.applied,
            }
        )
    return {
        "applied": conflict.applied,
        "why": " ".join(conflict.why.split()),
        "decisive": len({r["set_status"] for r in readings}) > 1,
        "readings": readings,
    }
