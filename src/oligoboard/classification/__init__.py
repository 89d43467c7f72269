"""Classification of one case: the disease-state section (ESTRO/EORTC, OMD, TNM9 M, stage, prognosis)."""

from __future__ import annotations

from oligoboard.classification.disease_state import disease_state

__all__ = ["disease_state"]
