"""`oligoboard qol score --instrument qlq-c30|qlq-lc13 ITEMS.csv [--json]` (mounted by `cli.main`).

One JSON object per row (`null` where a scale is not scoreable), or Rich tables. A bad response is exit 2
naming the row and item, never the value (`trial/qol/items.py`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from oligoboard.cli._output import PLAIN_HELP

# Scoring, the CSV reader and Rich are imported inside the command (start-up time: see cli/main.py).

qol_app = typer.Typer(
    rich_markup_mode=PLAIN_HELP,
    help="Patient-reported outcomes: score EORTC QLQ-C30 / QLQ-LC13 item responses.",
    no_args_is_help=True,
)


@qol_app.command("score")
def score(
    items: Annotated[Path, typer.Argument(help="CSV with one respondent per row, item columns q1, q2, ...")],
    instrument: Annotated[str, typer.Option("--instrument", help="qlq-c30 or qlq-lc13.")] = "qlq-c30",
    json_out: Annotated[bool, typer.Option("--json", help="One JSON object per row.")] = False,
) -> None:
    """Scale scores 0-100 by the EORTC scoring manual (half rule for missing items)."""
    from oligoboard.cli._output import print_json
    from oligoboard.errors import InputError, Problem
    from oligoboard.trial.qol.items import INSTRUMENTS, read_items_csv, scale_names, score_row

    chosen = instrument.strip().lower()
    if chosen not in INSTRUMENTS:
        raise InputError(
            "--instrument: unknown instrument",
            [Problem("--instrument", "unknown instrument", " or ".join(INSTRUMENTS))],
        )
    rows = [score_row(row, chosen) for row in read_items_csv(items, chosen)]
    if json_out:
        print_json(rows)
        return
    from rich.console import Console

    from oligoboard.report.trial.tables import qol_tables

    console = Console()
    for table in qol_tables(rows, scale_names(chosen), chosen):
        console.print(table)
