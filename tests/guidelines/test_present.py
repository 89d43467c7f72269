"""The assessment section: contract keys, alternatives, work-up gaps, concordance, Rich, and the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from rich.console import Console
from typer.testing import CliRunner

from oligoboard.cli.guidelines import guidelines_app
from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.engine.results import CaseResult
from oligoboard.guidelines import recommendations_section
from oligoboard.guidelines.models import RecommendationsSection
from oligoboard.report.terminal.guidelines import render_recommendations
from tests.support.guideline_cases import build_case, lesion

Evaluate = Callable[[dict[str, Any]], CaseResult]
CONTRACT = {"id", "status", "grade", "text", "source", "missing"}


def _section(evaluate: Evaluate, kb: KnowledgeBase, **changes: Any) -> RecommendationsSection:
    return recommendations_section(evaluate(build_case(**changes)), kb)


def test_contract_keys_and_json(evaluate: Evaluate, kb: KnowledgeBase) -> None:
    section = _section(evaluate, kb)
    json.dumps(section)  # serialisable as is
    assert {"recommendations", "concordance", "workup_gaps"} <= set(section)
    ids = [r["id"] for r in section["recommendations"]]
    assert ids[:4] == ["dlcg-2025-1", "dlcg-2025-2", "dlcg-2025-3", "dlcg-2025-4"]
    assert "workup-omd-staging" not in ids
    for rec in section["recommendations"]:
        assert set(rec) >= CONTRACT
        assert rec["status"] in {"applies", "not_applicable", "undetermined"}
        assert rec["source"]


def test_recs_3_and_4_side_by_side(evaluate: Evaluate, kb: KnowledgeBase) -> None:
    section = _section(evaluate, kb, lesions=[lesion("adrenal", 1), lesion("bone", 2)])
    (alt,) = section["alternatives"]
    assert alt["ids"] == ["dlcg-2025-3", "dlcg-2025-4"]
    assert [o["status"] for o in alt["options"]] == ["applies", "not_applicable"]
    later = alt["options"][1]["later"]
    assert later is not None and later["status"] == "applies_later_if"


def test_ablative_statement_only_on_sbrt_recommendations(evaluate: Evaluate, kb: KnowledgeBase) -> None:
    recs = {r["id"]: r for r in _section(evaluate, kb)["recommendations"]}
    ablative = recs["dlcg-2025-2"]["ablative_dose"]
    assert ablative is not None and ablative["definition"] == "BED > 75 Gy (α/β = 10 Gy)"
    assert recs["astro-estro-2023-1"]["ablative_dose"] is None


def test_workup_gaps(evaluate: Evaluate, kb: KnowledgeBase) -> None:
    """PET/CT, brain MRI, histology, mediastinal staging and MDT: each missing item is a gap to collect."""
    complete = build_case(answers={"workup-omd-staging/mdt": True})
    assert recommendations_section(evaluate(complete), kb)["workup_gaps"] == []
    gaps = _section(
        evaluate,
        kb,
        staging={"fdg_pet_ct_date": None, "brain_mri_date": "2026-02-26", "mediastinal_staging": "pet_only"},
        tumour__n="N2a",
        tumour__histology_confirmed=None,
    )["workup_gaps"]
    by_id = {g["id"].split("/")[1]: g for g in gaps}
    assert set(by_id) == {"fdg-pet-ct", "histology", "mediastinal-staging", "mdt"}
    # case@2: the v1 date became a scan of `imaging`; with no PET/CT scan there the derived fact is named
    assert by_id["fdg-pet-ct"]["missing"] == ["fdg_pet_ct_date"]
    assert by_id["mediastinal-staging"]["status"] == "not_met"  # PET only with N2a: pathology would change N
    assert by_id["mdt"]["missing"] == ["answers['workup-omd-staging/mdt']"]


def test_pet_only_enough_for_n0(evaluate: Evaluate, kb: KnowledgeBase) -> None:
    staging = {
        "fdg_pet_ct_date": "2026-02-25",
        "brain_mri_date": "2026-02-26",
        "mediastinal_staging": "pet_only",
    }
    gaps = _section(evaluate, kb, staging=staging, answers={"workup-omd-staging/mdt": True})["workup_gaps"]
    assert gaps == []


def test_old_scan_is_advice_not_gap(evaluate: Evaluate, kb: KnowledgeBase) -> None:
    staging = {"fdg_pet_ct_date": "2025-10-01", "brain_mri_date": "2026-02-26", "mediastinal_staging": "ebus"}
    section = _section(evaluate, kb, staging=staging, answers={"workup-omd-staging/mdt": True})
    assert section["workup_gaps"] == []
    (advice,) = section["workup_advisories"]
    assert advice["item"] == "FDG-PET/CT" and advice["verified"] is False


def test_concordance_agree_and_differ(evaluate: Evaluate, kb: KnowledgeBase) -> None:
    """Solitary adrenal: both guidelines support local therapy. Solitary liver: only ASTRO/ESTRO does."""
    rows = {r["topic"]: r for r in _section(evaluate, kb)["concordance"]["rows"]}
    assert rows["local_therapy"]["verdict"] == "agree"
    liver = _section(evaluate, kb, lesions=[lesion("liver")])["concordance"]
    rows = {r["topic"]: r for r in liver["rows"]}
    assert rows["local_therapy"]["verdict"] == "differ"
    assert any("ASTRO/ESTRO 2023 has a recommendation that applies" in d for d in liver["differences"])
    assert {e["id"] for e in liver["evidence"]} >= {"astro-estro-2023-3"}
    assert rows["systemic_first"]["unverified_guidance"] == ["astro-estro-2023-8"]


def test_rich_rendering(evaluate: Evaluate, kb: KnowledgeBase) -> None:
    section = _section(evaluate, kb, lesions=[lesion("adrenal", 1), lesion("bone", 2)])
    console = Console(record=True, width=140)
    console.print(*render_recommendations(section))
    text = console.export_text()
    for needle in ("dlcg-2025-3", "Alternatives", "BED > 75 Gy", "side by side", "unverified"):
        assert needle in text


def test_cli_lists_every_recommendation(kb: KnowledgeBase) -> None:
    runner = CliRunner()
    result = runner.invoke(guidelines_app, ["--json"])
    assert result.exit_code == 0, result.output
    listed = {item["id"]: item for item in json.loads(result.output)}
    for rs in kb.rule_sets_of("recommendation"):
        if rs.spec.id != "workup-omd-staging":
            assert listed[rs.spec.id]["source"] == rs.spec.source
            assert listed[rs.spec.id]["grade"] == rs.spec.grade
    assert listed["dlcg-2025-4"]["grade"] == "B"
    table = runner.invoke(guidelines_app, [], terminal_width=200)
    assert table.exit_code == 0 and "dlcg-2025-1" in table.output
    shown = runner.invoke(guidelines_app, ["show", "dlcg-2025-1"], terminal_width=200)
    assert shown.exit_code == 0 and "hjernemetastase" in shown.output
    assert runner.invoke(guidelines_app, ["show", "nope"]).exit_code == 2
