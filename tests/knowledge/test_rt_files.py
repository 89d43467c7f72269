"""The validated radiotherapy rule sets the compiled-knowledge cache hands over can never answer for other bytes.

`engine/cache.py` stores every radiotherapy file as a validated `RuleSet` and `knowledge.rt_files` answers
`load_rule_file` from it while the file's sha256 matches; an edited file is read and validated again, so a
broken edit still fails loudly (docs/architecture.md "Start-up").
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pytest

from oligoboard.engine import cache
from oligoboard.errors import KnowledgeError
from oligoboard.knowledge.rt_files import RuleSet, load_rule_file, remember_rule_sets, validated_rule_sets

GOOD = """kind: regimens
version: "1"
rules:
  - id: r1
    title: a test rule
    metric: bed
    operator: ">"
    limit_gy: 100
    alpha_beta_gy: 10
    applies_to: {techniques: [sbrt]}
    source: somewhere
    verified: true
"""


def _remember(path: Path, rule_set: RuleSet) -> None:
    remember_rule_sets({path: (hashlib.sha256(path.read_bytes()).hexdigest(), rule_set)})


def test_a_remembered_rule_set_answers_while_the_bytes_match(tmp_path: Path) -> None:
    path = tmp_path / "regimens.yaml"
    path.write_text(GOOD, encoding="utf-8")
    marker = dataclasses.replace(load_rule_file(path), version="from the memo")
    _remember(path, marker)
    assert load_rule_file(path) is marker


def test_an_edited_file_is_validated_again(tmp_path: Path) -> None:
    path = tmp_path / "regimens.yaml"
    path.write_text(GOOD, encoding="utf-8")
    _remember(path, dataclasses.replace(load_rule_file(path), version="from the memo"))
    path.write_text(GOOD.replace("    source: somewhere\n", ""), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"regimens\.yaml.*r1.*source"):
        load_rule_file(path)


def test_a_remembered_rule_set_carries_the_path_it_is_asked_for(tmp_path: Path) -> None:
    path = tmp_path / "regimens.yaml"
    path.write_text(GOOD, encoding="utf-8")
    elsewhere = dataclasses.replace(load_rule_file(path), path=tmp_path / "other" / "regimens.yaml")
    _remember(path, elsewhere)
    found = load_rule_file(path)
    assert found.path == path and found.rules == elsewhere.rules


def test_a_file_that_does_not_load_is_left_out(tmp_path: Path) -> None:
    (tmp_path / "radiotherapy").mkdir()
    (tmp_path / "radiotherapy" / "regimens.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "radiotherapy" / "oar_limits.yaml").write_text("rules: []\n", encoding="utf-8")
    assert set(validated_rule_sets(tmp_path, "radiotherapy")) == {"radiotherapy/regimens.yaml"}


def test_the_cache_carries_every_packaged_radiotherapy_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OLIGOBOARD_CACHE_DIR", str(tmp_path / "cache"))
    artifacts = cache.load_artifacts()
    assert artifacts.rule_sets is not None and artifacts.documents is not None
    assert set(artifacts.rule_sets) == set(artifacts.documents)
    assert {"radiotherapy/regimens.yaml", "radiotherapy/oar_limits.yaml"} <= set(artifacts.rule_sets)
    digest, rule_set = artifacts.rule_sets["radiotherapy/regimens.yaml"]
    assert rule_set.typed and digest == artifacts.documents["radiotherapy/regimens.yaml"][0]
