"""`oligoboard trials list | show ID | compare`: the trial catalogue (mounted by the root CLI)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from oligoboard.engine.knowledge_base import default_knowledge
from oligoboard.errors import OligoboardError
from oligoboard.trials.catalogue import comparison_table
from oligoboard.trials.metadata import TrialCard, trial_cards

trials_app = typer.Typer(
    help="The trial catalogue: list, show one trial, compare them.", no_args_is_help=True
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
RecruitingOpt = Annotated[bool, typer.Option("--recruiting", help="Only trials flagged recruiting: true.")]


def _cards() -> list[TrialCard]:
    try:
        return trial_cards(default_knowledge())
    except OligoboardError as exc:
        typer.echo(exc.render(), err=True)
        raise typer.Exit(1) from None


@trials_app.command("list")
def list_trials(json_out: JsonOpt = False, recruiting: RecruitingOpt = False) -> None:
    """Every trial in the catalogue with phase, status, setting and criteria version."""
    cards = [c for c in _cards() if c.info.recruiting or not recruiting]
    if json_out:
        rows = [
            {
                "id": c.id,
                "acronym": c.info.acronym,
                "title": c.short_title,
                "phase": c.info.phase,
                "status": c.info.status,
                "recruiting": c.info.recruiting,
                "setting": list(c.info.setting),
                "version": c.version,
                "date": c.date,
            }
            for c in cards
        ]
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    table = Table(title="Trial catalogue")
    for col in ("id", "acronym", "phase", "recruiting", "setting", "criteria version (date)"):
        table.add_column(col)
    for c in cards:
        table.add_row(
            c.id,
            c.info.acronym or "",
            c.info.phase,
            "yes" if c.info.recruiting else "closed",
            "\n".join(c.info.setting),
            f"{c.version} ({c.date})",
        )
    Console().print(table)


@trials_app.command("show")
def show_trial(
    trial_id: Annotated[str, typer.Argument(help="Registry id, e.g. NCT06114108.")], json_out: JsonOpt = False
) -> None:
    """One trial: criteria (number, text, rule, source), arms and doses, endpoints, version."""
    kb = default_knowledge()
    cards = {c.id: c for c in _cards()}
    card = cards.get(trial_id.upper())
    if card is None:
        typer.echo(f"unknown trial {trial_id!r}; known: {', '.join(sorted(cards))}", err=True)
        raise typer.Exit(2)
    rs = kb.rule_set(card.id)
    criteria = [
        {
            "id": c.spec.id,
            "number": c.spec.info.number or "",
            "kind": c.spec.kind,
            "text": c.spec.text,
            "rule": "attested (clinician answers " + (c.answer_key or "") + ")"
            if c.spec.attested
            else c.spec.sql,
            "counts": c.spec.counts,
            "recoverable": c.spec.recoverable,
            "verified": c.spec.verified,
            "source": c.spec.source,
        }
        for c in rs.criteria
    ]
    if json_out:
        doc: dict[str, object] = {
            "id": card.id,
            "title": card.title,
            "version": card.version,
            "date": card.date,
            "source": card.source,
        }
        doc.update(card.info.model_dump())
        doc["criteria"] = criteria
        typer.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    console = Console()
    info = card.info
    console.print(f"[bold]{card.label}[/bold] — {card.title}")
    console.print(f"criteria version: {card.version} ({card.date}); source: {card.source}")
    console.print(
        f"sponsor: {info.sponsor}; phase {info.phase}; {info.design}; randomisation {info.randomisation}"
    )
    console.print(f"accrual: {info.accrual.label()}; status: {info.status}; recruiting: {info.recruiting}")
    console.print(f"setting: {', '.join(info.setting)}; counting: {info.counting}")
    for conflict in info.conflicts:
        console.print(f"[yellow]conflict:[/yellow] {conflict}")
    arms = Table(title="Arms")
    for col in ("arm", "treatment", "radiotherapy dose / fractionation"):
        arms.add_column(col)
    for arm in info.arms:
        arms.add_row(arm.name, arm.description, arm.rt or "—")
    console.print(arms)
    console.print(f"primary endpoint(s): {'; '.join(info.endpoints.primary)}")
    if info.endpoints.secondary:
        console.print(f"secondary: {'; '.join(info.endpoints.secondary)}")
    if info.result:
        console.print(f"published result: {info.result}")
    table = Table(title="Eligibility criteria", show_lines=True)
    for col in ("#", "kind", "criterion", "rule", "recoverable", "source"):
        table.add_column(col)
    for c in criteria:
        flag = "" if c["verified"] else " [unverified]"
        table.add_row(
            str(c["number"]),
            str(c["kind"]),
            str(c["text"]) + flag,
            str(c["rule"]),
            {True: "yes", False: "no", None: "?"}[c["recoverable"]],  # type: ignore[index]
            str(c["source"]),
        )
    console.print(table)


@trials_app.command("compare")
def compare_trials(json_out: JsonOpt = False, recruiting: RecruitingOpt = False) -> None:
    """Comparison table of the catalogue: setting, N, design, RT dose, primary endpoint, result."""
    rows = comparison_table(_cards(), recruiting_only=recruiting)
    if json_out:
        typer.echo(json.dumps([r.as_dict() for r in rows], indent=2, ensure_ascii=False))
        return
    table = Table(title="Trial comparison", show_lines=True)
    for col in ("trial", "setting", "N", "design", "RT dose", "primary endpoint", "result"):
        table.add_column(col)
    for r in rows:
        name = f"{r.id}\n{r.acronym}" if r.acronym else r.id
        table.add_row(name, r.setting, r.n, r.design, r.rt_dose, r.primary_endpoint, r.result)
    Console(width=200).print(table)
