"""Load and validate the radiotherapy knowledge files (YAML under ``knowledge/radiotherapy``).

Rules are data with citations, so a rule without a ``source`` or a ``verified`` flag is a broken knowledge
base: it fails at load, with the file and the rule named, never silently at use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from oligoboard.errors import KnowledgeError, Problem
from oligoboard.knowledge.radiotherapy import RULE_MODELS, AlphaBetaRule, RegimenRule, RtFileSpec, RtRule
from oligoboard.knowledge.reading import read_knowledge, validation_error

KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent / "knowledge" / "radiotherapy"


@dataclass(frozen=True)
class RuleSet:
    """One knowledge file: its kind, version and rules, validated by the typed spec of its kind.

    `rules` are the validated rules as mappings (the keys written in the file), `typed` the same rules as
    spec models (`oligoboard.knowledge.radiotherapy`).
    """

    path: Path
    kind: str
    version: str
    rules: tuple[Mapping[str, Any], ...]
    header: Mapping[str, Any]
    typed: tuple[RtRule, ...] = ()

    def by_id(self) -> dict[str, Mapping[str, Any]]:
        return {str(rule["id"]): rule for rule in self.rules}


def _kind_of(path: Path, declared: object) -> str | None:
    if isinstance(declared, str):
        return declared
    if path.parent.name == "protocols":
        return "protocol"
    return path.stem if path.stem in RULE_MODELS else None


def load_rule_file(path: Path) -> RuleSet:
    """Read one radiotherapy knowledge file strictly and validate every rule against its kind's spec."""
    document = read_knowledge(path)
    raw = document.value
    if not isinstance(raw, dict) or not isinstance(raw.get("rules"), list):
        raise KnowledgeError(f"{path.name}: expected a mapping with a 'rules' list")
    header = {k: v for k, v in raw.items() if k != "rules"}
    kind = _kind_of(path, header.get("kind"))
    try:
        RtFileSpec.model_validate({"kind": kind or "", "version": "", **header, "rules": raw["rules"]})
    except ValidationError as exc:
        if kind is not None:
            raise validation_error(path, exc, document) from None
    model = RULE_MODELS.get(kind or "", RtRule)
    problems: list[Problem] = []
    typed: list[RtRule] = []
    seen: set[str] = set()
    for index, rule in enumerate(raw["rules"]):
        line = document.line_of(("rules", index))
        at = f"line {line}: " if line is not None else ""
        rule_id = rule.get("id") if isinstance(rule, dict) else None
        where = f"{path.name}: {at}rule '{rule_id}'" if rule_id else f"{path.name}: {at}rules[{index}]"
        if rule_id in seen:
            problems.append(Problem(where, "duplicate rule id"))
        if isinstance(rule_id, str):
            seen.add(rule_id)
        try:
            typed.append(model.model_validate(rule))
        except ValidationError as exc:
            for e in exc.errors():
                loc = ".".join(str(p) for p in e["loc"]) or "rule"
                kind_text = "unknown key" if e["type"] == "extra_forbidden" else e["msg"]
                problems.append(Problem(where, f"{loc}: {kind_text}"))
    if problems:
        first = problems[0].render()
        raise KnowledgeError(f"invalid knowledge file {path.name}: {first}", problems=problems)
    return RuleSet(
        path=path,
        kind=str(header.get("kind", "")),
        version=str(header.get("version", "")),
        rules=tuple(t.model_dump(exclude_unset=True) for t in typed),
        header=header,
        typed=tuple(typed),
    )


@cache
def load_knowledge(name: str) -> RuleSet:
    """Load ``knowledge/radiotherapy/<name>.yaml`` once per process (e.g. ``regimens``, ``protocols/X``)."""
    return load_rule_file(KNOWLEDGE_DIR / f"{name}.yaml")


def protocol_ids() -> list[str]:
    """The protocols a plan can be checked against (file stems under ``protocols/``)."""
    return sorted(p.stem for p in (KNOWLEDGE_DIR / "protocols").glob("*.yaml"))


def alpha_beta_for(tissue: str) -> tuple[float, AlphaBetaRule]:
    """The α/β (Gy) of a tissue name from ``alpha_beta.yaml``, with the typed rule it came from (for citing)."""
    key = tissue.strip().lower()
    for rule in load_knowledge("alpha_beta").typed:
        if isinstance(rule, AlphaBetaRule) and (key == rule.id or key in rule.tissues):
            return float(rule.alpha_beta_gy), rule
    raise KnowledgeError(f"no alpha/beta for tissue '{tissue}' in alpha_beta.yaml")


def regimen_rule(rule_id: str) -> RegimenRule:
    """One typed rule of ``regimens.yaml`` (e.g. the DLCG ablative threshold, kept only there)."""
    for rule in load_knowledge("regimens").typed:
        if isinstance(rule, RegimenRule) and rule.id == rule_id:
            return rule
    raise KnowledgeError(f"regimens.yaml: no rule {rule_id!r}")
