"""Rich renderings of the guidelines section of an assessment and of the guideline catalogue."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich.columns import Columns
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.guidelines.catalogue import EncodedRecommendation
from oligoboard.report.findings import finding
from oligoboard.report.labels import clinical_text
from oligoboard.report.palette import status_text, style


def _status(status: str) -> Text:
    return status_text(status)


#: The label of a Danish text shown as the seed prints it (OCR: å, ø, æ lost), only with `--sources`.
AS_PRINTED = "as printed (OCR): "


def danish_reading(item: Mapping[str, Any], key: str) -> str | None:
    """The Danish text a clinician reads: the corrected reading (å, ø, æ restored), else the printed one.

    The seed 002 is OCR text; the knowledge keeps both (`<key>` as printed for citations, `<key>_corrected`
    for reading; issue 12), so no clinical view shows "lungekraeft" for "lungekræft".
    """
    text = item.get(f"{key}_corrected") or item.get(key)
    return " ".join(str(text).split()) if text else None


def as_printed(item: Mapping[str, Any], key: str) -> Text | None:
    """`--sources`: the Danish text exactly as the seed prints it, labelled as OCR text."""
    text = item.get(key)
    if not text:
        return None
    return Text.assemble((AS_PRINTED, "italic"), " ".join(str(text).split()), style="dim")


def _why(rec: Mapping[str, Any], kb: KnowledgeBase | None, facts: Mapping[str, Any]) -> str:
    """The patient's finding first ("found: EGFR positive"), then the requirement it fails."""
    if rec["status"] == "undetermined":
        return "; ".join(clinical_text(r) for r in rec["undetermined_because"])
    if rec["status"] == "not_applicable":
        parts = []
        for reason in rec["reasons"][:2]:
            found = finding(kb, facts, rec["id"], reason["id"]) if kb is not None and facts else ""
            needs = clinical_text(reason["text"])
            parts.append(f"found: {found} — requires: {needs}" if found else needs)
        return "; ".join(parts)
    later = rec.get("later") or {}
    return str(later.get("text", "")) if later and later.get("status") != "applies_now" else ""


#: Below this width the recommendations are stacked (header line, text, why) instead of a 5-column table,
#: whose prose columns would otherwise break words mid-way.
TABLE_MIN_WIDTH = 110


class RecommendationsView:
    """The recommendations of one guideline: a table on a wide screen, stacked blocks on a narrow one."""

    def __init__(self, rows: list[tuple[Mapping[str, Any], Text, str]], title: str, *, sources: bool) -> None:
        self.rows, self.title, self.sources = rows, title, sources

    def table(self) -> Table:
        table = Table(title=self.title, show_lines=True, expand=True)
        table.add_column("id", no_wrap=True)
        table.add_column("status")
        table.add_column("grade")
        table.add_column("recommendation (source)" if self.sources else "recommendation", ratio=3)
        table.add_column("why / missing", ratio=2)
        for rec, text, why in self.rows:
            table.add_row(rec["id"], _status(rec["status"]), rec["grade"] or "—", text, why)
        return table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if options.max_width >= TABLE_MIN_WIDTH:
            yield self.table()
            return
        yield Text(self.title, style="bold underline")
        for rec, text, why in self.rows:
            head = Text.assemble(
                (rec["id"], "bold"), "  ", _status(rec["status"]), f"  grade {rec['grade'] or '—'}"
            )
            yield head
            yield Padding(text, (0, 0, 0, 2))
            if why:
                yield Padding(Text("why: " + why, style="italic"), (0, 0, 0, 2))
            yield Text("")


def recommendations_table(
    recs: Iterable[Mapping[str, Any]],
    *,
    title: str,
    kb: KnowledgeBase | None = None,
    facts: Mapping[str, Any] | None = None,
    sources: bool = True,
) -> RecommendationsView:
    """One row per recommendation; the why column says what this patient has, not only the rule."""
    rows: list[tuple[Mapping[str, Any], Text, str]] = []
    for rec in recs:
        why = _why(rec, kb, facts or {})
        later = rec.get("later")
        if later and later["status"] == "applies_later_if":
            why = f"now: {rec['status'].replace('_', ' ')}; later: {later['text']}"
        text = Text(rec["text"])
        danish = danish_reading(rec, "text_da")
        if danish:
            text.append("\n" + danish, style="italic")
        printed = as_printed(rec, "text_da") if sources else None
        if printed is not None:
            text.append("\n").append_text(printed)
        if sources:
            text.append("\n" + rec["source"], style="dim")
        rows.append((rec, text, why))
    return RecommendationsView(rows, title, sources=sources)


