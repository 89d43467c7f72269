"""The report views stored as snapshots: which case, which view, which width, rendered the one way.

Used by `test_snapshots.py` (compare) and `regenerate_snapshots.py` (write). The knowledge version is
replaced by a fixed word, so a snapshot changes when what a clinician reads changes, not on every edit
of a knowledge file's hash.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rich.console import Console

from oligoboard.assessment import assess
from oligoboard.assessment.contract import Assessment
from oligoboard.case.io import load_case
from oligoboard.engine.runner import Engine
from oligoboard.report.terminal.assessment import render_report

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
CASES = ROOT / "examples" / "cases"

#: (case file stem, view) pairs; each is stored at every width of `WIDTHS`.
VIEWS: tuple[tuple[str, str], ...] = (
    ("demo-02-sync-two-bone-on-induction", "clinician"),
    ("demo-05-metachronous-oligoprogression", "clinician"),
    ("demo-09-polymetastatic", "clinician"),
    ("demo-10-egfr-positive-unknown-history", "clinician"),
    ("demo-10-egfr-positive-unknown-history", "sources"),
    ("demo-02-sync-two-bone-on-induction", "full"),
)
WIDTHS = (80, 200)


def assessment(engine: Engine, stem: str) -> Assessment:
    out = assess(load_case(CASES / f"{stem}.json"), engine)
    out["knowledge_version"] = "KNOWLEDGE"
    return out


def render(engine: Engine, out: Mapping[str, Any], view: str, width: int) -> str:
    """The plain text a terminal of `width` columns shows (no colour), trailing spaces stripped."""
    console = Console(record=True, width=width, file=io.StringIO(), color_system=None, legacy_windows=False)
    render_report(console, out, engine.kb, full=view == "full", sources=view in ("sources", "full"))
    return "\n".join(line.rstrip() for line in console.export_text().splitlines()) + "\n"


def snapshot_path(stem: str, view: str, width: int) -> Path:
    return SNAPSHOTS / f"{stem}.{view}.{width}.txt"
