"""A cohort's tables as DuckDB views over its files, checked against `engine/tables.py` before screening.

Why views over `read_parquet(...)`/`read_csv(...)`: the data stays where it is and DuckDB reads only the
columns and row groups a query needs; nothing passes through per-patient Python objects. Layout (what
`oligoboard synth` writes): `COHORT/<table>/*.parquet` (or `*.csv`) for every table of `TABLES`; a table may
also be one file, `COHORT/<table>.parquet` or `COHORT/<table>.csv`.

Schema check: every file is described on its own (DuckDB would otherwise take the first file's schema and
fail mid-query). A column that is missing is an error; a column of another type is accepted only when every
value converts to the declared type (the view casts it), else the error names the table, file, column,
expected type and the first row that does not convert — never the value (it may be patient data). A text
column with a closed vocabulary (`engine/tables.VOCABULARIES`: organ, status, response…) must hold only its
words, as a single case must: one scan per file finds, per column, the first row holding another word.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oligoboard.engine.tables import TABLES, VOCABULARIES
from oligoboard.errors import InputError, Problem

SUFFIXES = (".parquet", ".csv")


@dataclass(frozen=True)
class TableFiles:
    """The files of one table, all of one format."""

    table: str
    format: str  # "parquet" | "csv"
    files: tuple[Path, ...]


def sql_string(text: str) -> str:
    """A SQL string literal (quotes doubled): for paths and id boundaries, which come from files."""
    return "'" + text.replace("'", "''") + "'"


def sql_list(paths: Sequence[Path]) -> str:
    return "[" + ", ".join(sql_string(str(p)) for p in paths) + "]"


def discover(cohort: Path) -> dict[str, TableFiles]:
    """Every table's files under `cohort`; a missing table or a folder mixing formats is an input error."""
    if not cohort.is_dir():
        raise InputError(f"{cohort}: not a folder", [Problem(str(cohort), "not a folder")])
    found: dict[str, TableFiles] = {}
    problems: list[Problem] = []
    for table in TABLES:
        folder = cohort / table
        files: list[Path] = []
        if folder.is_dir():
            files = sorted(
                p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
            )
        else:
            files = [cohort / f"{table}{s}" for s in SUFFIXES if (cohort / f"{table}{s}").is_file()]
        formats = {p.suffix.lower() for p in files}
        if not files:
            problems.append(
                Problem(table, "no files for this table", expected=f"{table}/*.parquet or {table}/*.csv")
            )
        elif len(formats) > 1:
            problems.append(Problem(table, "Parquet and CSV files mixed", expected="one format per table"))
        else:
            found[table] = TableFiles(table, formats.pop().lstrip("."), tuple(files))
    if problems:
        raise InputError(f"{cohort}: not a cohort in the table layout", problems)
    return found


def reader(files: TableFiles, paths: Sequence[Path] | None = None) -> str:
    """The table function reading `paths` (default: all of the table's files) with DuckDB's own reader."""
    chosen = sql_list(paths if paths is not None else files.files)
    if files.format == "csv":
        # every column read as text; the view casts it, so a bad cell is found by the check, not guessed
        return f"read_csv({chosen}, header = true, all_varchar = true)"
    return f"read_parquet({chosen})"


def _describe(con: Any, files: TableFiles, path: Path) -> dict[str, str]:
    rows = con.execute(f"DESCRIBE SELECT * FROM {reader(files, [path])}").fetchall()
    return {str(r[0]): str(r[1]) for r in rows}


def _first_bad_row(con: Any, files: TableFiles, path: Path, column: str, sqltype: str) -> int | None:
    """1-based data row of `path` whose `column` does not convert to `sqltype` (None: every row converts)."""
    col = '"' + column.replace('"', '""') + '"'
    number, source = _row_source(files, path)
    found = con.execute(
        f"SELECT min({number}) FROM {source} WHERE {col} IS NOT NULL AND TRY_CAST({col} AS {sqltype}) IS NULL"
    ).fetchone()
    return None if found is None or found[0] is None else int(found[0])


