"""A sandbox-style CDS Client against the running app: discovery, the hook (with and without prefetch),
feedback, and the refusals an EHR can meet (401, 404, 412, 422), all through HTTP.

The EHR (tests/support/cds_ehr.py) signs RS384 JWTs with a key generated per run, serves its JWK Set and
a FHIR server holding a synthetic demo case through one MockTransport.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from oligoboard.interop.cds_hooks.reasons import SYSTEM
from oligoboard.interop.cds_hooks.service import CdsState
from oligoboard.interop.cds_hooks.validate import validate
from oligoboard.store.cds_models import CdsCard, CdsFeedback
from oligoboard.store.db import transaction
from oligoboard.web.main import create_app
from oligoboard.web.settings import Settings
from tests.support.cds_ehr import (
    BASE_URL,
    FHIR_BASE,
    SERVICE,
    EhrKeys,
    SandboxEhr,
    config,
    hook_request,
    patient_id,
    prefetch_of,
    server_resources,
)

HOOK = f"/cds-services/{SERVICE}"


@pytest.fixture(scope="module")
def keys() -> EhrKeys:
    return EhrKeys()


@pytest.fixture(scope="module")
def resources() -> list[dict[str, Any]]:
    return server_resources()


@pytest.fixture
def ehr(keys: EhrKeys, resources: list[dict[str, Any]]) -> SandboxEhr:
    return SandboxEhr(keys, resources, page_size=7)


@pytest.fixture
def client(tmp_path: Path, ehr: SandboxEhr) -> Iterator[TestClient]:
    cfg = config(fhir_servers=(FHIR_BASE,))
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'cds.db'}", cds=cfg))
    app.state.cds = CdsState.create(cfg, transport=ehr.transport())
    with TestClient(app, base_url=BASE_URL) as test_client:
        yield test_client


def _auth(keys: EhrKeys, path: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {keys.token(BASE_URL + path)}"}


def _call(client: TestClient, keys: EhrKeys, body: Any, path: str = HOOK) -> Any:
    return client.post(path, json=body, headers=_auth(keys, path))


def test_discovery_lists_the_service_and_passes_the_model(client: TestClient) -> None:
    response = client.get("/cds-services")
    assert response.status_code == 200
    body = response.json()
    assert validate("services", body).issues == []
    (service,) = body["services"]
    assert service["id"] == SERVICE and service["hook"] == "patient-view"
    assert service["prefetch"]["patient"] == "Patient/{{context.patientId}}"


def test_the_hook_with_full_prefetch_answers_cards_without_calling_the_fhir_server(
    client: TestClient, keys: EhrKeys, ehr: SandboxEhr, resources: list[dict[str, Any]]
) -> None:
    pid = patient_id(resources)
    response = _call(client, keys, hook_request(pid, prefetch=prefetch_of(resources), fhir=False))
    assert response.status_code == 200, response.text
    body = response.json()
    assert validate("response", body).issues == []
    summaries = [c["summary"] for c in body["cards"]]
    assert summaries[0].startswith("Disease state: synchronous oligometastatic")
    assert any(s.startswith("DLCG 2025 rec. 3 (grade C/C)") for s in summaries)
    assert any("NCT06114108 salVage" in s for s in summaries)
    assert not [c for c in ehr.calls if c.startswith(FHIR_BASE)]


def test_without_prefetch_the_service_fetches_every_page_from_the_fhir_server(
    client: TestClient, keys: EhrKeys, ehr: SandboxEhr, resources: list[dict[str, Any]]
) -> None:
    pid = patient_id(resources)
    with_prefetch = _call(client, keys, hook_request(pid, prefetch=prefetch_of(resources), fhir=False)).json()
    fetched = _call(client, keys, hook_request(pid)).json()
    # same advice either way (card uuids differ per call)
    assert [c["summary"] for c in fetched["cards"]] == [c["summary"] for c in with_prefetch["cards"]]
    fhir_calls = [c for c in ehr.calls if c.startswith(FHIR_BASE)]
    assert f"{FHIR_BASE}/Patient/{pid}" in fhir_calls
    assert f"{FHIR_BASE}/Observation?patient={pid}&_page=2" in fhir_calls  # 49 observations, 7 per page


def test_partial_prefetch_fetches_only_the_missing_keys(
    client: TestClient, keys: EhrKeys, ehr: SandboxEhr, resources: list[dict[str, Any]]
) -> None:
    pid = patient_id(resources)
    prefetch = prefetch_of(resources, keys=("patient", "observations"))
    prefetch["medicationAdministrations"] = None  # "no data to populate a template prefetch key": null
    assert _call(client, keys, hook_request(pid, prefetch=prefetch)).status_code == 200
    asked = {c.split("?")[0].removeprefix(FHIR_BASE + "/") for c in ehr.calls if c.startswith(FHIR_BASE)}
    assert asked == {"Condition", "MedicationRequest", "Procedure", "BodyStructure", "ImagingStudy"}


def test_missing_prefetch_without_fhir_access_is_412_naming_the_keys(
    client: TestClient, keys: EhrKeys, resources: list[dict[str, Any]]
) -> None:
    # "the service SHALL respond with an HTTP 412 Precondition Failed status code"
    body = hook_request(patient_id(resources), prefetch=prefetch_of(resources, keys=("patient",)), fhir=False)
    response = _call(client, keys, body)
    assert response.status_code == 412
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert {i["expression"][0] for i in outcome["issue"]} >= {"prefetch.conditions", "prefetch.observations"}


def test_a_patient_that_is_not_the_context_patient_is_refused(
    client: TestClient, keys: EhrKeys, resources: list[dict[str, Any]]
) -> None:
    body = hook_request("someone-else", prefetch=prefetch_of(resources), fhir=False)
    assert _call(client, keys, body).status_code == 422


def test_an_invalid_request_is_422_with_the_element_and_no_value(
    client: TestClient, keys: EhrKeys, resources: list[dict[str, Any]]
) -> None:
    body = hook_request(patient_id(resources), fhir=False)
    del body["context"]["patientId"]
    response = _call(client, keys, body)
    assert response.status_code == 422
    assert response.json()["issue"][0]["expression"] == ["context.patientId"]
    assert _call(client, keys, {"hook": "patient-view"}, "/cds-services/no-such-service").status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Basic dXNlcjpwYXNz"])
def test_hook_and_feedback_without_a_valid_token_are_401(client: TestClient, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    for path in (HOOK, f"{HOOK}/feedback"):
        response = client.post(path, json={}, headers=headers)
        assert response.status_code == 401, path
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_token_for_another_endpoint_is_401(client: TestClient, keys: EhrKeys) -> None:
    response = client.post(HOOK, json={}, headers=_auth(keys, "/cds-services"))
    assert response.status_code == 401


def _cards(client: TestClient, keys: EhrKeys, resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    body = hook_request(patient_id(resources), prefetch=prefetch_of(resources), fhir=False)
    cards: list[dict[str, Any]] = _call(client, keys, body).json()["cards"]
    return cards


def test_feedback_accepted_and_overridden_is_recorded(
    client: TestClient, keys: EhrKeys, resources: list[dict[str, Any]]
) -> None:
    cards = _cards(client, keys, resources)
    rec = next(c for c in cards if c["summary"].startswith("DLCG 2025 rec. 3"))
    state = cards[0]
    feedback = {
        "feedback": [
            {
                "card": rec["uuid"],
                "outcome": "accepted",
                "acceptedSuggestions": [{"id": rec["suggestions"][0]["uuid"]}],
                "outcomeTimestamp": "2026-12-02T04:30:00Z",
            },
            {
                "card": state["uuid"],
                "outcome": "overridden",
                "overrideReason": {
                    "reason": {"system": SYSTEM, "code": "recipient-disagrees-evidence"},
                    "userComment": "Reviewed at the MDT.",
                },
                "outcomeTimestamp": "2026-12-02T04:31:00Z",
            },
        ]
    }
    response = _call(client, keys, feedback, f"{HOOK}/feedback")
    assert response.status_code == 200, response.text
    assert response.json() == {"recorded": 2}
    app: Any = client.app
    with transaction(app.state.factory) as session:
        rows = session.scalars(select(CdsFeedback).order_by(CdsFeedback.id)).all()
        assert [(r.outcome, r.reason_code) for r in rows] == [
            ("accepted", None),
            ("overridden", "recipient-disagrees-evidence"),
        ]
        issued = session.scalars(select(CdsCard).where(CdsCard.card_uuid == rec["uuid"])).one()
        assert (issued.kind, issued.item) == ("recommendation", "dlcg-2025-3")


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (
            {"overrideReason": {"reason": {"system": SYSTEM, "code": "d7ecf885"}}},
            "feedback[0].overrideReason.reason",
        ),
        (
            {
                "overrideReason": {
                    "reason": {"system": "https://example.com/other", "code": "patient-refuses"}
                }
            },
            "feedback[0].overrideReason.reason",
        ),
        ({"card": "9368d37b-283f-44a0-93ea-547cebab93ed"}, "feedback[0].card"),
        (
            {"outcome": "accepted", "acceptedSuggestions": [{"id": "e56e1945-20b3-4393-8503-a1a20fd73152"}]},
            "feedback[0].acceptedSuggestions[0].id",
        ),
    ],
)
def test_feedback_on_unknown_cards_suggestions_or_reason_codes_is_refused_and_nothing_stored(
    client: TestClient, keys: EhrKeys, resources: list[dict[str, Any]], change: dict[str, Any], path: str
) -> None:
    card = _cards(client, keys, resources)[0]
    entry = {
        "card": card["uuid"],
        "outcome": "overridden",
        "outcomeTimestamp": "2026-12-02T04:30:00Z",
        **change,
    }
    good = {"card": card["uuid"], "outcome": "overridden", "outcomeTimestamp": "2026-12-02T04:30:00Z"}
    response = _call(client, keys, {"feedback": [entry, good]}, f"{HOOK}/feedback")
    assert response.status_code == 422
    assert [i["expression"][0] for i in response.json()["issue"]] == [path]
    app: Any = client.app
    with transaction(app.state.factory) as session:
        assert session.scalars(select(CdsFeedback)).all() == []


def test_feedback_breaking_the_model_is_422(client: TestClient, keys: EhrKeys) -> None:
    # cds-fb-2: "If outcome is 'accepted', acceptedSuggestions SHALL be provided"
    body = {
        "feedback": [
            {
                "card": "4e0a3a1e-3283-4575-ab82-028d55fe2719",
                "outcome": "accepted",
                "outcomeTimestamp": "2021-12-11T10:05:31Z",
            }
        ]
    }
    response = _call(client, keys, body, f"{HOOK}/feedback")
    assert response.status_code == 422
    assert "cds-fb-2" in response.json()["issue"][0]["diagnostics"]


def test_no_patient_value_reaches_the_log(
    client: TestClient, keys: EhrKeys, resources: list[dict[str, Any]], caplog: pytest.LogCaptureFixture
) -> None:
    pid = "PAT-4711-SECRET"
    renamed = json.loads(json.dumps(resources).replace(patient_id(resources), pid))
    caplog.set_level(logging.DEBUG)
    assert (
        _call(client, keys, hook_request(pid, prefetch=prefetch_of(renamed), fhir=False)).status_code == 200
    )
    assert (
        _call(
            client, keys, hook_request(pid, prefetch=prefetch_of(renamed, ("patient",)), fhir=False)
        ).status_code
        == 412
    )
    client.post(HOOK, json={}, headers={"Authorization": "Bearer x"})
    logged = caplog.text
    assert "refused" in logged  # the 401 was logged, by its reason
    assert pid not in logged


def test_a_record_that_makes_no_valid_case_gets_one_warning_card_naming_the_fields(
    client: TestClient, keys: EhrKeys, resources: list[dict[str, Any]]
) -> None:
    future = json.loads(json.dumps(resources).replace("2026-06-01", "2031-06-01"))  # dated after "today"
    response = _call(client, keys, hook_request(patient_id(future), prefetch=prefetch_of(future), fhir=False))
    assert response.status_code == 200
    (card,) = response.json()["cards"]
    assert card["indicator"] == "warning" and "does not make a valid case" in card["summary"]
    assert "`tumour.diagnosis_date`: is after assessment_date" in card["detail"]
    assert "2031" not in card["detail"]
    assert validate("response", response.json()).issues == []
