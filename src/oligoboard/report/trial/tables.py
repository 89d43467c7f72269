"""Rich tables of `oligoboard qol score` and `oligoboard survival`, 80 columns wide.

They render the same dicts the `--json` output prints (`trial/qol/items.score_row`,
`trial/survival/summary.summarise`), so the table and the JSON cannot disagree. QoL: scales are rows and
respondents columns, five respondents per table (a 16-scale row per respondent would not fit 80 columns).
Group labels come from the user's file and are shown through `literal`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from oligoboard.report.terminal.literal import literal

if TYPE_CHECKING:
    from rich.console import RenderableType

#: Respondent columns per QoL table: the scale column (30) and 5 columns of 8 (100.0, padding, rule) ≤ 80.
RESPONDENTS_PER_TABLE = 5


def _score(value: object) -> str:
    return "—" if value is None else f"{float(value):.1f}"  # type: ignore[arg-type]


def qol_tables(
    rows: Sequence[Mapping[str, Any]], names: Mapping[str, str], instrument: str
) -> list[RenderableType]:
    """One table per five respondents: scale code and name, then each respondent's score (— = not
    scoreable under the half rule)."""
    from rich.table import Table

    tables: list[RenderableType] = []
    for start in range(0, max(len(rows), 1), RESPONDENTS_PER_TABLE):
        chunk = rows[start : start + RESPONDENTS_PER_TABLE]
        table = Table(
            title=f"{instrument.upper()} scores (0–100) by row",
            caption="— = not scoreable (under half the items answered; summary: needs all 13 scales)",
        )
        table.add_column("scale", no_wrap=True, max_width=30)
        for row in chunk:
            table.add_column(f"row {row['row']}", justify="right", no_wrap=True, min_width=5)
        for code, name in names.items():
            table.add_row(f"{code} {name}", *[_score(row["scores"].get(code)) for row in chunk])
        tables.append(table)
    return tables


def _limits(value: Mapping[str, Any]) -> str:
    def one(x: object) -> str:
        return "NR" if x is None else f"{float(x):g}"  # type: ignore[arg-type]

    if value.get("estimate") is None:
        return "not reached"
    return f"{one(value['estimate'])} ({one(value['lower'])}–{one(value['upper'])})"


def _at(point: Mapping[str, Any]) -> str:
    if not point.get("estimable"):
        return "not estimable"
    return f"{point['survival']:.3f} ({point['lower']:.3f}–{point['upper']:.3f})"


def survival_tables(summary: Mapping[str, Any]) -> list[RenderableType]:
    """Medians, S(t) at the requested times, and the comparisons, each its own table or line."""
    from rich.table import Table
    from rich.text import Text

    curves = [summary["overall"], *summary["groups"]]
    level = round(summary["ci_level"] * 100)
    medians = Table(title=f"Kaplan–Meier, median with {level}% CI")
    for name, justify in (("group", "left"), ("n", "right"), ("events", "right"), ("median (CI)", "right")):
        medians.add_column(name, justify=justify)  # type: ignore[arg-type]
    for curve in curves:
        label = literal(curve["group"]) if curve["group"] is not None else Text("all")
        medians.add_row(label, str(curve["n"]), str(curve["events"]), _limits(curve["median"]))
    out: list[RenderableType] = [medians]
    times = [p["time"] for p in summary["overall"]["survival_at"]]
    if times:
        at = Table(title=f"S(t) with {level}% CI")
        at.add_column("time", justify="right")
        for curve in curves:
            at.add_column(
                literal(curve["group"]) if curve["group"] is not None else Text("all"), justify="right"
            )
        for i, t in enumerate(times):
            at.add_row(f"{t:g}", *[_at(c["survival_at"][i]) for c in curves])
        out.append(at)
    if summary["overall"].get("landmarks"):
        marks = Table(title=f"Landmark survival with {level}% CI")
        marks.add_column("years", justify="right")
        for curve in curves:
            marks.add_column(
                literal(curve["group"]) if curve["group"] is not None else Text("all"), justify="right"
            )
        for i, mark in enumerate(summary["overall"]["landmarks"]):
            cells = []
            for curve in curves:
                point = curve["landmarks"][i]["survival"]
                cells.append(_at({"estimable": True, **point}) if point else "not estimable")
            marks.add_row(f"{mark['years']:g}", *cells)
        out.append(marks)
    if any(c["rmst"] for c in curves):
        rm = Table(title="Restricted mean survival time")
        for name in ("group", "tau", "RMST (CI)"):
            rm.add_column(name, justify="left" if name == "group" else "right")
        for c in curves:
            r = c["rmst"]
            label = literal(c["group"]) if c["group"] is not None else Text("all")
            rm.add_row(label, f"{r['tau']:g}", f"{r['estimate']:.1f} ({r['lower']:.1f}–{r['upper']:.1f})")
        out.append(rm)
    lines = [
        f"CI: {summary['ci_method']}",
        f"median follow-up (reverse KM): {_limits(summary['median_followup'])}",
    ]
    lines.extend(f"note: {note}" for note in summary.get("notes", []))
    if summary["logrank"] is not None:
        lr = summary["logrank"]
        lines.append(f"log-rank: chi2 {lr['chi2']:.3f} on {lr['df']} df, p {lr['p']:.4g}")
    if summary["cox"] is not None:
        cox = summary["cox"]
        for h in cox["hazard_ratios"]:
            lines.append(
                f"Cox ({cox['ties']} ties) HR {h['hr']:.3f} ({h['lower']:.3f}–{h['upper']:.3f}), p {h['p']:.4g}: "
            )
    text = Text()
    hazard = iter(summary["cox"]["hazard_ratios"] if summary["cox"] is not None else [])
    for line in lines:
        text.append(line)
        if line.startswith("Cox"):
            h = next(hazard)
            text.append_text(literal(h["group"]))
            text.append(" vs ")
            text.append_text(literal(summary["cox"]["reference"]))
        text.append("\n")
    for d in summary.get("rmst_difference") or []:
        text.append(
            f"RMST difference to {d['tau']:g}: {d['difference']:.1f} ({d['lower']:.1f}–{d['upper']:.1f}), "
            f"p {d['p']:.4g}: "
        )
        text.append_text(literal(d["group"]))
        text.append(" − ")
        text.append_text(literal(d["reference"]))
        text.append("\n")
    out.append(text)
    return out
