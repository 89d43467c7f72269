"""`oligoboard audit verify`: recompute the audit log's hash chain (exit 1 when it is broken)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from oligoboard.cli._output import PLAIN_HELP

audit_app = typer.Typer(rich_markup_mode=PLAIN_HELP, help="The workspace's audit log.", no_args_is_help=True)


@audit_app.command("verify")
def verify(
    db: Annotated[Path, typer.Option(help="SQLite file when DATABASE_URL is not set.")] = Path(
        "oligoboard.db"
    ),
) -> None:
    """Check that no audit event was changed, removed or reordered since it was written."""
    from oligoboard.store import audit
    from oligoboard.store.db import existing_database, session_factory, transaction

    engine = existing_database(db)
    with transaction(session_factory(engine)) as session:
        report = audit.verify(session)
    if not report.ok:
        for problem in report.problems:
            typer.echo(f"broken: {problem}", err=True)
        typer.echo(
            f"audit chain BROKEN: {len(report.problems)} problem(s) in {report.events} event(s)", err=True
        )
        raise typer.Exit(1)
    typer.echo(f"audit chain intact: {report.events} event(s)")
