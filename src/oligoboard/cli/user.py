"""`oligoboard user add|list`: accounts of the web workspace (argon2id-hashed passwords)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from oligoboard.cli._output import PLAIN_HELP

user_app = typer.Typer(
    rich_markup_mode=PLAIN_HELP, help="Accounts of the web workspace.", no_args_is_help=True
)

DB_OPTION = typer.Option(help="SQLite file when DATABASE_URL is not set.")


@user_app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="User name (letters, digits, . _ -).")],
    role: Annotated[str, typer.Option(help="admin, clinician, coordinator, physicist or viewer.")] = "viewer",
    password: Annotated[
        str,
        typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, help="At least 10 characters."),
    ] = "",
    db: Annotated[Path, DB_OPTION] = Path("oligoboard.db"),
) -> None:
    """Create an account; the password is prompted for (or read from --password)."""
    import re

    from oligoboard.errors import InputError, Problem
    from oligoboard.store import repositories as repo
    from oligoboard.store.db import database_url, make_engine, session_factory, transaction, upgrade
    from oligoboard.web.security import hash_password, password_problem

    problems = []
    if not re.fullmatch(r"[A-Za-z0-9._-]{1,64}", username):
        problems.append(Problem("username", "use 1-64 letters, digits, '.', '_' or '-'"))
    if role not in repo.ROLES:
        problems.append(Problem("role", "unknown role", expected=", ".join(repo.ROLES)))
    why = password_problem(password)
    if why:
        problems.append(Problem("password", why))
    if problems:
        raise InputError("cannot add the user", problems)
    engine = make_engine(database_url(db))
    upgrade(engine)
    try:
        with transaction(session_factory(engine)) as session:
            repo.add_user(session, username, hash_password(password), role, actor="cli")
    except repo.StoreError as exc:
        raise InputError(str(exc), [Problem("username", str(exc))]) from None
    typer.echo(f"added {username} ({role})")


@user_app.command("list")
def list_users(db: Annotated[Path, DB_OPTION] = Path("oligoboard.db")) -> None:
    """List the accounts and their roles."""
    from oligoboard.store import repositories as repo
    from oligoboard.store.db import database_url, make_engine, session_factory, transaction, upgrade

    engine = make_engine(database_url(db))
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        for user in repo.list_users(session):
            typer.echo(f"{user.username:<24} {user.role:<12} {'active' if user.active else 'inactive'}")
