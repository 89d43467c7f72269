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

import yaml

from oligoboard.errors import KnowledgeError, Problem

KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent / "knowledge" / "radiotherapy"


@dataclass(frozen=True)
class RuleSet:
    """One knowledge file: its kind, version and rules (each a mapping with at least id/source/verified)."""

    path: Path
    kind: str
    version: str
    rules: tuple[Mapping[str, Any], ...]
    header: Mapping[str, Any]

    def by_id(self) -> dict[str, Mapping[str, Any]]:
        return {str(rule["id"]): rule for rule in self.rules}


def load_rule_file(path: Path) -> RuleSet:
    """Parse one YAML knowledge file and check that every rule has ``id``, ``source`` and ``verified``."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{path.name}: cannot read knowledge file: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("rules"), list):
        raise KnowledgeError(f"{path.name}: expected a mapping with a 'rules' list")
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, rule in enumerate(document["rules"]):
        where = f"{path.name}: rules[{index}]"
        if not isinstance(rule, dict):
            problems.append(Problem(where, "rule is not a mapping"))
            continue
        rule_id = rule.get("id")
        if not isinstance(rule_id, str) or not rule_id:
            problems.append(Problem(where, "rule has no 'id'"))
            continue
        where = f"{path.name}: rule '{rule_id}'"
        if rule_id in seen:
            problems.append(Problem(where, "duplicate rule id"))
        seen.add(rule_id)
        source = rule.get("source")
        if not isinstance(source, str) or not source.strip():
            problems.append(Problem(where, "rule has no 'source'", expected="a citation string"))
        if not isinstance(rule.get("verified"), bool):
            problems.append(Problem(where, "rule has no boolean 'verified'", expected="true or false"))
    if problems:
        first = problems[0].render()
        raise KnowledgeError(f"invalid knowledge file {path.name}: {first}", problems=problems)
    return RuleSet(
        path=path,
        kind=str(document.get("kind", "")),
        version=str(document.get("version", "")),
        rules=tuple(document["rules"]),
        header={k: v for k, v in document.items() if k != "rules"},
    )


@cache
def load_knowledge(name: str) -> RuleSet:
    """Load ``knowledge/radiotherapy/<name>.yaml`` once per process (e.g. ``regimens``, ``protocols/X``)."""
    return load_rule_file(KNOWLEDGE_DIR / f"{name}.yaml")


def protocol_ids() -> list[str]:
    """The protocols a plan can be checked against (file stems under ``protocols/``)."""
    return sorted(p.stem for p in (KNOWLEDGE_DIR / "protocols").glob("*.yaml"))


def alpha_beta_for(tissue: str) -> tuple[float, Mapping[str, Any]]:
    """The α/β (Gy) of a tissue name from ``alpha_beta.yaml``, with the rule it came from (for citing)."""
    key = tissue.strip().lower()
    for rule in load_knowledge("alpha_beta").rules:
        if key == rule["id"] or key in rule.get("tissues", []):
            return float(rule["alpha_beta_gy"]), rule
    raise KnowledgeError(f"no alpha/beta for tissue '{tissue}' in alpha_beta.yaml")
