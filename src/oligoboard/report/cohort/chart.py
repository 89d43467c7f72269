"""The funnel chart: bar geometry shared by the HTML page's SVG and the PNG (matplotlib, Agg backend).

One horizontal bar per step, its length the patients entering the step, split into met (green), unknown
(yellow) and not met (red: they leave here); the first bar is the input with its data-quality exclusions,
the last the result (eligible, undetermined). Colours are the palette's tones as the HTML page shows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from oligoboard.atomic_write import write_bytes_atomically
from oligoboard.cohort.funnel import Funnel

#: tone → colour, as the HTML report's backgrounds (report/html/templates/base.html.j2), darker for bars
COLOURS = {"good": "#4c9a4c", "open": "#e0b030", "bad": "#c85050", "quiet": "#999999"}
LEGEND = {
    "good": "met (eligible)",
    "open": "unknown (undetermined)",
    "bad": "not met: leaves here",
    "quiet": "data quality exclusion",
}


@dataclass(frozen=True)
class Segment:
    tone: str
    label: str
    patients: int


@dataclass(frozen=True)
class Bar:
    label: str
    segments: tuple[Segment, ...]

    @property
    def total(self) -> int:
        return sum(s.patients for s in self.segments)


def bars(funnel: Funnel) -> list[Bar]:
    """The chart's bars, top to bottom."""
    excluded = sum(n for _, n in funnel.data_quality)
    out = [
        Bar(
            "input",
            (Segment("good", "screenable", funnel.screened), Segment("quiet", "data quality", excluded)),
        )
    ]
    for i, step in enumerate(funnel.steps, start=1):
        out.append(
            Bar(
                f"{i}. {step.criterion}",
                (
                    Segment("good", "met", step.met),
                    Segment("open", "unknown", step.unknown),
                    Segment("bad", "not met", step.not_met),
                ),
            )
        )
    out.append(
        Bar(
            "result",
            (
                Segment("good", "eligible", funnel.eligible),
                Segment("open", "undetermined", funnel.undetermined),
            ),
        )
    )
    return out


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


def svg_geometry(
    funnel: Funnel, width: float = 560, row: float = 22, label_width: float = 260
) -> dict[str, object]:
    """Rectangles and labels for the SVG (numbers only; the template writes the markup and escapes text)."""
    chart = bars(funnel)
    scale = (width - label_width - 10) / max(funnel.input, 1)
    rects: list[Rect] = []
    labels: list[tuple[float, str]] = []
    for i, bar in enumerate(chart):
        y = i * row + 4
        labels.append((y + row * 0.62, bar.label))
        x = label_width
        for seg in bar.segments:
            w = seg.patients * scale
            if seg.patients:
                rects.append(
                    Rect(
                        round(x, 2),
                        y,
                        round(max(w, 0.5), 2),
                        row - 6,
                        COLOURS[seg.tone],
                        f"{seg.label}: {seg.patients:,}",
                    )
                )
            x += w
    return {
        "width": width,
        "height": len(chart) * row + 8,
        "rects": rects,
        "labels": labels,
        "label_width": label_width,
    }


def write_png(funnel: Funnel, path: Path) -> None:
    """The chart as a PNG, written to a temporary name and renamed (never a half-written file)."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    chart = bars(funnel)
    fig, ax = plt.subplots(figsize=(9, 0.42 * len(chart) + 1.4), dpi=110)
    try:
        seen: set[str] = set()
        for i, bar in enumerate(chart):
            left = 0
            for seg in bar.segments:
                label = LEGEND[seg.tone] if seg.tone not in seen else None
                seen.add(seg.tone)
                ax.barh(i, seg.patients, left=left, color=COLOURS[seg.tone], label=label, height=0.7)
                left += seg.patients
        ax.set_yticks(range(len(chart)), [b.label for b in chart], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(0, max(funnel.input, 1))
        ax.set_xlabel("patients")
        ax.xaxis.set_major_formatter(lambda value, _pos: f"{value:,.0f}")
        ax.set_title(
            f"{funnel.trial}: eligible {funnel.eligible:,}, undetermined {funnel.undetermined:,}", fontsize=10
        )
        ax.legend(fontsize=7, loc="lower right", ncols=3)
        fig.tight_layout()
        image = io.BytesIO()
        fig.savefig(image, format="png")
        write_bytes_atomically(path, image.getvalue())
    finally:
        plt.close(fig)
