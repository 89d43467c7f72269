"""The case contract `oligoboard/case@2` (docs/case-contract.md) as pydantic models.

Every field is optional and `None` means *unknown*, never "no": the engine turns it into SQL NULL and
three-valued logic keeps it unknown. For lists, `[]` is "known: none" and an omitted list is unknown.
Unknown keys are rejected because they are almost always typos of a real field, and a silently ignored
typo would turn a known fact into an unknown one.

case@2 adds a dated timeline to case@1: `imaging` (scans with per-lesion findings) and
`local_treatments`. A case@1 document is still accepted: `case.validate.parse_case` checks it against
case@1 and upgrades it (`case.convert.upgrade_v1`), so the rest of the code sees one model. The case@1 models live in
`models_v1.py` and exist only to read (and report errors in) old documents.
"""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_ID = "oligoboard/case@2"
SCHEMA_V1 = "oligoboard/case@1"

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
ScanResponse = Literal["CR", "PR", "SD", "PD", "NE"]
EndReason = Literal["progression", "toxicity", "completed", "patient_choice", "other"]
MediastinalStaging = Literal["ebus", "mediastinoscopy", "pet_only", "none"]
Technique = Literal["sbrt", "srs", "imrt", "vmat", "3dcrt"]
Modality = Literal["ct", "fdg_pet_ct", "mri", "bone_scan", "xray", "ultrasound", "other"]
ScanPurpose = Literal["staging", "restaging", "follow_up"]
LocalModality = Literal["surgery", "sbrt", "srs", "conventional_rt", "chemoradiotherapy", "rfa", "other"]
Intent = Literal["curative", "ablative", "palliative"]
Margin = Literal["R0", "R1", "R2"]

# Upper bounds are plausibility limits, far above any real value: they keep absurd numbers (1e30 cycles) out of
# the engine, where they would overflow a database column instead of being reported as the input error they are.
LineNumber = Annotated[int, Field(gt=0, le=50)]
Fractions = Annotated[int, Field(gt=0, le=100)]
Identifier = Annotated[str, Field(min_length=1, max_length=200)]
SizeMm = Annotated[float, Field(ge=0, le=1000)]
OarDose = Annotated[float, Field(ge=0, le=500)]


def _f(description: str, **kwargs: Any) -> Any:
    """An optional field (default None = unknown) with its description: the JSON Schema documents itself."""
    return Field(default=None, description=description, **kwargs)


