"""The stored report views still match (regenerate: `python -m tests.report.regenerate_snapshots`)."""

from __future__ import annotations

import pytest

from oligoboard.engine.runner import Engine
from tests.report.snapshot_views import VIEWS, WIDTHS, assessment, render, snapshot_path


@pytest.mark.parametrize(("stem", "view"), VIEWS)
def test_report_matches_its_snapshot(engine: Engine, stem: str, view: str) -> None:
    out = assessment(engine, stem)
    for width in WIDTHS:
        expected = snapshot_path(stem, view, width).read_text(encoding="utf-8")
        got = render(engine, out, view, width)
        assert got == expected, f"{stem} {view} at {width} columns changed: regenerate and read the diff"


@pytest.mark.parametrize(("stem", "view"), [v for v in VIEWS if v[1] != "full"])
def test_clinician_views_fit_80_columns(engine: Engine, stem: str, view: str) -> None:
    lines = render(engine, assessment(engine, stem), view, 80).splitlines()
    assert max(len(line) for line in lines) <= 80
    if view == "clinician":
        assert len(lines) <= 60, f"{stem}: {len(lines)} lines is more than one screen"


@pytest.mark.parametrize(("stem", "view"), VIEWS)
def test_no_table_is_cropped_at_the_right_edge(engine: Engine, stem: str, view: str) -> None:
    """A table wider than the console loses its right border (and text) silently: every bordered line
    that starts with a border ends with one."""
    out = assessment(engine, stem)
    for width in WIDTHS:
        for line in render(engine, out, view, width).splitlines():
            if line[:1] in "│┃┏┡└╭╰":
                assert line[-1:] in "│┃┓┩┘╮╯", (stem, view, width, line)
