"""Knowledge specs → the compiled knowledge base: checked, typed expressions with known inputs (sqlglot).

The engine owns the compiler; `knowledge/loader.py` only reads and validates the YAML. Each
`expr`/`when`/`sql` is parsed once, every column it names must be a feature column, an earlier definition or
decision list (a typo fails the load, not a patient), and it is type-checked against the feature catalogue
(`engine/typecheck.py`). The compiler records, transitively through definitions, which feature columns each
expression reads — that is how an unknown answer lists its missing facts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from oligoboard.engine import typecheck
from oligoboard.engine.knowledge_base import (
    CompiledCriterion,
    CompiledDecisionList,
    CompiledDefinition,
    CompiledExpr,
    CompiledRuleSet,
    FeatureInfo,
    KnowledgeBase,
)
from oligoboard.engine.naming import answer_column, sanitise
from oligoboard.errors import KnowledgeError, Problem
from oligoboard.knowledge.loader import (
    KNOWLEDGE_DIR,
    KnowledgeFile,
    KnowledgeSpec,
    read_knowledge,
    read_yaml,
)
from oligoboard.knowledge.spec import (
    CriterionSpec,
    DecisionListSpec,
    DefinitionSpec,
    KnowledgeFileSpec,
    RuleSetSpec,
)

DIALECT = "duckdb"
ENGINE_DIR = Path(__file__).parent
FEATURES_CATALOGUE = ENGINE_DIR / "features.yaml"
FEATURES_SQL = ENGINE_DIR / "features.sql"

_FORBIDDEN_NODES: tuple[type[exp.Expr], ...] = (exp.Select, exp.Subquery, exp.Star, exp.Query)


def parse_expression(text: str, *, where: str) -> exp.Expr:
    """Parse one SQL expression; a syntax error or a sub-query is a load error naming `where`."""
    if not text or not text.strip():
        raise KnowledgeError(f"{where}: empty expression", [Problem(where, "empty expression")])
    try:
        tree: exp.Expr = sqlglot.parse_one(text, dialect=DIALECT, into=exp.Condition)
    except (ParseError, sqlglot.errors.TokenError) as exc:
        first = str(exc).splitlines()[0]
        raise KnowledgeError(f"{where}: SQL syntax error", [Problem(where, first, found=text)]) from None
    for node in tree.walk():
        if isinstance(node, _FORBIDDEN_NODES):
            raise KnowledgeError(
                f"{where}: only scalar expressions over the features view are allowed",
                [Problem(where, f"{type(node).__name__} not allowed", found=text)],
            )
    return tree


class Namespace:
    """Feature columns plus the definitions compiled so far, in load order, each with its type."""

    def __init__(self, features: Mapping[str, FeatureInfo]) -> None:
        self.features: frozenset[str] = frozenset(features)
        self.types: dict[str, str] = {name: info.type for name, info in features.items()}
        self.macros: dict[str, CompiledExpr] = {}
        self.decision_lists: set[str] = set()

    def known(self) -> set[str]:
        return set(self.features) | set(self.macros)

    def compile(
        self,
        text: str,
        *,
        where: str,
        extra_columns: Mapping[str, str] | None = None,
        condition: bool = False,
    ) -> CompiledExpr:
        """Parse, check every column is known and the types agree; `extra_columns` maps private names to reads.

        `condition=True` (criteria, decision-list `when`s) requires a boolean result.
        """
        tree = parse_expression(text, where=where)
        extra = dict(extra_columns or {})
        unknown: list[str] = []
        for column in tree.find_all(exp.Column):
            if column.table:
                unknown.append(f"{column.table}.{column.name}")
            elif (
                column.name not in self.features
                and column.name not in self.macros
                and column.name not in extra
            ):
                unknown.append(column.name)
        if unknown:
            raise KnowledgeError(
                f"{where}: unknown feature(s) {', '.join(sorted(set(unknown)))}",
                [
                    Problem(where, f"unknown feature {name!r}", expected="a column of engine/features.yaml")
                    for name in sorted(set(unknown))
                ],
            )
        types = {**self.types, **dict.fromkeys(extra, typecheck.BOOLEAN)}
        found = typecheck.check(tree, types, where=where, text=text, condition=condition)
        reads: set[str] = set()
        uses: set[str] = set()
        for column in tree.find_all(exp.Column):
            macro = self.macros.get(column.name)
            if macro is not None:
                reads.update(macro.reads)
                uses.add(column.name)
                uses.update(macro.uses)  # a definition's own dependencies; a decision list has none here
            else:
                reads.add(extra.get(column.name, column.name))
        return CompiledExpr(
            sql=tree.sql(dialect=DIALECT), reads=frozenset(reads), type=found, tree=tree, uses=frozenset(uses)
        )

    def define(self, name: str, compiled: CompiledExpr, *, where: str) -> None:
        if name in self.features or name in self.macros:
            raise KnowledgeError(
                f"{where}: name {name!r} is already defined", [Problem(where, f"duplicate name {name!r}")]
            )
        self.macros[name] = compiled
        self.types[name] = compiled.type


def load_features(path: Path = FEATURES_CATALOGUE) -> dict[str, FeatureInfo]:
    """The feature catalogue: every column of the features view with its type and case inputs."""
    data = read_yaml(path)
    out: dict[str, FeatureInfo] = {}
    for name, entry in (data.get("features") or {}).items():
        if not isinstance(entry, dict) or not entry.get("description") or "inputs" not in entry:
            raise KnowledgeError(f"{path.name}: feature {name!r} needs type, description and inputs")
        kind = str(entry.get("type", ""))
        if kind not in typecheck.CATALOGUE_TYPES:
            raise KnowledgeError(
                f"{path.name}: feature {name!r} has type {kind!r}",
                [Problem(name, "unknown type", expected=", ".join(sorted(typecheck.CATALOGUE_TYPES)))],
            )
        out[name] = FeatureInfo(
            name=name, type=kind, description=str(entry["description"]), inputs=tuple(entry["inputs"])
        )
    return out


def _compile_decision_list(
    spec: DecisionListSpec, ns: Namespace, where: str, rule_where: Callable[[int], str] | None = None
) -> CompiledDecisionList:
    conditions = tuple(
        ns.compile(
            rule.when, where=rule_where(i) if rule_where else f"{where}.rules[{i}].when", condition=True
        )
        for i, rule in enumerate(spec.rules)
    )
    reads = frozenset().union(*(c.reads for c in conditions))
    has_value = any(r.then is not None for r in spec.rules) or spec.otherwise is not None
    value_type = typecheck.TEXT if has_value else typecheck.NULL
    ns.define(spec.id, CompiledExpr(sql=spec.id, reads=reads, type=value_type), where=where)
    ns.decision_lists.add(spec.id)
    return CompiledDecisionList(spec=spec, file=where.split(":")[0], conditions=conditions, reads=reads)


def reading_definition_id(rule_set_id: str, criterion_id: str, reading_id: str) -> str:
    """The private definition holding a criterion's value under one reading of its source conflict."""
    return f"conflict__{sanitise(rule_set_id)}__{sanitise(criterion_id)}__{reading_id}"


