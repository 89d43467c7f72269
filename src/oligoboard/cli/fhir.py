"""`oligoboard import-fhir BUNDLE.json [--out CASE.json] [--report REPORT.json]` and
`oligoboard export-fhir CASE --out FILE` (docs/fhir.md).

Import: the Bundle is read by the strict document reader, validated against the FHIR R4B models and mapped
(`interop.fhir.importer.import_resources`); the case is printed or written only when it is a valid case@2
(otherwise exit 2, every problem named, nothing written), and the report is written either way, because
it says what went wrong. Export: the case is assessed and its assessment written as a FHIR R4 Bundle
(GuidanceResponse + RequestGroup), checked against the R4B models and the HL7 R4 JSON Schema first.
Files are written to a temporary name and renamed: never a half-written file. Start-up: typer and the
standard library only at the top.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer


def _refuse_existing(out: Path | None, force: bool, option: str) -> None:
    from oligoboard.errors import InputError, Problem

    if out is None:
        return
    if out.exists() and not force:
        raise InputError(
            f"{out}: exists; not replaced (use --force to replace it)",
            [Problem(option, "the file exists", expected="a new file, or --force")],
        )
    if not out.parent.is_dir():
        raise InputError(
            f"{out}: the folder does not exist",
            [Problem(option, "no such folder", expected="an existing folder")],
        )


def write_json_atomic(path: Path, data: Any) -> None:
    """JSON to `path` via a temporary file in the same folder and a rename: readers never see half a file."""
    from oligoboard.atomic_write import write_text_atomically

    write_text_atomically(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def import_fhir(
    bundle_path: Annotated[
        Path, typer.Argument(metavar="BUNDLE", help="FHIR R4 Bundle (JSON) with mCODE resources.")
    ],
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the case@2 document here, not stdout.")
    ] = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write the import report (JSON) here.")
    ] = None,
    assessment_date: Annotated[
        str | None,
        typer.Option("--assessment-date", help="ISO date of the assessment (default: the bundle's)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace --out / --report if they exist.")] = False,
) -> None:
    """Import an mCODE Bundle as a case@2 document, with a report of what was used and left out."""
    from datetime import date

    from oligoboard.documents import read_document
    from oligoboard.errors import CaseValidationError, InputError, Problem
    from oligoboard.interop.fhir.importer import import_resources

    _refuse_existing(out, force, "--out")
    _refuse_existing(report, force, "--report")
    day = None
    if assessment_date is not None:
        try:
            day = date.fromisoformat(assessment_date)
        except ValueError:
            raise InputError(
                "--assessment-date is not a date",
                [Problem("--assessment-date", "not an ISO date", expected="YYYY-MM-DD")],
            ) from None
    document = read_document(bundle_path, kind="json").value
    try:
        result = import_resources(document, assessment_date=day)
    except InputError as exc:
        exc.message = f"{bundle_path}: {exc.message}"
        raise
    if report is not None:
        write_json_atomic(report, result.report.as_dict())
    summary = result.report.as_dict()["summary"]
    typer.echo(
        "imported {resources} resource(s): {mapped} mapped, {partly_mapped} partly, {not_mapped} not mapped, "
        "{contradictions} contradiction(s)".format(**summary),  # type: ignore[arg-type]
        err=True,
    )
    if result.problems:
        raise CaseValidationError(
            f"{bundle_path}: the imported case is not a valid case@2 (nothing written)", result.problems
        )
    if out is None:
        typer.echo(json.dumps(result.case, indent=2, ensure_ascii=False))
    else:
        write_json_atomic(out, result.case)
        typer.echo(f"wrote {out}", err=True)


def export_fhir(
    case_path: Annotated[Path, typer.Argument(metavar="CASE", help="Case document (JSON or YAML).")],
    out: Annotated[Path, typer.Option("--out", help="Write the FHIR R4 Bundle (JSON) here.")],
    force: Annotated[bool, typer.Option("--force", help="Replace --out if it exists.")] = False,
) -> None:
    """Assess a case and write the assessment as FHIR R4 (GuidanceResponse + RequestGroup)."""
    from oligoboard.assessment import assess as run_assessment
    from oligoboard.cli.batch import load_checked
    from oligoboard.engine.runner import Engine
    from oligoboard.errors import EngineError
    from oligoboard.interop.fhir.exporter import assessment_to_fhir
    from oligoboard.interop.fhir.packages import r4_schema_errors, r4_schema_path, r4b_model_errors

    _refuse_existing(out, force, "--out")
    engine = Engine()
    case = load_checked(case_path, engine.kb.answer_keys)
    bundle = assessment_to_fhir(json.loads(json.dumps(run_assessment(case, engine), default=str)))
    errors = r4b_model_errors(bundle)
    if r4_schema_path().is_file():
        errors += r4_schema_errors(bundle)
    else:
        typer.echo(
            "the R4 JSON Schema is not installed (make install): checked against the R4B models only",
            err=True,
        )
    if errors:
        raise EngineError("the FHIR export is not valid R4 (a bug): " + "; ".join(errors[:5]))
    write_json_atomic(out, bundle)
    typer.echo(f"wrote {out}", err=True)
