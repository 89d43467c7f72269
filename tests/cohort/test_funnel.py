"""`oligoboard funnel` (issue 14 item 4): unknown-aware funnels recomputed from the stored bitmasks.

The bitmask arithmetic is checked against a direct recomputation from the per-criterion table
(`criteria/`, written from the statement's own criterion columns) in SQL, for protocol order, a
shuffled order, a what-if and an overlap; every drop must be accounted for; the knowledge-newer warning
and the CLI's exit codes and outputs (Rich within 80 columns, HTML, PNG) are checked on the same results.
"""

from __future__ import annotations

import json
import random
import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from oligoboard.cli.main import main
from oligoboard.cohort import manifest as mf
from oligoboard.cohort.funnel import Results, compute, overlap, passes, status_of
from oligoboard.engine.runner import Engine
from oligoboard.errors import InputError
from tests.cohort.screening_data import write_case_folder

N = 400


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("funnel")
    write_case_folder(root / "registry", N, 424242, Engine().kb.answer_keys)
    out = root / "out"
    assert main(["screen", str(root / "registry"), "--out", str(out)]) == 0
    return out


def _direct(
    out: Path, manifest: mf.Manifest, trial_id: str, order: list[str], off: set[str]
) -> dict[str, object]:
    """The funnel computed straight from the criterion table in SQL, without the masks."""
    trial = manifest.trial(trial_id)
    by_id = {c.id: c for c in trial.criteria}
    steps = [by_id[c] for c in order if c not in off]
    con = duckdb.connect()
    con.execute(f"CREATE VIEW c AS SELECT * FROM read_parquet('{out / mf.CRITERIA}')")

    def outcome(c: mf.CriterionEntry) -> str:
        value = c.column if c.kind == "inclusion" else f"NOT {c.column}"
        return f"({value})"

    counts = []
    alive = "TRUE"
    for c in steps:
        met, not_met, unknown = con.execute(
            f"SELECT count_if({outcome(c)} IS TRUE), count_if({outcome(c)} IS FALSE), "
            f"count_if({outcome(c)} IS NULL) FROM c WHERE {alive}"
        ).fetchone()  # type: ignore[misc]
        counts.append((c.id, met, not_met, unknown))
        alive += f" AND {outcome(c)} IS NOT FALSE"
    everything = " AND ".join(f"{outcome(c)} IS TRUE" for c in steps) or "TRUE"
    eligible = con.execute(f"SELECT count(*) FROM c WHERE {everything}").fetchone()[0]  # type: ignore[index]
    possible = con.execute(f"SELECT count(*) FROM c WHERE {alive}").fetchone()[0]  # type: ignore[index]
    con.close()
    return {"steps": counts, "eligible": eligible, "undetermined": possible - eligible}


def _as_dict(f: object) -> dict[str, object]:
    return {
        "steps": [(s.criterion, s.met, s.not_met, s.unknown) for s in f.steps],  # type: ignore[attr-defined]
        "eligible": f.eligible,  # type: ignore[attr-defined]
        "undetermined": f.undetermined,  # type: ignore[attr-defined]
    }


@pytest.mark.parametrize(
    ("kind", "met", "unknown", "bit", "expected"),
    [
        # an inclusion passes when its condition holds; an exclusion passes when its condition does not hold
        ("inclusion", 0b1, 0b0, 0, True),
        ("inclusion", 0b0, 0b0, 0, False),
        ("exclusion", 0b1, 0b0, 0, False),
        ("exclusion", 0b0, 0b0, 0, True),
        ("inclusion", 0b0, 0b10, 1, None),
        ("exclusion", 0b0, 0b10, 1, None),
        ("inclusion", 0b10, 0b01, 1, True),  # other bits do not matter
    ],
)
def test_one_step_outcome(kind: str, met: int, unknown: int, bit: int, expected: bool | None) -> None:
    assert passes(met, unknown, bit, kind) is expected


