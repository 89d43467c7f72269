"""Plain clinical labels (with units) for the case contract's fields, and the contract's own checks in words.

The form and the pages speak to clinicians, so `patient.ecog` is shown as "ECOG performance status" and
`imaging[1].findings[0].size_mm` as "Scan 2 · finding 1 · longest diameter (mm)"; the contract path stays
available as a small secondary hint. Labels are keyed by the path without list indices; a contract field
with no label here falls back to its name in words (and tests/web/test_fields.py fails until it is named).
The validation hint is read from the pydantic model (type, bounds, required), never restated by hand, so it
cannot drift from what `parse_case` enforces.
"""

from __future__ import annotations

import datetime as dt
import re
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from oligoboard.case.models import Case

#: label, unit ("" when none), by index-free contract path.
LABELS: dict[str, tuple[str, str]] = {
    "id": ("Case id", ""),
    "assessment_date": ("Assessment date", ""),
    "metastatic_diagnosis_date": ("Date of the metastatic diagnosis", ""),
    "patient": ("Patient", ""),
    "patient.age_years": ("Age", "years"),
    "patient.birth_date": ("Date of birth", ""),
    "patient.sex": ("Sex", ""),
    "patient.ecog": ("ECOG performance status", ""),
    "tumour": ("Primary lung cancer", ""),
    "tumour.histology": ("Histology", ""),
    "tumour.histology_confirmed": ("Tissue or cytology diagnosis available", ""),
    "tumour.diagnosis_date": ("Date of diagnosis", ""),
    "tumour.t": ("Clinical T (TNM 9th)", ""),
    "tumour.n": ("Clinical N (TNM 9th)", ""),
    "tumour.pdl1_tps": ("PD-L1 tumour proportion score", "%"),
    "tumour.drivers": ("Oncogenic drivers", ""),
    "tumour.drivers.egfr": ("EGFR sensitising mutation", ""),
    "tumour.drivers.alk": ("ALK rearrangement", ""),
    "tumour.drivers.ros1": ("ROS1 rearrangement", ""),
    "tumour.drivers.ret": ("RET rearrangement", ""),
    "tumour.drivers.braf_v600e": ("BRAF V600E mutation", ""),
    "tumour.drivers.met_ex14": ("MET exon 14 skipping", ""),
    "tumour.drivers.ntrk": ("NTRK fusion", ""),
    "tumour.drivers.kras_g12c": ("KRAS G12C mutation", ""),
    "tumour.drivers.her2": ("HER2 (ERBB2) mutation", ""),
    "primary": ("Primary tumour now", ""),
    "primary.status": ("Primary tumour status", ""),
    "primary.radically_treatable": ("Primary radically treatable (board judgement)", ""),
    "history": ("Earlier metastatic disease", ""),
    "history.polymetastatic_before": ("Polymetastatic disease before", ""),
    "history.omd_before": ("Oligometastatic disease diagnosed and treated before", ""),
    "history.prior_thoracic_rt": ("Thoracic radiotherapy before", ""),
    "lesions": ("Metastasis", ""),
    "lesions.id": ("Lesion id", ""),
    "lesions.organ": ("Organ", ""),
    "lesions.laterality": ("Side", ""),
    "lesions.lung_relation": ("Lung lesion: relation to the primary", ""),
    "lesions.pattern": ("Pattern", ""),
    "lesions.detected_date": ("First seen on", ""),
    "lesions.status": ("Status at assessment", ""),
    "lesions.size_mm": ("Longest diameter", "mm"),
    "lesions.amenable_to_lat": ("Amenable to local ablative treatment", ""),
    "lesions.treated": ("Locally treated already", ""),
    "systemic_therapy": ("Systemic therapy line", ""),
    "systemic_therapy.line": ("Line number", ""),
    "systemic_therapy.regimen": ("Regimen", ""),
    "systemic_therapy.category": ("Category", ""),
    "systemic_therapy.start_date": ("First dose", ""),
    "systemic_therapy.end_date": ("Last dose (blank: ongoing)", ""),
    "systemic_therapy.cycles": ("Cycles given", ""),
    "systemic_therapy.best_response": ("Best response (RECIST 1.1)", ""),
    "systemic_therapy.end_reason": ("Why the line ended", ""),
    "staging": ("Staging", ""),
    "staging.mediastinal_staging": ("Mediastinal staging", ""),
    "imaging": ("Scan", ""),
    "imaging.id": ("Scan id", ""),
    "imaging.date": ("Scan date", ""),
    "imaging.modality": ("Modality", ""),
    "imaging.purpose": ("Purpose", ""),
    "imaging.brain": ("Brain covered by this scan", ""),
    "imaging.response": ("Overall response (RECIST 1.1)", ""),
    "imaging.findings": ("Finding", ""),
    "imaging.findings.lesion": ("Lesion id", ""),
    "imaging.findings.status": ("Status on this scan", ""),
    "imaging.findings.size_mm": ("Longest diameter", "mm"),
    "local_treatments": ("Local treatment", ""),
    "local_treatments.id": ("Treatment id", ""),
    "local_treatments.target": ("Target ('primary' or a lesion id)", ""),
    "local_treatments.modality": ("Modality", ""),
    "local_treatments.intent": ("Intent", ""),
    "local_treatments.date": ("Date (or start)", ""),
    "local_treatments.margin": ("Resection margin (surgery)", ""),
    "local_treatments.rt_course": ("Radiotherapy course id", ""),
    "radiotherapy_courses": ("Radiotherapy course", ""),
    "radiotherapy_courses.id": ("Course id", ""),
    "radiotherapy_courses.target": ("Target ('primary' or a lesion id)", ""),
    "radiotherapy_courses.technique": ("Technique", ""),
    "radiotherapy_courses.total_dose_gy": ("Total prescribed dose", "Gy"),
    "radiotherapy_courses.fractions": ("Fractions", ""),
    "radiotherapy_courses.protocol": ("Protocol or trial id", ""),
    "radiotherapy_courses.start_date": ("First fraction", ""),
    "radiotherapy_courses.end_date": ("Last fraction", ""),
    "radiotherapy_courses.oar": ("Planned organ-at-risk doses", ""),
    "radiotherapy_courses.oar.spinal_cord_dmax_gy": ("Spinal cord Dmax", "Gy"),
    "radiotherapy_courses.oar.brachial_plexus_dmax_gy": ("Brachial plexus Dmax", "Gy"),
    "radiotherapy_courses.oar.mean_lung_dose_gy": ("Mean lung dose", "Gy"),
    "radiotherapy_courses.oar.esophagus_dmax_gy": ("Oesophagus Dmax", "Gy"),
}

