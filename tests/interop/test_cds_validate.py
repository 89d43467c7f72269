"""The CDS Hooks validator against the specification's own material (`../shared/external/cds-hooks/`).

- the 14 spec examples: the valid ones pass, the two the README names as broken fail for their reason;
- mutations of valid examples, one per rule, each failing with the rule it breaks (spec phrase quoted);
- the hand-written models equal the FSH logical models (elements, cardinalities, invariants);
- the override reasons equal the published clinical ValueSet and the CodeSystem's displays.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from oligoboard.interop.cds_hooks import reasons
from oligoboard.interop.cds_hooks.discovery import discovery
from oligoboard.interop.cds_hooks.validate import INVARIANTS, MODELS, Element, validate, validate_part
from tests.support.shared import SHARED, needs

CDS = SHARED / "external" / "cds-hooks"
EXAMPLES = CDS / "examples"
FSH = CDS / "logical-models"
pytestmark = needs(CDS)

#: example file prefix → model
KIND = {"discovery": "services", "request": "request", "response": "response", "feedback": "feedback"}
#: the two examples the external README says break the spec, and the issue each must raise
BROKEN = {
    "request-with-extension.example.json": ("context.patientId", "cardinality"),
    "response-autolaunchable.example.json": ("cards[0].indicator", "cardinality"),
}


def example(name: str) -> Any:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def _examples() -> list[str]:
    return sorted(p.name for p in EXAMPLES.glob("*.json") if not p.name.startswith("prefetch"))


def test_all_fourteen_examples_are_here() -> None:
    assert len(list(EXAMPLES.glob("*.json"))) == 14


@pytest.mark.parametrize("name", _examples())
def test_spec_examples_pass_except_the_two_broken_ones(name: str) -> None:
    model = KIND[name.split("-")[0]]
    report = validate(model, example(name))
    if name in BROKEN:
        path, rule = BROKEN[name]
        assert [(i.path, i.rule) for i in report.errors] == [(path, rule)]
    else:
        assert report.issues == [], [i.render() for i in report.issues]


def test_prefetch_examples_pass_as_the_parts_they_are() -> None:
    assert validate_part("request", "prefetch", example("prefetch-data.example.json")["prefetch"]).ok
    templates = example("prefetch-templates.example.json")["prefetch"]
    assert validate_part("services", "prefetch", templates).issues == []
    assert not validate_part("services", "prefetch", {**templates, "user": {"a": 1}}).ok


def _set(path: str, value: object) -> Callable[[Any], None]:
    """A mutation setting (or, with `...`, deleting) a dotted path; `[n]` indexes a list."""

    def mutate(body: Any) -> None:
        parts = re.findall(r"[^.\[\]]+|\[\d+\]", path)
        node = body
        for part in parts[:-1]:
            node = node[int(part[1:-1])] if part.startswith("[") else node[part]
        last = parts[-1]
        key: Any = int(last[1:-1]) if last.startswith("[") else last
        if value is ...:
            del node[key]
        else:
            node[key] = value

    return mutate


#: (example, mutation, expected (path, rule), the phrase of the spec or model the rule enforces)
MUTATIONS: list[tuple[str, Callable[[Any], None], tuple[str, str], str]] = [
    (
        "request-patient-view",
        _set("hookInstance", ...),
        ("hookInstance", "cardinality"),
        "hookInstance | REQUIRED",
    ),
    (
        "request-patient-view",
        _set("hookInstance", "not-a-uuid"),
        ("hookInstance", "type"),
        "A UUID for this particular hook call",
    ),
    (
        "request-patient-view",
        _set("fhirServer", ...),
        ("", "cds-r-1"),
        "if fhirAuthorization details are provided, a fhirServer SHALL be specified",
    ),
    (
        "request-patient-view",
        _set("fhirAuthorization.token_type", "MAC"),
        ("fhirAuthorization.token_type", "binding"),
        "token_type | REQUIRED | Fixed value: Bearer",
    ),
    (
        "request-patient-view",
        _set("fhirAuthorization.expires_in", "300"),
        ("fhirAuthorization.expires_in", "type"),
        "expires_in | REQUIRED | integer",
    ),
    (
        "request-patient-view",
        _set("context.userId", ...),
        ("context.userId", "cardinality"),
        "patient-view userId | REQUIRED",
    ),
    (
        "request-patient-view",
        _set("prefetch.patientToGreet", {"gender": "male"}),
        ("prefetch.patientToGreet", "type"),
        "prefetch.value 1..1 Resource",
    ),
    ("request-patient-view", _set("context", {}), ("context", "json-empty"), "{} are prohibited"),
    ("request-patient-view", _set("hook", ""), ("hook", "json-empty"), '"" ... are prohibited'),
    (
        "request-patient-view",
        _set("shoeSize", 43),
        ("shoeSize", "unknown"),
        "the specification reserves the name extension",
    ),
    (
        "response-empty",
        _set("cards[0].indicator", "urgent"),
        ("cards[0].indicator", "binding"),
        "Allowed values ... are: info, warning, critical",
    ),
    (
        "response-empty",
        _set("cards[0].summary", None),
        ("cards[0].summary", "json-null"),
        "JSON elements SHALL NOT be null",
    ),
    ("response-empty", _set("cards[0].source", ...), ("cards[0].source", "cardinality"), "source | REQUIRED"),
    (
        "response-empty",
        _set("cards[0].links[0].appContext", "x"),
        ("cards[0].links[0]", "cds-resp-3"),
        "AppContext only for smart Apps",
    ),
    (
        "response-empty",
        _set("cards[0].links[0].type", "relative"),
        ("cards[0].links[0].type", "binding"),
        "two possible values ... absolute ... smart",
    ),
    (
        "response-empty",
        _set("cards[1].overrideReasons[0].display", ...),
        ("cards[1].overrideReasons[0]", "cds-resp-4"),
        "the CDS Service MUST populate a display value for each reason's Coding",
    ),
    (
        "response-empty",
        _set("cards[1].overrideReasons[0].system", ...),
        ("cards[1].overrideReasons[0].system", "cardinality"),
        "Coding: system | REQUIRED",
    ),
    (
        "response-empty",
        _set("cards[0].suggestions", [{"label": "Do it"}]),
        ("cards[0]", "cds-resp-6"),
        "If suggestions are present, selectionBehavior MUST also be provided.",
    ),
    ("response-empty", _set("cards[0].links", []), ("cards[0].links", "json-empty"), "[] ... are prohibited"),
    ("response-cards", _set("cards", ...), ("cards", "cardinality"), "cards | REQUIRED | array of Cards"),
    (
        "feedback-accepted",
        _set("feedback", ...),
        ("feedback", "cardinality"),
        "SHALL be an object containing an array",
    ),
    (
        "discovery-response",
        _set("services", ...),
        ("services", "cardinality"),
        "SHALL be an object containing a list",
    ),
    (
        "response-system-actions",
        _set("systemActions[0].type", "upsert"),
        ("systemActions[0].type", "binding"),
        "Allowed values are: create, update, delete",
    ),
    (
        "feedback-accepted",
        _set("feedback[0].acceptedSuggestions", ...),
        ("feedback[0]", "cds-fb-2"),
        "If outcome is 'accepted', acceptedSuggestions SHALL be provided",
    ),
    (
        "feedback-accepted",
        _set("feedback[0].outcome", "ignored"),
        ("feedback[0]", "cds-fb-1"),
        "outcome must be 'accepted' or 'overridden'",
    ),
    (
        "feedback-accepted",
        _set("feedback[0].outcomeTimestamp", "2021-12-11 10:05"),
        ("feedback[0].outcomeTimestamp", "type"),
        "as profiled in section 5.6 of RFC3339",
    ),
    (
        "feedback-accepted",
        _set("feedback[0].card", ...),
        ("feedback[0].card", "cardinality"),
        "card | REQUIRED",
    ),
    (
        "feedback-overridden-with-reason",
        _set("feedback[0].overrideReason", {"extension": {"a.b": 1}}),
        ("feedback[0].overrideReason", "cds-fb-3"),
        "An overrideReason must contain a reason, a userComment, or both",
    ),
    (
        "discovery-response",
        _set("services[0].description", ...),
        ("services[0].description", "cardinality"),
        "description | REQUIRED",
    ),
    (
        "discovery-response",
        _set("services[1].prefetch.patient", 7),
        ("services[1].prefetch.patient", "type"),
        "the value is a string representing the FHIR query",
    ),
]


@pytest.mark.parametrize(("name", "mutate", "expected", "phrase"), MUTATIONS)
def test_a_mutated_example_fails_with_the_rule_it_breaks(
    name: str, mutate: Callable[[Any], None], expected: tuple[str, str], phrase: str
) -> None:
    body = copy.deepcopy(example(f"{name}.example.json"))
    assert validate(KIND[name.split("-")[0]], body).ok
    mutate(body)
    report = validate(KIND[name.split("-")[0]], body)
    assert expected in [(i.path, i.rule) for i in report.errors], (
        phrase,
        [i.render() for i in report.issues],
    )


def test_suggestion_invariants_on_a_card_with_suggestions() -> None:
    """cds-resp-1, -5, -7 need suggestions, which no spec example carries: built on the response example."""
    body = copy.deepcopy(example("response-empty.example.json"))
    card = body["cards"][0]
    card["selectionBehavior"] = "at-most-one"
    card["suggestions"] = [
        {"label": "A", "isRecommended": True, "actions": [{"type": "create", "description": "a"}]},
        {"label": "B", "actions": [{"type": "delete", "description": "b", "resourceId": "Task/1"}]},
    ]
    assert validate("response", body).issues == []
    card["suggestions"][1]["isRecommended"] = (
        True  # cds-resp-1: "only one ... if selectionBehavior = at-most-one"
    )
    card["suggestions"][0]["actions"][0].pop("description")  # cds-resp-5: "must have a description"
    card["suggestions"][1]["actionSelectionBehavior"] = "some"  # cds-resp-7
    rules = {(i.path, i.rule) for i in validate("response", body).errors}
    assert rules == {
        ("cards[0]", "cds-resp-1"),
        ("cards[0].suggestions[0]", "cds-resp-5"),
        ("cards[0].suggestions[1]", "cds-resp-7"),
    }


@pytest.mark.parametrize(
    ("mutate", "rule"),
    [
        # cds-r-2 (warning): "the patient field SHOULD be populated"
        (_set("fhirAuthorization.scope", "patient/Observation.read"), "cds-r-2"),
    ],
)
def test_warnings_are_reported_but_do_not_refuse(mutate: Callable[[Any], None], rule: str) -> None:
    body = copy.deepcopy(example("request-patient-view.example.json"))
    mutate(body)
    report = validate("request", body)
    assert report.ok and [i.rule for i in report.issues] == [rule]


def test_delete_with_a_resource_is_a_cds_resp_2_warning() -> None:
    body = {"cards": [], "systemActions": [{"type": "delete", "resource": {"resourceType": "Task"}}]}
    report = validate("response", body)
    assert report.ok and [(i.rule, i.severity) for i in report.issues] == [("cds-resp-2", "warning")]


def test_messages_never_carry_the_values_sent() -> None:
    body = copy.deepcopy(example("request-patient-view.example.json"))
    body["hookInstance"] = "Jane-Doe-1925-12-23"
    body["context"]["Jane Doe"] = "x"
    text = " ".join(i.render() for i in validate("request", body).issues)
    assert "hookInstance" in text and "Jane" not in text and "1925" not in text


def test_the_service_discovery_document_passes() -> None:
    assert validate("services", discovery()).issues == []


# --- the hand-written models equal the FSH logical models ------------------------------------------------

_LINE = re.compile(r"^\* (?P<path>[A-Za-z.]+) (?P<min>\d+)\.\.(?P<max>\d+|\*) (?P<type>\S+)")
_OBEYS = re.compile(r"^\* (?P<path>[A-Za-z.]*)\s*obeys (?P<keys>.+)$")


def _fsh(name: str) -> tuple[dict[str, tuple[int, int | None]], dict[str, set[str]]]:
    elements: dict[str, tuple[int, int | None]] = {}
    obeys: dict[str, set[str]] = {}
    for line in (FSH / f"{name}.fsh").read_text(encoding="utf-8").splitlines():
        if match := _LINE.match(line):
            high = match["max"]
            elements[match["path"]] = (int(match["min"]), None if high == "*" else int(high))
        elif match := _OBEYS.match(line):
            obeys[match["path"]] = {k.strip() for k in match["keys"].split(" and ")}
    return elements, obeys


def _ours(root: Element) -> tuple[dict[str, tuple[int, int | None]], dict[str, set[str]]]:
    elements: dict[str, tuple[int, int | None]] = {}
    obeys: dict[str, set[str]] = {}
    if root.invariants:
        obeys[""] = set(root.invariants)

    def walk(element: Element, prefix: str) -> None:
        path = prefix + (element.fsh or element.name)
        elements[path] = (element.min, element.max)
        if element.invariants:
            obeys[path] = set(element.invariants)
        if element.keyed:  # json-property-key: the FSH has .key and .value children
            elements[path + ".key"] = (1, 1)
            elements[path + ".value"] = (1, 1)
        if element.type in ("object",):
            for child in element.children:
                walk(child, path + ".")

    for child in root.children:
        walk(child, "")
    return elements, obeys


@pytest.mark.parametrize(
    ("fsh", "model"),
    [
        ("CDSHooksServices", "services"),
        ("CDSHooksRequest", "request"),
        ("CDSHooksResponse", "response"),
        ("CDSHooksFeedback", "feedback"),
    ],
)
def test_models_equal_the_fsh_logical_models(fsh: str, model: str) -> None:
    fsh_elements, fsh_obeys = _fsh(fsh)
    fsh_elements.pop("extension", None)  # CDSHooksElement's extension: allowed on every object here
    ours_elements, ours_obeys = _ours(MODELS[model])
    fsh_elements = {p: c for p, c in fsh_elements.items() if not p.startswith("systemActions.")}
    ours_elements = {p: c for p, c in ours_elements.items() if not p.startswith("systemActions.")}
    assert ours_elements == fsh_elements
    assert {p: k for p, k in ours_obeys.items() if p != "systemActions"} == fsh_obeys


def test_system_actions_share_the_card_action_elements() -> None:
    """FSH: `systemActions 0..* contentReference #CDSHooksResponse.cards.suggestions.actions`."""
    response = MODELS["response"]
    cards = next(c for c in response.children if c.name == "cards")
    suggestions = next(c for c in cards.children if c.name == "suggestions")
    actions = next(c for c in suggestions.children if c.name == "actions")
    system = next(c for c in response.children if c.name == "systemActions")
    assert actions.name == "actions" and system.children == actions.children
    assert system.invariants == actions.invariants


def test_invariants_equal_the_fsh_invariants() -> None:
    published = {}
    for path in FSH.glob("cds-*.fsh"):
        text = path.read_text(encoding="utf-8")
        key = re.search(r"^Invariant: (\S+)", text, re.M)
        expression = re.search(r'^\* expression = "(.*)"', text, re.M)
        severity = re.search(r"^\* severity = #(\w+)", text, re.M)
        assert key and expression and severity, path.name
        published[key[1]] = (severity[1], expression[1])
    assert {k: (i.severity, i.expression) for k, i in INVARIANTS.items()} == published


def test_override_reasons_equal_the_published_value_set() -> None:
    value_set = json.loads((CDS / "ValueSet-non-adherence-reason-clinical.json").read_text(encoding="utf-8"))
    system = json.loads((CDS / "CodeSystem-non-adherence-reason-codes.json").read_text(encoding="utf-8"))
    (include,) = value_set["compose"]["include"]
    displays: dict[str, str] = {}

    def walk(concepts: list[dict[str, Any]]) -> None:
        for concept in concepts:
            displays[concept["code"]] = concept["display"]
            walk(concept.get("concept", []))

    walk(system["concept"])
    assert include["system"] == reasons.SYSTEM == system["url"]
    assert value_set["url"] == reasons.VALUE_SET
    assert list(reasons.REASONS) == [(c["code"], displays[c["code"]]) for c in include["concept"]]


def test_the_fsh_folder_is_read() -> None:
    assert len(list(Path(FSH).glob("*.fsh"))) >= 16
