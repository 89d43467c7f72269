"""Log-rank test between groups (lifelines `multivariate_logrank_test`; rho = 0 of R's `survdiff`).

χ² = U'V⁻¹U on k − 1 degrees of freedom; for two groups U = Σ (d₁ⱼ − E₁ⱼ), E₁ⱼ = dⱼ n₁ⱼ / nⱼ
(`shared/reference/trial-operations.md` §4.3: `lung` by sex χ² 10.326742, p 0.00131116). Observed and
expected events per group are computed here from the same risk sets, for the O/E table R prints.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from oligoboard.errors import InputError, Problem
from oligoboard.trial.survival.data import SurvivalSample


@dataclass(frozen=True)
class GroupEvents:
    """Observed and expected (under no difference) events of one group."""

    group: str
    n: int
    observed: int
    expected: float

    def as_dict(self) -> dict[str, object]:
        return asdict(self)  # the fields, in order, are the JSON keys


@dataclass(frozen=True)
class LogRank:
    """The test statistic, its degrees of freedom and p value, with O/E per group."""

    chi2: float
    df: int
    p: float
    groups: tuple[GroupEvents, ...]

    def as_dict(self) -> dict[str, object]:
        return {"chi2": self.chi2, "df": self.df, "p": self.p, "groups": [g.as_dict() for g in self.groups]}


def require_groups(sample: SurvivalSample, what: str) -> list[str]:
    """The group labels, refusing a sample without at least two groups (a comparison needs two)."""
    labels = sample.group_labels()
    if len(labels) < 2:
        raise InputError(
            f"{what} needs at least two groups",
            [Problem("group", "fewer than two groups", "a group column with two or more values")],
        )
    return labels


def logrank(sample: SurvivalSample) -> LogRank:
    """The log-rank test across the sample's groups."""
    from lifelines.statistics import multivariate_logrank_test

    labels = require_groups(sample, "the log-rank test")
    assert sample.groups is not None
    result = multivariate_logrank_test(list(sample.durations), list(sample.groups), list(sample.events))
    expected = _expected_events(sample, labels)
    groups = tuple(
        GroupEvents(
            group=label,
            n=sum(1 for g in sample.groups if g == label),
            observed=sum(e for g, e in zip(sample.groups, sample.events, strict=True) if g == label),
            expected=expected[label],
        )
        for label in labels
    )
    return LogRank(
        chi2=float(result.test_statistic),
        df=int(result.degrees_of_freedom),
        p=float(result.p_value),
        groups=groups,
    )


def _expected_events(sample: SurvivalSample, labels: list[str]) -> dict[str, float]:
    assert sample.groups is not None
    expected = dict.fromkeys(labels, 0.0)
    event_times = sorted({t for t, e in zip(sample.durations, sample.events, strict=True) if e})
    for t in event_times:
        at_risk = [g for d, g in zip(sample.durations, sample.groups, strict=True) if d >= t]
        deaths = sum(1 for d, e in zip(sample.durations, sample.events, strict=True) if e and d == t)
        for label in labels:
            expected[label] += deaths * at_risk.count(label) / len(at_risk)
    return expected
