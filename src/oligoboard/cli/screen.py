"""`oligoboard screen COHORT --out DIR [--engine duckdb|spark] [--chunk-patients N] [--memory-limit M]`.

Bulk screening of a registry (issue 14): every rule set over every patient, where the data is. COHORT is a
folder in the table layout (`oligoboard synth`, docs/cohort.md) or a folder of case JSON/YAML files, which
is converted first by a streaming loader with the checks `assess` makes. The work is
`cohort.screen.Screening`; this module checks options, draws the progress bar (patients/s) on a terminal and
maps Ctrl-C to exit 130 with nothing written.
"""

from __future__ import annotations

import atexit
import gc
import os
import shutil
import signal
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.progress import TaskID

ENGINES = ("duckdb", "spark")


def screen(
    cohort: Annotated[
        Path, typer.Argument(help="Cohort folder: Parquet/CSV tables, or case JSON/YAML files.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Result folder to create (must not exist).")],
    engine: Annotated[str, typer.Option("--engine", help="duckdb (this machine) or spark.")] = "duckdb",
    chunk_patients: Annotated[
        int, typer.Option("--chunk-patients", help="Patients per id-range chunk (bounds memory).")
    ] = 1_000_000,
    memory_limit: Annotated[
        str | None, typer.Option("--memory-limit", help="DuckDB memory limit, e.g. 6GB (spills beyond).")
    ] = None,
    master: Annotated[str | None, typer.Option("--master", help="Spark master URL (--engine spark).")] = None,
) -> None:
    """Screen every patient of a registry against every trial and recommendation; results as Parquet."""
    from oligoboard.errors import InputError
    from oligoboard.report.terminal.literal import visible

    if engine not in ENGINES:
        raise InputError(f"--engine: must be one of {', '.join(ENGINES)}")
    if chunk_patients < 1:
        raise InputError("--chunk-patients: must be at least 1")
    if memory_limit is not None and not memory_limit.strip().replace(".", "").isalnum():
        raise InputError("--memory-limit: a size such as 6GB or 800MB")
    if out.exists():
        raise InputError(f"--out {visible(out)}: already exists (choose a new folder)")
    if not out.parent.is_dir():
        raise InputError(f"--out {visible(out)}: parent folder does not exist")
    if not cohort.is_dir():
        raise InputError(f"{visible(cohort)}: not a folder (a cohort is a folder of tables or case files)")
    # as in `synth`: DuckDB's bindings report leaks at exit when the heap stays frozen (cli.main)
    atexit.register(gc.unfreeze)
    previous = signal.signal(signal.SIGTERM, _terminate)  # `kill PID` cleans up like Ctrl-C
    try:
        code = _screen(cohort, out, engine, chunk_patients, memory_limit, master)
    except KeyboardInterrupt:
        code = _cancelled()
    finally:
        signal.signal(signal.SIGTERM, previous)
    if code:
        raise typer.Exit(code)


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _cancelled() -> int:
    typer.echo("cancelled: the screening was stopped, nothing was written", err=True)
    return 130


def _screen(
    cohort: Path, out: Path, engine: str, chunk: int, memory_limit: str | None, master: str | None
) -> int:
    import time

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from oligoboard.cli.batch import load_checked, stderr_is_terminal
    from oligoboard.cohort import convert
    from oligoboard.cohort.manifest import files_hash
    from oligoboard.cohort.screen import Cancelled, Screening
    from oligoboard.cohort.sources import discover
    from oligoboard.engine.runner import Engine
    from oligoboard.errors import InputError
    from oligoboard.report.terminal.literal import visible

    terminal = stderr_is_terminal()
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=Console(stderr=True, force_terminal=True if terminal else None),
        transient=True,
        disable=not terminal,
    )
    eng = Engine()
    started = time.perf_counter()

    def advance(task: TaskID) -> Callable[[int, int], None]:
        def update(done: int, total: int) -> None:
            rate = done / max(time.perf_counter() - started, 1e-9)
            progress.update(task, completed=done, total=total, rate=f"{rate:,.0f} patients/s")

        return update

    tables = cohort
    converted: Path | None = None
    source_hash = None
    in_tables = any((cohort / name).exists() for name in ("patients", "patients.parquet", "patients.csv"))
    documents: list[Path] = [] if in_tables else convert.case_files(cohort)
    try:
        with progress:
            if documents:
                converted = out.parent / f".{out.name}.tables-{os.getpid()}"
                shutil.rmtree(converted, ignore_errors=True)
                converted.mkdir()
                task = progress.add_task("Reading cases", total=len(documents), rate="")
                keys = eng.kb.answer_keys
                convert.convert(
                    documents,
                    converted,
                    lambda p: load_checked(p, keys),
                    on_chunk=advance(task),
                )
                source_hash = files_hash(cohort, documents)
                tables = converted
            else:
                discover(cohort)  # a folder that is neither: the table layout's error names what is missing
            task = progress.add_task("Screening", total=None, rate="")
            screening = Screening(
                eng.kb,
                eng.statement,
                chunk_patients=chunk,
                memory_limit=memory_limit,
                on_progress=advance(task),
            )
            manifest = screening.run(
                tables, out, engine=engine, master=master, source_hash=source_hash, source_name=cohort.name
            )
    except Cancelled:
        return _cancelled()
    except InputError:
        raise
    finally:
        if converted is not None:
            shutil.rmtree(converted, ignore_errors=True)
    counts = manifest.counts
    seconds = manifest.seconds or 0.0
    excluded = counts["input"] - counts["screened"]
    typer.echo(
        f"screened {counts['screened']:,} of {counts['input']:,} patients"
        + (f" ({excluded:,} excluded for data quality)" if excluded else "")
        + f" in {seconds:.1f} s ({counts['screened'] / max(seconds, 1e-9):,.0f} patients/s)"
    )
    typer.echo(f"wrote results to {visible(out)} (manifest.json describes every column)")
    return 0
