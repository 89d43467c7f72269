"""Single-case path and bulk path give the same answers (issue 14 item 5; DuckDB here, Spark on its branch).

Random case@2 documents (tests/engine/generate.py: every field varied, unknowns everywhere, answers to
real attested criteria) are written as a folder of case files, screened by `oligoboard screen` (the
streaming JSON loader, then DuckDB over Parquet) and compared, per rule set and per criterion, with the
engine's single-case path (the Python executor, one case at a time, as `assess` runs it). The synthetic
registry's sample documents are checked the same way against the rows screened from its Parquet tables.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from oligoboard.case.io import load_case
from oligoboard.cli.main import main
from oligoboard.cohort import manifest as mf
from oligoboard.cohort.synth import run
from oligoboard.engine.runner import Engine
from tests.cohort.screening_data import rows, screen, write_case_folder

N_CASES = 200
WORD = {"met": True, "not_met": False, "unknown": None}


def _bulk(out: Path) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, bool | None]]]:
    """case id → {rule-set column: status} and {criterion column: value}, read from the result tables."""
    statuses: dict[str, dict[str, str]] = {}
    criteria: dict[str, dict[str, bool | None]] = {}
    for table, into in ((mf.RULE_SETS, statuses), (mf.CRITERIA, criteria)):
        con = duckdb.connect()
        cursor = con.execute(f"SELECT * FROM read_parquet('{out / table}')")
        names = [d[0] for d in cursor.description]
        for row in cursor.fetchall():
            into[row[0]] = dict(zip(names[1:], row[1:], strict=True))
        con.close()
    return statuses, criteria


def _compare(engine: Engine, cases: list[Path], out: Path) -> int:
    statuses, criteria = _bulk(out)
    layout = engine.statement
    compared = 0
    for path in cases:
        case = load_case(path)
        single = engine.evaluate_one(case, backend="python")
        for rs_id, rs in single.rule_sets.items():
            assert statuses[case.id][layout.rule_set_status[rs_id]] == rs.outcome, (path.name, rs_id)
            for crit in rs.criteria:
                column = layout.criteria[(rs_id, crit.id)]
                assert criteria[case.id][column] is crit.value, (path.name, rs_id, crit.id)
                compared += 1
    return compared


def test_random_case_documents_screened_in_bulk_match_the_single_case_path(tmp_path: Path) -> None:
    engine = Engine()
    folder = tmp_path / "registry"
    write_case_folder(folder, N_CASES, 20261202, engine.kb.answer_keys)
    out = tmp_path / "out"
    assert main(["screen", str(folder), "--out", str(out), "--chunk-patients", "80"]) == 0
    manifest = mf.read(out)
    assert manifest.counts["screened"] == N_CASES
    assert manifest.cohort == "registry"
    assert manifest.cohort_hash == mf.files_hash(folder, sorted(folder.iterdir()))
    compared = _compare(engine, sorted(folder.iterdir()), out)
    assert compared == N_CASES * len(engine.statement.criteria)
    # the draw really exercises all three answers, for rule sets and criteria alike
    seen = {v for per_case in _bulk(out)[0].values() for v in per_case.values()}
    assert seen == {"met", "not_met", "unknown"}


def test_synth_sample_documents_match_their_rows_screened_from_parquet(tmp_path: Path) -> None:
    engine = Engine()
    cohort = tmp_path / "synth"
    documents = run(cohort, 1_000, 8, sample=20, chunk=400)
    out = tmp_path / "out"
    screen(cohort, out, chunk=300)
    assert _compare(engine, sorted(documents), out) == 20 * len(engine.statement.criteria)


def test_a_bad_case_file_stops_the_conversion_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = Engine()
    folder = tmp_path / "registry"
    docs = write_case_folder(folder, 5, 7, engine.kb.answer_keys)
    bad = json.loads((folder / f"{docs[2]['id']}.json").read_text())
    bad["patient"] = {"ecog": "very fit"}
    (folder / f"{docs[2]['id']}.json").write_text(json.dumps(bad))
    assert main(["screen", str(folder), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert f"{docs[2]['id']}.json" in err and "ecog" in err and "very fit" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["registry"]


def test_a_repeated_case_id_in_a_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = Engine()
    folder = tmp_path / "registry"
    docs = write_case_folder(folder, 3, 9, engine.kb.answer_keys)
    (folder / "copy.json").write_text((folder / f"{docs[0]['id']}.json").read_text())
    assert main(["screen", str(folder), "--out", str(tmp_path / "out")]) == 2
    assert "already used by" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_rows_helper_reads_what_screen_wrote(tmp_path: Path) -> None:
    engine = Engine()
    folder = tmp_path / "registry"
    write_case_folder(folder, 4, 3, engine.kb.answer_keys)
    assert main(["screen", str(folder), "--out", str(tmp_path / "out")]) == 0
    assert rows(tmp_path / "out" / mf.TRIALS, "SELECT count(*) FROM t") == [(4,)]
