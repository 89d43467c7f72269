"""Write the report snapshots again: `.venv/bin/python -m tests.report.regenerate_snapshots`.

Read the diff (`git diff tests/report/snapshots`) before committing: each changed line is what a
clinician will read differently. With `--svg` it also writes an SVG of each 80-column view next to the
text (not committed), to look at the colours.
"""

from __future__ import annotations

import io
import sys

from rich.console import Console

from oligoboard.engine.runner import Engine
from oligoboard.report.terminal.assessment import render_report
from tests.report.snapshot_views import SNAPSHOTS, VIEWS, WIDTHS, assessment, render, snapshot_path


def main(argv: list[str]) -> int:
    engine = Engine()
    SNAPSHOTS.mkdir(exist_ok=True)
    for stem, view in VIEWS:
        out = assessment(engine, stem)
        for width in WIDTHS:
            path = snapshot_path(stem, view, width)
            path.write_text(render(engine, out, view, width), encoding="utf-8")
            print(f"wrote {path.relative_to(SNAPSHOTS.parent)}")
        if "--svg" in argv:
            console = Console(record=True, width=80, file=io.StringIO(), force_terminal=True)
            render_report(console, out, engine.kb, full=view == "full", sources=view in ("sources", "full"))
            svg = SNAPSHOTS / f"{stem}.{view}.80.svg"
            svg.write_text(console.export_svg(title=f"{stem} {view}"), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
