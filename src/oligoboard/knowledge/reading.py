"""Read knowledge YAML through the one strict reader and validate it against its spec, naming file:line.

A knowledge file is input like a case: the same reader (`oligoboard.documents`) refuses duplicate keys
(a second `sql:` must never silently win), alias bombs and oversized files; a reader refusal or a spec
violation becomes a `KnowledgeError` that says which file, which line and which rule.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from oligoboard.documents import Document, DocumentError, InputLimits, read_bytes
from oligoboard.documents import read_document as read_strict
from oligoboard.errors import KnowledgeError, Problem
from oligoboard.knowledge.spec import KnowledgeFileSpec

M = TypeVar("M", bound=BaseModel)
#: Union tags pydantic inserts into error locations (`rule_sets[0].trial.criteria`): not part of the file.
_UNION_TAGS = frozenset({"trial", "recommendation"})


#: Parsed documents the compiled-knowledge cache hands over (`engine/cache.py`), by resolved path, with the
#: sha256 of the bytes they were parsed from. A warm `assess` then reads the radiotherapy files without
#: importing PyYAML or composing YAML (≈ 40 ms of the 300 ms start-up budget); a file whose bytes changed
#: since is parsed again, so the memo can never answer for another content.
_PARSED: dict[Path, tuple[str, Document]] = {}


def remember_parsed(documents: Mapping[Path, tuple[str, Document]]) -> None:
    """Let `read_knowledge` answer for these files while their bytes hash to the recorded sha256."""
    _PARSED.update({path.resolve(): entry for path, entry in documents.items()})


def parsed_documents(root: Path, folder: str) -> dict[str, tuple[str, Document]]:
    """Every YAML file under `root/folder` read strictly, by path relative to `root` (what the cache stores).

    A file the reader refuses is left out: it is refused again, with the same message, where it is used.
    """
    out: dict[str, tuple[str, Document]] = {}
    for path in sorted((root / folder).rglob("*.yaml")):
        try:
            document = read_knowledge(path)
        except KnowledgeError:
            continue
        out[path.relative_to(root).as_posix()] = (_sha256(path.read_bytes()), document)
    return out


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_knowledge(path: Path, limits: InputLimits | None = None) -> Document:
    """One knowledge YAML file, read strictly; any refusal is a `KnowledgeError` naming the file."""
    try:
        if limits is None and _PARSED:
            found = _PARSED.get(path.resolve())
            if found is not None and _sha256(read_bytes(path, InputLimits.from_env())) == found[0]:
                return found[1]
        return read_strict(path, limits, kind="yaml")
    except DocumentError as exc:
        message = exc.message.replace(str(path), path.name, 1)
        raise KnowledgeError(message, exc.problems) from None


def _file_loc(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    out: list[int | str] = []
    for part in loc:
        if isinstance(part, str) and part in _UNION_TAGS and out and isinstance(out[-1], int):
            continue
        out.append(part)
    return tuple(out)


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


def _format(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out


def validation_error(path: Path, exc: ValidationError, document: Document | None = None) -> KnowledgeError:
    """A spec violation as `file:line: field (rule a/b): problem`, one problem per pydantic error."""
    problems = []
    first_line: int | None = None
    for e in exc.errors():
        loc = _file_loc(tuple(e["loc"]))
        rule = _rule_ids(document.value, loc) if document is not None else ""
        line = document.line_of(loc) if document is not None else None
        first_line = first_line or line
        where = f"line {line}: " if line is not None else ""
        where += _format(loc) + (f" (rule {rule})" if rule else "")
        message = "unknown key (check the spelling against docs/knowledge-format.md)"
        problems.append(Problem(where, message if e["type"] == "extra_forbidden" else e["msg"]))
    at = f":{first_line}" if first_line is not None else ""
    return KnowledgeError(f"{path.name}{at}: malformed knowledge file", problems)


def load_spec_document(
    model: type[M], path: Path, context: dict[str, Any] | None = None
) -> tuple[M, Document]:
    """`load_spec` and the document it was read from, whose line numbers later errors can cite (a SQL
    expression is only checked by the engine, after validation, and must still say file:line)."""
    document = read_knowledge(path)
    if not isinstance(document.value, dict):
        raise KnowledgeError(f"{path.name}: a knowledge file must be a mapping")
    try:
        return model.model_validate(document.value, context=context), document
    except ValidationError as exc:
        raise validation_error(path, exc, document) from None


def load_spec(model: type[M], path: Path, context: dict[str, Any] | None = None) -> M:
    """Read `path` strictly and validate it as `model`; errors name file, line, field and rule."""
    return load_spec_document(model, path, context)[0]


def load_file_spec_document(path: Path) -> tuple[KnowledgeFileSpec, Document]:
    """A classification, guideline or trial file, validated with its folder's info keys, and its document."""
    return load_spec_document(KnowledgeFileSpec, path, context={"folder": path.parent.name})


def load_file_spec(path: Path) -> KnowledgeFileSpec:
    """A classification, guideline or trial file, validated with its folder's info keys."""
    return load_file_spec_document(path)[0]
