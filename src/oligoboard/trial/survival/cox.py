"""Cox proportional-hazards model by group (arm), Efron's method for tied times.

lifelines' `CoxPHFitter` handles ties by Efron's method (R `coxph`'s default too; the two agree to 6 d.p. on
`lung`, `shared/reference/trial-operations.md` §4.3/§4.5: HR female vs male 0.588003, CI
0.423718–0.815985). The group is dummy-coded against a reference group (the first in `group_labels()`
order unless named), so each other group gets HR = exp(β) versus the reference, with a Wald CI and p.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from oligoboard.errors import InputError, Problem
from oligoboard.trial.survival.data import SurvivalSample
from oligoboard.trial.survival.logrank import require_groups

TIES = "efron"


@dataclass(frozen=True)
class HazardRatio:
    """One group against the reference: β, its SE, HR = exp(β) with Wald CI and p."""

    group: str
    coef: float
    se: float
    hr: float
    lower: float
    upper: float
    p: float

    def as_dict(self) -> dict[str, object]:
        return asdict(self)  # the fields, in order, are the JSON keys


@dataclass(frozen=True)
class CoxByGroup:
    """Hazard ratios of each group versus `reference`, with the likelihood-ratio test of the model."""

    reference: str
    ties: str
    alpha: float
    hazard_ratios: tuple[HazardRatio, ...]
    log_likelihood_ratio: float
    n: int
    n_events: int

    def as_dict(self) -> dict[str, object]:
        return {
            "reference": self.reference,
            "ties": self.ties,
            "ci_level": 1 - self.alpha,
            "hazard_ratios": [h.as_dict() for h in self.hazard_ratios],
            "likelihood_ratio_chi2": self.log_likelihood_ratio,
            "n": self.n,
            "events": self.n_events,
        }


def cox_by_group(sample: SurvivalSample, *, reference: str | None = None, alpha: float = 0.05) -> CoxByGroup:
    """Fit `time ~ group` (Efron ties) and return each group's hazard ratio versus the reference."""
    import pandas as pd
    from lifelines import CoxPHFitter

    labels = require_groups(sample, "the Cox model")
    assert sample.groups is not None
    if reference is None:
        reference = labels[0]
    elif reference not in labels:
        raise InputError(
            "the reference group is not in the data",
            [Problem("reference", "not one of the groups", "a value of the group column")],
        )
    others = [label for label in labels if label != reference]
    columns = {f"g{i}": [1.0 if g == label else 0.0 for g in sample.groups] for i, label in enumerate(others)}
    frame = pd.DataFrame({"T": list(sample.durations), "E": list(sample.events), **columns})
    fitter = CoxPHFitter(alpha=alpha)
    fitter.fit(frame, duration_col="T", event_col="E")
    summary = fitter.summary
    lr = fitter.log_likelihood_ratio_test()
    ratios = []
    for i, label in enumerate(others):
        row = summary.loc[f"g{i}"]
        coef = float(row["coef"])
        se = float(row["se(coef)"])
        ratios.append(
            HazardRatio(
                group=label,
                coef=coef,
                se=se,
                hr=math.exp(coef),
                lower=float(row[f"exp(coef) lower {round((1 - alpha) * 100)}%"]),
                upper=float(row[f"exp(coef) upper {round((1 - alpha) * 100)}%"]),
                p=float(row["p"]),
            )
        )
    return CoxByGroup(
        reference=reference,
        ties=TIES,
        alpha=alpha,
        hazard_ratios=tuple(ratios),
        log_likelihood_ratio=float(lr.test_statistic),
        n=sample.n,
        n_events=sample.n_events,
    )
