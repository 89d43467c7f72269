"""The self-contained HTML page of a plan check (`oligoboard plan check … --html FILE`; `--pdf` prints the
same page through `report.pdf`)."""

from __future__ import annotations

from oligoboard.dose.plancheck import PlanCheck
from oligoboard.report.html.render import render_page
from oligoboard.report.terminal.dose import measured, plain


def render_plan_check_html(check: PlanCheck) -> str:
    """The plan check as one HTML page: constraints, structures (with their TG-263 name), measured values
    or the reason a constraint is unknown, margins, status, source; then the structure map and warnings."""
    rows = [
        {
            "status": str(r["status"]),
            "constraint": f"{r['id']}: {r['constraint']}",
            "structure": plain(r.get("structure") or "—"),
            "tg263": plain(r.get("tg263") or ""),
            "value": measured(r),
            "reason": plain(r.get("reason") or ""),
            "note": plain(r.get("note") or ""),
            "comparison": plain(r.get("comparison") or ""),
            "margin": "—" if r.get("margin") is None else str(r["margin"]),
            "source": str(r["source"]),
            "verified": bool(r["verified"]),
        }
        for r in check.results
    ]
    structures = [
        {
            "roi_number": s.get("roi_number"),
            "name": plain(s.get("name")),
            "tg263": plain(s.get("tg263") or "—"),
            "mapped_by": s.get("mapped_by") or "unmapped",
        }
        for s in check.structures
    ]
    warnings = [
        {
            "structure": plain(w.get("structure")),
            "roi_number": w.get("roi_number"),
            "z_mm": w.get("z_mm"),
            "reason": plain(w.get("reason")),
        }
        for w in check.warnings
    ]
    return render_page(
        "plan_check.html.j2",
        check=check,
        plan=check.plan,
        rows=rows,
        structures=structures,
        warnings=warnings,
        notes=[plain(note) for note in check.notes],
    )
