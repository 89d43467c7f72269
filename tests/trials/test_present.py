"""Explanations, "not now", the next-best-question ranking, counting units, the CLI catalogue views."""

from __future__ import annotations

import io
import json

from typer.testing import CliRunner

from oligoboard.case.models import Case
from oligoboard.cli.trials import trials_app
from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.engine.runner import Engine
from oligoboard.report.terminal.trials import render_trials
from oligoboard.trials.models import Trial
from oligoboard.trials.section import trials_section
from tests.support import trial_profiles as b


def _section(engine: Engine, kb: KnowledgeBase, case: Case) -> dict[str, Trial]:
    return {t["id"]: t for t in trials_section(engine.evaluate_one(case), kb)["trials"]}


def test_one_case_counted_differently_by_two_trials(engine: Engine) -> None:
    """Four bone + two brain lesions: salVage counts 4 extracranial (≤ 5, seed 001 'residual extracranial')
    plus 2 cranial (≤ 5 'in addition'); SARON counts 6 lesions, brain included ('1–5 lesions in max 3
    organs')."""
    case = b.build(
        b.synchronous_after_induction(), b.with_lesions("bone", "bone", "bone", "bone", "brain", "brain")
    )
    result = engine.evaluate_one(case)
    salvage = {c.id: c.status for c in result.rule_sets["NCT06114108"].criteria}
    saron = {c.id: c.status for c in result.rule_sets["NCT02417662"].criteria}
    assert salvage["residual-extracranial"] == "met" and salvage["cranial"] == "met"
    assert saron["one-to-five-lesions"] == "not_met"
    assert result.features["n_extracranial"] == 4 and result.features["n_metastases"] == 6


def test_contract_keys_and_deciding_criterion_first(engine: Engine, kb: KnowledgeBase) -> None:
    case = b.build(b.synchronous_after_induction(), b.setter("tumour.histology", "sclc"))
    items = _section(engine, kb, case)
    for item in items.values():
        assert {"id", "status", "criteria", "missing"} <= set(item)
        for crit in item["criteria"]:
            assert {"id", "kind", "status"} <= set(crit)
    maastro = items["NCT01282450"]
    assert maastro["status"] == "ineligible" and maastro["verdict"] == "ineligible"
    assert maastro["criteria"][0]["id"] == "nsclc-confirmed"
    assert maastro["recruiting"] is False


def test_failure_on_recoverable_criteria_only_is_not_now(engine: Engine, kb: KnowledgeBase) -> None:
    """ECOG 2 fails salVage's 'ECOG performance status ≤ 1' (seed 001), which can improve: "not now"."""
    case = b.build(b.synchronous_after_induction(), b.setter("patient.ecog", 2))
    salvage = _section(engine, kb, case)["NCT06114108"]
    assert salvage["status"] == "ineligible"
    assert salvage["verdict"] == "not_now"
    assert salvage["not_now"] == ["needs: ECOG performance status ≤ 1."]


def test_failure_on_unrecoverable_criterion_is_plain_ineligible(engine: Engine, kb: KnowledgeBase) -> None:
    case = b.build(
        b.synchronous_after_induction(), b.setter("patient.ecog", 2), b.setter("tumour.histology", "sclc")
    )
    salvage = _section(engine, kb, case)["NCT06114108"]
    assert salvage["verdict"] == "ineligible" and salvage["not_now"] is None
    assert set(salvage["deciding"]) == {"ecog", "nsclc-stage-iv"}


def test_next_best_question_ranks_shared_facts_first(engine: Engine, kb: KnowledgeBase) -> None:
    """Unknown ECOG is read by many trials; each trial's consent attestation changes only that trial."""
    case = b.build(b.synchronous_after_induction(), b.setter("patient.ecog", None))
    questions = trials_section(engine.evaluate_one(case), kb)["next_best_questions"]
    assert questions[0]["fact"] == "patient.ecog"
    assert questions[0]["could_change"] >= 3
    counts = [(q["could_change_recruiting"], q["could_change"]) for q in questions]
    assert counts == sorted(counts, reverse=True)
    consent = next(q for q in questions if q["fact"] == "answers['NCT06114108/consent']")
    assert consent["trials"] == ["NCT06114108"] and consent["attested"] is True


def test_rich_view_puts_questions_first(engine: Engine, kb: KnowledgeBase) -> None:
    section = trials_section(engine.evaluate_one(b.build(b.synchronous_after_induction())), kb)
    renderables = render_trials(section)
    assert len(renderables) == 2
    assert "Next best questions" in str(getattr(renderables[0], "title", ""))


def test_cli_list_show_compare() -> None:
    runner = CliRunner()
    listed = runner.invoke(trials_app, ["list", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = {r["id"]: r for r in json.loads(listed.output)}
    assert rows["NCT01282450"]["recruiting"] is False and rows["NCT06114108"]["date"] == "2025-02-21"
    shown = runner.invoke(trials_app, ["show", "NCT06523673", "--json"])
    assert shown.exit_code == 0, shown.output
    doc = json.loads(shown.output)
    assert any("27–70 Gy" in (arm["rt"] or "") for arm in doc["arms"])
    assert {c["id"] for c in doc["criteria"]} >= {"oligoprogression-extracranial", "consent"}
    compared = runner.invoke(trials_app, ["compare", "--json", "--recruiting"])
    assert compared.exit_code == 0, compared.output
    assert all(r["recruiting"] for r in json.loads(compared.output))
    assert runner.invoke(trials_app, ["show", "NCT00000000"]).exit_code == 2
    assert runner.invoke(trials_app, ["show", "NCT01282450"]).exit_code == 0
    assert runner.invoke(trials_app, ["compare"]).exit_code == 0


def test_catalogue_fits_80_columns_and_never_cuts_an_id(kb: KnowledgeBase) -> None:
    """`trials list` ids are what `trials show ID` needs: whole at 80 columns, and no line wider than that."""
    from rich.console import Console

    from oligoboard.report.terminal.trials import render_catalogue
    from oligoboard.trials.metadata import trial_cards

    cards = trial_cards(kb)
    for width in (80, 200):
        console = Console(width=width, record=True, file=io.StringIO())
        console.print(render_catalogue(cards))
        text = console.export_text()
        lines = text.splitlines()
        assert max(len(line) for line in lines) <= width
        assert lines[-1].endswith("┘"), "the table was cropped, not fitted"
        for card in cards:
            assert card.id in text, card.id