def test_every_drop_is_accounted_for_in_every_trial(results: Path) -> None:
    r = Results(results)
    for trial in r.manifest.trials:
        f = compute(r.manifest, trial.id, r.histogram(trial.id))
        assert f.accounted == f.input == N
        entering = f.screened
        for step in f.steps:
            assert step.entering == entering == step.met + step.not_met + step.unknown
            entering = step.leaving
        assert entering == f.eligible + f.undetermined == f.upper_bound
    r.close()


def test_the_random_cohort_exercises_eligible_undetermined_and_excluded(results: Path) -> None:
    r = Results(results)
    totals: Counter[str] = Counter()
    for trial in r.manifest.trials:
        f = compute(r.manifest, trial.id, r.histogram(trial.id))
        totals["eligible"] += f.eligible
        totals["undetermined"] += f.undetermined
        totals["excluded"] += sum(s.not_met for s in f.steps)
    r.close()
    assert all(totals[k] > 0 for k in ("eligible", "undetermined", "excluded")), totals


def test_bitmask_funnel_equals_direct_recompute_in_protocol_and_shuffled_order(results: Path) -> None:
    r = Results(results)
    rng = random.Random(5)
    for trial in r.manifest.trials:
        ids = [c.id for c in trial.criteria]
        hist = r.histogram(trial.id)
        assert _as_dict(compute(r.manifest, trial.id, hist)) == _direct(
            results, r.manifest, trial.id, ids, set()
        )
        shuffled = rng.sample(ids, len(ids))
        f = compute(r.manifest, trial.id, hist, order=shuffled)
        assert [s.criterion for s in f.steps] == shuffled
        assert _as_dict(f) == _direct(results, r.manifest, trial.id, shuffled, set())
        # the order moves the drops between steps, never the final numbers
        base = compute(r.manifest, trial.id, hist)
        assert (f.eligible, f.undetermined) == (base.eligible, base.undetermined)
    r.close()


def test_what_if_without_a_criterion_equals_direct_recompute(results: Path) -> None:
    r = Results(results)
    rng = random.Random(11)
    for trial in r.manifest.trials:
        hist = r.histogram(trial.id)
        base = compute(r.manifest, trial.id, hist)
        # the criterion that excludes most (the what-if people ask) and one drawn at random
        picked = {
            base.excludes_most[0] if base.excludes_most else trial.criteria[0].id,
            rng.choice(trial.criteria).id,
        }
        for c in (x for x in trial.criteria if x.id in picked):
            f = compute(r.manifest, trial.id, hist, without=[c.id])
            ids = [x.id for x in trial.criteria]
            assert _as_dict(f) == _direct(results, r.manifest, trial.id, ids, {c.id})
            assert f.upper_bound >= base.upper_bound and f.accounted == N
            assert c.id not in [s.criterion for s in f.steps] and f.without == (c.id,)
    r.close()


def test_funnel_status_equals_the_stored_rule_set_status(results: Path) -> None:
    r = Results(results)
    con = duckdb.connect()
    for trial in r.manifest.trials:
        column = next(rs.column for rs in r.manifest.rule_sets if rs.id == trial.id)
        stored = dict(
            con.execute(
                f"SELECT {column}, count(*) FROM read_parquet('{results / mf.RULE_SETS}') GROUP BY ALL"
            ).fetchall()
        )
        f = compute(r.manifest, trial.id, r.histogram(trial.id))
        assert stored.get("met", 0) == f.eligible
        assert stored.get("unknown", 0) == f.undetermined
        assert stored.get("not_met", 0) == f.screened - f.upper_bound
    con.close()
    r.close()


