"""Kaplan–Meier plot: step curves with shaded CI bands, censoring ticks and a number-at-risk table.

The conventions of a trial report (CONSORT/Pocock et al. Lancet 2002 "survival plots"): the y axis from 0
to 1, censorings marked, the number at risk under the x axis at the tick times, the CI method named in the
caption (`trial/survival/kaplan_meier.CI_METHOD_TEXT`), one colour per arm with a legend.
"""

from __future__ import annotations

from collections.abc import Sequence

from oligoboard.report.trial._figure import COLOURS, ImageFormat, figure_bytes, new_figure, plot_text
from oligoboard.trial.survival.kaplan_meier import KaplanMeier


def risk_table_times(curves: Sequence[KaplanMeier], ticks: int = 6) -> list[float]:
    """Evenly spaced "nice" times from 0 to the longest follow-up (the x ticks and the at-risk columns)."""
    from matplotlib.ticker import MaxNLocator

    longest = max((c.max_time for c in curves), default=0.0)
    if longest <= 0:
        return [0.0]
    locator = MaxNLocator(nbins=ticks, steps=[1, 2, 2.5, 3, 5, 6, 10])
    return [float(t) for t in locator.tick_values(0, longest) if 0 <= t <= longest]


def render_km_plot(
    curves: Sequence[KaplanMeier],
    *,
    fmt: ImageFormat = "png",
    title: str | None = None,
    time_label: str = "Time",
    y_label: str = "Survival probability",
    at_risk_times: Sequence[float] | None = None,
    ci_bands: bool = True,
) -> bytes:
    """PNG or SVG bytes of the curves (one per arm, labels from `KaplanMeier.label`).

    `at_risk_times`: the columns of the number-at-risk table (default: the x ticks from 0 to the longest
    follow-up). Labels and titles are drawn literally (no mathtext, control characters escaped).
    """
    if not curves:
        raise ValueError("no curves to plot")
    times = list(at_risk_times) if at_risk_times is not None else risk_table_times(curves)
    rows = len(curves)
    figure = new_figure(7.5, 4.6 + 0.28 * rows)
    table_share = (0.55 + 0.28 * rows) / (4.6 + 0.28 * rows)
    grid = figure.add_gridspec(2, 1, height_ratios=[1 - table_share, table_share], hspace=0.0)
    axes = figure.add_subplot(grid[0])
    table = figure.add_subplot(grid[1], sharex=axes)
    longest = max(c.max_time for c in curves)
    for index, curve in enumerate(curves):
        colour = COLOURS[index % len(COLOURS)]
        label = plot_text(curve.label) if curve.label is not None else "All patients"
        xs = [*curve.times, curve.max_time]  # the last step drawn to the longest follow-up
        ys = [*curve.survival, curve.survival[-1]]
        axes.step(xs, ys, where="post", color=colour, linewidth=1.6, label=f"{label} (n={curve.n})")
        if ci_bands:
            lows = [*curve.lower, curve.lower[-1]]
            highs = [*curve.upper, curve.upper[-1]]
            axes.fill_between(xs, lows, highs, step="post", color=colour, alpha=0.15, linewidth=0)
        marks = [(t, s) for t, s, c in zip(curve.times, curve.survival, curve.censored, strict=True) if c]
        if marks:
            axes.plot([t for t, _ in marks], [s for _, s in marks], "|", color=colour, markersize=7)
    axes.set_ylim(0, 1.02)
    axes.set_xlim(0, longest * 1.02 if longest > 0 else 1)
    axes.set_ylabel(y_label)
    axes.grid(True, color="#dddddd", linewidth=0.6)
    axes.tick_params(labelbottom=False)
    axes.legend(loc="upper right", frameon=False, fontsize=9)
    if title:
        axes.set_title(plot_text(title), fontsize=11)
    caption = f"Shaded: pointwise {curves[0].ci_text}; | = censored"
    figure.text(0.01, 0.01, caption, fontsize=7, va="bottom", color="#555555")
    _draw_risk_table(table, curves, times, time_label)
    figure.subplots_adjust(left=0.2, right=0.97, top=0.93, bottom=0.13)
    return figure_bytes(figure, fmt)


def _draw_risk_table(
    table: object, curves: Sequence[KaplanMeier], times: Sequence[float], time_label: str
) -> None:
    from matplotlib.axes import Axes

    assert isinstance(table, Axes)
    rows = len(curves)
    table.set_ylim(-0.5, rows + 0.9)
    table.set_yticks([])
    for side in ("left", "right", "top"):
        table.spines[side].set_visible(False)
    table.set_xticks(list(times))
    table.set_xlabel(time_label)
    table.text(
        0.0, rows + 0.35, "Number at risk", transform=table.get_yaxis_transform(), fontsize=8, weight="bold"
    )
    for index, curve in enumerate(curves):
        y = rows - 1 - index
        colour = COLOURS[index % len(COLOURS)]
        name = plot_text(curve.label) if curve.label is not None else "All"
        table.text(
            -0.05,
            y,
            name,
            transform=table.get_yaxis_transform(),
            ha="right",
            va="center",
            fontsize=8,
            color=colour,
        )
        for t in times:
            table.text(t, y, str(curve.at_risk_at(t)), ha="center", va="center", fontsize=8)