def _row_source(files: TableFiles, path: Path) -> tuple[str, str]:
    """The rows of one file with a 1-based row number (expression, source)."""
    if files.format == "parquet":
        return "file_row_number + 1", f"read_parquet({sql_list([path])}, file_row_number = true)"
    return "_row", f"(SELECT *, row_number() OVER () AS _row FROM {reader(files, [path])})"


def _outside(column: str, words: tuple[str, ...]) -> str:
    """SQL: `column` holds a word outside `words` (NULL is unknown, not a word)."""
    listed = ", ".join(sql_string(x) for x in words)
    return f'("{column}" IS NOT NULL AND CAST("{column}" AS VARCHAR) NOT IN ({listed}))'


def _vocabulary_problems(con: Any, table: str, files: TableFiles, paths: Sequence[Path]) -> list[Problem]:
    """Per closed-vocabulary column: the first row (per file) whose word is not in the vocabulary.

    One scan of the whole table lists each column's distinct words (a hash of a few words: ten times cheaper
    than testing every row against the list); only a table holding another word is read again, file by
    file, with row numbers, to name where.
    """
    words = VOCABULARIES.get(table, {})
    if not words or not paths:
        return []
    lists = ", ".join(
        f'list(DISTINCT CAST("{c}" AS VARCHAR)) FILTER (WHERE "{c}" IS NOT NULL)' for c in words
    )
    found = con.execute(f"SELECT {lists} FROM {reader(files, paths)}").fetchone() or ()
    if all(set(seen or ()) <= set(w) for seen, w in zip(found, words.values(), strict=True)):
        return []
    problems: list[Problem] = []
    for path in paths:
        number, source = _row_source(files, path)
        firsts = ", ".join(f"min(CASE WHEN {_outside(c, w)} THEN {number} END)" for c, w in words.items())
        rows = con.execute(f"SELECT {firsts} FROM {source}").fetchone() or ()
        for (column, vocabulary), row in zip(words.items(), rows, strict=True):
            if row is not None:
                problems.append(
                    Problem(
                        f"{table}/{path.name}: column {column}",
                        f"row {int(row)}: a word outside the contract's list",
                        expected=" | ".join(vocabulary),
                    )
                )
    return problems


def check_schema(con: Any, sources: Mapping[str, TableFiles]) -> None:
    """Refuse a cohort whose files do not hold the declared columns, types and words (all problems at once)."""
    problems: list[Problem] = []
    for table, files in sources.items():
        typed: list[Path] = []  # files whose columns and types hold: their words are checked
        for path in files.files:
            have = _describe(con, files, path)
            before = len(problems)
            for column, sqltype in TABLES[table]:
                where = f"{table}/{path.name}: column {column}"
                if column not in have:
                    problems.append(Problem(where, "missing", expected=sqltype))
                    continue
                if have[column] == sqltype:
                    continue
                bad = _first_bad_row(con, files, path, column, sqltype)
                if bad is not None:
                    problems.append(
                        Problem(
                            where,
                            f"row {bad}: a {have[column]} value that is not a {sqltype}",
                            expected=sqltype,
                        )
                    )
            if len(problems) == before:
                typed.append(path)
        problems.extend(_vocabulary_problems(con, table, files, typed))
    if problems:
        raise InputError(f"{len(problems)} schema problem(s) in the cohort tables", problems)


def create_views(con: Any, sources: Mapping[str, TableFiles], where: Mapping[str, str] | None = None) -> None:
    """One view per table with exactly the declared columns and types (narrow: extra columns are not read).

    `where` adds a filter per table (the patient-id range of a chunk, the data-quality exclusions).
    """
    for table, files in sources.items():
        columns = ", ".join(f'CAST("{name}" AS {sqltype}) AS {name}' for name, sqltype in TABLES[table])
        condition = (where or {}).get(table)
        filtered = f" WHERE {condition}" if condition else ""
        con.execute(f"CREATE OR REPLACE VIEW {table} AS SELECT {columns} FROM {reader(files)}{filtered}")
