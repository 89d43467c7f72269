"""The funnel page (`oligoboard funnel OUT --html FILE`): one self-contained HTML page with an SVG chart.

Built from a Jinja2 template with autoescape (`report.html.render.template_environment`), so criterion
ids and knowledge text from files are escaped; no HTML is built from strings here.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import jinja2

from oligoboard.cohort.funnel import STATUSES, Funnel, Overlap
from oligoboard.cohort.manifest import Manifest
from oligoboard.report.cohort.chart import svg_geometry
from oligoboard.report.html.render import template_environment


@cache
def _environment() -> jinja2.Environment:
    return template_environment("oligoboard.report.cohort")


def render_funnel_html(
    manifest: Manifest,
    funnels: Sequence[Funnel],
    overlap: Overlap | None = None,
    stale: str | None = None,
) -> str:
    """Every funnel of `funnels` with its chart, the overlap table if any, provenance and the stale warning."""
    return (
        _environment()
        .get_template("funnel.html.j2")
        .render(
            manifest=manifest,
            funnels=[{"f": f, "chart": svg_geometry(f)} for f in funnels],
            overlap=overlap,
            statuses=STATUSES,
            stale=stale,
        )
    )
