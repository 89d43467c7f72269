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

from oligoboard.documents import Document
from oligoboard.errors import KnowledgeError, Problem
from oligoboard.knowledge.files import KNOWLEDGE_DIR, content_hash
from oligoboard.knowledge.reading import load_file_spec, load_file_spec_document, load_spec
from oligoboard.knowledge.reading import read_knowledge as read_document
from oligoboard.knowledge.spec import KnowledgeFileSpec, ManifestSpec, RuleSetSpec

RULE_SET_FOLDERS = ("guidelines", "trials")
__all__ = ["KNOWLEDGE_DIR", "KnowledgeFile", "KnowledgeSpec", "content_hash", "read_knowledge", "read_yaml"]


@dataclass(frozen=True)
class KnowledgeFile:
    """One validated knowledge file, the name errors should point at and the document it was read from.

    The document keeps the line of every value, so an error found after validation (a SQL expression the
    engine cannot parse, type-check or resolve) still says `file.yaml:LINE: rule`.
    """

    name: str
    spec: KnowledgeFileSpec
    document: Document | None = field(default=None, compare=False, repr=False)

    def where(self, loc: tuple[int | str, ...], what: str) -> str:
        """`file.yaml:LINE: what` for the value at `loc` of the file (`file.yaml: what` if no line is known).

        `loc` is the path in the YAML document, e.g. `("rule_sets", 0, "criteria", 2, "sql")`.
        """
        line = self.document.line_of(loc) if self.document is not None else None
        return f"{self.name}:{line}: {what}" if line is not None else f"{self.name}: {what}"


@dataclass(frozen=True)
class KnowledgeSpec:
    """Every knowledge file of one tree, validated, in load order, with the tree's content hash."""

    root: Path
    manifest: ManifestSpec
    content_hash: str
    files: tuple[KnowledgeFile, ...] = field(default_factory=tuple)


def read_yaml(path: Path) -> Any:
    """One YAML document through the one strict reader (`oligoboard.documents`); errors name file:line."""
    return read_document(path).value


# the name the rest of the code used before the split; the knowledge engineer's strict reader replaces it
_read_yaml = read_yaml


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
    return load_file_spec(path)  # strict read + typed spec; errors name file:line and rule


def read_knowledge(root: Path = KNOWLEDGE_DIR, hashed_with: Iterable[Path] = ()) -> KnowledgeSpec:
    """Read and validate every knowledge file under `root` (see docs/knowledge-format.md).

    `hashed_with`: files outside the tree that shape the compiled result (the engine passes its feature
    catalogue and features.sql), folded into `content_hash`.
    """
    manifest_path = root / "manifest.yaml"
    manifest = load_spec(ManifestSpec, manifest_path)
    files: list[KnowledgeFile] = []
    file_ids: set[str] = set()
    rule_set_ids: set[str] = set()
    for path in knowledge_files(root, manifest):
        if not path.exists():
            raise KnowledgeError(f"manifest.yaml: listed file {path.name} does not exist")
        spec, document = load_file_spec_document(path)
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
        files.append(KnowledgeFile(name=path.name, spec=spec, document=document))
    return KnowledgeSpec(
        root=root,
        manifest=manifest,
        content_hash=content_hash(root, *hashed_with),
        files=tuple(files),
    )
