"""`oligoboard funnel OUT [--trial ID]… [--order A,B,…] [--without CRITERION]… [--overlap ID] [--html F] [--png F]`.

Feasibility funnels of a screening result folder (`oligoboard screen`), recomputed from its stored bitmasks
only (`cohort.funnel`): any order, a what-if with criteria switched off, the overlap of two trials. Warns
when the knowledge changed after the results were screened.
"""

from __future__ import annotations

import atexit
import gc
from pathlib import Path
from typing import Annotated

import typer


def funnel(
    out: Annotated[Path, typer.Argument(help="A result folder written by `oligoboard screen`.")],
    trial: Annotated[
        list[str] | None, typer.Option("--trial", help="Trial id (repeat for several; default: every trial).")
    ] = None,
    order: Annotated[
        str | None,
        typer.Option("--order", help="Criterion ids, comma-separated, to count first (one trial)."),
    ] = None,
    without: Annotated[
        list[str] | None, typer.Option("--without", help="What-if: leave this criterion out (one trial).")
    ] = None,
    overlap: Annotated[
        str | None,
        typer.Option("--overlap", help="Another trial id: patients by status in both (one --trial)."),
    ] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Also write an HTML page with the chart.")
    ] = None,
    png: Annotated[
        Path | None, typer.Option("--png", help="Also write the chart as PNG (one trial).")
    ] = None,
) -> None:
    """Attrition per trial in protocol order: met, not met and unknown at every step, from stored results."""
    from rich.console import Console

    from oligoboard.cli._output import check_output_path
    from oligoboard.cohort.funnel import Results, compute
    from oligoboard.cohort.funnel import overlap as overlap_of
    from oligoboard.errors import InputError
    from oligoboard.report.cohort.terminal import render_funnel, render_overlap, render_stale
    from oligoboard.report.terminal.literal import visible

    for path, option in ((html, "--html"), (png, "--png")):
        if path is not None:
            check_output_path(path, option)
    if not out.is_dir():
        raise InputError(f"{visible(out)}: not a folder (give the --out folder of `oligoboard screen`)")
    atexit.register(gc.unfreeze)  # DuckDB's bindings and a frozen heap (see cli/synth.py)
    results = Results(out)
    try:
        manifest = results.manifest
        chosen = list(dict.fromkeys(trial or [t.id for t in manifest.trials]))
        single = len(chosen) == 1
        if (order or without or overlap or png) and not single:
            raise InputError("--order, --without, --overlap and --png need exactly one --trial")
        console = Console(width=80, highlight=False)
        stale = _stale_message(manifest.knowledge_hash, manifest.knowledge_version)
        if stale is not None:
            Console(stderr=True, width=80).print(render_stale(manifest.knowledge_version, stale))
        steps = [s.strip() for s in order.split(",") if s.strip()] if order else None
        funnels = [
            compute(manifest, t, results.histogram(t), order=steps, without=without or ()) for t in chosen
        ]
        for i, f in enumerate(funnels):
            if i:
                console.print()
            console.print(render_funnel(f))
        view = None
        if overlap is not None:
            view = overlap_of(manifest, chosen[0], overlap, results.joint(chosen[0], overlap))
            console.print()
            console.print(render_overlap(view))
    finally:
        results.close()
    if html is not None:
        from oligoboard.atomic_write import write_text_atomically
        from oligoboard.report.cohort.html import render_funnel_html

        warning = None if stale is None else render_stale(manifest.knowledge_version, stale).plain
        write_text_atomically(html, render_funnel_html(manifest, funnels, view, warning))
        typer.echo(f"wrote {visible(html)}", err=True)
    if png is not None:
        from oligoboard.report.cohort.chart import write_png

        write_png(funnels[0], png)
        typer.echo(f"wrote {visible(png)}", err=True)


def _stale_message(results_hash: str, results_version: str) -> str | None:
    """The current knowledge version when it differs from the one the results were screened with."""
    from oligoboard.engine.runner import Engine

    kb = Engine().kb
    return None if kb.content_hash == results_hash else kb.full_version
