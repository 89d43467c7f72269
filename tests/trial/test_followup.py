"""Follow-up: the schedule from the trial settings (seed 004's 36-month horizon), the overdue list, a
visit written into the case's imaging timeline (still a valid case@2), the refusals, and PFS/OS derived
from that timeline and the recorded death."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from oligoboard.case.validate import parse_case
from oligoboard.errors import InputError
from oligoboard.trial import followup
from oligoboard.trial.endpoints_timeline import overall_survival, pfs, progressions
from oligoboard.trial.randomisation.config import operations_for
from oligoboard.web import casework

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cases"
TRIAL = "NCT06523673"
ZJ = operations_for(TRIAL)
RANDOMISED = dt.date(2026, 1, 31)
#: after demo-02's own scans (its assessment date): the trial timeline starts here
START = dt.date(2026, 10, 1)


def demo_document() -> dict[str, Any]:
    name = "demo-02-sync-two-bone-on-induction.json"
    return casework.stored_form(
        casework.validate(casework.parse_upload((EXAMPLES / name).read_bytes(), name))
    )


def test_schedule_runs_every_interval_to_the_protocol_horizon() -> None:
    """seed 004 line 22: 'assessed up to 36 months'; the 2-month interval is a trial-office setting."""
    assert ZJ.followup.horizon_months.value == 36 and "up to 36 months" in ZJ.followup.horizon_months.source
    visits = followup.schedule(ZJ, RANDOMISED)
    assert len(visits) == 36 // ZJ.followup.interval_months.value
    assert visits[0].due == dt.date(2026, 3, 31) and visits[-1].due == dt.date(2029, 1, 31)
    assert followup.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)


def test_overdue_after_the_window_and_not_for_done_visits_or_after_death() -> None:
    window = ZJ.followup.window_days.value
    first_due = followup.schedule(ZJ, RANDOMISED)[0].due
    on_edge = first_due + dt.timedelta(days=window)
    assert followup.overdue(ZJ, 1, "c", RANDOMISED, [], on_edge) == []
    late = followup.overdue(ZJ, 1, "c", RANDOMISED, [], on_edge + dt.timedelta(days=1))
    assert [(o.number, o.days_overdue) for o in late] == [(1, window + 1)]
    assert followup.overdue(ZJ, 1, "c", RANDOMISED, [1], on_edge + dt.timedelta(days=1)) == []
    # visit 1 skipped but visit 2 seen: missed, not overdue; visit 3 overdue once its window has passed
    third = followup.schedule(ZJ, RANDOMISED)[2].due
    later = followup.overdue(ZJ, 1, "c", RANDOMISED, [2], third + dt.timedelta(days=window + 1))
    assert [o.number for o in later] == [3]
    assert [v.number for v in followup.pending(ZJ, RANDOMISED, [2])][:2] == [3, 4]
    assert followup.overdue(ZJ, 1, "c", RANDOMISED, [], dt.date(2027, 1, 1), died=first_due) == []


def _check(entry: followup.VisitInput, **overrides: Any) -> None:
    kwargs: dict[str, Any] = {
        "enrolment_date": RANDOMISED,
        "today": dt.date(2026, 12, 1),
        "died": None,
        "lesion_ids": ["bone-1"],
        "done": [2],
        "config": ZJ,
    } | overrides
    followup.check_visit(entry, **kwargs)


@pytest.mark.parametrize(
    ("entry", "overrides", "paths"),
    [
        (followup.VisitInput(dt.date(2026, 1, 1), "SD"), {}, ["visit_date"]),  # visit before enrolment
        (followup.VisitInput(dt.date(2026, 5, 1), "SD"), {"died": dt.date(2026, 4, 1)}, ["visit_date"]),
        (followup.VisitInput(dt.date(2027, 5, 1), "SD"), {}, ["visit_date"]),  # in the future
        (followup.VisitInput(dt.date(2026, 5, 1), "PD"), {}, ["progression_site"]),
        (followup.VisitInput(dt.date(2026, 5, 1), "SD", progression_site="liver"), {}, ["response"]),
        (followup.VisitInput(dt.date(2026, 5, 1), "PD", progression_site="moon"), {}, ["progression_site"]),
        (
            followup.VisitInput(dt.date(2026, 5, 1), "PD", progression_lesion="nope"),
            {},
            ["progression_lesion"],
        ),
        (followup.VisitInput(dt.date(2026, 5, 1), "XX"), {}, ["response"]),
        (followup.VisitInput(dt.date(2026, 5, 1), "SD", visit_no=2), {}, ["visit_no"]),
        (followup.VisitInput(dt.date(2026, 5, 1), "SD", visit_no=99), {}, ["visit_no"]),
    ],
)
def test_bad_visits_are_refused_naming_the_field(
    entry: followup.VisitInput, overrides: dict[str, Any], paths: list[str]
) -> None:
    with pytest.raises(InputError) as info:
        _check(entry, **overrides)
    assert [p.path for p in info.value.problems] == paths


def test_visits_go_onto_the_imaging_timeline_and_the_endpoints_are_derived_from_it() -> None:
    document = demo_document()
    lesion = str(document["lesions"][0]["id"])
    first = followup.VisitInput(dt.date(2026, 10, 20), "SD", visit_no=1)
    _check(first, lesion_ids=[lesion], done=[], enrolment_date=START)
    document = followup.visit_document(document, first, "v1")
    second = followup.VisitInput(dt.date(2026, 11, 10), "PD", visit_no=2, progression_site="liver")
    document = followup.visit_document(document, second, "v2")
    case = parse_case(document)  # still a valid case@2 document
    assert [s.id for s in case.imaging or []][-2:] == ["v1", "v2"]
    assert str(case.assessment_date) >= "2026-11-10"
    found = progressions(document, START)
    assert [(p.date, p.sites) for p in found] == [(dt.date(2026, 11, 10), ("liver",))]
    progression_days = (dt.date(2026, 11, 10) - START).days
    assert (
        pfs(document, START, None, trial=TRIAL).days == progression_days
        and pfs(document, START, None, trial=TRIAL).event
    )
    # death after progression does not move PFS; OS is the death
    death = dt.date(2026, 11, 25)
    assert pfs(document, START, death, trial=TRIAL).days == progression_days
    survival = overall_survival(document, START, death, trial=TRIAL)
    assert survival.event and survival.days == (death - START).days
    # alive: censored at the last visit
    alive = overall_survival(document, START, None, [dt.date(2026, 11, 10)], trial=TRIAL)
    assert not alive.event and alive.date == dt.date(2026, 11, 10)
    # a progressing existing lesion is progression at that lesion's organ
    third = followup.visit_document(
        demo_document(), followup.VisitInput(dt.date(2026, 10, 25), "PD", progression_lesion=lesion), "v3"
    )
    organ = str(document["lesions"][0]["organ"])
    assert [p.sites for p in progressions(third, START)] == [(organ,)]


def test_pfs_without_a_scan_after_randomisation_is_censored_at_day_zero() -> None:
    document = demo_document()
    result = pfs(document, dt.date(2030, 1, 1), None, trial=TRIAL)
    assert (result.days, result.event) == (0, False)


def test_death_before_progression_or_enrolment_is_refused() -> None:
    document = followup.visit_document(
        demo_document(), followup.VisitInput(dt.date(2026, 11, 10), "PD", progression_site="liver"), "v2"
    )
    common: dict[str, Any] = {
        "enrolment_date": START,
        "today": dt.date(2026, 11, 30),
        "document": document,
    }
    with pytest.raises(InputError) as info:
        followup.check_death(dt.date(2026, 11, 5), visit_dates=[], already=False, **common)
    assert [(p.path, p.message) for p in info.value.problems] == [
        ("death_date", "before the recorded progression")
    ]
    with pytest.raises(InputError) as info:
        followup.check_death(dt.date(2026, 9, 1), visit_dates=[], already=False, **common)
    assert "before the enrolment date" in [p.message for p in info.value.problems]
    with pytest.raises(InputError):
        followup.check_death(
            dt.date(2026, 11, 20), visit_dates=[dt.date(2026, 11, 22)], already=False, **common
        )
    with pytest.raises(InputError):
        followup.check_death(dt.date(2026, 11, 20), visit_dates=[], already=True, **common)
    followup.check_death(dt.date(2026, 11, 20), visit_dates=[dt.date(2026, 11, 10)], already=False, **common)
