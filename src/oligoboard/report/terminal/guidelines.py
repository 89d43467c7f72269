"""Rich renderings of the guidelines section of an assessment and of the guideline catalogue."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.columns import Columns
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from oligoboard.guidelines.catalogue import EncodedRecommendation
from oligoboard.report.palette import status_text, style


def _status(status: str) -> Text:
    return status_text(status)


def _why(rec: dict[str, Any]) -> str:
    if rec["status"] == "undetermined":
        return "; ".join(rec["undetermined_because"])
    if rec["status"] == "not_applicable":
        return "; ".join(r["text"] for r in rec["reasons"][:2])
    later = rec.get("later") or {}
    return str(later.get("text", "")) if later else ""


def recommendations_table(recs: Iterable[dict[str, Any]], *, title: str) -> Table:
    table = Table(title=title, show_lines=True, expand=True)
    table.add_column("id", no_wrap=True)
    table.add_column("status")
    table.add_column("grade", no_wrap=True)
    table.add_column("recommendation (source)", ratio=3)
    table.add_column("why / missing", ratio=2)
    for rec in recs:
        why = _why(rec)
        later = rec.get("later")
        if later and later["status"] == "applies_later_if":
            why = f"now: {rec['status'].replace('_', ' ')}; later: {later['text']}"
        text = Text(rec["text"] + "\n")
        text.append(rec["source"], style="dim")
        table.add_row(rec["id"], _status(rec["status"]), rec["grade"] or "—", text, why)
    return table


def _alternatives(section: dict[str, Any]) -> list[RenderableType]:
    out: list[RenderableType] = []
    for alt in section.get("alternatives", []):
        panels = []
        for opt in alt["options"]:
            body = Text(opt["text"] + "\n")
            body.append(f"now: {opt['status'].replace('_', ' ')}", style=style(opt["status"]))
            if opt.get("later"):
                body.append(f"\nlater: {opt['later']['text']}")
            panels.append(Panel(body, title=f"{opt['id']} (grade {opt['grade']})", expand=True))
        out.append(
            Panel(Columns(panels, equal=True, expand=True), title="Alternatives", subtitle=alt["note"])
        )
    return out


def _ablative(section: dict[str, Any]) -> RenderableType | None:
    if not any(r.get("ablative_dose") for r in section["recommendations"] if r["status"] != "not_applicable"):
        return None
    a = section["ablative_dose"]
    text = Text(f"Ablative SBRT: {a['definition']}, strictly greater. Target: {a['local_control_target']}.\n")
    text.append(a["boundary_example"] + "\n", style="italic")
    text.append(a["text_da"], style="dim")
    return Panel(text, title="DLCG 2025 ablative dose", subtitle=a["source"])


def _workup(section: dict[str, Any]) -> RenderableType | None:
    gaps, advice = section["workup_gaps"], section.get("workup_advisories", [])
    if not gaps and not advice:
        return None
    table = Table(title="Work-up still missing before OMD can be declared", expand=True)
    table.add_column("item")
    table.add_column("status")
    table.add_column("collect")
    table.add_column("source", style="dim")
    for gap in gaps:
        table.add_row(gap["item"], gap["status"].replace("_", " "), ", ".join(gap["missing"]), gap["source"])
    for adv in advice:
        table.add_row(adv["item"], "advice (unverified)", adv["text"], adv["source"])
    return table


def concordance_table(conc: dict[str, Any]) -> RenderableType:
    """Every guideline side by side per topic, one column per guideline (names from the knowledge)."""
    names = [g["name"] for g in conc.get("guidelines", [])]
    title = " and ".join(names) if len(names) <= 2 else ", ".join(names)
    table = Table(title=f"{title} side by side", show_lines=True, expand=True)
    table.add_column("topic")
    for name in names:
        table.add_column(name)
    table.add_column("verdict")

    def cell(items: list[dict[str, Any]], guidance: list[str]) -> Text:
        text = Text()
        for item in items:
            text.append(f"{item['id']} [{item['grade'] or '—'}] ")
            text.append(item["status"].replace("_", " "), style=style(item["status"]))
            text.append("\n")
        for gid in guidance:
            text.append(f"{gid}: unverified guidance only\n", style="dim")
        return text if items or guidance else Text("—", style="dim")

    for row in conc["rows"]:
        cells = [cell(side["recommendations"], side["unverified_guidance"]) for side in row["sides"]]
        table.add_row(row["label"], *cells, status_text(row["verdict"]))
    notes = [Text("• " + d, style="dim") for d in conc.get("method_differences", [])]
    return Group(table, *notes)


def render_recommendations(section: dict[str, Any]) -> list[RenderableType]:
    """Recommendations per guideline, alternatives, ablative dose, work-up gaps, concordance, guidance."""
    recs = section["recommendations"]
    out: list[RenderableType] = []
    for guideline in dict.fromkeys(r["guideline"] for r in recs):
        out.append(recommendations_table([r for r in recs if r["guideline"] == guideline], title=guideline))
    out.extend(_alternatives(section))
    for item in (_ablative(section), _workup(section)):
        if item is not None:
            out.append(item)
    out.append(concordance_table(section["concordance"]))
    if section.get("guidance"):
        lines = Text()
        for g in section["guidance"]:
            lines.append(f"{g['id']} (unverified): {g['text']}\n", style="dim")
        out.append(Panel(lines, title="Guidance text only — not verified, not a rule"))
    return out


def render_catalogue(items: Iterable[EncodedRecommendation]) -> Table:
    """Every encoded recommendation with grade (or strength and quality) and source."""
    table = Table(title="Encoded guideline recommendations", show_lines=True, expand=True)
    table.add_column("id", no_wrap=True)
    table.add_column("grade / strength", max_width=18)
    table.add_column("recommendation (source)", ratio=1, min_width=30)
    for rec in items:
        grade = rec.grade or rec.strength or "—"
        if rec.kind == "guidance":
            grade = f"{rec.strength or '—'} (unverified guidance)"
        elif rec.quality:
            grade = f"{grade}; quality: {rec.quality}"
        text = Text(f"{rec.guideline}: {rec.text_en}\n")
        text.append(rec.source, style="dim")
        table.add_row(rec.id, grade, text)
    return table


def render_recommendation(rec: EncodedRecommendation) -> Panel:
    """One encoded recommendation: Danish text, English rendering, grades per part, source."""
    body = Text(rec.text_en + "\n")
    if rec.text_da:
        body.append(rec.text_da + "\n", style="italic")
    for part in rec.grades:
        body.append(f"grade {part['grade']}: {part['part']}\n")
    if rec.kind == "guidance":
        body.append(
            "Unverified guidance text (verified: false) — never evaluated as a rule.\n", style="yellow"
        )
    body.append(rec.source, style="dim")
    return Panel(body, title=f"{rec.id} — {rec.guideline} — grade {rec.grade or rec.strength or '—'}")
