"""Read and validate the knowledge YAML into typed specs — nothing more.

The knowledge layer is input data, like a case: this module reads the files in load order (classification
files in the manifest's order, then guidelines, then trials, alphabetical), validates each against
`knowledge/spec.py` and checks what the specs alone can tell (duplicate ids, a criterion with both or neither
of `sql` / `attested`). Turning expressions into SQL is the engine's job (`engine/compile.py`), so this
package never imports the engine and the layers flow one way. Any malformed file stops the load with a
`KnowledgeError` naming the file and the rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from oligoboard.case.validate import format_path
from oligoboard.errors import KnowledgeError, Problem
from oligoboard.knowledge.files import KNOWLEDGE_DIR, content_hash
from oligoboard.knowledge.spec import KnowledgeFileSpec, ManifestSpec, RuleSetSpec

RULE_SET_FOLDERS = ("guidelines", "trials")
__all__ = ["KNOWLEDGE_DIR", "KnowledgeFile", "KnowledgeSpec", "content_hash", "read_knowledge", "read_yaml"]


@dataclass(frozen=True)
class KnowledgeFile:
    """One validated knowledge file and the name errors should point at."""

    name: str
    spec: KnowledgeFileSpec


@dataclass(frozen=True)
class KnowledgeSpec:
    """Every knowledge file of one tree, validated, in load order, with the tree's content hash."""

    root: Path
    manifest: ManifestSpec
    content_hash: str
    files: tuple[KnowledgeFile, ...] = field(default_factory=tuple)


def read_yaml(path: Path) -> Any:
    """One YAML document; a syntax error is a `KnowledgeError` naming the file and line."""
    try:
        # libyaml's C loader when present: same safe subset, several times faster on our ~40 files
        return yaml.load(
            path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        )
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "?"
        raise KnowledgeError(f"{path.name}: YAML syntax error at {where}") from None


# the name the rest of the code used before the split; the knowledge engineer's strict reader replaces it
_read_yaml = read_yaml


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


def knowledge_files(root: Path, manifest: ManifestSpec) -> list[Path]:
    """The files of a knowledge tree in load order (names defined earlier may be used later)."""
    files = [root / "classification" / name for name in manifest.classification]
    for folder in RULE_SET_FOLDERS:
        files.extend(sorted((root / folder).glob("*.yaml")))
    return files


def _check_rule_set(spec: RuleSetSpec, file_name: str) -> None:
    seen: set[str] = set()
    for crit in spec.criteria:
        where = f"{file_name}: {spec.id}/{crit.id}"
        if crit.id in seen:
            raise KnowledgeError(
                f"{where}: duplicate criterion id", [Problem(where, "duplicate criterion id")]
            )
        seen.add(crit.id)
        if crit.attested == (crit.sql is not None):
            raise KnowledgeError(
                f"{where}: give exactly one of `sql` or `attested: true`",
                [Problem(where, "needs exactly one of sql / attested")],
            )


def read_file(path: Path) -> KnowledgeFileSpec:
    """One knowledge file validated against its spec (unknown keys, missing sources… are load errors)."""
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{path.name}: a knowledge file must be a mapping")
    try:
        return KnowledgeFileSpec.model_validate(raw)
    except ValidationError as exc:
        raise _validation_error(path, exc, raw) from None


def read_knowledge(root: Path = KNOWLEDGE_DIR, hashed_with: Iterable[Path] = ()) -> KnowledgeSpec:
    """Read and validate every knowledge file under `root` (see docs/knowledge-format.md).

    `hashed_with`: files outside the tree that shape the compiled result (the engine passes its feature
    catalogue and features.sql), folded into `content_hash`.
    """
    manifest_path = root / "manifest.yaml"
    try:
        manifest = ManifestSpec.model_validate(read_yaml(manifest_path))
    except ValidationError as exc:
        raise _validation_error(manifest_path, exc) from None
    files: list[KnowledgeFile] = []
    file_ids: set[str] = set()
    rule_set_ids: set[str] = set()
    for path in knowledge_files(root, manifest):
        if not path.exists():
            raise KnowledgeError(f"manifest.yaml: listed file {path.name} does not exist")
        spec = read_file(path)
        if spec.id in file_ids:
            raise KnowledgeError(f"{path.name}: duplicate file id {spec.id!r}")
        file_ids.add(spec.id)
        for rs in spec.rule_sets:
            if rs.id in rule_set_ids:
                raise KnowledgeError(f"{path.name}: duplicate rule set id {rs.id!r}")
            rule_set_ids.add(rs.id)
            _check_rule_set(rs, path.name)
            if not rs.criteria:
                raise KnowledgeError(f"{path.name}: rule set {rs.id}: no criteria")
        files.append(KnowledgeFile(name=path.name, spec=spec))
    return KnowledgeSpec(
        root=root,
        manifest=manifest,
        content_hash=content_hash(root, *hashed_with),
        files=tuple(files),
    )
