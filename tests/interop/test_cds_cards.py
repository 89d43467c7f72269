"""Cards from assessments: every demo case's cards pass the response model, say what the assessment says,
and the service refuses (500) to send a response that fails its own check.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from oligoboard.case.io import load_case
from oligoboard.interop.cds_hooks import service as service_module
from oligoboard.interop.cds_hooks.cards import MAX_SUMMARY, best_question, build_cards
from oligoboard.interop.cds_hooks.config import CdsConfig
from oligoboard.interop.cds_hooks.discovery import PATIENT_VIEW
from oligoboard.interop.cds_hooks.reasons import override_reasons
from oligoboard.interop.cds_hooks.service import CdsState, Refusal, patient_view
from oligoboard.interop.cds_hooks.validate import validate
from tests.support.cds_ehr import hook_request, patient_id, prefetch_of, server_resources

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cases"
CASES = sorted(p.name for p in EXAMPLES.glob("demo-*.json"))


def _assessment(name: str) -> dict[str, Any]:
    from oligoboard.assessment import assess
    from oligoboard.web.casework import engine

    result: dict[str, Any] = json.loads(json.dumps(assess(load_case(EXAMPLES / name), engine()), default=str))
    return result


@pytest.fixture(scope="module")
def assessments() -> dict[str, dict[str, Any]]:
    return {name: _assessment(name) for name in CASES}


def test_there_are_demo_cases() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize("name", CASES)
def test_cards_of_every_demo_case_pass_the_response_model(
    assessments: dict[str, dict[str, Any]], name: str
) -> None:
    cards = build_cards(assessments[name], "p-1")
    body = {"cards": [c.card for c in cards]}
    assert validate("response", body).issues == []
    assert all(len(c.card["summary"]) <= MAX_SUMMARY for c in cards)
    assert len({c.uuid for c in cards}) == len(cards)
    assert all(c.card["overrideReasons"] == override_reasons() for c in cards)


@pytest.mark.parametrize("name", CASES)
def test_cards_say_what_the_assessment_says(assessments: dict[str, dict[str, Any]], name: str) -> None:
    assessment = assessments[name]
    cards = build_cards(assessment, "p-1")
    kinds = [c.kind for c in cards]
    assert kinds[0] == "disease-state"
    ds = assessment["disease_state"]
    assert (cards[0].card["indicator"] == "warning") == (ds["estro_eortc"] is None)
    applying = [r for r in assessment["recommendations"] if r["status"] == "applies"]
    recs = [c for c in cards if c.kind == "recommendation"]
    assert [c.item for c in recs] == [r["id"] for r in applying]
    for card, rec in zip(recs, applying, strict=True):
        assert f"(grade {rec['grade'] or 'not graded'})" in card.card["summary"]
        assert card.card["source"]["label"] == rec["guideline"]
    fitting = {t["id"] for t in assessment["trials"] if t["status"] in ("eligible", "undetermined")}
    trial_cards = [c for c in cards if c.kind == "trials"]
    assert {i for c in trial_cards for i in c.item.split(",") if i} == fitting
    for card in trial_cards:
        urls = {link["url"] for link in card.card["links"]}
        assert urls == {f"https://clinicaltrials.gov/study/{t}" for t in fitting if t.startswith("NCT")}
        eligible = [t for t in assessment["trials"] if t["status"] == "eligible" and t["recruiting"]]
        assert len(card.suggestions) == len(eligible)


@pytest.mark.parametrize("name", CASES)
def test_the_question_card_asks_for_the_fact_that_settles_most(
    assessments: dict[str, dict[str, Any]], name: str
) -> None:
    assessment = assessments[name]
    questions = [c for c in build_cards(assessment, "p-1") if c.kind == "question"]
    found = best_question(assessment)
    if found is None:
        assert questions == [] and assessment["next_best_questions"] == []
        return
    fact, _text, count, _what = found
    (card,) = questions
    assert card.item == fact
    trial_best = max((q["could_change"] for q in assessment["next_best_questions"]), default=0)
    assert count >= trial_best  # never fewer verdicts than the best trial question alone


def test_an_undetermined_state_is_a_warning_card_listing_the_missing_facts(
    assessments: dict[str, dict[str, Any]],
) -> None:
    assessment = copy.deepcopy(assessments[CASES[0]])
    assessment["disease_state"].update(estro_eortc=None, omd=None, missing=["lesions", "history.omd_before"])
    card = build_cards(assessment, "p-1")[0].card
    assert card["indicator"] == "warning"
    assert "- lesions" in card["detail"] and "- history.omd_before" in card["detail"]


def test_the_service_never_sends_a_response_that_fails_its_own_check(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    resources = server_resources()
    body = hook_request(patient_id(resources), prefetch=prefetch_of(resources), fhir=False)
    state = CdsState.create(CdsConfig())

    def assess(document: dict[str, Any]) -> dict[str, Any]:
        from oligoboard.web.routes.cds_hooks import _assess

        return _assess(document)

    result = patient_view(body, PATIENT_VIEW, state, (), assess)
    assert validate("response", result.body).issues == []

    real = build_cards

    def broken(assessment: Any, pid: str) -> Any:
        cards = real(assessment, pid)
        del cards[1].card["indicator"]  # a card without its REQUIRED indicator
        return cards

    monkeypatch.setattr(service_module, "build_cards", broken)
    with pytest.raises(Refusal) as refused:
        patient_view(body, PATIENT_VIEW, state, (), assess)
    assert refused.value.status == 500
    assert "cards[1].indicator cardinality" in caplog.text
