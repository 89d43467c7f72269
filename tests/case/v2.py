"""case@2 test documents: the shared case@1 baseline (tests/support/cases.py) upgraded, plus a timeline.

`doc2(**changes)` edits the upgraded baseline like `cases.doc` edits the case@1 one (top-level keys replaced,
nested dicts merged one level deep), so case@2 tests state only the timeline they are about.
"""

from __future__ import annotations

from typing import Any

from oligoboard.case.convert import upgrade_v1
from oligoboard.case.models import Case
from oligoboard.case.validate import parse_case
from tests.support.cases import BASE, doc_on

BASE2: dict[str, Any] = upgrade_v1(BASE)


def scan(scan_id: str, day: str | None, *findings: tuple[str, str | None], **fields: Any) -> dict[str, Any]:
    """A CT restaging scan on `day` reading each (lesion id, status) given."""
    out: dict[str, Any] = {"id": scan_id, "date": day, "modality": "ct", "purpose": "restaging"}
    out["findings"] = [{"lesion": lesion, "status": status} for lesion, status in findings]
    out.update(fields)
    return out


def doc2(**changes: Any) -> dict[str, Any]:
    """The case@2 baseline with top-level keys replaced (`tests.support.cases.doc` on `BASE2`)."""
    return doc_on(BASE2, **changes)


def build2(**changes: Any) -> Case:
    return parse_case(doc2(**changes))
