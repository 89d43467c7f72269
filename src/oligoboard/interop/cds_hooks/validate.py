"""CDS Hooks bodies checked against the specification's logical models and their FHIRPath invariants.

The HL7 CDS Hooks 3.0 IG publishes the request, response, discovery and feedback bodies as FHIR logical
models (`CDSHooksRequest`, `CDSHooksResponse`, `CDSHooksServices`, `CDSHooksFeedback`, FSH sources in
`input/fsh/`) with twelve invariants (`cds-r-*`, `cds-resp-*`, `cds-fb-*`). The models are written out
here element by element (cardinality, type, required bindings) because the FSH files are not shipped
with the package; `tests/interop/test_cds_validate.py` reads the FSH files from `../shared/external` and
fails when an element, a cardinality or an invariant expression here differs from theirs. Invariants are
evaluated with `fhirpathpy` on each element they are attached to.

Beyond the models, the specification's "Use of JSON" rules apply: no `null` (except a prefetch value),
no empty string, array or object (except the `cards`, `services` and `feedback` arrays, which the
models mark `json-empty-behavior: present`). The `patient-view` context is checked as the hook library
defines it (`userId`, `patientId` required, `encounterId` optional); other hooks' contexts only as
objects. Resources inside prefetch, actions and contexts are FHIR's business, not checked here.

Messages name the element path and the rule, never a value: request bodies carry patient data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any, Literal
from urllib.parse import urlsplit

from oligoboard.errors import safe_key

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Invariant:
    """One FHIRPath invariant of the logical models (key, severity and expression as published)."""

    key: str
    severity: Severity
    description: str
    expression: str


#: The twelve invariants, copied from the IG's `input/fsh/cds-*.fsh` (test: same expressions).
INVARIANTS: dict[str, Invariant] = {
    inv.key: inv
    for inv in (
        Invariant(
            "cds-r-1",
            "error",
            "if fhirAuthorization details are provided, a fhirServer SHALL be specified",
            "fhirAuthorization.exists() implies fhirServer.exists()",
        ),
        Invariant(
            "cds-r-2",
            "warning",
            "If the granted SMART scopes include patient scopes (i.e. 'patient/'), the patient field "
            "SHOULD be populated to identify the FHIR id of that patient.",
            "scope.contains('patient/') implies patient.exists()",
        ),
        Invariant(
            "cds-resp-1",
            "error",
            "only one action can be suggested if selectionBehavior = at-most-one",
            "(selectionBehavior = 'at-most-one') implies suggestions.where(isRecommended).count() <= 1",
        ),
        Invariant(
            "cds-resp-2",
            "warning",
            "A resourceId not a resource must be provided when type = delete",
            "(type = 'delete') implies (resourceId.exists() and resource.empty())",
        ),
        Invariant(
            "cds-resp-3",
            "error",
            "AppContext only for smart Apps",
            "(type != 'smart') implies (appContext.empty())",
        ),
        Invariant(
            "cds-resp-4",
            "error",
            "the CDS Service MUST populate a display value for each reason's Coding",
            "all(display.exists())",
        ),
        Invariant(
            "cds-resp-5",
            "error",
            "All suggestion actions must have a description",
            "actions.all(description.exists())",
        ),
        Invariant(
            "cds-resp-6",
            "error",
            "If suggestions are present, selectionBehavior MUST also be provided.",
            "suggestions.exists() implies selectionBehavior.exists()",
        ),
        Invariant(
            "cds-resp-7",
            "error",
            "actionSelectionBehavior must be 'all', 'any', or 'at-most-one'",
            "actionSelectionBehavior.empty() or actionSelectionBehavior = 'all' or "
            "actionSelectionBehavior = 'any' or actionSelectionBehavior = 'at-most-one'",
        ),
        Invariant(
            "cds-fb-1",
            "error",
            "outcome must be 'accepted' or 'overridden'",
            "outcome = 'accepted' or outcome = 'overridden'",
        ),
        Invariant(
            "cds-fb-2",
            "error",
            "If outcome is 'accepted', acceptedSuggestions SHALL be provided",
            "(outcome = 'accepted') implies acceptedSuggestions.exists()",
        ),
        Invariant(
            "cds-fb-3",
            "error",
            "An overrideReason must contain a reason, a userComment, or both",
            "reason.exists() or userComment.exists()",
        ),
    )
}


@dataclass(frozen=True)
class Element:
    """One element of a logical model: JSON name, cardinality, type, required binding, children.

    `fsh` is the element's name in the FSH source when its JSON name differs (`json-name` extension:
    `accessToken` is sent as `access_token`). `keyed` marks `json-property-key` elements (prefetch): a
    JSON object whose keys are the element's `key`. `empty_ok` marks `json-empty-behavior: present`.
    """

    name: str
    min: int
    max: int | None  # None: unbounded (`*`), sent as a JSON array
    type: str
    values: tuple[str, ...] = ()
    children: tuple[Element, ...] = ()
    invariants: tuple[str, ...] = ()
    fsh: str | None = None
    keyed: bool = False
    empty_ok: bool = False
    nullable: bool = False
    open: bool = False  # unknown keys allowed (a hook context defined elsewhere)
    #: must be sent even when empty: the models say 0..* with `json-empty-behavior: present`, the spec
    #: text says REQUIRED ("an object containing a `cards` array"; `services`; `feedback`)
    present: bool = False

    @property
    def is_array(self) -> bool:
        return (self.max is None or self.max > 1) and not self.keyed


def _e(name: str, card: str, type_: str, *children: Element, **kw: Any) -> Element:
    low, _, high = card.partition("..")
    return Element(name, int(low), None if high == "*" else int(high), type_, children=children, **kw)


# Types: primitives are checked by `_PRIMITIVES`; "object" is a CDSHooksElement (may carry `extension`);
# "Resource" a FHIR resource (object with resourceType); "Coding" the CDS Hooks Coding data type.
_ACTION = (
    _e("type", "1..1", "code", values=("create", "update", "delete")),
    _e("description", "0..1", "string"),
    _e("resource", "0..1", "Resource"),
    _e("resourceId", "0..1", "string"),
)

SERVICES = _e(
    "CDSHooksServices",
    "1..1",
    "object",
    _e(
        "services",
        "0..*",
        "object",
        _e("hook", "1..1", "string"),
        _e("title", "0..1", "string"),
        _e("description", "1..1", "string"),
        _e("id", "1..1", "string"),
        _e("prefetch", "0..*", "string", keyed=True),
        _e("usageRequirements", "0..1", "string"),
        _e("version", "0..1", "string"),
        empty_ok=True,
        present=True,
    ),
)

#: patient-view context, from the HL7 CDS Hooks Library hook definition (not part of the FSH models).
PATIENT_VIEW_CONTEXT = (
    _e("userId", "1..1", "string"),
    _e("patientId", "1..1", "id"),
    _e("encounterId", "0..1", "id"),
)
HOOK_CONTEXTS: dict[str, tuple[Element, ...]] = {"patient-view": PATIENT_VIEW_CONTEXT}

REQUEST = _e(
    "CDSHooksRequest",
    "1..1",
    "object",
    _e("hook", "1..1", "string"),
    _e("hookInstance", "1..1", "uuid"),
    _e("fhirServer", "0..1", "url"),
    _e(
        "fhirAuthorization",
        "0..1",
        "object",
        _e("access_token", "1..1", "string", fsh="accessToken"),
        _e("token_type", "1..1", "code", values=("Bearer",), fsh="tokenType"),
        _e("expires_in", "1..1", "integer", fsh="expiresIn"),
        _e("scope", "1..1", "string"),
        _e("subject", "1..1", "string"),
        _e("patient", "0..1", "id"),
        invariants=("cds-r-2",),
    ),
    _e("context", "1..1", "context", open=True),
    _e("prefetch", "0..*", "Resource", keyed=True, nullable=True),
    invariants=("cds-r-1",),
)

RESPONSE = _e(
    "CDSHooksResponse",
    "1..1",
    "object",
    _e(
        "cards",
        "0..*",
        "object",
        _e("uuid", "0..1", "uuid"),
        _e("summary", "1..1", "string"),
        _e("detail", "0..1", "markdown"),
        _e("indicator", "1..1", "code", values=("info", "warning", "critical")),
        _e(
            "source",
            "1..1",
            "object",
            _e("label", "1..1", "string"),
            _e("url", "0..1", "url"),
            _e("icon", "0..1", "url"),
            _e("topic", "0..1", "Coding"),
        ),
        _e(
            "suggestions",
            "0..*",
            "object",
            _e("label", "1..1", "string"),
            _e("uuid", "0..1", "uuid"),
            _e("isRecommended", "0..1", "boolean"),
            _e("actions", "0..*", "object", *_ACTION, invariants=("cds-resp-2",)),
            _e("actionSelectionBehavior", "0..1", "code"),
            invariants=("cds-resp-5", "cds-resp-7"),
        ),
        _e("selectionBehavior", "0..1", "code", values=("at-most-one", "any")),
        _e("overrideReasons", "0..*", "Coding", invariants=("cds-resp-4",)),
        _e(
            "links",
            "0..*",
            "object",
            _e("label", "1..1", "string"),
            _e("url", "1..1", "url"),
            _e("type", "1..1", "code", values=("absolute", "smart")),
            _e("appContext", "0..1", "string"),
            _e("autolaunchable", "0..1", "boolean"),
            invariants=("cds-resp-3",),
        ),
        invariants=("cds-resp-1", "cds-resp-6"),
        empty_ok=True,
        present=True,
    ),
    # contentReference to cards.suggestions.actions: the same elements and invariant
    _e("systemActions", "0..*", "object", *_ACTION, invariants=("cds-resp-2",)),
)

FEEDBACK = _e(
    "CDSHooksFeedback",
    "1..1",
    "object",
    _e(
        "feedback",
        "0..*",
        "object",
        _e("card", "1..1", "uuid"),
        _e("outcome", "1..1", "code"),
        _e("acceptedSuggestions", "0..*", "object", _e("id", "1..1", "uuid")),
        _e(
            "overrideReason",
            "0..1",
            "object",
            _e("reason", "0..1", "Coding"),
            _e("userComment", "0..1", "string"),
            invariants=("cds-fb-3",),
        ),
        _e("outcomeTimestamp", "1..1", "instant"),
        invariants=("cds-fb-1", "cds-fb-2"),
        empty_ok=True,
        present=True,
    ),
)

#: The CDS Hooks Coding data type ("Data Types" section): code and system REQUIRED, display conditional.
CODING = (_e("code", "1..1", "string"), _e("system", "1..1", "string"), _e("display", "0..1", "string"))

MODELS: dict[str, Element] = {
    "services": SERVICES,
    "request": REQUEST,
    "response": RESPONSE,
    "feedback": FEEDBACK,
}


@dataclass(frozen=True)
class Issue:
    """One finding: where (element path), which rule, how bad, and what is wrong (never the value)."""

    path: str
    rule: str
    severity: Severity
    message: str

    def render(self) -> str:
        return f"{self.path or '<body>'}: {self.message} [{self.rule}]"


@dataclass
class Report:
    """Every issue of one body; `ok` when none is an error (warnings, e.g. cds-r-2, do not refuse)."""

    model: str
    issues: list[Issue] = field(default_factory=list)
    hook: str | None = None  # the request's hook: which context model applies

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")  # FHIR id
_CODE = re.compile(r"[^\s]+( [^\s]+)*")  # FHIR code: no leading/trailing or double whitespace
_INSTANT = re.compile(
    r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,9})?"
    r"(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))"
)


def _is_absolute_url(value: str) -> bool:
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc) and not any(c.isspace() for c in value)


def _instant(value: str) -> bool:
    if not _INSTANT.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


#: primitive type → (check, what is expected). uuid: the IG's implied `urn:uuid:` prefix, so the bare
#: UUID is sent; upper case is accepted (RFC 4122: case-insensitive on input).
_PRIMITIVES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "string": (lambda v: isinstance(v, str), "a string"),
    "markdown": (lambda v: isinstance(v, str), "a (Markdown) string"),
    "code": (lambda v: isinstance(v, str) and bool(_CODE.fullmatch(v)), "a code"),
    "id": (lambda v: isinstance(v, str) and bool(_ID.fullmatch(v)), "a FHIR id"),
    "uuid": (lambda v: isinstance(v, str) and bool(_UUID.fullmatch(v)), "a UUID"),
    "url": (lambda v: isinstance(v, str) and _is_absolute_url(v), "an absolute URL"),
    "instant": (lambda v: isinstance(v, str) and _instant(v), "an instant with time zone (RFC 3339)"),
    "integer": (lambda v: isinstance(v, int) and not isinstance(v, bool), "an integer"),
    "boolean": (lambda v: isinstance(v, bool), "true or false"),
}


@cache
def _compiled(expression: str) -> Callable[..., list[Any]]:
    from fhirpathpy import compile as compile_fhirpath

    return compile_fhirpath(expression)


def invariant_holds(key: str, node: Mapping[str, Any]) -> bool:
    """Whether one invariant is true on one element. Only a result of exactly `true` passes (as the FHIR
    validator reads a constraint); an empty result means a part it tests is absent, which the
    cardinality checks report.

    Example:
        >>> invariant_holds("cds-fb-2", {"outcome": "accepted"})
        False
        >>> invariant_holds("cds-fb-2", {"outcome": "overridden"})
        True
    """
    result = _compiled(INVARIANTS[key].expression)(dict(node))
    return result == [True]


def validate(model: str, body: object) -> Report:
    """Check a body against one of `MODELS` ("services", "request", "response", "feedback")."""
    report = Report(model)
    _check_object(MODELS[model], body, "", report)
    return report


def _add(report: Report, path: str, rule: str, message: str, severity: Severity = "error") -> None:
    report.issues.append(Issue(path, rule, severity, message))


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _check_object(element: Element, value: object, path: str, report: Report) -> None:
    if not isinstance(value, dict):
        _add(report, path, "type", "expected an object")
        return
    if not value:  # reported, and its required elements too
        _add(report, path, "json-empty", "an empty object is not allowed")
    children: tuple[Element, ...] = element.children
    if element.type == "context":
        children = HOOK_CONTEXTS.get(report.hook or "", ())
    elif element.type == "Coding":
        children = CODING
    known = {c.name: c for c in children}
    for position, key in enumerate(value):
        if key == "extension" and element.type != "Coding":
            ext = value[key]
            if not isinstance(ext, dict) or not ext:
                _add(report, _join(path, "extension"), "extension", "expected a non-empty object")
        elif key not in known and not element.open:
            _add(report, _join(path, safe_key(key, position)), "unknown", "not an element of the model")
    for child in children:
        _check_element(child, value, _join(path, child.name), report)
    for key in element.invariants:
        _check_invariant(key, value, path, report)


def _check_element(element: Element, parent: Mapping[str, Any], path: str, report: Report) -> None:
    if element.name not in parent:
        if element.min > 0:
            _add(report, path, "cardinality", f"required ({element.min}..{element.max or '*'}) but absent")
        elif element.present:
            _add(report, path, "cardinality", "required (an empty array when there is nothing) but absent")
        return
    value = parent[element.name]
    if element.name == "hook" and path == "hook" and isinstance(value, str):
        report.hook = value  # the context's model depends on the hook
    if value is None:
        _add(report, path, "json-null", "null is not allowed")
        return
    if element.keyed:
        _check_keyed(element, value, path, report)
        return
    if element.is_array:
        if not isinstance(value, list):
            _add(report, path, "type", "expected an array")
            return
        if not value and not element.empty_ok:
            _add(report, path, "json-empty", "an empty array is not allowed (leave the element out)")
        if element.min > len(value):
            _add(report, path, "cardinality", f"at least {element.min} item(s) required")
        for index, item in enumerate(value):
            _check_value(element, item, f"{path}[{index}]", report)
        return
    if isinstance(value, list):
        _add(report, path, "cardinality", "at most one value allowed, found an array")
        return
    _check_value(element, value, path, report)


def _check_keyed(element: Element, value: object, path: str, report: Report) -> None:
    if not isinstance(value, dict):
        _add(report, path, "type", "expected an object of key → value")
        return
    if not value:
        _add(report, path, "json-empty", "an empty object is not allowed (leave the element out)")
    for position, (key, item) in enumerate(value.items()):
        where = _join(path, safe_key(key, position))
        if not isinstance(key, str) or not _CODE.fullmatch(key):
            _add(report, where, "type", "a key must be a code")
        if item is None:
            if not element.nullable:
                _add(report, where, "json-null", "null is not allowed")
            continue
        _check_value(element, item, where, report)


def _check_value(element: Element, value: object, path: str, report: Report) -> None:
    if value is None:
        _add(report, path, "json-null", "null is not allowed")
        return
    if element.type in _PRIMITIVES:
        check, expected = _PRIMITIVES[element.type]
        if isinstance(value, str) and value == "":
            _add(report, path, "json-empty", "an empty string is not allowed")
        elif not check(value):
            _add(report, path, "type", f"expected {expected}")
        elif element.values and value not in element.values:
            _add(report, path, "binding", "not one of " + ", ".join(element.values))
        return
    if element.type == "Resource":
        if not isinstance(value, dict) or not isinstance(value.get("resourceType"), str):
            _add(report, path, "type", "expected a FHIR resource (an object with resourceType)")
        return
    _check_object(element, value, path, report)


def _check_invariant(key: str, node: Mapping[str, Any], path: str, report: Report) -> None:
    invariant = INVARIANTS[key]
    try:
        holds = invariant_holds(key, node)
    except Exception:  # a malformed element the FHIRPath engine cannot walk: reported, never raised
        holds = False
    if not holds:
        _add(report, path, key, invariant.description, invariant.severity)


def validate_part(model: str, name: str, value: object) -> Report:
    """Check one top-level element of a model on its own (`prefetch` of a request, of a service).

    Example:
        >>> validate_part("request", "prefetch", {"patient": None}).ok
        True
    """
    report = Report(model)
    root = MODELS[model]
    if model == "services":  # a service's elements sit one level down, under `services`
        root = root.children[0]
    element = next(c for c in root.children if c.name == name)
    _check_element(element, {name: value}, name, report)
    return report
