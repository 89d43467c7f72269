"""What every command shares: JSON to stdout and the error console (both cheap to import)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


def print_json(data: Any) -> None:
    """The JSON contract on stdout: indented, UTF-8 kept, dates as ISO strings."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def err_console() -> Console:
    """A Rich console on stderr, built only when there is something to say."""
    from rich.console import Console

    return Console(stderr=True)


def check_output_path(path: Path, option: str) -> None:
    """Refuse an output path before any work is done: a missing folder is the user's typo (exit 2), not an
    internal error after a long computation. Every command with an output path calls this first."""
    from oligoboard.errors import InputError, Problem

    if path.is_dir():
        raise InputError(
            f"{option} {path}: is a folder", [Problem(option, "is a folder", expected="a file path")]
        )
    if not path.parent.is_dir():
        raise InputError(
            f"{option} {path}: the folder {path.parent} does not exist",
            [Problem(option, "folder does not exist", expected="a file in an existing folder")],
        )


#: Help and usage errors in click's plain format. Typer's Rich help imports rich.markdown and markdown-it
#: (~160 ms measured on the 2-core machine), which alone would break the 300 ms start-up budget of `--help`.
PLAIN_HELP: None = None
