"""`oligoboard answers CASE [--out F]`: a fill-in YAML of the case's open clinician attestations.

Every attested criterion of the knowledge the case has not answered yet, its key ready to paste under
`answers:` and its criterion text as a comment above it (`report.casefiles`). Without `--out` the YAML is
printed; `--out` writes a new file (refused when it exists or its folder does not: exit 2).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

OutOpt = Annotated[Path | None, typer.Option("--out", help="Write the YAML to this new file.")]


def write_text(text: str, out: Path | None) -> None:
    """Print `text`, or write it to a new file `out` (an existing file or a missing folder is exit 2)."""
    if out is None:
        typer.echo(text, nl=False)
        return
    from oligoboard.errors import InputError

    if not out.parent.is_dir():
        raise InputError(f"{out}: the folder does not exist")
    try:
        with out.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise InputError(f"{out}: the file exists; choose a new name") from None
    except OSError as exc:
        raise InputError(f"{out}: cannot write ({exc.strerror})") from None
    typer.echo(f"wrote {out}", err=True)


def answers(
    case_path: Annotated[Path, typer.Argument(metavar="CASE", help="Case document (JSON or YAML).")],
    out: OutOpt = None,
) -> None:
    """Fill-in YAML of every unanswered clinician attestation, with the criterion text."""
    from oligoboard.case.io import load_case
    from oligoboard.engine.knowledge_base import default_knowledge
    from oligoboard.report.casefiles import answers_yaml

    case = load_case(case_path)
    write_text(answers_yaml(default_knowledge(), (case.answers or {}).keys(), case_path.name), out)
