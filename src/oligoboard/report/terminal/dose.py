"""Rich rendering of the radiotherapy outputs: course checks, DVH statistics and plan checks.

Every string that comes from a file (ROI names, plan labels, case ids, protocol names) is shown literally:
it goes into a `rich.text.Text` (never parsed as markup, so `[/bold]` in an ROI name is just text) with
terminal control characters replaced by U+FFFD. Tables fit the 80-column default terminal: long cells wrap.
The HTML and PDF pages are `report.html.plan` and `report.pdf`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from oligoboard.report.palette import status_text
from oligoboard.report.terminal.clinician import metric_name, plain_limit
from oligoboard.report.terminal.literal import literal, visible

if TYPE_CHECKING:  # `assess` imports this module for its course table: no DICOM stack at start-up
    from oligoboard.dose.plancheck import PlanCheck, ProtocolSummary


def plain(value: object) -> str:
    """A string from a file made safe for a terminal (`report.terminal.literal.visible`)."""
    return visible(value)


def _number(value: object, digits: int = 2) -> str:
    return "—" if value is None else f"{float(str(value)):.{digits}f}"


def measured(result: dict[str, object]) -> str:
    """A constraint's measured value with its unit (and the value compared, when in EQD2), or an em dash
    when it could not be measured."""
    if result.get("value") is None:
        return "—"
    unit = str(result.get("unit", ""))
    text = f"{result['value']} {unit}".strip()
    if result.get("value_eqd2") is not None:
        text += f" (EQD2: {result['value_eqd2']} {unit})".replace(" )", ")")
    return text


# --- course checks (the `radiotherapy` section of `assess`) ------------------------------------------------


def _check_value(check: Mapping[str, Any]) -> Text:
    if check.get("value") is None:
        return Text("—")
    text = Text(f"{check['value']:.2f}")
    if check.get("value_eqd2_gy") is not None:
        text.append(f"\nEQD2 {check['value_eqd2_gy']:.2f}", style="dim")
    return text


def render_course_checks(courses: Sequence[Mapping[str, Any]], *, sources: bool = False) -> RenderableType:
    """One row per check: course, check (with the comparison made, or the reason it is unknown), status,
    value (and its EQD2 when compared in EQD2), limit. Protocol notes follow the table."""
    table = Table(title="Radiotherapy checks", expand=True, box=box.SIMPLE_HEAD)
    table.add_column("course", ratio=1, overflow="fold")
    table.add_column("check", ratio=4, overflow="fold")
    table.add_column("status", no_wrap=True, min_width=12)
    table.add_column("value", justify="right", no_wrap=True, min_width=7)
    table.add_column("limit", ratio=2, overflow="fold")
    if sources:
        table.add_column("rule (source)", ratio=2, overflow="fold", style="dim")
    notes: list[RenderableType] = []
    for course in courses:
        protocol = course.get("protocol")
        if isinstance(protocol, dict) and protocol.get("note"):
            notes.append(literal(f"{course.get('course')}: {protocol['note']}", style="yellow"))
        for check in course.get("checks", []):
            cell = Text(metric_name(check))  # the quantity in words (`EQD2 (α/β 10 Gy)`), not the check id
            cell.append(f" ({plain(check.get('basis', ''))})", style="dim")
            explain = check.get("comparison") if check.get("status") != "unknown" else check.get("reason")
            if explain:
                cell.append("\n" + plain(explain), style="dim")
            if check.get("warning"):
                cell.append("\n" + plain(check["warning"]), style="yellow")
            cells: list[RenderableType] = [
                literal(course.get("course")),
                cell,
                status_text(check.get("status")),
                _check_value(check),
                literal(plain_limit(str(check.get("limit", "")))),
            ]
            if sources:
                cells.append(literal(f"{check.get('id')}: {check.get('source', '')}"))
            table.add_row(*cells)
    return Group(table, *notes) if notes else table


# --- DVH statistics -------------------------------------------------------------------------------------

_STATUS_WORDS = {
    "ok": "ok",
    "partly_outside_dose_grid": "partly outside grid",
    "outside_dose_grid": "outside grid",
    "no_contours": "no contours",
}


def _dvh_status(status: str, warnings: int) -> Text:
    text = Text(_STATUS_WORDS.get(status, status), style="" if status == "ok" else "yellow")
    if warnings:
        text.append(f"\n{warnings} warning{'s' if warnings > 1 else ''}", style="yellow")
    return text


def render_dvh(records: Sequence[Mapping[str, Any]], title: str) -> RenderableType:
    """One row per structure: ROI number, name, volume, Dmean/Dmin/Dmax/D95/D2 and its status; then every
    warning (dropped or degenerate contours, volume outside the dose grid) as a line of its own."""
    table = Table(title=literal(title), box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("ROI", justify="right")
    table.add_column("structure", overflow="fold")
    for label in ("cc", "Dmean", "Dmin", "Dmax", "D95", "D2"):
        table.add_column(label, justify="right")
    table.add_column("status")
    lines: list[RenderableType] = []
    for r in records:
        status = str(r.get("status", "ok"))
        table.add_row(
            str(r.get("roi_number", "")),
            literal(r.get("name")),
            _number(r.get("volume_cc"), 1),
            *(_number(r.get(k)) for k in ("mean_gy", "min_gy", "max_gy", "d95_gy", "d2_gy")),
            _dvh_status(status, len(r.get("warnings", []))),
        )
        who = f"{plain(r.get('name'))} (ROI {r.get('roi_number')})"
        outside = r.get("outside_dose_grid_cc") or 0
        if status in ("partly_outside_dose_grid", "outside_dose_grid"):
            lines.append(
                Text(f"note: {who}: {float(str(outside)):.2f} cc outside the dose grid", style="yellow")
            )
        for w in r.get("warnings", []):
            at = "" if w.get("z_mm") is None else f", z {w['z_mm']} mm"
            lines.append(Text(f"warning: {who}{at}: {plain(w.get('reason'))}", style="yellow"))
    table.caption = "doses in Gy, volumes in cc"
    return Group(table, *lines) if lines else table


# --- plan check ------------------------------------------------------------------------------------------


def render_plan_check(check: PlanCheck) -> RenderableType:
    """One row per constraint: constraint, structure (and its TG-263 name), value or the reason it is
    unknown, margin, status in the one palette; then each constraint's source and the contour warnings."""
    table = Table(
        title=literal(f"Plan check: {check.protocol} — {check.title}"), box=box.SIMPLE_HEAD, expand=True
    )
    table.add_column("constraint", ratio=4, overflow="fold")
    table.add_column("structure", ratio=2, overflow="fold")
    table.add_column("value", ratio=3, overflow="fold")
    table.add_column("margin", justify="right", no_wrap=True, min_width=6)
    table.add_column("status", no_wrap=True, min_width=10)
    sources: list[RenderableType] = [Text("Sources:", style="bold")]
    for r in check.results:
        structure = literal(r.get("structure") or "—")
        if r.get("tg263") and r.get("tg263") != r.get("structure"):
            structure.append(f"\n= {plain(r['tg263'])}", style="dim")
        value = Text(measured(r))
        if r.get("reason"):
            value = literal(r["reason"], style="yellow")
        for extra in ("comparison", "note"):
            if r.get(extra) and not r.get("reason"):
                value.append("\n" + plain(r[extra]), style="dim")
        table.add_row(
            literal(f"{r['id']}\n{r['constraint']}"),
            structure,
            value,
            "—" if r.get("margin") is None else str(r["margin"]),
            status_text(str(r["status"])),
        )
        source = literal(f"{r['id']}: {r['source']}", style="dim")
        if not r["verified"]:
            source.append(" (unverified)", style="yellow")
        sources.append(source)
    parts: list[RenderableType] = []
    if check.plan is not None:
        p = check.plan
        parts.append(
            literal(
                f"Plan {p.label or '(no label)'}: {p.fractions or '?'} fractions, "
                f"prescription {'?' if p.prescription_gy is None else f'{p.prescription_gy:g}'} Gy"
            )
        )
    parts.append(table)
    for note in check.notes:
        parts.append(literal(f"note: {note}", style="yellow"))
    for w in check.warnings:
        at = "" if w.get("z_mm") is None else f", z {w['z_mm']} mm"
        parts.append(
            Text(
                f"warning: {plain(w['structure'])} (ROI {w['roi_number']}){at}: {plain(w['reason'])}",
                "yellow",
            )
        )
    return Group(*parts, *sources)


def render_protocols(found: Sequence[ProtocolSummary]) -> RenderableType:
    """The protocols `plan check --protocol` accepts, with their size and how many rules are unverified."""
    table = Table(title="Plan-check protocols", box=box.SIMPLE_HEAD)
    for column in ("id", "title", "constraints", "unverified"):
        table.add_column(column)
    for p in found:
        table.add_row(literal(p.id), literal(p.title), str(p.constraints), str(p.unverified))
    return table
