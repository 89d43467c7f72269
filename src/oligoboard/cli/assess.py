"""`oligoboard assess CASE [--json | --full] [--sources]`: one case; `DIR|FILES… --jsonl|--csv`: a batch.

The default view is the clinician's one screen (`report.terminal.clinician`); `--full` prints every
criterion, table and note; `--sources` adds the citation of every verdict shown; `--json` the contract.
Several files, a folder or a batch format go to `cli.batch`: this module only dispatches.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from oligoboard.cli._output import print_json


def assess(
    case_paths: Annotated[
        list[Path],
        typer.Argument(metavar="CASE|DIR", help="Case document(s) (JSON or YAML) or folders of them."),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON contract.")] = False,
    full: Annotated[bool, typer.Option("--full", help="Every criterion, table and note.")] = False,
    sources: Annotated[bool, typer.Option("--sources", help="Add the citation of every verdict.")] = False,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="Batch: one JSON record per file.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Batch: one CSV row per file.")] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Batch: write the records here, not stdout.")
    ] = None,
) -> None:
    """Assessment of one case: disease state, recommendations, trials, radiotherapy checks.

    With --jsonl or --csv, every file given (folders: their .json/.yaml/.yml files) is assessed, one record
    per file; a file that fails gets an error record and the others go on (exit 2 if any failed).
    """
    from oligoboard.errors import InputError, Problem

    batch = jsonl or as_csv
    if jsonl and as_csv:
        raise InputError("--jsonl and --csv exclude each other", [Problem("--csv", "given with --jsonl")])
    if not batch and (len(case_paths) > 1 or case_paths[0].is_dir()):
        raise InputError(
            "several cases need a batch format",
            [Problem("--jsonl", "missing", expected="--jsonl or --csv for a folder or several files")],
        )
    if not batch and output is not None:
        raise InputError("--output is for batches", [Problem("--output", "given without --jsonl or --csv")])
    if batch:
        from oligoboard.cli.batch import run_batch

        code = run_batch(case_paths, "csv" if as_csv else "jsonl", output)
        if code:
            raise typer.Exit(code)
        return

    from oligoboard.assessment import assess as run_assessment
    from oligoboard.cli.batch import load_checked
    from oligoboard.engine.runner import Engine

    engine = Engine()
    case = load_checked(case_paths[0], engine.kb.answer_keys)
    out = run_assessment(case, engine)
    if as_json:
        print_json(out)
        return
    from rich.console import Console

    from oligoboard.report.terminal.assessment import render_report

    render_report(Console(), out, engine.kb, full=full, sources=sources)
