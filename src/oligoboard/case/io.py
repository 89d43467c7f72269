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


def read_document(path: Path) -> Any:
    """Parse a JSON or YAML file; a syntax error names the file and line, never dumps its content."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read ({type(exc).__name__})") from None
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark is not None else "unknown position"
            raise CaseValidationError(
                f"{path}: not valid YAML", [Problem("", f"syntax error at {where}")]
            ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CaseValidationError(
            f"{path}: not valid JSON", [Problem("", f"{exc.msg} at line {exc.lineno} column {exc.colno}")]
        ) from None


def load_case(path: Path) -> Case:
    return parse_case(read_document(path), source=str(path))


def case_content_hash(case: Case) -> str:
    """Hash of the case's canonical JSON: the same facts give the same hash whatever the key order."""
    canonical = json.dumps(case.model_dump(mode="json", by_alias=True), sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()[:16]
