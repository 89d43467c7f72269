"""`oligoboard validate CASE|DIR...`: every check `assess` makes, without evaluating (issue 12).

Each file is checked and reported under its own name: `ok  FILE` on stdout, its problems on stderr;
one bad file never hides the next. Exit 2 if any file failed. The checks are `cli.batch.load_checked`,
the ones `assess` runs, answer keys included, so the two commands accept exactly the same documents.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def validate(
    case_paths: Annotated[
        list[Path],
        typer.Argument(metavar="CASE|DIR", help="Case documents, or folders of them, to check."),
    ],
) -> None:
    """Check case documents as `assess` would; report every problem with its file and field path."""
    from oligoboard.cli.batch import expand_inputs, load_checked
    from oligoboard.engine.cache import default_answer_keys
    from oligoboard.errors import InputError
    from oligoboard.report.terminal.literal import visible, visible_lines

    files = expand_inputs(case_paths)
    answer_keys = default_answer_keys()  # from the cache file, without the knowledge specs
    failed = 0
    for path in files:
        try:
            load_checked(path, answer_keys)
        except InputError as exc:
            failed += 1
            from rich.console import Console  # only when there is a problem to show (start-up: ~25 ms)
            from rich.text import Text

            stderr = Console(stderr=True, highlight=False, soft_wrap=True)
            stderr.print(Text("error: ", style="bold red") + Text(visible_lines(exc.render())))
            continue
        typer.echo(f"ok  {visible(path)}")
    if failed:
        raise InputError(f"{failed} of {len(files)} case document(s) invalid")
