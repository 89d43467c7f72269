"""Typed models of the guidelines part of the contract: recommendations, concordance, work-up (issue 10).

`TypedDict`s from `typing_extensions` (pydantic validates them at runtime in the contract test on Python
3.11): the JSON of `assess --json` is unchanged, mypy checks the keys builders write and `report/` reads.
"""

from __future__ import annotations

from typing import NotRequired

from pydantic import ConfigDict, with_config
from typing_extensions import TypedDict

from oligoboard.trials.models import CriterionConflict


class CriterionText(TypedDict):
    """A criterion as the guideline words it; the quotes only where the file carries them."""

    id: str
    status: str
    text: str
    source: str
    quote_da: NotRequired[str]
    quote_da_corrected: NotRequired[str]  # å, ø, æ restored (the seed is OCR text); quote_da as printed
    quote_en: NotRequired[str]
    missing: NotRequired[list[str]]


class GuidelineReason(CriterionText):
    """A criterion that blocks the recommendation, with the propagated verification."""

    verified: bool
    verified_because: list[str]


class GuidelineCriterion(GuidelineReason):
    """Every criterion of a recommendation: a reason's keys plus its source conflict (or None)."""

    conflict: CriterionConflict | None


class Later(TypedDict):
    """Whether a recommendation would apply once its timing criteria are met."""

    status: str
    condition: str
    condition_da: str | None
    condition_da_corrected: NotRequired[str | None]
    text: str
    timing_criteria: list[CriterionText]


class PartGrade(TypedDict):
    """The grade of one part of a recommendation that grades its parts separately."""

    part: str
    grade: str


class AblativeReading(TypedDict):
    """One reading of the ablative threshold's source conflict ("> 75" vs "≥ 75")."""

    id: str
    source: str
    phrase: str
    operator: str


class AblativeConflict(TypedDict):
    """The ablative threshold's source conflict as the guideline file states it."""

    applied: str
    why: str
    readings: list[AblativeReading]


class AblativeDose(TypedDict):
    """The guideline's ablative-dose statement (`AblativeDefinition.as_dict`)."""

    definition: str
    bed_threshold_gy: float
    comparison: str
    alpha_beta_gy: float
    alpha_beta_note: str | None
    local_control_target: str
    boundary_example: str | None
    text_da: str | None
    text_da_corrected: NotRequired[str | None]
    text_en: str | None
    source: str
    conflict: AblativeConflict | None


class Recommendation(TypedDict):
    """One recommendation: contract keys (`id`, `status`, `grade`, `text`, `source`, `missing`) and why."""

    id: str
    status: str
    grade: str | None
    text: str
    source: str
    missing: list[str]
    guideline: str
    title: str
    text_da: str | None
    text_da_corrected: NotRequired[str | None]
    grades: list[PartGrade]
    strength: str | None
    quality: str | None
    verified: bool
    topic: str
    alternative_to: list[str]
    reasons: list[GuidelineReason]
    undetermined_because: list[str]
    criteria: list[GuidelineCriterion]
    later: Later | None
    ablative_dose: AblativeDose | None
    verified_because: list[str]


class AlternativeOption(TypedDict):
    """One recommendation of an alternative pair, as shown side by side."""

    id: str
    status: str
    grade: str | None
    text: str
    later: Later | None


class Alternative(TypedDict):
    """Two recommendations that are alternatives for the same patient (DLCG rec. 3 and 4)."""

    ids: list[str]
    options: list[AlternativeOption]
    note: str


@with_config(ConfigDict(extra="forbid"))
class BriefRecommendation(TypedDict):
    """A recommendation as a concordance row lists it."""

    id: str
    status: str
    grade: str | None
    strength: str | None
    quality: str | None
    verified: bool


@with_config(ConfigDict(extra="forbid"))
class ConcordanceSide(TypedDict):
    """One guideline's side of a concordance row."""

    guideline: str
    key: str
    recommendations: list[BriefRecommendation]
    unverified_guidance: list[str]


@with_config(ConfigDict(extra="allow"))
class ConcordanceRow(TypedDict):
    """One topic compared across guidelines.

    Each guideline's list also sits under the guideline's JSON key (`dlcg`, `astro_estro`: the keys of the
    first contract, kept). Those keys come from the knowledge files (adding a guideline needs no Python
    change, docs/architecture.md), so the row is the one open model: extra keys are allowed here and only
    here; the two first-contract keys are named so mypy can check their readers. Its parts (`sides`, the
    brief recommendations) are closed again.
    """

    topic: str
    label: str
    verdict: str
    note: str
    dlcg: NotRequired[list[BriefRecommendation]]
    astro_estro: NotRequired[list[BriefRecommendation]]
    unverified_guidance: list[str]
    sides: list[ConcordanceSide]


class ConcordanceGuideline(TypedDict):
    """A guideline compared in the concordance view."""

    name: str
    short: str
    key: str
    file: str


class Evidence(TypedDict):
    """An applying recommendation with its grade, for the evidence list."""

    id: str
    guideline: str
    status: str
    grade: str | None
    strength: str | None
    quality: str | None


class Concordance(TypedDict):
    """Both guidelines side by side for one case (`guidelines/concordance.py`)."""

    guidelines: list[ConcordanceGuideline]
    rows: list[ConcordanceRow]
    agreements: list[str]
    differences: list[str]
    method_differences: list[str]
    evidence: list[Evidence]


class WorkupGap(TypedDict):
    """An unmet or unknown work-up item."""

    id: str
    item: str
    status: str
    text: str
    source: str
    missing: list[str]


class WorkupAdvisory(TypedDict):
    """A scan present but older than the advisory window (unverified local-policy advice)."""

    id: str
    item: str
    age_days: int
    window_days: int
    text: str
    source: str
    verified: bool


class Guidance(TypedDict):
    """Unverified guidance of a guideline, listed and never weighed (`EncodedRecommendation.as_dict`)."""

    id: str
    kind: str
    guideline: str
    grade: str | None
    strength: str | None
    quality: str | None
    title: str
    text: str
    text_da: str | None
    text_da_corrected: NotRequired[str | None]
    source: str
    verified: bool
    topic: str


class RecommendationsSection(TypedDict):
    """The guidelines part of the contract, merged into the top level of `Assessment`."""

    recommendations: list[Recommendation]
    alternatives: list[Alternative]
    concordance: Concordance
    workup_gaps: list[WorkupGap]
    workup_advisories: list[WorkupAdvisory]
    ablative_dose: AblativeDose
    guidance: list[Guidance]
