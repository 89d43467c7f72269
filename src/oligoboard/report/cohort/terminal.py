"""Funnels and overlaps as Rich tables for people: 80 columns, plain clinical wording, trial ids never cut.

Why the layout: one row per step with the patients entering it and how many meet it, do not meet it
(they leave here) or cannot be judged from the recorded data (they stay possibly eligible); the summary
under the table says the three numbers a trial office asks for — eligible now, undetermined, and the upper
bound if every unknown resolved favourably — then what excludes most and which facts to collect.
Criterion ids and knowledge text come from files, so they are shown through `literal`.
"""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from oligoboard.cohort.funnel import STATUSES, Funnel, Overlap
from oligoboard.report.palette import style
from oligoboard.report.terminal.literal import literal, visible

WIDTH = 80


def _n(value: int) -> str:
    return f"{value:,}"


def _pct(part: int, whole: int) -> str:
    return "—" if whole == 0 else f"{100 * part / whole:.1f} %"


def render_funnel(funnel: Funnel) -> RenderableType:
    """One trial's funnel: the steps table and its summary lines."""
    title = Text.assemble(Text(visible(funnel.trial), style="bold"), " ", literal(funnel.title))
    table = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        width=WIDTH,
        title_justify="left",
    )
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Step", ratio=1, overflow="fold")
    table.add_column("Entering", justify="right", no_wrap=True)
    table.add_column("Met", justify="right", no_wrap=True, style=style("met"))
    table.add_column("Not met", justify="right", no_wrap=True, style=style("not_met"))
    table.add_column("Unknown", justify="right", no_wrap=True, style=style("unknown"))
    excluded = sum(n for _, n in funnel.data_quality)
    table.add_row(
        "0", "Data quality (screenable record)", _n(funnel.input), _n(funnel.screened), _n(excluded), "0"
    )
    for i, step in enumerate(funnel.steps, start=1):
        label = literal(step.criterion)
        if step.kind == "exclusion":
            label.append(" (exclusion)", style="dim")
        table.add_row(str(i), label, _n(step.entering), _n(step.met), _n(step.not_met), _n(step.unknown))
    lines: list[RenderableType] = [title]
    if funnel.without:
        lines.append(
            Text("What-if: without " + ", ".join(visible(c) for c in funnel.without), style="yellow")
        )
    lines.append(table)
    lines.append(
        Text(
            "Met: passes the step (an exclusion does not apply). Not met: leaves here. Unknown: the data "
            "cannot decide it; the patient stays possibly eligible.",
            style="dim",
        )
    )
    summary = Text()
    summary.append(f"Input {_n(funnel.input)} patients")
    if excluded:
        reasons = ", ".join(f"{label} {_n(n)}" for label, n in funnel.data_quality if n)
        summary.append(f"; not screenable {_n(excluded)} ({reasons})")
    summary.append(".\n")
    summary.append("Eligible now: ", style="bold")
    summary.append(
        f"{_n(funnel.eligible)} ({_pct(funnel.eligible, funnel.input)})\n", style=style("eligible")
    )
    summary.append("Undetermined (nothing excludes them, data missing): ", style="bold")
    summary.append(f"{_n(funnel.undetermined)}\n", style=style("undetermined"))
    summary.append("At most eligible if every unknown resolves favourably: ", style="bold")
    summary.append(f"{_n(funnel.upper_bound)} ({_pct(funnel.upper_bound, funnel.input)})\n")
    if funnel.excludes_most is not None:
        crit, n = funnel.excludes_most
        summary.append("Excludes most on its own: ", style="bold")
        summary.append_text(literal(crit))
        summary.append(f" ({_n(n)} patients)\n")
    lines.append(summary)
    if funnel.facts:
        facts = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, width=WIDTH)
        facts.add_column("Facts to collect for undetermined patients", ratio=1, overflow="fold")
        facts.add_column("Waiting", justify="right", no_wrap=True)
        facts.add_column("Only this open", justify="right", no_wrap=True)
        for gain in funnel.facts:
            facts.add_row(literal(gain.fact), _n(gain.needed), _n(gain.alone))
        lines.append(facts)
    return Group(*lines)


def render_overlap(view: Overlap) -> RenderableType:
    """Patients by status in two trials: rows the first trial, columns the second."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, width=WIDTH)
    table.add_column(Text.assemble(literal(view.first), " \\ ", literal(view.second)), overflow="fold")
    for status in STATUSES:
        table.add_column(status, justify="right", no_wrap=True, style=style(status))
    for a in STATUSES:
        table.add_row(Text(a, style=style(a)), *(_n(view.cells[(a, b)]) for b in STATUSES))
    return Group(Text("Overlap of two trials (patients)", style="bold"), table)


def render_stale(results_version: str, current_version: str) -> Text:
    """The warning shown when the knowledge changed after the results were screened."""
    return Text(
        f"warning: the knowledge is newer than these results (screened with {visible(results_version)}, "
        f"now {visible(current_version)}): run `oligoboard screen` again for current answers",
        style="bold yellow",
    )
