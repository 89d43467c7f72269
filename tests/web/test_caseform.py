"""New case / Edit case forms: the timeline built field by field, checked by the contract, stored as versions."""

from __future__ import annotations

import json
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from oligoboard.web import caseform
from tests.web.conftest import CASE_ID, DEMO_CASE, EXAMPLES, csrf, upload

SECRET_VALUE = "N9-SENTINEL"

#: A two-scan timeline (staging PET, restaging CT) with one line of therapy, an RT course and its
#: local treatment, as a clinician would type it (every value is form text).
TIMELINE_FORM: dict[str, str] = {
    "id": "form-01",
    "assessment_date": "2026-10-01",
    "metastatic_diagnosis_date": "2026-06-01",
    "patient.age_years": "67",
    "patient.sex": "male",
    "patient.ecog": "1",
    "tumour.histology": "adenocarcinoma",
    "tumour.histology_confirmed": "true",
    "tumour.diagnosis_date": "2026-06-01",
    "tumour.t": "T2a",
    "tumour.n": "N1",
    "tumour.drivers.egfr": "negative",
    "tumour.pdl1_tps": "50",
    "primary.status": "untreated",
    "primary.radically_treatable": "true",
    "history.polymetastatic_before": "false",
    "staging.mediastinal_staging": "ebus",
    "lesions[0].id": "L1",
    "lesions[0].organ": "adrenal",
    "lesions[0].laterality": "left",
    "lesions[0].detected_date": "2026-06-02",
    "lesions[0].size_mm": "18.5",
    "lesions[0].amenable_to_lat": "true",
    "systemic_therapy[0].line": "1",
    "systemic_therapy[0].regimen": "carboplatin-pemetrexed-pembrolizumab",
    "systemic_therapy[0].category": "chemo_io",
    "systemic_therapy[0].start_date": "2026-06-10",
    "systemic_therapy[0].cycles": "4",
    "imaging[0].id": "PET1",
    "imaging[0].date": "2026-06-02",
    "imaging[0].modality": "fdg_pet_ct",
    "imaging[0].purpose": "staging",
    "imaging[0].findings[0].lesion": "L1",
    "imaging[0].findings[0].status": "new",
    "imaging[0].findings[0].size_mm": "20",
    "imaging[1].id": "CT2",
    "imaging[1].date": "2026-09-20",
    "imaging[1].modality": "ct",
    "imaging[1].purpose": "restaging",
    "imaging[1].response": "SD",
    "imaging[1].findings[0].lesion": "L1",
    "imaging[1].findings[0].status": "stable",
    "imaging[1].findings[0].size_mm": "18.5",
    "radiotherapy_courses[0].id": "RT1",
    "radiotherapy_courses[0].target": "L1",
    "radiotherapy_courses[0].technique": "sbrt",
    "radiotherapy_courses[0].total_dose_gy": "30",
    "radiotherapy_courses[0].fractions": "3",
    "radiotherapy_courses[0].oar.spinal_cord_dmax_gy": "12.5",
    "local_treatments.none": "on",  # known: none given yet
}


