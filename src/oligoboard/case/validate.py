"""Turn a parsed document into a `Case`, reporting every problem at once with its field path.

Two passes: pydantic checks shape and types, then `cross_field_problems` checks facts that only make
sense together (dates after the assessment date, a therapy ending before it starts, an RT course aimed
at a lesion that does not exist; for case@2 also the timeline rules of `case.timeline`). Both passes run
so a user fixes everything in one round trip. A case@1 document is checked against case@1 (its errors
name case@1 paths) and then upgraded to case@2 (`case.convert`), so every caller gets a case@2 `Case`.

No message carries a value from the case (issue 12): a problem names the field path, the expected form and
the kind of value found (`errors.kind_of`), never the value, the case id or a lesion id, because error text
is copied into logs and tickets. Keys that are not field names (answer keys, free text) are masked in paths.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from oligoboard.case.convert import upgrade_v1
from oligoboard.case.models import SCHEMA_ID, SCHEMA_V1, Case, RadiotherapyCourse, SystemicTherapy
from oligoboard.case.timeline import timeline_problems
from oligoboard.errors import CaseValidationError, Problem, kind_of, safe_key

if TYPE_CHECKING:  # imported when a case@1 document is read (`parse_case`): a case@2 read never builds them
    from oligoboard.case.models_v1 import CaseV1, RadiotherapyCourseV1, SystemicTherapyV1

_M = TypeVar("_M", "Case", "CaseV1")

_BARE_N2_HINT = "'N2' is the 8th-edition category; TNM 9th edition splits it into N2a and N2b"


def format_path(loc: Iterable[int | str], data: object = None) -> str:
    """`('lesions', 2, 'organ')` → `lesions[2].organ`, the notation users see in the schema document.

    With the parsed document as `data`, a key that is not a field name is shown by its position
    (`answers.<key 3>`); keys under `answers` always are, since an answer key is the user's own text.
    """
    out = ""
    node = data
    under_answers = False
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            continue
        position = None
        if isinstance(node, Mapping):
            keys = list(node)
            position = keys.index(part) + 1 if part in keys else None
            node = node.get(part)
        else:
            node = None
        if under_answers:
            name = f"<key {position}>" if position is not None else "<key>"
        else:
            name = "schema" if part == "schema_" else safe_key(part, position)
        out += ("." if out else "") + name
        under_answers = out == "answers"
    return out


def _problem_from_pydantic(err: ErrorDetails, data: object = None) -> Problem:
    loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("function-", "lax-")))]
    path = format_path(loc, data)
    kind = err["type"]
    value = err.get("input")
    found = kind_of(value)
    ctx = err.get("ctx") or {}
    if kind == "literal_error":
        expected = str(ctx.get("expected", ""))
        if path.endswith("tumour.n") and value == "N2":  # a value of the vocabulary, not free text
            return Problem(path, _BARE_N2_HINT, expected=expected, found=found)
        return Problem(path, f"{found} is not one of {expected}", expected=expected, found=found)
    if kind == "extra_forbidden":
        return Problem(path, "unknown field (check the spelling against docs/case-contract.md)", found=found)
    if kind == "missing":
        return Problem(path, "required field is missing")
    # pydantic's own text says what was expected ("Input should be a valid date"); for the types the case
    # models use it never quotes the input (tests/case/test_sentinel.py sweeps every field)
    message = err["msg"]
    return Problem(path, f"{message}, got {found}", found=found)


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
    if not isinstance(case, Case):  # case@1: the scan dates are still staging fields
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


#: The calendar a case may use. A year outside it is a typo (9999-12-31 for "unknown"), and rules add
#: months and years to dates: the Python executor's calendar ends at 9999-12-31 while DuckDB's does not,
#: so a date near the end would answer on one backend and fail on the other (issue 12). `validate` and
#: `assess` both refuse it here, on every path, before any rule runs.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)


def date_range_problems(case: Case | CaseV1) -> list[Problem]:
    """Every date of the case inside [EARLIEST_DATE, LATEST_DATE]; the message never echoes the date."""
    expected = f"a date from {EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}"
    return [
        Problem(path, "is outside the supported calendar", expected=expected)
        for path, value in [("assessment_date", case.assessment_date), *_dates(case)]
        if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE
    ]


def cross_field_problems(case: Case | CaseV1) -> list[Problem]:
    """Facts that are each valid alone but impossible together."""
    problems: list[Problem] = date_range_problems(case)
    for path, value in _dates(case):
        if value is not None and value > case.assessment_date:
            problems.append(
                Problem(path, "is after assessment_date", expected="on or before assessment_date")
            )
    therapies: Sequence[SystemicTherapy | SystemicTherapyV1] = case.systemic_therapy or []
    for i, therapy in enumerate(therapies):
        if therapy.start_date and therapy.end_date and therapy.end_date < therapy.start_date:
            problems.append(Problem(f"systemic_therapy[{i}].end_date", "is before start_date"))
    # metastatic_diagnosis_date before tumour.diagnosis_date is valid (issue 11: "staging CT before
    # histology"); only dates after assessment_date are errors
    lesion_ids = [lesion.id for lesion in case.lesions or []]
    for lesion_id, count in Counter(lesion_ids).items():
        if count > 1:
            where = [i for i, x in enumerate(lesion_ids) if x == lesion_id]
            problems.append(
                Problem(
                    f"lesions[{where[1]}].id", f"duplicate lesion id (the same as lesions[{where[0]}].id)"
                )
            )
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
                Problem(
                    f"radiotherapy_courses[{where[1]}].id",
                    f"duplicate course id (the same as radiotherapy_courses[{where[0]}].id)",
                )
            )
    known_targets = {"primary", *lesion_ids}
    courses: Sequence[RadiotherapyCourse | RadiotherapyCourseV1] = case.radiotherapy_courses or []
    for i, course in enumerate(courses):
        if course.target is not None and course.target not in known_targets:
            problems.append(
                Problem(
                    f"radiotherapy_courses[{i}].target",
                    "is neither 'primary' nor a lesion id",
                    expected="'primary' or the id of one of lesions[]",
                    found=kind_of(course.target),
                )
            )
    if isinstance(case, Case):
        problems.extend(timeline_problems(case))
    return problems


def _key_problems(data: Any, path: str = "") -> list[Problem]:
    """Mapping keys must be text: YAML allows `2026-01-01: true`, the contract does not."""
    problems: list[Problem] = []
    if isinstance(data, Mapping):
        for position, (key, value) in enumerate(data.items(), start=1):
            if not isinstance(key, str):
                found = kind_of(key)
                problems.append(
                    Problem(path, f"key {position} is not text ({found})", expected="a text key", found=found)
                )
            else:
                name = "<key>" if path == "answers" else safe_key(key, position)
                problems.extend(_key_problems(value, f"{path}.{name}" if path else name))
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
        problems = [Problem("schema", f"is not one of {expected}", expected=expected, found=kind_of(schema))]
        try:  # the rest is still checked (against case@2), so every problem is reported at once
            _checked(Case, {**normalised, "schema": SCHEMA_ID}, source)
        except CaseValidationError as exc:
            problems += exc.problems
        raise CaseValidationError(f"{source}: invalid case ({len(problems)} problem(s))", problems)
    if schema == SCHEMA_V1:
        # case@1 models only for case@1 input: building them costs ≈ 3 ms of every case@2 start-up
        from oligoboard.case.models_v1 import CaseV1

        try:
            _checked(CaseV1, normalised, source)
        except CaseValidationError as exc:
            raise _with_case2_hint(exc, normalised) from None
        normalised = upgrade_v1(normalised)
    return _checked(Case, normalised, source)


# top-level fields case@2 added: in a document read as case@1 they are unknown keys, said more helpfully
_CASE2_ONLY = ("imaging", "local_treatments")


def _with_case2_hint(exc: CaseValidationError, document: Mapping[str, Any]) -> CaseValidationError:
    """A case@1 read that trips on a case@2 field names the likely cause: the `schema` line is missing."""
    if document.get("schema") is not None:
        return exc
    hint = (
        f'a case@2 field, but without "schema" the document is read as case@1 (add "schema": "{SCHEMA_ID}")'
    )
    exc.problems = [
        Problem(p.path, hint, expected=p.expected, found=p.found) if p.path in _CASE2_ONLY else p
        for p in exc.problems
    ]
    return exc


def _checked(model: type[_M], normalised: Any, source: str) -> _M:
    """Both passes (shape and types, then cross-field facts) for one version of the contract."""
    try:
        case = model.model_validate_json(json.dumps(normalised))
    except ValidationError as exc:
        problems = [_problem_from_pydantic(e, normalised) for e in exc.errors()]
        raise CaseValidationError(f"{source}: invalid case ({len(problems)} problem(s))", problems) from None
    problems = cross_field_problems(case)
    if problems:
        raise CaseValidationError(f"{source}: invalid case ({len(problems)} problem(s))", problems)
    return case


#: Suggestions ("did you mean …") are looked up for at most this many unknown keys, each at most this long:
#: difflib is quadratic in the key's length, and only the first problems are shown anyway.
_SUGGEST_KEYS = 20
_SUGGEST_CHARS = 200


def answer_key_problems(answers: Mapping[str, object] | None, known: Iterable[str]) -> list[Problem]:
    """Answers to criteria the knowledge does not ask: a typo would silently leave one unanswered.

    The knowledge's answer keys are passed in (this module sits below the knowledge layer). An unknown key
    is named by its position, never echoed (it is the user's text), with the closest known key suggested.
    """
    import difflib

    known_keys = list(known)
    known_set = set(known_keys)
    problems: list[Problem] = []
    for position, key in enumerate(answers or {}, start=1):
        if key in known_set:
            continue
        message = "no attested criterion has this id"
        if len(problems) < _SUGGEST_KEYS and len(key) <= _SUGGEST_CHARS:
            close = difflib.get_close_matches(key, known_keys, n=1, cutoff=0.8)
            if close:
                message += f" (did you mean {close[0]!r}?)"
        problems.append(
            Problem(
                f"answers.<key {position}>",
                message,
                expected="'<rule set id>/<criterion id>' of an attested criterion",
                found=kind_of(key),
            )
        )
    return problems


def case2_document(data: object, *, source: str = "case") -> dict[str, Any]:
    """The case@2 form of a valid case document, as written (what `oligoboard migrate` writes).

    Validates first (raising exactly as `parse_case` does), so only a valid document is ever rewritten;
    a case@2 document comes back unchanged apart from YAML dates written as ISO strings.
    """
    parse_case(data, source=source)
    normalised: dict[str, Any] = _jsonable(data)
    return normalised if normalised.get("schema") == SCHEMA_ID else upgrade_v1(normalised)
