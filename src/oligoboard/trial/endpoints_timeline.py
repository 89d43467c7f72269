"""PFS and OS events derived from the case's imaging timeline and the recorded death — never typed twice.

A visit writes its RECIST 1.1 read into the case (a follow-up scan), so progression lives in one place:
a scan dated after randomisation whose overall response is PD, or with a lesion read `new` or
`progressing` (RECIST 1.1: a new lesion is PD whatever the rest does; docs/timeline-facts.md). The site of
progression is the organ of those lesions ("existing disease" when only the overall read says PD).
Times count days from randomisation; which events end them and where a patient without one is censored is
the trial's endpoint definition in `knowledge/endpoints/survival.yaml`, applied by
`trial.survival.endpoints.endpoint_times` (the one implementation, also used by the analysis CLI): here
the timeline is only turned into dated events (scans, first progression, visits, death).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from oligoboard.trial.survival.endpoints import (
    DAYS_PER_MONTH,
    EndpointDefinition,
    EndpointEvent,
    endpoint_definition,
    endpoint_times,
)

PROGRESSING = ("new", "progressing")


@dataclass(frozen=True)
class Progression:
    date: dt.date
    scan_id: str
    sites: tuple[str, ...]


@dataclass(frozen=True)
class Endpoint:
    days: int
    event: bool
    date: dt.date  # event date, or the censoring date


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def scans_after(document: Mapping[str, Any], start: dt.date) -> list[tuple[dt.date, Mapping[str, Any]]]:
    """Dated scans strictly after `start` (a scan on the randomisation day is the baseline), by date."""
    found = []
    for scan in document.get("imaging") or []:
        when = _date(scan.get("date"))
        if when is not None and when > start:
            found.append((when, scan))
    return sorted(found, key=lambda pair: pair[0])


def progressions(document: Mapping[str, Any], start: dt.date) -> list[Progression]:
    organs = {
        str(lesion.get("id")): str(lesion.get("organ") or "unknown organ")
        for lesion in document.get("lesions") or []
    }
    out = []
    for when, scan in scans_after(document, start):
        findings = scan.get("findings") or []
        sites = tuple(
            sorted(
                {
                    organs.get(str(f.get("lesion")), "unknown organ")
                    for f in findings
                    if f.get("status") in PROGRESSING
                }
            )
        )
        if sites or scan.get("response") == "PD":
            out.append(Progression(when, str(scan.get("id")), sites or ("existing disease",)))
    return out


def first_progression(document: Mapping[str, Any], start: dt.date) -> Progression | None:
    found = progressions(document, start)
    return found[0] if found else None


def _events(
    document: Mapping[str, Any],
    randomised: dt.date,
    death: dt.date | None,
    visit_dates: Sequence[dt.date] = (),
) -> list[EndpointEvent]:
    """The dated facts an endpoint definition reads, all from the timeline, the visits and the death."""
    events = [EndpointEvent("randomisation", randomised)]
    events += [EndpointEvent("tumour_assessment", when) for when, _ in scans_after(document, randomised)]
    first = first_progression(document, randomised)
    if first is not None:
        events.append(EndpointEvent("progression", first.date))
    events += [EndpointEvent("last_known_alive", when) for when in visit_dates if when >= randomised]
    if death is not None:
        events.append(EndpointEvent("death", death))
    return events


def _endpoint(
    definition: EndpointDefinition,
    document: Mapping[str, Any],
    randomised: dt.date,
    death: dt.date | None,
    visit_dates: Sequence[dt.date] = (),
) -> Endpoint:
    """One endpoint by the protocol's definition (`knowledge/endpoints/survival.yaml`, one place)."""
    months, event = endpoint_times(_events(document, randomised, death, visit_dates), definition)
    days = round(months * DAYS_PER_MONTH)
    return Endpoint(days, bool(event), randomised + dt.timedelta(days=days))


def pfs(document: Mapping[str, Any], randomised: dt.date, death: dt.date | None, *, trial: str) -> Endpoint:
    """PFS of one randomised patient by the trial's definition (first progression or death, else censored)."""
    return _endpoint(endpoint_definition(trial, "pfs"), document, randomised, death)


def overall_survival(
    document: Mapping[str, Any],
    randomised: dt.date,
    death: dt.date | None,
    visit_dates: Sequence[dt.date] = (),
    *,
    trial: str,
) -> Endpoint:
    """OS of one randomised patient by the trial's definition (death, else the last date known alive)."""
    return _endpoint(endpoint_definition(trial, "os"), document, randomised, death, visit_dates)
