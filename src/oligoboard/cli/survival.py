"""`oligoboard survival DATA.csv --time COL --event COL [--group COL] [--at 12,24,36] [--json]`.

Prints the median with CI, S(t) at the requested times, the log-rank χ² and p and the Cox hazard ratios
(Efron ties) by group, the median follow-up (reverse KM) and, with `--tau`, the RMST; `--plot KM.png|svg`
writes the Kaplan–Meier plot (temp file, then renamed: never half-written). Bad input (a negative time,
an event other than 0/1, a missing column) is exit 2 naming the column and row (`trial/survival/data.py`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

# lifelines, matplotlib and Rich are imported inside the command (start-up time: see cli/main.py).


def _times(text: str) -> list[float]:
    import math

    from oligoboard.errors import InputError, Problem

    out: list[float] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            value = float(part)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < 0:
            raise InputError(
                "--at: not a list of times ≥ 0", [Problem("--at", "not a time ≥ 0", "e.g. 12,24,36")]
            )
        out.append(value)
    return out


def survival(
    data: Annotated[Path, typer.Argument(help="CSV file with a header line, one subject per row.")],
    time: Annotated[str, typer.Option("--time", help="Column with the follow-up time (≥ 0).")],
    event: Annotated[
        str, typer.Option("--event", help="Column with the event indicator (1 event, 0 censored).")
    ],
    group: Annotated[
        str | None, typer.Option("--group", help="Column with the arm/group (log-rank, Cox).")
    ] = None,
    at: Annotated[
        str, typer.Option("--at", help="Times for S(t), comma-separated, in the data's unit.")
    ] = "",
    tau: Annotated[
        float | None, typer.Option("--tau", help="Horizon for the restricted mean survival time.")
    ] = None,
    reference: Annotated[
        str | None, typer.Option("--reference", help="Reference group of the Cox model.")
    ] = None,
    ci: Annotated[
        str, typer.Option("--ci", help="CI transform: log-log (lifelines default) or log (R default).")
    ] = "log-log",
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit", help="Time unit of the data (days, weeks, months, years): adds S at 1, 2, 3 years."
        ),
    ] = None,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Write the KM plot to this .png or .svg file.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Kaplan-Meier, log-rank, Cox (Efron ties) and RMST of one time-to-event column."""
    from oligoboard.cli._output import check_output_path, print_json
    from oligoboard.errors import InputError, Problem
    from oligoboard.trial.survival.data import read_survival_csv
    from oligoboard.trial.survival.summary import curves, summarise

    if ci not in ("log-log", "log"):
        raise InputError("--ci: unknown CI transform", [Problem("--ci", "unknown", "log-log or log")])
    if plot is not None:
        check_output_path(plot, "--plot")
        if plot.suffix.lower() not in (".png", ".svg"):
            raise InputError(
                "--plot: the file must end in .png or .svg",
                [Problem("--plot", "unknown image type", ".png or .svg")],
            )
    if unit is not None and unit not in ("days", "weeks", "months", "years"):
        raise InputError(
            "--unit: unknown time unit", [Problem("--unit", "unknown", "days, weeks, months or years")]
        )
    times = _times(at)
    sample = read_survival_csv(data, time=time, event=event, group=group)
    summary = summarise(sample, at=times, tau=tau, ci_method=ci, reference=reference, unit=unit)  # type: ignore[arg-type]
    if plot is not None:
        from oligoboard.atomic_write import write_bytes_atomically
        from oligoboard.report.trial.km_plot import render_km_plot

        fmt = plot.suffix.lower().lstrip(".")
        image = render_km_plot(curves(sample, ci_method=ci), fmt=fmt, time_label=time)  # type: ignore[arg-type]
        write_bytes_atomically(plot, image)
    if json_out:
        print_json(summary)
        return
    from rich.console import Console

    from oligoboard.report.trial.tables import survival_tables

    console = Console()
    for part in survival_tables(summary):
        console.print(part)
