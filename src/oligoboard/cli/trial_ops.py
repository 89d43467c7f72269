"""`oligoboard trial verify`: recompute every trial's allocation log chain (exit 1 at the first broken entry).

`trial` (trial operations in the workspace database) is not `trials` (the knowledge catalogue).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from oligoboard.cli._output import PLAIN_HELP

trial_app = typer.Typer(
    rich_markup_mode=PLAIN_HELP, help="Trial operations in the workspace database.", no_args_is_help=True
)


@trial_app.command("verify")
def verify(
    db: Annotated[Path, typer.Option(help="SQLite file when DATABASE_URL is not set.")] = Path(
        "oligoboard.db"
    ),
    trial: Annotated[str | None, typer.Option(help="Only this trial id (default: every trial).")] = None,
) -> None:
    """Check that no allocation or invalidation was changed, removed, reordered or skipped."""
    from oligoboard.errors import InputError, Problem
    from oligoboard.store import trial_repositories as trials
    from oligoboard.store.db import existing_database, session_factory, transaction

    engine = existing_database(db)
    with transaction(session_factory(engine)) as session:
        ids = trials.logged_trials(session)
        if trial is not None:
            if trial not in ids:
                raise InputError("unknown trial", [Problem("trial", "no allocation log for this trial id")])
            ids = [trial]
        reports = [trials.verify_log(session, t) for t in ids]
    engine.dispose()
    broken = [r for r in reports if not r.ok]
    for report in reports:
        if report.ok:
            typer.echo(f"{report.trial_id}: allocation log intact, {report.entries} entr(ies)")
        else:
            typer.echo(f"{report.trial_id}: BROKEN at {report.first_broken}", err=True)
    if broken:
        raise typer.Exit(1)
    if not reports:
        typer.echo("no trial has an allocation log yet")
