"""The CONSORT 2010 participant-flow diagram of a `ConsortFlow`, as PNG or SVG.

Layout of the CONSORT template: Enrolment (assessed → excluded with reasons → randomised), then one column
per arm for Allocation, Follow-up and Analysis, with the stage names in the left margin. Box heights follow
their text; reasons (from the trial office's records) are wrapped and drawn literally. More than
`MAX_REASONS` reasons in a box are summed into "other reasons" so the diagram stays readable; the JSON
(`ConsortFlow.as_dict`) keeps every reason.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from oligoboard.report.trial._figure import ImageFormat, figure_bytes, new_figure, plot_text
from oligoboard.trial.consort import ArmFlow, ConsortFlow, total

MAX_REASONS = 5
_LINE = 0.17  # inches per text line at 7.5 pt
_PAD = 0.08
_COLUMN = 2.9  # inches per arm column
_WRAP = 40
_FONT = 7.5


@dataclass(frozen=True)
class _Box:
    x: float  # left
    top: float
    width: float
    lines: tuple[str, ...]
    bold: int = 1  # leading lines drawn bold (a wrapped box title)

    @property
    def height(self) -> float:
        return len(self.lines) * _LINE + 2 * _PAD

    @property
    def bottom(self) -> float:
        return self.top - self.height

    @property
    def centre_x(self) -> float:
        return self.x + self.width / 2


def _reason_lines(reasons: Sequence[tuple[str, int]], indent: str = "   ") -> list[str]:
    shown = list(reasons[:MAX_REASONS])
    rest = sum(n for _, n in reasons[MAX_REASONS:])
    lines: list[str] = []
    for reason, n in shown:
        text = f"{plot_text(reason) or 'reason not given'} (n={n})"
        wrapped = textwrap.wrap(text, _WRAP - len(indent) - 2) or [text]
        lines.append(f"{indent}• {wrapped[0]}")
        lines.extend(f"{indent}  {more}" for more in wrapped[1:])
    if rest:
        lines.append(f"{indent}• other reasons (n={rest})")
    return lines


def _allocation_title(arm: ArmFlow, randomised: bool) -> list[str]:
    head = "Allocated to" if randomised else "Enrolled in"
    return textwrap.wrap(f"{head} {plot_text(arm.arm)} (n={arm.allocated})", _WRAP)


def _allocation_lines(arm: ArmFlow, randomised: bool) -> list[str]:
    return [
        *_allocation_title(arm, randomised),
        f" Received allocated intervention (n={arm.received})",
        f" Did not receive allocated intervention (n={total(arm.not_received)})",
        *_reason_lines(arm.not_received),
    ]


def _follow_up_lines(arm: ArmFlow) -> list[str]:
    return [
        f"Lost to follow-up (n={total(arm.lost_to_follow_up)})",
        *_reason_lines(arm.lost_to_follow_up),
        f"Discontinued intervention (n={total(arm.discontinued)})",
        *_reason_lines(arm.discontinued),
    ]


def _analysis_lines(arm: ArmFlow, population: str) -> list[str]:
    return [
        f"Analysed (n={arm.analysed})",
        *textwrap.wrap(f" population: {plot_text(population)}", _WRAP),
        f" Excluded from analysis (n={total(arm.excluded_from_analysis)})",
        *_reason_lines(arm.excluded_from_analysis),
    ]


def render_consort(flow: ConsortFlow, *, fmt: ImageFormat = "png", title: str | None = None) -> bytes:
    """PNG or SVG bytes of the flow diagram (one column per arm; a single-arm trial has one)."""
    from matplotlib.patches import Rectangle

    columns = max(1, len(flow.arms))
    margin = 0.9
    width = margin + columns * _COLUMN + 0.2
    gap = 0.35
    top_box_w = min(2.6, _COLUMN * 0.95)
    centre = margin + columns * _COLUMN / 2
    enrol = _Box(centre - top_box_w / 2, 0.0, top_box_w, (f"Assessed for eligibility (n={flow.assessed})",))
    excluded = _Box(
        centre + top_box_w / 2 + 0.25,
        enrol.bottom - gap / 2,
        _COLUMN * 0.95,
        (f"Excluded (n={total(flow.excluded)})", *_reason_lines(flow.excluded)),
    )
    width = max(width, excluded.x + excluded.width + 0.2)  # a narrow trial widens for the side box
    word = "Randomised" if flow.randomised else "Enrolled"
    spine_y = min(excluded.bottom, enrol.bottom - gap) - gap / 2
    allocated = _Box(centre - top_box_w / 2, spine_y, top_box_w, (f"{word} (n={flow.allocated_total})",))
    arm_boxes: list[list[_Box]] = []
    stage_tops: list[float] = []
    y = allocated.bottom - gap * 1.6
    for stage in range(3):
        stage_tops.append(y)
        boxes = []
        for index, arm in enumerate(flow.arms):
            lines = (
                _allocation_lines(arm, flow.randomised)
                if stage == 0
                else _follow_up_lines(arm)
                if stage == 1
                else _analysis_lines(arm, flow.population)
            )
            bold = len(_allocation_title(arm, flow.randomised)) if stage == 0 else 1
            boxes.append(_Box(margin + index * _COLUMN + 0.1, y, _COLUMN - 0.2, tuple(lines), bold))
        arm_boxes.append(boxes)
        y = min((b.bottom for b in boxes), default=y - 0.5) - gap
    height = -y + 0.4 + (0.3 if title else 0.0)
    figure = new_figure(width, height)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, width)
    axes.set_ylim(y - 0.1, 0.2 + (0.3 if title else 0.0))
    axes.axis("off")
    if title:
        axes.text(width / 2, 0.3, plot_text(title), ha="center", va="center", fontsize=10, weight="bold")

    def draw(box: _Box) -> None:
        axes.add_patch(Rectangle((box.x, box.bottom), box.width, box.height, fill=False, linewidth=0.9))
        for i, line in enumerate(box.lines):
            axes.text(
                box.x + _PAD,
                box.top - _PAD - (i + 0.5) * _LINE,
                line,
                ha="left",
                va="center",
                fontsize=_FONT,
                weight="bold" if i < box.bold else "normal",
            )

    def arrow(x0: float, y0: float, x1: float, y1: float) -> None:
        axes.annotate(
            "",
            xy=(x1, y1),
            xytext=(x0, y0),
            arrowprops={"arrowstyle": "-|>", "lw": 0.9, "color": "black", "shrinkA": 0, "shrinkB": 0},
        )

    for box in (enrol, excluded, allocated):
        draw(box)
    arrow(enrol.centre_x, enrol.bottom, allocated.centre_x, allocated.top)
    side_y = (excluded.top + excluded.bottom) / 2
    axes.plot([enrol.centre_x, excluded.x], [side_y, side_y], color="black", linewidth=0.9)
    arrow(enrol.centre_x + 0.01, side_y, excluded.x, side_y)
    branch_y = allocated.bottom - gap * 0.8
    if flow.arms:
        xs = [b.centre_x for b in arm_boxes[0]]
        axes.plot(
            [allocated.centre_x, allocated.centre_x],
            [allocated.bottom, branch_y],
            color="black",
            linewidth=0.9,
        )
        axes.plot([min(xs), max(xs)], [branch_y, branch_y], color="black", linewidth=0.9)
        for x in xs:
            arrow(x, branch_y, x, arm_boxes[0][0].top)
    for stage, boxes in enumerate(arm_boxes):
        for box in boxes:
            draw(box)
        if stage + 1 < len(arm_boxes):
            for box, below in zip(boxes, arm_boxes[stage + 1], strict=True):
                arrow(box.centre_x, box.bottom, below.centre_x, below.top)
    for name, top in zip(("Allocation", "Follow-up", "Analysis"), stage_tops, strict=True):
        axes.text(0.15, top - 0.1, name, ha="left", va="top", fontsize=8, weight="bold", color="#0072B2")
    axes.text(0.15, -0.05, "Enrolment", ha="left", va="top", fontsize=8, weight="bold", color="#0072B2")
    return figure_bytes(figure, fmt)
