"""The JSON API: same validation (422 naming the field, no value echoed), pagination, OpenAPI at /docs."""

from __future__ import annotations

import json
from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.web.conftest import CASE_ID, DEMO_CASE, csrf


def _headers(client: TestClient) -> dict[str, str]:
    return {"X-CSRF-Token": csrf(client)}


def test_create_read_answer_decide(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("clinician")
    created = client.post("/api/v1/cases", content=DEMO_CASE.read_bytes(), headers=_headers(client))
    assert created.status_code == 201 and created.json() == {"case_id": CASE_ID, "version": 1}
    key = "NCT01282450/remaining-criteria"
    answered = client.post(
        f"/api/v1/cases/{CASE_ID}/answers", json={"key": key, "value": False}, headers=_headers(client)
    )
    assert answered.status_code == 201 and answered.json()["version"] == 2
    decided = client.post(
        f"/api/v1/cases/{CASE_ID}/decisions",
        json={"recommendation": "dlcg-2025-2", "deviation": True, "deviation_reason": "patient preference"},
        headers=_headers(client),
    )
    assert decided.status_code == 201 and decided.json()["case_version"] == 2
    listed = client.get(f"/api/v1/cases/{CASE_ID}/decisions").json()["items"]
    assert listed[0]["deviation"] is True and listed[0]["deviation_reason"] == "patient preference"
    assessment = client.get(f"/api/v1/cases/{CASE_ID}/assessment").json()
    assert (
        assessment["case_id"] == CASE_ID
        and assessment["knowledge_version"] == decided.json()["knowledge_version"]
    )


def test_invalid_case_is_422_naming_the_field_without_its_value(
    client_for: Callable[[str], TestClient],
) -> None:
    client = client_for("clinician")
    document = json.loads(DEMO_CASE.read_text())
    document["patient"] = {"ecog": 7}
    response = client.post("/api/v1/cases", json=document, headers=_headers(client))
    assert response.status_code == 422
    body = response.json()
    assert [p["path"] for p in body["problems"]] == ["patient.ecog"]
    assert "7" not in json.dumps(body["problems"])
    assert client.get("/api/v1/cases").json()["total"] == 0


def test_pagination_bounds_are_validated(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("viewer")
    assert client.get("/api/v1/cases", params={"limit": 101}).status_code == 422
    assert client.get("/api/v1/cases", params={"offset": -1}).status_code == 422
    assert client.get("/api/v1/cases", params={"limit": 100}).json()["limit"] == 100


def test_openapi_lists_the_api(anonymous: TestClient) -> None:
    spec = anonymous.get("/openapi.json").json()
    assert "/api/v1/cases" in spec["paths"] and "/api/v1/cases/{case_id}/assessment" in spec["paths"]
    assert "/login" not in spec["paths"]
    assert anonymous.get("/docs").status_code == 200
