"""case@1 → case@2, losslessly: every case@1 fact keeps its meaning in the case@2 document.

The only case@1 facts that move are the two staging scan dates, which become scans of the imaging
timeline (docs/case-contract.md, "From case@1"):

    staging.fdg_pet_ct_date → imaging[] {id: staging-fdg-pet-ct, modality: fdg_pet_ct, purpose: staging}
    staging.brain_mri_date  → imaging[] {id: staging-brain-mri, modality: mri, brain: true, purpose: staging}

An unknown (null or omitted) date gives no scan: case@1 cannot say that a scan was done on an unknown
day, so no scan is invented. When neither date is known `imaging` stays omitted (unknown), never `[]`
(which would claim that no scan was done). The converted scans carry no `findings` (case@1 does not say
which lesions each scan showed: unknown, not none). Everything else is copied unchanged. The function
works on the document (a mapping), not the model, so `migrate` writes what the user wrote plus the move.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from oligoboard.case.models import SCHEMA_ID

FDG_PET_CT_SCAN_ID = "staging-fdg-pet-ct"
BRAIN_MRI_SCAN_ID = "staging-brain-mri"


def staging_scans(staging: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The scans a case@1 `staging` block records (those with a known date)."""
    scans: list[dict[str, Any]] = []
    if staging.get("fdg_pet_ct_date") is not None:
        scans.append(
            {
                "id": FDG_PET_CT_SCAN_ID,
                "date": staging["fdg_pet_ct_date"],
                "modality": "fdg_pet_ct",
                "purpose": "staging",
            }
        )
    if staging.get("brain_mri_date") is not None:
        scans.append(
            {
                "id": BRAIN_MRI_SCAN_ID,
                "date": staging["brain_mri_date"],
                "modality": "mri",
                "purpose": "staging",
                "brain": True,
            }
        )
    return scans


def upgrade_v1(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The case@2 document for a case@1 document.

    Tolerant of shapes it does not understand (a `staging` that is not an object is copied as is), so
    validating the result still reports the user's mistake instead of this function failing.
    """
    out: dict[str, Any] = {"schema": SCHEMA_ID}
    out.update((k, copy.deepcopy(v)) for k, v in doc.items() if k != "schema")
    staging = out.get("staging")
    # a document that already has `imaging` is not case@1: leave it for validation to refuse
    if isinstance(staging, dict) and "imaging" not in out:
        scans = staging_scans(staging)
        staging.pop("fdg_pet_ct_date", None)
        staging.pop("brain_mri_date", None)
        if scans:  # right after `staging`, where a reader of the old document looks for the dates
            keys = list(out)
            at = keys.index("staging") + 1
            out = {**{k: out[k] for k in keys[:at]}, "imaging": scans, **{k: out[k] for k in keys[at:]}}
    return out
