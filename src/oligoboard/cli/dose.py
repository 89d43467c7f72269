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


def _packaged_protocols() -> list[str]:
    """Protocol ids for `--help`, from the file names alone (no YAML parsed: help must stay fast)."""
    import oligoboard

    folder = Path(oligoboard.__file__).resolve().parent / "knowledge" / "radiotherapy" / "protocols"
    return sorted(p.stem for p in folder.glob("*.yaml"))


def _write(path: Path, data: str | bytes, option: str) -> None:
    """Write an output file; a missing folder or an unwritable path is exit 2 naming the option."""
    try:
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    except OSError as exc:
        from oligoboard.errors import Problem

        reason = "folder does not exist" if isinstance(exc, FileNotFoundError) else type(exc).__name__
        raise InputError(
            f"{option} {path}: cannot write ({reason})",
            problems=[Problem(option, "cannot write", found=str(path))],
        ) from None


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
    roi_number: Annotated[
        list[int] | None,
        typer.Option(
            "--roi-number", help="ROI number (repeatable); picks one of several ROIs sharing a name."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    csv_path: Annotated[
        Path | None, typer.Option("--csv", help="Write cumulative DVHs (0.01 Gy bins) here.")
    ] = None,
) -> None:
    """Dose-volume statistics per structure from DICOM RT files, with each structure's status and warnings.

    A name shared by several ROIs is an error unless --roi-number picks one."""
    import csv
    import io

    from oligoboard.cli._output import check_output_path
    from oligoboard.dose.dicom_rt import check_same_frame, read_rtdose, read_rtstruct

    if csv_path is not None:
        check_output_path(csv_path, "--csv")
    from oligoboard.dose.dvh import compute_dvhs

    structure_set, grid = read_rtstruct(rtstruct), read_rtdose(rtdose)
    check_same_frame(structure_set, grid)
    if structure and roi_number:
        # A name is resolved only where no ROI number of that name was given: --roi-number settles it.
        picked = {structure_set.by_number(n).name.strip().lower() for n in roi_number}
        structure = [s for s in structure if s.strip().lower() not in picked]
    dvhs = compute_dvhs(structure_set, grid, structure or None, roi_numbers=roi_number or None)
    records = [d.summary() for d in dvhs]
    if csv_path is not None:
        from oligoboard.report.terminal.literal import visible

        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)
        writer.writerow(["structure", "roi_number", "dose_gy", "volume_cc", "volume_pct"])
        for d in dvhs:
            if d.samples.dose_gy.size == 0:
                continue
            levels, volumes = d.cumulative()
            for level, volume in zip(levels, volumes, strict=True):
                writer.writerow(
                    [
                        visible(d.name),
                        d.roi_number,
                        f"{level:.2f}",
                        f"{volume:.4f}",
                        f"{100 * volume / d.in_grid_cc:.3f}",
                    ]
                )
        _write(csv_path, buffer.getvalue(), "--csv")
    if as_json:
        typer.echo(json.dumps(records, ensure_ascii=False))
        return
    from rich.console import Console

    from oligoboard.report.terminal.dose import render_dvh

    Console().print(render_dvh(records, f"DVH: {rtdose.name}"))


def _plan_files(first: Path, second: Path, third: Path | None) -> tuple[Path, Path, Path | None]:
    """The files in the order of `dvh` (RTSTRUCT RTDOSE [RTPLAN]); the old order RTDOSE RTSTRUCT still works,
    with a deprecation note on stderr."""
    from oligoboard.dose.dicom_rt import modality_of

    if modality_of(first) == "RTDOSE" and modality_of(second) == "RTSTRUCT":
        print(
            "note: 'plan check RTDOSE RTSTRUCT' is deprecated; use 'plan check RTSTRUCT RTDOSE [RTPLAN]', "
            "the order of 'dvh'",
            file=sys.stderr,
        )
        return second, first, third
    return first, second, third


@plan_app.command(
    "check",
    help=(
        "Evaluate a protocol's DVH constraints: pass / within tolerance / fail / unknown (with the reason) per "
        "constraint. Files in the order of 'dvh': RTSTRUCT RTDOSE [RTPLAN]. Protocols: "
        + ", ".join(_packaged_protocols())
        + " (--list-protocols describes them)."
    ),
)
@exit_on_input_error
def plan_check_command(
    rtstruct: Annotated[
        Path | None, typer.Argument(help="RT Structure Set file.", show_default=False)
    ] = None,
    rtdose: Annotated[Path | None, typer.Argument(help="RT Dose file.", show_default=False)] = None,
    rtplan: Annotated[Path | None, typer.Argument(help="RT Plan file (optional).")] = None,
    protocol: Annotated[
        str, typer.Option("--protocol", help="Protocol id: " + ", ".join(_packaged_protocols()) + ".")
    ] = "NCT01282450",
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map", help="Name a structure's TG-263 name, e.g. --map 'Lt Lung=Lung_L' (repeatable)."
        ),
    ] = None,
    map_file: Annotated[
        Path | None, typer.Option("--map-file", help="File of 'ROI name=TG-263 name' lines (# comments).")
    ] = None,
    list_protocols: Annotated[
        bool, typer.Option("--list-protocols", help="List the protocols with their titles and exit.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    html: Annotated[Path | None, typer.Option("--html", help="Write an HTML report here.")] = None,
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="Write a PDF report here (same page as --html).")
    ] = None,
) -> None:
    from oligoboard.dose import plancheck

    if list_protocols:
        found = plancheck.protocols()
        if as_json:
            typer.echo(json.dumps([p.as_dict() for p in found], ensure_ascii=False))
            return
        from rich.console import Console

        from oligoboard.report.terminal.dose import render_protocols

        Console().print(render_protocols(found))
        return
    if rtstruct is None or rtdose is None:
        from oligoboard.errors import Problem

        raise InputError(
            "plan check needs RTSTRUCT and RTDOSE files (or --list-protocols)",
            problems=[Problem("RTSTRUCT RTDOSE", "missing argument")],
        )
    from oligoboard.cli._output import check_output_path

    for option, path in (("--html", html), ("--pdf", pdf)):
        if path is not None:
            check_output_path(path, option)
    rtstruct, rtdose, rtplan = _plan_files(rtstruct, rtdose, rtplan)
    names: dict[str, str] = {}
    if map_file is not None:
        names.update(plancheck.read_mapping_file(map_file))
    names.update(plancheck.parse_mapping(mapping or []))
    result = plancheck.check_plan(rtstruct, rtdose, rtplan, protocol, names)
    if html is not None or pdf is not None:
        from oligoboard.report.html.plan import render_plan_check_html

        page = render_plan_check_html(result)
        if html is not None:
            _write(html, page, "--html")
        if pdf is not None:
            from oligoboard.report.pdf import html_to_pdf

            _write(pdf, html_to_pdf(page), "--pdf")
    if as_json:
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False))
    elif html is None and pdf is None:
        from rich.console import Console

        from oligoboard.report.terminal.dose import render_plan_check

        Console().print(render_plan_check(result))
