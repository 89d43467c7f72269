"""`oligoboard validate CASE...`: check case documents against the contract (no knowledge, no engine)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def validate(
    case_paths: Annotated[list[Path], typer.Argument(metavar="CASE...", help="Case documents to check.")],
) -> None:
    """Check case documents against the contract; report every problem with its field path."""
    from oligoboard.case.io import load_case
    from oligoboard.errors import InputError, OligoboardError

    failures: list[OligoboardError] = []
    for path in case_paths:
        try:
            load_case(path)
            typer.echo(f"ok  {path}")
        except InputError as exc:
            failures.append(exc)
    if failures:
        raise InputError(
            f"{len(failures)} invalid case document(s)", [p for f in failures for p in f.problems]
        ) from (failures[0])
