"""Radiotherapy knowledge files (YAML under ``knowledge/radiotherapy``) read strictly into typed rule sets.

Rules are data with citations, so a rule without a ``source`` or a ``verified`` flag is a broken knowledge
base: it fails at load, with the file and the rule named, never silently at use.

Why this lives in the knowledge layer (it was `dose/knowledge.py`): the compiled-knowledge cache
(`engine/cache.py`, below the domain packages) stores the validated rule sets, so a warm `assess` neither
validates the rules again nor builds the pydantic validators of their specs (≈ 3-5 ms of its start-up,
docs/architecture.md "Start-up"). Like the parsed-document memo of `knowledge.reading`, a remembered rule
set answers only while the file's bytes hash to what it was validated from: an edited file is read again.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from oligoboard.documents import DocumentError, InputLimits, read_bytes
from oligoboard.errors import KnowledgeError, Problem
from oligoboard.knowledge.radiotherapy import RULE_MODELS, RtFileSpec, RtRule
from oligoboard.knowledge.reading import read_knowledge, validation_error


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


#: Rule sets the compiled-knowledge cache hands over, by resolved path, with the sha256 of the bytes they
#: were validated from (`remember_rule_sets`); `load_rule_file` uses one only while the bytes still match.
_VALIDATED: dict[Path, tuple[str, RuleSet]] = {}


def remember_rule_sets(rule_sets: Mapping[Path, tuple[str, RuleSet]]) -> None:
    """Let `load_rule_file` answer for these files while their bytes hash to the recorded sha256."""
    _VALIDATED.update({path.resolve(): entry for path, entry in rule_sets.items()})


def validated_rule_sets(root: Path, folder: str) -> dict[str, tuple[str, RuleSet]]:
    """Every YAML file under `root/folder` as a validated rule set, by path relative to `root` (what the
    cache stores). A file that does not load is left out: it is refused again, with the same message,
    where it is used."""
    out: dict[str, tuple[str, RuleSet]] = {}
    for path in sorted((root / folder).rglob("*.yaml")):
        try:
            data = path.read_bytes()
            rule_set = _load(path)
        except (KnowledgeError, OSError):
            continue
        out[path.relative_to(root).as_posix()] = (hashlib.sha256(data).hexdigest(), rule_set)
    return out


def _kind_of(path: Path, declared: object) -> str | None:
    if isinstance(declared, str):
        return declared
    if path.parent.name == "protocols":
        return "protocol"
    return path.stem if path.stem in RULE_MODELS else None


def _remembered(path: Path) -> RuleSet | None:
    """The remembered rule set of `path` if its bytes are still those it was validated from."""
    found = _VALIDATED.get(path.resolve())
    if found is None:
        return None
    try:
        data = read_bytes(path, InputLimits.from_env())
    except DocumentError:
        return None  # read again below, so the reader's own refusal is what the user sees
    if hashlib.sha256(data).hexdigest() != found[0]:
        return None
    rule_set = found[1]
    return rule_set if rule_set.path == path else dataclasses.replace(rule_set, path=path)


def load_rule_file(path: Path) -> RuleSet:
    """Read one radiotherapy knowledge file strictly and validate every rule against its kind's spec."""
    return _remembered(path) or _load(path)


def _load(path: Path) -> RuleSet:
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
