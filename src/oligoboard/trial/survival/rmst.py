"""Restricted mean survival time (RMST) to a horizon τ, and the difference between two groups.

RMST(τ) = ∫₀^τ S(u) du, the area under the Kaplan–Meier step function; its variance is the usual
Greenwood-type sum Σ_{tⱼ ≤ τ} A(tⱼ)² dⱼ / (nⱼ (nⱼ − dⱼ)), A(tⱼ) = ∫_{tⱼ}^τ S(u) du (R's `print(survfit,
rmean = τ)`: `lung`, τ = 730.5 d → 357.131, SE 16.2273, `shared/reference/trial-operations.md` §4.5).
τ must not exceed the longest follow-up time: beyond it the curve is unknown.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from statistics import NormalDist

from oligoboard.errors import InputError, Problem
from oligoboard.trial.survival.data import SurvivalSample
from oligoboard.trial.survival.kaplan_meier import KaplanMeier, kaplan_meier


@dataclass(frozen=True)
class Rmst:
    """RMST to `tau` with its standard error and a normal CI."""

    tau: float
    estimate: float
    se: float
    lower: float
    upper: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)  # the fields, in order, are the JSON keys


@dataclass(frozen=True)
class RmstDifference:
    """RMST of `group` minus RMST of `reference`, SE √(v₁ + v₂), normal CI and two-sided p."""

    group: str
    reference: str
    tau: float
    difference: float
    se: float
    lower: float
    upper: float
    p: float

    def as_dict(self) -> dict[str, object]:
        return asdict(self)  # the fields, in order, are the JSON keys


def rmst_of_curve(curve: KaplanMeier, tau: float, *, alpha: float = 0.05) -> Rmst:
    """RMST to τ from a fitted curve (τ ≤ the longest follow-up, else `InputError` naming `tau`)."""
    if not math.isfinite(tau) or tau <= 0 or tau > curve.max_time:
        raise InputError(
            "tau must be > 0 and not beyond the longest follow-up time",
            [Problem("tau", "outside (0, longest follow-up]", "a time within the follow-up")],
        )
    # pieces of the step function on [0, tau]: (start, end, S)
    pieces = []
    for i, start in enumerate(curve.times):
        if start >= tau:
            break
        end = curve.times[i + 1] if i + 1 < len(curve.times) else tau
        pieces.append((start, min(end, tau), curve.survival[i]))
    area = sum((end - start) * s for start, end, s in pieces)
    variance = 0.0
    for i, t in enumerate(curve.times):
        d, n = curve.events[i], curve.at_risk[i]
        if not d or t > tau or n == d:
            continue
        beyond = sum((end - max(start, t)) * s for start, end, s in pieces if end > t)
        variance += beyond * beyond * d / (n * (n - d))
    se = math.sqrt(variance)
    z = NormalDist().inv_cdf(1 - alpha / 2)
    return Rmst(tau=tau, estimate=area, se=se, lower=area - z * se, upper=area + z * se)


def rmst(sample: SurvivalSample, tau: float, *, alpha: float = 0.05) -> Rmst:
    """RMST to τ of one sample (groups ignored)."""
    return rmst_of_curve(kaplan_meier(SurvivalSample(sample.durations, sample.events)), tau, alpha=alpha)


def rmst_difference(
    sample: SurvivalSample, tau: float, *, reference: str | None = None, alpha: float = 0.05
) -> list[RmstDifference]:
    """Each group's RMST minus the reference group's, to a common τ."""
    from oligoboard.trial.survival.logrank import require_groups

    labels = require_groups(sample, "an RMST difference")
    ref = labels[0] if reference is None else reference
    if ref not in labels:
        raise InputError(
            "the reference group is not in the data", [Problem("reference", "not one of the groups")]
        )
    base = rmst(sample.subset(ref), tau, alpha=alpha)
    z = NormalDist().inv_cdf(1 - alpha / 2)
    out = []
    for label in labels:
        if label == ref:
            continue
        other = rmst(sample.subset(label), tau, alpha=alpha)
        diff = other.estimate - base.estimate
        se = math.sqrt(other.se**2 + base.se**2)
        p = 2 * (1 - NormalDist().cdf(abs(diff) / se)) if se > 0 else math.nan
        out.append(RmstDifference(label, ref, tau, diff, se, diff - z * se, diff + z * se, p))
    return out
