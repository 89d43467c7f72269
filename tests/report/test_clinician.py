"""The clinician's view and its wording: findings, plain words, whole keys, one status vocabulary.

Issue 12 (wording findings): "the 'why' column states the requirement, not the finding (an EGFR-positive
patient's row says 'Not oncogene-driven (no positive driver among the nine tested)')"; "'3 open' reads as
'recruiting'"; "raw True/False, snake_case states, EQD210, internal references … in the clinician view";
"the DLCG 50 Gy/10 fx example appears in the patient panel as if it were about this patient".
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from oligoboard.assessment.contract import Assessment
from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.engine.runner import Engine
from oligoboard.report.casefiles import CASE_SCHEMA, answers_yaml, blank_case_yaml, comment, open_answers
from oligoboard.report.findings import feature_phrase
from oligoboard.report.labels import answer_key, clinical_text
from oligoboard.report.terminal.clinician import facts_to_collect
from tests.report.snapshot_views import CASES, assessment, render

STEMS = sorted(p.stem for p in CASES.glob("*.json"))


@pytest.fixture(scope="module")
def outputs(engine: Engine) -> dict[str, Assessment]:
    return {stem: assessment(engine, stem) for stem in STEMS}


@pytest.mark.parametrize(
    ("name", "facts", "phrase"),
    [
        ("any_driver_positive", {"any_driver_positive": True, "driver_egfr": "positive"}, "EGFR positive"),
        ("any_driver_positive", {"any_driver_positive": False}, "no driver positive"),
        ("driver_alk", {"driver_alk": "not_tested"}, "ALK not tested"),
        ("n_metastases", {"n_metastases": 1}, "1 metastasis"),
        ("n_organs", {"n_organs": 3}, "3 organs"),
        ("ecog", {"ecog": 2}, "ECOG 2"),
        ("all_lesions_amenable", {"all_lesions_amenable": False}, "not all lesions amenable"),
        ("omd_before", {"omd_before": None}, "OMD before: unknown"),
        ("primary_status", {"primary_status": "absent_unknown"}, "primary status absent unknown"),
    ],
)
def test_a_fact_reads_as_words(kb: KnowledgeBase, name: str, facts: dict[str, Any], phrase: str) -> None:
    assert feature_phrase(name, facts, kb) == phrase


def test_egfr_positive_patient_reads_the_finding_not_the_requirement(
    engine: Engine, outputs: dict[str, dict[str, Any]]
) -> None:
    text = render(engine, outputs["demo-10-egfr-positive-unknown-history"], "clinician", 80)
    assert "EGFR positive → outside DLCG 2025 scope" in text
    assert "Not oncogene-driven" not in text


@pytest.mark.parametrize("stem", STEMS)
def test_clinician_view_has_no_raw_values_or_internal_references(
    engine: Engine, outputs: dict[str, dict[str, Any]], stem: str
) -> None:
    text = render(engine, outputs[stem], "clinician", 80)
    for bad in ("True", "False", "EQD210", "seed 0", "clinical.md", "[S]", "[M]", "_oligo", "…"):
        assert bad not in text, (stem, bad)
    assert not re.search(r"\d+ open\b", text), stem  # a count of "open" trials reads as "recruiting"
    assert "50 Gy in 10 fractions" not in text
    assert max(len(line) for line in text.splitlines()) <= 80
    closed = [t for t in outputs[stem]["trials"] if not t["recruiting"]]
    for line in text.splitlines():
        if any(t["id"] in line for t in closed):
            assert "recruiting" not in line, line


@pytest.mark.parametrize("width", [60, 80, 120, 200])
def test_every_key_to_collect_is_printed_whole(
    engine: Engine, outputs: dict[str, dict[str, Any]], width: int
) -> None:
    for stem in STEMS:
        out = outputs[stem]
        lines = render(engine, out, "clinician", width).splitlines()
        answers, fields = facts_to_collect(out)
        for key, _ in answers + fields:
            assert any(key in line for line in lines), (stem, width, key)


def test_full_view_labels_the_worked_example_as_not_this_patient(
    engine: Engine, outputs: dict[str, dict[str, Any]]
) -> None:
    text = render(engine, outputs["demo-02-sync-two-bone-on-induction"], "full", 200)
    assert "not this patient: 50 Gy in 10 fractions" in " ".join(text.split())
    assert (
        "EQD210" not in text and "BED (α/β 10 Gy)" in text
    )  # the quantity in words, never EQD210/BED10 codes


def test_sources_are_only_in_the_sources_views(engine: Engine, outputs: dict[str, dict[str, Any]]) -> None:
    out = outputs["demo-10-egfr-positive-unknown-history"]
    assert "seed 003" in render(engine, out, "sources", 200)
    assert "seed 003" not in render(engine, out, "clinician", 200)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Stage IVB (clinical.md §4.1) [S/M — confirm in the tables]", "Stage IVB"),
        ("DLCG 2025, anbefaling 1 (seed 002, lines 6-8)", "DLCG 2025, anbefaling 1"),
        (
            "Burden: 1-2 metastases (seed 002, kap. 2); ASTRO 5 or fewer",
            "Burden: 1-2 metastases; ASTRO 5 or fewer",
        ),
    ],
)
def test_internal_references_are_dropped(text: str, shown: str) -> None:
    assert clinical_text(text) == shown


def test_answer_key_of_a_missing_fact() -> None:
    assert answer_key("answers['NCT06114108/consent']") == "NCT06114108/consent"
    assert answer_key("history.omd_before") is None


def test_answers_yaml_lists_every_open_attestation_with_its_text(kb: KnowledgeBase) -> None:
    answered = {"NCT06114108/consent"}
    doc = yaml.safe_load(answers_yaml(kb, answered, "case.json"))
    open_keys = {key for key, _, _ in open_answers(kb, answered)}
    assert set(doc["answers"]) == open_keys
    assert "NCT06114108/consent" not in doc["answers"]
    assert set(doc["answers"].values()) == {None}
    assert set(kb.answer_keys) == open_keys | answered


def test_comments_cannot_carry_control_or_bidi_characters() -> None:
    assert comment("a\nb\x1b]0;title\x07 c\u202e") == "a b]0;title c"


def test_blank_case_is_yaml_with_the_case2_schema_id() -> None:
    doc = yaml.safe_load(blank_case_yaml())
    assert doc["schema"] == CASE_SCHEMA == "oligoboard/case@2"
    assert doc["id"] is None and doc["lesions"] is None and doc["answers"] == {}
