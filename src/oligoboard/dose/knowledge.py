"""The radiotherapy knowledge files (YAML under ``knowledge/radiotherapy``) for the dose checks.

Rules are data with citations, so a rule without a ``source`` or a ``verified`` flag is a broken knowledge
base: it fails at load, with the file and the rule named, never silently at use. Reading and validating a
file is `knowledge.rt_files` (the compiled-knowledge cache carries the validated rule sets); this module
names the files and looks rules up.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from oligoboard.errors import KnowledgeError
from oligoboard.knowledge.radiotherapy import AlphaBetaRule, RegimenRule
from oligoboard.knowledge.rt_files import RuleSet, load_rule_file

__all__ = [
    "KNOWLEDGE_DIR",
    "RuleSet",
    "alpha_beta_for",
    "load_knowledge",
    "load_rule_file",
    "protocol_ids",
    "regimen_rule",
]

KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent / "knowledge" / "radiotherapy"


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
