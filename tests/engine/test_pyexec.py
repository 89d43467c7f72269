"""The query half of the Python executor: WITH, joins, grouping, result shaping, the generated module.

Query-level constructs are compared with DuckDB on the same small tables (ORDER BY DESC/NULLS, DISTINCT,
LIMIT and HAVING are implemented, so each is checked against DuckDB, not against our expectation); the real
assessment statement is reloaded from its generated source alone and must answer the demo cases exactly as
the executor that generated it and as DuckDB do.
"""

from __future__ import annotations

import marshal
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlglot

from oligoboard.case.io import load_case
from oligoboard.engine.backends.duckdb import DuckDBBackend
from oligoboard.engine.backends.python import TABLE_COLUMNS, PythonBackend, compile_executor
from oligoboard.engine.compile import FEATURES_SQL
from oligoboard.engine.pyexec import SUPPORTED_NODES, QueryExecutor
from oligoboard.engine.pyload import FORMAT, LoadedQuery, StaleQuery, compile_source
from oligoboard.engine.pyruntime import Unsupported
from oligoboard.engine.runner import Engine
from oligoboard.engine.tables import TABLES, to_tables
from tests.support.duckdb_tables import duckdb_with

ROOT = Path(__file__).resolve().parents[2]
DEMO_CASES = sorted((ROOT / "examples" / "cases").glob("*.json"))

PEOPLE = [
    ("id", "INTEGER"),
    ("name", "VARCHAR"),
    ("team", "VARCHAR"),
    ("score", "DOUBLE"),
    ("born", "DATE"),
]
PEOPLE_ROWS: list[tuple[Any, ...]] = [
    (1, "ann", "red", 3.0, date(1990, 1, 31)),
    (2, "bob", "red", None, date(1985, 6, 1)),
    (3, "cy", "blue", 5.5, None),
    (4, "di", None, 1.0, date(2000, 2, 29)),
    (5, "ed", "blue", 2.0, date(1999, 12, 31)),
    (6, "fay", "green", None, date(1970, 3, 3)),
]
PETS = [("owner", "INTEGER"), ("pet", "VARCHAR"), ("legs", "INTEGER")]
PETS_ROWS: list[tuple[Any, ...]] = [
    (1, "cat", 4),
    (1, "fish", 0),
    (3, "dog", 4),
    (5, None, 2),
    (9, "ghost", None),
]
SCHEMA = {"people": PEOPLE, "pets": PETS}