def _alternatives(section: Mapping[str, Any]) -> list[RenderableType]:
    out: list[RenderableType] = []
    for alt in section.get("alternatives", []):
        panels = []
        for opt in alt["options"]:
            body = Text(opt["text"] + "\n")
            body.append(f"now: {opt['status'].replace('_', ' ')}", style=style(opt["status"]))
            if opt.get("later"):
                body.append(f"\nlater: {opt['later']['text']}")
            panels.append(Panel(body, title=f"{opt['id']} (grade {opt['grade']})", expand=True))
        note = Text(str(alt["note"]), style="italic")  # in the body: a subtitle is cut at the border
        out.append(Panel(Group(Columns(panels, equal=True, expand=True), note), title="Alternatives"))
    return out


def _ablative(section: Mapping[str, Any], *, sources: bool = True) -> RenderableType | None:
    """The guideline's ablative-dose definition; its worked example is labelled as not about this patient."""
    if not any(r.get("ablative_dose") for r in section["recommendations"] if r["status"] != "not_applicable"):
        return None
    a = section["ablative_dose"]
    text = Text(f"Ablative SBRT: {a['definition']}, strictly greater. Target: {a['local_control_target']}.\n")
    text.append("Worked example from the guideline's reading, not this patient: ", style="italic")
    text.append(a["boundary_example"], style="italic")
    danish = danish_reading(a, "text_da")
    if danish:
        text.append("\n" + danish, style="italic")
    printed = as_printed(a, "text_da") if sources else None
    if printed is not None:
        text.append("\n").append_text(printed)
    return Panel(text, title="DLCG 2025 ablative dose", subtitle=a["source"] if sources else None)


def _workup(section: Mapping[str, Any], *, sources: bool = True) -> RenderableType | None:
    gaps, advice = section["workup_gaps"], section.get("workup_advisories", [])
    if not gaps and not advice:
        return None
    table = Table(title="Work-up still missing before OMD can be declared", expand=True)
    table.add_column("item", overflow="fold")
    table.add_column("status", overflow="fold")
    table.add_column("collect", overflow="fold")
    if sources:
        table.add_column("source", style="dim", overflow="fold")
    for gap in gaps:
        cells = [gap["item"], gap["status"].replace("_", " "), ", ".join(gap["missing"])]
        table.add_row(*cells, *([gap["source"]] if sources else []))
    for adv in advice:
        cells = [adv["item"], "advice (not verified)", adv["text"]]
        table.add_row(*cells, *([adv["source"]] if sources else []))
    return table


def concordance_table(conc: Mapping[str, Any], *, sources: bool = True) -> RenderableType:
    """Every guideline side by side per topic, one column per guideline (names from the knowledge)."""
    names = [g["name"] for g in conc.get("guidelines", [])]
    title = " and ".join(names) if len(names) <= 2 else ", ".join(names)
    table = Table(title=f"{title} side by side", show_lines=True, expand=True)
    table.add_column("topic", overflow="fold")
    for name in names:
        table.add_column(name, overflow="fold")
    table.add_column("verdict", overflow="fold")

    def cell(items: Sequence[Mapping[str, Any]], guidance: list[str]) -> Text:
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
    notes = [
        Text("• " + (d if sources else clinical_text(d)), style="dim")
        for d in conc.get("method_differences", [])
    ]
    return Group(table, *notes)


def render_recommendations(
    section: Mapping[str, Any], kb: KnowledgeBase | None = None, *, sources: bool = True
) -> list[RenderableType]:
    """Recommendations per guideline, alternatives, ablative dose, work-up gaps, concordance, guidance.

    With `kb` (and the assessment's `facts`) the why column states the patient's finding; without
    `sources` no citation or internal reference is shown.
    """
    recs = section["recommendations"]
    facts = section.get("facts") or {}
    out: list[RenderableType] = []
    for guideline in dict.fromkeys(r["guideline"] for r in recs):
        mine = [r for r in recs if r["guideline"] == guideline]
        out.append(recommendations_table(mine, title=guideline, kb=kb, facts=facts, sources=sources))
    out.extend(_alternatives(section))
    for item in (_ablative(section, sources=sources), _workup(section, sources=sources)):
        if item is not None:
            out.append(item)
    out.append(concordance_table(section["concordance"], sources=sources))
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
    texts = {"text_da": rec.text_da, "text_da_corrected": rec.info.text_da_corrected}
    danish = danish_reading(texts, "text_da")
    if danish:
        body.append(danish + "\n", style="italic")
    printed = as_printed(texts, "text_da")
    if printed is not None:
        body.append_text(printed).append("\n")
    for part in rec.grades:
        body.append(f"grade {part['grade']}: {part['part']}\n")
    if rec.kind == "guidance":
        body.append(
            "Unverified guidance text (verified: false) — never evaluated as a rule.\n", style="yellow"
        )
    body.append(rec.source, style="dim")
    return Panel(body, title=f"{rec.id} — {rec.guideline} — grade {rec.grade or rec.strength or '—'}")
