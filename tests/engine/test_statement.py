"""The statement is built from sqlglot trees with named columns, and results are read by name."""

from __future__ import annotations

import shutil
from pathlib import Path

import sqlglot
from sqlglot import exp

from oligoboard.engine.compile import load_knowledge
from oligoboard.engine.naming import sanitise
from oligoboard.engine.runner import Engine
from oligoboard.engine.tables import to_tables
from oligoboard.knowledge.loader import KNOWLEDGE_DIR
from tests.support.cases import build


def test_every_rule_has_a_named_column(engine: Engine) -> None:
    st, kb = engine.statement, engine.kb
    for rs in kb.rule_sets:
        assert st.rule_set_status[rs.spec.id] == "status__" + sanitise(rs.spec.id)
        for c in rs.criteria:
            assert st.criteria[(rs.spec.id, c.spec.id)].startswith("crit__" + sanitise(rs.spec.id) + "__")
    assert set(st.definitions) == {d.spec.id for d in kb.definitions}
    assert set(st.decisions) == {d.spec.id for d in kb.decision_lists}
    assert len(set(st.columns)) == len(st.columns)


def test_statement_output_columns_are_the_layout_columns(engine: Engine) -> None:
    tree = sqlglot.parse_one(engine.sql, dialect="duckdb")
    assert isinstance(tree, exp.Select)
    assert tuple(tree.named_selects) == engine.statement.columns
    assert not any(name.startswith("o") and name[1:].isdigit() for name in tree.named_selects)


def test_both_backends_return_rows_keyed_by_the_layout(engine: Engine) -> None:
    tables = to_tables([build(id="a"), build(id="b", patient={"ecog": 3})])
    for backend in ("duckdb", "python"):
        rows = engine.run_tables(tables, backend)
        assert [r["case_id"] for r in rows] == ["a", "b"]
        assert all(tuple(r) == engine.statement.columns for r in rows)


def _two_trials(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR / "classification", root / "classification")
    shutil.copy(KNOWLEDGE_DIR / "manifest.yaml", root / "manifest.yaml")
    (root / "guidelines").mkdir()
    (root / "trials").mkdir()
    for file_id, rs_id, sql in (("t1", "T-1", "ecog <= 1"), ("t2", "t_1", "ecog >= 2")):
        (root / "trials" / f"{file_id}.yaml").write_text(
            f"id: {file_id}\nsource: s\nrule_sets:\n  - id: {rs_id}\n    kind: trial\n    source: s\n"
            f"    criteria:\n      - {{id: c-1, kind: inclusion, text: t, sql: '{sql}', source: s}}\n",
            encoding="utf-8",
        )
    return root


def test_ids_that_fold_to_one_name_get_distinct_columns(tmp_path: Path) -> None:
    engine = Engine(load_knowledge(_two_trials(tmp_path)))
    a, b = engine.statement.rule_set_status["T-1"], engine.statement.rule_set_status["t_1"]
    assert a != b and {a, b} == {"status__t_1", "status__t_1__2"}
    result = engine.evaluate_one(build(patient={"ecog": 1}), backend="duckdb")
    assert result.rule_sets["T-1"].status == "eligible" and result.rule_sets["t_1"].status == "ineligible"
    assert (
        engine.evaluate_one(build(patient={"ecog": 1}), backend="python").rule_sets["t_1"].status
        == "ineligible"
    )
