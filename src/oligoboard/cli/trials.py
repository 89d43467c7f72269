"""`oligoboard trials list | show ID | compare`: the trial catalogue (mounted by `cli.main`)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from oligoboard.cli._output import PLAIN_HELP

if TYPE_CHECKING:
    from oligoboard.trials.metadata import TrialCard

# The knowledge base and Rich are imported inside the commands (start-up time: see cli/main.py).

trials_app = typer.Typer(
    rich_markup_mode=PLAIN_HELP,
    help="The trial catalogue: list, show one trial, compare them.",
    no_args_is_help=True,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
RecruitingOpt = Annotated[bool, typer.Option("--recruiting", help="Only trials flagged recruiting: true.")]


def _cards() -> list[TrialCard]:
    from oligoboard.engine.knowledge_base import default_knowledge
    from oligoboard.errors import OligoboardError
    from oligoboard.trials.metadata import trial_cards

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
    from rich.console import Console

    from oligoboard.report.terminal.trials import render_catalogue

    Console().print(render_catalogue(cards))


@trials_app.command("show")
def show_trial(
    trial_id: Annotated[str, typer.Argument(help="Registry id, e.g. NCT06114108.")], json_out: JsonOpt = False
) -> None:
    """One trial: criteria (number, text, rule, source), arms and doses, endpoints, version."""
    from oligoboard.engine.knowledge_base import default_knowledge
    from oligoboard.trials.catalogue import criteria_rows

    kb = default_knowledge()
    cards = {c.id: c for c in _cards()}
    card = cards.get(trial_id.upper())
    if card is None:
        typer.echo(f"unknown trial {trial_id!r}; known: {', '.join(sorted(cards))}", err=True)
        raise typer.Exit(2)
    criteria = criteria_rows(kb.rule_set(card.id))
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
    from rich.console import Console

    from oligoboard.report.terminal.trials import render_trial

    console = Console()
    for renderable in render_trial(card, criteria):
        console.print(renderable)


@trials_app.command("compare")
def compare_trials(json_out: JsonOpt = False, recruiting: RecruitingOpt = False) -> None:
    """Comparison table of the catalogue: setting, N, design, RT dose, primary endpoint, result."""
    from oligoboard.trials.catalogue import comparison_table

    rows = comparison_table(_cards(), recruiting_only=recruiting)
    if json_out:
        typer.echo(json.dumps([r.as_dict() for r in rows], indent=2, ensure_ascii=False))
        return
    from rich.console import Console

    from oligoboard.report.terminal.trials import render_comparison

    console = Console()  # the terminal's width (issue 12: it was hard-wired to 200 columns)
    console.print(render_comparison(rows, console.width))
