"""The demo summary: one row per demo case (state, TNM M and stage, guidelines that apply, trials).

Fits 80 columns without breaking a word: every cell wraps at spaces only (the case label is the case id
with its hyphens read as spaces; the file is `examples/cases/demo-<label>.json`). Trials are counted with
the one status vocabulary of the JSON `status` key (eligible, undetermined), never "open".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.table import Table
from rich.text import Text

from oligoboard import __version__
from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.report.labels import short_recommendations, state_label
from oligoboard.report.palette import style
from oligoboard.report.terminal.literal import literal


def _state(ds: Mapping[str, Any]) -> Text:
    label = state_label(ds)
    if label == "undetermined" and ds.get("omd") is True:
        return Text("oligometastatic, state undetermined", style=style(None))
    return Text(label, style=style(None) if label == "undetermined" else "bold")


def _trials(out: Mapping[str, Any]) -> Text:
    statuses = [t["status"] for t in out.get("trials", [])]
    text = Text()
    text.append(f"{statuses.count('eligible')} eligible", style=style("eligible"))
    text.append("\n")
    text.append(f"{statuses.count('undetermined')} undetermined", style=style("undetermined"))
    return text


def render_demo_summary(outputs: Sequence[Mapping[str, Any]], kb: KnowledgeBase) -> Table:
    """A compact table of assessments (the JSON contracts of the demo cases)."""
    table = Table(
        title=f"oligoboard {__version__} — {len(outputs)} demo cases on DuckDB in memory", show_edge=False
    )
    longest = max((len(w) for out in outputs for w in state_label(out["disease_state"]).split()), default=8)
    table.add_column("case", min_width=longest, overflow="fold")
    table.add_column("ESTRO/EORTC state", min_width=longest, overflow="fold")
    table.add_column("TNM", min_width=4, overflow="fold")
    table.add_column("guidelines that apply", min_width=11, overflow="fold")
    table.add_column("trials", no_wrap=True)
    for out in outputs:
        ds = out["disease_state"]
        applies = [r["id"] for r in out.get("recommendations", []) if r["status"] == "applies"]
        table.add_row(
            literal(str(out["case_id"]).removeprefix("demo-").replace("-", " ")),
            _state(ds),
            f"{ds.get('tnm9_m') or 'unknown'}\n{ds.get('stage') or 'unknown'}",
            short_recommendations(applies, kb) or "none",
            _trials(out),
        )
    return table
