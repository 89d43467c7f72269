"""Turn a parsed document into a `Case`, reporting every problem at once with its field path.

Two passes: pydantic checks shape and types, then `cross_field_problems` checks facts that only make
sense together (dates after the assessment date, a therapy ending before it starts, an RT course aimed
at a lesion that does not exist; for case@2 also the timeline rules of `case.timeline`). Both passes run
so a user fixes everything in one round trip. A case@1 document is checked against case@1 (its errors
name case@1 paths) and then upgraded to case@2 (`case.convert`), so every caller gets a case@2 `Case`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, TypeVar

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from oligoboard.case.convert import upgrade_v1
from oligoboard.case.models import SCHEMA_ID, SCHEMA_V1, Case, RadiotherapyCourse, SystemicTherapy
from oligoboard.case.models_v1 import CaseV1, RadiotherapyCourseV1, SystemicTherapyV1
from oligoboard.case.timeline import timeline_problems
from oligoboard.errors import CaseValidationError, Problem

_M = TypeVar("_M", Case, CaseV1)

_BARE_N2_HINT = "'N2' is the 8th-edition category; TNM 9th edition splits it into N2a and N2b"


def format_path(loc: Iterable[int | str]) -> str:
    """`('lesions', 2, 'organ')` → `lesions[2].organ`, the notation users see in the schema document."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + ("schema" if part == "schema_" else str(part))
    return out


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _problem_from_pydantic(err: ErrorDetails) -> Problem:
    loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("function-", "lax-")))]
    path = format_path(loc)
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "literal_error":
        expected = str(ctx.get("expected", ""))
        if path.endswith("tumour.n") and value == "N2":
            return Problem(path, _BARE_N2_HINT, expected=expected, found="'N2'")
        return Problem(
            path, f"{_short(value)} is not one of {expected}", expected=expected, found=_short(value)
        )
    if kind == "extra_forbidden":
        return Problem(path, "unknown field (check the spelling against case-schema.md)", found=_short(value))
    if kind == "missing":
        return Problem(path, "required field is missing")
    message = err["msg"]
    return Problem(path, f"{message}, got {_short(value)}", found=_short(value))


def _dates(case: Case | CaseV1) -> Iterable[tuple[str, date | None]]:
    if case.patient:
        yield "patient.birth_date", case.patient.birth_date
    if case.tumour:
        yield "tumour.diagnosis_date", case.tumour.diagnosis_date
    yield "metastatic_diagnosis_date", case.metastatic_diagnosis_date
    for i, lesion in enumerate(case.lesions or []):
        yield f"lesions[{i}].detected_date", lesion.detected_date
    therapies: Sequence[SystemicTherapy | SystemicTherapyV1] = case.systemic_therapy or []
    for i, therapy in enumerate(therapies):
        yield f"systemic_therapy[{i}].start_date", therapy.start_date
        yield f"systemic_therapy[{i}].end_date", therapy.end_date
    if isinstance(case, CaseV1):
        if case.staging:
            yield "staging.fdg_pet_ct_date", case.staging.fdg_pet_ct_date
            yield "staging.brain_mri_date", case.staging.brain_mri_date
        return
    for i, scan in enumerate(case.imaging or []):
        yield f"imaging[{i}].date", scan.date
    for i, treatment in enumerate(case.local_treatments or []):
        yield f"local_treatments[{i}].date", treatment.date
    for i, course in enumerate(case.radiotherapy_courses or []):
        yield f"radiotherapy_courses[{i}].start_date", course.start_date
        yield f"radiotherapy_courses[{i}].end_date", course.end_date


