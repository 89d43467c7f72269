"""`oligoboard synth`: a synthetic stage-IV NSCLC registry as Parquet, in the layout of `engine/tables.py`.

Why columnar: a registry of 10⁷ patients cannot pass through per-patient Python objects (issue 14), so each
chunk of patients is drawn as numpy arrays (one per column, with a NULL mask where a fact may be unknown),
handed to DuckDB without copying, and written with `COPY … TO … (FORMAT parquet)`. Memory is bounded by the
chunk size, not by the cohort. Every chunk has its own generator seeded by (seed, chunk index), so a run is
deterministic per seed and a chunk never depends on another. Tables are one folder each
(`OUT/patients/part-000000.parquet`, …); every file has exactly the columns and types of `tables.TABLES`,
empty tables included. Distributions: `cohort/distributions.py`, documented in docs/cohort.md.
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
from oligoboard.engine.tables import TABLES

Arrays = dict[str, NDArray[Any]]
EPOCH = date(1970, 1, 1)
#: Assessment dates fall in the year before this day (assumption: one registry snapshot year).
LATEST_ASSESSMENT = (date(2026, 11, 1) - EPOCH).days
DEFAULT_CHUNK = 100_000


@dataclass(frozen=True)
class Chunk:
    """One patient range [start, start + size) drawn as columns: table name → column arrays."""

    index: int
    start: int
    tables: dict[str, Arrays]


def case_ids(seed: int, numbers: NDArray[np.int64]) -> NDArray[np.str_]:
    """Readable, sortable ids (`S7-00000042`): the seed is part of the id so two cohorts never collide."""
    return np.char.add(f"S{seed}-", np.char.zfill(numbers.astype(str), 8))


def _pick(rng: np.random.Generator, cat: dist.Categorical, n: int) -> NDArray[np.str_]:
    values, p = cat
    return np.asarray(values)[rng.choice(len(values), size=n, p=np.asarray(p) / sum(p))]


def _missing(rng: np.random.Generator, field: str, n: int) -> NDArray[np.bool_]:
    return rng.random(n) < dist.MISSING[field]


def _lesion_counts(rng: np.random.Generator, n: int) -> NDArray[np.int64]:
    values, p = dist.OMD_LESION_COUNT
    omd = np.asarray(values)[rng.choice(len(values), size=n, p=np.asarray(p) / sum(p))]
    poly = rng.random(n) < dist.POLYMETASTATIC_SHARE
    return np.where(poly, rng.integers(6, 16, size=n), omd).astype(np.int64)


def _patients(rng: np.random.Generator, seed: int, start: int, n: int) -> tuple[Arrays, Arrays]:
    """The patient table, and per-patient facts the child tables need (dates, list flags, counts)."""
    numbers = np.arange(start, start + n, dtype=np.int64)
    assessment = LATEST_ASSESSMENT - rng.integers(0, 365, size=n)
    diagnosis = assessment - rng.integers(30, 1500, size=n)
    synchronous = rng.random(n) < dist.SYNCHRONOUS_SHARE
    span = assessment - diagnosis
    metastatic = np.where(synchronous, diagnosis, diagnosis + (rng.random(n) * span * 0.9).astype(np.int64))
    kind = _pick(rng, dist.OMD_KIND, n)
    histology = _pick(rng, dist.HISTOLOGY, n)
    ecog_values, ecog_p = dist.ECOG
    t: Arrays = {
        "case_id": case_ids(seed, numbers),
        "assessment_date": assessment,
        "age_years": np.clip(np.rint(rng.normal(68, 9, size=n)), 30, 95).astype(np.int32),
        "age_years__null": _missing(rng, "age_years", n),
        "sex": _pick(rng, dist.SEX, n),
        "ecog": np.asarray(ecog_values, dtype=np.int32)[rng.choice(len(ecog_values), size=n, p=ecog_p)],
        "ecog__null": _missing(rng, "ecog", n),
        "histology": histology,
        "histology__null": _missing(rng, "histology", n),
        "histology_confirmed": rng.random(n) < 0.95,
        "histology_confirmed__null": _missing(rng, "histology_confirmed", n),
        "diagnosis_date": diagnosis,
        "t_category": _pick(rng, dist.T_CATEGORY, n),
        "t_category__null": _missing(rng, "t_category", n),
        "n_category": _pick(rng, dist.N_CATEGORY, n),
        "n_category__null": _missing(rng, "n_category", n),
        "metastatic_diagnosis_date": metastatic,
        "polymetastatic_before": kind == "induced",
        "polymetastatic_before__null": _missing(rng, "history", n),
        "omd_before": kind == "repeat",
        "omd_before__null": _missing(rng, "history", n),
        "prior_thoracic_rt": rng.random(n) < 0.15,
        "prior_thoracic_rt__null": _missing(rng, "prior_thoracic_rt", n),
        "mediastinal_staging": _pick(rng, dist.MEDIASTINAL, n),
        "mediastinal_staging__null": _missing(rng, "mediastinal_staging", n),
        "primary_status": _pick(rng, dist.PRIMARY_STATUS, n),
        "primary_status__null": _missing(rng, "primary_status", n),
        "primary_radically_treatable": rng.random(n) < 0.5,
        "primary_radically_treatable__null": _missing(rng, "primary_radically_treatable", n),
        "lesions_known": ~_missing(rng, "lesions_list", n),
        "systemic_known": ~_missing(rng, "systemic_list", n),
        "rt_known": ~_missing(rng, "rt_list", n),
        "imaging_known": ~_missing(rng, "imaging_list", n),
        "local_treatments_known": ~_missing(rng, "local_treatments_list", n),
    }
    tested = rng.random((len(DRIVER_NAMES), n))
    for row, name in enumerate(DRIVER_NAMES):
        positive = rng.random(n) < dist.DRIVER_POSITIVE[name]
        status = np.where(positive, "positive", "negative")
        t[f"driver_{name}"] = np.where(tested[row] < dist.DRIVER_NOT_TESTED, "not_tested", status)
        t[f"driver_{name}__null"] = _missing(rng, "driver", n)
    band = rng.choice(3, size=n, p=[0.33, 0.37, 0.30])
    tps = np.where(
        band == 0, 0.0, np.where(band == 1, rng.integers(1, 50, size=n), rng.integers(50, 101, size=n))
    )
    t["pdl1_tps"] = tps.astype(np.float64)
    t["pdl1_tps__null"] = _missing(rng, "pdl1_tps", n)
    counts = np.where(t["lesions_known"], _lesion_counts(rng, n), 0)
    lines_values, lines_p = dist.LINES
    lines = np.where(t["systemic_known"], np.asarray(lines_values)[rng.choice(4, size=n, p=lines_p)], 0)
    targeted = (histology == "adenocarcinoma") & (t["driver_egfr"] == "positive") & ~t["driver_egfr__null"]
    facts: Arrays = {
        "case_id": t["case_id"],
        "assessment": assessment,
        "metastatic": metastatic,
        "lesions": counts,
        "lines": lines.astype(np.int64),
        "targeted": targeted,
        "imaging_known": t["imaging_known"],
    }
    return t, facts


def _lesions(rng: np.random.Generator, facts: Arrays) -> Arrays:
    counts = facts["lesions"]
    owner = np.repeat(np.arange(len(counts)), counts)
    m = len(owner)
    first = np.repeat(np.cumsum(counts) - counts, counts)
    number = np.arange(m) - first + 1
    organ = _pick(rng, dist.ORGAN, m)
    relation = _pick(rng, dist.LUNG_RELATION, m)
    return {
        "case_id": facts["case_id"][owner],
        "lesion_id": np.char.add("L", number.astype(str)),
        "organ": organ,
        "laterality": _pick(rng, dist.LATERALITY, m),
        "laterality__null": _missing(rng, "laterality", m),
        "lung_relation": relation,
        "lung_relation__null": organ != "lung",
        "pattern": _pick(rng, dist.PATTERN, m),
        "pattern__null": _missing(rng, "pattern", m),
        "detected_date": facts["metastatic"][owner],
        "status": _pick(rng, dist.LESION_STATUS, m),
        "size_mm": np.clip(np.rint(rng.lognormal(np.log(18), 0.6, size=m)), 3, 120),
        "size_mm__null": _missing(rng, "size_mm", m),
        "amenable_to_lat": rng.random(m) < 0.8,
        "amenable_to_lat__null": _missing(rng, "amenable_to_lat", m),
        "treated": np.zeros(m, dtype=np.bool_),
        "treated__null": _missing(rng, "treated", m),
        "_owner": owner,
    }


def _therapies(rng: np.random.Generator, facts: Arrays) -> Arrays:
    """Lines start in order between the metastatic diagnosis and the assessment; the last may be ongoing."""
    lines = facts["lines"]
    owner = np.repeat(np.arange(len(lines)), lines)
    m = len(owner)
    line = np.arange(m) - np.repeat(np.cumsum(lines) - lines, lines) + 1
    total = lines[owner]
    first, last = facts["metastatic"][owner], facts["assessment"][owner]
    span = last - first
    start = first + (span * (line - 1)) // total
    next_start = first + (span * line) // total
    is_last = line == total
    ongoing = is_last & (rng.random(m) < 0.7)
    end = np.where(is_last, last, np.maximum(start, next_start - 1))
    category = _pick(rng, dist.CATEGORY, m)
    category = np.where(facts["targeted"][owner] & (line == 1), "targeted", category)
    return {
        "case_id": facts["case_id"][owner],
        "line": line.astype(np.int32),
        "regimen": _regimen(category),
        "category": category,
        "start_date": start,
        "end_date": end,
        "end_date__null": ongoing,
        "cycles": rng.integers(1, 13, size=m).astype(np.int32),
        "cycles__null": _missing(rng, "cycles", m),
        "best_response": _pick(rng, dist.BEST_RESPONSE, m),
        "best_response__null": _missing(rng, "best_response", m),
        "end_reason": _pick(rng, dist.END_REASON, m),
        "end_reason__null": ongoing,
    }


def _regimen(category: NDArray[np.str_]) -> NDArray[np.str_]:
    names = sorted(dist.REGIMEN)
    table = np.asarray([dist.REGIMEN[c] for c in names])
    return table[np.searchsorted(np.asarray(names), category)]


def _imaging(rng: np.random.Generator, facts: Arrays, lesions: Arrays) -> tuple[Arrays, Arrays]:
    """A staging FDG-PET/CT (every non-brain lesion read on it) and, for most, a brain MRI (brain lesions).

    Each finding repeats the lesion's summary status and size, so the latest finding and the summary never
    contradict (docs/case-contract.md). Without a lesions list no scan may name a lesion: its findings are
    then omitted (`findings_known` false), not read as none.
    """
    n = len(facts["case_id"])
    known = facts["imaging_known"]
    mri = known & (rng.random(n) < dist.BRAIN_MRI_SHARE)
    lesions_known = facts["lesions"] > 0  # a given lesions list always has at least one lesion here
    pet_date = np.minimum(facts["metastatic"] - rng.integers(0, 15, size=n), facts["assessment"])
    mri_date = np.minimum(pet_date + rng.integers(0, 8, size=n), facts["assessment"])
    pet_owner, mri_owner = np.flatnonzero(known), np.flatnonzero(mri)
    owners = np.concatenate([pet_owner, mri_owner])
    is_pet = np.concatenate([np.ones(len(pet_owner), np.bool_), np.zeros(len(mri_owner), np.bool_)])
    order = np.lexsort((~is_pet, owners))
    owners, is_pet = owners[order], is_pet[order]
    scans: Arrays = {
        "case_id": facts["case_id"][owners],
        "scan_id": np.where(is_pet, "PET1", "MRI1"),
        "scan_date": np.where(is_pet, pet_date[owners], mri_date[owners]),
        "modality": np.where(is_pet, "fdg_pet_ct", "mri"),
        "purpose": np.full(len(owners), "staging"),
        "brain": ~is_pet,
        "brain__null": is_pet,
        "response": np.full(len(owners), "NE"),
        "response__null": np.ones(len(owners), np.bool_),
        "findings_known": lesions_known[owners],
    }
    owner = lesions["_owner"]
    brain = lesions["organ"] == "brain"
    on_scan = known[owner] & (~brain | mri[owner])
    idx = np.flatnonzero(on_scan)
    findings: Arrays = {
        "case_id": lesions["case_id"][idx],
        "scan_id": np.where(brain[idx], "MRI1", "PET1"),
        "lesion_id": lesions["lesion_id"][idx],
        "status": lesions["status"][idx],
        "size_mm": lesions["size_mm"][idx],
        "size_mm__null": lesions["size_mm__null"][idx],
    }
    return scans, findings


def draw_chunk(seed: int, index: int, start: int, size: int) -> Chunk:
    """Every table for patients [start, start + size): deterministic in (seed, index)."""
    rng = np.random.default_rng([seed, index])
    patients, facts = _patients(rng, seed, start, size)
    lesions = _lesions(rng, facts)
    therapies = _therapies(rng, facts)
    imaging, findings = _imaging(rng, facts, lesions)
    tables: dict[str, Arrays] = {name: {} for name in TABLES}
    tables.update(
        patients=patients, lesions=lesions, therapies=therapies, imaging=imaging, imaging_findings=findings
    )
    return Chunk(index=index, start=start, tables=tables)


def chunk_ranges(patients: int, chunk: int) -> Iterator[tuple[int, int, int]]:
    """(index, start, size) per chunk of at most `chunk` patients."""
    for index, start in enumerate(range(0, patients, chunk)):
        yield index, start, min(chunk, patients - start)


def select_sql(table: str, arrays: Arrays, view: str) -> str:
    """The SELECT that turns one table's arrays into the exact columns and types of `tables.TABLES`."""
    parts = []
    for column, sql_type in TABLES[table]:
        if column not in arrays:
            parts.append(f'CAST(NULL AS {sql_type}) AS "{column}"')
            continue
        value = f'"{column}"'
        if sql_type == "DATE":
            value = f"CAST(DATE '1970-01-01' + CAST({value} AS INTEGER) AS DATE)"
        else:
            value = f"CAST({value} AS {sql_type})"
        if f"{column}__null" in arrays:
            value = f'CASE WHEN "{column}__null" THEN NULL ELSE {value} END'
        parts.append(f'{value} AS "{column}"')
    source = f'"{view}"' if arrays else "(SELECT 1) AS none WHERE false"
    return f"SELECT {', '.join(parts)} FROM {source}"


