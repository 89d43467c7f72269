"""Rich rendering of an assessment for people at a terminal (the JSON is for programs)."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from oligoboard.subsystems import optional_module

STATUS_STYLE = {
    "applies": "bold green",
    "eligible": "bold green",
    "met": "green",
    "pass": "green",
    "not_applicable": "dim",
    "ineligible": "red",
    "not_met": "red",
    "fail": "bold red",
    "undetermined": "yellow",
    "unknown": "yellow",
}


def styled(value: Any) -> Text:
    text = "unknown" if value is None else str(value)
    return Text(text, style=STATUS_STYLE.get(text, "bold" if value is not None else "yellow"))


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
        table.add_row(label, styled(value), _basis(why))
    parts: list[RenderableType] = [table]
    counts = ds.get("counts") or {}
    if counts:
        parts.append(Text("Counts: " + ", ".join(f"{k} {v}" for k, v in counts.items()), style="dim"))
    if ds.get("missing"):
        parts.append(Text("Missing: " + ", ".join(ds["missing"]), style="yellow"))
    for note in ds.get("conventions", []):
        parts.append(Text("· " + " ".join(str(note).split()), style="dim"))
    return Panel(Group(*parts), title="Disease state", border_style="cyan")


def rule_sets_table(title: str, items: list[dict[str, Any]]) -> RenderableType:
    table = Table(title=title, show_lines=False, expand=True)
    table.add_column("id", style="bold", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("grade")
    table.add_column("deciding / missing")
    for item in items:
        deciding = [
            c["id"]
            for c in item.get("criteria", [])
            if c.get("status") != "met" and c.get("kind") == "inclusion"
        ]
        deciding += [
            c["id"]
            for c in item.get("criteria", [])
            if c.get("status") != "not_met" and c.get("kind") == "exclusion"
        ]
        detail = ", ".join(item.get("missing") or []) or ", ".join(deciding)
        table.add_row(item["id"], styled(item["status"]), str(item.get("grade") or ""), detail[:120])
    return table


def radiotherapy_table(courses: list[dict[str, Any]]) -> RenderableType:
    table = Table(title="Radiotherapy checks", expand=True)
    for col in ("course", "check", "status", "value", "limit"):
        table.add_column(col)
    for course in courses:
        for check in course.get("checks", []):
            table.add_row(
                str(course.get("course")),
                str(check.get("id")),
                styled(check.get("status")),
                "" if check.get("value") is None else f"{check['value']:.2f}",
                str(check.get("limit", "")),
            )
    return table


def _domain_renderables(module: str, function: str, section: dict[str, Any]) -> list[RenderableType] | None:
    mod = optional_module(module)
    if mod is None:
        return None
    renderer = getattr(mod, function, None)
    if renderer is None:
        return None
    out: list[RenderableType] = renderer(section)
    return out


def render_assessment(console: Console, out: dict[str, Any]) -> None:
    console.print(
        Text(
            f"Case {out['case_id']}  ·  assessed {out.get('assessment_date')}  ·  knowledge {out['knowledge_version']}"
            f"  ·  engine {out.get('engine_version')}",
            style="bold",
        )
    )
    console.print(disease_state_panel(out["disease_state"]))
    recs = _domain_renderables("oligoboard.guidelines.present", "rich_recommendations", out)
    console.print(*(recs or [rule_sets_table("Guideline recommendations", out.get("recommendations", []))]))
    trials = _domain_renderables("oligoboard.trials.present", "rich_trials", out)
    console.print(*(trials or [rule_sets_table("Trials", out.get("trials", []))]))
    if out.get("radiotherapy"):
        console.print(radiotherapy_table(out["radiotherapy"]))