def named(columns: list[tuple[str, str]], rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [dict(zip([c for c, _ in columns], r, strict=True)) for r in rows]


TABLE_ROWS = {"people": named(PEOPLE, PEOPLE_ROWS), "pets": named(PETS, PETS_ROWS)}


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb_with((("people", PEOPLE, PEOPLE_ROWS), ("pets", PETS, PETS_ROWS)))
    yield connection
    connection.close()


def ours(sql: str) -> list[tuple[Any, ...]]:
    executor = QueryExecutor(sql, SCHEMA)
    return [tuple(row[c] for c in executor.columns) for row in executor(TABLE_ROWS)]


# ---- each query construct against DuckDB ---------------------------------------------------------------

ORDERED_QUERIES = [
    # ORDER BY, DESC and NULLS placement, several keys (DuckDB's default is NULLS LAST both ways)
    "SELECT id, score FROM people ORDER BY score",
    "SELECT id, score FROM people ORDER BY score DESC",
    "SELECT id, score FROM people ORDER BY score NULLS FIRST",
    "SELECT id, score FROM people ORDER BY score DESC NULLS FIRST",
    "SELECT id, score FROM people ORDER BY score ASC NULLS LAST",
    "SELECT id, team FROM people ORDER BY team DESC, id DESC",
    "SELECT id, team FROM people ORDER BY team NULLS FIRST, id",
    "SELECT id, born FROM people ORDER BY born DESC",
    # LIMIT, after ORDER BY
    "SELECT id FROM people ORDER BY id DESC LIMIT 2",
    "SELECT id FROM people ORDER BY id LIMIT 0",
    "SELECT id FROM people ORDER BY id LIMIT 100",
    # DISTINCT (NULL is one value)
    "SELECT DISTINCT team FROM people ORDER BY team",
    "SELECT DISTINCT team, score IS NULL AS unknown FROM people ORDER BY team, unknown",
    # HAVING, with and without GROUP BY
    "SELECT team, count(*) AS n FROM people GROUP BY team HAVING count(*) > 1 ORDER BY team",
    "SELECT team, max(score) AS top FROM people GROUP BY team HAVING max(score) > 2 ORDER BY team",
    "SELECT team, count(*) AS n FROM people GROUP BY team HAVING team IS NOT NULL ORDER BY team",
    "SELECT count(*) AS n FROM people HAVING count(*) > 100",
    "SELECT count(*) AS n FROM people HAVING count(*) > 1",
    # WITH (nested), JOIN, LEFT JOIN, GROUP BY
    "SELECT p.id, q.pet FROM people AS p JOIN pets AS q ON q.owner = p.id ORDER BY id, pet",
    "SELECT p.id, q.pet, q.legs FROM people AS p LEFT JOIN pets AS q ON q.owner = p.id ORDER BY id, pet",
    "SELECT p.id, q.pet FROM people AS p INNER JOIN pets AS q ON q.owner = p.id AND q.legs > 0 ORDER BY id",
    "WITH n AS (SELECT owner, count(*) AS pets, sum(legs) AS legs FROM pets GROUP BY owner) "
    "SELECT p.id, coalesce(n.pets, 0) AS pets, n.legs FROM people AS p LEFT JOIN n ON n.owner = p.id ORDER BY id",
    "WITH a AS (WITH b AS (SELECT id, score FROM people WHERE score IS NOT NULL) SELECT id, score * 2 AS s2 FROM b) "
    "SELECT id, s2 FROM a ORDER BY s2 DESC",
    "WITH a AS (SELECT * FROM people), b AS (SELECT *, score > 2 AS high FROM a) SELECT * FROM b ORDER BY id",
    "SELECT p.*, q.pet FROM people AS p LEFT JOIN pets AS q ON q.owner = p.id ORDER BY id, pet",
    "SELECT team, count(*) AS n, count(score) AS scored, min(born) AS first FROM people GROUP BY team ORDER BY team",
    "SELECT team IS NULL AS no_team, count(*) AS n FROM people GROUP BY team IS NULL ORDER BY no_team",
    "SELECT count(*) AS n, max(score) AS top FROM people WHERE id > 100",
    "SELECT p.team, count(q.pet) AS pets FROM people AS p LEFT JOIN pets AS q ON q.owner = p.id "
    "GROUP BY p.team ORDER BY team",
    "SELECT id FROM people WHERE score > 2 OR team = 'red' ORDER BY id",
    "SELECT id FROM people WHERE born + INTERVAL 30 YEAR > DATE '2020-01-01' ORDER BY id",
]


@pytest.mark.parametrize("sql", ORDERED_QUERIES)
def test_query_matches_duckdb(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    assert ours(sql) == con.execute(sql).fetchall()


def test_star_expands_in_schema_order() -> None:
    executor = QueryExecutor("SELECT *, id + 1 AS next FROM people", SCHEMA)
    assert executor.columns == ["id", "name", "team", "score", "born", "next"]
    executor = QueryExecutor("SELECT q.*, p.id FROM people AS p JOIN pets AS q ON q.owner = p.id", SCHEMA)
    assert executor.columns == ["owner", "pet", "legs", "id"]


def test_global_aggregate_over_no_rows_is_one_row() -> None:
    rows = QueryExecutor("SELECT count(*) AS n, sum(legs) AS s FROM pets", SCHEMA)({"people": [], "pets": []})
    assert rows == [{"n": 0, "s": None}]


def test_grouped_aggregate_over_no_rows_is_no_row() -> None:
    sql = "SELECT owner, count(*) AS n FROM pets GROUP BY owner"
    assert QueryExecutor(sql, SCHEMA)({"people": [], "pets": []}) == []


def test_input_tables_are_not_modified() -> None:
    tables = {"people": list(TABLE_ROWS["people"]), "pets": list(TABLE_ROWS["pets"])}
    QueryExecutor("WITH people AS (SELECT id FROM people) SELECT id FROM people", SCHEMA)(tables)
    assert set(tables) == {"people", "pets"} and tables["people"] == TABLE_ROWS["people"]


# ---- the review's reproductions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT id FROM people ORDER BY id DESC",  # DESC was ignored
        "SELECT DISTINCT team FROM people ORDER BY team",  # DISTINCT was ignored
        "SELECT id FROM people ORDER BY id LIMIT 1",  # LIMIT was ignored
        "SELECT team, count(*) AS n FROM people GROUP BY team HAVING count(*) > 1 ORDER BY team",  # HAVING too
        "SELECT id, CAST(score > 2 AS VARCHAR) AS x FROM people ORDER BY id",  # was 'True'/'False'
        "SELECT id, CAST('false' AS BOOLEAN) AS x FROM people ORDER BY id",  # was True
    ],
)
def test_review_reproduction_now_agrees_with_duckdb(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    ordered = sql if "ORDER BY" in sql else sql + " ORDER BY x"
    assert ours(ordered) == con.execute(ordered).fetchall()


def test_trial_criterion_comparing_a_date_with_a_string_runs_on_features(engine: Engine) -> None:
    """`age_years >= 18 AND diagnosis_date >= '2020-01-01'` crashed the Python path with a TypeError."""
    sql = (
        f"WITH features AS ({FEATURES_SQL.read_text(encoding='utf-8')}) "
        "SELECT case_id, age_years >= 18 AND diagnosis_date >= '2020-01-01' AS ok, "
        "diagnosis_date >= '2025-06-01' AS recent FROM features ORDER BY case_id"
    )
    cases = [load_case(p) for p in DEMO_CASES]
    tables = to_tables(cases)
    named_tables = {t: [dict(zip(TABLE_COLUMNS[t], r, strict=True)) for r in tables.rows(t)] for t in TABLES}
    python = [(r["case_id"], r["ok"], r["recent"]) for r in QueryExecutor(sql, TABLE_COLUMNS)(named_tables)]
    duck = engine.backend("duckdb")
    assert isinstance(duck, DuckDBBackend)
    duck._load(tables)
    assert python == duck.con.execute(sql).fetchall()
    assert {recent for _, _, recent in python} == {True, False}  # the literal really is compared as a date


# ---- the generated module ----------------------------------------------------------------------------------


def _executor(engine: Engine) -> QueryExecutor:
    backend = engine.backend("python")
    assert isinstance(backend, PythonBackend)
    executor = compile_executor(engine.sql) if backend.executor is None else backend.executor
    if not isinstance(executor, QueryExecutor):
        executor = compile_executor(engine.sql)
    assert isinstance(executor, QueryExecutor)
    return executor


def _demo_tables(paths: list[Path]) -> dict[str, list[dict[str, Any]]]:
    tables = to_tables([load_case(p) for p in paths])
    return {t: [dict(zip(TABLE_COLUMNS[t], r, strict=True)) for r in tables.rows(t)] for t in TABLES}


def test_from_source_round_trip_matches_on_the_real_statement(engine: Engine) -> None:
    loaded = LoadedQuery.from_source(_executor(engine).source)
    from_code = LoadedQuery.from_code(marshal.loads(marshal.dumps(compile_source(_executor(engine).source))))
    assert loaded.columns == from_code.columns == _executor(engine).columns
    for path in DEMO_CASES:
        tables = _demo_tables([path])
        expected = _executor(engine)(tables)
        assert loaded(tables) == expected, path.name
        assert from_code(tables) == expected, path.name
    every = _demo_tables(DEMO_CASES)
    assert loaded(every) == _executor(engine)(every)


def test_real_statement_matches_duckdb_on_the_demo_cases(engine: Engine) -> None:
    cases = [load_case(p) for p in DEMO_CASES]
    python = engine.run_tables(to_tables(cases), backend="python")
    duck = engine.run_tables(to_tables(cases), backend="duckdb")
    assert len(python) == len(duck) == len(cases)
    for p_row, d_row in zip(python, duck, strict=True):
        assert list(p_row) == list(d_row)
        assert [round(v, 9) if isinstance(v, float) else v for v in p_row.values()] == [
            round(v, 9) if isinstance(v, float) else v for v in d_row.values()
        ]


def test_loading_from_source_does_not_import_sqlglot(engine: Engine, tmp_path: Path) -> None:
    source = tmp_path / "query.py"
    source.write_text(_executor(engine).source, encoding="utf-8")
    script = (
        "import sys\n"
        "from oligoboard.engine.pyload import LoadedQuery\n"
        f"q = LoadedQuery.from_source(open({str(source)!r}, encoding='utf-8').read())\n"
        "assert q.columns[0] == 'case_id'\n"
        "assert 'sqlglot' not in sys.modules, 'sqlglot was imported'\n"
        "assert 'duckdb' not in sys.modules, 'duckdb was imported'\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)


def test_every_node_of_the_real_statement_is_in_the_supported_set(engine: Engine) -> None:
    used = {type(n) for n in sqlglot.parse_one(engine.sql, dialect="duckdb").walk()}
    assert used <= set(SUPPORTED_NODES), sorted(t.__name__ for t in used - set(SUPPORTED_NODES))


def test_supported_set_lists_order_arguments() -> None:
    by_name = {t.__name__: args for t, args in SUPPORTED_NODES.items()}
    assert {"desc", "nulls_first"} <= by_name["Ordered"]
    assert {"having", "limit", "distinct", "order"} <= by_name["Select"]
    assert "offset" not in by_name["Select"] and "Window" not in by_name


@pytest.mark.parametrize(
    "literal", ["it's", 'say "hi"', "back\\slash", "new\nline", "'); import os; ('", "{x}", "\u00e9\u2192"]
)
def test_string_literals_are_emitted_as_values(con: duckdb.DuckDBPyConnection, literal: str) -> None:
    sql_literal = "'" + literal.replace("'", "''") + "'"
    sql = f"SELECT id, {sql_literal} AS x, name = {sql_literal} AS same FROM people ORDER BY id LIMIT 1"
    executor = QueryExecutor(sql, SCHEMA)
    assert executor(TABLE_ROWS) == [{"id": 1, "x": literal, "same": False}]
    assert con.execute(sql).fetchall() == [(1, literal, False)]
    assert repr(literal) in executor.source


def test_generated_source_holds_no_case_data(engine: Engine) -> None:
    case_ids = [load_case(p).id for p in DEMO_CASES]
    assert not any(repr(case_id) in _executor(engine).source for case_id in case_ids)


def test_a_module_of_another_format_is_refused() -> None:
    source = QueryExecutor("SELECT id FROM people", SCHEMA).source
    with pytest.raises(StaleQuery):
        LoadedQuery.from_source(source.replace(f"FORMAT = {FORMAT!r}", f"FORMAT = {FORMAT + 1!r}"))


def test_top_level_statement_must_be_a_select() -> None:
    with pytest.raises(Unsupported, match="SELECT"):
        QueryExecutor("SELECT id FROM people UNION SELECT owner FROM pets", SCHEMA)


def test_unknown_table_is_refused() -> None:
    with pytest.raises(Unsupported, match="unknown table"):
        QueryExecutor("SELECT id FROM nobody", SCHEMA)
