"""Knowledge is read as strictly as a case: duplicate keys, unknown or misplaced info keys, wrong types and
reader limits are load errors naming file, line and rule (issue 10 item 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from oligoboard.dose.knowledge import KNOWLEDGE_DIR as RT_DIR
from oligoboard.dose.knowledge import load_rule_file, regimen_rule
from oligoboard.engine.compile import load_knowledge
from oligoboard.errors import KnowledgeError
from oligoboard.guidelines.ablative import packaged_ablative
from oligoboard.knowledge.loader import KNOWLEDGE_DIR
from tests.support.knowledge_trees import classification_tree, trial_yaml

TRIAL = trial_yaml("""
- id: inc-1
  kind: inclusion
  text: "ECOG 0-1"
  sql: "ecog <= 1"
  source: "synthetic inclusion 1"
  info: {number: "1"}
""")


def _tree(tmp_path: Path, trial: str) -> Path:
    return classification_tree(tmp_path, {"TEST-1.yaml": trial})


BROKEN = [
    # (what, edited trial, phrases the error must hold)
    ("a second sql: no longer silently wins", TRIAL.replace('sql: "ecog <= 1"', 'sql: "ecog <= 1"\n        sql: "TRUE"'),
     ["TEST-1.yaml", "duplicate key at line 12"]),
    ("misspelt criterion info key", TRIAL.replace("{number:", "{numbr:"), ["TEST-1.yaml:13", "numbr", "TEST-1/inc-1", "unknown key"]),
    ("recommendation key on a trial criterion", TRIAL.replace('{number: "1"}', '{number: "1", timing: true}'),
     ["TEST-1.yaml", "timing", "not allowed in a trial rule set"]),
    ("wrong type", TRIAL.replace('{number: "1"}', '{number: "1", conflict: [1]}'), ["TEST-1.yaml:13", "conflict"]),
    ("file info key of another folder", TRIAL.replace('source: "synthetic test file"', 'source: "s"\ninfo: {state_reasons: {}}'),
     ["TEST-1.yaml", "state_reasons", "not allowed in a trials file"]),
    ("alias bomb", TRIAL + "".join(f"x{i}: &x{i} [" + ",".join([f"*x{i - 1}" if i else "1"] * 9) + "]\n" for i in range(9)),
     ["TEST-1.yaml", "max_nodes"]),
]  # fmt: skip


@pytest.mark.parametrize(("what", "trial", "phrases"), BROKEN, ids=[b[0] for b in BROKEN])
def test_strict_knowledge_errors_name_file_line_and_rule(
    tmp_path: Path, what: str, trial: str, phrases: list[str]
) -> None:
    root = _tree(tmp_path, trial)
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(root)
    text = info.value.render()
    for phrase in phrases:
        assert phrase in text, (what, text)


def test_the_good_trial_loads_with_typed_info(tmp_path: Path) -> None:
    kb = load_knowledge(_tree(tmp_path, TRIAL))
    assert kb.rule_set("TEST-1").criteria[0].spec.info.number == "1"


def test_radiotherapy_rule_with_unknown_key_fails_naming_file_line_and_rule(tmp_path: Path) -> None:
    text = (RT_DIR / "regimens.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "regimens.yaml"
    bad.write_text(
        text.replace("    limit_gy: 75\n", "    limit_gy: 75\n    limt_gy: 80\n", 1), encoding="utf-8"
    )
    with pytest.raises(KnowledgeError) as info:
        load_rule_file(bad)
    rendered = info.value.render()
    assert "regimens.yaml" in rendered and "dlcg-2025-ablative-bed10" in rendered and "limt_gy" in rendered


def test_bed10_threshold_lives_once_in_the_regimen_rule() -> None:
    """'LAT kan anses ablativ, hvis ... (BED) > 75 Gy' (seed 002): the guideline wording points at the rule."""
    rule = regimen_rule("dlcg-2025-ablative-bed10")
    assert (rule.metric, rule.operator, rule.limit_gy, rule.alpha_beta_gy) == ("bed", ">", 75, 10)
    definition = packaged_ablative()
    assert definition.bed_threshold_gy == rule.limit_gy and definition.alpha_beta_gy == rule.alpha_beta_gy
    for path in KNOWLEDGE_DIR.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert "bed_threshold_gy" not in text, path
