"""Cohorts for the screening and funnel tests, made by the repo's own generators (synthetic data only).

- `synth_cohort`: `oligoboard synth` tables (realistic shares, no attested answers: trials stay open);
- `case_folder`: case@2 documents from tests/engine/generate.py (every field varied, unknowns everywhere,
  answers to real attested criteria), so funnels have eligible, undetermined and excluded patients.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import duckdb

from oligoboard.cohort.screen import Screening
from oligoboard.engine.runner import Engine
from tests.engine.generate import random_case_doc


def write_case_folder(folder: Path, n: int, seed: int, answer_keys: list[str]) -> list[dict[str, object]]:
    folder.mkdir(parents=True)
    rng = random.Random(seed)
    docs = [random_case_doc(rng, f"gen-{seed}-{i:05d}", answer_keys) for i in range(n)]
    for doc in docs:
        (folder / f"{doc['id']}.json").write_text(json.dumps(doc), encoding="utf-8")
    return docs


def screen(cohort: Path, out: Path, chunk: int = 1_000_000) -> None:
    engine = Engine()
    Screening(engine.kb, engine.statement, chunk_patients=chunk).run(cohort, out)


def rows(path: Path, query: str = "SELECT * FROM t ORDER BY case_id") -> list[tuple[object, ...]]:
    con = duckdb.connect()
    con.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet('{path}')")
    found = con.execute(query).fetchall()
    con.close()
    return found
