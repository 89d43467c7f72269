"""Synthetic cases for the guideline tests (no real patient data) and paths to the shared sources."""

from __future__ import annotations

import copy
from typing import Any

from tests.support import cases
from tests.support.cases import NEGATIVE_DRIVERS
from tests.support.shared import SEEDS, VIGNETTES

SEED_DLCG = SEEDS / "002_6530fb4315a0caa7.txt"
SEED_ASTRO = SEEDS / "003_8c46f65aa08f1381.txt"
__all__ = ["BASE_CASE", "SEED_ASTRO", "SEED_DLCG", "VIGNETTES", "build_case", "lesion"]


#: the guideline tests' lesion: discrete, new, LAT-amenable, detected at the metastatic diagnosis
GUIDELINE_LESION: dict[str, Any] = {
    "laterality": "left",
    "pattern": "discrete",
    "detected_date": "2026-03-01",
    "status": "new",
    "size_mm": 15,
    "amenable_to_lat": True,
    "treated": False,
}


def lesion(organ: str, n: int = 1, **extra: Any) -> dict[str, Any]:
    """A discrete, new, LAT-amenable metastasis detected at the metastatic diagnosis (`cases.lesion`)."""
    return cases.lesion(n, organ, base=GUIDELINE_LESION, **extra)


BASE_CASE: dict[str, Any] = {
    "schema": "oligoboard/case@1",
    "id": "synthetic-guidelines",
    "assessment_date": "2026-03-10",
    "patient": {"age_years": 64, "sex": "male", "ecog": 1},
    "tumour": {
        "histology": "adenocarcinoma",
        "histology_confirmed": True,
        "diagnosis_date": "2026-03-01",
        "t": "T2a",
        "n": "N0",
        "drivers": NEGATIVE_DRIVERS,
        "pdl1_tps": 10,
    },
    "primary": {"status": "untreated", "radically_treatable": True},
    "metastatic_diagnosis_date": "2026-03-01",
    "history": {"polymetastatic_before": False, "omd_before": False, "prior_thoracic_rt": False},
    "lesions": [lesion("adrenal")],
    "systemic_therapy": [],
    "staging": {
        "fdg_pet_ct_date": "2026-02-25",
        "brain_mri_date": "2026-02-26",
        "mediastinal_staging": "ebus",
    },
    "radiotherapy_courses": [],
    "answers": {},
}


def build_case(**changes: Any) -> dict[str, Any]:
    """BASE_CASE with top-level keys replaced; `tumour__drivers={...}` style keys patch one level down."""
    doc = copy.deepcopy(BASE_CASE)
    for key, value in changes.items():
        if "__" in key:
            outer, inner = key.split("__", 1)
            doc[outer][inner] = value
        else:
            doc[key] = value
    return doc
