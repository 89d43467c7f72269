"""The 10-patient toy data with tied event/censor times (`shared/reference/trial-operations.md` §4.6, T7).

time 2, 3, 3, 5, 6, 8, 9, 12, 12, 15; status 1, 1, 0, 1, 0, 1, 1, 0, 1, 0; arm 1, 2, 1, 2, …
Figures from R 4.2.2 / survival 3.5-3: `summary(survfit(Surv(time, status) ~ 1, conf.type = …))`.
"""

from __future__ import annotations

import pytest

from oligoboard.trial.survival.cox import cox_by_group
from oligoboard.trial.survival.data import SurvivalSample, sample_from_values
from oligoboard.trial.survival.followup_time import median_followup
from oligoboard.trial.survival.kaplan_meier import greenwood_sums, kaplan_meier
from oligoboard.trial.survival.logrank import logrank

TIMES = [2.0, 3, 3, 5, 6, 8, 9, 12, 12, 15]
STATUS = [1, 1, 0, 1, 0, 1, 1, 0, 1, 0]
ARMS = ["1", "2"] * 5
TOY = sample_from_values(TIMES, STATUS, ARMS)
ALL = SurvivalSample(TOY.durations, TOY.events)

# time, n.risk, n.event, survival, std.err, log CI, log-log CI (R, §4.6)
TABLE = [
    (2, 10, 1, 0.900000, 0.094868, (0.732012, 1), (0.473009, 0.985281)),
    (3, 9, 1, 0.800000, 0.126491, (0.586818, 1), (0.408691, 0.945873)),
    (5, 7, 1, 0.685714, 0.151494, (0.444722, 1), (0.304585, 0.887148)),
    (8, 5, 1, 0.548571, 0.172438, (0.296256, 1), (0.187256, 0.806377)),
    (9, 4, 1, 0.411429, 0.175590, (0.178245, 0.949668), (0.102511, 0.707313)),
    (12, 3, 1, 0.274286, 0.161993, (0.086195, 0.872818), (0.042200, 0.589399)),
]


@pytest.mark.parametrize(("t", "n_risk", "d", "s", "se", "log_ci", "log_log_ci"), TABLE)
def test_km_table_row(
    t: float,
    n_risk: int,
    d: int,
    s: float,
    se: float,
    log_ci: tuple[float, float],
    log_log_ci: tuple[float, float],
) -> None:
    log_curve = kaplan_meier(ALL, ci_method="log")
    i = log_curve.times.index(t)
    assert (log_curve.at_risk[i], log_curve.events[i]) == (n_risk, d)  # events before censorings at a tie
    assert log_curve.survival[i] == pytest.approx(s, abs=5e-7)
    greenwood = greenwood_sums(log_curve.at_risk, log_curve.events)[i]
    assert log_curve.survival[i] * greenwood**0.5 == pytest.approx(se, abs=5e-7)  # SE(S) = S·√Σ (Greenwood)
    assert (log_curve.lower[i], log_curve.upper[i]) == pytest.approx(log_ci, abs=5e-7)
    log_log = kaplan_meier(ALL)
    assert (log_log.lower[i], log_log.upper[i]) == pytest.approx(log_log_ci, abs=5e-7)


def test_median_and_its_limits() -> None:
    # Median 9; CI (log) 5–NA, (log-log) 2–NA
    assert kaplan_meier(ALL, ci_method="log").median.as_dict() == {"estimate": 9, "lower": 5, "upper": None}
    assert kaplan_meier(ALL).median.as_dict() == {"estimate": 9, "lower": 2, "upper": None}


def test_logrank_and_cox_by_arm() -> None:
    # survdiff: chisq 0.106573, O/E arm 1 3/2.61, arm 2 3/3.39; coxph: HR 0.765150, coef -0.267683, se 0.822318
    test = logrank(TOY)
    assert test.chi2 == pytest.approx(0.106573, abs=5e-7)
    assert [(g.observed, round(g.expected, 2)) for g in test.groups] == [(3, 2.61), (3, 3.39)]
    (arm2,) = cox_by_group(TOY).hazard_ratios
    assert arm2.hr == pytest.approx(0.765150, abs=5e-6)
    assert arm2.coef == pytest.approx(-0.267683, abs=5e-6)
    assert arm2.se == pytest.approx(0.822318, abs=5e-6)


def test_reverse_km_follow_up() -> None:
    # Reverse-KM median follow-up 12 (6, NA): the upper band is undefined where S reaches 0
    assert median_followup(ALL, ci_method="log").as_dict() == {"estimate": 12, "lower": 6, "upper": None}


def test_median_at_an_exact_half_is_the_first_time() -> None:
    """lifelines' rule, not R's midpoint (§4.7, T8: 52.0 vs R's 52.5 when S = 0.5 exactly on [52, 53))."""
    sample = sample_from_values([1.0, 2, 3, 4], [1, 1, 1, 1])  # S = 0.5 on [2, 3)
    assert kaplan_meier(sample).median.estimate == 2
