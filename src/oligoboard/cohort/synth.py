"""`oligoboard synth`: a synthetic stage-IV NSCLC registry as Parquet, in the layout of `engine/tables.py`.

Why columnar: a registry of 10⁷ patients cannot pass through per-patient Python objects (issue 14), so each
chunk of patients is drawn as numpy arrays — no loop over patients anywhere; child tables (lesions, lines,
scans, findings, treatments, courses) are ragged and built with `np.repeat` and cumulative offsets — and
written as Arrow columns (`cohort/columns.py`). Memory is bounded by the chunk size, not by the cohort. Every
chunk has its own generator seeded by (seed, chunk index), so a run is deterministic per seed and a chunk
never depends on another. This module draws the patient, their systemic lines and the curative treatment of
the primary; `synth_timeline.py` the lesions and everything dated after the metastatic diagnosis.
Distributions: `cohort/distributions.py`, documented in docs/cohort.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from oligoboard.case.models import DRIVER_NAMES
from oligoboard.cohort import distributions as dist
from oligoboard.cohort.columns import Columns, case_id_text, case_ids, cat, draw, num, rows_of, table, write
from oligoboard.engine.tables import TABLES

Arrays = dict[str, NDArray[Any]]
EPOCH = date(1970, 1, 1)
#: Assessment dates fall in the year before this day (assumption: one registry snapshot year).
LATEST_ASSESSMENT = (date(2026, 11, 1) - EPOCH).days
DEFAULT_CHUNK = 100_000
MAX_LINES = 3


@dataclass(frozen=True)
class Chunk:
    """One patient range [start, start + size): table name → Arrow table."""

    index: int
    start: int
    size: int
    tables: dict[str, Any]


def _labels(c: dist.Categorical) -> tuple[str, ...]:
    return c[0]


def _pick(rng: np.random.Generator, c: dist.Categorical, n: int) -> NDArray[np.int64]:
    return draw(rng, c[1], n)


def _missing(rng: np.random.Generator, field: str, n: int) -> NDArray[np.bool_]:
    return rng.random(n) < dist.MISSING[field]


def _code(c: dist.Categorical, label: str) -> int:
    return c[0].index(label)


def _lesion_counts(rng: np.random.Generator, n: int) -> NDArray[np.int64]:
    values, p = dist.OMD_LESION_COUNT
    omd = np.asarray(values)[draw(rng, p, n)]
    poly = rng.random(n) < dist.POLYMETASTATIC_SHARE
    return np.where(poly, rng.integers(6, 16, size=n), omd).astype(np.int64)


def _dates(rng: np.random.Generator, n: int, kind: NDArray[np.int64]) -> Arrays:
    """Assessment, diagnosis and metastatic diagnosis; repeat and induced OMD are metachronous."""
    assessment = LATEST_ASSESSMENT - rng.integers(0, 365, size=n)
    de_novo = kind == _code(dist.OMD_KIND, "de_novo")
    synchronous = de_novo & (rng.random(n) < dist.SYNCHRONOUS_SHARE_DE_NOVO)
    sync_diagnosis = assessment - rng.integers(60, 1500, size=n)
    meta_diagnosis = assessment - rng.integers(400, 3000, size=n)
    diagnosis = np.where(synchronous, sync_diagnosis, meta_diagnosis)
    # metachronous: 180 days after the diagnosis at the earliest, 60 days before the assessment at the latest
    room = np.maximum(assessment - diagnosis - 240, 1)
    metachronous = diagnosis + 180 + (rng.random(n) * room).astype(np.int64)
    metastatic = np.where(synchronous, diagnosis + rng.integers(0, 15, size=n), metachronous)
    return {
        "assessment": assessment,
        "diagnosis": diagnosis,
        "metastatic": metastatic,
        "synchronous": synchronous,
    }


def _primary_treatment(rng: np.random.Generator, d: Arrays, kind: NDArray[np.int64]) -> Arrays:
    """Curative treatment of the primary: before the metastases (metachronous) or consolidative (synchronous).

    Repeat and induced OMD always had it (oligorecidiv after curative treatment of the primary); a metachronous
    de novo patient in 85 %; a synchronous one in 30 %, 60-150 days after first-line start (assumptions).
    """
    n = len(kind)
    de_novo = kind == _code(dist.OMD_KIND, "de_novo")
    sync = d["synchronous"]
    metachronous = ~sync & (~de_novo | (rng.random(n) < dist.PRIMARY_CURATIVE_METACHRONOUS_DE_NOVO))
    consolidation = sync & (d["lines"] > 0) & (rng.random(n) < dist.PRIMARY_CONSOLIDATION_SYNCHRONOUS)
    before = d["diagnosis"] + rng.integers(20, 90, size=n)
    after = d["line_start"][:, 0] + rng.integers(60, 150, size=n)
    when = np.where(sync, after, before)
    given = (metachronous | consolidation) & (when <= d["assessment"])
    modality = _pick(rng, dist.PRIMARY_MODALITY, n)
    sbrt = draw(rng, list(dist.PRIMARY_SBRT_REGIMEN.values()), n)
    names = [r[0] for r in dist.RT_REGIMENS]
    sbrt_codes = np.asarray([names.index(k) for k in dist.PRIMARY_SBRT_REGIMEN])[sbrt]
    regimen = np.select(
        [
            modality == _code(dist.PRIMARY_MODALITY, "sbrt"),
            modality == _code(dist.PRIMARY_MODALITY, "surgery"),
        ],
        [sbrt_codes, np.full(n, -1)],
        np.full(n, names.index("crt_60_30")),
    )
    return {"given": given, "date": when, "modality": modality, "regimen": regimen}


def _lines(rng: np.random.Generator, d: Arrays, targeted: NDArray[np.bool_]) -> Arrays:
    """Up to three systemic lines as (patient, line) matrices; lines follow each other without overlap."""
    n = len(d["assessment"])
    values, p = dist.LINES
    lines = np.asarray(values, dtype=np.int64)[draw(rng, p, n)]
    first = d["metastatic"] + rng.integers(7, 31, size=n)
    assessment = d["assessment"]
    span = assessment - first
    number = np.arange(1, MAX_LINES + 1)[None, :]
    total = np.maximum(lines, 1)[:, None]
    start = first[:, None] + (span[:, None] * (number - 1)) // total
    next_start = first[:, None] + (span[:, None] * number) // total
    is_last = number == lines[:, None]
    ongoing = is_last & (rng.random((n, 1)) < dist.LAST_LINE_ONGOING)
    last_end = start + ((assessment[:, None] - start) * rng.uniform(0.5, 1.0, size=(n, 1))).astype(np.int64)
    end = np.where(is_last, last_end, np.maximum(start, next_start - 1))
    reason = np.where(
        is_last,
        draw(rng, dist.END_REASON_LAST[1], n)[:, None],
        draw(rng, dist.END_REASON[1], n * MAX_LINES).reshape(n, MAX_LINES),
    )
    category = draw(rng, dist.CATEGORY[1], n * MAX_LINES).reshape(n, MAX_LINES)
    targeted_code = len(dist.CATEGORY[0])  # one past the drawn labels: see _therapies
    category = np.where(targeted[:, None] & (number == 1), targeted_code, category)
    return {
        "lines": lines,
        "line_start": start,
        "line_end": end,
        "line_ongoing": ongoing,
        "line_reason": reason,
        "line_category": category,
        "line_exists": number <= lines[:, None],
    }


def _patients(rng: np.random.Generator, seed: int, start: int, n: int) -> tuple[Columns, Arrays]:
    """The patient columns, and the per-patient facts the timeline needs."""
    numbers = np.arange(start, start + n, dtype=np.int64)
    kind = _pick(rng, dist.OMD_KIND, n)
    d = _dates(rng, n, kind)
    histology = _pick(rng, dist.HISTOLOGY, n)
    c: Columns = {
        "case_id": case_ids(seed, numbers),
        "assessment_date": num(d["assessment"], "DATE"),
        "age_years": num(
            np.clip(np.rint(rng.normal(68, 9, size=n)), 30, 95), "INTEGER", _missing(rng, "age_years", n)
        ),
        "sex": cat(_pick(rng, dist.SEX, n), _labels(dist.SEX)),
        "ecog": num(
            np.asarray(dist.ECOG[0])[draw(rng, dist.ECOG[1], n)], "INTEGER", _missing(rng, "ecog", n)
        ),
        "histology": cat(histology, _labels(dist.HISTOLOGY), _missing(rng, "histology", n)),
        "histology_confirmed": num(rng.random(n) < 0.95, "BOOLEAN", _missing(rng, "histology_confirmed", n)),
        "diagnosis_date": num(d["diagnosis"], "DATE"),
        "t_category": cat(
            _pick(rng, dist.T_CATEGORY, n), _labels(dist.T_CATEGORY), _missing(rng, "t_category", n)
        ),
        "n_category": cat(
            _pick(rng, dist.N_CATEGORY, n), _labels(dist.N_CATEGORY), _missing(rng, "n_category", n)
        ),
        "metastatic_diagnosis_date": num(d["metastatic"], "DATE"),
        "polymetastatic_before": num(
            kind == _code(dist.OMD_KIND, "induced"), "BOOLEAN", _missing(rng, "history", n)
        ),
        "omd_before": num(kind == _code(dist.OMD_KIND, "repeat"), "BOOLEAN", _missing(rng, "history", n)),
        "mediastinal_staging": cat(
            _pick(rng, dist.MEDIASTINAL, n),
            _labels(dist.MEDIASTINAL),
            _missing(rng, "mediastinal_staging", n),
        ),
    }
    driver_labels = ("positive", "negative", "not_tested")
    egfr_positive = np.zeros(n, dtype=np.bool_)
    for name in DRIVER_NAMES:
        status = np.where(rng.random(n) < dist.DRIVER_POSITIVE[name], 0, 1)
        status = np.where(rng.random(n) < dist.DRIVER_NOT_TESTED, 2, status)
        null = _missing(rng, "driver", n)
        c[f"driver_{name}"] = cat(status, driver_labels, null)
        if name == "egfr":
            egfr_positive = (status == 0) & ~null
    band = draw(rng, (0.33, 0.37, 0.30), n)
    tps = np.select(
        [band == 0, band == 1], [np.zeros(n), rng.integers(1, 50, size=n)], rng.integers(50, 101, size=n)
    )
    c["pdl1_tps"] = num(tps, "DOUBLE", _missing(rng, "pdl1_tps", n))
    targeted = (histology == _code(dist.HISTOLOGY, "adenocarcinoma")) & egfr_positive
    d.update(_lines(rng, d, targeted))
    primary = _primary_treatment(rng, d, kind)
    # the state of the primary follows its treatment; absent_unknown in 3 % whatever happened (assumption)
    modality = primary["modality"]
    surgery = primary["given"] & (modality == _code(dist.PRIMARY_MODALITY, "surgery"))
    irradiated = primary["given"] & ~surgery
    status = np.select(
        [surgery, irradiated],
        [np.full(n, 3), np.where(rng.random(n) < 0.85, 1, 2)],
        np.where(rng.random(n) < 0.88, 0, 2),
    )  # PRIMARY_STATUS order: untreated, controlled, progressing, resected, absent_unknown
    status = np.where(rng.random(n) < 0.03, 4, status)
    c["primary_status"] = cat(status, _labels(dist.PRIMARY_STATUS), _missing(rng, "primary_status", n))
    c["primary_radically_treatable"] = num(
        rng.random(n) < 0.5, "BOOLEAN", _missing(rng, "primary_radically_treatable", n)
    )
    thoracic_before = irradiated & (primary["date"] < d["metastatic"])
    c["prior_thoracic_rt"] = num(
        thoracic_before | (rng.random(n) < 0.03), "BOOLEAN", _missing(rng, "prior_thoracic_rt", n)
    )
    lesions_known = ~_missing(rng, "lesions_list", n)
    known = {
        "lesions_known": lesions_known,
        "systemic_known": ~_missing(rng, "systemic_list", n),
        # a course or treatment names its target lesion: without a lesions list neither list can be given
        "rt_known": ~_missing(rng, "rt_list", n) & lesions_known,
        "imaging_known": ~_missing(rng, "imaging_list", n),
        "local_treatments_known": ~_missing(rng, "local_treatments_list", n) & lesions_known,
    }
    for key, value in known.items():
        c[key] = num(value, "BOOLEAN")
    facts: Arrays = {
        "numbers": numbers,
        "kind": kind,
        "lesions": _lesion_counts(rng, n),
        **d,
        **known,
        **{f"primary_{k}": v for k, v in primary.items()},
    }
    return c, facts


def _therapies(rng: np.random.Generator, ids: Any, f: Arrays, best: NDArray[np.int64]) -> Columns:
    """The systemic-therapy rows of patients whose list is known; `best` is per (patient, line), -1 unknown."""
    rows = f["line_exists"] & f["systemic_known"][:, None]
    owner, index = np.nonzero(rows)
    m = len(owner)
    ongoing = f["line_ongoing"][owner, index]
    start, end = f["line_start"][owner, index], f["line_end"][owner, index]
    category = f["line_category"][owner, index]
    labels = (*dist.CATEGORY[0], "targeted")
    regimen = np.asarray([dist.REGIMEN[c] for c in labels])
    until = np.where(ongoing, f["assessment"][owner], end)
    cycles = np.clip((until - start) // 21 + 1, 1, 60)
    drawn = _pick(rng, dist.BEST_RESPONSE, m)
    best_row = best[owner, index]
    return {
        "case_id": rows_of(ids, owner),
        "line": num(index + 1, "INTEGER"),
        "regimen": cat(category, list(regimen)),
        "category": cat(category, labels),
        "start_date": num(start, "DATE"),
        "end_date": num(end, "DATE", ongoing),
        "cycles": num(cycles, "INTEGER", _missing(rng, "cycles", m)),
        "best_response": cat(
            np.where(best_row >= 0, best_row, drawn),
            _labels(dist.BEST_RESPONSE),
            _missing(rng, "best_response", m),
        ),
        "end_reason": cat(f["line_reason"][owner, index], _labels(dist.END_REASON), ongoing),
    }


def draw_chunk(seed: int, index: int, start: int, size: int) -> Chunk:
    """Every table for patients [start, start + size): deterministic in (seed, index)."""
    from oligoboard.cohort.synth_timeline import timeline

    rng = np.random.default_rng([seed, index])
    patients, facts = _patients(rng, seed, start, size)
    columns, best = timeline(rng, patients["case_id"], facts)
    columns["patients"] = patients
    columns["therapies"] = _therapies(rng, patients["case_id"], facts, best)
    tables = {}
    for name in TABLES:
        cols = columns.get(name, {})
        rows = len(cols["case_id"]) if "case_id" in cols else 0
        tables[name] = table(name, rows, cols)
    return Chunk(index=index, start=start, size=size, tables=tables)


def chunk_ranges(patients: int, chunk: int) -> Iterator[tuple[int, int, int]]:
    """(index, start, size) per chunk of at most `chunk` patients."""
    for index, start in enumerate(range(0, patients, chunk)):
        yield index, start, min(chunk, patients - start)


def write_chunk(chunk: Chunk, out: Path) -> None:
    """One Parquet file per table for this chunk (row order: case id, then the child key)."""
    for name, data in chunk.tables.items():
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        write(folder / f"part-{chunk.index:06d}.parquet", data)


def generate(
    out: Path,
    patients: int,
    seed: int,
    *,
    chunk: int = DEFAULT_CHUNK,
    on_chunk: Callable[[Chunk], None] | None = None,
) -> int:
    """Write the cohort under `out` (created if needed); returns the number of chunks written.

    `on_chunk` sees each chunk after its files are written (the sample documents and the progress bar).
    Chunk i + 1 is drawn while chunk i is written by a second thread (numpy and the Parquet writer release
    the GIL), so on two cores the time per chunk is the larger of drawing and writing, not their sum; at
    most two chunks are in memory. Files do not depend on this overlap: each is written from its own chunk.
    """
    from concurrent.futures import Future, ThreadPoolExecutor

    out.mkdir(parents=True, exist_ok=True)
    count = 0
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending: tuple[Future[None], Chunk] | None = None
        for index, start, size in chunk_ranges(patients, chunk):
            part = draw_chunk(seed, index, start, size)
            if pending is not None:
                _finish(*pending, on_chunk)
            pending = (pool.submit(write_chunk, part, out), part)
            count += 1
        if pending is not None:
            _finish(*pending, on_chunk)
    return count


def _finish(written: Any, part: Chunk, on_chunk: Callable[[Chunk], None] | None) -> None:
    written.result()
    if on_chunk is not None:
        on_chunk(part)


def run(
    out: Path,
    patients: int,
    seed: int,
    *,
    sample: int = 0,
    chunk: int = DEFAULT_CHUNK,
    force: bool = False,
    on_chunk: Callable[[int], None] | None = None,
) -> list[Path]:
    """Generate into a temporary sibling of `out` and rename it at the end.

    An interrupted run (Ctrl-C, a full disk) leaves no half cohort under `out`; with `force` an existing
    `out` is replaced only once the new cohort is complete. The sample documents go to `out/cases/<id>.json`;
    returns their paths. `on_chunk` gets the patients done so far.
    """
    import json
    import shutil
    import tempfile

    import duckdb

    from oligoboard.cohort.sample import documents, sample_numbers

    wanted = sample_numbers(patients, sample)
    temp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    reader = duckdb.connect()
    written: list[Path] = []
    done = 0

    def after(part: Chunk) -> None:
        nonlocal done
        ids = [case_id_text(seed, i) for i in wanted if part.start <= i < part.start + part.size]
        if ids:
            (temp / "cases").mkdir(exist_ok=True)
        for doc in documents(reader, temp, part.index, ids):
            path = temp / "cases" / f"{doc['id']}.json"
            path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
            written.append(out / "cases" / path.name)
        done += part.size
        if on_chunk is not None:
            on_chunk(done)

    old: Path | None = None
    try:
        generate(temp, patients, seed, chunk=chunk, on_chunk=after)
        if force and out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
            out.rename(old / out.name)
        temp.rename(out)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        if old is not None and not out.exists():
            (old / out.name).rename(out)
        raise
    finally:
        reader.close()
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return written
