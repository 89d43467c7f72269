"""`oligoboard serve`: the web workspace on http://127.0.0.1:8000 (SQLite file, or DATABASE_URL)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

DEMO_CASES = Path(__file__).resolve().parents[3] / "examples" / "cases"


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    db: Annotated[Path, typer.Option(help="SQLite file when DATABASE_URL is not set.")] = Path(
        "oligoboard.db"
    ),
    demo: Annotated[
        bool, typer.Option("--demo", help="Load the demo cases and create the printed demo login.")
    ] = False,
) -> None:
    """Serve the web workspace: cases, assessments, tumour boards and the audit log."""
    import uvicorn

    from oligoboard.errors import InputError
    from oligoboard.store.db import database_url, redacted, transaction
    from oligoboard.web.demo import accounts_with_demo_password, load_demo
    from oligoboard.web.main import create_app
    from oligoboard.web.security import DEMO_PASSWORD, DEMO_USER
    from oligoboard.web.settings import Settings

    url = database_url(db)
    app = create_app(Settings.from_env(url, demo=demo))
    if demo:
        stored = load_demo(app.state.factory, DEMO_CASES, with_trial=True)
        typer.echo(f"demo workspace on {redacted(url)}: {stored} demo case(s) loaded")
        typer.echo(f"open http://{host}:{port}  and sign in as  {DEMO_USER} / {DEMO_PASSWORD}")
    else:
        with transaction(app.state.factory) as session:
            weak = accounts_with_demo_password(session)
        if weak:
            raise InputError(
                f"{len(weak)} account(s) still use the public demo password ({', '.join(weak)}); "
                "start with --demo, or set another password"
            )
        typer.echo(f"workspace on {redacted(url)}: http://{host}:{port}")
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False)
