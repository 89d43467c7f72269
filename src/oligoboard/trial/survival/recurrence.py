"""Patterns of recurrence: local / regional / distant by site, in-field / marginal / out-of-field by dose.

NCT01282450 reports "patterns of recurrence" at 2 and 3 years (seed 000). Two independent axes
(`knowledge/endpoints/recurrence.yaml`, each rule cited):

- spatial, by the site the recurrence was found in (RTOG 0236: local = primary tumour or involved lobe,
  regional = hilar/mediastinal nodes, distant = uninvolved lobes and extrathoracic sites);
- dosimetric, by the fraction of the recurrence volume inside the 95 % isodose of the treatment plan
  (≥ 95 % in-field, 20–95 % marginal, < 20 % out-of-field; a convention the sources did not verify, so the
  file says `verified: false`). Without that fraction the dosimetric pattern is unknown (None), never a
  guess.

A patient can have more than one pattern (RTOG 0236's 5-year letter counts 15 distant, 13 local and 7
regional among 23 patients who progressed); `pattern_counts` counts patients per pattern, not events.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from oligoboard.errors import InputError, Problem, kind_of
from oligoboard.knowledge.files import KNOWLEDGE_DIR

RecurrenceSite = Literal[
    "treated_lesion", "primary_tumour", "involved_lobe", "regional_nodes", "uninvolved_lobe", "extrathoracic"
]
Spatial = Literal["local", "regional", "distant"]
Dosimetric = Literal["in_field", "marginal", "out_of_field"]
RECURRENCE_FILE = KNOWLEDGE_DIR / "endpoints" / "recurrence.yaml"
SPATIAL_ORDER: tuple[Spatial, ...] = ("local", "regional", "distant")


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SpatialRule(_Spec):
    site: RecurrenceSite
    pattern: Spatial
    source: str = Field(min_length=1)
    verified: bool


class DosimetricRule(_Spec):
    isodose_percent: float = Field(gt=0, le=200)
    in_field_min_fraction: float = Field(gt=0, le=1)
    marginal_min_fraction: float = Field(gt=0, le=1)
    source: str = Field(min_length=1)
    verified: bool


class RecurrenceFile(_Spec):
    source: str
    spatial: tuple[SpatialRule, ...]
    dosimetric: DosimetricRule


@dataclass(frozen=True)
class Recurrence:
    """One recurrence of one patient: where it was found and, when the plan is known, the fraction of its
    volume inside the high-dose isodose (0–1)."""

    patient_id: str
    site: RecurrenceSite
    fraction_in_isodose: float | None = None


@dataclass(frozen=True)
class RecurrencePattern:
    """The two patterns of one recurrence (`dosimetric` None: no dose information, unknown)."""

    spatial: Spatial
    dosimetric: Dosimetric | None


@cache
def recurrence_rules(path: Path = RECURRENCE_FILE) -> RecurrenceFile:
    """The packaged rules (every site mapped once)."""
    from oligoboard.knowledge.reading import load_spec

    return load_spec(RecurrenceFile, path)


def classify_recurrence(recurrence: Recurrence, where: str = "recurrence") -> RecurrencePattern:
    """Both patterns of one recurrence; a fraction outside 0–1 is an `InputError` naming the field."""
    rules = recurrence_rules()
    spatial = next(r.pattern for r in rules.spatial if r.site == recurrence.site)
    fraction = recurrence.fraction_in_isodose
    if fraction is None:
        return RecurrencePattern(spatial, None)
    if not isinstance(fraction, int | float) or not math.isfinite(fraction) or not 0 <= fraction <= 1:
        raise InputError(
            f"{where}.fraction_in_isodose: not a fraction",
            [
                Problem(
                    f"{where}.fraction_in_isodose",
                    "not a fraction",
                    "a number from 0 to 1",
                    kind_of(fraction),
                )
            ],
        )
    d = rules.dosimetric
    dosimetric: Dosimetric = (
        "in_field"
        if fraction >= d.in_field_min_fraction
        else "marginal"
        if fraction >= d.marginal_min_fraction
        else "out_of_field"
    )
    return RecurrencePattern(spatial, dosimetric)


@dataclass(frozen=True)
class PatternCounts:
    """Patients with at least one recurrence of each pattern (a patient may count under several)."""

    patients_with_recurrence: int
    spatial: dict[str, int]
    dosimetric: dict[str, int]
    dosimetric_unknown: int

    def as_dict(self) -> dict[str, object]:
        return {
            "patients_with_recurrence": self.patients_with_recurrence,
            "spatial": self.spatial,
            "dosimetric": self.dosimetric,
            "dosimetric_unknown": self.dosimetric_unknown,
        }


def pattern_counts(recurrences: Sequence[Recurrence]) -> PatternCounts:
    """Count patients per pattern over all their recurrences (events of one patient count once)."""
    spatial: dict[str, set[str]] = {p: set() for p in SPATIAL_ORDER}
    dosimetric: dict[str, set[str]] = {p: set() for p in ("in_field", "marginal", "out_of_field")}
    unknown: set[str] = set()
    for i, r in enumerate(recurrences):
        pattern = classify_recurrence(r, where=f"recurrences[{i}]")
        spatial[pattern.spatial].add(r.patient_id)
        if pattern.dosimetric is None:
            unknown.add(r.patient_id)
        else:
            dosimetric[pattern.dosimetric].add(r.patient_id)
    return PatternCounts(
        patients_with_recurrence=len({r.patient_id for r in recurrences}),
        spatial={k: len(v) for k, v in spatial.items()},
        dosimetric={k: len(v) for k, v in dosimetric.items()},
        dosimetric_unknown=len(unknown),
    )
