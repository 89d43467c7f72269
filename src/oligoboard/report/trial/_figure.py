"""What the trial figures share: how a figure becomes PNG/SVG bytes, and how file text becomes plot text.

Why a helper: matplotlib reads `$…$` in any text as mathtext and prints control characters raw; a group
label or a reason from a trial office's file must be shown as typed (`report/terminal/literal.visible`
escapes control and bidi characters, `$` is escaped here). SVG is made deterministic (hash salt, no date)
so the same analysis gives the same bytes; SVG text stays text (`svg.fonttype: none`: searchable, selectable).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Literal

from oligoboard.report.terminal.literal import visible

if TYPE_CHECKING:
    from matplotlib.figure import Figure

ImageFormat = Literal["png", "svg"]
#: Okabe–Ito colours (distinguishable with the common colour-vision deficiencies), one per curve.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
DPI = 150


def plot_text(value: object) -> str:
    """File text as matplotlib shows it literally: escapes visible, `$` never starts mathtext."""
    return visible(value).replace("$", r"\$")


def new_figure(width_in: float, height_in: float) -> Figure:
    """A pyplot-free figure with the Agg canvas attached (thread-safe: no global figure manager)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width_in, height_in), dpi=DPI)
    FigureCanvasAgg(figure)
    return figure


def figure_bytes(figure: Figure, fmt: ImageFormat) -> bytes:
    """PNG or SVG bytes; SVG with a fixed hash salt and no date, PNG without software metadata."""
    import matplotlib

    if fmt not in ("png", "svg"):
        raise ValueError(f"unknown image format {fmt!r}")
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "oligoboard", "svg.fonttype": "none"}):
        metadata: dict[str, str | None] = {"Date": None} if fmt == "svg" else {"Software": None}
        figure.savefig(buffer, format=fmt, metadata=metadata, dpi=DPI)
    return buffer.getvalue()
