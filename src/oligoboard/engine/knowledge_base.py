"""The compiled knowledge base: checked expressions with their types and inputs, plus provenance.

Plain frozen dataclasses over the knowledge specs, with no sqlglot in them, so a compiled knowledge base can
be pickled to the on-disk cache (`engine/cache.py`) and loaded back without importing sqlglot or DuckDB.
`engine/compile.py` builds it; `engine/statement.py` turns it into the one SQL statement.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, TypeVar

from oligoboard.knowledge.spec import (
    CriterionSpec,
    DecisionListSpec,
    DefinitionSpec,
    KnowledgeFileSpec,
    RuleSetSpec,
)


@dataclass(frozen=True)
class FeatureInfo:
    """One column of the features view, from engine/features.yaml."""

    name: str
    type: str
    description: str
    inputs: tuple[str, ...]


@dataclass(frozen=True)
class CompiledExpr:
    """One checked expression: its SQL (earlier definitions referenced by name), type and the features it reads.

    `tree` is the sqlglot expression the statement is built from; it exists only in the process that
    compiled the knowledge and is dropped when pickled (the cache stores the finished statement instead).
    """

    sql: str
    reads: frozenset[str]
    type: str = "unknown"
    tree: Any = field(default=None, compare=False, repr=False, hash=False)
    #: definitions (transitively) and decision lists (by name) it rests on: how `verified: false` propagates
    uses: frozenset[str] = frozenset()

    def __getstate__(self) -> dict[str, Any]:
        return {"sql": self.sql, "reads": self.reads, "type": self.type, "uses": self.uses}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for key, value in {**state, "tree": None}.items():
            object.__setattr__(self, key, value)


@dataclass(frozen=True)
class CompiledDefinition:
    spec: DefinitionSpec
    file: str
    expr: CompiledExpr


@dataclass(frozen=True)
class CompiledDecisionList:
    spec: DecisionListSpec
    file: str
    conditions: tuple[CompiledExpr, ...]
    reads: frozenset[str]


@dataclass(frozen=True)
class CompiledCriterion:
    spec: CriterionSpec
    expr: CompiledExpr
    answer_key: str | None  # "<rule set id>/<criterion id>" for attested criteria
    #: source conflict: (reading id, definition evaluating the criterion under that reading), in spec order
    readings: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CompiledRuleSet:
    spec: RuleSetSpec
    file: str
    file_spec: KnowledgeFileSpec
    criteria: tuple[CompiledCriterion, ...]


T = TypeVar("T")


@dataclass
class KnowledgeBase:
    """The compiled knowledge: everything the engine needs, plus provenance."""

    version: str
    content_hash: str
    features: dict[str, FeatureInfo]
    files: dict[str, KnowledgeFileSpec] = field(default_factory=dict)
    definitions: list[CompiledDefinition] = field(default_factory=list)
    decision_lists: list[CompiledDecisionList] = field(default_factory=list)
    rule_sets: list[CompiledRuleSet] = field(default_factory=list)
    answer_keys: list[str] = field(default_factory=list)
    #: values computed from this knowledge base alone, by `derived` (not compared, not shown)
    _derived: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without `_derived`: some of its values are keyed by `id()` of this process's objects."""
        state = dict(self.__dict__)
        state["_derived"] = {}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.__dict__.setdefault("_derived", {})

    def derived(self, name: str, build: Callable[[KnowledgeBase], T]) -> T:
        """`build(self)`, computed once per knowledge base object and kept under `name`.

        Why: the sections of `assess` present the same trial cards, criterion texts and catalogue entries
        for every case; rebuilding them per case was ≈ a quarter of a full assessment (benchmarks/single_case.py).
        `build` must read nothing but the knowledge base, and its value must not be changed by the caller.
        """
        if name not in self._derived:
            self._derived[name] = build(self)
        value: T = self._derived[name]
        return value

    @property
    def full_version(self) -> str:
        return f"{self.version}+{self.content_hash}"

    def rule_set(self, rule_set_id: str) -> CompiledRuleSet:
        for rs in self.rule_sets:
            if rs.spec.id == rule_set_id:
                return rs
        raise KeyError(rule_set_id)

    def rule_sets_of(self, kind: str) -> list[CompiledRuleSet]:
        return [rs for rs in self.rule_sets if rs.spec.kind == kind]


@cache
def default_knowledge() -> KnowledgeBase:
    """The packaged knowledge base, compiled once per machine (disk cache) and loaded once per process."""
    from oligoboard.engine.cache import default_artifacts  # the cache imports this module

    return default_artifacts().kb
