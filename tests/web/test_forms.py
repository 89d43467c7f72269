"""Bad input on every form: 422, the message next to its field, no value echoed, and nothing stored.

Upload, New case and the decision form have their own tests (test_cases.py, test_caseform.py); this file
covers the rest, so every form of the workspace has one: Edit case, the attested answers, a new meeting
(an impossible date), and a meeting's case list (an unknown case).
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.web.conftest import CASE_ID, csrf, upload

SECRET = "SENTINEL-VALUE-77"


def _versions(client: TestClient) -> int:
    return len(client.get(f"/api/v1/cases/{CASE_ID}/versions").json()["items"])


def test_edit_form_refuses_a_bad_field_next_to_it_and_keeps_the_version(
    client_for: Callable[[str], TestClient],
) -> None:
    client = client_for("clinician")
    assert upload(client) == 303
    form = {"csrf_token": csrf(client), "assessment_date": "2026-10-01", "patient.ecog": SECRET}
    response = client.post(f"/cases/{CASE_ID}/edit", data=form)
    assert response.status_code == 422
    field = response.text.split('name="patient.ecog"', 1)[1].split("</label>", 1)[0]
    assert '<span class="field-error" data-path="patient.ecog">' in field
    message = field.split('data-path="patient.ecog">', 1)[1].split("</span>", 1)[0]
    assert SECRET not in message  # the field keeps what was typed; the message never holds it
    assert _versions(client) == 1


def test_answer_with_an_unknown_criterion_is_refused_next_to_the_criteria(
    client_for: Callable[[str], TestClient],
) -> None:
    client = client_for("clinician")
    assert upload(client) == 303
    response = client.post(
        f"/cases/{CASE_ID}/answers",
        data={"csrf_token": csrf(client), "key": f"no-such/{SECRET}", "value": "yes"},
    )
    assert response.status_code == 422
    criteria = response.text.split('id="criteria"', 1)[1].split("</section>", 1)[0]
    assert 'class="error" role="alert">The answer was not stored' in criteria
    assert SECRET not in response.text
    assert _versions(client) == 1


def test_answer_with_a_bad_value_is_refused_next_to_its_criterion(
    client_for: Callable[[str], TestClient],
) -> None:
    client = client_for("clinician")
    assert upload(client) == 303
    key = "NCT01282450/remaining-criteria"
    response = client.post(
        f"/cases/{CASE_ID}/answers", data={"csrf_token": csrf(client), "key": key, "value": "maybe"}
    )
    assert response.status_code == 422
    row = response.text.split(f'name="key" value="{key}"', 1)[1].split("</tr>", 1)[0]
    assert '<span class="field-error" role="alert">answer yes, no or unknown</span>' in row
    assert _versions(client) == 1


def test_meeting_with_an_impossible_date_is_refused_next_to_the_date(
    client_for: Callable[[str], TestClient],
) -> None:
    client = client_for("coordinator")
    response = client.post(
        "/meetings", data={"csrf_token": csrf(client), "title": "MDT", "meeting_date": "2026-02-30"}
    )
    assert response.status_code == 422
    assert 'type="date"><span class="field-error" role="alert">a date is required' in response.text
    assert client.get("/api/v1/meetings").json()["total"] == 0


def test_adding_an_unknown_case_to_a_meeting_is_refused_next_to_the_field(
    client_for: Callable[[str], TestClient],
) -> None:
    client = client_for("clinician")
    assert upload(client) == 303
    created = client.post(
        "/meetings",
        data={"csrf_token": csrf(client), "title": "MDT", "meeting_date": "2026-12-10"},
        follow_redirects=False,
    )
    where = created.headers["location"]
    response = client.post(f"{where}/cases", data={"csrf_token": csrf(client), "case_id": SECRET})
    assert response.status_code == 422
    assert '</select><span class="field-error" role="alert">choose a stored case</span>' in response.text
    assert SECRET not in response.text.split("<select", 1)[0]
    assert "No case on this meeting's list yet." in response.text


def test_re_rendering_a_form_does_not_pile_up_blank_rows(client_for: Callable[[str], TestClient]) -> None:
    """Each refused submit or "add row" re-renders the form: the other lists keep one blank row."""
    from tests.web.test_caseform import TIMELINE_FORM, fields_of

    client = client_for("clinician")
    values = {**TIMELINE_FORM, "csrf_token": csrf(client)}
    for _ in range(3):
        page = client.post("/cases/new/form", data={**values, "add": "imaging"}).text
        values = {**fields_of(page), "csrf_token": csrf(client)}
    assert "lesions[1].id" in values and "lesions[2].id" not in values
    assert "imaging[5].id" in values and "imaging[6].id" not in values  # 2 scans + 1 blank + 3 added