def test_overlap_of_two_trials_matches_their_stored_statuses(results: Path) -> None:
    r = Results(results)
    a, b = r.manifest.trials[0], r.manifest.trials[4]
    view = overlap(r.manifest, a.id, b.id, r.joint(a.id, b.id))
    cols = {rs.id: rs.column for rs in r.manifest.rule_sets}
    word = {"met": "eligible", "not_met": "ineligible", "unknown": "undetermined"}
    con = duckdb.connect()
    pairs = con.execute(
        f"SELECT {cols[a.id]}, {cols[b.id]} FROM read_parquet('{results / mf.RULE_SETS}')"
    ).fetchall()
    con.close()
    direct = Counter((word[x], word[y]) for x, y in pairs)
    assert {k: v for k, v in view.cells.items() if v} == dict(direct)
    assert sum(view.cells.values()) == N
    r.close()


def test_most_excluding_criterion_and_facts_come_from_the_masks(results: Path) -> None:
    r = Results(results)
    for trial in r.manifest.trials:
        hist = r.histogram(trial.id)
        f = compute(r.manifest, trial.id, hist)
        fails = Counter(
            c.id
            for (m, u), n in hist.items()
            for c in trial.criteria
            for _ in range(n)
            if passes(m, u, c.bit, c.kind) is False
        )
        if fails:
            assert f.excludes_most is not None and f.excludes_most[1] == max(fails.values())
        for gain in f.facts:
            waiting = sum(
                n
                for (m, u), n in hist.items()
                if status_of(m, u, trial.criteria) == "undetermined"
                and any(gain.fact in c.facts for c in trial.criteria if passes(m, u, c.bit, c.kind) is None)
            )
            assert gain.needed == waiting and 0 <= gain.alone <= gain.needed
    r.close()


def test_unknown_trial_and_criterion_ids_are_input_errors(results: Path) -> None:
    r = Results(results)
    with pytest.raises(InputError):
        compute(r.manifest, "NCT00000000", Counter())
    trial = r.manifest.trials[0]
    with pytest.raises(InputError):
        compute(r.manifest, trial.id, r.histogram(trial.id), without=["no-such-criterion"])
    r.close()


def test_cli_prints_80_column_tables_and_writes_html_and_png(
    results: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trial = Results(results).manifest.trials[5]
    html, png = tmp_path / "f.html", tmp_path / "f.png"
    code = main(
        [
            "funnel",
            str(results),
            "--trial",
            trial.id,
            "--html",
            str(html),
            "--png",
            str(png),
            "--overlap",
            "NCT06114108",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert trial.id in out and "Eligible now" in out and "At most eligible" in out
    assert max(len(line) for line in out.splitlines()) <= 80
    page = html.read_text()
    assert "<svg" in page and trial.id in page and "<script" not in page
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_every_trial_by_default(results: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["funnel", str(results)]) == 0
    out = capsys.readouterr().out
    for trial in Results(results).manifest.trials:
        assert trial.id in out


def test_knowledge_newer_than_results_warns(
    results: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["funnel", str(results), "--trial", "NCT06114108"]) == 0
    assert "newer" not in capsys.readouterr().err
    stale = tmp_path / "stale"
    shutil.copytree(results, stale)
    manifest = json.loads((stale / mf.MANIFEST).read_text())
    manifest["knowledge_hash"] = "sha256:000000000000"
    manifest["knowledge_version"] = "0.1.0+sha256:000000000000"
    (stale / mf.MANIFEST).write_text(json.dumps(manifest))
    assert main(["funnel", str(stale), "--trial", "NCT06114108"]) == 0
    err = capsys.readouterr().err
    assert "knowledge is newer than these results" in err and "0.1.0+sha256:000000000000" in err


@pytest.mark.parametrize(
    "args",
    [
        ["--trial", "NCT00000000"],
        ["--order", "adult"],  # --order needs one trial
        ["--trial", "NCT06114108", "--without", "no-such-criterion"],
        ["--trial", "NCT06114108", "--overlap", "NCT00000000"],
    ],
)
def test_cli_refusals_exit_2(results: Path, args: list[str]) -> None:
    assert main(["funnel", str(results), *args]) == 2


def test_a_folder_without_results_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["funnel", str(tmp_path)]) == 2
    assert "no manifest" in capsys.readouterr().err
