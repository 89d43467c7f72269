"""`oligoboard schema`: the JSON Schema of the case contract."""

from __future__ import annotations

from oligoboard.cli._output import print_json


def schema() -> None:
    """Print the JSON Schema of the case contract (oligoboard/case@1)."""
    from oligoboard.case.models import Case

    print_json(Case.model_json_schema(by_alias=True))
