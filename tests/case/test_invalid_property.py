"""Property: any corruption of a valid case is refused with exit code 2 and the corrupted field named."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oligoboard.cli.main import main
from tests.support.cases import BASE

# (path into the document, human path the message must name)
FIELDS = [
    (("patient", "ecog"), "patient.ecog"),
    (("patient", "sex"), "patient.sex"),
    (("tumour", "histology"), "tumour.histology"),
    (("tumour", "n"), "tumour.n"),
    (("tumour", "drivers", "egfr"), "tumour.drivers.egfr"),
    (("tumour", "diagnosis_date"), "tumour.diagnosis_date"),
    (("primary", "status"), "primary.status"),
    (("history", "omd_before"), "history.omd_before"),
    (("lesions", 0, "organ"), "lesions[0].organ"),
    (("lesions", 0, "status"), "lesions[0].status"),
    (("lesions", 0, "size_mm"), "lesions[0].size_mm"),
    (("lesions", 0, "amenable_to_lat"), "lesions[0].amenable_to_lat"),
    (("staging", "mediastinal_staging"), "staging.mediastinal_staging"),
    (("assessment_date",), "assessment_date"),
]
BAD_VALUES = st.one_of(
    st.just("adrenals"),
    st.just("yes"),
    st.just(-7),
    st.just(3.7),
    st.just([1, 2]),
    st.just({"x": 1}),
    st.text(min_size=1, max_size=8).filter(lambda s: s.strip() != ""),
)


def _set(doc: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    node: Any = doc
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def _is_valid(path: tuple[Any, ...], value: Any) -> bool:
    """A few generated values are legal for some fields (a text that happens to be a valid enum)."""
    from pydantic import ValidationError

    from oligoboard.case.validate import parse_case
    from oligoboard.errors import CaseValidationError

    doc = copy.deepcopy(BASE)
    _set(doc, path, value)
    try:
        parse_case(doc)
    except (CaseValidationError, ValidationError):
        return False
    return True


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(FIELDS), value=BAD_VALUES, unknown_key=st.booleans())
def test_corrupted_case_exits_2_naming_the_field(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    field: tuple[tuple[Any, ...], str],
    value: Any,
    unknown_key: bool,
) -> None:
    path, human = field
    doc = copy.deepcopy(BASE)
    if unknown_key:
        _set(doc, (*path[:-1], f"{path[-1]}_x"), value)
        human = human.rsplit(".", 1)[0] + "." + f"{path[-1]}_x" if "." in human else f"{path[-1]}_x"
    elif _is_valid(path, value):
        return
    else:
        _set(doc, path, value)
    case_file = tmp_path / "case.json"
    case_file.write_text(json.dumps(doc))
    code = main(["assess", str(case_file), "--json"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert human in err
    assert "Traceback" not in err