class _Strict(BaseModel):
    """Unknown keys are errors; values are not coerced across types (no "true" → True)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


class Patient(_Strict):
    """The person: age or birth date, sex, performance status."""

    age_years: Annotated[int, Field(ge=0, le=130)] | None = _f(
        "Age in whole years at assessment_date (years). Give this or birth_date."
    )
    birth_date: date | None = _f(
        "Date of birth (ISO date); age is computed from it when age_years is absent."
    )
    sex: Sex | None = _f("female | male | other.")
    ecog: Annotated[int, Field(ge=0, le=4)] | None = _f("ECOG performance status, 0 (fully active) to 4.")


class Drivers(_Strict):
    """Oncogenic driver results; `not_tested` is as unknown as a blank."""

    egfr: DriverStatus | None = _f("EGFR sensitising mutation: positive | negative | not_tested.")
    alk: DriverStatus | None = _f("ALK rearrangement: positive | negative | not_tested.")
    ros1: DriverStatus | None = _f("ROS1 rearrangement: positive | negative | not_tested.")
    ret: DriverStatus | None = _f("RET rearrangement: positive | negative | not_tested.")
    braf_v600e: DriverStatus | None = _f("BRAF V600E mutation: positive | negative | not_tested.")
    met_ex14: DriverStatus | None = _f("MET exon 14 skipping: positive | negative | not_tested.")
    ntrk: DriverStatus | None = _f("NTRK fusion: positive | negative | not_tested.")
    kras_g12c: DriverStatus | None = _f("KRAS G12C mutation: positive | negative | not_tested.")
    her2: DriverStatus | None = _f("HER2 (ERBB2) mutation: positive | negative | not_tested.")


DRIVER_NAMES: tuple[str, ...] = tuple(Drivers.model_fields)


class Tumour(_Strict):
    """The primary lung cancer: histology, date of diagnosis, clinical T and N, biomarkers."""

    histology: Histology | None = _f(
        "adenocarcinoma | squamous | large_cell | nsclc_nos | other_nsclc | sclc."
    )
    histology_confirmed: bool | None = _f("A tissue or cytology diagnosis is available.")
    diagnosis_date: date | None = _f("Date of the primary lung cancer diagnosis (ISO date).")
    t: TCategory | None = _f("Clinical T category of the primary, TNM 9th edition.")
    n: NCategory | None = _f("Clinical N category, TNM 9th edition (N2 is split into N2a and N2b).")
    drivers: Drivers | None = _f("Oncogenic driver results.")
    pdl1_tps: Annotated[float, Field(ge=0, le=100)] | None = _f(
        "PD-L1 tumour proportion score (percent, 0-100)."
    )


class Primary(_Strict):
    """The state of the primary tumour at assessment_date."""

    status: PrimaryStatus | None = _f("untreated | controlled | progressing | resected | absent_unknown.")
    radically_treatable: bool | None = _f(
        "Tumour board judgement: surgery or radical (chemo)radiotherapy of the primary is possible."
    )


class History(_Strict):
    """Facts about earlier metastatic disease that the timeline does not (yet) carry."""

    polymetastatic_before: bool | None = _f("Ever polymetastatic before the current metastatic diagnosis.")
    omd_before: bool | None = _f(
        "Oligometastatic disease diagnosed (and treated) before the current diagnosis."
    )
    prior_thoracic_rt: bool | None = _f("Thoracic radiotherapy given before.")


class Lesion(_Strict):
    """One distant metastasis (regional nodes belong in tumour.n), keyed by `id` across scans.

    `status`, `size_mm` and `treated` are the summary as of assessment_date (case@1 meaning). When a scan
    in `imaging` records the lesion, the latest finding is the current status, and a summary status that
    contradicts it is an error.
    """

    id: Identifier = Field(
        description="Lesion identifier, unique in the case; findings and treatments refer to it."
    )
    organ: Organ | None = _f("Organ of the metastasis; paired organs are one organ system.")
    laterality: Laterality | None = _f("left | right | midline.")
    lung_relation: LungRelation | None = _f(
        "For organ lung only: contralateral (M1a) or ipsilateral_other_lobe (T4, not a metastasis)."
    )
    pattern: Pattern | None = _f("discrete | effusion | diffuse (leptomeningeal, lymphangitic, marrow).")
    detected_date: date | None = _f("Date the lesion was first seen (ISO date).")
    status: LesionStatus | None = _f(
        "Summary status at assessment_date: new | progressing | stable | responding | complete_response."
    )
    size_mm: SizeMm | None = _f("Summary longest diameter at assessment_date (mm).")
    amenable_to_lat: bool | None = _f(
        "Local ablative treatment (surgery, SBRT/SRS, ablation) judged feasible."
    )
    treated: bool | None = _f("The lesion has had local treatment by assessment_date.")


class SystemicTherapy(_Strict):
    """One line (or part of a line) of systemic therapy."""

    line: LineNumber | None = _f("Line number, 1 = first line.")
    regimen: str | None = _f("Regimen as written, e.g. carboplatin-pemetrexed-pembrolizumab.")
    category: TherapyCategory | None = _f("chemo | io | chemo_io | targeted | other.")
    start_date: date | None = _f("First administration (ISO date).")
    end_date: date | None = _f("Last administration (ISO date); null = ongoing at assessment_date.")
    cycles: Annotated[int, Field(ge=0, le=500)] | None = _f("Cycles given (count).")
    best_response: Response | None = _f("Best overall RECIST 1.1 response on this line: CR | PR | SD | PD.")
    end_reason: EndReason | None = _f(
        "Why the line ended: progression | toxicity | completed | patient_choice | other."
    )


class Staging(_Strict):
    """Staging facts that are not scans. Scan dates moved to `imaging` in case@2."""

    mediastinal_staging: MediastinalStaging | None = _f("ebus | mediastinoscopy | pet_only | none.")


class OarDoses(_Strict):
    """Planned organ-at-risk doses of one course (Gy), any subset."""

    spinal_cord_dmax_gy: OarDose | None = _f("Spinal cord maximum dose (Gy).")
    brachial_plexus_dmax_gy: OarDose | None = _f("Brachial plexus maximum dose (Gy).")
    mean_lung_dose_gy: OarDose | None = _f("Mean lung dose (Gy).")
    esophagus_dmax_gy: OarDose | None = _f("Oesophagus maximum dose (Gy).")


class RadiotherapyCourse(_Strict):
    """One radiotherapy course, planned or given."""

    id: Identifier = Field(description="Course identifier, unique in the case.")
    target: Identifier | None = _f("'primary' or a lesion id.")
    technique: Technique | None = _f("sbrt | srs | imrt | vmat | 3dcrt.")
    total_dose_gy: Annotated[float, Field(gt=0, le=500)] | None = _f("Total prescribed dose (Gy).")
    fractions: Fractions | None = _f("Number of fractions.")
    oar: OarDoses | None = _f("Planned organ-at-risk doses (Gy).")
    protocol: Identifier | None = _f(
        "Protocol the course is given under: a free identifier, e.g. a trial id (NCT01282450) or a "
        "protocol key of knowledge/radiotherapy/protocols/."
    )
    start_date: date | None = _f("First fraction (ISO date).")
    end_date: date | None = _f("Last fraction (ISO date).")


class Finding(_Strict):
    """One lesion as read on one scan."""

    lesion: Identifier = Field(description="Id of the lesion in `lesions` (must exist).")
    status: LesionStatus | None = _f(
        "Status at this scan: new | progressing | stable | responding | complete_response."
    )
    size_mm: SizeMm | None = _f("Longest diameter at this scan (mm).")


class Scan(_Strict):
    """One imaging study of the timeline."""

    id: Identifier = Field(description="Scan identifier, unique in the case.")
    date: dt.date | None = _f("Date of the scan (ISO date), on or before assessment_date.")
    modality: Modality | None = _f("ct | fdg_pet_ct | mri | bone_scan | xray | ultrasound | other.")
    purpose: ScanPurpose | None = _f("staging | restaging | follow_up.")
    brain: bool | None = _f(
        "The brain is covered by this scan (a brain MRI is modality mri with brain true)."
    )
    response: ScanResponse | None = _f(
        "Overall RECIST 1.1 response as read on this scan: CR | PR | SD | PD | NE (not evaluable)."
    )
    findings: list[Finding] | None = _f("Lesions read on this scan, each with its status and size.")


class LocalTreatment(_Strict):
    """One local treatment of the primary or of a metastasis (surgery, radiotherapy, ablation)."""

    id: Identifier = Field(description="Treatment identifier, unique in the case.")
    target: Identifier | None = _f("'primary' or a lesion id.")
    modality: LocalModality | None = _f(
        "surgery | sbrt | srs | conventional_rt | chemoradiotherapy | rfa | other."
    )
    intent: Intent | None = _f("curative | ablative | palliative.")
    date: dt.date | None = _f("Date of the treatment (surgery) or of its start (ISO date).")
    margin: Margin | None = _f("Resection margin R0 | R1 | R2; surgery only.")
    rt_course: Identifier | None = _f("Id of the radiotherapy course in radiotherapy_courses that gave it.")


class Case(_Strict):
    """One patient at one assessment date: the unit every assessment, screen and report works on.

    Build it with `case.validate.parse_case` (or `case.io.load_case`), which also reads case@1 documents
    (schema `oligoboard/case@1` or no schema): they are checked against case@1, then upgraded.
    """

    schema_: Literal["oligoboard/case@2"] = Field(
        alias="schema", default="oligoboard/case@2", description="Contract id: oligoboard/case@2."
    )
    id: Identifier = Field(description="Case identifier (required).")
    assessment_date: date = Field(description='"Today" for every interval (ISO date, required).')
    patient: Patient | None = _f("The person.")
    tumour: Tumour | None = _f("The primary lung cancer.")
    primary: Primary | None = _f("State of the primary at assessment_date.")
    metastatic_diagnosis_date: date | None = _f(
        "Diagnosis of the current (oligo)metastatic state (ISO date); may precede tumour.diagnosis_date "
        "(staging CT before histology)."
    )
    history: History | None = _f("Earlier metastatic disease.")
    lesions: list[Lesion] | None = _f("Distant metastases; [] = known none, omitted = unknown.")
    systemic_therapy: list[SystemicTherapy] | None = _f("Systemic therapy lines; [] = known none.")
    staging: Staging | None = _f("Staging facts that are not scans.")
    imaging: list[Scan] | None = _f("The imaging timeline; [] = known: no scans, omitted = unknown.")
    local_treatments: list[LocalTreatment] | None = _f("Local treatments given; [] = known none.")
    radiotherapy_courses: list[RadiotherapyCourse] | None = _f("Radiotherapy courses; [] = known none.")
    answers: dict[str, bool | None] | None = _f('Clinician-attested criteria: "<rule id>": true | false.')

    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, populate_by_name=True, allow_inf_nan=False
    )
