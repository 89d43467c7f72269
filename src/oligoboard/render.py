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


def disease_state_panel(ds: dict[str, Any]) -> RenderableType:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    table.add_column(style="dim")
    explain = ds.get("explain", {})
    rows = [
        ("ESTRO/EORTC state", ds.get("estro_eortc"), explain.get("estro_eortc", {}).get("decided_by", "")),
        ("OMD (ESTRO-ASTRO)", ds.get("omd"), explain.get("omd", {}).get("source", "")),
        ("TNM 9th M", ds.get("tnm9_m"), explain.get("tnm9_m", {}).get("decided_by", "")),
        ("Stage", ds.get("stage"), ""),
        ("Prognosis (Ashworth RPA)", ds.get("prognostic_group"), "verified: false"),
    ]
    for label, value, why in rows:
        table.add_row(label, styled(value), Text(str(why))[:110])
    parts: list[RenderableType] = [table]
    if ds.get("missing"):
        parts.append(Text("Missing: " + ", ".join(ds["missing"]), style="yellow"))
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
