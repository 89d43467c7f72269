"""Follow-up: the visit schedule from the trial's settings, the overdue list, and a visit as a case version.

The schedule counts calendar months from randomisation (visit k is due `k × interval_months` later, to the
protocol's horizon; knowledge/trial_operations/<trial>.yaml cites where each number comes from). A visit is
overdue once `window_days` have passed after its due date without a recorded visit of that number or a
later one (a skipped visit followed by a later one is missed, not overdue: the patient is being seen). A
visit's RECIST 1.1 read becomes a follow-up scan on the case's imaging timeline (a new case version): the
overall response, and the progression as a finding — a new lesion at the named organ, or an existing
lesion read `progressing`. Death is recorded once, with its date. Refusals name the field, store nothing.
"""

from __future__ import annotations

import calendar
import copy
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, get_args

from oligoboard.case.models import Organ, ScanResponse
from oligoboard.errors import InputError, Problem
from oligoboard.trial.endpoints_timeline import progressions
from oligoboard.trial.randomisation.config import TrialOperations

RESPONSES: tuple[str, ...] = get_args(ScanResponse)
SITES: tuple[str, ...] = get_args(Organ)


@dataclass(frozen=True)
class ScheduledVisit:
    number: int
    due: dt.date


@dataclass(frozen=True)
class OverdueVisit:
    enrolment_id: int
    case_id: str
    number: int
    due: dt.date
    days_overdue: int


@dataclass(frozen=True)
class VisitInput:
    visit_date: dt.date
    response: str
    visit_no: int | None = None
    progression_site: str | None = None
    progression_lesion: str | None = None
    modality: str = "ct"


def add_months(start: dt.date, months: int) -> dt.date:
    """Example: add_months(date(2026, 1, 31), 1) is 2026-02-28 (the day clamped to the month's end)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def pending(config: TrialOperations, randomised: dt.date, done: Sequence[int]) -> list[ScheduledVisit]:
    """Scheduled visits after the latest recorded one."""
    latest = max(done, default=0)
    return [v for v in schedule(config, randomised) if v.number > latest]


def schedule(config: TrialOperations, randomised: dt.date) -> list[ScheduledVisit]:
    interval, horizon = config.followup.interval_months.value, config.followup.horizon_months.value
    return [
        ScheduledVisit(k, add_months(randomised, k * interval)) for k in range(1, horizon // interval + 1)
    ]


def overdue(
    config: TrialOperations,
    enrolment_id: int,
    case_id: str,
    randomised: dt.date,
    done: Sequence[int],
    today: dt.date,
    died: dt.date | None = None,
) -> list[OverdueVisit]:
    window = config.followup.window_days.value
    latest = max(done, default=0)
    out = []
    for visit in schedule(config, randomised):
        if visit.number <= latest or (died is not None and visit.due >= died):
            continue
        late = (today - visit.due).days - window
        if late > 0:
            out.append(OverdueVisit(enrolment_id, case_id, visit.number, visit.due, late + window))
    return out


def check_visit(
    entry: VisitInput,
    *,
    enrolment_date: dt.date,
    today: dt.date,
    died: dt.date | None,
    lesion_ids: Sequence[str],
    done: Sequence[int],
    config: TrialOperations,
) -> None:
    problems: list[Problem] = []
    if entry.visit_date < enrolment_date:
        problems.append(Problem("visit_date", "before the enrolment date"))
    if entry.visit_date > today:
        problems.append(Problem("visit_date", "in the future"))
    if died is not None and entry.visit_date > died:
        problems.append(Problem("visit_date", "after the recorded death"))
    if entry.response not in RESPONSES:
        problems.append(Problem("response", "not a RECIST 1.1 overall response", ", ".join(RESPONSES)))
    progressed = entry.progression_site is not None or entry.progression_lesion is not None
    if entry.progression_site is not None and entry.progression_site not in SITES:
        problems.append(Problem("progression_site", "not an organ of the case contract", ", ".join(SITES)))
    if entry.progression_lesion is not None and entry.progression_lesion not in lesion_ids:
        problems.append(Problem("progression_lesion", "no lesion with this id in the case"))
    if progressed and entry.response != "PD":
        problems.append(Problem("response", "progression was given, so the response is PD"))
    if entry.response == "PD" and not progressed:
        problems.append(
            Problem("progression_site", "PD needs the site (a new lesion's organ or a lesion id)")
        )
    horizon = config.followup.horizon_months.value // config.followup.interval_months.value
    if entry.visit_no is not None:
        if not 1 <= entry.visit_no <= horizon:
            problems.append(Problem("visit_no", "not a scheduled visit number", f"1 to {horizon}"))
        elif entry.visit_no in done:
            problems.append(Problem("visit_no", "this visit is already recorded"))
    if problems:
        raise InputError("visit refused", problems)


def visit_document(document: Mapping[str, Any], entry: VisitInput, scan_id: str) -> dict[str, Any]:
    """The next case version: a follow-up scan with the read response and the progression finding."""
    out = copy.deepcopy(dict(document))
    out["schema"] = "oligoboard/case@2"
    findings: list[dict[str, Any]] = []
    if entry.progression_site is not None:
        lesion_id = f"{scan_id}-new-{entry.progression_site}"
        lesions = list(out.get("lesions") or [])
        lesions.append(
            {
                "id": lesion_id,
                "organ": entry.progression_site,
                "status": "new",
                "detected_date": entry.visit_date.isoformat(),
            }
        )
        out["lesions"] = lesions
        findings.append({"lesion": lesion_id, "status": "new"})
    if entry.progression_lesion is not None:
        findings.append({"lesion": entry.progression_lesion, "status": "progressing"})
        out["lesions"] = [
            {**lesion, "status": "progressing"} if lesion.get("id") == entry.progression_lesion else lesion
            for lesion in out.get("lesions") or []
        ]
    scan: dict[str, Any] = {
        "id": scan_id,
        "date": entry.visit_date.isoformat(),
        "modality": entry.modality,
        "purpose": "follow_up",
        "response": entry.response,
    }
    if findings:
        scan["findings"] = findings
    out["imaging"] = [*(out.get("imaging") or []), scan]
    if str(out.get("assessment_date", "")) < entry.visit_date.isoformat():
        out["assessment_date"] = entry.visit_date.isoformat()
    return out


def check_death(
    death: dt.date,
    *,
    enrolment_date: dt.date,
    today: dt.date,
    document: Mapping[str, Any],
    visit_dates: Sequence[dt.date],
    already: bool,
) -> None:
    problems: list[Problem] = []
    if already:
        problems.append(Problem("death_date", "a death is already recorded"))
    if death < enrolment_date:
        problems.append(Problem("death_date", "before the enrolment date"))
    if death > today:
        problems.append(Problem("death_date", "in the future"))
    progressed = progressions(document, enrolment_date - dt.timedelta(days=1))
    if progressed and death < progressed[-1].date:
        problems.append(Problem("death_date", "before the recorded progression"))
    if visit_dates and death < max(visit_dates):
        problems.append(Problem("death_date", "before a recorded visit"))
    if problems:
        raise InputError("death refused", problems)
