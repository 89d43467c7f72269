"""Load, validate and compile the knowledge base.

Load order: classification files in the manifest's order, then guidelines, then trials (alphabetical).
Names defined earlier can be used later. Any malformed file, rule without source, unknown feature or SQL
error stops the load with a `KnowledgeError` naming the file and the rule: a broken rule never runs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from oligoboard.case.validate import format_path
from oligoboard.engine.compile import (
    CompiledExpr,
    Namespace,
    decision_list_sql,
    decision_step_sql,
)
from oligoboard.errors import KnowledgeError, Problem
from oligoboard.knowledge.reading import load_file_spec, load_spec, read_knowledge
from oligoboard.knowledge.spec import (
    CriterionSpec,
    DecisionListSpec,
    DefinitionSpec,
    KnowledgeFileSpec,
    ManifestSpec,
    RuleSetSpec,
)

KNOWLEDGE_DIR = Path(__file__).parent
FEATURES_CATALOGUE = Path(__file__).parent.parent / "engine" / "features.yaml"
RULE_SET_FOLDERS = ("guidelines", "trials")


@dataclass(frozen=True)
class FeatureInfo:
    name: str
    type: str
    description: str
    inputs: tuple[str, ...]


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
    value_sql: str
    step_sql: str
    reads: frozenset[str]


@dataclass(frozen=True)
class CompiledCriterion:
    spec: CriterionSpec
    expr: CompiledExpr
    answer_key: str | None  # "<rule set id>/<criterion id>" for attested criteria


@dataclass(frozen=True)
class CompiledRuleSet:
    spec: RuleSetSpec
    file: str
    file_spec: KnowledgeFileSpec
    criteria: tuple[CompiledCriterion, ...]


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


def answer_column(index: int) -> str:
    return f"answer__{index}"


def _read_yaml(path: Path) -> Any:
    return read_knowledge(path).value  # the one strict reader (oligoboard.documents)


def _rule_ids(raw: Any, loc: tuple[int | str, ...]) -> str:
    """The ids of the rules along an error location: `NCT06114108/consent` reads better than indices."""
    ids: list[str] = []
    node = raw
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(part, int) and isinstance(node, dict) and "id" in node:
            ids.append(str(node["id"]))
    return "/".join(ids)


def _validation_error(path: Path, exc: ValidationError, raw: Any = None) -> KnowledgeError:
    problems = []
    for e in exc.errors():
        rule = _rule_ids(raw, tuple(e["loc"]))
        where = format_path(e["loc"]) + (f" (rule {rule})" if rule else "")
        problems.append(Problem(where, e["msg"]))
    return KnowledgeError(f"{path.name}: malformed knowledge file", problems)


def load_features(path: Path = FEATURES_CATALOGUE) -> dict[str, FeatureInfo]:
    data = _read_yaml(path)
    out: dict[str, FeatureInfo] = {}
    for name, entry in (data.get("features") or {}).items():
        if not isinstance(entry, dict) or not entry.get("description") or "inputs" not in entry:
            raise KnowledgeError(f"{path.name}: feature {name!r} needs type, description and inputs")
        out[name] = FeatureInfo(
            name=name,
            type=str(entry.get("type", "")),
            description=str(entry["description"]),
            inputs=tuple(entry["inputs"]),
        )
    return out


def _knowledge_files(root: Path, manifest: ManifestSpec) -> list[Path]:
    files = [root / "classification" / name for name in manifest.classification]
    for folder in RULE_SET_FOLDERS:
        files.extend(sorted((root / folder).glob("*.yaml")))
    return files


def content_hash(root: Path, features_path: Path) -> str:
    """Hash of every YAML file of the knowledge base and the feature catalogue, order-independent."""
    digest = hashlib.sha256()
    paths = sorted(p for p in root.rglob("*.yaml") if p.is_file())
    for path in [*paths, features_path, features_path.with_suffix(".sql")]:
        digest.update(str(path.relative_to(path.parent.parent)).encode())
        digest.update(path.read_bytes())
    return "sha256:" + digest.hexdigest()[:12]


def _compile_decision_list(spec: DecisionListSpec, ns: Namespace, where: str) -> CompiledDecisionList:
    conditions = tuple(
        ns.compile(rule.when, where=f"{where}.rules[{i}].when") for i, rule in enumerate(spec.rules)
    )
    value_sql = decision_list_sql(list(conditions), [r.then for r in spec.rules], spec.otherwise)
    reads = frozenset().union(*(c.reads for c in conditions))
    ns.define(spec.id, CompiledExpr(sql=value_sql, reads=reads), where=where)
    return CompiledDecisionList(
        spec=spec,
        file=where.split(":")[0],
        conditions=conditions,
        value_sql=value_sql,
        step_sql=decision_step_sql(list(conditions)),
        reads=reads,
    )


def _compile_rule_set(
    spec: RuleSetSpec, file_spec: KnowledgeFileSpec, ns: Namespace, file_name: str, kb: KnowledgeBase
) -> CompiledRuleSet:
    where = f"{file_name}: rule set {spec.id}"
    seen: set[str] = set()
    criteria: list[CompiledCriterion] = []
    for crit in spec.criteria:
        cwhere = f"{file_name}: {spec.id}/{crit.id}"
        if crit.id in seen:
            raise KnowledgeError(
                f"{cwhere}: duplicate criterion id", [Problem(cwhere, "duplicate criterion id")]
            )
        seen.add(crit.id)
        if crit.attested == (crit.sql is not None):
            raise KnowledgeError(
                f"{cwhere}: give exactly one of `sql` or `attested: true`",
                [Problem(cwhere, "needs exactly one of sql / attested")],
            )
        if crit.attested:
            key = f"{spec.id}/{crit.id}"
            column = answer_column(len(kb.answer_keys))
            kb.answer_keys.append(key)
            compiled = ns.compile(column, where=cwhere, extra_columns={column: f"answers[{key!r}]"})
            criteria.append(CompiledCriterion(spec=crit, expr=compiled, answer_key=key))
        else:
            assert crit.sql is not None
            criteria.append(
                CompiledCriterion(spec=crit, expr=ns.compile(crit.sql, where=cwhere), answer_key=None)
            )
    if not criteria:
        raise KnowledgeError(f"{where}: no criteria")
    return CompiledRuleSet(spec=spec, file=file_name, file_spec=file_spec, criteria=tuple(criteria))


def load_knowledge(root: Path = KNOWLEDGE_DIR, features_path: Path = FEATURES_CATALOGUE) -> KnowledgeBase:
    """Load and compile every knowledge file under `root` (see docs/knowledge-format.md)."""
    manifest_path = root / "manifest.yaml"
    manifest = load_spec(ManifestSpec, manifest_path)
    features = load_features(features_path)
    kb = KnowledgeBase(
        version=manifest.version, content_hash=content_hash(root, features_path), features=features
    )
    ns = Namespace(features)
    rule_set_ids: set[str] = set()
    for path in _knowledge_files(root, manifest):
        if not path.exists():
            raise KnowledgeError(f"manifest.yaml: listed file {path.name} does not exist")
        spec = load_file_spec(path)  # strict read + typed spec; errors name file:line and rule
        if spec.id in kb.files:
            raise KnowledgeError(f"{path.name}: duplicate file id {spec.id!r}")
        kb.files[spec.id] = spec
        for d in spec.definitions:
            where = f"{path.name}: definition {d.id}"
            compiled = ns.compile(d.expr, where=where)
            ns.define(d.id, compiled, where=where)
            kb.definitions.append(CompiledDefinition(spec=d, file=path.name, expr=compiled))
        for dl in spec.decision_lists:
            kb.decision_lists.append(_compile_decision_list(dl, ns, f"{path.name}: decision list {dl.id}"))
        for rs in spec.rule_sets:
            if rs.id in rule_set_ids:
                raise KnowledgeError(f"{path.name}: duplicate rule set id {rs.id!r}")
            rule_set_ids.add(rs.id)
            kb.rule_sets.append(_compile_rule_set(rs, spec, ns, path.name, kb))
    return kb


@cache
def default_knowledge() -> KnowledgeBase:
    """The packaged knowledge base, loaded once per process."""
    return load_knowledge()
