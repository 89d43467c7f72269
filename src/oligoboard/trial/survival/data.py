"""Survival input, validated once: times ≥ 0, events 0/1, an optional group per subject.

Why one place: every estimator (KM, log-rank, Cox, RMST, reverse KM) assumes the same clean sample, and
a bad row must be refused before any number is computed, naming the file, the column and the row, never
the value (a time or a status is patient data: `errors.kind_of` says what sort of value was found).
Rows are counted from 1 after the header line (row 1 = line 2 of a CSV file).
"""

from __future__ import annotations

import csv
import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from oligoboard.errors import InputError, Problem, kind_of

#: Most problems collected before giving up (the rest would repeat the same mistake).
_MAX_PROBLEMS = 50
#: Text accepted as an event indicator; anything else is refused (a `2` may be R's "dead" coding).
_EVENT_VALUES = {"0": 0, "1": 1}


@dataclass(frozen=True)
class SurvivalSample:
    """Durations (≥ 0, finite), event indicators (1 = event, 0 = censored) and optional group labels.

    `groups` is None for a single sample; otherwise one label per subject (text, as read from the file:
    `1` and `01` are different groups).
    """

    durations: tuple[float, ...]
    events: tuple[int, ...]
    groups: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if len(self.durations) != len(self.events):
            raise ValueError("durations and events differ in length")
        if self.groups is not None and len(self.groups) != len(self.durations):
            raise ValueError("groups and durations differ in length")

    @property
    def n(self) -> int:
        return len(self.durations)

    @property
    def n_events(self) -> int:
        return sum(self.events)

    def group_labels(self) -> list[str]:
        """The groups in a stable order: numerically when every label is a number, else as text."""
        if self.groups is None:
            return []
        labels = set(self.groups)
        try:
            return sorted(labels, key=float)
        except ValueError:
            return sorted(labels)

    def subset(self, label: str) -> SurvivalSample:
        """The subjects of one group (a single sample, no groups)."""
        if self.groups is None:
            raise ValueError("the sample has no groups")
        keep = [i for i, g in enumerate(self.groups) if g == label]
        return SurvivalSample(
            tuple(self.durations[i] for i in keep), tuple(self.events[i] for i in keep), None
        )


def sample_from_values(
    durations: Sequence[float], events: Sequence[int | bool], groups: Sequence[str] | None = None
) -> SurvivalSample:
    """A sample from Python values (the web page's derived endpoints); bad values are `InputError`s
    naming the position (`durations[3]`), never the value."""
    problems: list[Problem] = []
    if len(durations) != len(events) or (groups is not None and len(groups) != len(durations)):
        raise InputError(
            "survival data: durations, events and groups must have one entry per subject",
            [Problem("durations", "lengths differ")],
        )
    times: list[float] = []
    flags: list[int] = []
    for i, (t, e) in enumerate(zip(durations, events, strict=True)):
        # numbers.Real / Integral: NumPy scalars (a pandas column) are accepted like Python numbers
        real = isinstance(t, numbers.Real) and not isinstance(t, bool)
        if not real or not math.isfinite(float(t)) or float(t) < 0:
            problems.append(Problem(f"durations[{i}]", "not a time ≥ 0", "a finite number ≥ 0", kind_of(t)))
        if not isinstance(e, numbers.Integral) or int(e) not in (0, 1):
            problems.append(Problem(f"events[{i}]", "not an event indicator", "0 or 1", kind_of(e)))
        times.append(float(t) if real else 0.0)
        flags.append(int(e) if isinstance(e, numbers.Integral) else 0)
    _raise_if(problems, "survival data")
    _check_not_empty(len(times), "survival data")
    return SurvivalSample(tuple(times), tuple(flags), None if groups is None else tuple(groups))


def sample_from_columns(
    rows: Sequence[Mapping[str, str | None]],
    *,
    time: str,
    event: str,
    group: str | None = None,
    source: str = "data",
    columns: Sequence[str] | None = None,
) -> SurvivalSample:
    """A sample from text rows (a CSV file): every bad cell is named by column and row.

    Refused: a missing column; an empty, non-numeric, infinite or negative time; an event other than
    `0`/`1`; an empty group. All problems are collected (up to 50) so one run lists every bad row.
    """
    present = list(columns) if columns is not None else (list(rows[0]) if rows else [])
    missing = [c for c in (time, event, group) if c is not None and c not in present]
    if missing:
        raise InputError(
            f"{source}: column {', '.join(missing)} not found",
            [
                Problem(f"{source}: column {name}", "column not found", "a column of the header")
                for name in missing
            ],
        )
    problems: list[Problem] = []
    times: list[float] = []
    flags: list[int] = []
    labels: list[str] = []
    for number, row in enumerate(rows, start=1):
        where = f"{source}: row {number}"
        raw_t = (row.get(time) or "").strip()
        try:
            t = float(raw_t)
        except ValueError:
            t = math.nan
        if not math.isfinite(t) or t < 0:
            reason = "empty" if not raw_t else ("negative time" if t < 0 else "not a number")
            problems.append(Problem(f"{where}, column {time}", reason, "a number ≥ 0", kind_of(raw_t)))
        raw_e = (row.get(event) or "").strip()
        if raw_e not in _EVENT_VALUES:
            problems.append(
                Problem(
                    f"{where}, column {event}",
                    "event must be 0 or 1",
                    "0 (censored) or 1 (event)",
                    kind_of(raw_e),
                )
            )
        if group is not None:
            raw_g = (row.get(group) or "").strip()
            if not raw_g:
                problems.append(Problem(f"{where}, column {group}", "empty group", "a group label"))
            labels.append(raw_g)
        times.append(t)
        flags.append(_EVENT_VALUES.get(raw_e, 0))
        if len(problems) >= _MAX_PROBLEMS:
            break
    _raise_if(problems, source)
    _check_not_empty(len(times), source)
    return SurvivalSample(tuple(times), tuple(flags), tuple(labels) if group is not None else None)


def read_survival_csv(path: Path, *, time: str, event: str, group: str | None = None) -> SurvivalSample:
    """`sample_from_columns` over a UTF-8 CSV file with a header line; an unreadable file is exit 2."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            columns = list(reader.fieldnames or [])
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(
            f"{path.name}: cannot read the CSV file ({type(exc).__name__})",
            [Problem(path.name, "unreadable CSV file", "a UTF-8 CSV file with a header line")],
        ) from None
    return sample_from_columns(rows, time=time, event=event, group=group, source=path.name, columns=columns)


def _raise_if(problems: list[Problem], source: str) -> None:
    if problems:
        first = problems[0]
        raise InputError(f"{first.path}: {first.message}", problems)


def _check_not_empty(n: int, source: str) -> None:
    if n == 0:
        raise InputError(f"{source}: no rows", [Problem(source, "no data rows", "at least one subject")])
