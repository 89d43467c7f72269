"""Typed models of the `trials` section and of a criterion's source conflict (issue 10).

`TypedDict`s from `typing_extensions` (pydantic validates them at runtime in the contract test on Python
3.11): the JSON of `assess --json` is unchanged, mypy checks the keys builders write and `report/` reads.
`CriterionConflict` lives here because `trials.section.verify_item` attaches it to trial and guideline
criteria alike.
"""

from __future__ import annotations

from typing_extensions import TypedDict


class ConflictReading(TypedDict):
    """The verdict under one reading of a conflicting source (engine `conflict_view`)."""

    id: str
    source: str
    phrase: str
    sql: str
    status: str
    set_status: str
    missing: list[str]
    applied: bool


class CriterionConflict(TypedDict):
    """A criterion's source conflict: the reading applied, why, and whether the readings disagree here."""

    applied: str
    why: str
    decisive: bool
    readings: list[ConflictReading]


class TrialCriterion(TypedDict):
    """One eligibility criterion of a trial (contract keys `id`, `kind`, `status`) with its explanation."""

    id: str
    kind: str
    status: str
    number: str
    text: str
    source: str
    verified: bool
    recoverable: bool | None
    attested: bool
    counts: str | None
    missing: list[str]
    deciding: bool
    answer_key: str | None
    verified_because: list[str]
    conflict: CriterionConflict | None


class Trial(TypedDict):
    """One trial: contract keys (`id`, `status`, `criteria`, `missing`), verdict, metadata and version."""

    id: str
    status: str
    verdict: str
    title: str
    acronym: str | None
    recruiting: bool
    phase: str
    setting: list[str]
    version: str
    date: str
    source: str
    verified: bool
    deciding: list[str]
    not_now: list[str] | None
    criteria: list[TrialCriterion]
    missing: list[str]
    verified_because: list[str]


class Question(TypedDict):
    """One next-best question: the fact to ask for and the trials its answer could change."""

    fact: str
    attested: bool
    could_change: int
    could_change_recruiting: int
    trials: list[str]
    criteria: list[str]
    question: str | None


class TrialsSection(TypedDict):
    """The trials part of the contract: `trials` and `next_best_questions`."""

    trials: list[Trial]
    next_best_questions: list[Question]
