"""The loader refuses broken knowledge: no source, unknown feature, bad SQL — naming file and rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from oligoboard.engine.compile import load_knowledge
from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.errors import KnowledgeError
from oligoboard.knowledge.loader import read_knowledge
from tests.support.knowledge_trees import classification_tree, trial_yaml

GOOD_TRIAL = trial_yaml("""
- {id: inc-1, kind: inclusion, text: "ECOG 0-1", sql: "ecog <= 1", source: "synthetic inclusion 1"}
- {id: consent, kind: inclusion, text: "consent", attested: true, source: "synthetic inclusion 2"}
""")


def copy_kb(tmp_path: Path) -> Path:
    return classification_tree(tmp_path)


def test_packaged_knowledge_loads_with_version(kb: KnowledgeBase) -> None:
    assert kb.version.count(".") == 2
    assert kb.content_hash.startswith("sha256:")
    assert kb.full_version == f"{kb.version}+{kb.content_hash}"


def test_good_file_loads(tmp_path: Path) -> None:
    root = copy_kb(tmp_path)
    (root / "trials" / "TEST-1.yaml").write_text(GOOD_TRIAL)
    kb = load_knowledge(root)
    assert kb.rule_set("TEST-1").criteria[1].answer_key == "TEST-1/consent"


@pytest.mark.parametrize(
    ("broken", "phrase"),
    [
        (GOOD_TRIAL.replace('source: "synthetic inclusion 1"', 'note: "no source"'), "inc-1"),
        (GOOD_TRIAL.replace("ecog <= 1", "ecgo <= 1"), "unknown feature(s) ecgo"),
        (GOOD_TRIAL.replace("ecog <= 1", "ecog <= AND 1"), "SQL syntax error"),
        (GOOD_TRIAL.replace("ecog <= 1", "(SELECT 1) = 1"), "only scalar expressions"),
        (GOOD_TRIAL.replace('source: "synthetic inclusion 2"', 'source: "  "'), "consent"),
        (GOOD_TRIAL.replace("kind: trial", "kind: triall"), "kind"),
    ],
)
def test_broken_file_fails_naming_file_and_rule(tmp_path: Path, broken: str, phrase: str) -> None:
    root = copy_kb(tmp_path)
    (root / "trials" / "TEST-1.yaml").write_text(broken)
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(root)
    rendered = info.value.render()
    assert "TEST-1.yaml" in rendered and phrase in rendered


def test_hash_changes_when_a_rule_changes(tmp_path: Path) -> None:
    root = copy_kb(tmp_path)
    (root / "trials" / "TEST-1.yaml").write_text(GOOD_TRIAL)
    before = load_knowledge(root).content_hash
    (root / "trials" / "TEST-1.yaml").write_text(GOOD_TRIAL.replace("ecog <= 1", "ecog <= 2"))
    assert load_knowledge(root).content_hash != before


def test_reader_validates_shape_only_and_the_engine_compiles(tmp_path: Path) -> None:
    """The split of issue 10: knowledge/ reads specs; an unknown column is the compiler's finding."""
    root = copy_kb(tmp_path)
    (root / "trials" / "TEST-1.yaml").write_text(GOOD_TRIAL.replace("ecog <= 1", "ecgo <= 1"))
    spec = read_knowledge(root)
    assert [f.name for f in spec.files][-1] == "TEST-1.yaml"
    assert spec.files[-1].spec.rule_sets[0].criteria[0].sql == "ecgo <= 1"
    with pytest.raises(KnowledgeError, match="unknown feature"):
        load_knowledge(root)


def test_reader_refuses_a_criterion_with_both_sql_and_attested(tmp_path: Path) -> None:
    root = copy_kb(tmp_path)
    (root / "trials" / "TEST-1.yaml").write_text(
        GOOD_TRIAL.replace("attested: true", 'attested: true, sql: "TRUE"')
    )
    with pytest.raises(KnowledgeError, match="exactly one of `sql` or `attested"):
        read_knowledge(root)
