"""Spark answers exactly what DuckDB answers (issue 14, points 3 and 5).

1. A generated registry of 5,000 patients (cohort/synth.py, two Parquet files per table, unknowns in every
   table): the statement run by DuckDB over the Parquet files and by `screen_tables` on Spark give the same
   value in every one of the statement's columns for every patient — statuses and criteria included.
2. Random cases (tests/engine/generate.py: every field of the contract varied, answers, RT courses, local
   treatments — what the registry generator does not draw yet), written as a third Parquet file of the same
   registry (`write_case_tables`): each one's Spark row, interpreted, equals the single-case Python path.
3. What must be refused is refused before any result is written: a Parquet file missing a column or with
   another type, an existing output, a run that fails half-way.

One SparkSession for the whole test session (`spark` fixture; `session()` reuses the running one).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pytest

from oligoboard.case.models import Case
from oligoboard.cohort import synth
from oligoboard.engine.runner import Engine
from oligoboard.engine.tables import TABLES, to_tables
from oligoboard.errors import EngineError, InputError
from tests.engine.generate import random_cases
from tests.engine.test_differential import snapshot

pytest.importorskip("pyspark", reason="the Spark extra is not installed (pip install -e '.[spark]')")

from oligoboard.engine.backends.spark import screen_tables, session, write_case_tables

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

N_PATIENTS = 5000
SEED = 14
N_RANDOM_CASES = 150

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    yield session()


@pytest.fixture(scope="module")
def random(engine: Engine) -> list[Case]:
    return random_cases(seed=20261214, n=N_RANDOM_CASES, answer_keys=engine.kb.answer_keys)


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory, random: list[Case]) -> dict[str, list[Path]]:
    """The registry (two files per table) plus a third file per table holding the random cases: one Spark
    execution serves both comparisons (each execution of the statement costs Spark 30 s and more)."""
    root = tmp_path_factory.mktemp("registry") / "cohort"
    synth.generate(root, N_PATIENTS, SEED, chunk=N_PATIENTS // 2)
    write_case_tables(to_tables(random), root, part="part-random")
    return {table: sorted((root / table).glob("*.parquet")) for table in TABLES}


def _value(v: Any) -> Any:
    """Numbers by value, not type: DuckDB counts are HUGEINT/BIGINT, Spark's BIGINT/INT (until features.sql
    casts them); a float is compared to 9 decimals (NaN equal to NaN)."""
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, int | float | Decimal):
        f = float(v)
        return "NaN" if math.isnan(f) else round(f, 9)
    return v


def _duckdb_rows(sql: str, tables: dict[str, list[Path]]) -> tuple[list[str], dict[str, tuple[Any, ...]]]:
    con = duckdb.connect()
    for table, files in tables.items():
        listed = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet([{listed}])")
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return names, {row[0]: row for row in cursor.fetchall()}


@pytest.fixture(scope="module")
def both(
    engine: Engine,
    spark: SparkSession,
    cohort: dict[str, list[Path]],
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[list[str], dict[str, tuple[Any, ...]], list[str], dict[str, tuple[Any, ...]]]:
    out = tmp_path_factory.mktemp("screened") / "spark-out"
    screen_tables(engine.sql, cohort, out, None)
    names, duck = _duckdb_rows(engine.sql, cohort)
    cursor = duckdb.connect().execute("SELECT * FROM read_parquet(?)", [str(out / "*.parquet")])
    spark_names = [d[0] for d in cursor.description]
    return names, duck, spark_names, {row[0]: row for row in cursor.fetchall()}


def test_spark_equals_duckdb_on_a_generated_registry(
    engine: Engine, both: tuple[list[str], dict[str, tuple[Any, ...]], list[str], dict[str, tuple[Any, ...]]]
) -> None:
    names, duck, spark_names, spark_rows = both
    assert spark_names == names == list(engine.statement.columns)
    assert len(duck) == N_PATIENTS + N_RANDOM_CASES and sorted(spark_rows) == sorted(duck)
    differing: Counter[str] = Counter()
    for case_id, row in duck.items():
        for name, a, b in zip(names, row, spark_rows[case_id], strict=True):
            if _value(a) != _value(b):
                differing[name] += 1
    assert not differing, differing.most_common(10)


def test_the_registry_comparison_covers_unknowns_and_every_verdict(
    engine: Engine, both: tuple[list[str], dict[str, tuple[Any, ...]], list[str], dict[str, tuple[Any, ...]]]
) -> None:
    """Equality is only worth something if the cohort reaches met, not met and unknown, and NULL criteria."""
    names, duck, _, _ = both
    status = [i for i, n in enumerate(names) if n in engine.statement.rule_set_status.values()]
    criteria = [i for i, n in enumerate(names) if n in engine.statement.criteria.values()]
    seen = Counter(row[i] for row in duck.values() for i in status)
    assert seen["met"] > 0 and seen["not_met"] > 0 and seen["unknown"] > 0, seen
    assert sum(row[i] is None for row in duck.values() for i in criteria) > N_PATIENTS
    per_set = [len({row[i] for row in duck.values()}) for i in status]
    assert sum(n == 3 for n in per_set) >= 5, per_set


def test_spark_equals_the_single_case_path_on_random_cases(
    engine: Engine,
    random: list[Case],
    both: tuple[list[str], dict[str, tuple[Any, ...]], list[str], dict[str, tuple[Any, ...]]],
) -> None:
    """The consistency property (issue 14, point 5) for Spark: each random case's Spark row, interpreted like
    any backend's, gives the same features, decisions, criteria, verdicts and missing facts as the case alone
    through the Python executor."""
    _, _, names, spark_rows = both
    for case in random:
        row = dict(zip(names, spark_rows[case.id], strict=True))
        from_spark = engine.interpret(row, case.model_dump(mode="json", by_alias=True))
        single = engine.evaluate_one(case, backend="python")
        assert snapshot(from_spark) == snapshot(single), case.id


def _copy_with(src: Path, dst: Path, select: str) -> Path:
    duckdb.connect().execute(f"COPY (SELECT {select} FROM read_parquet('{src}')) TO '{dst}' (FORMAT parquet)")
    return dst


@pytest.mark.parametrize(
    ("select", "path", "expected", "found"),
    [
        ("* EXCLUDE (ecog)", "patients.ecog", "int", "absent"),
        ("* REPLACE (CAST(ecog AS BIGINT) AS ecog)", "patients.ecog", "int", "bigint"),
        ("* REPLACE (CAST(assessment_date AS VARCHAR) AS assessment_date)", "patients.assessment_date", "date", "string"),
    ],
)  # fmt: skip
def test_a_table_with_a_missing_or_retyped_column_is_refused(
    engine: Engine,
    spark: SparkSession,
    cohort: dict[str, list[Path]],
    tmp_path: Path,
    select: str,
    path: str,
    expected: str,
    found: str,
) -> None:
    bad = _copy_with(cohort["patients"][0], tmp_path / "patients.parquet", select)
    tables = {**cohort, "patients": [bad]}
    with pytest.raises(InputError) as caught:
        screen_tables(engine.sql, tables, tmp_path / "out", None)
    [problem] = caught.value.problems
    assert (problem.path, problem.expected, problem.found) == (path, expected, found)
    assert not (tmp_path / "out").exists()


def test_an_existing_output_is_refused(engine: Engine, cohort: dict[str, list[Path]], tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    with pytest.raises(InputError, match="exists already"):
        screen_tables(engine.sql, cohort, tmp_path / "out", None)


def test_a_run_failing_half_way_leaves_nothing(
    spark: SparkSession, cohort: dict[str, list[Path]], tmp_path: Path
) -> None:
    """ANSI mode: a cast DuckDB refuses is refused by Spark too, and the output is never half there."""
    failing = "SELECT case_id, CAST(sex AS INTEGER) AS n FROM patients"
    with pytest.raises(EngineError, match=r"CAST_INVALID_INPUT \(values not shown\)") as caught:
        screen_tables(failing, cohort, tmp_path / "out", None)
    assert "male" not in str(caught.value)
    with pytest.raises(duckdb.ConversionException):
        _duckdb_rows(failing, cohort)
    assert list(tmp_path.iterdir()) == []
