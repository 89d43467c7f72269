"""Properties every Kaplan–Meier fit must have, on random synthetic samples (hypothesis)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oligoboard.errors import InputError
from oligoboard.trial.survival.data import sample_from_values
from oligoboard.trial.survival.kaplan_meier import kaplan_meier

SAMPLES = st.lists(
    st.tuples(st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=1)),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(SAMPLES, st.sampled_from(["log-log", "log"]))
def test_curve_is_a_survival_function_inside_its_band(rows: list[tuple[int, int]], method: str) -> None:
    sample = sample_from_values([float(t) for t, _ in rows], [e for _, e in rows])
    curve = kaplan_meier(sample, ci_method=method)  # type: ignore[arg-type]
    assert curve.survival[0] <= 1.0 and all(0.0 <= s <= 1.0 for s in curve.survival)
    assert all(a >= b for a, b in zip(curve.survival, curve.survival[1:], strict=False))  # never rises
    for s, lo, hi in zip(curve.survival, curve.lower, curve.upper, strict=True):
        if s > 0:
            assert lo - 1e-12 <= s <= hi + 1e-12
    assert sum(curve.events) == sample.n_events and sum(curve.censored) == sample.n - sample.n_events
    median = curve.median
    if median.estimate is not None and median.lower is not None:
        assert median.lower <= median.estimate
    if median.estimate is not None and median.upper is not None:
        assert median.estimate <= median.upper


def test_numpy_values_are_accepted_and_bad_ones_named() -> None:
    times: list[Any] = [np.float64(1.0), 2, np.float64(3.0)]  # a pandas column hands over NumPy scalars
    flags: list[Any] = [np.int64(1), 0, np.int64(1)]
    sample = sample_from_values(times, flags)
    assert sample.durations == (1.0, 2.0, 3.0) and sample.events == (1, 0, 1)
    with pytest.raises(InputError) as info:
        sample_from_values([1.0, float("nan"), -1.0], [1, 2, True])
    rendered = info.value.render()
    assert "durations[1]" in rendered and "durations[2]" in rendered and "events[1]" in rendered