#: Words for choice values where the contract's token is an abbreviation a clinician would not write.
CHOICE_WORDS: dict[str, str] = {
    "fdg_pet_ct": "FDG PET/CT",
    "ct": "CT",
    "mri": "MRI",
    "xray": "X-ray",
    "sbrt": "SBRT",
    "srs": "SRS",
    "imrt": "IMRT",
    "vmat": "VMAT",
    "3dcrt": "3D-CRT",
    "rfa": "RFA",
    "chemo_io": "chemo-immunotherapy",
    "io": "immunotherapy",
    "ebus": "EBUS",
    "pet_only": "PET only",
    "nsclc_nos": "NSCLC NOS",
    "other_nsclc": "other NSCLC",
    "sclc": "SCLC",
    "conventional_rt": "conventional RT",
    "NE": "NE (not evaluable)",
}

#: A whole list named as a fact (`systemic_therapy` missing = the lines are unknown).
LIST_TITLES: dict[str, str] = {
    "lesions": "Metastases",
    "systemic_therapy": "Systemic therapy lines",
    "imaging": "Imaging timeline",
    "imaging.findings": "Findings",
    "local_treatments": "Local treatments",
    "radiotherapy_courses": "Radiotherapy courses",
}

_INDEX = re.compile(r"\[\d+\]")
_STEP = re.compile(r"(?P<name>[A-Za-z_0-9]+)(?:\[(?P<index>\d+)\])?")
_ANSWER = re.compile(r"^answers\[['\"](?P<key>.+)['\"]\]$")


def key_of(path: str) -> str:
    """`imaging[1].findings[0].size_mm` → `imaging.findings.size_mm`."""
    return _INDEX.sub("", path)


def choice_words(value: str) -> str:
    return CHOICE_WORDS.get(value, value.replace("_", " "))


def label(path: str, *, unit: bool = True) -> str:
    """The last step of `path` in clinical words, with its unit: `lesions[0].size_mm` → `Longest diameter (mm)`."""
    last = path.rsplit(".", 1)[-1].rstrip("_")
    fallback = ("number of " + last[2:] if last.startswith("n_") else last).replace("_", " ")
    name, measure = LABELS.get(key_of(path), (fallback, ""))
    return f"{name} ({measure})" if unit and measure else name


