"""The override reasons every card offers: the CDS Hooks 3.0 clinical selection of non-adherence reasons.

The specification ("Reasons for rejecting a card") suggests the `non-adherence-reason` CodeSystem and its
clinically relevant ValueSet (`http://terminology.hl7.org/ValueSet/non-adherence-reason-clinical`, 12
codes) as the starting set. The codes and their displays are copied here in the ValueSet's order
(`display` is REQUIRED on a card's override reasons, cds-resp-4); a test compares them with the
published ValueSet and CodeSystem in `../shared/external/cds-hooks/`. Feedback naming any other reason is
refused (`feedback.py`).
"""

from __future__ import annotations

from typing import Final

SYSTEM: Final = "http://terminology.hl7.org/CodeSystem/non-adherence-reason-codes"
VALUE_SET: Final = "http://terminology.hl7.org/ValueSet/non-adherence-reason-clinical"

#: (code, display) in the ValueSet's order; displays as the CodeSystem prints them (the asterisk of
#: `patient-refuses` marks it as a non-preferred option in the CodeSystem's description)
REASONS: Final[tuple[tuple[str, str], ...]] = (
    ("cds-not-applicable", "PC CDS does not apply to patient"),
    ("cds-suboptimal-context", "PC CDS delivered in suboptimal context"),
    (
        "recipient-disagrees-evidence",
        "Recipient disagrees with recommendation because of issues with the evidence",
    ),
    ("recipient-concerns-outcomes", "Recipient has concerns regarding potential health outcomes"),
    ("does-not-align-preferences", "Recommendation does not align with patient preferences or values"),
    ("not-convenient-feasible", "Recommendation is not convenient or feasible"),
    ("action-completed", "Recommended action was already completed"),
    ("patient-contraindication", "Patient has contraindication to recommended action"),
    ("patient-refuses", "Patient refuses/declines (no context given)*"),
    ("too-costly-uncovered", "Recommended action is too costly or not covered by insurance"),
    ("service-not-available", "Treatment or service is not practically available"),
    (
        "recipient-does-not-understand",
        "Recipient does not understand the recommended action or know how to perform the recommended action",
    ),
)


def override_reasons() -> list[dict[str, str]]:
    """The reasons as Codings for `card.overrideReasons`.

    Example:
        >>> override_reasons()[0]["code"], len(override_reasons())
        ('cds-not-applicable', 12)
    """
    return [{"system": SYSTEM, "code": code, "display": display} for code, display in REASONS]


def is_offered(system: object, code: object) -> bool:
    """Whether a feedback reason is one the cards offer (system and code both match)."""
    return system == SYSTEM and any(code == known for known, _ in REASONS)
