"""KM plots: PNG and SVG bytes, deterministic SVG, the number-at-risk table, literal labels."""

from __future__ import annotations

from oligoboard.report.trial.km_plot import render_km_plot, risk_table_times
from oligoboard.trial.survival.data import sample_from_values
from oligoboard.trial.survival.summary import curves

SAMPLE = sample_from_values(
    [2.0, 3, 3, 5, 6, 8, 9, 12, 12, 15, 4, 7, 11, 14, 16],
    [1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1, 1, 0],
    ["A $x$", "B\x1b[2J"] * 7 + ["A $x$"],
)


def test_png_and_svg() -> None:
    fitted = curves(SAMPLE)
    assert render_km_plot(fitted, fmt="png").startswith(b"\x89PNG\r\n\x1a\n")
    svg = render_km_plot(fitted, fmt="svg", title="OS by arm", time_label="Months")
    assert svg == render_km_plot(fitted, fmt="svg", title="OS by arm", time_label="Months")  # deterministic
    text = svg.decode("utf-8")
    assert "Number at risk" in text and "Months" in text and "log(-log)" in text


def test_labels_are_drawn_literally() -> None:
    text = render_km_plot(curves(SAMPLE), fmt="svg").decode("utf-8")
    assert "A $x$" in text  # no mathtext
    assert "\x1b" not in text and "\\x1b[2J" in text  # control characters shown as escapes


def test_risk_table_counts_subjects_still_under_observation() -> None:
    (a, b) = curves(SAMPLE)
    times = risk_table_times([a, b])
    assert times[0] == 0 and times[-1] <= 16
    assert a.at_risk_at(0) == a.n and a.at_risk_at(12) == sum(1 for d in a.durations if d >= 12)
