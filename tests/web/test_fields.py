"""Clinical labels and the contract's checks on the form; human citations instead of internal references."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from oligoboard.case.models import Case, Lesion, Patient, RadiotherapyCourse, Tumour
from oligoboard.web import citations, fields
from tests.web.conftest import CASE_ID, upload

#: internal pointers that must not reach the visible text of a page
INTERNAL = re.compile(r"\bseed \d{3}|shared/seeds|\btrials\.md|\bclinical\.md|\blines? \d+-\d+|\.txt\b")


def test_every_contract_field_has_a_clinical_label() -> None:
    missing = [key for key in fields.contract_keys() if key not in fields.LABELS]
    assert missing == [], f"name these contract fields in web/fields.py LABELS: {missing}"


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("patient.age_years", "Age (years)"),
        ("patient.ecog", "ECOG performance status"),
        ("tumour.pdl1_tps", "PD-L1 tumour proportion score (%)"),
        ("imaging[1].findings[0].size_mm", "Longest diameter (mm)"),
        ("radiotherapy_courses[0].total_dose_gy", "Total prescribed dose (Gy)"),
        ("radiotherapy_courses[0].oar.spinal_cord_dmax_gy", "Spinal cord Dmax (Gy)"),
    ],
)
def test_labels_carry_their_unit(path: str, label: str) -> None:
    assert fields.label(path) == label


@pytest.mark.parametrize(
    ("info", "expected"),
    [
        (Patient.model_fields["age_years"], "whole number 0–130"),
        (Patient.model_fields["ecog"], "whole number 0–4"),
        (Patient.model_fields["birth_date"], "date YYYY-MM-DD"),
        (Tumour.model_fields["histology"], "one of the list"),
        (Tumour.model_fields["histology_confirmed"], "yes / no"),
        (Lesion.model_fields["size_mm"], "number 0–1000"),
        (Lesion.model_fields["id"], "required · text ≤ 200 characters"),
        (RadiotherapyCourse.model_fields["total_dose_gy"], "number > 0, ≤ 500"),
        (Case.model_fields["assessment_date"], "required · date YYYY-MM-DD"),
    ],
)
def test_check_text_is_read_from_the_contract(info: object, expected: str) -> None:
    assert fields.check_text(info) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fact", "words"),
    [
        ("imaging[1].response", "Scan 2 · Overall response (RECIST 1.1)"),
        ("lesions[0].amenable_to_lat", "Metastasis 1 · Amenable to local ablative treatment"),
        ("history.omd_before", "Oligometastatic disease diagnosed and treated before"),
        ("systemic_therapy", "Systemic therapy lines"),
        ("answers['NCT06114108/consent']", "NCT06114108: consent (to attest)"),
    ],
)
def test_missing_facts_read_as_clinical_words(fact: str, words: str) -> None:
    assert fields.fact_label(fact) == words


def test_missing_summary_groups_what_a_clinician_attests() -> None:
    summary = fields.missing_summary(
        ["systemic_therapy", "answers['NCT1/consent']", "answers['NCT2/labs']"], trial_id="NCT1"
    )
    assert summary == "Systemic therapy lines; to attest: consent, NCT2 labs"


class _Visible(HTMLParser):
    """The page's visible text (no attributes: tooltips may keep the internal reference)."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.labels: list[str] = []
        self._in_label = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_label = tag == "span" and ("class", "label") in attrs

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_label:
            self.labels.append(data.strip())
            self._in_label = False


def test_form_shows_clinical_labels_and_the_check_next_to_each_field(
    client_for: Callable[[str], TestClient],
) -> None:
    page = client_for("clinician").get("/cases/new/form").text
    parser = _Visible()
    parser.feed(page)
    assert "ECOG performance status" in parser.labels and "Age (years)" in parser.labels
    assert "ecog" not in parser.labels and "age years" not in parser.labels
    age = page.split('name="patient.age_years"', 1)[1].split("</label>", 1)[0]
    assert "whole number 0–130" in age and "patient.age_years" in age  # the check, then the contract hint


def test_pages_cite_documents_not_internal_references(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("clinician")
    assert upload(client) == 303
    parser = _Visible()
    parser.feed(client.get(f"/cases/{CASE_ID}").text)
    visible = " ".join(parser.text)
    assert INTERNAL.search(visible) is None, INTERNAL.search(visible)
    assert "DLCG 2025, kap. 1 Anbefalinger, anbefaling 3" in visible  # the human citation is there
    assert "seed 002, lines 15-18" in client.get(f"/cases/{CASE_ID}").text  # kept as the tooltip


@pytest.mark.parametrize(
    ("source", "human"),
    [
        (
            "DLCG 2025, kap. 1 Anbefalinger, anbefaling 4 (seed 002, lines 20-23); Ad pkt. 4 (lines 194-201)",
            "DLCG 2025, kap. 1 Anbefalinger, anbefaling 4; Ad pkt. 4",
        ),
        (
            "ASTRO/ESTRO 2023, abstract RESULTS (seed 003): 'a patient-centered …'",
            "ASTRO/ESTRO 2023, abstract RESULTS",
        ),
        ("JTO 2012;7(10) abstract; shared/reference/trials.md §2 S1", "JTO 2012;7(10) abstract"),
        ("UTSW page, inclusion 6: '≤ 3 in liver'; trials.md L2 [V]", "UTSW page, inclusion 6"),
        (
            "shared/seeds/001_46d513f010a267e6.txt (inclusion criteria, bullets 1–9); trials.md §2 S2",
            "ClinicalTrials.gov NCT06114108 registry text (inclusion criteria, bullets 1–9)",
        ),
    ],
)
def test_human_citation_drops_internal_pointers(source: str, human: str) -> None:
    assert citations.human(source) == human
