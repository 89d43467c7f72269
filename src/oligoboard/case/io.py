"""Read case documents (JSON or YAML, a file or `-` for stdin) and fingerprint them for provenance.

Parsing and every input limit live in `oligoboard.documents` (the one strict reader, shared with the
knowledge loader); this module turns a reader refusal into the case contract's `CaseValidationError`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from oligoboard.case.models import Case
from oligoboard.case.validate import parse_case
from oligoboard.documents import DocumentError, InputLimits
from oligoboard.documents import read_document as read_strict
from oligoboard.errors import CaseValidationError


def read_document(path: Path, limits: InputLimits | None = None) -> Any:
    """Parse a JSON or YAML case file within `limits`; errors name the file, line and limit, never content."""
    try:
        return read_strict(path, limits).value
    except DocumentError as exc:
        raise CaseValidationError(exc.message, exc.problems) from None


def load_case(path: Path, limits: InputLimits | None = None) -> Case:
    return parse_case(read_document(path, limits), source=str(path))


def case_content_hash(case: Case) -> str:
    """Hash of the case's canonical JSON: the same facts give the same hash whatever the key order."""
    canonical = json.dumps(case.model_dump(mode="json", by_alias=True), sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()[:16]
