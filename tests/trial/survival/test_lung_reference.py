"""The NCCTG `lung` figures of `shared/reference/trial-operations.md` §4.5 (T1–T6), reproduced.

The reference numbers come from R 4.2.2 / survival 3.5-3; the R call that printed each one is beside it.
lifelines ships the data set (`lifelines.datasets.load_lung`, status 1 = dead, 0 = censored, 228 rows).
Precision: as printed in the note (6 significant digits where it gives them).
"""

from __future__ import annotations

import pytest
from lifelines.datasets import load_lung

from oligoboard.trial.survival.cox import cox_by_group
from oligoboard.trial.survival.data import SurvivalSample, sample_from_values
from oligoboard.trial.survival.followup_time import median_followup
from oligoboard.trial.survival.kaplan_meier import kaplan_meier
from oligoboard.trial.survival.landmark import landmark_survival
from oligoboard.trial.survival.logrank import logrank
from oligoboard.trial.survival.rmst import rmst


@pytest.fixture(scope="module")
def lung() -> SurvivalSample:
    frame = load_lung()
    assert len(frame) == 228  # the docstring's "(288,10)" is wrong (reference §4.4)
    return sample_from_values(
        [float(t) for t in frame["time"]],
        [int(s) for s in frame["status"]],
        [str(int(x)) for x in frame["sex"]],
    )


def test_counts(lung: SurvivalSample) -> None:
    # survfit(Surv(time, status) ~ 1, lung): n 228, events 165
    assert (lung.n, lung.n_events) == (228, 165)


def test_median_with_log_and_log_log_intervals(lung: SurvivalSample) -> None:
    ungrouped = SurvivalSample(lung.durations, lung.events)
    # print(survfit(Surv(time, status) ~ 1, lung)): median 310, 0.95LCL 285, 0.95UCL 363 (conf.type "log")
    assert kaplan_meier(ungrouped, ci_method="log").median.as_dict() == {
        "estimate": 310,
        "lower": 285,
        "upper": 363,
    }
    # survfit(..., conf.type = "log-log"): 310 (284, 361) = lifelines median_survival_times(confidence_interval_)
    assert kaplan_meier(ungrouped).median.as_dict() == {"estimate": 310, "lower": 284, "upper": 361}


@pytest.mark.parametrize(
    ("t", "survival", "log_ci", "log_log_ci", "at_risk", "events"),
    [
        # summary(survfit(Surv(time, status) ~ 1, lung), times = 365.25): 0.409242, CI (log) 0.344722–0.485838,
        # (log-log) 0.338714–0.478381, n.risk 65, cumulative events 121
        (365.25, 0.409242, (0.344722, 0.485838), (0.338714, 0.478381), 65, 121),
        # summary(..., times = 730.5): 0.115693, (log) 0.071632–0.186857, (log-log) 0.067632–0.177825, n.risk 13, 159
        (730.5, 0.115693, (0.071632, 0.186857), (0.067632, 0.177825), 13, 159),
    ],
)
def test_survival_at_one_and_two_years(
    lung: SurvivalSample,
    t: float,
    survival: float,
    log_ci: tuple[float, float],
    log_log_ci: tuple[float, float],
    at_risk: int,
    events: int,
) -> None:
    ungrouped = SurvivalSample(lung.durations, lung.events)
    by_log = kaplan_meier(ungrouped, ci_method="log").survival_at(t)
    by_log_log = kaplan_meier(ungrouped).survival_at(t)
    assert by_log is not None and by_log_log is not None
    assert by_log.survival == pytest.approx(survival, abs=5e-7)
    assert (by_log.lower, by_log.upper) == pytest.approx(log_ci, abs=5e-7)
    assert (by_log_log.lower, by_log_log.upper) == pytest.approx(log_log_ci, abs=5e-7)
    assert (by_log.at_risk, by_log.events_so_far) == (at_risk, events)


