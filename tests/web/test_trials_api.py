"""The trial-operations API through the app: the whole path on a demo case, role denials per route, and
bad input answered 422 with the field named and nothing stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from oligoboard.store.db import transaction
from oligoboard.store.models import AuditEvent, CaseVersion
from oligoboard.store.trial_models import Allocation, AllocationLogEntry, Death, Enrolment, Visit
from tests.web.conftest import CASE_ID, EXAMPLES, csrf, upload

TRIAL = "NCT06114108"
BASE = f"/api/v1/trials/{TRIAL}"
UNDETERMINED = EXAMPLES / "demo-08-induced-oligopersistence.json"


def post(client: TestClient, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json=body, headers={"X-CSRF-Token": csrf(client)})


def counts(app: FastAPI) -> dict[str, int]:
    with transaction(app.state.factory) as session:
        return {
            m.__tablename__: int(session.scalar(select(func.count()).select_from(m)) or 0)
            for m in (Enrolment, Allocation, AllocationLogEntry, Visit, Death, CaseVersion, AuditEvent)
        }


def test_the_path_from_enrolment_to_endpoints(client_for: Callable[[str], TestClient]) -> None:
    coord = client_for("coordinator")
    assert upload(coord) == 303
    enrolled = post(coord, f"{BASE}/enrolments", {"case_id": CASE_ID, "enrolment_date": "2026-10-01"})
    assert enrolled.status_code == 201, enrolled.text
    assert enrolled.json()["verdict"] == "eligible"
    enrolment_id = enrolled.json()["enrolment_id"]
    listed = coord.get(f"{BASE}/enrolments").json()["items"]
    assert [(r["case_id"], r["sequence"], r["arm"]) for r in listed] == [(CASE_ID, None, None)]
    done = post(
        coord,
        f"{BASE}/randomisations",
        {"enrolment_id": enrolment_id, "factors": {"centre": "A"}, "randomisation_date": "2026-10-02"},
    )
    assert done.status_code == 201, done.text
    assert done.json()["sequence"] == 1 and done.json()["arm"] in ("control", "lat")
    visit = post(
        coord,
        f"{BASE}/enrolments/{enrolment_id}/visits",
        {"visit_date": "2026-11-02", "visit_no": 1, "response": "PD", "progression_site": "liver"},
    )
    assert visit.status_code == 201, visit.text
    case = coord.get(f"/api/v1/cases/{CASE_ID}").json()
    assert case["version"] == visit.json()["case_version"]
    assert case["document"]["imaging"][-1]["response"] == "PD"
    assert (
        post(coord, f"{BASE}/enrolments/{enrolment_id}/death", {"death_date": "2026-11-20"}).status_code
        == 201
    )
    endpoints = coord.get(f"{BASE}/endpoints").json()["items"]
    assert [
        (e["pfs_days"], e["pfs_event"], e["os_days"], e["os_event"], e["progression_sites"])
        for e in endpoints
    ] == [(31, True, 49, True, ["liver"])]
    visits = coord.get(f"{BASE}/enrolments/{enrolment_id}/visits").json()["items"]
    assert [v["visit_no"] for v in visits] == [1]


def _setup(client_for: Callable[[str], TestClient]) -> tuple[TestClient, int]:
    coord = client_for("coordinator")
    assert upload(coord) == 303
    enrolled = post(coord, f"{BASE}/enrolments", {"case_id": CASE_ID, "enrolment_date": "2026-10-01"})
    return coord, int(enrolled.json()["enrolment_id"])


@pytest.mark.parametrize(
    ("method", "path", "body", "allowed"),
    [
        ("post", f"{BASE}/enrolments", {"case_id": CASE_ID}, {"coordinator", "clinician", "admin"}),
        ("post", f"{BASE}/randomisations", {"enrolment_id": 1}, {"coordinator", "clinician", "admin"}),
        ("post", f"{BASE}/randomisations/1/invalidations", {"reason": "x"}, {"admin"}),
        ("post", f"{BASE}/enrolments/1/visits", {}, {"coordinator", "clinician", "admin"}),
        ("post", f"{BASE}/enrolments/1/death", {}, {"coordinator", "clinician", "admin"}),
        ("get", f"{BASE}/enrolments", None, {"viewer", "physicist", "coordinator", "clinician", "admin"}),
        ("get", f"{BASE}/overdue", None, {"viewer", "physicist", "coordinator", "clinician", "admin"}),
        ("get", f"/trials/{TRIAL}", None, {"viewer", "physicist", "coordinator", "clinician", "admin"}),
    ],
)
def test_role_denials_per_route(
    client_for: Callable[[str], TestClient],
    method: str,
    path: str,
    body: dict[str, Any] | None,
    allowed: set[str],
) -> None:
    for role in ("viewer", "physicist", "coordinator", "clinician", "admin"):
        client = client_for(role)
        response = client.get(path) if method == "get" else post(client, path, body or {})
        if role in allowed:
            assert response.status_code != 403, (role, path)
        else:
            assert response.status_code == 403, (role, path, response.status_code)


def test_undetermined_enrolment_override_by_role(
    client_for: Callable[[str], TestClient], app: FastAPI
) -> None:
    coord = client_for("coordinator")
    assert upload(coord, UNDETERMINED) == 303
    case_id = UNDETERMINED.stem
    refused = post(
        coord, f"{BASE}/enrolments", {"case_id": case_id, "override_reason": "MRI judged adequate"}
    )
    assert refused.status_code == 422 and refused.json()["problems"][0]["path"] == "override_reason"
    assert counts(app)["trial_enrolments"] == 0
    clinician = client_for("clinician")
    assert post(clinician, f"{BASE}/enrolments", {"case_id": case_id}).status_code == 422
    done = post(
        clinician, f"{BASE}/enrolments", {"case_id": case_id, "override_reason": "MRI judged adequate"}
    )
    assert done.status_code == 201 and done.json()["verdict"] == "undetermined"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "randomisations",
            {"enrolment_id": "{e}", "factors": {"centre": "A", "smoking": "y"}},
            "factors.smoking",
        ),
        ("randomisations", {"enrolment_id": "{e}"}, "factors.centre"),
        (
            "randomisations",
            {"enrolment_id": "{e}", "factors": {"centre": "A"}, "randomisation_date": "2026-09-01"},
            "randomisation_date",
        ),
        ("enrolments/{e}/visits", {"visit_date": "2026-09-01", "response": "SD"}, "visit_date"),
        ("enrolments/{e}/visits", {"visit_date": "2026-11-01", "response": "PD"}, "progression_site"),
        ("enrolments/{e}/visits", {"visit_date": "not a date", "response": "SD"}, "visit_date"),
        ("enrolments/{e}/death", {"death_date": "2026-09-01"}, "death_date"),
        ("enrolments", {"case_id": CASE_ID}, "case_id"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_stores_nothing(
    client_for: Callable[[str], TestClient], app: FastAPI, path: str, body: dict[str, Any], field: str
) -> None:
    coord, enrolment_id = _setup(client_for)
    before = counts(app)
    filled = {k: (enrolment_id if v == "{e}" else v) for k, v in body.items()}
    response = post(coord, f"{BASE}/{path.format(e=enrolment_id)}", filled)
    assert response.status_code == 422, response.text
    assert field in [p["path"] for p in response.json()["problems"]]
    assert counts(app) == before


def test_randomising_twice_and_death_before_progression_are_refused(
    client_for: Callable[[str], TestClient], app: FastAPI
) -> None:
    coord, enrolment_id = _setup(client_for)
    body = {"enrolment_id": enrolment_id, "factors": {"centre": "A"}, "randomisation_date": "2026-10-01"}
    assert post(coord, f"{BASE}/randomisations", body).status_code == 201
    before = counts(app)
    again = post(coord, f"{BASE}/randomisations", body)
    assert again.status_code == 422
    assert again.json()["problems"] == [
        {
            "path": "enrolment_id",
            "message": "this patient is already randomised in this trial",
            "expected": None,
        }
    ]
    assert counts(app) == before
    progressed = {"visit_date": "2026-11-10", "response": "PD", "progression_site": "liver"}
    assert post(coord, f"{BASE}/enrolments/{enrolment_id}/visits", progressed).status_code == 201
    before = counts(app)
    early = post(coord, f"{BASE}/enrolments/{enrolment_id}/death", {"death_date": "2026-11-01"})
    assert early.status_code == 422
    assert [p["message"] for p in early.json()["problems"]] == [
        "before the recorded progression",
        "before a recorded visit",
    ]
    assert counts(app) == before


def test_no_route_reveals_an_unassigned_allocation(client_for: Callable[[str], TestClient]) -> None:
    """Concealment: before assignment the lists and pages carry no arm, no block and no secret."""
    coord, enrolment_id = _setup(client_for)
    admin = client_for("admin")
    for client in (coord, admin):
        listed = client.get(f"{BASE}/enrolments").json()["items"][0]
        assert listed["arm"] is None and listed["sequence"] is None and "block" not in str(listed)
        page = client.get(f"/trials/{TRIAL}/enrolments/{enrolment_id}").text
        assert "Not randomised" in page or "Randomise" in page
        for word in ("secret", "block_size", "Control</td>", "ST + LAT</td>"):
            assert word not in page
    assert coord.get("/openapi.json").status_code == 200
    paths = coord.get("/openapi.json").json()["paths"]
    assert not any("secret" in p or "sequence-list" in p for p in paths)
