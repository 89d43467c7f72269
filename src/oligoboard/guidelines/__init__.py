"""Guideline recommendations for one case: DLCG 2025 and ASTRO/ESTRO 2023, work-up gaps, concordance.

The rules themselves live in `knowledge/guidelines/*.yaml`; this package only arranges what the engine
decided: grade, text, source, why a recommendation is undetermined, what is still missing, when DLCG rec. 4
would apply later, the DLCG ablative-dose statement and both guidelines side by side.
"""

from __future__ import annotations

from oligoboard.guidelines.ablative import AblativeDefinition, ablative_definition, is_ablative
from oligoboard.guidelines.catalogue import EncodedRecommendation, encoded_recommendations
from oligoboard.guidelines.section import recommendations_section

__all__ = [
    "AblativeDefinition",
    "EncodedRecommendation",
    "ablative_definition",
    "encoded_recommendations",
    "is_ablative",
    "recommendations_section",
]
