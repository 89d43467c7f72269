"""Many case files at once: `oligoboard assess DIR|FILES… --jsonl|--csv`, and the checks `validate` shares.

Why one module for both: `validate` is `assess` minus evaluation (issue 12), so both read a file with the
same `load_checked` (the case contract, then the answer keys against the knowledge), and the property test
in tests/cli/ holds them to it.

Batch rules:
- one record (JSONL) or row (CSV) per input file, in input order, each naming its file; a file that fails
  becomes an error record and the rest go on;
- a case id already used by an earlier file is an error for the later file (the message names the earlier
  file, not the id: an id can be an MRN);
- cases are evaluated in chunks (DuckDB for a batch), and records are written as each chunk finishes;
- a Rich progress bar is drawn on stderr only when stderr is a terminal, never into a pipe or a log;
- exit 0 if every file was assessed, 2 if any file was invalid input, 1 if any hit an internal error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from oligoboard.cli._output import check_output_path
from oligoboard.errors import CaseValidationError, InputError, OligoboardError, Problem

if TYPE_CHECKING:
    from oligoboard.case.models import Case
    from oligoboard.engine.runner import Engine

CASE_SUFFIXES = (".json", ".yaml", ".yml")
#: Cases evaluated per engine call: large enough for DuckDB to pay off, small enough to bound memory and
#: to move the progress bar.
CHUNK = 200
Format = Literal["jsonl", "csv"]

CSV_COLUMNS = (
    "file",
    "status",
    "case_id",
    "estro_eortc",
    "omd",
    "tnm9_m",
    "stage",
    "prognostic_group",
    "recommendations_apply",
    "recommendations_undetermined",
    "trials_eligible",
    "trials_undetermined",
    "error",
)


def expand_inputs(paths: Sequence[Path]) -> list[Path]:
    """Files as given, folders replaced by their case documents (sorted, hidden files skipped)."""
    out: list[Path] = []
    for path in paths:
        if str(path) != "-" and path.is_dir():
            found = sorted(
                p
                for p in path.iterdir()
                if p.suffix.lower() in CASE_SUFFIXES and not p.name.startswith(".") and not p.is_dir()
            )
            if not found:
                raise InputError(
                    f"{path}: no case documents in this folder",
                    [Problem(str(path), "no case documents", expected="files ending .json, .yaml or .yml")],
                )
            out.extend(found)
        else:
            out.append(path)
    return out


def load_checked(path: Path, answer_keys: Iterable[str]) -> Case:
    """One case file through every check `assess` makes before evaluating: reader limits, the case
    contract, and answers to criteria the knowledge asks. Errors name `path`, never a value."""
    from oligoboard.case.io import load_case
    from oligoboard.case.validate import answer_key_problems

    case = load_case(path)
    problems = answer_key_problems(case.answers, answer_keys)
    if problems:
        raise CaseValidationError(f"{path}: {len(problems)} answer(s) to no known criterion", problems)
    return case


def repeated_id(path: Path, first: Path) -> CaseValidationError:
    """A case id already used by an earlier file: named by the files, never by the id (it can be an MRN)."""
    return CaseValidationError(
        f"{path}: the case id is already used by {first}",
        [Problem("id", "the same case id as an earlier file", expected="an id unique in the batch")],
    )


def unique_ids(paths: Sequence[Path], cases: Sequence[Case]) -> None:
    """Refuse the second file of any repeated case id (for runs that read every file before evaluating)."""
    seen: dict[str, Path] = {}
    for path, case in zip(paths, cases, strict=True):
        if case.id in seen:
            raise repeated_id(path, seen[case.id])
        seen[case.id] = path


@dataclass
class Record:
    """What happened to one input file: its assessment, or the error that stopped it."""

    file: str
    assessment: Mapping[str, Any] | None = None
    error: OligoboardError | None = None
    internal: bool = False

    def as_json(self) -> dict[str, Any]:
        if self.assessment is not None:
            return {"file": self.file, "status": "ok", "assessment": self.assessment}
        assert self.error is not None
        return {"file": self.file, "status": "error", "error": self.error.as_dict()}

    def as_row(self) -> list[str]:
        if self.assessment is None:
            assert self.error is not None
            return [self.file, "error", *[""] * (len(CSV_COLUMNS) - 3), self.error.render()]
        out = self.assessment
        ds = out.get("disease_state") or {}
        recs = out.get("recommendations") or []
        trials = out.get("trials") or []

        def ids(items: list[dict[str, Any]], status: str) -> str:
            return " ".join(str(i["id"]) for i in items if i.get("status") == status)

        def cell(value: object) -> str:
            return "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)

        return [
            self.file,
            "ok",
            str(out.get("case_id", "")),
            *(cell(ds.get(k)) for k in ("estro_eortc", "omd", "tnm9_m", "stage", "prognostic_group")),
            ids(recs, "applies"),
            ids(recs, "undetermined"),
            ids(trials, "eligible"),
            ids(trials, "undetermined"),
            "",
        ]


def _spreadsheet_safe(cell: str) -> str:
    """A cell a spreadsheet would run as a formula (`=…`, `+…`, `-…`, `@…`) gets a leading apostrophe."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


