"""`KnowledgeBase.derived`: what the sections compute from the knowledge alone, once per knowledge base."""

from __future__ import annotations

import pickle

from oligoboard.engine.knowledge_base import KnowledgeBase, default_knowledge
from oligoboard.trials.metadata import trial_cards


def _small(version: str) -> KnowledgeBase:
    return KnowledgeBase(version=version, content_hash="h", features={})


def test_a_derived_value_is_built_once_per_knowledge_base() -> None:
    calls: list[str] = []

    def build(kb: KnowledgeBase) -> str:
        calls.append(kb.version)
        return f"built from {kb.version}"

    first, second = _small("1"), _small("2")
    assert first.derived("x", build) == "built from 1"
    assert first.derived("x", build) == "built from 1"
    assert second.derived("x", build) == "built from 2"
    assert calls == ["1", "2"]


def test_derived_values_are_not_compared_and_not_pickled() -> None:
    """They are keyed by `id()` of this process's objects: a pickled knowledge base starts without them."""
    kb = _small("1")
    kb.derived("x", lambda k: {id(k): "this process"})
    assert kb == _small("1")
    restored = pickle.loads(pickle.dumps(kb))
    assert restored == kb
    assert restored.derived("x", lambda k: "rebuilt") == "rebuilt"


def test_trial_cards_are_the_same_each_time_and_a_fresh_list() -> None:
    kb = default_knowledge()
    first, second = trial_cards(kb), trial_cards(kb)
    assert first == second and first is not second
    assert [card.id for card in first] == [rs.spec.id for rs in kb.rule_sets_of("trial")]
