"""The case@1 contract (`shared/design/case-schema.md`, schema `oligoboard/case@1`), kept to read old documents.

case@1 documents are validated against these models first, so their errors name case@1 paths
(`staging.fdg_pet_ct_date`), and then upgraded to case@2 by `case.convert.upgrade_v1`. Nothing outside
`case/` uses them: the engine and every section read the case@2 `Case`. The parts that did not change
between the versions are the case@2 models themselves.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from oligoboard.case.models import (
    SCHEMA_V1,
    Fractions,
    History,
    Identifier,
    Lesion,
    LineNumber,
    MediastinalStaging,
    OarDoses,
    Patient,
    Primary,
    Response,
    Technique,
    TherapyCategory,
    Tumour,
    _Strict,
)

SCHEMA_ID = SCHEMA_V1


class SystemicTherapyV1(_Strict):
    line: LineNumber | None = None
    regimen: str | None = None
    category: TherapyCategory | None = None
    start_date: date | None = None
    end_date: date | None = None
    cycles: Annotated[int, Field(ge=0, le=500)] | None = None
    best_response: Response | None = None


class StagingV1(_Strict):
    fdg_pet_ct_date: date | None = None
    brain_mri_date: date | None = None
    mediastinal_staging: MediastinalStaging | None = None


class RadiotherapyCourseV1(_Strict):
    id: Identifier
    target: Identifier | None = None
    technique: Technique | None = None
    total_dose_gy: Annotated[float, Field(gt=0, le=500)] | None = None
    fractions: Fractions | None = None
    oar: OarDoses | None = None


class CaseV1(_Strict):
    """A case@1 document exactly as case-schema.md defines it (no case@2 field is accepted)."""

    schema_: Literal["oligoboard/case@1"] = Field(alias="schema", default="oligoboard/case@1")
    id: Identifier
    assessment_date: date
    patient: Patient | None = None
    tumour: Tumour | None = None
    primary: Primary | None = None
    metastatic_diagnosis_date: date | None = None
    history: History | None = None
    lesions: list[Lesion] | None = None
    systemic_therapy: list[SystemicTherapyV1] | None = None
    staging: StagingV1 | None = None
    radiotherapy_courses: list[RadiotherapyCourseV1] | None = None
    answers: dict[str, bool | None] | None = None

    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, populate_by_name=True, allow_inf_nan=False
    )
