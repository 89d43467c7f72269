"""What every command shares: JSON to stdout and the error console (both cheap to import)."""

from __future__ import annotations

import json
import sys
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


#: Help and usage errors in click's plain format. Typer's Rich help imports rich.markdown and markdown-it
#: (~160 ms measured on the 2-core machine), which alone would break the 300 ms start-up budget of `--help`.
PLAIN_HELP: None = None
