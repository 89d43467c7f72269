"""missing.py turns an unknown answer's NULL features into the concrete case fields to collect."""

from __future__ import annotations

from typing import Any

import pytest

from oligoboard.engine.knowledge_base import FeatureInfo
from oligoboard.engine.missing import concrete_missing, missing_facts

DOC: dict[str, Any] = {
    "patient": {"ecog": None, "sex": "male"},
    "tumour": {"drivers": {"egfr": "not_tested", "alk": "negative"}},
    "lesions": [{"organ": "bone"}, {"organ": None}],
    "systemic_therapy": [{"line": 1, "cycles": None}, {"line": 2, "cycles": None}],
}


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("patient.ecog", ["patient.ecog"]),  # None is unknown
        ("patient.sex", []),
        ("tumour.drivers.egfr", ["tumour.drivers.egfr"]),  # not_tested is as unknown as a blank
        ("tumour.drivers.alk", []),
        ("lesions[].organ", ["lesions[1].organ"]),
        ("systemic_therapy[line=1].cycles", ["systemic_therapy[0].cycles"]),  # only first-line entries
        ("radiotherapy_courses[].fractions", ["radiotherapy_courses"]),  # the list itself is missing
        ("staging.brain_mri_date", ["staging.brain_mri_date"]),
    ],
)
def test_concrete_missing(pattern: str, expected: list[str]) -> None:
    assert concrete_missing(DOC, pattern) == expected


CATALOGUE = {
    "ecog": FeatureInfo("ecog", "integer", "d", ("patient.ecog",)),
    "n_organs": FeatureInfo("n_organs", "integer", "d", ("lesions", "lesions[].organ")),
    "sex": FeatureInfo("sex", "text", "d", ("patient.sex",)),
}


def test_missing_facts_skips_known_columns_and_keeps_answers() -> None:
    row = {"ecog": None, "n_organs": None, "sex": "male"}
    reads = {"ecog", "n_organs", "sex", "answers['T/consent']"}
    assert missing_facts(reads, row, CATALOGUE, DOC) == [
        "answers['T/consent']",
        "patient.ecog",
        "lesions[1].organ",
    ]


def test_without_a_document_the_catalogue_patterns_are_reported() -> None:
    assert missing_facts({"n_organs"}, {"n_organs": None}, CATALOGUE, None) == ["lesions", "lesions[].organ"]


def test_a_null_column_with_every_input_present_names_the_derived_fact() -> None:
    doc = {"patient": {"ecog": 1}}
    assert missing_facts({"ecog"}, {"ecog": None}, CATALOGUE, doc) == ["ecog"]