def cross_field_problems(case: Case | CaseV1) -> list[Problem]:
    """Facts that are each valid alone but impossible together."""
    problems: list[Problem] = []
    today = case.assessment_date.isoformat()
    for path, value in _dates(case):
        if value is not None and value > case.assessment_date:
            problems.append(
                Problem(path, f"{value.isoformat()} is after assessment_date {today}", expected=f"<= {today}")
            )
    therapies: Sequence[SystemicTherapy | SystemicTherapyV1] = case.systemic_therapy or []
    for i, therapy in enumerate(therapies):
        if therapy.start_date and therapy.end_date and therapy.end_date < therapy.start_date:
            problems.append(
                Problem(
                    f"systemic_therapy[{i}].end_date",
                    f"{therapy.end_date.isoformat()} is before start_date {therapy.start_date.isoformat()}",
                )
            )
    # metastatic_diagnosis_date before tumour.diagnosis_date is valid (issue 11: "staging CT before
    # histology"); only dates after assessment_date are errors
    lesion_ids = [lesion.id for lesion in case.lesions or []]
    for lesion_id, count in Counter(lesion_ids).items():
        if count > 1:
            where = [i for i, x in enumerate(lesion_ids) if x == lesion_id]
            problems.append(Problem(f"lesions[{where[1]}].id", f"duplicate lesion id {lesion_id!r}"))
    for i, lesion in enumerate(case.lesions or []):
        if lesion.lung_relation is not None and lesion.organ not in (None, "lung"):
            problems.append(
                Problem(
                    f"lesions[{i}].lung_relation", f"only meaningful for organ 'lung', not {lesion.organ!r}"
                )
            )
    course_ids = [course.id for course in case.radiotherapy_courses or []]
    for course_id, count in Counter(course_ids).items():
        if count > 1:
            where = [i for i, x in enumerate(course_ids) if x == course_id]
            problems.append(
                Problem(f"radiotherapy_courses[{where[1]}].id", f"duplicate course id {course_id!r}")
            )
    known_targets = {"primary", *lesion_ids}
    courses: Sequence[RadiotherapyCourse | RadiotherapyCourseV1] = case.radiotherapy_courses or []
    for i, course in enumerate(courses):
        if course.target is not None and course.target not in known_targets:
            problems.append(
                Problem(
                    f"radiotherapy_courses[{i}].target",
                    f"{course.target!r} is neither 'primary' nor a lesion id",
                    expected="'primary' or one of " + ", ".join(repr(x) for x in lesion_ids),
                )
            )
    if isinstance(case, Case):
        problems.extend(timeline_problems(case))
    return problems


def _key_problems(data: Any, path: str = "") -> list[Problem]:
    """Mapping keys must be text: YAML allows `2026-01-01: true`, the contract does not."""
    problems: list[Problem] = []
    if isinstance(data, Mapping):
        for key, value in data.items():
            if not isinstance(key, str):
                problems.append(
                    Problem(path, f"key {key!r} is not text", expected="a text key", found=repr(key))
                )
            else:
                problems.extend(_key_problems(value, f"{path}.{key}" if path else key))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            problems.extend(_key_problems(item, f"{path}[{i}]"))
    return problems


def _json_value(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"a {type(value).__name__} value is not allowed in a case document")


def _jsonable(data: Any) -> Any:
    """YAML gives `date` objects; strict validation reads ISO strings, so normalise through JSON.

    Anything else JSON cannot carry (YAML binary, sets, timestamps with time) is refused, not stringified.
    """
    return json.loads(json.dumps(data, default=_json_value))


def parse_case(data: object, *, source: str = "case") -> Case:
    """Validate one parsed document (a mapping) and return the `Case`, or raise with every problem."""
    if not isinstance(data, Mapping):
        raise CaseValidationError(
            f"{source}: a case must be a JSON/YAML object",
            [Problem("", "not an object", found=type(data).__name__)],
        )
    key_problems = _key_problems(data)
    if key_problems:
        raise CaseValidationError(f"{source}: invalid case ({len(key_problems)} problem(s))", key_problems)
    try:
        normalised = _jsonable(data)
    except (TypeError, ValueError) as exc:
        raise CaseValidationError(f"{source}: invalid case", [Problem("", str(exc))]) from None
    schema = normalised.get("schema", SCHEMA_V1)
    if schema not in (SCHEMA_V1, SCHEMA_ID):
        expected = f"'{SCHEMA_V1}' or '{SCHEMA_ID}'"
        problem = Problem("schema", f"is not one of {expected}", expected=expected, found=_short(schema))
        raise CaseValidationError(f"{source}: invalid case (1 problem(s))", [problem])
    if schema == SCHEMA_V1:
        _checked(CaseV1, normalised, source)
        normalised = upgrade_v1(normalised)
    return _checked(Case, normalised, source)


def _checked(model: type[_M], normalised: Any, source: str) -> _M:
    """Both passes (shape and types, then cross-field facts) for one version of the contract."""
    try:
        case = model.model_validate_json(json.dumps(normalised))
    except ValidationError as exc:
        problems = [_problem_from_pydantic(e) for e in exc.errors()]
        raise CaseValidationError(f"{source}: invalid case ({len(problems)} problem(s))", problems) from None
    problems = cross_field_problems(case)
    if problems:
        raise CaseValidationError(f"{source}: invalid case ({len(problems)} problem(s))", problems)
    return case


def case2_document(data: object, *, source: str = "case") -> dict[str, Any]:
    """The case@2 form of a valid case document, as written (what `oligoboard migrate` writes).

    Validates first (raising exactly as `parse_case` does), so only a valid document is ever rewritten;
    a case@2 document comes back unchanged apart from YAML dates written as ISO strings.
    """
    parse_case(data, source=source)
    normalised: dict[str, Any] = _jsonable(data)
    return normalised if normalised.get("schema") == SCHEMA_ID else upgrade_v1(normalised)
