"""`oligoboard screen` (issue 14 item 2): bulk screening in DuckDB over the cohort's own files.

A 3,000-patient synthetic cohort is screened once per module in chunks of 1,000 patients; other tests
change a copy of it (a bad column, a CSV copy, repeated ids) or interrupt the run.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import duckdb
import pytest

from oligoboard.cli.main import main
from oligoboard.cohort import manifest as mf
from oligoboard.cohort.screen import Cancelled, Screening, narrow_sql
from oligoboard.cohort.synth import run
from oligoboard.engine.runner import Engine
from oligoboard.engine.tables import TABLES
from oligoboard.errors import InputError
from tests.cohort.screening_data import rows, screen

N = 3_000


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("screen") / "registry"
    run(out, N, 21, chunk=1_000)
    return out


@pytest.fixture(scope="module")
def screened(cohort: Path) -> Path:
    out = cohort.parent / "results"
    screen(cohort, out, chunk=1_000)
    return out


def _copy(cohort: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(cohort, target, ignore=shutil.ignore_patterns("cases"))
    return target


def _columns(path: Path) -> list[str]:
    con = duckdb.connect()
    names = [d[0] for d in con.execute(f"SELECT * FROM read_parquet('{path}') LIMIT 0").description]
    con.close()
    return names


def _rewrite(path: Path, select: str, tail: str = "") -> None:
    """Replace one Parquet file by `select` over its own rows (DuckDB writes a temp file, then renames)."""
    temp = path.with_suffix(".new")
    con = duckdb.connect()
    con.execute(f"COPY (SELECT {select} FROM read_parquet('{path}') {tail}) TO '{temp}' (FORMAT parquet)")
    con.close()
    temp.replace(path)


def test_every_patient_every_rule_set_criterion_and_trial_is_written(screened: Path) -> None:
    manifest = mf.read(screened)
    engine = Engine()
    assert sorted(p.name for p in screened.iterdir()) == sorted(
        [mf.MANIFEST, mf.RULE_SETS, mf.CRITERIA, mf.TRIALS]
    )
    assert manifest.counts == {
        "input": N,
        "no_case_id": 0,
        "repeated_case_id": 0,
        "no_assessment_date": 0,
        "screened": N,
    }
    assert manifest.knowledge_hash == engine.kb.content_hash
    assert manifest.knowledge_version == engine.kb.full_version
    assert [r.id for r in manifest.rule_sets] == [rs.spec.id for rs in engine.kb.rule_sets]
    assert len(manifest.criteria) == len(engine.statement.criteria)
    assert [t.id for t in manifest.trials] == [rs.spec.id for rs in engine.kb.rule_sets_of("trial")]
    for table in (mf.RULE_SETS, mf.CRITERIA, mf.TRIALS):
        assert rows(screened / table, "SELECT count(*), count(DISTINCT case_id) FROM t") == [(N, N)]
    statuses = rows(screened / mf.RULE_SETS, "UNPIVOT t ON COLUMNS(* EXCLUDE case_id) INTO NAME k VALUE v")
    assert {v for _, _, v in statuses} == {"met", "not_met", "unknown"}


def test_bit_order_is_protocol_order_and_masks_match_the_criteria_table(screened: Path) -> None:
    manifest = mf.read(screened)
    engine = Engine()
    crit = {r[0]: r for r in rows(screened / mf.CRITERIA)}
    names = _columns(screened / mf.CRITERIA)
    masks = {r[0]: r for r in rows(screened / mf.TRIALS)}
    mask_names = _columns(screened / mf.TRIALS)
    status = {r[0]: r for r in rows(screened / mf.RULE_SETS)}
    status_names = _columns(screened / mf.RULE_SETS)
    for trial in manifest.trials:
        spec = engine.kb.rule_set(trial.id)
        assert [c.id for c in trial.criteria] == [c.spec.id for c in spec.criteria]
        assert [c.bit for c in trial.criteria] == list(range(len(spec.criteria)))
        met_i, unk_i = mask_names.index(trial.met_column), mask_names.index(trial.unknown_column)
        st_i = status_names.index(engine.statement.rule_set_status[trial.id])
        for case_id, row in crit.items():
            met, unknown = int(masks[case_id][met_i]), int(masks[case_id][unk_i])  # type: ignore[call-overload]
            for c in trial.criteria:
                value = row[names.index(c.column)]
                assert bool(unknown >> c.bit & 1) == (value is None)
                assert bool(met >> c.bit & 1) == (value is True)
            from oligoboard.cohort.funnel import status_of

            word = {"eligible": "met", "ineligible": "not_met", "undetermined": "unknown"}
            assert word[status_of(met, unknown, trial.criteria)] == status[case_id][st_i]


def test_chunking_by_id_range_changes_nothing(cohort: Path, screened: Path, tmp_path: Path) -> None:
    whole = tmp_path / "whole"
    screen(cohort, whole)
    for table in (mf.RULE_SETS, mf.CRITERIA, mf.TRIALS):
        assert rows(whole / table) == rows(screened / table)
        # one part per chunk, never concatenated
        assert len(list((whole / table).glob("part-*.parquet"))) == 1
        assert len(list((screened / table).glob("part-*.parquet"))) > 1
    assert mf.read(whole).cohort_hash == mf.read(screened).cohort_hash


def test_cohort_hash_follows_the_file_contents(cohort: Path, screened: Path, tmp_path: Path) -> None:
    copy = _copy(cohort, tmp_path)
    out = tmp_path / "again"
    screen(copy, out)
    assert mf.read(out).cohort_hash == mf.read(screened).cohort_hash  # same files, other folder
    _rewrite(copy / "patients" / "part-000001.parquet", "*", "ORDER BY case_id DESC")
    out2 = tmp_path / "changed"
    screen(copy, out2)
    assert mf.read(out2).cohort_hash != mf.read(screened).cohort_hash


def test_csv_tables_give_the_same_results(cohort: Path, screened: Path, tmp_path: Path) -> None:
    csv = tmp_path / "csv"
    con = duckdb.connect()
    for table in TABLES:
        (csv / table).mkdir(parents=True)
        con.execute(
            f"COPY (SELECT * FROM read_parquet('{cohort / table}/*.parquet')) TO '{csv / table}/all.csv' (HEADER)"
        )
    con.close()
    out = tmp_path / "out"
    screen(csv, out)
    for table in (mf.RULE_SETS, mf.CRITERIA, mf.TRIALS):
        assert rows(out / table) == rows(screened / table)


def test_a_wider_integer_type_is_accepted_when_every_value_converts(cohort: Path, tmp_path: Path) -> None:
    copy = _copy(cohort, tmp_path)
    _rewrite(copy / "patients" / "part-000000.parquet", "* REPLACE (CAST(ecog AS BIGINT) AS ecog)")
    out = tmp_path / "out"
    screen(copy, out)
    assert mf.read(out).counts["screened"] == N


@pytest.mark.parametrize(
    ("table", "select", "column", "expected", "row"),
    [
        # a size that is not a number in the 7th lesion row of the first file
        (
            "lesions",
            "* REPLACE (CASE WHEN row_number() OVER () = 7 THEN 'large' ELSE CAST(size_mm AS VARCHAR) END AS size_mm)",
            "size_mm",
            "DOUBLE",
            7,
        ),
        (
            "patients",
            "* REPLACE (CASE WHEN row_number() OVER () = 3 THEN '2024-02-30' ELSE CAST(assessment_date AS VARCHAR) END AS assessment_date)",
            "assessment_date",
            "DATE",
            3,
        ),
        ("therapies", "* EXCLUDE (cycles)", "cycles", "INTEGER", None),
    ],
)
def test_schema_mismatch_names_table_column_type_and_first_bad_row(
    cohort: Path, tmp_path: Path, table: str, select: str, column: str, expected: str, row: int | None
) -> None:
    copy = _copy(cohort, tmp_path)
    _rewrite(copy / table / "part-000000.parquet", select)
    out = tmp_path / "out"
    with pytest.raises(InputError) as caught:
        screen(copy, out)
    text = caught.value.render()
    assert f"{table}/part-000000.parquet: column {column}" in text
    assert expected in text
    assert (f"row {row}:" in text) if row is not None else "missing" in text
    assert "large" not in text and "2024-02-30" not in text  # never the value
    assert not out.exists() and not list(tmp_path.glob(".out*"))


@pytest.mark.parametrize(
    ("table", "column", "word", "row"),
    [
        # features.sql counts organ systems and ranks a finding's status by the contract's lists
        ("lesions", "organ", "spleen", 4),
        ("imaging_findings", "status", "worse", 2),
        ("imaging", "response", "iCPD", 5),
    ],
)
def test_a_word_outside_the_contracts_list_is_refused_with_its_row(
    cohort: Path, tmp_path: Path, table: str, column: str, word: str, row: int
) -> None:
    """engine/tables.VOCABULARIES: "a word outside them would otherwise be read as something it is not"."""
    copy = _copy(cohort, tmp_path)
    keep = f"CAST({column} AS VARCHAR)"
    _rewrite(
        copy / table / "part-000001.parquet",
        f"* REPLACE (CASE WHEN row_number() OVER () = {row} THEN '{word}' ELSE {keep} END AS {column})",
    )
    out = tmp_path / "out"
    with pytest.raises(InputError) as caught:
        screen(copy, out)
    text = caught.value.render()
    assert f"{table}/part-000001.parquet: column {column}" in text and f"row {row}:" in text
    assert word not in text  # never the value
    assert not out.exists() and not list(tmp_path.glob(".out*"))


def test_schema_mismatch_exits_2_without_output(
    cohort: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = _copy(cohort, tmp_path)
    _rewrite(copy / "lesions" / "part-000002.parquet", "* REPLACE ('x' AS organ, 'big' AS size_mm)")
    assert main(["screen", str(copy), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "lesions/part-000002.parquet: column size_mm" in err and "row 1" in err
    assert not (tmp_path / "out").exists()


def test_data_quality_exclusions_are_counted_and_left_out(cohort: Path, tmp_path: Path) -> None:
    copy = _copy(cohort, tmp_path)
    _rewrite(
        copy / "patients" / "part-000000.parquet",
        "* REPLACE ("
        "CASE WHEN row_number() OVER (ORDER BY case_id) = 2 THEN NULL ELSE assessment_date END AS assessment_date, "
        "CASE WHEN row_number() OVER (ORDER BY case_id) IN (4, 5) THEN 'DUP' "
        "WHEN row_number() OVER (ORDER BY case_id) = 6 THEN NULL ELSE case_id END AS case_id)",
    )
    out = tmp_path / "out"
    screen(copy, out)
    counts = mf.read(out).counts
    assert counts == {
        "input": N,
        "no_case_id": 1,
        "repeated_case_id": 2,
        "no_assessment_date": 1,
        "screened": N - 4,
    }
    ids = {r[0] for r in rows(out / mf.RULE_SETS)}
    assert len(ids) == N - 4 and "DUP" not in ids and None not in ids
    # the funnel starts from the exact input and drops the four at its data-quality step
    from oligoboard.cohort.funnel import Results, compute

    results = Results(out)
    for trial in results.manifest.trials:
        f = compute(results.manifest, trial.id, results.histogram(trial.id))
        assert f.input == N and f.screened == N - 4 and f.accounted == N
        assert dict(f.data_quality) == {
            "no case id": 1,
            "case id repeated in the patients table": 2,
            "no assessment date": 1,
        }
    results.close()


def test_cancel_from_the_progress_callback_leaves_nothing(cohort: Path, tmp_path: Path) -> None:
    engine = Engine()
    calls: list[int] = []
    screening = Screening(engine.kb, engine.statement, chunk_patients=1_000)

    def progress(done: int, total: int) -> None:
        calls.append(done)
        screening.cancel()  # what Ctrl-C does: flag set, running DuckDB query interrupted

    screening.on_progress = progress
    out = tmp_path / "out"
    with pytest.raises(Cancelled):
        screening.run(cohort, out)
    assert calls == [calls[0]] and 0 < calls[0] < N  # stopped after the first chunk
    assert list(tmp_path.iterdir()) == []


def test_keyboard_interrupt_leaves_nothing_and_exits_130(
    cohort: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(self: Screening, done: int, total: int) -> None:
        raise KeyboardInterrupt

    original = Screening.__init__

    def init(self: Screening, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        self.on_progress = lambda d, t: interrupted(self, d, t)

    monkeypatch.setattr(Screening, "__init__", init)
    code = main(["screen", str(cohort), "--out", str(tmp_path / "out"), "--chunk-patients", "1000"])
    assert code == 130
    assert "nothing was written" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_interrupting_a_running_query_stops_it(cohort: Path) -> None:
    """`con.interrupt()` is what cancel() calls: a query interrupted from another thread raises, and
    `Screening._run` maps that to Cancelled."""
    import threading

    engine = Engine()
    screening = Screening(engine.kb, engine.statement)
    screening._con = duckdb.connect()
    timer = threading.Timer(0.2, screening.cancel)
    timer.start()
    with pytest.raises(Cancelled):
        screening._run("SELECT count(*) FROM range(100000000000) AS a(x) WHERE x % 7 = 1")
    timer.join()
    screening._con.close()


def test_spark_without_pyspark_is_an_input_error(
    cohort: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "oligoboard.engine.backends.spark", None)  # import fails
    assert main(["screen", str(cohort), "--out", str(tmp_path / "out"), "--engine", "spark"]) == 2
    assert "install oligoboard[spark]" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [
        ["--engine", "sqlite"],
        ["--chunk-patients", "0"],
        ["--memory-limit", "8 GB; DROP"],
    ],
)
def test_bad_options_exit_2(cohort: Path, tmp_path: Path, args: list[str]) -> None:
    assert main(["screen", str(cohort), "--out", str(tmp_path / "out"), *args]) == 2
    assert not (tmp_path / "out").exists()


def test_existing_output_and_a_folder_that_is_no_cohort_exit_2(cohort: Path, tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    assert main(["screen", str(cohort), "--out", str(tmp_path / "taken")]) == 2
    (tmp_path / "empty").mkdir()
    assert main(["screen", str(tmp_path / "empty"), "--out", str(tmp_path / "out")]) == 2


def test_the_cli_prints_throughput_and_writes_the_manifest(
    cohort: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["screen", str(cohort), "--out", str(tmp_path / "out"), "--memory-limit", "2GB"]) == 0
    out = capsys.readouterr().out
    assert f"screened {N:,} of {N:,} patients" in out and "patients/s" in out
    manifest = json.loads((tmp_path / "out" / mf.MANIFEST).read_text())
    assert manifest["engine"] == "duckdb" and manifest["cohort"] == "registry"
    assert "protocol order" in manifest["bit_order"]


def test_the_narrow_statement_is_the_assess_statement() -> None:
    engine = Engine()
    sql = narrow_sql(engine.statement)
    assert engine.statement.sql.removesuffix(" ORDER BY case_id") in sql


def test_spark_contract_raw_table_is_post_processed_like_duckdb(
    cohort: Path, screened: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The spark branch's `screen_tables(statement_sql, tables, out, master)` writes the raw per-patient
    table; a stand-in doing that with DuckDB must give the same result tables (post-processing is neutral)."""
    import types

    calls: list[tuple[str, str | None]] = []

    def screen_tables(
        statement_sql: str, tables: dict[str, list[Path]], out: Path, master: str | None
    ) -> None:
        calls.append((statement_sql, master))
        out.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect()
        for name, files in tables.items():
            listed = ", ".join(f"'{p}'" for p in files)
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet([{listed}])")
        con.execute(f"COPY ({statement_sql}) TO '{out / 'part-00000.parquet'}' (FORMAT parquet)")
        con.close()

    fake = types.ModuleType("oligoboard.engine.backends.spark")
    fake.screen_tables = screen_tables  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "oligoboard.engine.backends.spark", fake)
    out = tmp_path / "spark"
    code = main(["screen", str(cohort), "--out", str(out), "--engine", "spark", "--master", "local[2]"])
    assert code == 0
    assert calls == [(narrow_sql(Engine().statement), "local[2]")]
    assert mf.read(out).engine == "spark"
    for table in (mf.RULE_SETS, mf.CRITERIA, mf.TRIALS):
        assert rows(out / table) == rows(screened / table)
