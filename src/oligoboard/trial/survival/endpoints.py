"""OS and PFS from dated events, by the protocol's definition (`knowledge/endpoints/survival.yaml`).

Why a pure function: the trialops branch derives the dated events from the case timeline (randomisation,
RECIST assessments, progression, death) and the analysis must not retype them; `endpoint_times` turns one
patient's events into (time in months, event 0/1) by the definition's origin, event kinds and censoring
kinds, and refuses contradictory timelines (an event before the origin, a progression dated after death,
two deaths) naming the event by position and kind, never a date. A month is 365.25 / 12 = 30.4375 days.

Censoring: the latest `censor_at` event (PFS: the last tumour assessment; OS: the last date known alive,
any assessment or progression included); with none, the origin itself (time 0), the FDA convention for
"no post-baseline assessment" (`shared/reference/trial-operations.md` §4.1, [M]: `censoring_verified: false`
in the knowledge file says so).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from oligoboard.errors import InputError, KnowledgeError, Problem
from oligoboard.knowledge.files import KNOWLEDGE_DIR

EventKind = Literal[
    "enrolment", "randomisation", "tumour_assessment", "progression", "death", "last_known_alive"
]
DAYS_PER_MONTH = 365.25 / 12
ENDPOINTS_FILE = KNOWLEDGE_DIR / "endpoints" / "survival.yaml"


@dataclass(frozen=True)
class EndpointEvent:
    """One dated fact of a patient's timeline that an endpoint may start, end or censor at."""

    kind: EventKind
    date: dt.date


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EndpointDefinition(_Spec):
    """How one protocol defines one time-to-event endpoint (origin, event kinds, censoring kinds)."""

    id: str = Field(min_length=1)
    trial: str = Field(min_length=1)
    endpoint: Literal["os", "pfs"]
    name: str
    origin: Literal["enrolment", "randomisation"]
    events: tuple[EventKind, ...] = Field(min_length=1)
    censor_at: tuple[EventKind, ...]
    time_frame_months: float | None = None
    landmarks_years: tuple[float, ...] = ()
    source: str
    verified: bool
    censoring_source: str
    censoring_verified: bool

    @field_validator("source", "censoring_source")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value


class EndpointsFile(_Spec):
    source: str
    definitions: tuple[EndpointDefinition, ...]


@cache
def _definitions(path: Path = ENDPOINTS_FILE) -> dict[tuple[str, str], EndpointDefinition]:
    from oligoboard.knowledge.reading import load_spec

    spec = load_spec(EndpointsFile, path)
    out: dict[tuple[str, str], EndpointDefinition] = {}
    for d in spec.definitions:
        if (d.trial, d.endpoint) in out:
            raise KnowledgeError(f"{path.name}: {d.id}: a second {d.endpoint} definition for {d.trial}")
        out[(d.trial, d.endpoint)] = d
    return out


def endpoint_definitions() -> list[EndpointDefinition]:
    """Every packaged definition (trial, endpoint) in file order."""
    return list(_definitions().values())


def endpoint_definition(trial: str, endpoint: Literal["os", "pfs"]) -> EndpointDefinition:
    """The protocol's definition; a trial without one is an `InputError` (nothing is guessed)."""
    found = _definitions().get((trial, endpoint))
    if found is None:
        raise InputError(
            f"no {endpoint.upper()} definition for this trial in knowledge/endpoints/survival.yaml",
            [Problem("endpoint", "no definition for the trial", "a trial with a packaged definition")],
        )
    return found


def months_between(start: dt.date, end: dt.date) -> float:
    """Elapsed months (days / 30.4375).

    Example:
        >>> round(months_between(dt.date(2025, 1, 1), dt.date(2026, 1, 1)), 4)  # 365 days
        11.9918
    """
    return (end - start).days / DAYS_PER_MONTH


def endpoint_times(events: Sequence[EndpointEvent], definition: EndpointDefinition) -> tuple[float, int]:
    """(time in months from the origin, 1 if the endpoint event happened else 0) for one patient."""
    problems: list[Problem] = []
    origins = [e for e in events if e.kind == definition.origin]
    if len(origins) != 1:
        what = "missing" if not origins else "recorded more than once"
        raise InputError(
            f"events: the {definition.origin} date is {what}",
            [Problem(f"events ({definition.origin})", what, f"exactly one {definition.origin} event")],
        )
    origin = origins[0].date
    deaths = [(i, e) for i, e in enumerate(events) if e.kind == "death"]
    if len(deaths) > 1:
        problems.append(Problem(f"events[{deaths[1][0]}]", "a second death"))
    for i, e in enumerate(events):
        if e.date < origin:
            problems.append(Problem(f"events[{i}] ({e.kind})", f"dated before the {definition.origin}"))
        if deaths and e.kind != "death" and e.date > deaths[0][1].date:
            problems.append(Problem(f"events[{i}] ({e.kind})", "dated after the death"))
    if problems:
        raise InputError(f"{problems[0].path}: {problems[0].message}", problems)
    ending = [e.date for e in events if e.kind in definition.events]
    if ending:
        return months_between(origin, min(ending)), 1
    censor = [e.date for e in events if e.kind in definition.censor_at]
    return months_between(origin, max(censor, default=origin)), 0
