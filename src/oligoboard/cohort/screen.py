"""Bulk screening: the compiled statement over a whole cohort, where the data is (issue 14, item 2).

Why this shape:
- The statement is the one `assess` runs (`Engine().statement`), executed by DuckDB over views of the
  cohort's own Parquet/CSV files (`cohort/sources.py`); no per-patient Python object exists at any point.
- Patients are screened in chunks of patient-id ranges (boundaries from `quantile_disc` over the ids), so
  memory is bounded by the chunk, not the cohort. DuckDB writes a chunk's narrow result (case id and the
  criterion columns) straight from the statement into its part of the `criteria` table, then derives the
  `rule_sets` and `trials` parts from that part file (`write_results`): the chunk is never held as a table,
  and the statuses are made from the stored criteria by the statement's own `set_status`, as ENUM values
  (building a status word per patient and rule set cost more than reading the stored booleans back twice).
  Each result table is a folder with one Parquet part per chunk (never concatenated: a reader reads the
  folder).
- The Spark backend writes the same narrow rows as Parquet (`raw/`); `write_results` then reads those with
  DuckDB, so the result tables, the exclusions and the checks are one code whoever ran the statement.
- Everything goes to a temporary sibling of `out`, renamed at the very end. Cancelling (Ctrl-C, or
  `Screening.cancel()`) interrupts the running DuckDB query (`con.interrupt()`) and removes the sibling.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from oligoboard.cohort import manifest as mf
from oligoboard.cohort.sources import TableFiles, check_schema, create_views, discover, sql_string
from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.engine.layout import Statement
from oligoboard.engine.results import SetStatus
from oligoboard.errors import InputError, OligoboardError

DEFAULT_CHUNK = 1_000_000
#: DuckDB type of the stored rule-set statuses (Parquet: a dictionary-encoded string column)
STATUS_TYPE = "rule_set_status"
STATUSES: tuple[str, ...] = get_args(SetStatus)
#: DuckDB's reusable block pool (`block_allocator_memory`) when no memory limit is given: a share of RAM
BLOCK_POOL = "20%"
RAW = "raw"
#: Data-quality exclusions, in the order the funnel lists them (each patient row counted once, first reason).
EXCLUSIONS = (
    ("no_case_id", "no case id"),
    ("repeated_case_id", "case id repeated in the patients table"),
    ("no_assessment_date", "no assessment date"),
)


class Cancelled(OligoboardError):
    """The screening was stopped (Ctrl-C or `cancel()`); nothing was written."""


ProgressFn = Callable[[int, int], None]


def narrow_sql(statement: Statement) -> str:
    """The statement reduced to what a cohort keeps: case id and the criterion columns.

    The final ORDER BY is dropped (order does not matter to the result tables and costs a sort); the
    projection lets DuckDB prune every feature, definition and decision no criterion reads. The rule-set
    statuses are left out: `write_results` makes them from the stored criteria (the same `set_status`).
    """
    sql = statement.sql
    tail = " ORDER BY case_id"
    if sql.endswith(tail):
        sql = sql[: -len(tail)]
    cols = ["case_id", *statement.criteria.values()]
    return f"SELECT {', '.join(cols)} FROM ({sql}) AS screened"


@dataclass
class Screening:
    """One screening run; `cancel()` may be called from another thread (or a progress callback)."""

    kb: KnowledgeBase
    statement: Statement
    chunk_patients: int = DEFAULT_CHUNK
    memory_limit: str | None = None
    threads: int | None = None
    on_progress: ProgressFn | None = None
    _con: Any = field(default=None, init=False, repr=False)
    _cancelled: threading.Event = field(default_factory=threading.Event, init=False, repr=False)

    def cancel(self) -> None:
        self._cancelled.set()
        con = self._con
        if con is not None:
            con.interrupt()

    def _check(self) -> None:
        if self._cancelled.is_set():
            raise Cancelled("screening cancelled: nothing was written")

    def _connect(self, temp: Path) -> Any:
        import duckdb

        con = duckdb.connect(":memory:")
        (temp / ".spill").mkdir()
        con.execute(f"SET temp_directory = {sql_string(str(temp / '.spill'))}")
        con.execute("SET preserve_insertion_order = false")
        if self.memory_limit:
            con.execute(f"SET memory_limit = {sql_string(self.memory_limit)}")
        # blocks DuckDB frees are kept for reuse instead of going back to the system: a chunk's hash tables
        # are rebuilt in memory the kernel has already mapped (at 1M patients, 2 threads: system CPU 3.3 → 2.2 s,
        # wall −2 to −5 %; docs/cohort.md "Speed"). Never more than the memory limit the user gave
        con.execute(f"SET block_allocator_memory = {sql_string(self.memory_limit or BLOCK_POOL)}")
        if self.threads:
            con.execute(f"SET threads = {int(self.threads)}")
        con.execute(f"CREATE TYPE {STATUS_TYPE} AS ENUM ({', '.join(sql_string(s) for s in STATUSES)})")
        return con

    def _run(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        """Run one query in a worker thread so the main thread stays interruptible (Ctrl-C → interrupt)."""
        import duckdb

        self._check()
        box: dict[str, Any] = {}

        def work() -> None:
            try:
                cursor = self._con.execute(sql, params or [])
                box["rows"] = cursor.fetchall() if cursor.description else []
            except BaseException as exc:  # handed to the main thread
                box["error"] = exc

        worker = threading.Thread(target=work, name="oligoboard-screen", daemon=True)
        worker.start()
        try:
            while worker.is_alive():
                worker.join(0.05)
                if self._cancelled.is_set():
                    self._con.interrupt()
        except KeyboardInterrupt:
            self._cancelled.set()
            self._con.interrupt()
            worker.join()
        self._check()
        error = box.get("error")
        if isinstance(error, duckdb.InterruptException):
            raise Cancelled("screening cancelled: nothing was written") from None
        if isinstance(error, duckdb.Error):
            # the type only: DuckDB's message can quote a value of the data (a patient's)
            raise OligoboardError(f"screening failed in DuckDB: {type(error).__name__}") from None
        if error is not None:
            raise error
        rows: list[tuple[Any, ...]] = box["rows"]
        return rows

    def run(
        self,
        cohort: Path,
        out: Path,
        *,
        engine: str = "duckdb",
        master: str | None = None,
        source_hash: str | None = None,
        source_name: str | None = None,
    ) -> mf.Manifest:
        """Screen `cohort` (table layout) into `out` (must not exist); returns the manifest written.

        `source_hash`/`source_name`: provenance of the registry the tables were converted from (a folder of
        case documents); default: the content hash and name of `cohort` itself.
        """
        if out.exists():
            raise InputError(f"--out {out}: already exists (choose a new folder)")
        sources = discover(cohort)
        temp = out.parent / f".{out.name}.partial-{os.getpid()}"
        shutil.rmtree(temp, ignore_errors=True)
        temp.mkdir(parents=True)
        started = last = time.perf_counter()
        timings: dict[str, float] = {}

        def lap(name: str) -> None:
            nonlocal last
            now = time.perf_counter()
            timings[name] = round(now - last, 3)
            last = now

        try:
            self._con = self._connect(temp)
            check_schema(self._con, sources)
            lap("schema")
            cohort_hash = source_hash or mf.cohort_hash(cohort, sources, self._check)
            lap("hash")
            create_views(self._con, sources)
            counts = self._quality()
            lap("quality")
            manifest = mf.build(
                self.kb,
                self.statement,
                engine=engine,
                cohort=source_name or cohort.name,
                cohort_hash=cohort_hash,
                counts=counts,
            )
            if engine == "duckdb":
                self._screen_duckdb(sources, temp, manifest)
                lap("statement")
            else:
                self._screen_spark(sources, temp / RAW, master)
                self._check()
                lap("statement")
                raw = f"read_parquet({sql_string(str(temp / RAW / '*.parquet'))})"
                write_results(self._run, raw, temp, manifest)
                shutil.rmtree(temp / RAW)
            check_count(self._run, temp, manifest)
            lap("results")
            manifest.seconds = round(time.perf_counter() - started, 3)
            manifest.timings = timings
            shutil.rmtree(temp / ".spill", ignore_errors=True)
            mf.write(temp, manifest)
            self._check()
            os.replace(temp, out)
            return manifest
        except BaseException:
            if self._con is not None:
                self._con.interrupt()
            shutil.rmtree(temp, ignore_errors=True)
            raise
        finally:
            if self._con is not None:
                self._con.close()
                self._con = None

    def _quality(self) -> dict[str, int]:
        """Input count and the data-quality exclusions, remembered in `excluded_rows` for post-processing."""
        # repeated ids from a group-by, not a count over a window per id (a sort of every id: 2.3 s at 10M)
        self._run(
            "CREATE TEMP TABLE excluded AS "
            "WITH repeated AS (SELECT case_id FROM patients WHERE case_id IS NOT NULL "
            "GROUP BY case_id HAVING count(*) > 1) "
            "SELECT p.case_id, CASE WHEN p.case_id IS NULL THEN 'no_case_id' "
            "WHEN r.case_id IS NOT NULL THEN 'repeated_case_id' ELSE 'no_assessment_date' END AS reason "
            "FROM patients AS p LEFT JOIN repeated AS r ON r.case_id = p.case_id "
            "WHERE p.case_id IS NULL OR r.case_id IS NOT NULL OR p.assessment_date IS NULL"
        )
        total = self._run("SELECT count(*) FROM patients")[0][0]
        rows = dict(self._run("SELECT reason, count(*) FROM excluded GROUP BY reason"))
        counts = {"input": int(total)}
        for key, _ in EXCLUSIONS:
            counts[key] = int(rows.get(key, 0))
        counts["screened"] = counts["input"] - sum(counts[k] for k, _ in EXCLUSIONS)
        return counts

    def _boundaries(self, total: int) -> list[str]:
        """Case-id boundaries splitting the patients into ranges of about `chunk_patients`."""
        parts = -(-total // max(1, self.chunk_patients))
        if parts <= 1:
            return []
        cuts = ", ".join(str(i / parts) for i in range(1, parts))
        found = self._run(f"SELECT quantile_disc(case_id, [{cuts}]) FROM patients")[0][0]
        return sorted({str(v) for v in found if v is not None})

    def _screen_duckdb(self, sources: Mapping[str, TableFiles], temp: Path, manifest: mf.Manifest) -> None:
        """Each id-range chunk: the narrow statement into its `criteria` part, then the other two parts from it."""
        total = manifest.counts["input"]
        bounds = self._boundaries(total)
        ranges: list[tuple[str | None, str | None]] = list(zip([None, *bounds], [*bounds, None], strict=True))
        narrow = f"({narrow_sql(self.statement)})"
        done = 0
        for index, (lo, hi) in enumerate(ranges):
            conditions = [f"case_id >= {sql_string(lo)}" if lo is not None else "", ""]
            conditions[1] = f"case_id < {sql_string(hi)}" if hi is not None else ""
            condition = " AND ".join(c for c in conditions if c)
            if condition:
                create_views(self._con, sources, dict.fromkeys(sources, condition))
            write_results(self._run, narrow, temp, manifest, part=index)
            done += self._run("SELECT count(*) FROM patients")[0][0] if len(ranges) > 1 else total
            if self.on_progress is not None:
                self.on_progress(min(done, total), total)
            self._check()
        create_views(self._con, sources)

    def _screen_spark(self, sources: Mapping[str, TableFiles], raw: Path, master: str | None) -> None:
        import importlib

        try:  # the spark branch provides the module; pyspark itself is the optional extra oligoboard[spark]
            spark = importlib.import_module("oligoboard.engine.backends.spark")
        except ImportError:
            raise InputError("--engine spark: pyspark is not installed (install oligoboard[spark])") from None
        screen_tables = getattr(spark, "screen_tables", None)
        if screen_tables is None:
            raise InputError(
                "--engine spark: this installation has no Spark screening (install oligoboard[spark])"
            )
        tables = {name: list(files.files) for name, files in sources.items()}
        try:
            screen_tables(narrow_sql(self.statement), tables, raw, master)
        except ImportError:  # pyspark itself imported lazily by the backend
            raise InputError("--engine spark: pyspark is not installed (install oligoboard[spark])") from None
        if self.on_progress is not None:
            self.on_progress(1, 1)


def write_results(
    run: Callable[[str], list[tuple[Any, ...]]],
    source: str,
    folder: Path,
    manifest: mf.Manifest,
    part: int = 0,
) -> None:
    """The three result tables from the narrow per-patient rows of `source`, excluded patients dropped.

    `source`: a relation holding the narrow rows (the narrow statement in parentheses, or `read_parquet(...)`
    over Spark's output). Each table is the folder `folder/<table>`; this call writes its part number `part`
    (one per chunk): the `criteria` part from `source`, then the other two from that part file.

    - `rule_sets`: case_id and one column per rule set: met | not_met | unknown;
    - `criteria`: case_id and one BOOLEAN column per criterion: TRUE met (its condition holds; for
      an exclusion that means the patient is excluded), FALSE not met, NULL unknown (a BOOLEAN, not a word:
      164 text columns cost DuckDB ≈ 5 s per million patients to write, the booleans almost nothing);
    - `trials`: case_id and per trial two BIGINT bitmasks over its criteria in protocol order,
      `<trial column>__met` (condition holds) and `<trial column>__unknown` (bit i = 1 << i, i from 0).
    """
    kept = (
        f"(SELECT * FROM {source} AS r WHERE r.case_id IS NOT NULL AND r.case_id NOT IN "
        "(SELECT case_id FROM excluded WHERE case_id IS NOT NULL))"
    )

    def target(name: str) -> str:
        (folder / name).mkdir(parents=True, exist_ok=True)
        return sql_string(str(folder / name / f"part-{part:06d}.parquet"))

    crits = ", ".join(c.column for c in manifest.criteria)
    criteria = target(mf.CRITERIA)
    run(f"COPY (SELECT case_id, {crits} FROM {kept}) TO {criteria} (FORMAT parquet)")
    stored = f"read_parquet({criteria})"
    run(
        f"COPY (SELECT case_id, {status_columns(manifest)} FROM {stored}) TO {target(mf.RULE_SETS)} (FORMAT parquet)"
    )
    masks: list[str] = []
    for trial in manifest.trials:
        met = " + ".join(f"CASE WHEN {c.column} IS TRUE THEN {1 << c.bit} ELSE 0 END" for c in trial.criteria)
        unknown = " + ".join(
            f"CASE WHEN {c.column} IS NULL THEN {1 << c.bit} ELSE 0 END" for c in trial.criteria
        )
        masks.append(f"CAST({met} AS BIGINT) AS {trial.met_column}")
        masks.append(f"CAST({unknown} AS BIGINT) AS {trial.unknown_column}")
    run(f"COPY (SELECT case_id, {', '.join(masks)} FROM {stored}) TO {target(mf.TRIALS)} (FORMAT parquet)")


def status_columns(manifest: mf.Manifest) -> str:
    """Each rule set's status from its stored criterion columns: the statement's `set_status`, ENUM-typed.

    sqlglot and the statement builder are imported here, not with the module: `funnel` imports this module
    and never builds SQL.
    """
    from sqlglot import exp

    from oligoboard.engine.compile import DIALECT
    from oligoboard.engine.statement import set_status

    label_type = exp.DataType.build(STATUS_TYPE, udt=True)

    def label(word: str) -> exp.Expr:
        return exp.cast(exp.Literal.string(word), label_type)

    columns: list[str] = []
    for rs in manifest.rule_sets:
        kinds = [(c.column, c.kind) for c in manifest.criteria if c.rule_set == rs.id]
        columns.append(exp.alias_(set_status(kinds, label), rs.column).sql(dialect=DIALECT))
    return ", ".join(columns)


def check_count(run: Callable[[str], list[tuple[Any, ...]]], folder: Path, manifest: mf.Manifest) -> None:
    """Refuse results that do not hold exactly one row per screened patient (nothing is kept then)."""
    found = run(f"SELECT count(*) FROM read_parquet({sql_string(str(folder / mf.RULE_SETS))})")[0][0]
    if int(found) != manifest.counts["screened"]:
        raise OligoboardError(
            f"screening wrote {found} patient rows, expected {manifest.counts['screened']}: results not kept"
        )
