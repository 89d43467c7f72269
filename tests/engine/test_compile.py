"""compile.py: known columns only, reads tracked through definitions, one name per thing."""

from __future__ import annotations

from pathlib import Path

import pytest

from oligoboard.engine.compile import Namespace, load_features, parse_expression
from oligoboard.engine.knowledge_base import CompiledExpr
from oligoboard.errors import KnowledgeError


@pytest.fixture
def ns() -> Namespace:
    return Namespace(load_features())


def test_reads_are_transitive_through_definitions(ns: Namespace) -> None:
    ns.define("young", ns.compile("age_years < 40", where="d1"), where="d1")
    ns.define("fit_young", ns.compile("young AND ecog <= 1", where="d2"), where="d2")
    assert ns.compile("fit_young OR pdl1_tps >= 50", where="r", condition=True).reads == {
        "age_years",
        "ecog",
        "pdl1_tps",
    }


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("ecgo <= 1", "unknown feature(s) ecgo"),
        ("p.ecog <= 1", "unknown feature(s) p.ecog"),
        ("ecog <= AND 1", "SQL syntax error"),
        ("(SELECT 1) = 1", "only scalar expressions"),
        ("   ", "empty expression"),
    ],
)
def test_bad_expressions_fail_naming_where(ns: Namespace, text: str, phrase: str) -> None:
    with pytest.raises(KnowledgeError) as info:
        ns.compile(text, where="f.yaml: R/c")
    assert "f.yaml: R/c" in info.value.render() and phrase in info.value.render()


def test_a_name_is_defined_once(ns: Namespace) -> None:
    with pytest.raises(KnowledgeError, match="already defined"):
        ns.define("ecog", CompiledExpr(sql="1", reads=frozenset()), where="d")


def test_attested_answer_columns_read_the_answer(ns: Namespace) -> None:
    compiled = ns.compile("_answer__t_c", where="r", extra_columns={"_answer__t_c": "answers['T/c']"})
    assert compiled.reads == {"answers['T/c']"} and compiled.type == "boolean"


def test_compiled_trees_are_not_pickled(ns: Namespace) -> None:
    import pickle

    compiled = ns.compile("ecog <= 1", where="r")
    assert compiled.tree is not None
    restored = pickle.loads(pickle.dumps(compiled))
    assert restored.tree is None and restored == compiled


def test_parse_expression_returns_a_condition() -> None:
    assert parse_expression("ecog <= 1", where="w").sql() == "ecog <= 1"


def test_catalogue_types_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "features.yaml"
    path.write_text("features:\n  x: {type: float, inputs: [a], description: d}\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="has type 'float'"):
        load_features(path)
