"""Median follow-up by the reverse Kaplan–Meier method (Schemper & Smith, Control Clin Trials 1996).

Why not the median of the observed times: deaths shorten it (`lung`: 255.5 d over all subjects, 284 d among
the censored, 588 d by reverse KM; `shared/reference/trial-operations.md` §4.5, T6). The reverse KM swaps
the indicators (a censoring becomes the "event", a death censors follow-up) and takes that curve's median,
i.e. the potential follow-up had nobody died.
"""

from __future__ import annotations

from oligoboard.trial.survival.data import SurvivalSample
from oligoboard.trial.survival.kaplan_meier import CiMethod, Estimate, KaplanMeier, kaplan_meier


def reverse_kaplan_meier(
    sample: SurvivalSample, *, alpha: float = 0.05, ci_method: CiMethod = "log-log"
) -> KaplanMeier:
    """The Kaplan–Meier curve of the censoring distribution (indicators swapped)."""
    swapped = SurvivalSample(sample.durations, tuple(1 - e for e in sample.events), None)
    return kaplan_meier(swapped, alpha=alpha, ci_method=ci_method, label="follow-up (reverse KM)")


def median_followup(
    sample: SurvivalSample, *, alpha: float = 0.05, ci_method: CiMethod = "log-log"
) -> Estimate:
    """Median potential follow-up with CI (None where not reached), by reverse Kaplan–Meier."""
    return reverse_kaplan_meier(sample, alpha=alpha, ci_method=ci_method).median
