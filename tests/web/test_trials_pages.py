"""The trial-office pages on the demo trial: screening → enrolment → randomisation → follow-up → analysis,
through the forms (CSRF and roles as everywhere), with Kaplan–Meier and CONSORT figures from trialstats."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from oligoboard.store import trial_repositories as trials
from oligoboard.store.db import transaction
from oligoboard.web.demo import load_demo
from tests.web.conftest import EXAMPLES

TRIAL = "NCT06114108"


@pytest.fixture
def demo_app(app: FastAPI) -> FastAPI:
    load_demo(app.state.factory, EXAMPLES, with_trial=True)
    return app


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_screening_to_follow_up_through_the_forms(
    demo_app: FastAPI, client_for: Callable[[str], TestClient]
) -> None:
    clinician = client_for("clinician")
    page = clinician.get(f"/trials/{TRIAL}")
    assert page.status_code == 200
    assert "demo-02-sync-two-bone-on-induction" in page.text and "Overdue visits" in page.text
    token = form_token(page.text)
    enrolled = clinician.post(
        f"/trials/{TRIAL}/enrolments",
        data={"csrf_token": token, "case_id": "demo-02-sync-two-bone-on-induction"},
        follow_redirects=False,
    )
    assert enrolled.status_code == 303
    location = enrolled.headers["location"]
    enrolment_id = int(location.rsplit("/", 1)[1])
    detail = clinician.get(location).text
    assert "Eligibility snapshot" in detail and "Randomise" in detail
    randomised = clinician.post(
        f"/trials/{TRIAL}/randomisations",
        data={"csrf_token": token, "enrolment_id": str(enrolment_id), "factor_centre": "B"},
        follow_redirects=False,
    )
    assert randomised.status_code == 303
    detail = clinician.get(location).text
    assert "Sequence number" in detail and "centre = B" in detail
    with transaction(demo_app.state.factory) as session:
        allocation = trials.allocation_of(session, enrolment_id)
        assert allocation is not None and allocation.sequence == 19  # after the 18 demo allocations
    refused = clinician.post(
        f"/trials/{TRIAL}/enrolments/{enrolment_id}/visits",
        data={"csrf_token": token, "visit_date": "2020-01-01", "response": "SD"},
    )
    assert refused.status_code == 422 and "visit_date" in refused.text
    wrong_token = clinician.post(
        f"/trials/{TRIAL}/randomisations", data={"csrf_token": "x", "enrolment_id": str(enrolment_id)}
    )
    assert wrong_token.status_code == 403


def test_demo_trial_analysis_page_and_figures(
    demo_app: FastAPI, client_for: Callable[[str], TestClient]
) -> None:
    viewer = client_for("viewer")
    listing = viewer.get("/trials").text
    assert TRIAL in listing
    page = viewer.get(f"/trials/{TRIAL}/analysis")
    assert page.status_code == 200
    assert "Progression-free survival" in page.text and "Log-rank" in page.text
    with transaction(demo_app.state.factory) as session:
        allocations = trials.allocations(session, TRIAL)
        enrolled = trials.enrolments(session, TRIAL)
    assert len(allocations) == 18 and len(enrolled) == 20
    assert "<tr><th>Randomised</th><td>18</td></tr>" in page.text
    for figure in ("pfs", "os", "consort"):
        image = viewer.get(f"/trials/{TRIAL}/analysis/{figure}.png")
        assert image.status_code == 200 and image.content.startswith(b"\x89PNG"), figure
    assert viewer.get(f"/trials/{TRIAL}/analysis/other.png").status_code == 404
    endpoints = viewer.get(f"/api/v1/trials/{TRIAL}/endpoints").json()["items"]
    assert len(endpoints) == 18 and any(e["pfs_event"] for e in endpoints)
    # the demo's course is synthetic but derived: every PFS event is a progression on the timeline or a death
    assert all(e["pfs_days"] <= e["os_days"] for e in endpoints)


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        ("viewer", "/trials/NCT06114108/enrolments", 403),
        ("physicist", "/trials/NCT06114108/randomisations", 403),
        ("coordinator", "/trials/NCT06114108/randomisations/1/invalidations", 403),
        ("clinician", "/trials/NCT06114108/randomisations/1/invalidations", 403),
        ("viewer", "/trials/NCT06114108/enrolments/1/visits", 403),
        ("physicist", "/trials/NCT06114108/enrolments/1/death", 403),
    ],
)
def test_page_forms_deny_roles(
    app: FastAPI, client_for: Callable[[str], TestClient], role: str, path: str, status: int
) -> None:
    client = client_for(role)
    token = form_token(client.get("/trials/NCT06114108").text) if role != "viewer" else "x"
    assert client.post(path, data={"csrf_token": token}).status_code == status


def test_unknown_trial_is_404(app: FastAPI, client_for: Callable[[str], TestClient]) -> None:
    client = client_for("viewer")
    assert client.get("/trials/NCT00000000").status_code == 404
    assert client.get("/api/v1/trials/NCT00000000/enrolments").status_code == 404
