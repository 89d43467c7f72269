"""One survival analysis as a plain JSON dict: what `oligoboard survival --json` prints and the web shows.

Per group (and overall): n, events, median with CI, S(t) at the requested times, RMST to τ when asked;
between groups: the log-rank test and the Cox hazard ratios (Efron ties); plus the median follow-up by
reverse Kaplan–Meier and the CI method in words, so no number is shown without how it was made.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, TypedDict

from oligoboard.trial.survival.cox import TIES, cox_by_group
from oligoboard.trial.survival.data import SurvivalSample
from oligoboard.trial.survival.followup_time import median_followup
from oligoboard.trial.survival.kaplan_meier import CI_METHOD_TEXT, CiMethod, KaplanMeier, kaplan_meier
from oligoboard.trial.survival.landmark import TimeUnit, landmark_survival
from oligoboard.trial.survival.logrank import logrank
from oligoboard.trial.survival.rmst import rmst_difference, rmst_of_curve


class Limits(TypedDict):
    estimate: float | None
    lower: float | None
    upper: float | None


class CurveSummary(TypedDict):
    """One Kaplan–Meier curve's figures (`survival_at` entries are None beyond the longest follow-up)."""

    group: str | None
    n: int
    events: int
    median: Limits
    survival_at: list[dict[str, object]]
    rmst: dict[str, float] | None
    landmarks: list[dict[str, object]] | None


class SurvivalSummary(TypedDict):
    n: int
    events: int
    ci_level: float
    ci_method: str
    median_rule: str
    median_followup: Limits
    overall: CurveSummary
    groups: list[CurveSummary]
    logrank: dict[str, object] | None
    cox: dict[str, object] | None
    rmst_difference: list[dict[str, object]] | None
    notes: list[str]


MEDIAN_RULE = "first time S(t) <= 0.5 (limits: first time the lower/upper band <= 0.5); null = not reached"


def curves(
    sample: SurvivalSample, *, alpha: float = 0.05, ci_method: CiMethod = "log-log"
) -> list[KaplanMeier]:
    """One curve per group (in `group_labels()` order), or the single overall curve without groups."""
    if sample.groups is None:
        return [kaplan_meier(sample, alpha=alpha, ci_method=ci_method, label=None)]
    return [
        kaplan_meier(sample.subset(label), alpha=alpha, ci_method=ci_method, label=label)
        for label in sample.group_labels()
    ]


def summarise(
    sample: SurvivalSample,
    *,
    at: Sequence[float] = (),
    tau: float | None = None,
    alpha: float = 0.05,
    ci_method: CiMethod = "log-log",
    reference: str | None = None,
    unit: TimeUnit | None = None,
) -> SurvivalSummary:
    """The whole analysis of one endpoint; comparisons only when the sample has two or more groups.

    `unit` (the data's time unit) adds landmark survival at 1, 2 and 3 years per curve. A Cox model is
    not fitted when a group has no events (monotone likelihood: the HR would be 0 or infinite); `notes`
    says so. Non-finite numbers never reach the JSON (they become null).
    """
    overall = kaplan_meier(SurvivalSample(sample.durations, sample.events), alpha=alpha, ci_method=ci_method)
    grouped = sample.groups is not None and len(sample.group_labels()) >= 2
    per_group = curves(sample, alpha=alpha, ci_method=ci_method) if sample.groups is not None else []
    follow = median_followup(sample, alpha=alpha, ci_method=ci_method)
    notes: list[str] = []
    eventless = [c.label for c in per_group if c.n_events == 0]
    fit_cox = grouped and not eventless
    if grouped and eventless:
        notes.append("Cox model not fitted: a group has no events (hazard ratio not estimable)")
    summary: SurvivalSummary = {
        "n": sample.n,
        "events": sample.n_events,
        "ci_level": 1 - alpha,
        "ci_method": CI_METHOD_TEXT[ci_method],
        "median_rule": MEDIAN_RULE,
        "median_followup": _limits(follow.estimate, follow.lower, follow.upper),
        "overall": _curve(overall, at, tau, alpha, unit),
        "groups": [_curve(c, at, tau, alpha, unit) for c in per_group],
        "logrank": logrank(sample).as_dict() if grouped else None,
        "cox": cox_by_group(sample, reference=reference, alpha=alpha).as_dict() if fit_cox else None,
        "rmst_difference": (
            [d.as_dict() for d in rmst_difference(sample, tau, reference=reference, alpha=alpha)]
            if grouped and tau is not None
            else None
        ),
        "notes": notes,
    }
    return _finite(summary)  # type: ignore[no-any-return]


def _finite(value: Any) -> Any:
    """The same structure with every non-finite float replaced by None (JSON has no Infinity or NaN)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _limits(estimate: float | None, lower: float | None, upper: float | None) -> Limits:
    return {"estimate": estimate, "lower": lower, "upper": upper}


def _curve(
    curve: KaplanMeier, at: Sequence[float], tau: float | None, alpha: float, unit: TimeUnit | None
) -> CurveSummary:
    median = curve.median
    points: list[dict[str, object]] = []
    for t in at:
        found = curve.survival_at(t)
        points.append({"time": t, "estimable": found is not None, **(found.as_dict() if found else {})})
    return {
        "group": curve.label,
        "n": curve.n,
        "events": curve.n_events,
        "median": _limits(median.estimate, median.lower, median.upper),
        "survival_at": points,
        "rmst": rmst_of_curve(curve, tau, alpha=alpha).as_dict() if tau is not None else None,
        "landmarks": [m.as_dict() for m in landmark_survival(curve, unit=unit)] if unit is not None else None,
    }


__all__ = ["TIES", "CurveSummary", "SurvivalSummary", "curves", "summarise"]
