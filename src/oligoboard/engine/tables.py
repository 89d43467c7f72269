"""Flatten case@2 cases into the normalized tables that `features.sql` reads.

One row per thing (patient, lesion, therapy line, RT course, scan, scan finding, local treatment, attested
answer). Python only reshapes here; every derived fact (the staging scan dates, a lesion's current status)
is computed in SQL so that one definition serves DuckDB and Spark alike. `lesions_known` and friends record
whether a list was given at all: an empty list is "known: none", an omitted list is unknown, and SQL cannot
tell the two apart from the child table alone. For the same reason each scan row carries `findings_known`:
a scan whose `findings` were omitted (every converted case@1 staging scan) adds no finding rows, exactly
like a scan read as showing none of the lesions (`[]`), and only this flag tells them apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, get_args

from oligoboard.case import models as m
from oligoboard.case.models import DRIVER_NAMES, Case

Row = tuple[Any, ...]

PATIENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("case_id", "VARCHAR"),
    ("assessment_date", "DATE"),
    ("age_years", "INTEGER"),
    ("birth_date", "DATE"),
    ("sex", "VARCHAR"),
    ("ecog", "INTEGER"),
    ("histology", "VARCHAR"),
    ("histology_confirmed", "BOOLEAN"),
    ("diagnosis_date", "DATE"),
    ("t_category", "VARCHAR"),
    ("n_category", "VARCHAR"),
    *((f"driver_{name}", "VARCHAR") for name in DRIVER_NAMES),
    ("pdl1_tps", "DOUBLE"),
    ("primary_status", "VARCHAR"),
    ("primary_radically_treatable", "BOOLEAN"),
    ("metastatic_diagnosis_date", "DATE"),
    ("polymetastatic_before", "BOOLEAN"),
    ("omd_before", "BOOLEAN"),
    ("prior_thoracic_rt", "BOOLEAN"),
    ("mediastinal_staging", "VARCHAR"),
    ("lesions_known", "BOOLEAN"),
    ("systemic_known", "BOOLEAN"),
    ("rt_known", "BOOLEAN"),
    ("imaging_known", "BOOLEAN"),
    ("local_treatments_known", "BOOLEAN"),
)

LESION_COLUMNS: tuple[tuple[str, str], ...] = (
    ("case_id", "VARCHAR"),
    ("lesion_id", "VARCHAR"),
    ("organ", "VARCHAR"),
    ("laterality", "VARCHAR"),
    ("lung_relation", "VARCHAR"),
    ("pattern", "VARCHAR"),
    ("detected_date", "DATE"),
    ("status", "VARCHAR"),
    ("size_mm", "DOUBLE"),
    ("amenable_to_lat", "BOOLEAN"),
    ("treated", "BOOLEAN"),
)

THERAPY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("case_id", "VARCHAR"),
    ("line", "INTEGER"),
    ("regimen", "VARCHAR"),
    ("category", "VARCHAR"),
    ("start_date", "DATE"),
    ("end_date", "DATE"),
    ("cycles", "INTEGER"),
    ("best_response", "VARCHAR"),
    ("end_reason", "VARCHAR"),
)

RT_COURSE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("case_id", "VARCHAR"),
    ("course_id", "VARCHAR"),
    ("target", "VARCHAR"),
    ("technique", "VARCHAR"),
    ("total_dose_gy", "DOUBLE"),
    ("fractions", "INTEGER"),
    ("spinal_cord_dmax_gy", "DOUBLE"),
    ("brachial_plexus_dmax_gy", "DOUBLE"),
    ("mean_lung_dose_gy", "DOUBLE"),
    ("esophagus_dmax_gy", "DOUBLE"),
    ("protocol", "VARCHAR"),
    ("start_date", "DATE"),
    ("end_date", "DATE"),
)

IMAGING_COLUMNS: tuple[tuple[str, str], ...] = (
    ("case_id", "VARCHAR"),
    ("scan_id", "VARCHAR"),
    ("scan_date", "DATE"),
    ("modality", "VARCHAR"),
    ("purpose", "VARCHAR"),
    ("brain", "BOOLEAN"),
    ("response", "VARCHAR"),
    ("findings_known", "BOOLEAN"),
)

FINDING_COLUMNS: tuple[tuple[str, str], ...] = (
    ("case_id", "VARCHAR"),
    ("scan_id", "VARCHAR"),
    ("lesion_id", "VARCHAR"),
    ("status", "VARCHAR"),
    ("size_mm", "DOUBLE"),
)

LOCAL_TREATMENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("case_id", "VARCHAR"),
    ("treatment_id", "VARCHAR"),
    ("target", "VARCHAR"),
    ("modality", "VARCHAR"),
    ("intent", "VARCHAR"),
    ("treatment_date", "DATE"),
    ("margin", "VARCHAR"),
    ("rt_course", "VARCHAR"),
)

ANSWER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("case_id", "VARCHAR"),
    ("rule_id", "VARCHAR"),
    ("value", "BOOLEAN"),
)


def _words(literal: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in get_args(literal))


#: The closed vocabularies of the text columns (the contract's Literal types), table → column → words.
#: A single case is held to them by the contract models; a bulk cohort is checked against them before
#: screening (`cohort/sources.py`), because features.sql counts organ systems and ranks statuses by these
#: lists and a word outside them would otherwise be read as something it is not.
VOCABULARIES: dict[str, dict[str, tuple[str, ...]]] = {
    "patients": {
        "sex": _words(m.Sex),
        "histology": _words(m.Histology),
        "t_category": _words(m.TCategory),
        "n_category": _words(m.NCategory),
        **{f"driver_{name}": _words(m.DriverStatus) for name in DRIVER_NAMES},
        "primary_status": _words(m.PrimaryStatus),
        "mediastinal_staging": _words(m.MediastinalStaging),
    },
    "lesions": {
        "organ": _words(m.Organ),
        "laterality": _words(m.Laterality),
        "lung_relation": _words(m.LungRelation),
        "pattern": _words(m.Pattern),
        "status": _words(m.LesionStatus),
    },
    "therapies": {
        "category": _words(m.TherapyCategory),
        "best_response": _words(m.Response),
        "end_reason": _words(m.EndReason),
    },
    "rt_courses": {"technique": _words(m.Technique)},
    "imaging": {
        "modality": _words(m.Modality),
        "purpose": _words(m.ScanPurpose),
        "response": _words(m.ScanResponse),
    },
    "imaging_findings": {"status": _words(m.LesionStatus)},
    "local_treatments": {
        "modality": _words(m.LocalModality),
        "intent": _words(m.Intent),
        "margin": _words(m.Margin),
    },
}

TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "patients": PATIENT_COLUMNS,
    "lesions": LESION_COLUMNS,
    "therapies": THERAPY_COLUMNS,
    "rt_courses": RT_COURSE_COLUMNS,
    "answers": ANSWER_COLUMNS,
    "imaging": IMAGING_COLUMNS,
    "imaging_findings": FINDING_COLUMNS,
    "local_treatments": LOCAL_TREATMENT_COLUMNS,
}


@dataclass
class CaseTables:
    """Rows for each normalized table, in `TABLES` column order."""

    patients: list[Row] = field(default_factory=list)
    lesions: list[Row] = field(default_factory=list)
    therapies: list[Row] = field(default_factory=list)
    rt_courses: list[Row] = field(default_factory=list)
    answers: list[Row] = field(default_factory=list)
    imaging: list[Row] = field(default_factory=list)
    imaging_findings: list[Row] = field(default_factory=list)
    local_treatments: list[Row] = field(default_factory=list)

    def rows(self, table: str) -> list[Row]:
        rows: list[Row] = getattr(self, table)
        return rows


def _patient_row(case: Case) -> Row:
    p, t, pr, h, s = case.patient, case.tumour, case.primary, case.history, case.staging
    d = t.drivers if t else None
    drivers: list[str | None] = [getattr(d, name) if d else None for name in DRIVER_NAMES]
    birth: date | None = p.birth_date if p else None
    return (
        case.id,
        case.assessment_date,
        p.age_years if p else None,
        birth,
        p.sex if p else None,
        p.ecog if p else None,
        t.histology if t else None,
        t.histology_confirmed if t else None,
        t.diagnosis_date if t else None,
        t.t if t else None,
        t.n if t else None,
        *drivers,
        t.pdl1_tps if t else None,
        pr.status if pr else None,
        pr.radically_treatable if pr else None,
        case.metastatic_diagnosis_date,
        h.polymetastatic_before if h else None,
        h.omd_before if h else None,
        h.prior_thoracic_rt if h else None,
        s.mediastinal_staging if s else None,
        case.lesions is not None,
        case.systemic_therapy is not None,
        case.radiotherapy_courses is not None,
        case.imaging is not None,
        case.local_treatments is not None,
    )


def to_tables(cases: Iterable[Case]) -> CaseTables:
    out = CaseTables()
    for case in cases:
        out.patients.append(_patient_row(case))
        for lesion in case.lesions or []:
            out.lesions.append(
                (
                    case.id,
                    lesion.id,
                    lesion.organ,
                    lesion.laterality,
                    lesion.lung_relation,
                    lesion.pattern,
                    lesion.detected_date,
                    lesion.status,
                    lesion.size_mm,
                    lesion.amenable_to_lat,
                    lesion.treated,
                )
            )
        for therapy in case.systemic_therapy or []:
            out.therapies.append(
                (
                    case.id,
                    therapy.line,
                    therapy.regimen,
                    therapy.category,
                    therapy.start_date,
                    therapy.end_date,
                    therapy.cycles,
                    therapy.best_response,
                    therapy.end_reason,
                )
            )
        for course in case.radiotherapy_courses or []:
            oar = course.oar
            out.rt_courses.append(
                (
                    case.id,
                    course.id,
                    course.target,
                    course.technique,
                    course.total_dose_gy,
                    course.fractions,
                    oar.spinal_cord_dmax_gy if oar else None,
                    oar.brachial_plexus_dmax_gy if oar else None,
                    oar.mean_lung_dose_gy if oar else None,
                    oar.esophagus_dmax_gy if oar else None,
                    course.protocol,
                    course.start_date,
                    course.end_date,
                )
            )
        for rule_id, value in (case.answers or {}).items():
            out.answers.append((case.id, rule_id, value))
        _timeline_rows(case, out)
    return out


def _timeline_rows(case: Case, out: CaseTables) -> None:
    """The imaging timeline (scans, their findings) and the local treatments of one case."""
    for scan in case.imaging or []:
        out.imaging.append(
            (
                case.id,
                scan.id,
                scan.date,
                scan.modality,
                scan.purpose,
                scan.brain,
                scan.response,
                scan.findings is not None,
            )
        )
        for finding in scan.findings or []:
            out.imaging_findings.append((case.id, scan.id, finding.lesion, finding.status, finding.size_mm))
    for t in case.local_treatments or []:
        out.local_treatments.append(
            (case.id, t.id, t.target, t.modality, t.intent, t.date, t.margin, t.rt_course)
        )
