"""`oligoboard dose bed|convert`, `oligoboard dvh` and `oligoboard plan check`.

`cli.main` registers ``dose_app``, ``dvh_command`` and ``plan_app``. Invalid input raises ``InputError``;
``exit_on_input_error`` turns it into one ``error: …`` line on stderr and exit code 2, so these commands
behave the same whether or not the root CLI wraps them.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer

from oligoboard.cli._output import PLAIN_HELP
from oligoboard.errors import InputError

# Every import beyond typer happens inside the command that needs it: every `oligoboard` invocation builds
# this Typer app, and `oligoboard --help` should not pay for numpy, Rich tables or a DICOM stack.

P = ParamSpec("P")
R = TypeVar("R")


def exit_on_input_error(func: Callable[P, R]) -> Callable[P, R]:
    """Print ``error: <message>`` to stderr and exit 2 on ``InputError`` (no traceback)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            from oligoboard.report.terminal.literal import visible_lines

            print(f"error: {visible_lines(exc.render())}", file=sys.stderr)
            raise typer.Exit(2) from None

    return wrapper


dose_app = typer.Typer(
    rich_markup_mode=PLAIN_HELP,
    help="Linear-quadratic dose arithmetic (BED, EQD2, iso-effective conversion).",
    no_args_is_help=True,
)
plan_app = typer.Typer(
    rich_markup_mode=PLAIN_HELP,
    help="Check a DICOM RT plan against a protocol's constraints.",
    no_args_is_help=True,
)


@dose_app.command("bed")
@exit_on_input_error
def bed_command(
    dose: Annotated[float, typer.Option("--dose", help="Total dose (Gy).")],
    fractions: Annotated[int, typer.Option("--fractions", help="Number of fractions.")],
    alpha_beta: Annotated[float, typer.Option("--alpha-beta", help="Tissue alpha/beta (Gy).")] = 10.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """BED and EQD2 of a regimen (LQ model, no time factor)."""
    from oligoboard.dose import lq

    result = {
        "total_dose_gy": dose,
        "fractions": fractions,
        "dose_per_fraction_gy": round(dose / fractions, 6) if fractions > 0 else None,
        "alpha_beta_gy": alpha_beta,
        "bed": round(lq.bed(dose, fractions, alpha_beta), 6),
        "eqd2": round(lq.eqd2(dose, fractions, alpha_beta), 6),
        "lq_validated_range": not lq.outside_validated_range(dose, fractions),
    }
    if as_json:
        typer.echo(json.dumps(result))
        return
    typer.echo(
        f"{dose:g} Gy / {fractions} fx (α/β {alpha_beta:g} Gy): "
        f"BED {result['bed']:.2f} Gy, EQD2 {result['eqd2']:.2f} Gy"
    )
    if not result["lq_validated_range"]:
        typer.echo("note: dose per fraction > 10 Gy, outside the validated LQ range")


@dose_app.command("convert")
@exit_on_input_error
def convert_command(
    dose: Annotated[float, typer.Option("--dose", help="Total dose (Gy).")],
    fractions: Annotated[int, typer.Option("--fractions", help="Number of fractions.")],
    to_fractions: Annotated[int, typer.Option("--to-fractions", help="Fractions of the new regimen.")],
    alpha_beta: Annotated[float, typer.Option("--alpha-beta", help="Tissue alpha/beta (Gy).")] = 10.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Iso-effective total dose in another number of fractions (same BED)."""
    from oligoboard.dose import lq

    total = lq.convert(dose, fractions, to_fractions, alpha_beta)
    result = {
        "total_dose_gy": round(float(total), 6),
        "fractions": to_fractions,
        "alpha_beta_gy": alpha_beta,
        "bed": round(lq.bed(dose, fractions, alpha_beta), 6),
    }
    if as_json:
        typer.echo(json.dumps(result))
    else:
        typer.echo(
            f"{dose:g} Gy / {fractions} fx ≡ {result['total_dose_gy']:.2f} Gy / {to_fractions} fx "
            f"(α/β {alpha_beta:g})"
        )


@exit_on_input_error
def dvh_command(
    rtstruct: Annotated[Path, typer.Argument(help="RT Structure Set file.")],
    rtdose: Annotated[Path, typer.Argument(help="RT Dose file.")],
    structure: Annotated[
        list[str] | None, typer.Option("--structure", help="Structure name (repeatable).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    csv_path: Annotated[
        Path | None, typer.Option("--csv", help="Write cumulative DVHs (0.01 Gy bins) here.")
    ] = None,
) -> None:
    """Dose-volume statistics per structure from DICOM RT files."""
    import csv

    from oligoboard.cli._output import check_output_path
    from oligoboard.dose.dicom_rt import check_same_frame, read_rtdose, read_rtstruct

    if csv_path is not None:
        check_output_path(csv_path, "--csv")
    from oligoboard.dose.dvh import compute_dvhs

    structure_set, grid = read_rtstruct(rtstruct), read_rtdose(rtdose)
    check_same_frame(structure_set, grid)
    dvhs = compute_dvhs(structure_set, grid, structure or None)
    records = [d.summary() for d in dvhs]
    if csv_path is not None:
        with csv_path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["structure", "dose_gy", "volume_cc", "volume_pct"])
            for d in dvhs:
                if d.samples.dose_gy.size == 0:
                    continue
                levels, volumes = d.cumulative()
                for level, volume in zip(levels, volumes, strict=True):
                    writer.writerow(
                        [d.name, f"{level:.2f}", f"{volume:.4f}", f"{100 * volume / d.in_grid_cc:.3f}"]
                    )
    if as_json:
        typer.echo(json.dumps(records))
        return
    from rich.console import Console
    from rich.table import Table

    from oligoboard.report.terminal.literal import literal

    table = Table(title=literal(f"DVH: {rtdose.name}"))
    keys = ["volume_cc", "mean_gy", "min_gy", "max_gy", "d95_gy", "d50_gy", "d2_gy"]
    table.add_column("structure")
    for key in keys:
        table.add_column(key, justify="right")
    for record in records:
        table.add_row(
            literal(record["name"]), *("—" if record[k] is None else f"{record[k]:.2f}" for k in keys)
        )
    Console().print(table)


@plan_app.command("check")
@exit_on_input_error
def plan_check_command(
    rtdose: Annotated[Path, typer.Argument(help="RT Dose file.")],
    rtstruct: Annotated[Path, typer.Argument(help="RT Structure Set file.")],
    rtplan: Annotated[Path | None, typer.Argument(help="RT Plan file (optional).")] = None,
    protocol: Annotated[
        str, typer.Option("--protocol", help="Protocol id, e.g. NCT01282450.")
    ] = "NCT01282450",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    html: Annotated[Path | None, typer.Option("--html", help="Write an HTML report here.")] = None,
) -> None:
    """Evaluate a protocol's DVH constraints: pass / within_tolerance / fail / unknown per constraint."""
    from oligoboard.cli._output import check_output_path
    from oligoboard.dose.plancheck import check_plan

    if html is not None:
        check_output_path(html, "--html")
    result = check_plan(rtdose, rtstruct, rtplan, protocol)
    if html is not None:
        from oligoboard.report.html.plan import render_plan_check_html

        html.write_text(render_plan_check_html(result), encoding="utf-8")
    if as_json:
        typer.echo(json.dumps(result.as_dict()))
    elif html is None:
        from rich.console import Console

        from oligoboard.report.terminal.dose import render_plan_check

        Console().print(render_plan_check(result))
