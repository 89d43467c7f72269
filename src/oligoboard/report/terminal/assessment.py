"""Rich rendering of an assessment for people at a terminal (the JSON is for programs).

It renders the JSON contract itself (`assessment.assemble`), so what people read is what programs get.
`render_report` picks the view: the clinician's one screen (default, `clinician.py`) or the full detail
(`--full`), each with or without citations (`--sources`). Without `--sources` no internal reference
(seed numbers, reference-note sections, evidence tags) is shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.report.findings import feature_label
from oligoboard.report.labels import clinical_text, recommendation_label, state_label, trial_name, words
from oligoboard.report.palette import style, value_text
from oligoboard.report.terminal.clinician import metric_name, render_clinician
from oligoboard.report.terminal.dose import render_course_checks
from oligoboard.report.terminal.guidelines import as_printed, render_recommendations
from oligoboard.report.terminal.literal import literal
from oligoboard.report.terminal.trials import render_trials

#: The disease-state answers in the order and words of the panel (also the labels of their citations).
DISEASE_STATE_LABELS = {
    "estro_eortc": "ESTRO/EORTC 2020 state",
    "omd": "Oligometastatic (ESTRO-ASTRO 2020)",
    "tnm9_m": "TNM 9th M",
    "stage": "Stage",
    "prognostic_group": "Prognosis (Ashworth 2014)",
}


def _basis(explain: Mapping[str, Any]) -> Text:
    """The rule that decided, whole (it wraps); unverified rules are flagged, never hidden."""
    text = Text(" ".join(str(explain.get("source") or "").split()), style="dim", overflow="fold")
    if explain.get("verified") is False:
        text.append("  unverified", style="yellow")
    return text


def disease_state_panel(ds: Mapping[str, Any], *, sources: bool = True) -> RenderableType:
    """State, OMD, M, stage and prognosis in words; with `sources`, the rule that decided each."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column(no_wrap=True)
    if sources:
        table.add_column(overflow="fold")
    explain = ds.get("explain", {})
    state = state_label(ds)
    rows = [
        (
            "ESTRO/EORTC 2020 state",
            None if state == "undetermined" else state,
            explain.get("estro_eortc", {}),
        ),
        ("Oligometastatic (ESTRO-ASTRO 2020)", words(ds.get("omd")), explain.get("omd", {})),
        ("TNM 9th M", ds.get("tnm9_m"), explain.get("tnm9_m", {})),
        ("Stage", ds.get("stage"), explain.get("stage", {})),
        ("Prognosis (Ashworth 2014)", ds.get("prognostic_group"), explain.get("prognostic_group", {})),
    ]
    for label, value, why in rows:
        cells: list[RenderableType] = [label, value_text(value)]
        if sources:
            cells.append(_basis(why))
        table.add_row(*cells)
    parts: list[RenderableType] = [table]
    counts = ds.get("counts") or {}
    if counts:
        shown = ", ".join(f"{feature_label(k)} {words(v)}" for k, v in counts.items())
        parts.append(Text("Counts: " + shown, style="dim"))
    if ds.get("missing"):
        parts.append(Text("Missing: " + ", ".join(ds["missing"]), style="yellow", overflow="fold"))
    for note in ds.get("conventions", []):
        shown = " ".join(str(note).split()) if sources else clinical_text(note)
        parts.append(Text("· " + shown, style="dim"))
    return Panel(Group(*parts), title="Disease state", border_style="cyan")


def radiotherapy_table(courses: Sequence[Mapping[str, Any]], *, sources: bool = True) -> RenderableType:
    """One row per check with the comparison made (`report.terminal.dose.render_course_checks`)."""
    return render_course_checks(courses, sources=sources)


def _header(out: Mapping[str, Any]) -> Text:
    return Text.assemble(
        "Case ",
        literal(out["case_id"]),
        f"  ·  assessed {out.get('assessment_date')}  ·  knowledge {out['knowledge_version']}"
        f"  ·  engine {out.get('engine_version')}",
        style="bold",
        overflow="fold",
    )


def render_assessment(
    console: Console, out: Mapping[str, Any], kb: KnowledgeBase | None = None, *, sources: bool = True
) -> None:
    """Print the full assessment: header, disease state, recommendations, trials, radiotherapy checks."""
    console.print(_header(out))
    console.print(disease_state_panel(out["disease_state"], sources=sources))
    console.print(*render_recommendations(out, kb, sources=sources))
    console.print(*render_trials(out, kb, sources=sources))
    if out.get("radiotherapy"):
        console.print(radiotherapy_table(out["radiotherapy"], sources=sources))


def render_citations(out: Mapping[str, Any]) -> Group:
    """`--sources` on the clinician's view: the citation of each verdict on it, in the order shown."""
    lines: list[RenderableType] = [Text("Sources", style="bold underline")]

    def cite(label: str, source: object, verified: object = True) -> None:
        text = Text.assemble((label + ": ", "bold"), " ".join(str(source or "—").split()))
        if verified is False:
            text.append("  unverified", style=style(None))
        text.overflow = "fold"
        lines.append(text)

    for key, why in (out["disease_state"].get("explain") or {}).items():
        cite(DISEASE_STATE_LABELS.get(key, key), why.get("source"), why.get("verified"))
    for rec in out.get("recommendations", []):
        if rec["status"] != "not_applicable":
            cite(recommendation_label(rec), rec.get("source"), rec.get("verified"))
            printed = as_printed(rec, "text_da")
            if printed is not None:
                printed.overflow = "fold"
                lines.append(printed)
    for item in out.get("trials", []):
        if item["status"] != "ineligible" or item.get("not_now"):
            cite(trial_name(item), item.get("source"), item.get("verified"))
    for course in out.get("radiotherapy") or []:
        for check in course.get("checks", []):
            if check.get("status") != "pass":
                cite(
                    f"{course.get('course')} {metric_name(check)}", check.get("source"), check.get("verified")
                )
    return Group(*lines)


def render_report(
    console: Console, out: Mapping[str, Any], kb: KnowledgeBase, *, full: bool = False, sources: bool = False
) -> None:
    """The view `assess` prints: the clinician's screen, or with `full` every detail; `sources` cites."""
    if full:
        render_assessment(console, out, kb, sources=sources)
        return
    console.print(render_clinician(out, kb))
    if sources:
        console.print(render_citations(out))
