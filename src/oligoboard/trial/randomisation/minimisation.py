"""Pocock–Simon minimisation (Biometrics 1975) with factor weights and a biased-coin probability.

For each candidate arm t the patient is added hypothetically; at each of the patient's factor levels the
imbalance of the arm counts is measured (range: max − min, which is |D| for two arms; or the population
variance), and G_t = Σ w_i · imbalance_i (trial-operations.md §3.3). The arm with the smallest G is chosen
with probability p, another arm with 1 − p (shared equally); when every G is equal the arms are equally
likely. The uniform draw `u` comes from the caller (an HMAC of the server-side secret and the sequence
number in the workspace), and every G and `u` is logged, so each allocation can be re-derived.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

Imbalance = Literal["range", "variance"]
#: counts[factor][level][arm] = patients already allocated to `arm` with that level of `factor`
Counts = Mapping[str, Mapping[str, Mapping[str, int]]]


@dataclass(frozen=True)
class MinimisationDraw:
    arm: str
    imbalance: dict[str, float]  # G per candidate arm
    preferred: tuple[str, ...]  # arms with the smallest G
    u: float


def _measure(values: Sequence[int], kind: Imbalance) -> float:
    if kind == "range":
        return float(max(values) - min(values))
    mean = sum(values) / len(values)
    return sum((v - mean) ** 2 for v in values) / len(values)


def imbalance_scores(
    counts: Counts,
    levels: Mapping[str, str],
    weights: Mapping[str, float],
    arms: Sequence[str],
    kind: Imbalance = "range",
) -> dict[str, float]:
    """G_t for every arm t: the weighted imbalance at the patient's levels if the patient went to t."""
    scores: dict[str, float] = {}
    for candidate in arms:
        total = 0.0
        for factor, level in levels.items():
            at_level = counts.get(factor, {}).get(level, {})
            values = [at_level.get(arm, 0) + (1 if arm == candidate else 0) for arm in arms]
            total += weights.get(factor, 1.0) * _measure(values, kind)
        scores[candidate] = total
    return scores


def choose(
    counts: Counts,
    levels: Mapping[str, str],
    weights: Mapping[str, float],
    arms: Sequence[str],
    probability: float,
    u: float,
    kind: Imbalance = "range",
) -> MinimisationDraw:
    """The arm for one patient given `u` uniform in [0, 1)."""
    if not 0 <= u < 1:
        raise ValueError("u must be in [0, 1)")
    scores = imbalance_scores(counts, levels, weights, arms, kind)
    best = min(scores.values())
    preferred = tuple(a for a in arms if scores[a] == best)
    others = tuple(a for a in arms if scores[a] != best)
    if not others:  # all tied: equal chances
        arm = arms[min(int(u * len(arms)), len(arms) - 1)]
    elif u < probability:
        arm = preferred[min(int(u / probability * len(preferred)), len(preferred) - 1)]
    else:
        rest = (u - probability) / (1 - probability)
        arm = others[min(int(rest * len(others)), len(others) - 1)]
    return MinimisationDraw(arm, scores, preferred, u)


def add(counts: dict[str, dict[str, dict[str, int]]], levels: Mapping[str, str], arm: str) -> None:
    """Count one allocated patient in place."""
    for factor, level in levels.items():
        at_level = counts.setdefault(factor, {}).setdefault(level, {})
        at_level[arm] = at_level.get(arm, 0) + 1
