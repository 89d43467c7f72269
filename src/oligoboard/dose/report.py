"""Render a plan check as a Rich table or a self-contained HTML page (no template engine needed)."""

from __future__ import annotations

from html import escape

from rich.table import Table

from oligoboard.dose.plancheck import PlanCheck

STATUS_STYLE = {"pass": "green", "within_tolerance": "yellow", "fail": "bold red", "unknown": "dim"}


def _value(result: dict[str, object]) -> str:
    return "—" if result.get("value") is None else f"{result['value']} {result.get('unit', '')}".strip()


def plan_table(check: PlanCheck) -> Table:
    table = Table(title=f"Plan check: {check.protocol} — {check.title}")
    for column in ("constraint", "structure", "value", "margin", "status", "source"):
        table.add_column(column)
    for r in check.results:
        status = str(r["status"])
        table.add_row(
            f"{r['id']}: {r['constraint']}",
            str(r.get("structure") or "missing"),
            _value(r),
            "—" if r.get("margin") is None else str(r["margin"]),
            f"[{STATUS_STYLE.get(status, '')}]{status}[/]",
            str(r["source"]) + ("" if r["verified"] else " (unverified)"),
        )
    return table


def plan_html(check: PlanCheck) -> str:
    rows = "\n".join(
        (
            "<tr class='{cls}'><td>{id}: {c}</td><td>{s}</td><td>{v}</td>"
            "<td>{m}</td><td>{st}</td><td>{src}</td></tr>"
        ).format(
            cls=escape(str(r["status"])),
            id=escape(str(r["id"])),
            c=escape(str(r["constraint"])),
            s=escape(str(r.get("structure") or "missing")),
            v=escape(_value(r)),
            m="—" if r.get("margin") is None else escape(str(r["margin"])),
            st=escape(str(r["status"])),
            src=escape(str(r["source"])) + ("" if r["verified"] else " <em>(unverified)</em>"),
        )
        for r in check.results
    )
    plan = ""
    if check.plan is not None:
        plan = (
            f"<p>Plan {escape(str(check.plan.label))}: {check.plan.fractions} fractions, "
            f"prescription {check.plan.prescription_gy} Gy</p>"
        )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Plan check {escape(check.protocol)}</title>
<style>body{{font-family:sans-serif}}td,th{{border:1px solid #ccc;padding:4px}}
table{{border-collapse:collapse}}
.pass{{background:#e6f4e6}}.fail{{background:#fbe3e3}}.within_tolerance{{background:#fff5d6}}.unknown{{color:#777}}</style>
</head><body><h1>Plan check: {escape(check.protocol)}</h1><p>{escape(check.title)}</p>{plan}
<table><tr><th>constraint</th><th>structure</th><th>value</th><th>margin</th><th>status</th><th>source</th></tr>
{rows}
</table><p>A structure missing from the plan gives <em>unknown</em>, never pass.</p></body></html>
"""
