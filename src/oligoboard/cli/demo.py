"""`oligoboard demo`: assess every demo case in one DuckDB batch and print a summary table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

EXAMPLES_DIR = Path(__file__).resolve().parents[3] / "examples" / "cases"


def demo(
    directory: Annotated[Path, typer.Option(help="Folder of demo cases.")] = EXAMPLES_DIR,
) -> None:
    """Assess every demo case on embedded defaults (DuckDB in memory) and print a summary."""
    from rich.console import Console
    from rich.progress import track

    from oligoboard.assessment import assemble
    from oligoboard.cli._output import err_console
    from oligoboard.cli.batch import load_checked, unique_ids
    from oligoboard.engine.runner import Engine
    from oligoboard.errors import InputError
    from oligoboard.report.terminal.demo import render_demo_summary

    files = sorted(p for p in directory.glob("*") if p.suffix in (".json", ".yaml", ".yml"))
    if not files:
        raise InputError(f"{directory}: no demo cases found")
    engine = Engine()
    cases = [
        load_checked(p, engine.kb.answer_keys)
        for p in track(files, description="Reading demo cases", console=err_console(), transient=True)
    ]
    unique_ids(files, cases)
    results = engine.evaluate(cases, backend="duckdb")  # one batch on DuckDB in memory, the embedded default
    outputs = [assemble(case, result, engine.kb) for case, result in zip(cases, results, strict=True)]
    console = Console()
    console.print(f"knowledge {engine.kb.full_version}", style="dim")
    console.print(render_demo_summary(outputs, engine.kb))
    from rich.text import Text

    example = files[0].resolve()  # a row's label is its file name without `demo-`, hyphens as spaces
    shown = example.relative_to(Path.cwd()) if example.is_relative_to(Path.cwd()) else example
    console.print(Text(f"Details: oligoboard assess {shown}  (--full, --json)"))
