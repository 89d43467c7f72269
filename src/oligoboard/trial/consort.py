"""CONSORT 2010 flow counts from plain records: screening, allocation, follow-up status, analysis.

The boxes of the CONSORT 2010 template (`shared/reference/trial-operations.md` §6.1): assessed for
eligibility; excluded (by reason); randomised; per arm allocated, received / did not receive the
allocated intervention, lost to follow-up and discontinued (by reason), analysed and excluded from
analysis (by reason). The counts must reconcile (§6.3): randomised = Σ allocated, allocated = analysed +
excluded from analysis; a record that breaks this (a patient allocated twice, an allocation of a patient
never screened, an exclusion of a patient never allocated) is an `InputError` naming the record by its
position, never its patient id. The enrolment/randomisation service (trialops) passes the records in;
this module reads no store.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from oligoboard.errors import InputError, Problem

FollowUpStatus = Literal["lost_to_follow_up", "discontinued"]


@dataclass(frozen=True)
class Screened:
    """One patient assessed for eligibility; `excluded_reason` None = went on to allocation."""

    patient_id: str
    excluded_reason: str | None = None


@dataclass(frozen=True)
class Allocation:
    """One allocation (a valid randomisation, or the enrolment of a single-arm trial)."""

    patient_id: str
    arm: str
    received: bool = True
    not_received_reason: str | None = None


@dataclass(frozen=True)
class FollowUp:
    """A follow-up status change of an allocated patient: lost to follow-up or discontinued, with reason."""

    patient_id: str
    status: FollowUpStatus
    reason: str


@dataclass(frozen=True)
class AnalysisExclusion:
    """An allocated patient excluded from the analysis population, with reason."""

    patient_id: str
    reason: str


@dataclass(frozen=True)
class ArmFlow:
    """The boxes of one arm, from allocation to analysis (reasons as (reason, count), most frequent first)."""

    arm: str
    allocated: int
    received: int
    not_received: tuple[tuple[str, int], ...]
    lost_to_follow_up: tuple[tuple[str, int], ...]
    discontinued: tuple[tuple[str, int], ...]
    analysed: int
    excluded_from_analysis: tuple[tuple[str, int], ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "arm": self.arm,
            "allocated": self.allocated,
            "received": self.received,
            "not_received": _reasons_dict(self.not_received),
            "lost_to_follow_up": _reasons_dict(self.lost_to_follow_up),
            "discontinued": _reasons_dict(self.discontinued),
            "analysed": self.analysed,
            "excluded_from_analysis": _reasons_dict(self.excluded_from_analysis),
        }


@dataclass(frozen=True)
class ConsortFlow:
    """The whole diagram as data (`as_dict` is its JSON); `randomised` says randomised or enrolled."""

    assessed: int
    excluded: tuple[tuple[str, int], ...]
    allocated_total: int
    randomised: bool
    population: str
    arms: tuple[ArmFlow, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "assessed_for_eligibility": self.assessed,
            "excluded": _reasons_dict(self.excluded),
            "randomised" if self.randomised else "enrolled": self.allocated_total,
            "analysis_population": self.population,
            "arms": [a.as_dict() for a in self.arms],
        }


def consort_flow(
    screened: Sequence[Screened],
    allocations: Sequence[Allocation],
    follow_up: Sequence[FollowUp] = (),
    analysis_exclusions: Sequence[AnalysisExclusion] = (),
    *,
    arms: Sequence[str] | None = None,
    randomised: bool = True,
    population: str = "intention to treat",
) -> ConsortFlow:
    """Count the CONSORT boxes; `arms` fixes the order (and shows an arm nobody was allocated to yet)."""
    problems: list[Problem] = []
    screened_ids = Counter(s.patient_id for s in screened)
    problems += [
        Problem(f"screened[{i}]", "patient screened twice")
        for i, s in enumerate(screened)
        if screened_ids[s.patient_id] > 1 and _first(screened, s.patient_id) != i
    ]
    went_on = {s.patient_id for s in screened if s.excluded_reason is None}
    arm_of: dict[str, str] = {}
    for i, a in enumerate(allocations):
        if a.patient_id in arm_of:
            problems.append(
                Problem(f"allocations[{i}]", "patient allocated twice (invalidate, never re-allocate)")
            )
        elif a.patient_id not in screened_ids:
            problems.append(Problem(f"allocations[{i}]", "allocated patient missing from the screening log"))
        elif a.patient_id not in went_on:
            problems.append(Problem(f"allocations[{i}]", "allocated patient was excluded at screening"))
        if not a.received and not a.not_received_reason:
            problems.append(Problem(f"allocations[{i}].not_received_reason", "reason missing"))
        arm_of.setdefault(a.patient_id, a.arm)
    order = list(arms) if arms is not None else sorted({a.arm for a in allocations})
    problems += [
        Problem(f"allocations[{i}].arm", "arm not among the trial's arms")
        for i, a in enumerate(allocations)
        if a.arm not in order
    ]
    for i, f in enumerate(follow_up):
        if f.patient_id not in arm_of:
            problems.append(Problem(f"follow_up[{i}]", "follow-up status of a patient never allocated"))
    excluded_ids: set[str] = set()
    for i, x in enumerate(analysis_exclusions):
        if x.patient_id not in arm_of:
            problems.append(Problem(f"analysis_exclusions[{i}]", "exclusion of a patient never allocated"))
        elif x.patient_id in excluded_ids:
            problems.append(Problem(f"analysis_exclusions[{i}]", "patient excluded twice"))
        excluded_ids.add(x.patient_id)
    if problems:
        raise InputError(f"CONSORT records: {problems[0].path}: {problems[0].message}", problems)
    flows = []
    for arm in order:
        mine = [a for a in allocations if a.arm == arm]
        ids = {a.patient_id for a in mine}
        exclusions = [x.reason for x in analysis_exclusions if x.patient_id in ids]
        flows.append(
            ArmFlow(
                arm=arm,
                allocated=len(mine),
                received=sum(1 for a in mine if a.received),
                not_received=_count([a.not_received_reason or "" for a in mine if not a.received]),
                lost_to_follow_up=_count(
                    [f.reason for f in follow_up if f.patient_id in ids and f.status == "lost_to_follow_up"]
                ),
                discontinued=_count(
                    [f.reason for f in follow_up if f.patient_id in ids and f.status == "discontinued"]
                ),
                analysed=len(mine) - len(exclusions),
                excluded_from_analysis=_count(exclusions),
            )
        )
    return ConsortFlow(
        assessed=len(screened),
        excluded=_count([s.excluded_reason for s in screened if s.excluded_reason is not None]),
        allocated_total=len(allocations),
        randomised=randomised,
        population=population,
        arms=tuple(flows),
    )


def total(reasons: Sequence[tuple[str, int]]) -> int:
    """The number of patients in a box with reasons."""
    return sum(n for _, n in reasons)


def _first(screened: Sequence[Screened], patient_id: str) -> int:
    return next(i for i, s in enumerate(screened) if s.patient_id == patient_id)


def _count(reasons: Sequence[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(Counter(reasons).items(), key=lambda item: (-item[1], item[0])))


def _reasons_dict(reasons: Sequence[tuple[str, int]]) -> dict[str, object]:
    return {"n": total(reasons), "reasons": [{"reason": r, "n": n} for r, n in reasons]}
