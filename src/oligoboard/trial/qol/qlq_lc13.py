"""EORTC QLQ-LC13 (lung cancer module, Bergman et al. Eur J Cancer 1994;30A:635–642): 10 symptom scores.

Items numbered 31–43 as when appended to the QLQ-C30 (module items 1–13); items 31–42 answered 1–4 and
scored with the symptom formula (range 3); dyspnoea LCDY is the 3-item scale of items 33–35 (two answers
needed), the rest are single items; item 43 (pain medicine, yes/no and follow-up) is not scored as a scale
(`shared/reference/trial-operations.md` §1.8 [V: QoLR `scoring.QLQLC13`]).
"""

from __future__ import annotations

from collections.abc import Mapping

from oligoboard.trial.qol.scoring import Scale, score_scales

INSTRUMENT = "qlq-lc13"
#: Scored items (C30 numbering); item 43 is read but not scored.
ITEMS: tuple[int, ...] = tuple(range(31, 43))
OPTIONAL_ITEMS: tuple[int, ...] = (43,)
FIRST_ITEM = 31

SCALES: tuple[Scale, ...] = (
    Scale("LCDY", "Dyspnoea", "symptom", (33, 34, 35)),
    Scale("LCCO", "Coughing", "symptom", (31,)),
    Scale("LCHA", "Haemoptysis", "symptom", (32,)),
    Scale("LCSM", "Sore mouth", "symptom", (36,)),
    Scale("LCDS", "Dysphagia", "symptom", (37,)),
    Scale("LCPN", "Peripheral neuropathy", "symptom", (38,)),
    Scale("LCHR", "Alopecia", "symptom", (39,)),
    Scale("LCPC", "Pain in chest", "symptom", (40,)),
    Scale("LCPA", "Pain in arm or shoulder", "symptom", (41,)),
    Scale("LCPO", "Pain in other parts", "symptom", (42,)),
)


def item_range(item: int) -> tuple[int, int]:
    """Allowed responses of a scored item: 1–4."""
    return (1, 4)


def score_qlq_lc13(responses: Mapping[int, int | None]) -> tuple[dict[str, float | None], dict[str, int]]:
    """(score per scale code, answered items per scale) for one respondent (C30 item numbering)."""
    scored = score_scales(responses, SCALES)
    return {c: s.score for c, s in scored.items()}, {c: s.answered for c, s in scored.items()}