class _Writer:
    """JSON Lines or CSV, one record at a time, flushed so a reader of a pipe sees progress."""

    def __init__(self, handle: IO[str], fmt: Format) -> None:
        self.handle, self.fmt = handle, fmt
        import csv  # here, not at the top: single-case `assess` imports this module for `load_checked`

        self.csv = csv.writer(handle) if fmt == "csv" else None
        if self.csv is not None:
            self.csv.writerow(CSV_COLUMNS)

    def write(self, record: Record) -> None:
        if self.csv is not None:
            self.csv.writerow([_spreadsheet_safe(c) for c in record.as_row()])
        else:
            self.handle.write(json.dumps(record.as_json(), ensure_ascii=False, default=str) + "\n")
        self.handle.flush()


def _chunks(items: Sequence[Path], size: int) -> Iterator[Sequence[Path]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _internal(path: Path, exc: Exception) -> Record:
    """An unexpected failure on one case: its type only (the text of an arbitrary exception may quote
    the case), and the way to see more."""
    message = f"{path}: internal error ({type(exc).__name__}); `oligoboard assess {path}` shows it alone"
    return Record(str(path), error=OligoboardError(message), internal=True)


def _assess_chunk(paths: Sequence[Path], engine: Engine, seen: dict[str, Path]) -> list[Record]:
    from oligoboard.assessment import assemble

    records: list[Record | None] = [None] * len(paths)
    cases: list[tuple[int, Case]] = []
    for i, path in enumerate(paths):
        try:
            case = load_checked(path, engine.kb.answer_keys)
        except InputError as exc:
            records[i] = Record(str(path), error=exc)
            continue
        except Exception as exc:  # one bad file never stops the batch
            records[i] = _internal(path, exc)
            continue
        first = seen.get(case.id)
        if first is not None:
            records[i] = Record(str(path), error=repeated_id(path, first))
            continue
        seen[case.id] = path
        cases.append((i, case))
    try:
        results = engine.evaluate([c for _, c in cases]) if cases else []
    except Exception:  # find the case that fails: evaluate them one by one
        results = []
        for i, case in cases:
            try:
                results.append(engine.evaluate_one(case))
            except Exception as exc:
                records[i] = _internal(paths[i], exc)
        cases = [(i, c) for i, c in cases if records[i] is None]
    for (i, case), result in zip(cases, results, strict=True):
        try:
            records[i] = Record(str(paths[i]), assessment=assemble(case, result, engine.kb))
        except Exception as exc:
            records[i] = _internal(paths[i], exc)
    return [r for r in records if r is not None]


def stderr_is_terminal() -> bool:
    """Whether stderr is a terminal, asked of the stream itself: Rich's own test honours FORCE_COLOR,
    which CI sets for its logs, and a progress bar in a log is noise."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def run_batch(paths: Sequence[Path], fmt: Format, output: Path | None = None) -> int:
    """Assess every file, write one record per file to `output` (stdout if None); the exit code."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from oligoboard.engine.runner import Engine

    if output is not None:
        check_output_path(output, "--output")
    files = expand_inputs(paths)
    engine = Engine()
    terminal = stderr_is_terminal()
    stderr = Console(stderr=True, force_terminal=True if terminal else None)
    handle: IO[str] = sys.stdout if output is None else output.open("w", newline="", encoding="utf-8")
    failed = internal = 0
    seen: dict[str, Path] = {}
    try:
        writer = _Writer(handle, fmt)
        progress = Progress(
            TextColumn("Assessing"),
            BarColumn(),
            MofNCompleteColumn(),
            console=stderr,
            transient=True,
            disable=not terminal,
        )
        with progress:
            task = progress.add_task("assess", total=len(files))
            for chunk in _chunks(files, CHUNK):
                for record in _assess_chunk(chunk, engine, seen):
                    writer.write(record)
                    failed += record.error is not None
                    internal += record.internal
                progress.advance(task, len(chunk))
    finally:
        if output is not None:
            handle.close()
    if failed:
        from oligoboard.report.terminal.literal import visible

        where = "" if output is None else f" in {visible(output)}"
        stderr.print(
            f"{failed} of {len(files)} case file(s) not assessed: see their error records{where}",
            markup=False,
            highlight=False,
        )
    return 1 if internal else (2 if failed else 0)