def _compile_readings(
    spec: RuleSetSpec, crit: CriterionSpec, ns: Namespace, file_name: str, kb: KnowledgeBase
) -> tuple[tuple[str, str], ...]:
    """Every reading of a criterion's conflict as a definition of the same statement, so the engine computes the
    verdict under each reading for every case (no Python re-evaluation that could drift from the SQL).

    The applied reading is compiled too (the spec checks its `sql` is the criterion's), so every reading is
    reported the same way and a test can hold the applied one equal to the criterion. A reading may not read
    a decision list: the statement computes definitions before decision lists.
    """
    assert crit.conflict is not None
    out: list[tuple[str, str]] = []
    for reading in crit.conflict.readings:
        name = reading_definition_id(spec.id, crit.id, reading.id)
        where = f"{file_name}: {spec.id}/{crit.id} conflict reading {reading.id}"
        assert reading.sql is not None  # CriterionSpec refuses a criterion reading without sql
        compiled = ns.compile(reading.sql, where=where, condition=True)
        lists = sorted(compiled.uses & ns.decision_lists)
        if lists:
            raise KnowledgeError(
                f"{where}: a conflict reading may not use a decision list ({', '.join(lists)})",
                [Problem(where, "decision list in a conflict reading", found=reading.sql)],
            )
        definition = DefinitionSpec(
            id=name,
            expr=reading.sql,
            description=f"{spec.id}/{crit.id} under the reading {reading.id!r}: {reading.phrase}",
            source=reading.source,
            verified=crit.verified,
        )
        kb.definitions.append(CompiledDefinition(spec=definition, file=file_name, expr=compiled))
        out.append((reading.id, name))
    return tuple(out)


