"""The demo summary: one row per demo case (state, OMD, M, stage, guidelines that apply, trials)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.table import Table

from oligoboard import __version__
from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.report.labels import short_recommendations
from oligoboard.report.palette import value_text
from oligoboard.report.terminal.literal import literal


def render_demo_summary(outputs: Sequence[dict[str, Any]], kb: KnowledgeBase) -> Table:
    """A compact table of assessments (the JSON contracts of the demo cases)."""
    table = Table(title=f"oligoboard {__version__} — {len(outputs)} demo cases on DuckDB in memory")
    for col in ("case", "ESTRO/EORTC state", "OMD", "M", "stage", "guidelines that apply", "trials"):
        table.add_column(col, overflow="fold")
    for out in outputs:
        ds = out["disease_state"]
        applies = [r["id"] for r in out.get("recommendations", []) if r["status"] == "applies"]
        statuses = [t["status"] for t in out.get("trials", [])]
        table.add_row(
            literal(out["case_id"].removeprefix("demo-")),
            value_text(ds["estro_eortc"] or ("not OMD" if ds["omd"] is False else None)),
            value_text(ds["omd"]),
            value_text(ds["tnm9_m"]),
            value_text(ds["stage"]),
            short_recommendations(applies, kb),
            f"{statuses.count('eligible')} eligible, {statuses.count('undetermined')} open",
        )
    return table
