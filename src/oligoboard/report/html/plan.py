"""The self-contained HTML page of a plan check (`oligoboard plan check … --html FILE`)."""

from __future__ import annotations

from oligoboard.dose.plancheck import PlanCheck
from oligoboard.report.html.render import render_page
from oligoboard.report.terminal.dose import measured


def render_plan_check_html(check: PlanCheck) -> str:
    """The plan check as one HTML page: constraints, measured values, margins, status, source."""
    rows = [
        {
            "status": str(r["status"]),
            "constraint": f"{r['id']}: {r['constraint']}",
            "structure": str(r.get("structure") or "missing"),
            "value": measured(r),
            "margin": "—" if r.get("margin") is None else str(r["margin"]),
            "source": str(r["source"]),
            "verified": bool(r["verified"]),
        }
        for r in check.results
    ]
    return render_page("plan_check.html.j2", check=check, plan=check.plan, rows=rows)
