"""Property: any corruption of a valid case@2 timeline is refused with exit code 2 and the field named.

The case@2 counterpart of test_invalid_property.py, over the fields case@2 added.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oligoboard.case.validate import parse_case
from oligoboard.cli.main import main
from oligoboard.errors import CaseValidationError
from tests.case.v2 import doc2, scan
from tests.support.cases import lesion

BASE2 = doc2(
    lesions=[lesion(1, "adrenal", treated=True)],
    imaging=[scan("S1", "2026-09-20", ("L1", "new"), response="PD")],
    local_treatments=[
        {"id": "LT1", "target": "L1", "modality": "sbrt", "intent": "ablative", "date": "2026-09-25"}
    ],
    radiotherapy_courses=[
        {"id": "RT1", "target": "L1", "protocol": "NCT01282450", "start_date": "2026-09-25"}
    ],
    systemic_therapy=[
        {"line": 1, "start_date": "2026-06-01", "end_date": "2026-09-01", "end_reason": "toxicity"}
    ],
)

FIELDS = [
    (("imaging", 0, "date"), "imaging[0].date"),
    (("imaging", 0, "modality"), "imaging[0].modality"),
    (("imaging", 0, "purpose"), "imaging[0].purpose"),
    (("imaging", 0, "brain"), "imaging[0].brain"),
    (("imaging", 0, "response"), "imaging[0].response"),
    (("imaging", 0, "findings", 0, "status"), "imaging[0].findings[0].status"),
    (("imaging", 0, "findings", 0, "lesion"), "imaging[0].findings[0].lesion"),
    (("local_treatments", 0, "target"), "local_treatments[0].target"),
    (("local_treatments", 0, "modality"), "local_treatments[0].modality"),
    (("local_treatments", 0, "intent"), "local_treatments[0].intent"),
    (("local_treatments", 0, "date"), "local_treatments[0].date"),
    (("radiotherapy_courses", 0, "start_date"), "radiotherapy_courses[0].start_date"),
    (("systemic_therapy", 0, "end_reason"), "systemic_therapy[0].end_reason"),
]
BAD_VALUES = st.one_of(
    st.just("adrenals"),
    st.just("yes"),
    st.just(-7),
    st.just(3.7),
    st.just([1, 2]),
    st.just({"x": 1}),
    st.just("2026-10-02"),  # a day after the assessment
    st.text(min_size=1, max_size=8).filter(lambda s: s.strip() != ""),
)


def _set(doc: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    node: Any = doc
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def _is_valid(doc: dict[str, Any]) -> bool:
    """A few generated values are legal for some fields (a text that happens to be an id or an enum)."""
    try:
        parse_case(doc)
    except CaseValidationError:
        return False
    return True


def test_the_base_is_valid() -> None:
    assert _is_valid(copy.deepcopy(BASE2))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(FIELDS), value=BAD_VALUES)
def test_corrupted_timeline_exits_2_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], field: tuple[tuple[Any, ...], str], value: Any
) -> None:
    path, human = field
    doc = copy.deepcopy(BASE2)
    _set(doc, path, value)
    if _is_valid(doc):
        return
    case_file = tmp_path / "case.json"
    case_file.write_text(json.dumps(doc))
    code = main(["assess", str(case_file), "--json"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert human in err
    assert "Traceback" not in err
