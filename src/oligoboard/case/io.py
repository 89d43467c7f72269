"""Read case documents from disk (JSON or YAML) and fingerprint them for provenance."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml

from oligoboard.case.models import Case
from oligoboard.case.validate import parse_case
from oligoboard.errors import CaseValidationError, InputError, Problem


class _DuplicateKey(ValueError):
    def __init__(self, key: object, line: int | None = None) -> None:
        where = f" at line {line}" if line is not None else ""
        super().__init__(f"duplicate key {key!r}{where}: which value is meant cannot be told")


class _StrictSafeLoader(yaml.SafeLoader):
    """Safe YAML that refuses duplicate keys: the last value silently winning could hide a wrong fact."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, str | int | float | bool) and key in seen:
                raise _DuplicateKey(key, key_node.start_mark.line + 1)
            seen.add(key if isinstance(key, str | int | float | bool) else id(key_node))
        return super().construct_mapping(node, deep=deep)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def read_document(path: Path) -> Any:
    """Parse a JSON or YAML file; a syntax error names the file and line, never dumps its content."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file", [Problem(str(path), "no such file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"{path}: cannot read", [Problem(str(path), f"cannot read as UTF-8 text ({type(exc).__name__})")]
        ) from None
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            return yaml.load(text, Loader=_StrictSafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark is not None else "unknown position"
            raise CaseValidationError(
                f"{path}: not valid YAML", [Problem("", f"syntax error at {where}")]
            ) from None
        except (ValueError, TypeError) as exc:  # e.g. an impossible date (2026-02-30), a duplicate key
            raise CaseValidationError(f"{path}: not valid YAML", [Problem("", str(exc))]) from None
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise CaseValidationError(
            f"{path}: not valid JSON", [Problem("", f"{exc.msg} at line {exc.lineno} column {exc.colno}")]
        ) from None
    except _DuplicateKey as exc:
        raise CaseValidationError(f"{path}: not valid JSON", [Problem("", str(exc))]) from None


def load_case(path: Path) -> Case:
    return parse_case(read_document(path), source=str(path))


def case_content_hash(case: Case) -> str:
    """Hash of the case's canonical JSON: the same facts give the same hash whatever the key order."""
    canonical = json.dumps(case.model_dump(mode="json", by_alias=True), sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()[:16]
