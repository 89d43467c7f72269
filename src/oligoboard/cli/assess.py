"""`oligoboard assess CASE [--json | --full] [--sources]`: the assessment of one case.

The default view is the clinician's one screen (`report.terminal.clinician`); `--full` prints every
criterion, table and note; `--sources` adds the citation of every verdict shown; `--json` the contract.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from oligoboard.cli._output import print_json


def assess(
    case_path: Annotated[Path, typer.Argument(metavar="CASE", help="Case document (JSON or YAML).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON contract.")] = False,
    full: Annotated[bool, typer.Option("--full", help="Every criterion, table and note.")] = False,
    sources: Annotated[bool, typer.Option("--sources", help="Add the citation of every verdict.")] = False,
) -> None:
    """Assessment of one case: disease state, recommendations, trials, radiotherapy checks."""
    from oligoboard.assessment import assess as run_assessment
    from oligoboard.case.io import load_case
    from oligoboard.engine.runner import Engine

    case = load_case(case_path)
    engine = Engine()
    out = run_assessment(case, engine)
    if as_json:
        print_json(out)
        return
    from rich.console import Console

    from oligoboard.report.terminal.assessment import render_report

    render_report(Console(), out, engine.kb, full=full, sources=sources)