def fact_label(fact: str) -> str:
    """A missing fact (`history.omd_before`, `imaging[1].response`, `answers['NCT…/consent']`) in words, each
    list item numbered from 1: `Scan 2 · overall response (RECIST 1.1)`; an attested answer names its key."""
    match = _ANSWER.match(fact)
    if match:
        trial, _, criterion = match["key"].partition("/")
        return f"{trial}: {criterion.replace('-', ' ')} (to attest)" if criterion else match["key"]
    parts: list[str] = []
    prefix = ""
    steps = fact.split(".")
    for position, step in enumerate(steps):
        found = _STEP.fullmatch(step)
        if found is None:
            return fact
        prefix = f"{prefix}.{found['name']}" if prefix else found["name"]
        is_last = position == len(steps) - 1
        if found["index"] is not None:
            parts.append(f"{label(prefix, unit=False)} {int(found['index']) + 1}")
        elif is_last:
            parts.append(LIST_TITLES.get(prefix) or label(prefix))
    if not parts:
        return fact
    text = " · ".join(parts)
    return text[0].upper() + text[1:]


# --- the contract's checks, read from the models --------------------------------------------------


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    metadata: list[Any] = []
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        annotation = args[0] if len(args) == 1 else annotation
    if get_origin(annotation) is Annotated:
        annotation, *metadata = get_args(annotation)
    return annotation, metadata


def _bounds(metadata: list[Any]) -> str:
    low = high = ""
    for item in metadata:
        for constraint in getattr(item, "metadata", [item]):
            if getattr(constraint, "ge", None) is not None:
                low = f"{constraint.ge}"
            if getattr(constraint, "gt", None) is not None:
                low = f"> {constraint.gt}"
            if getattr(constraint, "le", None) is not None:
                high = f"{constraint.le}"
            if getattr(constraint, "max_length", None) is not None:
                high = f"≤ {constraint.max_length} characters"
    if low and high and not low.startswith(">") and not high.startswith("≤"):
        return f"{low}–{high}"
    return ", ".join(b if not b.isdigit() else f"≤ {b}" for b in (low, high) if b)


def check_text(info: FieldInfo) -> str:
    """What the contract accepts in one field, in words: `whole number 0–130`, `date YYYY-MM-DD`,
    `required · text ≤ 200 characters`, `one of the list`; blank always means unknown unless required."""
    inner, metadata = _unwrap(info.annotation)
    metadata = [*metadata, *info.metadata]
    if get_origin(inner) is Literal:
        kind = "one of the list"
    elif inner is bool:
        kind = "yes / no"
    elif inner is int:
        kind = "whole number"
    elif inner is float:
        kind = "number"
    elif inner is dt.date:
        kind = "date YYYY-MM-DD"
    else:
        kind = "text"
    bounds = _bounds(metadata)
    text = f"{kind} {bounds}".strip() if bounds else kind
    return f"required · {text}" if info.is_required() else text


def model_at(key: str) -> type[BaseModel] | None:
    """The contract model of an index-free path (`imaging.findings` → Finding), None for a leaf."""
    model: type[BaseModel] = Case
    for name in key.split(".") if key else []:
        fields = {f.alias or n: f for n, f in model.model_fields.items()}
        if name not in fields:
            return None
        inner, _ = _unwrap(fields[name].annotation)
        if get_origin(inner) is list:
            inner = get_args(inner)[0]
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
            return None
        model = inner
    return model


def contract_keys() -> list[str]:
    """Every index-free path of the contract (objects, lists and leaves), `schema` and `answers` left out."""
    out: list[str] = []

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            key = info.alias or name
            if not prefix and key in ("schema", "answers"):
                continue
            path = f"{prefix}.{key}" if prefix else key
            out.append(path)
            sub = model_at(path)
            if sub is not None:
                walk(sub, path)

    walk(Case, "")
    return out


def missing_summary(facts: list[str], trial_id: str | None = None) -> str:
    """Missing facts in words, the case's facts first, then the criteria a clinician attests, by name:
    `Systemic therapy lines; Scan 1 · Overall response (RECIST 1.1); to attest: consent, pregnancy`.
    Inside a trial's row (`trial_id`), its own criteria drop the trial id."""
    case_facts: list[str] = []
    attest: list[str] = []
    for fact in facts:
        match = _ANSWER.match(fact)
        if match is None:
            case_facts.append(fact_label(fact))
            continue
        owner, _, criterion = match["key"].partition("/")
        name = criterion.replace("-", " ") if criterion else owner
        attest.append(name if owner == trial_id or not criterion else f"{owner} {name}")
    parts = ["; ".join(case_facts)] if case_facts else []
    if attest:
        parts.append("to attest: " + ", ".join(attest))
    return "; ".join(parts)
