"""Arrow columns from numpy draws, and Parquet files in the exact layout of `engine/tables.py`.

Why Arrow and not DuckDB's numpy scan: the generator draws category *codes* (`searchsorted` on a cumulative
distribution); an Arrow dictionary array is those codes plus the list of labels, so a string column costs no
string at all until the Parquet writer stores it dictionary-encoded. Numbers, dates and booleans wrap the
numpy buffers (a NULL mask beside them). Case ids are written byte by byte into one buffer. This is what
took the generator from ≈ 7,000 to well over 100,000 patients/s (docs/cohort.md, "Speed").
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]  # no stubs; kept to this module
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from numpy.typing import NDArray

from oligoboard.engine.tables import TABLES

Columns = dict[str, Any]  # column name → pyarrow.Array

#: case ids have this many digits; `--patients` is capped so that every number fits.
ID_DIGITS = 8
MAX_PATIENTS = 10**ID_DIGITS - 1

_ARROW = {
    "VARCHAR": pa.string(),
    "DATE": pa.date32(),
    "INTEGER": pa.int32(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
}


def draw(rng: np.random.Generator, p: Sequence[float], n: int) -> NDArray[np.int64]:
    """n category codes with probabilities p (normalised): one uniform draw and a binary search each."""
    cum = np.cumsum(np.asarray(p, dtype=np.float64))
    codes = np.searchsorted(cum / cum[-1], rng.random(n), side="right")
    return np.minimum(codes, len(p) - 1).astype(np.int64)


def case_id_text(seed: int, number: int) -> str:
    """The id of patient `number` of a cohort drawn with `seed` (`S7-00000042`)."""
    return f"S{seed}-{number:0{ID_DIGITS}d}"


def case_ids(seed: int, numbers: NDArray[np.int64]) -> Any:
    """`case_id_text` for every number, as one Arrow string array built from a byte matrix (no Python str)."""
    head = np.frombuffer(f"S{seed}-".encode(), dtype=np.uint8)
    width = len(head) + ID_DIGITS
    powers = 10 ** np.arange(ID_DIGITS - 1, -1, -1, dtype=np.int64)
    data = np.empty((len(numbers), width), dtype=np.uint8)
    data[:, : len(head)] = head
    data[:, len(head) :] = (numbers[:, None] // powers) % 10 + ord("0")
    offsets = np.arange(len(numbers) + 1, dtype=np.int32) * width
    return pa.StringArray.from_buffers(len(numbers), pa.py_buffer(offsets), pa.py_buffer(data))


def rows_of(parent: Any, owner: NDArray[np.int64]) -> Any:
    """A child table's case_id column: codes into the patients' id column (no string is copied)."""
    return pa.DictionaryArray.from_arrays(pa.array(owner.astype(np.int32)), parent)


def cat(codes: NDArray[Any], labels: Sequence[str], null: NDArray[np.bool_] | None = None) -> Any:
    """A string column as dictionary codes into `labels`; `null` marks unknown rows."""
    indices = pa.array(codes.astype(np.int32), mask=null)
    return pa.DictionaryArray.from_arrays(indices, pa.array(list(labels), type=pa.string()))


def const(label: str, n: int) -> Any:
    """The same string on every row."""
    return cat(np.zeros(n, dtype=np.int32), [label])


def num(values: NDArray[Any], sql_type: str, null: NDArray[np.bool_] | None = None) -> Any:
    """A number, boolean or date (days since 1970-01-01) column of SQL type `sql_type`."""
    dtype = {"INTEGER": np.int32, "DATE": np.int32, "DOUBLE": np.float64, "BOOLEAN": np.bool_}[sql_type]
    return pa.array(np.asarray(values).astype(dtype, copy=False), type=_ARROW[sql_type], mask=null)


def table(name: str, n: int, columns: Columns) -> Any:
    """The Arrow table of `name` with every column of `TABLES[name]` in order (absent ones all NULL)."""
    unknown = set(columns) - {c for c, _ in TABLES[name]}
    if unknown:
        raise KeyError(f"{name}: columns not in engine/tables.py: {sorted(unknown)}")
    arrays, fields = [], []
    for column, sql_type in TABLES[name]:
        array = columns.get(column)
        if array is None:
            array = pa.nulls(n, type=_ARROW[sql_type])
        if len(array) != n:
            raise ValueError(f"{name}.{column}: {len(array)} rows, expected {n}")
        arrays.append(array)
        fields.append(pa.field(column, array.type))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def write(path: Path, data: Any) -> None:
    """One Parquet file; dictionary columns stay dictionary-encoded and read back as plain strings."""
    pq.write_table(data, str(path), compression="snappy", store_schema=False)
