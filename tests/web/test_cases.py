"""Cases through the pages: upload validated by the contract, versions and diff, answers, decisions."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from oligoboard.store import repositories as repo
from oligoboard.store.db import transaction
from tests.web.conftest import CASE_ID, DEMO_CASE, csrf, upload

SECRET_VALUE = "N9-SENTINEL"


def _paste(client: TestClient, document: str) -> int:
    return int(client.post("/cases", data={"csrf_token": csrf(client), "document": document}).status_code)


@pytest.mark.parametrize(
    ("document", "path"),
    [
        (json.dumps({"id": "x", "assessment_date": "2026-01-01", "tumour": {"n": SECRET_VALUE}}), "tumour.n"),
        (
            json.dumps(
                {
                    "id": "x",
                    "assessment_date": "2026-01-01",
                    "lesions": [{"id": "L", "size_mm": SECRET_VALUE}],
                }
            ),
            "lesions[0].size_mm",
        ),
        (json.dumps({"id": "x", "assessment_date": "2026-01-01", "tumor": SECRET_VALUE}), "tumor"),
        (json.dumps({"id": "x"}), "assessment_date"),
        (
            json.dumps({"id": "x", "assessment_date": "2026-01-01", "answers": {"no-such/criterion": True}}),
            "answers.<key 1>",  # an answer key is the user's text: named by position, never echoed
        ),
        ("{not json " + SECRET_VALUE, "<document>"),
    ],
)
def test_a_bad_upload_names_the_field_echoes_no_value_and_stores_nothing(
    client_for: Callable[[str], TestClient], document: str, path: str
) -> None:
    client = client_for("clinician")
    response = client.post("/cases", data={"csrf_token": csrf(client), "document": document})
    assert response.status_code == 422
    assert f"<code>{escape(path)}</code>" in response.text
    assert SECRET_VALUE not in response.text
    assert client.get("/api/v1/cases").json()["total"] == 0


def test_upload_then_every_edit_is_a_new_version_with_a_diff(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("clinician")
    assert upload(client) == 303
    page = client.get(f"/cases/{CASE_ID}")
    assert (
        page.status_code == 200
        and "Disease state" in page.text
        and "synchronous oligometastatic" in page.text
    )
    document = json.loads(DEMO_CASE.read_text())
    assert upload(client) == 303  # the same document again: not an edit, no new version
    assert client.get(f"/api/v1/cases/{CASE_ID}").json()["version"] == 1
    document["tumour"]["t"] = "T2b"
    assert _paste(client, json.dumps(document)) == 200  # redirected to the case page
    history = client.get(f"/api/v1/cases/{CASE_ID}/versions").json()
    assert history["total"] == 2 and [v["version"] for v in history["items"]] == [2, 1]
    diff = client.get(f"/cases/{CASE_ID}/diff", params={"a": 1, "b": 2})
    assert "<code>tumour.t</code>" in diff.text and "T2b" in diff.text
    first = client.get(f"/api/v1/cases/{CASE_ID}", params={"version": 1}).json()["document"]
    assert first["tumour"]["t"] == "T2a"  # the first version is kept as it was


def test_answering_an_attested_criterion_makes_a_new_version(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("clinician")
    assert upload(client) == 303
    key = "NCT01282450/remaining-criteria"
    before = client.get(f"/api/v1/cases/{CASE_ID}/assessment").json()
    assert any(q["fact"] == f"answers['{key}']" for q in before["next_best_questions"])
    response = client.post(
        f"/cases/{CASE_ID}/answers",
        data={"csrf_token": csrf(client), "key": key, "value": "yes"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    after = client.get(f"/api/v1/cases/{CASE_ID}").json()
    assert after["version"] == 2 and after["document"]["answers"][key] is True
    assessment = client.get(f"/api/v1/cases/{CASE_ID}/assessment").json()
    assert not any(q["fact"] == f"answers['{key}']" for q in assessment["next_best_questions"])


def test_a_decision_is_bound_to_its_versions_and_says_when_the_knowledge_changed(
    client_for: Callable[[str], TestClient],
) -> None:
    client = client_for("clinician")
    assert upload(client) == 303
    response = client.post(
        f"/cases/{CASE_ID}/decisions",
        data={
            "csrf_token": csrf(client),
            "recommendation": "dlcg-2025-2",
            "attendees": "oncologist, radiologist",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert "The knowledge is unchanged since this decision" in page.text and "dlcg-2025-2" in page.text
    app = client.app
    with transaction(app.state.factory) as session:  # type: ignore[attr-defined]
        from sqlalchemy import text

        session.execute(text("DROP TRIGGER decisions_no_update"))
        session.execute(text("UPDATE decisions SET knowledge_version = '0.0.1+sha256:older'"))
    page = client.get(response.headers["location"])
    assert "The knowledge has changed since this decision" in page.text
    assert "Assessment at the time of the decision" in page.text


def test_a_deviation_needs_its_reason(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("clinician")
    assert upload(client) == 303
    response = client.post(
        f"/cases/{CASE_ID}/decisions",
        data={"csrf_token": csrf(client), "recommendation": "x", "deviation": "on"},
    )
    assert (
        response.status_code == 422
        and 'name="deviation_reason" maxlength="2000"><span class="field-error"' in response.text
    )
    assert client.get(f"/api/v1/cases/{CASE_ID}/decisions").json()["total"] == 0


def test_list_search_and_filters(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("coordinator")
    for path in sorted(DEMO_CASE.parent.glob("demo-0[1-4]*.json")):
        assert upload(client, path) == 303
    assert client.get("/api/v1/cases").json()["total"] == 4
    found = client.get("/api/v1/cases", params={"q": "brain"}).json()["items"]
    assert [c["case_id"] for c in found] == ["demo-03-sync-brain-single"]
    synchronous = client.get("/api/v1/cases", params={"state": "synchronous_oligometastatic"}).json()["items"]
    assert {c["case_id"] for c in synchronous} >= {"demo-01-sync-adrenal", CASE_ID}
    assert all(c["state"] == "synchronous_oligometastatic" for c in synchronous)
    page = client.get("/api/v1/cases", params={"limit": 3, "offset": 3}).json()
    assert page["total"] == 4 and len(page["items"]) == 1
    assert "demo-03-sync-brain-single" in client.get("/cases", params={"q": "brain"}).text


def test_meeting_with_its_case_list(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("coordinator")
    assert upload(client) == 303
    created = client.post(
        "/meetings",
        data={"csrf_token": csrf(client), "title": "Thoracic MDT", "meeting_date": "2026-12-03"},
        follow_redirects=False,
    )
    assert created.status_code == 303
    location = created.headers["location"]
    added = client.post(
        f"{location}/cases", data={"csrf_token": csrf(client), "case_id": CASE_ID}, follow_redirects=False
    )
    assert added.status_code == 303
    assert CASE_ID in client.get(location).text
    assert client.get("/api/v1/cases").json()["items"][0]["next_mdt"] == "2026-12-03"


def test_list_filters_by_trial_status_and_next_mdt(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("coordinator")
    for path in sorted(DEMO_CASE.parent.glob("demo-0[1-4]*.json")):
        assert upload(client, path) == 303
    created = client.post(
        "/meetings",
        data={"csrf_token": csrf(client), "title": "Thoracic MDT", "meeting_date": "2026-12-10"},
        follow_redirects=False,
    )
    client.post(f"{created.headers['location']}/cases", data={"csrf_token": csrf(client), "case_id": CASE_ID})

    def ids(**params: str) -> set[str]:
        return {c["case_id"] for c in client.get("/api/v1/cases", params=params).json()["items"]}

    everything = ids()
    assert ids(next_mdt="2026-12-10") == ids(next_mdt="any") == {CASE_ID}
    assert ids(next_mdt="none") == everything - {CASE_ID}
    assert ids(next_mdt="2026-12-11") == set()
    listed = client.get("/api/v1/cases").json()["items"]
    for status in ("eligible", "undetermined", "none"):
        assert ids(trial_status=status) == {c["case_id"] for c in listed if c["trial_status"] == status}
    page = client.get("/cases", params={"next_mdt": "2026-12-10"}).text
    assert CASE_ID in page and "demo-03-sync-brain-single" not in page
    assert '<option value="2026-12-10" selected>' in page


def test_every_change_is_in_the_audit_chain(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("admin")
    assert upload(client) == 303
    page = client.get("/audit")
    assert "Hash chain intact" in page.text and "case.version" in page.text
    with transaction(client.app.state.factory) as session:  # type: ignore[attr-defined]
        from oligoboard.store import audit

        assert audit.verify(session).ok
        assert len(repo.list_users(session)) == 5


def test_unknown_case_is_404_not_a_traceback(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("viewer")
    assert client.get("/cases/nope").status_code == 404
    assert client.get("/api/v1/cases/nope").json()["error"] == "not_found"


def test_attested_list_offers_open_questions_first_and_keeps_answered_ones() -> None:
    from oligoboard.web.casework import attested_open

    assessment = {
        "next_best_questions": [
            {"fact": "answers['T1/consent']", "attested": True, "question": "Consent?"},
            {"fact": "tumour.n", "attested": False},
        ],
        "trials": [
            {
                "status": "undetermined",
                "criteria": [
                    {"attested": True, "answer_key": "T1/ps", "status": "unknown", "text": "PS 0-1"}
                ],
            },
            {
                "status": "ineligible",
                "criteria": [
                    {"attested": True, "answer_key": "T2/ps", "status": "unknown", "text": "PS 0-1"}
                ],
            },
        ],
    }
    items = attested_open(assessment, {"T3/age": True})
    assert [(i["key"], i["answer"]) for i in items] == [
        ("T1/consent", None),
        ("T1/ps", None),
        ("T3/age", True),
    ]


def test_bad_decision_and_meeting_forms_show_the_message_next_to_the_field(
    client_for: Callable[[str], TestClient],
) -> None:
    client = client_for("clinician")
    assert upload(client) == 303
    page = client.post(
        f"/cases/{CASE_ID}/decisions",
        data={"csrf_token": csrf(client), "recommendation": "", "deviation": "on"},
    )
    assert page.status_code == 422
    assert 'name="recommendation" list="recs" maxlength="200"><span class="field-error"' in page.text
    assert 'name="deviation_reason" maxlength="2000"><span class="field-error"' in page.text
    meeting = client.post(
        "/meetings", data={"csrf_token": csrf(client), "title": "MDT", "meeting_date": "soon"}
    )
    assert meeting.status_code == 422
    assert (
        'type="date"><span class="field-error" role="alert">a date is required (YYYY-MM-DD)' in meeting.text
    )
    assert client.get("/api/v1/meetings").json()["total"] == 0
