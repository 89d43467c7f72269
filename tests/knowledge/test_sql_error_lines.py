"""A bad SQL expression in a knowledge file names the file, the YAML line and the rule (issue 10, item 4).

Expressions are checked by the engine after the file has been validated, so the reader's line numbers travel
with the validated file (`KnowledgeFile.where`). Each row writes one broken expression into a small tree and
checks the error says `FILE:LINE: RULE` with the line of the broken value.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from oligoboard.engine.compile import load_knowledge
from oligoboard.errors import KnowledgeError
from tests.support.knowledge_trees import classification_tree

TRIAL = """\
id: TEST-LINES
source: "synthetic test file"
definitions:
  - id: test_adult
    expr: "DEFINITION"
    source: "synthetic definition"
decision_lists:
  - id: test_band
    source: "synthetic decision list"
    rules:
      - {when: "age_years >= 18", then: adult, source: "synthetic rule 1"}
      - when: "WHEN"
        then: child
        source: "synthetic rule 2"
rule_sets:
  - id: TEST-LINES
    kind: trial
    source: "synthetic"
    criteria:
      - {id: flow, kind: inclusion, text: "flow style", sql: "FLOW", source: "synthetic 1"}
      - id: block
        kind: inclusion
        text: "block style"
        sql: >-
          BLOCK
        source: "synthetic 2"
"""
GOOD = {"DEFINITION": "age_years >= 18", "WHEN": "age_years < 18", "FLOW": "ecog <= 1", "BLOCK": "ecog <= 2"}

# (placeholder, broken SQL, line of the broken value in TRIAL, rule named, what the error says)
ROWS = [
    ("FLOW", "ecog <= (", 20, "TEST-LINES/flow", "SQL syntax error"),
    ("BLOCK", "ecog_score <= 1", 24, "TEST-LINES/block", "unknown feature(s) ecog_score"),
    ("FLOW", "diagnosis_date >= 2020", 20, "TEST-LINES/flow", "cannot compare date with integer"),
    ("DEFINITION", "age_years >=", 5, "definition test_adult", "SQL syntax error"),
    ("WHEN", "no_such_feature", 12, "decision list test_band.rules[1].when", "unknown feature(s)"),
]


@pytest.mark.parametrize(("slot", "sql", "line", "rule", "says"), ROWS)
def test_bad_sql_names_file_line_and_rule(
    tmp_path: Path, slot: str, sql: str, line: int, rule: str, says: str
) -> None:
    text = TRIAL
    for name, good in GOOD.items():
        text = text.replace(name, sql if name == slot else good)
    root = classification_tree(tmp_path, {"TEST-LINES.yaml": text})
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(root)
    rendered = info.value.render()
    assert f"TEST-LINES.yaml:{line}: {rule}" in rendered
    assert says in rendered


def test_the_good_file_loads(tmp_path: Path) -> None:
    """The rows above fail because of the one broken value, not because the file is broken anyway."""
    text = TRIAL
    for name, good in GOOD.items():
        text = text.replace(name, good)
    kb = load_knowledge(classification_tree(tmp_path, {"TEST-LINES.yaml": text}))
    assert [c.spec.id for c in kb.rule_set("TEST-LINES").criteria] == ["flow", "block"]
