"""Every radiotherapy knowledge file loads; a rule without a source fails naming file and rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from oligoboard.dose.knowledge import KNOWLEDGE_DIR, load_rule_file
from oligoboard.errors import KnowledgeError

FILES = sorted(KNOWLEDGE_DIR.rglob("*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_knowledge_file_loads_with_sources(path: Path) -> None:
    rules = load_rule_file(path)
    assert rules.rules
    assert all(rule["source"].strip() and isinstance(rule["verified"], bool) for rule in rules.rules)


def test_rule_without_source_fails_naming_file_and_rule(tmp_path: Path) -> None:
    bad = tmp_path / "bad_regimens.yaml"
    bad.write_text("kind: regimens\nrules:\n  - id: no-citation\n    verified: true\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"bad_regimens\.yaml.*no-citation.*source"):
        load_rule_file(bad)


def test_rule_without_verified_flag_fails(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  - id: r1\n    source: somewhere\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"r1.*verified"):
        load_rule_file(bad)
