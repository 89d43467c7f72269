"""`oligoboard synth` (issue 14 item 1): deterministic Parquet in the exact layout of engine/tables.py.

One 10k-patient cohort is generated per module (scope "module") and read by several tests; smaller cohorts
prove determinism, chunking and the CLI's refusals. Plausibility targets are the OligoCare figures quoted in
issue 14 ("de novo 58 %, repeat 30 %, induced 12 % of OMD; solitary metastasis 67 %"), checked with a
tolerance that a wrong distribution (e.g. swapped shares) would fail. The timeline itself (restaging scans,
treatments, courses) is checked in tests/cohort/test_synth_timeline.py.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pytest

from oligoboard.case.validate import parse_case
from oligoboard.cli.main import main
from oligoboard.cohort import distributions as dist
from oligoboard.cohort.synth import run
from oligoboard.engine.tables import TABLES, to_tables

BIG = 10_000
SAMPLE = 150


def _hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cohort") / "big"
    run(out, BIG, 11, sample=SAMPLE, chunk=4_000)
    return out


def _sql(out: Path, query: str) -> list[tuple[object, ...]]:
    con = duckdb.connect()
    for table in TABLES:
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{out / table}/*.parquet')")
    rows = con.execute(query).fetchall()
    con.close()
    return rows


def _share(out: Path, query: str) -> float:
    [(value,)] = _sql(out, query)
    assert value is not None, query
    return float(value)  # type: ignore[arg-type]


def test_same_seed_same_files_other_seed_other_patients(tmp_path: Path) -> None:
    run(tmp_path / "a", 1_500, 5, sample=3, chunk=600)
    run(tmp_path / "b", 1_500, 5, sample=3, chunk=600)
    run(tmp_path / "c", 1_500, 6, sample=3, chunk=600)
    a, b, c = (_hashes(tmp_path / x) for x in "abc")
    assert a == b
    assert len(a) == len(TABLES) * 3 + 3  # 3 chunks per table, 3 sample documents
    for table in TABLES:
        if table != "answers":  # no attested answers are generated: the empty files are identical
            assert a[f"{table}/part-000000.parquet"] != c[f"{table}/part-000000.parquet"], table


def test_every_file_has_the_columns_and_types_of_engine_tables(cohort: Path) -> None:
    con = duckdb.connect()
    for table, columns in TABLES.items():
        files = sorted((cohort / table).glob("*.parquet"))
        assert len(files) == 3, table  # 10k patients in chunks of 4k
        for f in files:
            described = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{f}')").fetchall()
            assert [(r[0], r[1]) for r in described] == list(columns), f
    con.close()


def test_chunks_cover_every_patient_once(cohort: Path) -> None:
    [(n, distinct)] = _sql(cohort, "SELECT count(*), count(DISTINCT case_id) FROM patients")
    assert n == distinct == BIG
    for table in TABLES:
        if table != "patients":
            [(orphans,)] = _sql(
                cohort, f"SELECT count(*) FROM {table} WHERE case_id NOT IN (SELECT case_id FROM patients)"
            )
            assert orphans == 0, table
    for table, key in [
        ("lesions", "lesion_id"),
        ("imaging", "scan_id"),
        ("local_treatments", "treatment_id"),
        ("rt_courses", "course_id"),
    ]:
        [(dup,)] = _sql(cohort, f"SELECT count(*) - count(DISTINCT (case_id, {key})) FROM {table}")
        assert dup == 0, table


def test_omd_kinds_match_oligocare_shares(cohort: Path) -> None:
    """Issue 14: "OligoCare reports de novo 58 %, repeat 30 %, induced 12 % of OMD" (plausibility target)."""
    rows = _sql(
        cohort,
        "SELECT avg(CASE WHEN polymetastatic_before THEN 1 ELSE 0 END), avg(CASE WHEN omd_before THEN 1 ELSE 0 END)"
        " FROM patients WHERE polymetastatic_before IS NOT NULL AND omd_before IS NOT NULL",
    )
    induced, repeat = rows[0]
    assert abs(float(induced) - 0.12) < 0.02  # type: ignore[arg-type]
    assert abs(float(repeat) - 0.30) < 0.02  # type: ignore[arg-type]


def test_solitary_metastasis_share_among_omd(cohort: Path) -> None:
    """Issue 14: "solitary metastasis 67 %" of OMD (≤ 5 lesions at the metastatic diagnosis), plus the assumed
    polymetastatic share. Lesions that appear later (new at a restaging) are not counted."""
    [(solitary, poly)] = _sql(
        cohort,
        "WITH c AS (SELECT case_id, count(*) AS k FROM lesions l JOIN patients p USING (case_id)"
        " WHERE l.detected_date = p.metastatic_diagnosis_date GROUP BY case_id)"
        " SELECT avg(CASE WHEN k = 1 THEN 1 ELSE 0 END) FILTER (WHERE k <= 5), avg(CASE WHEN k > 5 THEN 1 ELSE 0 END)"
        " FROM c",
    )
    assert abs(float(solitary) - 0.67) < 0.02  # type: ignore[arg-type]
    assert abs(float(poly) - dist.POLYMETASTATIC_SHARE) < 0.02  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "query"),
    [
        ("pdl1_tps", "SELECT avg(CASE WHEN pdl1_tps IS NULL THEN 1 ELSE 0 END) FROM patients"),
        ("ecog", "SELECT avg(CASE WHEN ecog IS NULL THEN 1 ELSE 0 END) FROM patients"),
        ("lesions_list", "SELECT avg(CASE WHEN lesions_known THEN 0 ELSE 1 END) FROM patients"),
        ("imaging_list", "SELECT avg(CASE WHEN imaging_known THEN 0 ELSE 1 END) FROM patients"),
        ("size_mm", "SELECT avg(CASE WHEN size_mm IS NULL THEN 1 ELSE 0 END) FROM lesions"),
        ("lesion_status", "SELECT avg(CASE WHEN status IS NULL THEN 1 ELSE 0 END) FROM lesions"),
        ("cycles", "SELECT avg(CASE WHEN cycles IS NULL THEN 1 ELSE 0 END) FROM therapies"),
        ("intent", "SELECT avg(CASE WHEN intent IS NULL THEN 1 ELSE 0 END) FROM local_treatments"),
        (
            "margin",
            "SELECT avg(CASE WHEN margin IS NULL THEN 1 ELSE 0 END) FROM local_treatments"
            " WHERE modality = 'surgery'",
        ),
        (
            "scan_response",
            "SELECT avg(CASE WHEN response IS NULL THEN 1 ELSE 0 END) FROM imaging WHERE modality = 'ct'",
        ),
    ],
)
def test_missing_rates_per_field(cohort: Path, field: str, query: str) -> None:
    """Unknowns are drawn at the documented rates (docs/cohort.md, distributions.MISSING), not silently zero."""
    assert abs(_share(cohort, query) - dist.MISSING[field]) < 0.02, field


def test_missing_rates_are_documented() -> None:
    """Every missing rate drawn is in the docs/cohort.md table, with its value."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "cohort.md").read_text(encoding="utf-8")
    for field, rate in dist.MISSING.items():
        assert f"| `{field}` | {rate * 100:g} % |" in text, field


