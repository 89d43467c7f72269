"""`oligoboard guidelines`: list every encoded recommendation with grade and source, or show one."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from oligoboard.cli._output import PLAIN_HELP

# The knowledge base and Rich are imported inside the commands (start-up time: see cli/main.py).

guidelines_app = typer.Typer(
    rich_markup_mode=PLAIN_HELP,
    name="guidelines",
    help="Guideline recommendations encoded in the knowledge base (DLCG 2025, ASTRO/ESTRO 2023).",
    invoke_without_command=True,
    no_args_is_help=False,
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@guidelines_app.callback()
def list_recommendations(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """List every encoded recommendation with its grade (as printed) and source."""
    if ctx.invoked_subcommand is not None:
        return
    from oligoboard.engine.knowledge_base import default_knowledge
    from oligoboard.guidelines.catalogue import encoded_recommendations

    items = encoded_recommendations(default_knowledge())
    if as_json:
        typer.echo(json.dumps([i.as_dict() for i in items], ensure_ascii=False, indent=2))
        return
    from rich.console import Console

    from oligoboard.report.terminal.guidelines import render_catalogue

    Console().print(render_catalogue(items))


@guidelines_app.command("show")
def show_recommendation(
    recommendation_id: Annotated[str, typer.Argument(help="e.g. dlcg-2025-4")],
    as_json: JsonFlag = False,
) -> None:
    """Show one recommendation: Danish text, English rendering, grades per part, source."""
    from oligoboard.engine.knowledge_base import default_knowledge
    from oligoboard.guidelines.catalogue import encoded_recommendations

    items = {i.id: i for i in encoded_recommendations(default_knowledge())}
    rec = items.get(recommendation_id)
    if rec is None:
        typer.echo(
            f"Unknown recommendation {recommendation_id!r}; expected one of: {', '.join(items)}", err=True
        )
        raise typer.Exit(2)
    if as_json:
        typer.echo(json.dumps(rec.as_dict() | {"grades": list(rec.grades)}, ensure_ascii=False, indent=2))
        return
    from rich.console import Console

    from oligoboard.report.terminal.guidelines import render_recommendation

    Console().print(render_recommendation(rec))
