"""Kaplan–Meier estimate with pointwise confidence intervals, the median with its CI, and S(t).

CI method (say it wherever a CI is shown): by default lifelines' **exponential Greenwood** interval, the
"log(-log)" transform (`conf.type = "log-log"` in R; SAS LIFETEST's default since 9.2):
S^exp(± z·√Σ / log S) with Σ = Σ d_j / (n_j (n_j − d_j)) over event times ≤ t (Greenwood).
`ci_method="log"` gives R survival's default instead, S·exp(± z·√Σ) capped at 1, computed here from the
same Greenwood sum (lifelines has no log interval), so R figures can be reproduced
(`shared/reference/trial-operations.md` §4.2, T1–T3).

Median (and its CI): the first time S(t) ≤ 0.5 (for the limits: the first time the lower / upper band
≤ 0.5, where the band is defined, i.e. S > 0), lifelines' rule; None when never reached ("not reached"). R instead averages the two ends when S is
exactly 0.5 over an interval (§4.7, T8: 52.5 in R, 52.0 here). S(t) beyond the longest follow-up time is
None (not estimable), as R's `summary(fit, times = t)` without `extend`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from statistics import NormalDist
from typing import Literal

from oligoboard.errors import InputError, Problem
from oligoboard.trial.survival.data import SurvivalSample

CiMethod = Literal["log-log", "log"]
#: How the interval is described in JSON, tables and plot captions.
CI_METHOD_TEXT: dict[str, str] = {
    "log-log": "exponential Greenwood (log(-log) transform), lifelines default",
    "log": "Greenwood on the log scale (R survival default conf.type='log')",
}
#: S(t) within this of 0.5 counts as 0.5 (a product of fractions is rarely exact in floating point).
_HALF_TOLERANCE = 1e-10


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its confidence limits; a limit is None when it is not reached."""

    estimate: float | None
    lower: float | None
    upper: float | None

    def as_dict(self) -> dict[str, float | None]:
        return asdict(self)  # the fields, in order, are the JSON keys


@dataclass(frozen=True)
class SurvivalAt:
    """S(t) with its CI, the number still at risk at t (duration ≥ t) and the events up to t."""

    time: float
    survival: float
    lower: float
    upper: float
    at_risk: int
    events_so_far: int

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)  # the fields, in order, are the JSON keys