def test_no_date_after_the_assessment_date(cohort: Path) -> None:
    dated = [
        ("therapies", "start_date"),
        ("therapies", "end_date"),
        ("lesions", "detected_date"),
        ("imaging", "scan_date"),
        ("local_treatments", "treatment_date"),
        ("rt_courses", "start_date"),
        ("rt_courses", "end_date"),
    ]
    for table, column in dated:
        [(bad,)] = _sql(
            cohort,
            f"SELECT count(*) FROM patients p JOIN {table} t USING (case_id) WHERE t.{column} > p.assessment_date",
        )
        assert bad == 0, (table, column)
    [(bad,)] = _sql(cohort, "SELECT count(*) FROM therapies WHERE end_date < start_date")
    assert bad == 0


def _documents(cohort: Path) -> list[Path]:
    docs = sorted((cohort / "cases").glob("*.json"))
    assert len(docs) == SAMPLE
    return docs


def test_sample_documents_are_the_table_rows(cohort: Path) -> None:
    """Every sample document flattened by engine/tables.py gives back exactly its Parquet rows, in every table:
    bulk (Parquet) and single-case (JSON) inputs agree."""
    cases = [parse_case(json.loads(p.read_text(encoding="utf-8")), source=str(p)) for p in _documents(cohort)]
    flat = to_tables(cases)
    ids = [case.id for case in cases]
    con = duckdb.connect()
    for table in TABLES:
        marks = ", ".join("?" for _ in ids)
        stored = con.execute(
            f"SELECT * FROM read_parquet('{cohort / table}/*.parquet') WHERE case_id IN ({marks})", ids
        ).fetchall()
        assert sorted(map(repr, stored)) == sorted(map(repr, flat.rows(table))), table
        if table not in ("answers",):
            assert stored, table  # the sample exercises every table but the (unanswered) answers
    con.close()


