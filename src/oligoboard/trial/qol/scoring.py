"""The EORTC scoring manual's rules, shared by every instrument: raw score, linear transform, missing items.

From `shared/reference/trial-operations.md` §1.4–§1.5 (the manual as quoted in SAP texts [S], checked
against QoLR's and PROscorer's code [V]):

- raw score RS = mean of the *answered* items of the scale;
- functional scales S = (1 − (RS − 1)/range) × 100; symptom scales, single items and global health status
  S = ((RS − 1)/range) × 100; range = highest − lowest response (3 for 4-point items, 6 for 7-point items);
- missing items: "If at least half of the items from the scale have been answered, assume that the missing
  items have values equal to the average of those items which are present for that respondent" (manual,
  via qscorer's docs [S]); otherwise the scale is not scored (None). A single-item scale needs its item.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

ScaleKind = Literal["global", "functional", "symptom"]


@dataclass(frozen=True)
class Scale:
    """One scale: its manual code, a short name, its kind and its item numbers (responses low…high)."""

    code: str
    name: str
    kind: ScaleKind
    items: tuple[int, ...]
    low: int = 1
    high: int = 4

    @property
    def range(self) -> int:
        return self.high - self.low

    @property
    def needed(self) -> int:
        """Answered items needed: at least half of the scale's items (one for a single item).

        Example:
            >>> [Scale("X", "x", "symptom", tuple(range(n))).needed for n in (1, 2, 3, 4, 5)]
            [1, 1, 2, 2, 3]
        """
        return (len(self.items) + 1) // 2


@dataclass(frozen=True)
class ScaleScore:
    """A scale's 0–100 score (None: too few items answered) and how many of its items were answered."""

    score: float | None
    answered: int


def transform(raw: float, scale: Scale) -> float:
    """The manual's linear transformation of a raw score to 0–100.

    Example:
        >>> transform(2.0, Scale("PF2", "physical", "functional", (1, 2, 3, 4, 5)))
        66.66666666666667
        >>> transform(4.0, Scale("QL2", "global", "global", (29, 30), low=1, high=7))
        50.0
    """
    share = (raw - scale.low) / scale.range
    return (1 - share) * 100 if scale.kind == "functional" else share * 100


def score_scale(responses: Mapping[int, int | None], scale: Scale) -> ScaleScore:
    """Score one scale from item responses (None or absent = not answered); responses must be validated."""
    answered = [v for v in (responses.get(i) for i in scale.items) if v is not None]
    if len(answered) < scale.needed:
        return ScaleScore(None, len(answered))
    return ScaleScore(transform(sum(answered) / len(answered), scale), len(answered))


def score_scales(responses: Mapping[int, int | None], scales: tuple[Scale, ...]) -> dict[str, ScaleScore]:
    """Every scale of an instrument, by code, in the instrument's order."""
    return {s.code: score_scale(responses, s) for s in scales}
