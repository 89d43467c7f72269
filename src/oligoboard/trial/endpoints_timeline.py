"""PFS and OS events derived from the case's imaging timeline and the recorded death — never typed twice.

A visit writes its RECIST 1.1 read into the case (a follow-up scan), so progression lives in one place:
a scan dated after randomisation whose overall response is PD, or with a lesion read `new` or
`progressing` (RECIST 1.1: a new lesion is PD whatever the rest does; docs/timeline-facts.md). The site of
progression is the organ of those lesions ("existing disease" when only the overall read says PD).
Times count days from randomisation (trial-operations.md §4.1):
- PFS: first progression or death, whichever first; censored at the last scan after randomisation, or at
  day 0 when there is none (FDA convention, §4.1);
- OS: death from any cause; censored at the last date known alive (the latest visit or scan).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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


def pfs(document: Mapping[str, Any], randomised: dt.date, death: dt.date | None) -> Endpoint:
    progression = first_progression(document, randomised)
    candidates = [d for d in (progression.date if progression else None, death) if d is not None]
    if candidates:
        when = min(candidates)
        return Endpoint((when - randomised).days, True, when)
    scans = scans_after(document, randomised)
    when = scans[-1][0] if scans else randomised
    return Endpoint((when - randomised).days, False, when)


def overall_survival(
    document: Mapping[str, Any],
    randomised: dt.date,
    death: dt.date | None,
    visit_dates: Sequence[dt.date] = (),
) -> Endpoint:
    if death is not None:
        return Endpoint((death - randomised).days, True, death)
    known = [randomised, *visit_dates, *(when for when, _ in scans_after(document, randomised))]
    when = max(known)
    return Endpoint((when - randomised).days, False, when)