@dataclass(frozen=True)
class KaplanMeier:
    """A fitted Kaplan–Meier curve as plain numbers (step function, right-continuous).

    `times` starts at 0 and lists every distinct observed time; `survival[i]` holds on
    [times[i], times[i+1]). `at_risk[i]`, `events[i]`, `censored[i]` are the counts at `times[i]`.
    """

    label: str | None
    times: tuple[float, ...]
    survival: tuple[float, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    at_risk: tuple[int, ...]
    events: tuple[int, ...]
    censored: tuple[int, ...]
    durations: tuple[float, ...]
    n: int
    n_events: int
    alpha: float
    ci_method: CiMethod

    @property
    def max_time(self) -> float:
        """The longest follow-up time (event or censoring): S(t) is not estimable beyond it."""
        return max(self.durations) if self.durations else 0.0

    @property
    def ci_text(self) -> str:
        return f"{round((1 - self.alpha) * 100)}% CI, {CI_METHOD_TEXT[self.ci_method]}"

    @property
    def median(self) -> Estimate:
        """Median survival with CI (first time S, lower band, upper band ≤ 0.5; None = not reached)."""
        return self.quantile(0.5)

    def quantile(self, p: float) -> Estimate:
        """The time by which a fraction `p` has had the event: first t with S(t) ≤ 1 − p (and its CI)."""
        level = 1.0 - p
        # where S = 0 the Greenwood variance is infinite and the band undefined (R: NA), so a band
        # reaching 0.5 only there gives no limit (toy data T7: reverse-KM median 12 (6, NA))
        defined = [s > 0 for s in self.survival]
        return Estimate(
            _first_time_at_or_below(self.times, self.survival, level),
            _first_time_at_or_below(self.times, self.lower, level, defined),
            _first_time_at_or_below(self.times, self.upper, level, defined),
        )

    def at_risk_at(self, t: float) -> int:
        """Subjects still under observation at t (duration ≥ t), as in a number-at-risk table."""
        return sum(1 for d in self.durations if d >= t)

    def survival_at(self, t: float) -> SurvivalAt | None:
        """S(t) with CI, or None when t is beyond the longest follow-up (not estimable)."""
        if t < 0 or not math.isfinite(t):
            raise InputError(
                "survival time point must be a number ≥ 0", [Problem("at", "not a time ≥ 0", "a number ≥ 0")]
            )
        if t > self.max_time:
            return None
        i = _last_index_at_or_before(self.times, t)
        return SurvivalAt(
            time=t,
            survival=self.survival[i],
            lower=self.lower[i],
            upper=self.upper[i],
            at_risk=self.at_risk_at(t),
            events_so_far=sum(self.events[: i + 1]),
        )


def kaplan_meier(
    sample: SurvivalSample,
    *,
    alpha: float = 0.05,
    ci_method: CiMethod = "log-log",
    label: str | None = None,
) -> KaplanMeier:
    """Fit the Kaplan–Meier estimator with lifelines' `KaplanMeierFitter` (events before censorings at a
    tied time, as R does) and return its curve, Greenwood CIs, counts and the durations themselves
    (a reverse KM and the number-at-risk table need them)."""
    import numpy as np
    from lifelines import KaplanMeierFitter

    if not 0 < alpha < 1:
        raise ValueError("alpha must be in (0, 1)")
    fitter = KaplanMeierFitter(alpha=alpha)
    fitter.fit(list(sample.durations), event_observed=list(sample.events))
    times = [float(x) for x in np.asarray(fitter.survival_function_.index, dtype=float)]
    survival = [float(x) for x in np.asarray(fitter.survival_function_.iloc[:, 0], dtype=float)]
    table = fitter.event_table.reindex(times)
    at_risk = [int(x) for x in np.asarray(table["at_risk"], dtype=int)]
    observed = [int(x) for x in np.asarray(table["observed"], dtype=int)]
    censored = [int(x) for x in np.asarray(table["censored"], dtype=int)]
    if ci_method == "log-log":
        lower = [float(x) for x in np.asarray(fitter.confidence_interval_.iloc[:, 0], dtype=float)]
        upper = [float(x) for x in np.asarray(fitter.confidence_interval_.iloc[:, 1], dtype=float)]
    elif ci_method == "log":
        lower, upper = _log_interval(survival, at_risk, observed, alpha)
    else:
        raise ValueError(f"unknown ci_method {ci_method!r}")
    return KaplanMeier(
        label=label,
        times=tuple(times),
        survival=tuple(survival),
        lower=tuple(lower),
        upper=tuple(upper),
        at_risk=tuple(at_risk),
        events=tuple(observed),
        censored=tuple(censored),
        durations=sample.durations,
        n=sample.n,
        n_events=sample.n_events,
        alpha=alpha,
        ci_method=ci_method,
    )


def greenwood_sums(at_risk: Sequence[int], events: Sequence[int]) -> list[float]:
    """Cumulative Greenwood sums Σ d/(n(n − d)) (the variance of log S); inf once S reaches 0.

    Example:
        >>> [round(x, 6) for x in greenwood_sums([10, 9], [1, 1])]
        [0.011111, 0.025]
    """
    out: list[float] = []
    total = 0.0
    for n, d in zip(at_risk, events, strict=True):
        if d:
            total = math.inf if n == d else total + d / (n * (n - d))
        out.append(total)
    return out


def _log_interval(
    survival: Sequence[float], at_risk: Sequence[int], events: Sequence[int], alpha: float
) -> tuple[list[float], list[float]]:
    z = NormalDist().inv_cdf(1 - alpha / 2)
    lower: list[float] = []
    upper: list[float] = []
    for s, v in zip(survival, greenwood_sums(at_risk, events), strict=True):
        if s <= 0 or math.isinf(v):
            lower.append(0.0)
            upper.append(0.0)
            continue
        half = z * math.sqrt(v)
        lower.append(s * math.exp(-half))
        upper.append(min(1.0, s * math.exp(half)))
    return lower, upper


def _first_time_at_or_below(
    times: Sequence[float], values: Sequence[float], level: float, defined: Sequence[bool] | None = None
) -> float | None:
    for i, (t, v) in enumerate(zip(times, values, strict=True)):
        if (defined is None or defined[i]) and v <= level + _HALF_TOLERANCE:
            return t
    return None


def _last_index_at_or_before(times: Sequence[float], t: float) -> int:
    import bisect

    return max(0, bisect.bisect_right(times, t) - 1)
