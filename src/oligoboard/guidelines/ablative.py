"""The DLCG 2025 definition of an ablative SBRT dose, attached to every recommendation that calls for SBRT.

Seed 002 (kap. 3, lines 262-264): "LAT kan anses ablativ, hvis stereotaktisk stralebehandling gives med en
biologisk effektiv dosis (BED) > 75 Gy … Behandlingsmalet er en lokal kontrolrate pa minimum 85% efter 2 ar."
The comparison is strict: 50 Gy in 10 fractions gives BED10 = 75.0 Gy exactly and is *not* ablative.
The α/β of 10 Gy is the project's reading (BED10); the seed prints no α/β.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from oligoboard.dose.knowledge import regimen_rule
from oligoboard.dose.lq import bed
from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.errors import KnowledgeError
from oligoboard.knowledge.files import KNOWLEDGE_DIR
from oligoboard.knowledge.info import AblativeInfo, Conflict, RuleSetInfo
from oligoboard.knowledge.reading import load_file_spec


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
    regimen_rule: str = ""
    conflict: Conflict | None = None
    text_da_corrected: str = ""

    def is_ablative(self, total_dose_gy: float, fractions: int) -> bool:
        """True when BED (α/β of the definition) is strictly greater than the threshold.

        Example:
            >>> packaged_ablative().is_ablative(50, 10)  # BED10 = 75.0, not > 75
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
            "text_da_corrected": self.text_da_corrected or self.text_da,
            "text_en": self.text_en,
            "source": self.source,
            "conflict": self.conflict.model_dump(exclude_none=True) if self.conflict else None,
        }


def _from_info(info: AblativeInfo) -> AblativeDefinition:
    """The wording from the guideline file, the threshold from the radiotherapy rule it names (one place)."""
    rule = regimen_rule(info.regimen_rule)
    if rule.metric != "bed" or rule.operator != ">" or rule.limit_gy is None or rule.alpha_beta_gy is None:
        raise KnowledgeError(
            f"regimens.yaml: rule {info.regimen_rule!r} is not a 'bed > limit' rule with alpha_beta_gy"
        )
    if info.conflict is not None and info.conflict.applied_reading.operator != rule.operator:
        raise KnowledgeError(
            f"info.ablative.conflict: the applied reading must have the operator of {rule.id!r}"
        )
    return AblativeDefinition(
        bed_threshold_gy=float(rule.limit_gy),
        alpha_beta_gy=float(rule.alpha_beta_gy),
        local_control_min_percent=info.local_control_min_percent,
        local_control_years=info.local_control_years,
        text_da=info.text_da.strip(),
        text_en=info.text_en.strip(),
        source=info.source,
        alpha_beta_note=info.alpha_beta_note.strip(),
        boundary_example=info.boundary_example.strip(),
        regimen_rule=info.regimen_rule,
        conflict=info.conflict,
        text_da_corrected=" ".join((info.text_da_corrected or "").split()),
    )


def _the_one(carriers: list[tuple[str, AblativeInfo]]) -> AblativeInfo:
    """Exactly one guideline may define "ablative": two would be a conflict to encode, not to pick from."""
    if len(carriers) != 1:
        names = ", ".join(name for name, _ in carriers) or "none"
        raise KnowledgeError(
            f"guidelines: exactly one file may carry info.ablative (the ablative-dose statement); found {names}"
        )
    return carriers[0][1]


def ablative_definition(kb: KnowledgeBase) -> AblativeDefinition:
    """The ablative-dose statement of the guideline file that carries `info.ablative` (today DLCG 2025).

    The file is found by what it holds, not by its id, so renaming or adding guideline files needs no Python.
    Found once per knowledge base (`KnowledgeBase.derived`): every `assess` reads it twice.
    """
    return kb.derived("guidelines.ablative", _ablative_definition)


def _ablative_definition(kb: KnowledgeBase) -> AblativeDefinition:
    carriers = [(fid, spec.info.ablative) for fid, spec in kb.files.items() if spec.info.ablative is not None]
    return _from_info(_the_one(carriers))


def ablative_for_rule_set(info: RuleSetInfo) -> AblativeDefinition | None:
    """The statement attached to one recommendation (`info.ablative_dose`), or None."""
    return _from_info(info.ablative_dose) if info.ablative_dose is not None else None


@cache
def packaged_ablative() -> AblativeDefinition:
    """The packaged definition, for callers without a knowledge base: read from the same guideline files."""
    carriers = []
    for path in sorted((KNOWLEDGE_DIR / "guidelines").glob("*.yaml")):
        spec = load_file_spec(path)
        if spec.info.ablative is not None:
            carriers.append((path.name, spec.info.ablative))
    return _from_info(_the_one(carriers))


def is_ablative(total_dose_gy: float, fractions: int, definition: AblativeDefinition | None = None) -> bool:
    """Whether a stereotactic course is ablative by the DLCG 2025 definition (BED10 strictly > 75 Gy).

    Example:
        >>> is_ablative(50, 10), is_ablative(50, 5)
        (False, True)
    """
    return (definition or packaged_ablative()).is_ablative(total_dose_gy, fractions)
