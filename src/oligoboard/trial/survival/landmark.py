"""Landmark survival: S(t) read at 1, 2 and 3 years (the seed protocols' "OS at 2 and 3 years").

NCT01282450 (seed 000) names overall survival "two years after entering the study" and "three years after
entering the study" as its primary endpoints; this reads the Kaplan–Meier step function at those times.
A year is 365.25 days or 12 months (R tutorials read `lung` at 365.25 and 730.5 days,
`shared/reference/trial-operations.md` §4.2). Beyond the longest follow-up the value is None: `lung` has
no 3-year estimate (longest time 1022 d < 1095.75 d).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from oligoboard.trial.survival.kaplan_meier import KaplanMeier, SurvivalAt

TimeUnit = Literal["days", "weeks", "months", "years"]
#: Length of one year in each unit (Julian year: 365.25 days, 12 months).
YEAR_IN: dict[str, float] = {"days": 365.25, "weeks": 365.25 / 7, "months": 12.0, "years": 1.0}


@dataclass(frozen=True)
class Landmark:
    """S at `years` years (`at` None: not estimable, beyond the longest follow-up)."""

    years: float
    time: float
    at: SurvivalAt | None

    def as_dict(self) -> dict[str, object]:
        return {
            "years": self.years,
            "time": self.time,
            "survival": None if self.at is None else self.at.as_dict(),
        }


def landmark_survival(
    curve: KaplanMeier, *, unit: TimeUnit, years: Sequence[float] = (1, 2, 3)
) -> list[Landmark]:
    """S(t) with CI at each landmark year, in the curve's time unit."""
    out = []
    for y in years:
        t = y * YEAR_IN[unit]
        out.append(Landmark(years=y, time=t, at=curve.survival_at(t)))
    return out