class _Fields(HTMLParser):
    """The values a browser would submit: inputs, checked boxes, selected options."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") != "checkbox":
            self.values[name] = a.get("value") or ""
        elif tag == "input" and name and "checked" in a:
            self.values[name] = "on"
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def fields_of(html: str) -> dict[str, str]:
    parser = _Fields()
    parser.feed(html)
    return parser.values


def _post(client: TestClient, path: str, data: dict[str, str]) -> Any:
    return client.post(path, data={**data, "csrf_token": csrf(client)}, follow_redirects=False)


def test_a_two_scan_timeline_made_in_the_form_round_trips_to_the_stored_json(
    client_for: Callable[[str], TestClient],
) -> None:
    client = client_for("clinician")
    response = _post(client, "/cases/new/form", TIMELINE_FORM)
    assert response.status_code == 303 and response.headers["location"] == "/cases/form-01"
    stored = client.get("/api/v1/cases/form-01").json()["document"]
    assert [scan["id"] for scan in stored["imaging"]] == ["PET1", "CT2"]
    assert stored["imaging"][0]["findings"] == [{"lesion": "L1", "status": "new", "size_mm": 20.0}]
    assert stored["imaging"][1]["findings"] == [{"lesion": "L1", "status": "stable", "size_mm": 18.5}]
    assert stored["imaging"][1]["response"] == "SD"
    assert stored["patient"] == {"age_years": 67, "sex": "male", "ecog": 1}
    assert stored["tumour"]["histology_confirmed"] is True and stored["tumour"]["drivers"] == {
        "egfr": "negative"
    }
    assert stored["history"] == {"polymetastatic_before": False}  # blanks are unknown, not no
    assert stored["radiotherapy_courses"][0]["oar"] == {"spinal_cord_dmax_gy": 12.5}
    assert stored["local_treatments"] == []  # "none" ticked: known none
    assert "answers" not in stored  # omitted list/objects stay unknown
    # the edit form shows exactly what is stored: submitting it unchanged is not an edit
    edit = client.get("/cases/form-01/edit")
    assert edit.status_code == 200
    assert _post(client, "/cases/form-01/edit", fields_of(edit.text)).status_code == 303
    assert client.get("/api/v1/cases/form-01").json()["version"] == 1


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("demo-*.json")), ids=lambda p: p.stem)
def test_every_demo_case_survives_the_edit_form_unchanged(
    client_for: Callable[[str], TestClient], path: Path
) -> None:
    client = client_for("clinician")
    assert upload(client, path) == 303
    case_id = json.loads(path.read_text())["id"]
    before = client.get(f"/api/v1/cases/{case_id}").json()["document"]
    edit = client.get(f"/cases/{case_id}/edit")
    assert _post(client, f"/cases/{case_id}/edit", fields_of(edit.text)).status_code == 303
    after = client.get(f"/api/v1/cases/{case_id}").json()
    assert after["version"] == 1 and after["document"] == before


def test_an_edit_is_a_new_version_and_keeps_the_answers(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("clinician")
    document = json.loads(DEMO_CASE.read_text())
    document["answers"] = {"NCT06114108/consent": True}
    assert (
        client.post("/cases", data={"csrf_token": csrf(client), "document": json.dumps(document)}).status_code
        == 200
    )
    values = fields_of(client.get(f"/cases/{CASE_ID}/edit").text)
    values["tumour.t"] = "T2b"
    values["id"] = "someone-else"  # the id of the case being edited cannot be changed by the form
    assert _post(client, f"/cases/{CASE_ID}/edit", values).status_code == 303
    stored = client.get(f"/api/v1/cases/{CASE_ID}").json()
    assert stored["version"] == 2 and stored["document"]["tumour"]["t"] == "T2b"
    assert stored["document"]["answers"] == {"NCT06114108/consent": True}
    assert client.get("/api/v1/cases").json()["total"] == 1


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("lesions[0].size_mm", SECRET_VALUE),
        ("imaging[1].findings[0].size_mm", "-4"),
        ("imaging[1].findings[0].lesion", "L9"),  # not an id of lesions
        ("tumour.n", "N9"),  # not a TNM category
        ("imaging[0].date", "2027-01-01"),  # after assessment_date
        ("patient.ecog", "1.5"),
    ],
)
def test_a_bad_field_shows_its_message_next_to_the_field_and_stores_nothing(
    client_for: Callable[[str], TestClient], path: str, value: str
) -> None:
    client = client_for("clinician")
    response = _post(client, "/cases/new/form", {**TIMELINE_FORM, path: value})
    assert response.status_code == 422
    assert f'<span class="field-error" data-path="{path}">' in response.text
    message = response.text.split(f'data-path="{path}">', 1)[1].split("</span>", 1)[0]
    assert message and value not in message
    # the typed value stays in its own field (the form is not lost); a value that is not one of a list's
    # choices (only a forged request can send one) falls back to "unknown"
    assert fields_of(response.text)[path] == ("" if path == "tumour.n" else value)
    assert client.get("/api/v1/cases").json()["total"] == 0


def test_a_refused_value_appears_only_in_its_own_field(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("clinician")
    response = _post(client, "/cases/new/form", {**TIMELINE_FORM, "lesions[0].size_mm": SECRET_VALUE})
    assert response.status_code == 422
    assert response.text.count(SECRET_VALUE) == 1
    assert f'name="lesions[0].size_mm" value="{SECRET_VALUE}"' in response.text


def test_add_row_re_renders_with_one_more_blank_row_and_stores_nothing(
    client_for: Callable[[str], TestClient],
) -> None:
    client = client_for("clinician")
    response = _post(client, "/cases/new/form", {**TIMELINE_FORM, "add": "imaging[1].findings"})
    assert response.status_code == 200
    # Enter in a field presses the form's first submit button: it must store, not add a row
    form = response.text.split('class="caseform"', 1)[1]
    assert form.split("<button", 1)[1].split(">", 1)[1].startswith("Validate and store")
    values = fields_of(response.text)
    assert values["imaging[1].findings[1].lesion"] == "" and "imaging[1].findings[2].lesion" in values
    assert values["imaging[0].findings[0].lesion"] == "L1"  # what was typed is kept
    assert client.get("/api/v1/cases").json()["total"] == 0
    # the blank rows are dropped on submit: the same case as without them
    assert _post(client, "/cases/new/form", values).status_code == 303
    assert len(client.get("/api/v1/cases/form-01").json()["document"]["imaging"][1]["findings"]) == 1


@pytest.mark.parametrize("role", ["viewer"])
def test_roles_without_case_write_are_refused_the_forms(
    client_for: Callable[[str], TestClient], role: str
) -> None:
    assert upload(client_for("clinician")) == 303
    client = client_for(role)
    assert client.get("/cases/new/form").status_code == 403
    assert client.get(f"/cases/{CASE_ID}/edit").status_code == 403
    assert _post(client, "/cases/new/form", TIMELINE_FORM).status_code == 403
    assert _post(client, f"/cases/{CASE_ID}/edit", {"tumour.t": "T2b"}).status_code == 403
    assert client.get("/api/v1/cases").json()["total"] == 1


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("int", "67", 67),
        ("int", "1.5", "1.5"),  # left as text: the contract names the field
        ("float", "18.5", 18.5),
        ("float", "20", 20),
        ("float", "nan", "nan"),
        ("bool", "true", True),
        ("bool", "false", False),
        ("bool", "maybe", "maybe"),
        ("text", "L1", "L1"),
    ],
)
def test_form_text_is_typed_only_where_the_contract_wants_a_number_or_boolean(
    kind: caseform.Kind, text: str, expected: object
) -> None:
    assert caseform._typed(kind, text) == expected and type(caseform._typed(kind, text)) is type(expected)


def test_an_unticked_empty_list_is_unknown_and_a_ticked_one_is_known_none() -> None:
    base = {"id": "x", "assessment_date": "2026-01-01"}
    assert "lesions" not in caseform.document_from(base)
    assert caseform.document_from({**base, "lesions.none": "on"})["lesions"] == []
    assert caseform.document_from({**base, "lesions[0].organ": ""}).get("lesions") is None
