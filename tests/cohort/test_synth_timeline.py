"""The synthetic timeline (issue 14 item 1): what the timeline rules need is there, and it never contradicts.

The generator simulates each patient's course and records it (cohort/synth_timeline.py). These tests read
the Parquet tables of one 6,000-patient cohort with SQL, the way bulk screening will: every kind of value
the case contract allows for scans, findings, lines, treatments and courses occurs; the contract's
cross-field rules (docs/case-contract.md, "Contradictions") hold on every row, not only on the sample; and
the facts of docs/timeline-facts.md come out of `assess` with both values on the sample documents.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from oligoboard.cli.main import main
from oligoboard.cohort import distributions as dist
from oligoboard.cohort.synth import run
from oligoboard.engine.tables import TABLES

N = 6_000


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    out = tmp_path_factory.mktemp("timeline") / "cohort"
    run(out, N, 23, sample=120, chunk=2_500)
    c = duckdb.connect()
    for table in TABLES:
        c.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{out / table}/*.parquet')")
    c.execute(f"CREATE VIEW cases_dir AS SELECT '{out / 'cases'}' AS path")
    return c


def _values(con: duckdb.DuckDBPyConnection, table: str, column: str) -> set[object]:
    return {
        r[0]
        for r in con.execute(f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL").fetchall()
    }


def _count(con: duckdb.DuckDBPyConnection, query: str) -> int:
    row = con.execute(query).fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.parametrize(
    ("table", "column", "expected"),
    [
        ("imaging", "purpose", {"staging", "restaging", "follow_up"}),
        ("imaging", "modality", {"fdg_pet_ct", "ct", "mri"}),
        ("imaging", "response", {"CR", "PR", "SD", "PD", "NE"}),
        ("imaging_findings", "status", {"new", "progressing", "stable", "responding", "complete_response"}),
        ("therapies", "end_reason", {"progression", "toxicity", "completed", "patient_choice", "other"}),
        ("therapies", "category", {"chemo_io", "io", "chemo", "targeted"}),
        (
            "local_treatments",
            "modality",
            {"surgery", "sbrt", "srs", "conventional_rt", "chemoradiotherapy", "rfa", "other"},
        ),
        ("local_treatments", "intent", {"curative", "ablative", "palliative"}),
        ("local_treatments", "margin", {"R0", "R1", "R2"}),
        ("rt_courses", "technique", {"sbrt", "srs", "imrt", "3dcrt"}),
        ("rt_courses", "protocol", {"NCT01282450", "nccn-conventional"}),
    ],
)
def test_every_kind_of_value_occurs(
    con: duckdb.DuckDBPyConnection, table: str, column: str, expected: set[str]
) -> None:
    assert _values(con, table, column) == expected


def test_margin_only_for_surgery_and_rt_course_links_exist(con: duckdb.DuckDBPyConnection) -> None:
    """Contract: "a resection margin on a treatment whose modality is known and not surgery" is an error;
    "rt_course naming no entry of radiotherapy_courses" is an error. Every course is linked from a treatment
    where both lists are given."""
    assert (
        _count(
            con, "SELECT count(*) FROM local_treatments WHERE margin IS NOT NULL AND modality <> 'surgery'"
        )
        == 0
    )
    assert (
        _count(
            con,
            "SELECT count(*) FROM local_treatments t WHERE rt_course IS NOT NULL AND NOT EXISTS"
            " (SELECT 1 FROM rt_courses c WHERE c.case_id = t.case_id AND c.course_id = t.rt_course)",
        )
        == 0
    )
    assert (
        _count(
            con,
            "SELECT count(*) FROM rt_courses c JOIN patients p USING (case_id) WHERE p.local_treatments_known"
            " AND NOT EXISTS (SELECT 1 FROM local_treatments t WHERE t.case_id = c.case_id"
            " AND t.rt_course = c.course_id AND t.target = c.target AND t.treatment_date = c.start_date)",
        )
        == 0
    )
    assert _count(con, "SELECT count(*) FROM rt_courses WHERE end_date < start_date") == 0


def test_targets_name_a_lesion_or_the_primary(con: duckdb.DuckDBPyConnection) -> None:
    for table in ("local_treatments", "rt_courses"):
        bad = _count(
            con,
            f"SELECT count(*) FROM {table} t WHERE t.target <> 'primary' AND NOT EXISTS"
            " (SELECT 1 FROM lesions l WHERE l.case_id = t.case_id AND l.lesion_id = t.target)",
        )
        assert bad == 0, table
    # a lesion that a treatment targets is never recorded as untreated
    assert (
        _count(
            con,
            "SELECT count(*) FROM lesions l JOIN local_treatments t ON t.case_id = l.case_id"
            " AND t.target = l.lesion_id WHERE l.treated = false",
        )
        == 0
    )


def test_summary_status_is_the_latest_finding(con: duckdb.DuckDBPyConnection) -> None:
    """Contract: "a lesion status that contradicts its latest finding" is an error (every row, not a sample)."""
    bad = _count(
        con,
        "WITH f AS (SELECT f.case_id, f.lesion_id, f.status, i.scan_date FROM imaging_findings f"
        " JOIN imaging i USING (case_id, scan_id)),"
        " last AS (SELECT case_id, lesion_id, arg_max(status, scan_date) AS status FROM f"
        " GROUP BY case_id, lesion_id)"
        " SELECT count(*) FROM lesions l JOIN last USING (case_id, lesion_id)"
        " WHERE l.status IS NOT NULL AND last.status IS NOT NULL AND l.status <> last.status",
    )
    assert bad == 0
    # and the timeline is non-trivial: most lesions with findings were read on more than one scan
    multi = _count(
        con,
        "SELECT count(*) FROM (SELECT case_id, lesion_id FROM imaging_findings GROUP BY ALL HAVING count(*) > 1)",
    )
    assert multi > N // 2


def test_new_lesions_are_dated_by_their_scan_and_make_it_pd(con: duckdb.DuckDBPyConnection) -> None:
    """RECIST 1.1 (docs/timeline-facts.md): "an unequivocal new malignant lesion makes the time-point response
    PD"; a lesion seen for the first time is a lesion "with a finding of status new" (case contract)."""
    rows = con.execute(
        "SELECT l.detected_date = i.scan_date, i.response FROM imaging_findings f"
        " JOIN imaging i USING (case_id, scan_id) JOIN lesions l USING (case_id, lesion_id)"
        " WHERE f.status = 'new' AND i.purpose <> 'staging'"
    ).fetchall()
    assert len(rows) > 100
    assert all(dated for dated, _ in rows)
    assert {response for _, response in rows} <= {"PD", None}
    # a progressing lesion on a restaging CT makes it PD too; all lesions gone makes it CR
    assert _values(
        con,
        "imaging i JOIN imaging_findings f USING (case_id, scan_id)",
        "CASE WHEN f.status = 'progressing' THEN i.response END",
    ) <= {"PD"}


