"""Synthetic case documents for tests: a complete, valid baseline that each test edits.

The one place for case building: `doc`/`build` edit the baseline; `trial_profiles` (clinical profiles for the
trial tests) and `guideline_cases` (the guideline tests' baseline) build on the same driver panel.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from oligoboard.case.models import Case
from oligoboard.case.validate import parse_case

DRIVERS = ("egfr", "alk", "ros1", "ret", "braf_v600e", "met_ex14", "ntrk", "kras_g12c", "her2")
NEGATIVE_DRIVERS: dict[str, str] = dict.fromkeys(DRIVERS, "negative")

BASE: dict[str, Any] = {
    "schema": "oligoboard/case@1",
    "id": "t-001",
    "assessment_date": "2026-10-01",
    "patient": {"age_years": 66, "sex": "male", "ecog": 1},
    "tumour": {
        "histology": "adenocarcinoma",
        "histology_confirmed": True,
        "diagnosis_date": "2026-08-15",
        "t": "T2a",
        "n": "N1",
        "drivers": dict.fromkeys(DRIVERS, "negative"),
        "pdl1_tps": 60,
    },
    "primary": {"status": "untreated", "radically_treatable": True},
    "metastatic_diagnosis_date": "2026-08-15",
    "history": {"polymetastatic_before": False, "omd_before": False, "prior_thoracic_rt": False},
    "lesions": [
        {
            "id": "L1",
            "organ": "adrenal",
            "laterality": "left",
            "pattern": "discrete",
            "detected_date": "2026-08-15",
            "status": "new",
            "size_mm": 18,
            "amenable_to_lat": True,
            "treated": False,
        }
    ],
    "systemic_therapy": [],
    "staging": {
        "fdg_pet_ct_date": "2026-08-10",
        "brain_mri_date": "2026-08-12",
        "mediastinal_staging": "ebus",
    },
    "radiotherapy_courses": [],
    "answers": {},
}


def lesion(i: int, organ: str, base: Mapping[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    """Lesion `L<i>` in `organ`: `base` (default: the baseline's lesion) with `fields` on top.

    The one lesion builder of the test support (the guideline and trial builders pass their own base): a
    lung metastasis is contralateral (M1a), since an ipsilateral other-lobe nodule would be T4, not counted.
    """
    out: dict[str, Any] = copy.deepcopy(dict(base) if base is not None else BASE["lesions"][0])
    if organ == "lung":
        out["lung_relation"] = "contralateral"
    out.update({"id": f"L{i}", "organ": organ, **fields})
    return out


def doc(**changes: Any) -> dict[str, Any]:
    """The case@1 baseline with top-level keys replaced; nested dict values are merged one level deep."""
    return doc_on(BASE, **changes)


def doc_on(base: Mapping[str, Any], **changes: Any) -> dict[str, Any]:
    """`base` (a case@1 or case@2 baseline) with top-level keys replaced, nested dicts merged one level."""
    out: dict[str, Any] = copy.deepcopy(dict(base))
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


def build(**changes: Any) -> Case:
    return parse_case(doc(**changes))