def test_sample_documents_validate_and_assess(cohort: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """case@2 validation (cross-field and timeline contradictions included) and `assess` accept every one."""
    assert main(["validate", str(cohort / "cases")]) == 0
    assert capsys.readouterr().out.count("ok  ") == SAMPLE
    assert main(["assess", "--jsonl", str(cohort / "cases")]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(records) == SAMPLE
    assert {r["status"] for r in records} == {"ok"}
    first = _documents(cohort)[0]
    assert main(["assess", "--json", str(first)]) == 0
    assert json.loads(capsys.readouterr().out)["case_id"] == first.stem


def test_interrupted_run_leaves_nothing(tmp_path: Path) -> None:
    def stop(done: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(tmp_path / "out", 500, 1, chunk=100, on_chunk=stop)
    assert list(tmp_path.iterdir()) == []


def test_chunks_do_not_depend_on_each_other(tmp_path: Path) -> None:
    """Chunk i is drawn from (seed, i) alone: a larger cohort starts with the same files as a smaller one.

    (A different --chunk gives different patients: documented in docs/cohort.md.)"""
    run(tmp_path / "small", 200, 4, chunk=100)
    run(tmp_path / "large", 350, 4, chunk=100)
    small, large = _hashes(tmp_path / "small"), _hashes(tmp_path / "large")
    assert small == {k: v for k, v in large.items() if k in small}
    assert len(large) == len(small) + 2 * len(TABLES)  # two more chunks (100 and 50 patients)


def test_cli_writes_and_refuses_an_existing_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "reg"
    assert main(["synth", "--patients", "50", "--seed", "2", "--out", str(out), "--sample", "2"]) == 0
    assert "wrote 50 patients" in capsys.readouterr().out
    assert len(list((out / "cases").glob("*.json"))) == 2
    before = _hashes(out)
    assert main(["synth", "--patients", "50", "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert _hashes(out) == before


def test_cli_force_replaces_and_an_empty_folder_is_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "reg"
    out.mkdir()
    assert main(["synth", "--patients", "30", "--seed", "2", "--out", str(out), "--sample", "2"]) == 0
    assert len(list((out / "cases").glob("*.json"))) == 2
    assert main(["synth", "--patients", "40", "--seed", "3", "--out", str(out), "--force"]) == 0
    assert "wrote 40 patients" in capsys.readouterr().out
    assert not (out / "cases").exists()  # the old cohort is gone, not mixed with the new one
    [(n,)] = _sql(out, "SELECT count(*) FROM patients")
    assert n == 40
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reg"]  # no temporary folder left


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--patients", "0"], "--patients"),
        (["--patients", "100000000"], "--patients"),
        (["--patients", "5", "--sample", "6"], "--sample"),
        (["--patients", "5", "--chunk", "0"], "--chunk"),
        (["--patients", "5", "--seed", "-1"], "--seed"),
    ],
)
def test_cli_bad_option_exits_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], named: str
) -> None:
    assert main(["synth", *args, "--out", str(tmp_path / "x")]) == 2
    assert named in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
