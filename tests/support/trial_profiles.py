"""Synthetic cases for the trial tests (no patient data): three base profiles and small mutators."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from oligoboard.case.convert import upgrade_v1
from oligoboard.case.models import Case
from tests.support import cases
from tests.support.cases import NEGATIVE_DRIVERS

Doc = dict[str, Any]
Mutator = Callable[[Doc], None]
__all__ = ["NEGATIVE_DRIVERS", "build", "lesion", "setter", "with_lesions"]


#: the trial tests' lesion: fewer facts than the other builders (laterality, dates, treatment unknown)
TRIAL_LESION: Doc = {"pattern": "discrete", "status": "stable", "amenable_to_lat": True, "size_mm": 15}


def lesion(i: int, organ: str, status: str = "stable", **extra: Any) -> Doc:
    """Lesion `L<i>` in `organ` on the trial tests' base (`cases.lesion`)."""
    return cases.lesion(i, organ, base=TRIAL_LESION, status=status, **extra)


def synchronous_after_induction() -> Doc:
    """Two bone metastases at diagnosis, 5 cycles of chemo-IO with PR, ongoing: the induction profile."""
    return {
        "id": "syn-ind",
        "assessment_date": "2025-06-01",
        "patient": {"age_years": 65, "sex": "female", "ecog": 1},
        "tumour": {
            "histology": "adenocarcinoma",
            "histology_confirmed": True,
            "diagnosis_date": "2025-01-10",
            "t": "T2a",
            "n": "N1",
            "drivers": dict(NEGATIVE_DRIVERS),
        },
        "primary": {"status": "untreated", "radically_treatable": True},
        "metastatic_diagnosis_date": "2025-01-10",
        "history": {"polymetastatic_before": False, "omd_before": False, "prior_thoracic_rt": False},
        "lesions": [lesion(1, "bone"), lesion(2, "bone")],
        "systemic_therapy": [
            {
                "line": 1,
                "regimen": "carboplatin-pemetrexed-pembrolizumab",
                "category": "chemo_io",
                "start_date": "2025-01-20",
                "end_date": None,
                "cycles": 5,
                "best_response": "PR",
            }
        ],
        "staging": {
            "fdg_pet_ct_date": "2025-05-20",
            "brain_mri_date": "2025-05-20",
            "mediastinal_staging": "ebus",
        },
    }


def oligoprogression() -> Doc:
    """Polymetastatic at diagnosis, 16 months of first-line chemo-IO, now two lesions progressing."""
    doc = synchronous_after_induction()
    doc["id"] = "oligoprog"
    doc["tumour"]["diagnosis_date"] = "2024-01-05"
    doc["metastatic_diagnosis_date"] = "2025-05-20"
    doc["history"]["polymetastatic_before"] = True
    doc["lesions"] = [
        lesion(1, "adrenal", "progressing"),
        lesion(2, "liver", "progressing"),
        lesion(3, "bone"),
    ]
    doc["systemic_therapy"][0].update({"start_date": "2024-01-15", "cycles": 20})
    return doc


def egfr_oligoprogression() -> Doc:
    """EGFR-positive, first-line TKI with PR, now oligoprogression: the HALT profile."""
    doc = oligoprogression()
    doc["id"] = "egfr-oligoprog"
    doc["tumour"]["drivers"]["egfr"] = "positive"
    doc["systemic_therapy"][0].update({"regimen": "osimertinib", "category": "targeted", "cycles": None})
    return doc


def controlled_primary() -> Doc:
    """Resected primary three years ago, two new metastases, no systemic therapy: the SABR-COMET profile."""
    doc = synchronous_after_induction()
    doc["id"] = "controlled"
    doc["tumour"]["diagnosis_date"] = "2022-03-01"
    doc["primary"] = {"status": "resected", "radically_treatable": True}
    doc["metastatic_diagnosis_date"] = "2025-05-15"
    doc["lesions"] = [lesion(1, "adrenal", "new"), lesion(2, "lung", "new", lung_relation="contralateral")]
    doc["systemic_therapy"] = []
    return doc


def with_lesions(*organs: str, status: str = "stable") -> Mutator:
    def mutate(doc: Doc) -> None:
        doc["lesions"] = [lesion(i, organ, status) for i, organ in enumerate(organs, start=1)]

    return mutate


def setter(path: str, value: Any) -> Mutator:
    """Set a dotted path (`patient.ecog`, `systemic_therapy.0.cycles`) to `value`."""

    def mutate(doc: Doc) -> None:
        node: Any = doc
        parts = path.split(".")
        for part in parts[:-1]:
            node = node[int(part)] if part.isdigit() else node[part]
        last = parts[-1]
        if last.isdigit():
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


def build(
    base: Doc, *mutators: Mutator, answers: dict[str, bool] | None = None, case_id: str | None = None
) -> Case:
    doc = copy.deepcopy(base)
    for mutate in mutators:
        mutate(doc)
    if answers is not None:
        doc["answers"] = answers
    if case_id is not None:
        doc["id"] = case_id
    # shape only (profiles may cross a date rule on purpose), upgraded from case@1 like every reader does
    return Case.model_validate_json(json.dumps(upgrade_v1(doc)))
