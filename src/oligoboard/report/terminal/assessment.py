"""Rich rendering of an assessment for people at a terminal (the JSON is for programs).

It renders the JSON contract itself (`assessment.assemble`), so what people read is what programs get.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from oligoboard.report.palette import value_text
from oligoboard.report.terminal.dose import render_course_checks as radiotherapy_table
from oligoboard.report.terminal.guidelines import render_recommendations
from oligoboard.report.terminal.trials import render_trials


def _basis(explain: dict[str, Any]) -> Text:
    """The rule that decided, shortened to its source; unverified rules are flagged, never hidden."""
    source = " ".join(str(explain.get("source") or "").split())
    text = Text(source if len(source) <= 90 else source[:89] + "…", style="dim")
    if explain.get("verified") is False:
        text.append("  unverified", style="yellow")
    return text


def disease_state_panel(ds: dict[str, Any]) -> RenderableType:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column()
    explain = ds.get("explain", {})
    state = ds.get("estro_eortc") or ("not oligometastatic" if ds.get("omd") is False else None)
    rows = [
        ("ESTRO/EORTC 2020 state", state, explain.get("estro_eortc", {})),
        ("OMD (ESTRO-ASTRO 2020)", ds.get("omd"), explain.get("omd", {})),
        ("TNM 9th M", ds.get("tnm9_m"), explain.get("tnm9_m", {})),
        ("Stage", ds.get("stage"), explain.get("stage", {})),
        ("Prognosis (Ashworth 2014)", ds.get("prognostic_group"), explain.get("prognostic_group", {})),
    ]
    for label, value, why in rows:
        table.add_row(label, value_text(value), _basis(why))
    parts: list[RenderableType] = [table]
    counts = ds.get("counts") or {}
    if counts:
        parts.append(Text("Counts: " + ", ".join(f"{k} {v}" for k, v in counts.items()), style="dim"))
    if ds.get("missing"):
        parts.append(Text("Missing: " + ", ".join(ds["missing"]), style="yellow"))
    for note in ds.get("conventions", []):
        parts.append(Text("· " + " ".join(str(note).split()), style="dim"))
    return Panel(Group(*parts), title="Disease state", border_style="cyan")


def render_assessment(console: Console, out: dict[str, Any]) -> None:
    """Print the whole assessment: header, disease state, recommendations, trials, radiotherapy checks."""
    console.print(
        Text(
            f"Case {out['case_id']}  ·  assessed {out.get('assessment_date')}  ·  knowledge {out['knowledge_version']}"
            f"  ·  engine {out.get('engine_version')}",
            style="bold",
        )
    )
    console.print(disease_state_panel(out["disease_state"]))
    console.print(*render_recommendations(out))
    console.print(*render_trials(out))
    if out.get("radiotherapy"):
        console.print(radiotherapy_table(out["radiotherapy"]))
