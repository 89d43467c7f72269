"""Whole files or nothing: every output file goes through a temporary sibling and a rename.

Why one helper: house rule 5 (never a half-written record) applies to every file a command writes; a
reader, or a user who pressed Ctrl-C, sees the old file or the new one, never part of one. The temporary
file lives in the target's folder so the rename stays on one file system, and it is removed on failure.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary sibling and `os.replace`."""
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_text_atomically(path: Path, text: str) -> None:
    """UTF-8 `text` to `path`, whole or not at all."""
    write_bytes_atomically(path, text.encode("utf-8"))
