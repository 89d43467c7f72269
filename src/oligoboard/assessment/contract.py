"""The `assess --json` contract as one type (architecture note, "Command-line contract"; issue 10).

`Assessment` names every top-level key and, through the section models of the domain packages, every
nested one. It is a `TypedDict` so the JSON stays exactly what it was; `extra="forbid"` (inherited by the
nested models when pydantic validates) makes the runtime contract test fail on a key added without its
model. `typing_extensions.TypedDict` because pydantic needs it on Python 3.11.
"""

from __future__ import annotations

from datetime import date

from pydantic import ConfigDict, with_config
from typing_extensions import TypedDict

from oligoboard.classification.models import DiseaseState
from oligoboard.dose.models import Cumulative, RadiotherapyCourse
from oligoboard.guidelines.models import (
    AblativeDose,
    Alternative,
    Concordance,
    Guidance,
    Recommendation,
    WorkupAdvisory,
    WorkupGap,
)
from oligoboard.trials.models import Question, Trial

#: One finding of the case (features and decided values): what `report/` words as facts. Dates stay
#: `date` in memory and are printed as ISO strings by `print_json` (its `default=str`).
Fact = str | int | float | bool | date | None


@with_config(ConfigDict(extra="forbid"))
class Assessment(TypedDict):
    """The full assessment of one case, in the key order `assess --json` prints."""

    case_id: str
    knowledge_version: str
    engine_version: str
    case_hash: str
    assessment_date: str
    disease_state: DiseaseState
    recommendations: list[Recommendation]
    alternatives: list[Alternative]
    concordance: Concordance
    workup_gaps: list[WorkupGap]
    workup_advisories: list[WorkupAdvisory]
    ablative_dose: AblativeDose
    guidance: list[Guidance]
    trials: list[Trial]
    next_best_questions: list[Question]
    radiotherapy: list[RadiotherapyCourse]
    radiotherapy_cumulative: Cumulative | None
    facts: dict[str, Fact]
