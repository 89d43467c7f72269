"""`oligoboard assess CASE [--json]`: the full assessment of one case."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from oligoboard.cli._output import print_json


def assess(
    case_path: Annotated[Path, typer.Argument(metavar="CASE", help="Case document (JSON or YAML).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON contract.")] = False,
) -> None:
    """Full assessment of one case: disease state, recommendations, trials, radiotherapy checks."""
    from oligoboard.assessment import assess as run_assessment
    from oligoboard.case.io import load_case
    from oligoboard.engine.runner import Engine

    case = load_case(case_path)
    out = run_assessment(case, Engine())
    if as_json:
        print_json(out)
        return
    from rich.console import Console

    from oligoboard.report.terminal.assessment import render_assessment

    render_assessment(Console(), out)
