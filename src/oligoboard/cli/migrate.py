"""`oligoboard migrate CASE [--out FILE] [--force]`: write a case document in the case@2 form.

The conversion is `case.convert.upgrade_v1` (lossless; docs/case-contract.md, "From case@1"): the document
is validated first, so an invalid one is refused with every problem named (exit 2) and nothing is written.
An existing output file is never replaced without `--force`: a migration must not overwrite a record.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def migrate(
    case_path: Annotated[Path, typer.Argument(metavar="CASE", help="Case document (case@1 or case@2).")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Write here (.json, or .yaml/.yml) instead of stdout.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace --out if it exists.")] = False,
) -> None:
    """Convert a case document to case@2 (oligoboard/case@2) and print or write it."""
    import json

    from oligoboard.case.io import read_document
    from oligoboard.case.validate import case2_document
    from oligoboard.errors import InputError, Problem

    if out is not None:
        if out.exists() and not force:
            raise InputError(
                f"{out}: exists; not replaced (use --force to replace it)",
                [Problem("--out", "the file exists", expected="a new file, or --force")],
            )
        if not out.parent.is_dir():
            raise InputError(
                f"{out}: the folder does not exist",
                [Problem("--out", "no such folder", expected="a path in an existing folder")],
            )
    document = case2_document(read_document(case_path), source=str(case_path))
    if out is None:
        typer.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    if out.suffix.lower() in (".yaml", ".yml"):
        import yaml

        text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    else:
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    out.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {out}", err=True)
