"""A registry of case documents (a folder of case JSON/YAML files) turned into the table layout, streaming.

Why: bulk screening reads tables; a registry that exports one case document per patient is converted chunk
by chunk (`chunk` files at a time: memory bounded by the chunk, not the registry). Each file goes through
the checks `assess` makes (`load`, which the CLI passes as `cli.batch.load_checked`); the first file that
fails stops the conversion with its error (naming the file, never a value), and so does a case id used by
an earlier file. Flattening is `engine.tables.to_tables`, the same as the single-case path; rows travel as
newline-delimited JSON read by DuckDB with the declared column types and are written as
`OUT/<table>/part-NNNNNN.parquet`, exactly the layout `oligoboard synth` writes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oligoboard.cohort.sources import sql_string
from oligoboard.engine.tables import TABLES, to_tables
from oligoboard.errors import CaseValidationError, Problem

if TYPE_CHECKING:
    from oligoboard.case.models import Case

CHUNK = 2_000
CASE_SUFFIXES = (".json", ".yaml", ".yml")


def case_files(folder: Path) -> list[Path]:
    """The case documents of a folder (sorted, hidden files skipped); empty when it holds none."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in CASE_SUFFIXES and not p.name.startswith(".")
    )


def _iso(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot store a {type(value).__name__} in the case tables")


def _write_chunk(con: Any, cases: Sequence[Case], out: Path, index: int) -> None:
    tables = to_tables(cases)
    for table, columns in TABLES.items():
        folder = out / table
        folder.mkdir(exist_ok=True)
        names = [name for name, _ in columns]
        ndjson = out / f".{table}.ndjson"
        with ndjson.open("w", encoding="utf-8") as handle:
            for row in tables.rows(table):
                handle.write(json.dumps(dict(zip(names, row, strict=True)), default=_iso) + "\n")
        schema = "{" + ", ".join(f"'{name}': '{sqltype}'" for name, sqltype in columns) + "}"
        select = ", ".join(f"CAST({name} AS {sqltype}) AS {name}" for name, sqltype in columns)
        target = sql_string(str(folder / f"part-{index:06d}.parquet"))
        if ndjson.stat().st_size == 0:
            empty = ", ".join(f"CAST(NULL AS {sqltype}) AS {name}" for name, sqltype in columns)
            con.execute(f"COPY (SELECT {empty} LIMIT 0) TO {target} (FORMAT parquet)")
        else:
            con.execute(
                f"COPY (SELECT {select} FROM read_json({sql_string(str(ndjson))}, "
                f"format = 'newline_delimited', columns = {schema})) TO {target} (FORMAT parquet)"
            )
        ndjson.unlink()


def convert(
    files: Sequence[Path],
    out: Path,
    load: Callable[[Path], Case],
    *,
    chunk: int = CHUNK,
    check: Callable[[], None] | None = None,
    on_chunk: Callable[[int, int], None] | None = None,
) -> None:
    """Write the table layout of `files` under `out` (an existing, empty folder)."""
    import duckdb

    con = duckdb.connect(":memory:")
    seen: dict[str, Path] = {}
    try:
        for index, start in enumerate(range(0, len(files), chunk)):
            cases: list[Case] = []
            for path in files[start : start + chunk]:
                case = load(path)
                first = seen.get(case.id)
                if first is not None:
                    raise CaseValidationError(
                        f"{path}: the case id is already used by {first}",
                        [
                            Problem(
                                "id",
                                "the same case id as an earlier file",
                                expected="an id unique in the registry",
                            )
                        ],
                    )
                seen[case.id] = path
                cases.append(case)
            _write_chunk(con, cases, out, index)
            if check is not None:
                check()
            if on_chunk is not None:
                on_chunk(min(start + chunk, len(files)), len(files))
    finally:
        con.close()
