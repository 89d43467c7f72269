"""Run the compiled knowledge for one case or many, on two executors of the same SQL statement.

`build_query` produces one statement. DuckDB (in memory) runs it for batches: it scales to cohorts but
re-binds and re-optimises the wide statement on every execution (~150 ms even when PREPAREd). The
compiled Python executor (`pyexec`) runs the very same statement for a handful of cases in about a
millisecond. `tests/engine/test_batch.py` checks that both give identical answers.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal

import duckdb

from oligoboard.case.models import Case
from oligoboard.engine.missing import missing_facts
from oligoboard.engine.pyexec import QueryExecutor
from oligoboard.engine.query import FEATURES_SQL, build_query
from oligoboard.engine.results import CaseResult, CriterionResult, DecisionResult, RuleSetResult
from oligoboard.engine.tables import TABLES, CaseTables, to_tables
from oligoboard.errors import EngineError
from oligoboard.knowledge.loader import KnowledgeBase, default_knowledge

Backend = Literal["duckdb", "python"]
# Up to this many cases the Python executor is faster than DuckDB's planning; above it DuckDB wins.
PYTHON_BATCH_LIMIT = 16
TABLE_COLUMNS: dict[str, list[str]] = {table: [name for name, _ in cols] for table, cols in TABLES.items()}


def _iso(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot store a {type(value).__name__} in the case tables")


@cache
def feature_columns() -> tuple[str, ...]:
    """The columns of the features view, read from features.sql itself (its one definition)."""
    return tuple(QueryExecutor(FEATURES_SQL.read_text(encoding="utf-8"), TABLE_COLUMNS).columns)


class Engine:
    """The compiled knowledge base, ready to evaluate cases on either executor."""

    def __init__(
        self, kb: KnowledgeBase | None = None, *, connection: duckdb.DuckDBPyConnection | None = None
    ):
        self.kb = kb or default_knowledge()
        self.feature_columns = list(feature_columns())
        self.sql, self.layout = build_query(self.kb, self.feature_columns)
        self.python = QueryExecutor(self.sql, TABLE_COLUMNS)
        self._connection = connection

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection, created on first use (the CLI's one case never needs it)."""
        if self._connection is None:
            self._connection = duckdb.connect(":memory:")
        return self._connection

    def _load(self, tables: CaseTables) -> None:
        """Replace the five tables' rows.

        Tables are re-created rather than emptied: DuckDB 2.0 re-plans every execution anyway (a PREPAREd
        statement saved nothing), and re-executing one over deleted-and-refilled tables hit a fatal
        dictionary-cache error in DuckDB 2.0.0. Rows travel as newline-delimited JSON read by DuckDB's own
        reader with the declared column types: ~50× faster than `executemany` for cohorts, no extra dependency.
        """
        with tempfile.TemporaryDirectory(prefix="oligoboard-") as tmp:
            for table, columns in TABLES.items():
                cols = ", ".join(f"{name} {sqltype}" for name, sqltype in columns)
                rows = tables.rows(table)
                if not rows:
                    self.con.execute(f"CREATE OR REPLACE TEMP TABLE {table} ({cols})")
                    continue
                path = Path(tmp) / f"{table}.ndjson"
                names = [name for name, _ in columns]
                with path.open("w", encoding="utf-8") as out:
                    for row in rows:
                        out.write(json.dumps(dict(zip(names, row, strict=True)), default=_iso) + "\n")
                schema = "{" + ", ".join(f"'{name}': '{sqltype}'" for name, sqltype in columns) + "}"
                self.con.execute(
                    f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT {', '.join(names)} "
                    f"FROM read_json(?, format = 'newline_delimited', columns = {schema})",
                    [str(path)],
                )

    def run_tables(self, tables: CaseTables, backend: Backend = "duckdb") -> list[tuple[Any, ...]]:
        """Raw result rows (one per case, ordered by case id) for already-normalized tables."""
        if backend == "python":
            named = {t: [dict(zip(TABLE_COLUMNS[t], r, strict=True)) for r in tables.rows(t)] for t in TABLES}
            return [tuple(row[c] for c in self.python.columns) for row in self.python(named)]
        try:
            self._load(tables)
            return self.con.execute(self.sql).fetchall()
        except duckdb.Error as exc:
            raise EngineError(
                f"rules engine failed: {type(exc).__name__}: {str(exc).splitlines()[0]}"
            ) from None

    def evaluate(self, cases: Sequence[Case], backend: Backend | None = None) -> list[CaseResult]:
        """Evaluate every rule for every case; results in the order of `cases`.

        `backend=None` picks the Python executor for a few cases and DuckDB for more.
        """
        ids = [c.id for c in cases]
        if len(set(ids)) != len(ids):
            raise EngineError("case ids must be unique within one evaluation")
        chosen: Backend = backend or ("python" if len(cases) <= PYTHON_BATCH_LIMIT else "duckdb")
        rows = self.run_tables(to_tables(cases), chosen)
        by_id = {row[0]: row for row in rows}
        docs = {c.id: c.model_dump(mode="json", by_alias=True) for c in cases}
        return [self.interpret(by_id[c.id], docs[c.id]) for c in cases]

    def evaluate_one(self, case: Case, backend: Backend | None = None) -> CaseResult:
        return self.evaluate([case], backend)[0]

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
