"""Rich rendering of a DICOM RT plan check (the HTML page is `report.html.plan`)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from oligoboard.dose.plancheck import PlanCheck
from oligoboard.report.palette import status_text
from oligoboard.report.terminal.literal import literal


def measured(result: dict[str, object]) -> str:
    """A constraint's measured value with its unit, or an em dash when the structure is missing."""
    return "—" if result.get("value") is None else f"{result['value']} {result.get('unit', '')}".strip()


def render_plan_check(check: PlanCheck) -> Table:
    """One row per constraint: structure, value, margin, status in the one palette, source."""
    table = Table(title=Text(f"Plan check: {check.protocol} — {check.title}"))
    for column in ("constraint", "structure", "value", "margin", "status", "source"):
        table.add_column(column)
    for r in check.results:
        table.add_row(
            Text(f"{r['id']}: {r['constraint']}"),
            literal(r.get("structure") or "missing"),  # the ROI name from the DICOM file
            Text(measured(r)),
            "—" if r.get("margin") is None else str(r["margin"]),
            status_text(str(r["status"]), label=str(r["status"])),
            Text(str(r["source"]) + ("" if r["verified"] else " (unverified)")),
        )
    return table