def write_chunk(con: Any, chunk: Chunk, out: Path) -> None:
    """One Parquet file per table for this chunk (row order: case id, then the child key)."""
    for table, arrays in chunk.tables.items():
        folder = out / table
        folder.mkdir(parents=True, exist_ok=True)
        view = f"synth_{table}"
        # numpy's fixed-width str arrays scan ≈ 5x slower in DuckDB than object arrays of the same strings
        columns = {
            k: v.astype(object) if v.dtype.kind == "U" else v
            for k, v in arrays.items()
            if not k.startswith("_")
        }
        if columns:
            con.register(view, columns)
        target = folder / f"part-{chunk.index:06d}.parquet"
        sql = select_sql(table, columns, view)
        con.execute(f"COPY ({sql}) TO '{_sql_path(target)}' (FORMAT parquet)")
        if columns:
            con.unregister(view)


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def generate(
    out: Path,
    patients: int,
    seed: int,
    *,
    chunk: int = DEFAULT_CHUNK,
    on_chunk: Callable[[Chunk], None] | None = None,
) -> int:
    """Write the cohort under `out` (which must not exist yet); returns the number of chunks written.

    `on_chunk` sees each chunk before it is dropped (the sample documents and the progress bar use it).
    One DuckDB thread: the files are then byte-identical for a seed (row groups are not interleaved).
    """
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads = 1")
    written = 0
    try:
        for index, start, size in chunk_ranges(patients, chunk):
            part = draw_chunk(seed, index, start, size)
            write_chunk(con, part, out)
            if on_chunk is not None:
                on_chunk(part)
            written += 1
    finally:
        con.close()
    return written


def run(
    out: Path,
    patients: int,
    seed: int,
    *,
    sample: int = 0,
    chunk: int = DEFAULT_CHUNK,
    on_chunk: Callable[[int], None] | None = None,
) -> list[Path]:
    """Cohort and sample documents written to a temporary sibling of `out`, renamed at the end.

    Why the rename: an interrupted run (Ctrl-C, a full disk) leaves no half cohort under `out`. The sample
    documents go to `out/cases/<id>.json`; returns their paths. `on_chunk` gets the patients done so far.
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
        size = len(part.tables["patients"]["case_id"])
        numbers = [i for i in wanted if part.start <= i < part.start + size]
        ids = [str(x) for x in case_ids(seed, np.asarray(numbers, dtype=np.int64))] if numbers else []
        (temp / "cases").mkdir(exist_ok=True)
        for doc in documents(reader, temp, part.index, ids):
            path = temp / "cases" / f"{doc['id']}.json"
            path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
            written.append(out / "cases" / path.name)
        done += size
        if on_chunk is not None:
            on_chunk(done)

    try:
        generate(temp, patients, seed, chunk=chunk, on_chunk=after)
        temp.rename(out)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    finally:
        reader.close()
    return written
