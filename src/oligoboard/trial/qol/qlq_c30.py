"""EORTC QLQ-C30 version 3.0: 15 scales and the C30 summary score, from items 1–30.

Item-to-scale map and scale codes of the scoring manual (3rd edition; the v3.0 revised scales QL2, PF2 and
RF2 keep their "2"), `shared/reference/trial-operations.md` §1.2–§1.3 [V: PROscorer, QoLR, MII IG]. Items
1–28 are answered 1–4, items 29–30 1–7. The summary score (Giesinger et al., J Clin Epidemiol
2016;69:79–88) is the mean of 13 scales with the symptom scales reversed (100 − score), leaving out QL2
and FI, and is scored only when all 13 are (§1.4–§1.5, PROscorer's rule and the EORTC instruction).
"""

from __future__ import annotations

from collections.abc import Mapping

from oligoboard.trial.qol.scoring import Scale, ScaleScore, score_scales

INSTRUMENT = "qlq-c30"
ITEMS: tuple[int, ...] = tuple(range(1, 31))
SEVEN_POINT_ITEMS = frozenset({29, 30})

SCALES: tuple[Scale, ...] = (
    Scale("QL2", "Global health status/QoL", "global", (29, 30), low=1, high=7),
    Scale("PF2", "Physical functioning", "functional", (1, 2, 3, 4, 5)),
    Scale("RF2", "Role functioning", "functional", (6, 7)),
    Scale("EF", "Emotional functioning", "functional", (21, 22, 23, 24)),
    Scale("CF", "Cognitive functioning", "functional", (20, 25)),
    Scale("SF", "Social functioning", "functional", (26, 27)),
    Scale("FA", "Fatigue", "symptom", (10, 12, 18)),
    Scale("NV", "Nausea and vomiting", "symptom", (14, 15)),
    Scale("PA", "Pain", "symptom", (9, 19)),
    Scale("DY", "Dyspnoea", "symptom", (8,)),
    Scale("SL", "Insomnia", "symptom", (11,)),
    Scale("AP", "Appetite loss", "symptom", (13,)),
    Scale("CO", "Constipation", "symptom", (16,)),
    Scale("DI", "Diarrhoea", "symptom", (17,)),
    Scale("FI", "Financial difficulties", "symptom", (28,)),
)
SUMMARY = "C30SUMMARY"
#: The 13 scales of the summary score (QL2 and FI left out).
SUMMARY_SCALES: tuple[str, ...] = tuple(s.code for s in SCALES if s.code not in ("QL2", "FI"))


def item_range(item: int) -> tuple[int, int]:
    """Allowed responses of an item: 1–7 for items 29 and 30, else 1–4."""
    return (1, 7) if item in SEVEN_POINT_ITEMS else (1, 4)


def summary_score(scores: Mapping[str, ScaleScore]) -> float | None:
    """The C30 summary score, or None unless all 13 contributing scales are scored."""
    values = []
    for code in SUMMARY_SCALES:
        score = scores[code].score
        if score is None:
            return None
        kind = next(s.kind for s in SCALES if s.code == code)
        values.append(100 - score if kind == "symptom" else score)
    return sum(values) / len(values)


def score_qlq_c30(responses: Mapping[int, int | None]) -> tuple[dict[str, float | None], dict[str, int]]:
    """(score per scale code plus C30SUMMARY, answered items per scale) for one respondent."""
    scored = score_scales(responses, SCALES)
    scores: dict[str, float | None] = {code: s.score for code, s in scored.items()}
    scores[SUMMARY] = summary_score(scored)
    return scores, {code: s.answered for code, s in scored.items()}
