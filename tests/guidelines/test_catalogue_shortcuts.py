"""The two shortcuts `guidelines.catalogue` takes around pydantic give exactly what pydantic would.

Why they exist: the knowledge spec models are built on first use (`defer_build`), and a warm `assess` would
otherwise build two of them only to dump a grade or make an empty `info` (docs/architecture.md "Start-up").
"""

from __future__ import annotations

from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.guidelines.catalogue import _NO_INFO, _plain
from oligoboard.knowledge.info import GradePart, RuleSetInfo


def test_plain_grade_is_the_model_dump(kb: KnowledgeBase) -> None:
    parts = [g for rs in kb.rule_sets_of("recommendation") for g in rs.spec.info.grades]
    assert parts  # the packaged guidelines print grades, so the comparison below is not empty
    for part in [*parts, GradePart(part="x", grade="A")]:
        assert _plain(part) == part.model_dump()
        assert list(_plain(part)) == list(part.model_dump())


def test_no_info_is_an_empty_rule_set_info() -> None:
    assert RuleSetInfo() == _NO_INFO
    assert _NO_INFO.model_fields_set == set()
