"""Prefetch handling and the FHIR-server fallback, unit by unit (the sandbox test runs them over HTTP)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from oligoboard.interop.cds_hooks.discovery import PATIENT_VIEW_PREFETCH
from oligoboard.interop.cds_hooks.prefetch import (
    PatientMismatch,
    PrefetchUnavailable,
    fhir_server_allowed,
    gather,
    render,
    resources_of,
)
from oligoboard.interop.cds_hooks.validate import validate_part
from tests.support.cds_ehr import FHIR_BASE, EhrKeys, SandboxEhr, hook_request, prefetch_of


def _patient(pid: str = "p1") -> dict[str, Any]:
    return {"resourceType": "Patient", "id": pid}


def _resources() -> list[dict[str, Any]]:
    subject = {"reference": "Patient/p1"}
    return [_patient()] + [
        {"resourceType": kind, "id": f"{kind.lower()}-{i}", "subject": subject}
        for kind in ("Condition", "Observation", "MedicationRequest", "MedicationAdministration", "Procedure")
        for i in range(3)
    ]


def test_the_templates_are_valid_service_prefetch_within_the_query_restrictions() -> None:
    assert validate_part("services", "prefetch", PATIENT_VIEW_PREFETCH).issues == []
    for template in PATIENT_VIEW_PREFETCH.values():
        # "instance level read" or "type level search" by the patient reference, nothing else
        assert template.endswith(("/{{context.patientId}}", "?patient={{context.patientId}}"))


def test_render_replaces_context_tokens_and_refuses_others() -> None:
    assert render("Patient/{{context.patientId}}", {"patientId": "a/b"}) == "Patient/a%2Fb"
    with pytest.raises(ValueError):
        render("Practitioner/{{userPractitionerId}}", {"patientId": "p"})
    with pytest.raises(KeyError):
        render("Encounter/{{context.encounterId}}", {"patientId": "p"})


def test_bundles_give_their_resources_without_operation_outcomes() -> None:
    bundle = {
        "resourceType": "Bundle",
        "entry": [{"resource": _patient()}, {"resource": {"resourceType": "OperationOutcome"}}],
    }
    assert resources_of(bundle) == [_patient()]


@pytest.mark.parametrize(
    ("url", "allowed", "ok"),
    [
        ("https://ehr.example.org/fhir", (), True),
        (
            "http://ehr.example.org/fhir",
            (),
            False,
        ),  # "The scheme MUST be https when production data is exchanged"
        ("http://127.0.0.1:9080/fhir", (), True),
        ("https://ehr.example.org/fhir", ("https://ehr.example.org/fhir",), True),
        ("https://ehr.example.org/fhirx", ("https://ehr.example.org/fhir",), False),
        ("https://evil.example.org/fhir", ("https://ehr.example.org/fhir",), False),
    ],
)
def test_the_fhir_server_must_be_https_and_configured(url: str, allowed: tuple[str, ...], ok: bool) -> None:
    assert fhir_server_allowed(url, allowed) is ok


def _http(ehr: SandboxEhr) -> httpx.Client:
    return httpx.Client(transport=ehr.transport())


def test_an_operation_outcome_in_place_of_a_prefetch_is_fetched_instead() -> None:
    ehr = SandboxEhr(EhrKeys(), _resources())
    prefetch = prefetch_of(_resources())
    prefetch["conditions"] = {"resourceType": "OperationOutcome", "issue": []}
    got = gather(hook_request("p1", prefetch=prefetch), PATIENT_VIEW_PREFETCH, _http(ehr))
    assert got.sources["conditions"] == "fhir-server" and got.sources["patient"] == "prefetch"
    assert sum(r["resourceType"] == "Condition" for r in got.resources) == 3


def test_a_paginated_prefetch_is_completed_from_the_server_and_deduplicated() -> None:
    resources = _resources()
    ehr = SandboxEhr(EhrKeys(), resources, page_size=2)
    first = ehr.search("Observation", {"patient": ["p1"]}).json()
    prefetch = prefetch_of(resources)
    prefetch["observations"] = first
    prefetch["conditions"] = {**prefetch["conditions"], "entry": prefetch["conditions"]["entry"] * 2}
    got = gather(hook_request("p1", prefetch=prefetch), PATIENT_VIEW_PREFETCH, _http(ehr))
    assert sum(r["resourceType"] == "Observation" for r in got.resources) == 3
    assert sum(r["resourceType"] == "Condition" for r in got.resources) == 3


def test_a_paginated_prefetch_without_fhir_access_is_unavailable() -> None:
    resources = _resources()
    ehr = SandboxEhr(EhrKeys(), resources, page_size=2)
    prefetch = prefetch_of(resources)
    prefetch["observations"] = ehr.search("Observation", {"patient": ["p1"]}).json()
    with pytest.raises(PrefetchUnavailable) as refused:
        gather(hook_request("p1", prefetch=prefetch, fhir=False), PATIENT_VIEW_PREFETCH, _http(ehr))
    assert refused.value.keys == ["observations"]


def test_next_links_to_another_host_are_not_followed_with_the_token() -> None:
    resources = _resources()
    ehr = SandboxEhr(EhrKeys(), resources)
    prefetch = prefetch_of(resources)
    prefetch["observations"]["link"] = [{"relation": "next", "url": "https://evil.example.org/steal"}]
    with pytest.raises(PrefetchUnavailable, match="outside the FHIR server"):
        gather(hook_request("p1", prefetch=prefetch), PATIENT_VIEW_PREFETCH, _http(ehr))
    assert not any("evil" in call for call in ehr.calls)


def test_a_server_error_is_unavailable_naming_the_key() -> None:
    ehr = SandboxEhr(EhrKeys(), [])  # no Patient: the read answers 404
    with pytest.raises(PrefetchUnavailable) as refused:
        gather(hook_request("p1"), PATIENT_VIEW_PREFETCH, _http(ehr))
    assert refused.value.keys == ["patient"] and "404" in refused.value.reason


def test_an_unconfigured_fhir_server_is_not_called() -> None:
    ehr = SandboxEhr(EhrKeys(), _resources())
    with pytest.raises(PrefetchUnavailable):
        gather(hook_request("p1"), PATIENT_VIEW_PREFETCH, _http(ehr), ("https://other.example.org/fhir",))
    assert not [c for c in ehr.calls if c.startswith(FHIR_BASE)]


def test_a_patient_other_than_the_context_patient_is_a_mismatch() -> None:
    prefetch = prefetch_of(_resources())
    prefetch["patient"] = _patient("p2")
    with pytest.raises(PatientMismatch):
        gather(
            hook_request("p1", prefetch=prefetch, fhir=False),
            PATIENT_VIEW_PREFETCH,
            _http(SandboxEhr(EhrKeys(), [])),
        )


def test_an_access_token_for_another_patient_is_a_mismatch() -> None:
    body = hook_request("p1", prefetch=prefetch_of(_resources()))
    body["fhirAuthorization"]["patient"] = "p2"
    with pytest.raises(PatientMismatch, match=r"fhirAuthorization\.patient"):
        gather(body, PATIENT_VIEW_PREFETCH, _http(SandboxEhr(EhrKeys(), [])))
