"""The case contract (`shared/design/case-schema.md`, schema `oligoboard/case@1`) as pydantic models.

Every field is optional and `None` means *unknown*, never "no": the engine turns it into SQL NULL and
three-valued logic keeps it unknown. Unknown keys are rejected because they are almost always typos
of a real field, and a silently ignored typo would turn a known fact into an unknown one.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_ID = "oligoboard/case@1"

Sex = Literal["female", "male", "other"]
Histology = Literal["adenocarcinoma", "squamous", "large_cell", "nsclc_nos", "other_nsclc", "sclc"]
TCategory = Literal["TX", "T0", "Tis", "T1mi", "T1a", "T1b", "T1c", "T2a", "T2b", "T3", "T4"]
NCategory = Literal["NX", "N0", "N1", "N2a", "N2b", "N3"]
DriverStatus = Literal["positive", "negative", "not_tested"]
PrimaryStatus = Literal["untreated", "controlled", "progressing", "resected", "absent_unknown"]
Organ = Literal[
    "brain",
    "adrenal",
    "bone",
    "liver",
    "lung",
    "pleura",
    "pericardium",
    "distant_lymph_node",
    "soft_tissue",
    "kidney",
    "other",
]
Laterality = Literal["left", "right", "midline"]
LungRelation = Literal["contralateral", "ipsilateral_other_lobe"]
Pattern = Literal["discrete", "effusion", "diffuse"]
LesionStatus = Literal["new", "progressing", "stable", "responding", "complete_response"]
TherapyCategory = Literal["chemo", "io", "chemo_io", "targeted", "other"]
Response = Literal["CR", "PR", "SD", "PD"]
MediastinalStaging = Literal["ebus", "mediastinoscopy", "pet_only", "none"]
Technique = Literal["sbrt", "srs", "imrt", "vmat", "3dcrt"]

# Upper bounds are plausibility limits, far above any real value: they keep absurd numbers (1e30 cycles) out of
# the engine, where they would overflow a database column instead of being reported as the input error they are.
LineNumber = Annotated[int, Field(gt=0, le=50)]
Fractions = Annotated[int, Field(gt=0, le=100)]
Identifier = Annotated[str, Field(min_length=1, max_length=200)]


class _Strict(BaseModel):
    """Unknown keys are errors; values are not coerced across types (no "true" → True)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


class Patient(_Strict):
    age_years: Annotated[int, Field(ge=0, le=130)] | None = None
    birth_date: date | None = None
    sex: Sex | None = None
    ecog: Annotated[int, Field(ge=0, le=4)] | None = None


class Drivers(_Strict):
    egfr: DriverStatus | None = None
    alk: DriverStatus | None = None
    ros1: DriverStatus | None = None
    ret: DriverStatus | None = None
    braf_v600e: DriverStatus | None = None
    met_ex14: DriverStatus | None = None
    ntrk: DriverStatus | None = None
    kras_g12c: DriverStatus | None = None
    her2: DriverStatus | None = None


DRIVER_NAMES: tuple[str, ...] = tuple(Drivers.model_fields)


class Tumour(_Strict):
    histology: Histology | None = None
    histology_confirmed: bool | None = None
    diagnosis_date: date | None = None
    t: TCategory | None = None
    n: NCategory | None = None
    drivers: Drivers | None = None
    pdl1_tps: Annotated[float, Field(ge=0, le=100)] | None = None


class Primary(_Strict):
    status: PrimaryStatus | None = None
    radically_treatable: bool | None = None


class History(_Strict):
    polymetastatic_before: bool | None = None
    omd_before: bool | None = None
    prior_thoracic_rt: bool | None = None


class Lesion(_Strict):
    id: Identifier
    organ: Organ | None = None
    laterality: Laterality | None = None
    lung_relation: LungRelation | None = None
    pattern: Pattern | None = None
    detected_date: date | None = None
    status: LesionStatus | None = None
    size_mm: Annotated[float, Field(ge=0, le=1000)] | None = None
    amenable_to_lat: bool | None = None
    treated: bool | None = None


class SystemicTherapy(_Strict):
    line: LineNumber | None = None
    regimen: str | None = None
    category: TherapyCategory | None = None
    start_date: date | None = None
    end_date: date | None = None
    cycles: Annotated[int, Field(ge=0, le=500)] | None = None
    best_response: Response | None = None


class Staging(_Strict):
    fdg_pet_ct_date: date | None = None
    brain_mri_date: date | None = None
    mediastinal_staging: MediastinalStaging | None = None


OarDose = Annotated[float, Field(ge=0, le=500)]


class OarDoses(_Strict):
    spinal_cord_dmax_gy: OarDose | None = None
    brachial_plexus_dmax_gy: OarDose | None = None
    mean_lung_dose_gy: OarDose | None = None
    esophagus_dmax_gy: OarDose | None = None


class RadiotherapyCourse(_Strict):
    id: Identifier
    target: Identifier | None = None
    technique: Technique | None = None
    total_dose_gy: Annotated[float, Field(gt=0, le=500)] | None = None
    fractions: Fractions | None = None
    oar: OarDoses | None = None


class Case(_Strict):
    """One patient at one assessment date: the unit every assessment, screen and report works on."""

    schema_: Literal["oligoboard/case@1"] = Field(alias="schema", default="oligoboard/case@1")
    id: Identifier
    assessment_date: date
    patient: Patient | None = None
    tumour: Tumour | None = None
    primary: Primary | None = None
    metastatic_diagnosis_date: date | None = None
    history: History | None = None
    lesions: list[Lesion] | None = None
    systemic_therapy: list[SystemicTherapy] | None = None
    staging: Staging | None = None
    radiotherapy_courses: list[RadiotherapyCourse] | None = None
    answers: dict[str, bool | None] | None = None

    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, populate_by_name=True, allow_inf_nan=False
    )