def _compile_rule_set(
    spec: RuleSetSpec,
    file_spec: KnowledgeFileSpec,
    ns: Namespace,
    file_name: str,
    kb: KnowledgeBase,
    criterion_where: Callable[[int, str], str] | None = None,
) -> CompiledRuleSet:
    criteria: list[CompiledCriterion] = []
    for index, crit in enumerate(spec.criteria):
        label = f"{spec.id}/{crit.id}"
        cwhere = criterion_where(index, label) if criterion_where else f"{file_name}: {label}"
        if crit.attested:
            key = f"{spec.id}/{crit.id}"
            column = answer_column(key)
            kb.answer_keys.append(key)
            compiled = ns.compile(column, where=cwhere, extra_columns={column: f"answers[{key!r}]"})
            criteria.append(CompiledCriterion(spec=crit, expr=compiled, answer_key=key))
        else:
            assert crit.sql is not None  # the loader refuses a criterion with neither
            compiled = ns.compile(crit.sql, where=cwhere, condition=True)
            readings = _compile_readings(spec, crit, ns, file_name, kb) if crit.conflict else ()
            criteria.append(CompiledCriterion(spec=crit, expr=compiled, answer_key=None, readings=readings))
    return CompiledRuleSet(spec=spec, file=file_name, file_spec=file_spec, criteria=tuple(criteria))


def _when_where(file: KnowledgeFile, list_index: int, label: str) -> Callable[[int], str]:
    """Where rule `i` of a decision list is: `file.yaml:LINE: decision list x.rules[i].when`."""

    def where(i: int) -> str:
        return file.where(("decision_lists", list_index, "rules", i, "when"), f"{label}.rules[{i}].when")

    return where


def _criterion_where(file: KnowledgeFile, rule_set_index: int) -> Callable[[int, str], str]:
    """Where criterion `c` of a rule set is: `file.yaml:LINE: RULESET/criterion` (the line of its `sql`)."""

    def where(c: int, label: str) -> str:
        return file.where(("rule_sets", rule_set_index, "criteria", c, "sql"), label)

    return where


def compile_knowledge(spec: KnowledgeSpec, features: Mapping[str, FeatureInfo]) -> KnowledgeBase:
    """Compile validated knowledge specs, in load order, against the feature catalogue."""
    kb = KnowledgeBase(version=spec.manifest.version, content_hash=spec.content_hash, features=dict(features))
    ns = Namespace(features)
    for file in spec.files:  # every `where` names file, YAML line and rule (file.where)
        kb.files[file.spec.id] = file.spec
        for i, d in enumerate(file.spec.definitions):
            where = file.where(("definitions", i, "expr"), f"definition {d.id}")
            compiled = ns.compile(d.expr, where=where)
            ns.define(d.id, compiled, where=where)
            kb.definitions.append(CompiledDefinition(spec=d, file=file.name, expr=compiled))
        for j, dl in enumerate(file.spec.decision_lists):
            label = f"decision list {dl.id}"
            kb.decision_lists.append(
                _compile_decision_list(
                    dl,
                    ns,
                    file.where(("decision_lists", j), label),
                    _when_where(file, j, label),
                )
            )
        for k, rs in enumerate(file.spec.rule_sets):
            kb.rule_sets.append(
                _compile_rule_set(
                    rs,
                    file.spec,
                    ns,
                    file.name,
                    kb,
                    _criterion_where(file, k),
                )
            )
    return kb


def load_knowledge(root: Path = KNOWLEDGE_DIR, features_path: Path = FEATURES_CATALOGUE) -> KnowledgeBase:
    """Read, validate and compile the knowledge tree under `root` (no cache: see `engine/cache.py`)."""
    spec = read_knowledge(root, hashed_with=(features_path, features_path.with_suffix(".sql")))
    return compile_knowledge(spec, load_features(features_path))
