"""One `patient-view` call end to end: resources → case@2 → assessment → cards, and its refusals.

The web route (`web/routes/cds_hooks.py`) authenticates the caller and hands the parsed body here. The
steps and what each refusal answers (the specification asks for an OperationOutcome with a non-2xx):
- the body fails the request model (`validate.py`) → 422 naming the elements;
- the hook is not the service's → 422; the Patient resource is not `context.patientId` → 422;
- a prefetch key is neither prefetched nor fetchable (`prefetch.py`) → 412 naming the keys;
- the resources make no valid case (the FHIR importer's problems, or the case contract's) → 200 with one
  `warning` card listing what is missing (element paths, no values): the clinician learns why there
  is no advice instead of silence;
- the cards fail the response model → 500, logged by rule and path: the service never sends a response
  that fails its own check.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from oligoboard.errors import OligoboardError
from oligoboard.interop.cds_hooks.auth import KeyStore, ReplayCache
from oligoboard.interop.cds_hooks.cards import CardMaker, IssuedCard, build_cards
from oligoboard.interop.cds_hooks.config import CdsConfig
from oligoboard.interop.cds_hooks.discovery import Service
from oligoboard.interop.cds_hooks.prefetch import PatientMismatch, PrefetchUnavailable, gather
from oligoboard.interop.cds_hooks.validate import Issue, validate
from oligoboard.web.problems import safe_message

log = logging.getLogger("oligoboard.cds_hooks")


@dataclass
class CdsState:
    """Per-application state: configuration, one HTTP client (JWK Sets, FHIR servers), key and replay caches."""

    config: CdsConfig
    http: httpx.Client
    keys: KeyStore
    replay: ReplayCache

    @classmethod
    def create(cls, config: CdsConfig, transport: httpx.BaseTransport | None = None) -> CdsState:
        http = httpx.Client(transport=transport, follow_redirects=False, timeout=config.http_timeout_seconds)
        return cls(config=config, http=http, keys=KeyStore(config, http), replay=ReplayCache())


_STATE_LOCK = threading.Lock()


def state_of(app_state: Any, config: CdsConfig) -> CdsState:
    """The application's `CdsState`, made on first use (tests may set `app.state.cds` beforehand)."""
    with _STATE_LOCK:
        existing = getattr(app_state, "cds", None)
        if not isinstance(existing, CdsState):
            existing = CdsState.create(config)
            app_state.cds = existing
        return existing


class Refusal(Exception):
    """A non-2xx answer: HTTP status and an OperationOutcome body."""

    def __init__(self, status: int, outcome: dict[str, Any]) -> None:
        super().__init__(status)
        self.status = status
        self.outcome = outcome


def operation_outcome(code: str, issues: list[tuple[str, str]], severity: str = "error") -> dict[str, Any]:
    """A FHIR OperationOutcome: one issue per (element path, message).

    Example:
        >>> operation_outcome("invalid", [("context.patientId", "required")])["issue"][0]["expression"]
        ['context.patientId']
    """
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": severity,
                "code": code,
                "diagnostics": message,
                **({"expression": [path]} if path else {}),
            }
            for path, message in issues
        ]
        or [{"severity": severity, "code": code}],
    }


def invalid(issues: list[Issue]) -> Refusal:
    return Refusal(422, operation_outcome("invalid", [(i.path, f"{i.message} [{i.rule}]") for i in issues]))


@dataclass(frozen=True)
class HookResult:
    """The response body and the cards in it (for the store)."""

    body: dict[str, Any]
    cards: list[IssuedCard]
    knowledge_version: str


#: resources (every one found) → (case@2 document or None, problems as (path, message))
CaseBuilder = Callable[[list[dict[str, Any]]], tuple[dict[str, Any] | None, list[tuple[str, str]]]]


def case_from_resources(
    resources: list[dict[str, Any]],
) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    """The FHIR importer's case@2 as of today (the chart is open now), or None with the contract's problems.

    Invalid FHIR raises the importer's `FhirInputError` (an `InputError`), which the caller answers 422.
    """
    from oligoboard.interop.fhir.importer import import_resources
    from oligoboard.store.clock import utc_now

    result = import_resources(resources, assessment_date=utc_now().date())
    if result.problems:
        return None, [(p.path, safe_message(p)) for p in result.problems]
    return result.case, []


def patient_view(
    body: Mapping[str, Any],
    service: Service,
    state: CdsState,
    allowed_servers: tuple[str, ...],
    assess: Callable[[dict[str, Any]], dict[str, Any]],
    build_case: CaseBuilder = case_from_resources,
) -> HookResult:
    """Cards for one validated-or-refused request body (see the module docstring for the refusals)."""
    report = validate("request", body)
    if not report.ok:
        raise invalid(report.errors)
    if body["hook"] != service.hook:
        raise Refusal(422, operation_outcome("invalid", [("hook", f"this service answers {service.hook}")]))
    try:
        gathered = gather(
            body, service.prefetch, state.http, allowed_servers, state.config.http_timeout_seconds
        )
    except PrefetchUnavailable as exc:
        issues = [(f"prefetch.{key}", exc.reason) for key in exc.keys]
        raise Refusal(412, operation_outcome("processing", issues)) from exc
    except PatientMismatch as exc:
        raise Refusal(422, operation_outcome("invalid", [("prefetch", str(exc))])) from exc
    patient_id = str(body["context"]["patientId"])
    try:
        document, problems = build_case(gathered.resources)
    except OligoboardError as exc:  # not FHIR R4: the problems name resource and element
        issues = [(p.path, safe_message(p)) for p in exc.problems] or [("prefetch", exc.message)]
        raise Refusal(422, operation_outcome("invalid", issues)) from exc
    assessment: dict[str, Any] | None = None
    if document is not None:
        try:
            assessment = assess(document)
        except OligoboardError as exc:  # the contract refused the imported case: said on a card
            problems += [(p.path, safe_message(p)) for p in exc.problems] or [("<case>", "invalid case")]
    if assessment is None:
        card = no_case_card(patient_id, problems)
        cards, version = [card], ""
    else:
        cards, version = build_cards(assessment, patient_id), str(assessment["knowledge_version"])
    response = {"cards": [c.card for c in cards]}
    checked = validate("response", response)
    if not checked.ok:
        log.error(
            "cds-hooks: response failed its own check: %s",
            "; ".join(f"{i.path} {i.rule}" for i in checked.errors),
        )
        raise Refusal(
            500, operation_outcome("exception", [("", "the service's response failed its own check")])
        )
    return HookResult(response, cards, version)


def no_case_card(patient_id: str, problems: list[tuple[str, str]]) -> IssuedCard:
    """The card saying why there is no assessment: the record's gaps, by element path (no values)."""
    maker = CardMaker(patient_id, "oligoboard FHIR import")
    shown = problems[:15]
    lines = [f"- `{path or '<record>'}`: {message}" for path, message in shown]
    if len(problems) > len(shown):
        lines.append(f"- … and {len(problems) - len(shown)} more")
    detail = "The patient's record does not yet make a case oligoboard can assess:\n\n" + (
        "\n".join(lines) or "- no primary lung cancer found"
    )
    return maker.card(
        "no-case",
        "",
        "oligoboard cannot assess this patient yet: the record does not make a valid case",
        detail,
        indicator="warning",
    )
