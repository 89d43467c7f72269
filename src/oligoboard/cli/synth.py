"""`oligoboard synth --patients N --seed S --out DIR [--sample K] [--chunk C] [--force]`: a synthetic registry.

Parquet tables in the layout of `engine/tables.py` under DIR, and K case@2 documents under DIR/cases/
that `validate` and `assess` accept. The work is `cohort.synth.run`; this module checks the options,
shows a progress bar on a terminal and prints where things went.
"""

from __future__ import annotations

import atexit
import gc
import time
from pathlib import Path
from typing import Annotated

import typer


def synth(
    patients: Annotated[int, typer.Option("--patients", help="Number of patients to generate.")],
    out: Annotated[Path, typer.Option("--out", help="Folder to create (must not exist or be empty).")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same files.")] = 0,
    sample: Annotated[int, typer.Option("--sample", help="Also write this many case JSON documents.")] = 0,
    chunk: Annotated[
        int, typer.Option("--chunk", help="Patients per Parquet file (bounds memory).")
    ] = 100_000,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing OUT once the new cohort is complete.")
    ] = False,
) -> None:
    """Write a synthetic stage-IV NSCLC cohort as Parquet tables, plus sample case documents."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from oligoboard.cli.batch import stderr_is_terminal
    from oligoboard.cohort.columns import MAX_PATIENTS
    from oligoboard.cohort.synth import run
    from oligoboard.errors import InputError
    from oligoboard.report.terminal.literal import visible

    if patients < 1 or patients > MAX_PATIENTS:
        raise InputError(f"--patients: must be between 1 and {MAX_PATIENTS:,}")
    if seed < 0:
        raise InputError("--seed: must be 0 or more")
    if sample < 0 or sample > patients:
        raise InputError("--sample: must be between 0 and --patients")
    if chunk < 1:
        raise InputError("--chunk: must be at least 1")
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {visible(out)}: exists and is not a folder")
    if out.exists() and any(out.iterdir()) and not force:
        raise InputError(
            f"--out {visible(out)}: already exists and is not empty (choose a new folder or --force)"
        )
    if not out.parent.is_dir():
        raise InputError(f"--out {visible(out)}: parent folder does not exist")

    # the bar fits 80 columns: "Generating ━━━ 42% 123,456 patients/s 0:00:12 0:00:17"
    # `cli.main` freezes the heap at exit so shutdown skips collecting it; DuckDB's bindings (nanobind) then
    # find their objects alive at shutdown and print a page of "leaked instance" lines. Unfreezing at exit
    # lets the final collection free them; `synth` is not a start-up-critical command.
    atexit.register(gc.unfreeze)
    terminal = stderr_is_terminal()
    progress = Progress(
        TextColumn("Generating"),
        BarColumn(bar_width=20),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True, force_terminal=True if terminal else None),
        transient=True,
        disable=not terminal,
    )
    started = time.perf_counter()

    def advance(done: int) -> None:
        rate = done / max(time.perf_counter() - started, 1e-9)
        progress.update(task, completed=done, rate=f"{rate:,.0f} patients/s")

    with progress:
        task = progress.add_task("synth", total=patients, rate="")
        cases = run(out, patients, seed, sample=sample, chunk=chunk, force=force, on_chunk=advance)
    typer.echo(f"wrote {patients} patients to {visible(out)}")
    if cases:
        typer.echo(f"wrote {len(cases)} case documents to {visible(out / 'cases')}")
