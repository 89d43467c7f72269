"""The DLCG 2025 definition of an ablative SBRT dose, attached to every recommendation that calls for SBRT.

Seed 002 (kap. 3, lines 262-264): "LAT kan anses ablativ, hvis stereotaktisk stralebehandling gives med en
biologisk effektiv dosis (BED) > 75 Gy … Behandlingsmalet er en lokal kontrolrate pa minimum 85% efter 2 ar."
The comparison is strict: 50 Gy in 10 fractions gives BED10 = 75.0 Gy exactly and is *not* ablative.
The α/β of 10 Gy is the project's reading (BED10); the seed prints no α/β.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from oligoboard.dose.lq import bed
from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.errors import KnowledgeError

DLCG_FILE_ID = "dlcg-2025"


@dataclass(frozen=True)
class AblativeDefinition:
    """BED threshold (Gy, strictly greater), α/β (Gy) and the local-control target, with their source."""

    bed_threshold_gy: float
    alpha_beta_gy: float
    local_control_min_percent: float
    local_control_years: float
    text_da: str
    text_en: str
    source: str
    alpha_beta_note: str
    boundary_example: str

    def is_ablative(self, total_dose_gy: float, fractions: int) -> bool:
        """True when BED (α/β of the definition) is strictly greater than the threshold.

        Example:
            >>> DLCG_ABLATIVE.is_ablative(50, 10)  # BED10 = 75.0, not > 75
            False
        """
        return bool(bed(total_dose_gy, fractions, self.alpha_beta_gy) > self.bed_threshold_gy)

    def as_dict(self) -> dict[str, Any]:
        return {
            "definition": f"BED > {self.bed_threshold_gy:g} Gy (α/β = {self.alpha_beta_gy:g} Gy)",
            "bed_threshold_gy": self.bed_threshold_gy,
            "comparison": ">",
            "alpha_beta_gy": self.alpha_beta_gy,
            "alpha_beta_note": self.alpha_beta_note,
            "local_control_target": (
                f"≥ {self.local_control_min_percent:g} % local control at {self.local_control_years:g} years"
            ),
            "boundary_example": self.boundary_example,
            "text_da": self.text_da,
            "text_en": self.text_en,
            "source": self.source,
        }


def _from_info(info: dict[str, Any]) -> AblativeDefinition:
    try:
        return AblativeDefinition(
            bed_threshold_gy=float(info["bed_threshold_gy"]),
            alpha_beta_gy=float(info["alpha_beta_gy"]),
            local_control_min_percent=float(info["local_control_min_percent"]),
            local_control_years=float(info["local_control_years"]),
            text_da=str(info["text_da"]).strip(),
            text_en=str(info["text_en"]).strip(),
            source=str(info["source"]),
            alpha_beta_note=str(info.get("alpha_beta_note", "")).strip(),
            boundary_example=str(info.get("boundary_example", "")).strip(),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise KnowledgeError(
            f"dlcg_2025.yaml: info.ablative is incomplete ({exc}); expected bed_threshold_gy, alpha_beta_gy, "
            "local_control_min_percent, local_control_years, text_da, text_en, source"
        ) from None


def ablative_definition(kb: KnowledgeBase) -> AblativeDefinition:
    """The DLCG definition as loaded from `knowledge/guidelines/dlcg_2025.yaml` (`info.ablative`)."""
    spec = kb.files.get(DLCG_FILE_ID)
    if spec is None or not isinstance(spec.info.get("ablative"), dict):
        raise KnowledgeError(f"knowledge file {DLCG_FILE_ID!r} with info.ablative is not loaded")
    return _from_info(spec.info["ablative"])


def ablative_for_rule_set(info: dict[str, Any]) -> AblativeDefinition | None:
    """The statement attached to one recommendation (`info.ablative_dose`), or None."""
    raw = info.get("ablative_dose")
    return _from_info(raw) if isinstance(raw, dict) else None


#: The packaged values, for doctests and callers without a knowledge base (kept equal by a test).
DLCG_ABLATIVE = AblativeDefinition(
    bed_threshold_gy=75.0,
    alpha_beta_gy=10.0,
    local_control_min_percent=85.0,
    local_control_years=2.0,
    text_da=(
        "LAT kan anses ablativ, hvis stereotaktisk stralebehandling gives med en biologisk effektiv dosis "
        "(BED) > 75 Gy"
    ),
    text_en="LAT can be considered ablative when stereotactic radiotherapy is given with a BED > 75 Gy",
    source="seed 002, kap. 3 Grundlag, 'Litteratur og evidensgennemgang' (lines 262-264)",
    alpha_beta_note="α/β not printed in the seed; 10 Gy (BED10) is the project's reading",
    boundary_example="50 Gy in 10 fractions gives BED10 = 75.0 Gy exactly: not > 75, so not ablative.",
)


def is_ablative(total_dose_gy: float, fractions: int, definition: AblativeDefinition = DLCG_ABLATIVE) -> bool:
    """Whether a stereotactic course is ablative by the DLCG 2025 definition (BED10 strictly > 75 Gy).

    Example:
        >>> is_ablative(50, 10), is_ablative(50, 5)
        (False, True)
    """
    return definition.is_ablative(total_dose_gy, fractions)