def test_restaging_scans_fall_inside_their_line(con: duckdb.DuckDBPyConnection) -> None:
    """One restaging scan per line, dated while it ran (end date, or the assessment while ongoing)."""
    bad = _count(
        con,
        "SELECT count(*) FROM imaging i JOIN patients p USING (case_id) WHERE i.purpose = 'restaging' AND p.systemic_known"
        " AND i.modality = 'ct' AND NOT EXISTS (SELECT 1 FROM therapies t WHERE t.case_id = i.case_id"
        " AND i.scan_date BETWEEN t.start_date AND coalesce(t.end_date, p.assessment_date))",
    )
    assert bad == 0
    [(restaged,)] = con.execute(
        "SELECT count(DISTINCT case_id) FROM imaging WHERE purpose = 'restaging'"
    ).fetchall()
    assert restaged > N // 3


def test_repeat_and_induced_omd_had_curative_treatment_of_the_primary(con: duckdb.DuckDBPyConnection) -> None:
    """Brief: "curative treatment of the primary for the repeat/induced groups" (oligorecidiv after curative
    treatment of the primary, DLCG seed 002), dated before the metastatic diagnosis."""
    rows = con.execute(
        "SELECT p.case_id, count(t.case_id), bool_and(t.treatment_date < p.metastatic_diagnosis_date)"
        " FROM patients p LEFT JOIN local_treatments t ON t.case_id = p.case_id AND t.target = 'primary'"
        " WHERE (p.omd_before OR p.polymetastatic_before) AND p.local_treatments_known GROUP BY p.case_id"
    ).fetchall()
    assert len(rows) > N // 4
    assert all(count == 1 and before for _, count, before in rows)
    share = _count(
        con,
        "SELECT 1000 * avg(CASE WHEN t.case_id IS NULL THEN 0 ELSE 1 END) FROM patients p"
        " LEFT JOIN local_treatments t ON t.case_id = p.case_id AND t.target = 'primary'"
        " WHERE p.omd_before = false AND p.polymetastatic_before = false AND p.local_treatments_known",
    )
    assert 200 < share < 800  # de novo: only the metachronous ones and the consolidated synchronous ones


def test_rt_regimens_come_from_the_table(con: duckdb.DuckDBPyConnection) -> None:
    """Doses and fractions are the SABR-COMET / protocol regimens of distributions.RT_REGIMENS, nothing else."""
    given = set(con.execute("SELECT DISTINCT total_dose_gy, fractions FROM rt_courses").fetchall())
    allowed = {(r[1], r[2]) for r in dist.RT_REGIMENS}
    assert given <= allowed
    assert len(given) >= len(allowed) - 1
    assert (
        _count(
            con,
            "SELECT count(*) FROM rt_courses WHERE protocol = 'NCT01282450' AND (total_dose_gy, fractions) <> (60, 30)",
        )
        == 0
    )


def test_timeline_facts_take_both_values_on_the_sample(
    con: duckdb.DuckDBPyConnection, capsys: pytest.CaptureFixture[str]
) -> None:
    """The facts of docs/timeline-facts.md are exercised by a registry: each is TRUE for some sample cases and
    FALSE for others, and restaging responses and new lesions since the previous scan occur."""
    row = con.execute("SELECT path FROM cases_dir").fetchone()
    assert row is not None
    assert main(["assess", "--jsonl", str(Path(row[0]))]) == 0
    facts = [json.loads(line)["assessment"]["facts"] for line in capsys.readouterr().out.splitlines()]
    assert len(facts) == 120
    for name in (
        "progression_on_systemic_therapy",
        "progression_on_current_line",
        "primary_curative_treatment",
    ):
        assert {f[name] for f in facts} >= {True, False}, name
    assert {f["current_line_response"] for f in facts} >= {"PR", "SD", "PD"}
    assert any((f["n_new_since_previous_scan"] or 0) > 0 for f in facts)
    assert any(f["current_line_restaging_date"] is not None for f in facts)
    assert any((f["n_rt_courses"] or 0) > 0 for f in facts)
