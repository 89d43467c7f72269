"""The encoded guideline files against their sources: quotes, grades as printed, citations required."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from oligoboard.engine.compile import load_knowledge
from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.errors import KnowledgeError
from oligoboard.guidelines import encoded_recommendations
from oligoboard.knowledge.loader import KNOWLEDGE_DIR
from tests.support.guideline_cases import SEED_ASTRO
from tests.support.shared import needs

# Grades exactly as printed in the quick guide of seed 002 (letters in parentheses, in order).
PRINTED_GRADES = {
    "dlcg-2025-1": ["B", "C"],
    "dlcg-2025-2": ["B", "C"],
    "dlcg-2025-3": ["C", "C"],
    "dlcg-2025-4": ["B"],
}


def _dlcg(kb: KnowledgeBase) -> list[object]:
    return [rs for rs in kb.rule_sets if rs.spec.id.startswith("dlcg-2025-")]


def test_four_dlcg_recommendations(kb: KnowledgeBase) -> None:
    assert sorted(rs.spec.id for rs in kb.rule_sets if rs.spec.id.startswith("dlcg-2025-")) == [
        "dlcg-2025-1",
        "dlcg-2025-2",
        "dlcg-2025-3",
        "dlcg-2025-4",
    ]


@pytest.mark.parametrize("rec_id", sorted(PRINTED_GRADES))
def test_grades_as_printed(kb: KnowledgeBase, rec_id: str, seed_dlcg_text: str) -> None:
    """Rec. 1: '(B) og synkron (C)'; rec. 4: '(B)'. The per-part grades follow the printed order."""
    spec = kb.rule_set(rec_id).spec
    parts = [g.grade for g in spec.info.grades]
    assert parts == PRINTED_GRADES[rec_id]
    assert spec.grade == "/".join(parts)
    # the Danish text carries exactly those letters, in that order
    text_da = " ".join((spec.info.text_da or "").split())
    assert [c for c in ("(A)", "(B)", "(C)", "(D)") if c in text_da] == sorted({f"({p})" for p in parts})


@pytest.mark.parametrize("rec_id", sorted(PRINTED_GRADES))
def test_danish_text_is_in_the_seed(kb: KnowledgeBase, rec_id: str, seed_dlcg_text: str) -> None:
    """Every Danish recommendation text is copied verbatim (OCR spelling) from seed 002."""
    spec = kb.rule_set(rec_id).spec
    assert " ".join((spec.info.text_da or "").split()) in seed_dlcg_text
    assert (spec.info.text_en or "").strip()


def test_every_criterion_quote_is_in_the_seed(kb: KnowledgeBase, seed_dlcg_text: str) -> None:
    """Each DLCG criterion's `quote_da` is found in seed 002, so the phrase it encodes is really there."""
    for rs in kb.rule_sets:
        if not rs.spec.id.startswith(("dlcg-2025-", "workup-")):
            continue
        for crit in rs.criteria:
            quote = crit.spec.info.quote_da
            if quote:
                assert " ".join(quote.split()) in seed_dlcg_text, f"{rs.spec.id}/{crit.spec.id}"


def test_workup_quote_is_in_the_seed(kb: KnowledgeBase, seed_dlcg_text: str) -> None:
    """'En korrekt udvaelgelse forudseetter grundig stadieinddele med PET/CT, MR af cerebrum …'."""
    quote = kb.files["omd-workup"].info.quote_da or ""
    assert " ".join(quote.split()) in seed_dlcg_text


@needs(SEED_ASTRO)
def test_astro_estro_rules_cite_the_abstract(kb: KnowledgeBase) -> None:
    """Rules are [V] abstract content: strong (MDT) and conditional (four scenarios); the rest is guidance."""
    abstract = " ".join(SEED_ASTRO.read_text(encoding="utf-8").split())
    assert "multidisciplinary approach was strongly recommended" in abstract
    assert "Conditional recommendations were given for definitive local therapies" in abstract
    rules = [r for r in encoded_recommendations(kb) if r.guideline == "ASTRO/ESTRO 2023" and r.kind == "rule"]
    assert {r.id: r.grade for r in rules}["astro-estro-2023-1"] == "Strong"
    assert {r.grade for r in rules if r.topic == "local_therapy"} == {"Conditional"}
    guidance = [r for r in encoded_recommendations(kb) if r.kind == "guidance"]
    assert guidance and all(not g.verified for g in guidance)
    rule_ids = {rs.spec.id for rs in kb.rule_sets}
    assert not rule_ids & {g.id for g in guidance}, "unverified guidance must never be a rule"


def test_every_recommendation_has_source_and_text(kb: KnowledgeBase) -> None:
    for rec in encoded_recommendations(kb):
        assert rec.source.strip() and rec.text_en.strip(), rec.id


def test_recommendation_without_citation_cannot_load(tmp_path: Path) -> None:
    """A blank source fails the load (issue 5: 'no recommendation without a citation can load')."""
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    path = root / "guidelines" / "dlcg_2025.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["rule_sets"][1]["source"] = " "
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"dlcg_2025\.yaml"):
        load_knowledge(root)
    assert load_knowledge(KNOWLEDGE_DIR).rule_set("dlcg-2025-2").spec.source.strip()