def test_three_year_survival_is_not_estimable(lung: SurvivalSample) -> None:
    # summary(..., times = 1095.75) returns nothing: the longest follow-up is 1022 days
    curve = kaplan_meier(SurvivalSample(lung.durations, lung.events))
    landmarks = landmark_survival(curve, unit="days")
    assert [m.years for m in landmarks] == [1, 2, 3]
    assert landmarks[0].at is not None and landmarks[0].at.survival == pytest.approx(0.409242, abs=5e-7)
    assert landmarks[1].at is not None and landmarks[1].at.survival == pytest.approx(0.115693, abs=5e-7)
    assert curve.max_time == 1022 and landmarks[2].at is None


def test_medians_by_sex(lung: SurvivalSample) -> None:
    # print(survfit(Surv(time, status) ~ sex, lung)): male 270 (212, 310), female 426 (348, 550) (log CI)
    male = kaplan_meier(lung.subset("1"), ci_method="log").median
    female = kaplan_meier(lung.subset("2"), ci_method="log").median
    assert male.as_dict() == {"estimate": 270, "lower": 212, "upper": 310}
    assert female.as_dict() == {"estimate": 426, "lower": 348, "upper": 550}


def test_logrank_by_sex(lung: SurvivalSample) -> None:
    # survdiff(Surv(time, status) ~ sex, lung): Chisq 10.326742 on 1 df, p 0.00131116;
    # O/E male 112 / 91.5817, female 53 / 73.4183
    result = logrank(lung)
    assert result.chi2 == pytest.approx(10.326742, abs=5e-7)
    assert result.df == 1
    assert result.p == pytest.approx(0.00131116, abs=5e-9)
    assert [(g.group, g.observed) for g in result.groups] == [("1", 112), ("2", 53)]
    assert [g.expected for g in result.groups] == pytest.approx([91.5817, 73.4183], abs=5e-5)


def test_cox_by_sex_with_efron_ties(lung: SurvivalSample) -> None:
    # coxph(Surv(time, status) ~ sex, lung) (ties = "efron"): coef -0.531024, HR 0.588003, se 0.167179,
    # 95% CI 0.423718–0.815985, p 0.00149, LR test 10.6336
    model = cox_by_group(lung)
    assert model.reference == "1" and model.ties == "efron"
    (female,) = model.hazard_ratios
    assert female.group == "2"
    assert female.coef == pytest.approx(-0.531024, abs=5e-6)  # lifelines and R agree to ~6 d.p. (§4.3)
    assert female.hr == pytest.approx(0.588003, abs=5e-6)
    assert female.se == pytest.approx(0.167179, abs=5e-6)
    assert (female.lower, female.upper) == pytest.approx((0.423718, 0.815985), abs=5e-6)
    assert female.p == pytest.approx(0.00149, abs=5e-6)
    assert model.log_likelihood_ratio == pytest.approx(10.6336, abs=5e-4)
    # Breslow ties would give -0.5303966 (§4.5): the fit is Efron's, not Breslow's
    assert abs(female.coef - (-0.5303966)) > 5e-4


def test_reverse_km_median_follow_up(lung: SurvivalSample) -> None:
    # survfit(Surv(time, 1 - status) ~ 1, lung): median 588 (511, 1010); 63 "events" (censored patients)
    assert median_followup(lung, ci_method="log").as_dict() == {"estimate": 588, "lower": 511, "upper": 1010}
    assert lung.n - lung.n_events == 63


def test_rmst_to_two_years(lung: SurvivalSample) -> None:
    # print(survfit(Surv(time, status) ~ 1, lung), rmean = 730.5): rmean 357.131, se(rmean) 16.2273
    from lifelines import KaplanMeierFitter
    from lifelines.utils import restricted_mean_survival_time

    result = rmst(lung, 730.5)
    assert result.estimate == pytest.approx(357.131, abs=5e-4)
    assert result.se == pytest.approx(16.2273, abs=5e-5)
    fitter = KaplanMeierFitter().fit(list(lung.durations), list(lung.events))
    assert result.estimate == pytest.approx(float(restricted_mean_survival_time(fitter, t=730.5)), rel=1e-9)
