"""Item responses from a CSV file (one respondent per row, columns `q1`…), validated, then scored.

Columns: QLQ-C30 items `q1`–`q30`; QLQ-LC13 items `q31`–`q43` (C30 numbering, as when the module follows
the core questionnaire) or, when no `q31` column exists, `q1`–`q13` (module numbering). Column names are
matched case-insensitively; other columns are ignored. An empty cell or `NA` is an unanswered item.
A response outside the item's range (1–4; 1–7 for C30 items 29/30) or not a whole number is an
`InputError` naming the row and the item, never the value; every bad cell is listed (up to 50), and
nothing is scored when any is bad. Rows are counted from 1 after the header line.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from oligoboard.errors import InputError, Problem, kind_of
from oligoboard.trial.qol import qlq_c30, qlq_lc13

Instrument = Literal["qlq-c30", "qlq-lc13"]
INSTRUMENTS: tuple[Instrument, ...] = ("qlq-c30", "qlq-lc13")
_MISSING = {"", "na"}
_MAX_PROBLEMS = 50


@dataclass(frozen=True)
class ItemRow:
    """One respondent's responses by item number (None = not answered)."""

    row: int
    responses: dict[int, int | None]


def _spec(
    instrument: Instrument,
) -> tuple[tuple[int, ...], tuple[int, ...], Callable[[int], tuple[int, int]]]:
    if instrument == "qlq-c30":
        return qlq_c30.ITEMS, (), qlq_c30.item_range
    if instrument == "qlq-lc13":
        return qlq_lc13.ITEMS, qlq_lc13.OPTIONAL_ITEMS, qlq_lc13.item_range
    raise InputError(
        "unknown instrument", [Problem("--instrument", "unknown instrument", " or ".join(INSTRUMENTS))]
    )


def _column_map(columns: Sequence[str], instrument: Instrument) -> dict[int, str]:
    """Item number → column name of the file, for the instrument's items present in the header."""
    by_lower = {c.strip().lower(): c for c in columns}
    offset = 0
    if instrument == "qlq-lc13" and f"q{qlq_lc13.FIRST_ITEM}" not in by_lower:
        offset = qlq_lc13.FIRST_ITEM - 1  # module numbering q1..q13
    required, optional, _ = _spec(instrument)
    found: dict[int, str] = {}
    for item in (*required, *optional):
        name = f"q{item - offset}"
        if name in by_lower:
            found[item] = by_lower[name]
    return found


def rows_from_records(
    records: Sequence[Mapping[str, str | None]],
    columns: Sequence[str],
    instrument: Instrument,
    source: str = "items",
) -> list[ItemRow]:
    """Validated responses of every record (text cells, as read from a CSV file)."""
    required, optional, item_range = _spec(instrument)
    column_of = _column_map(columns, instrument)
    missing = [item for item in required if item not in column_of]
    if missing:
        offset = qlq_lc13.FIRST_ITEM - 1 if instrument == "qlq-lc13" and 31 not in column_of else 0
        names = [f"q{item - offset}" for item in missing]
        raise InputError(
            f"{source}: item column(s) {', '.join(names)} not found for {instrument}",
            [Problem(f"{source}: columns", f"{len(names)} item column(s) not found", "one column per item")],
        )
    problems: list[Problem] = []
    rows: list[ItemRow] = []
    for number, record in enumerate(records, start=1):
        responses: dict[int, int | None] = {}
        for item, column in column_of.items():
            raw = (record.get(column) or "").strip()
            if raw.lower() in _MISSING:
                responses[item] = None
                continue
            if item in optional:
                responses[item] = None  # read, never scored (LC13 item 43)
                continue
            low, high = item_range(item)
            try:
                value = int(raw)
            except ValueError:
                problems.append(
                    Problem(
                        f"{source}: row {number}, item {column}",
                        "not a whole number",
                        f"{low}–{high}",
                        kind_of(raw),
                    )
                )
                continue
            if not low <= value <= high:
                problems.append(
                    Problem(
                        f"{source}: row {number}, item {column}",
                        f"response outside {low}–{high}",
                        f"{low}–{high}",
                    )
                )
                continue
            responses[item] = value
        rows.append(ItemRow(number, responses))
        if len(problems) >= _MAX_PROBLEMS:
            break
    if problems:
        raise InputError(f"{problems[0].path}: {problems[0].message}", problems)
    return rows


def read_items_csv(path: Path, instrument: Instrument) -> list[ItemRow]:
    """`rows_from_records` over a UTF-8 CSV file with a header line; an unreadable file is exit 2."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            records = list(reader)
            columns = list(reader.fieldnames or [])
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(
            f"{path.name}: cannot read the CSV file ({type(exc).__name__})",
            [Problem(path.name, "unreadable CSV file", "a UTF-8 CSV file with a header line")],
        ) from None
    return rows_from_records(records, columns, instrument, source=path.name)


def score_row(row: ItemRow, instrument: Instrument) -> dict[str, object]:
    """One respondent's JSON object: row number, scores by scale code (None = not scoreable), items answered."""
    if instrument == "qlq-c30":
        scores, answered = qlq_c30.score_qlq_c30(row.responses)
    else:
        scores, answered = qlq_lc13.score_qlq_lc13(row.responses)
    return {"row": row.row, "instrument": instrument, "scores": scores, "items_answered": answered}


def scale_names(instrument: Instrument) -> dict[str, str]:
    """Scale code → short name, in the instrument's order (the summary score last for the C30)."""
    if instrument == "qlq-c30":
        return {**{s.code: s.name for s in qlq_c30.SCALES}, qlq_c30.SUMMARY: "C30 summary score"}
    return {s.code: s.name for s in qlq_lc13.SCALES}
