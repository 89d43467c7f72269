"""`oligoboard schema`: the JSON Schema of the case contract (case@2; `--v1` for the case@1 reader)."""

from __future__ import annotations

from typing import Annotated

import typer

from oligoboard.cli._output import print_json


def schema(
    v1: Annotated[
        bool, typer.Option("--v1", help="Print the case@1 schema (still accepted, converted on reading).")
    ] = False,
) -> None:
    """Print the JSON Schema of the case contract (oligoboard/case@2), with descriptions and units."""
    if v1:
        from oligoboard.case.models_v1 import CaseV1

        print_json(CaseV1.model_json_schema(by_alias=True))
        return
    from oligoboard.case.models import Case

    print_json(Case.model_json_schema(by_alias=True))
