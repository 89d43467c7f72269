"""Run the compiled knowledge on DuckDB (in memory) for one case or many.

For one case, planning the wide statement costs more than executing it, so the statement is PREPAREd
once per engine and each call only replaces the rows of the five small tables and EXECUTEs the plan.
The batch path runs the very same prepared statement on all the rows at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import duckdb

from oligoboard.case.models import Case
from oligoboard.engine.missing import missing_facts
from oligoboard.engine.query import build_query
from oligoboard.engine.results import CaseResult, CriterionResult, DecisionResult, RuleSetResult
from oligoboard.engine.tables import TABLES, CaseTables, to_tables
from oligoboard.errors import EngineError
from oligoboard.knowledge.loader import KnowledgeBase, default_knowledge

_PREPARED = "oligoboard_assess"


class Engine:
    """One DuckDB connection with the knowledge base compiled and prepared."""

    def __init__(
        self, kb: KnowledgeBase | None = None, *, connection: duckdb.DuckDBPyConnection | None = None
    ):
        self.kb = kb or default_knowledge()
        self.con = connection or duckdb.connect(":memory:")
        for table, columns in TABLES.items():
            cols = ", ".join(f"{name} {sqltype}" for name, sqltype in columns)
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {table} ({cols})")
        self.feature_columns = self._feature_columns()
        self.sql, self.layout = build_query(self.kb, self.feature_columns)
        self.con.execute(f"PREPARE {_PREPARED} AS {self.sql}")

    def _feature_columns(self) -> list[str]:
        from oligoboard.engine.query import FEATURES_SQL

        rel = self.con.sql(FEATURES_SQL.read_text(encoding="utf-8"))
        return list(rel.columns)

    def _load(self, tables: CaseTables) -> None:
        for table, columns in TABLES.items():
            self.con.execute(f"DELETE FROM {table}")
            rows = tables.rows(table)
            if rows:
                marks = ", ".join("?" for _ in columns)
                self.con.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)

    def run_tables(self, tables: CaseTables) -> list[tuple[Any, ...]]:
        """Raw result rows (one per case, ordered by case id) for already-normalized tables."""
        self._load(tables)
        try:
            return self.con.execute(f"EXECUTE {_PREPARED}").fetchall()
        except duckdb.Error as exc:
            raise EngineError(
                f"rules engine failed: {type(exc).__name__}: {str(exc).splitlines()[0]}"
            ) from None

    def evaluate(self, cases: Sequence[Case]) -> list[CaseResult]:
        """Evaluate every rule for every case; results in the order of `cases`."""
        ids = [c.id for c in cases]
        if len(set(ids)) != len(ids):
            raise EngineError("case ids must be unique within one evaluation")
        rows = self.run_tables(to_tables(cases))
        by_id = {row[0]: row for row in rows}
        docs = {c.id: c.model_dump(mode="json", by_alias=True) for c in cases}
        return [self.interpret(by_id[c.id], docs[c.id]) for c in cases]

    def evaluate_one(self, case: Case) -> CaseResult:
        return self.evaluate([case])[0]

    def interpret(self, row: Sequence[Any], doc: Mapping[str, Any] | None) -> CaseResult:
        """Turn one result row into a `CaseResult` with missing facts resolved against `doc`."""
        layout, kb = self.layout, self.kb
        features = dict(zip(layout.feature_columns, row[: len(layout.feature_columns)], strict=True))
        result = CaseResult(case_id=str(features["case_id"]), features=features)

        def missing(reads: frozenset[str]) -> tuple[str, ...]:
            return tuple(missing_facts(reads, features, kb.features, doc))

        for d in kb.definitions:
            value = row[layout.definitions[d.spec.id]]
            result.definitions[d.spec.id] = value
            result.definition_missing[d.spec.id] = missing(d.expr.reads) if value is None else ()
        for dl in kb.decision_lists:
            value_col, step_col = layout.decisions[dl.spec.id]
            step = int(row[step_col])
            gap = missing(dl.conditions[-step - 1].reads) if step < 0 else ()
            result.decisions[dl.spec.id] = DecisionResult(
                compiled=dl, value=row[value_col], step=step, missing=gap
            )
        for rs in kb.rule_sets:
            crits = []
            for crit in rs.criteria:
                value = row[layout.criteria[(rs.spec.id, crit.spec.id)]]
                crits.append(
                    CriterionResult(
                        compiled=crit, value=value, missing=missing(crit.expr.reads) if value is None else ()
                    )
                )
            result.rule_sets[rs.spec.id] = RuleSetResult(
                compiled=rs, outcome=row[layout.rule_set_status[rs.spec.id]], criteria=tuple(crits)
            )
        return result
