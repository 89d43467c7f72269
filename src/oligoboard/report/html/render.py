"""HTML pages from Jinja2 templates (`report/html/templates/`), autoescaped: no HTML built from f-strings.

Values from DICOM files and knowledge text reach the page only through the template, which escapes them;
the status colours come from the one palette (`report.palette.css_class`).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2

from oligoboard.report.palette import TONE_STYLE, css_class


def template_environment(package: str) -> jinja2.Environment:
    """A template environment over `package`'s `templates/`: autoescape on (strings from cases and DICOM files
    arrive as text), undefined names are errors, and the one palette's `tone` filter. The web workspace
    builds its own on this, so the pages and the reports escape and colour alike."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["tone"] = css_class
    return env


@cache
def environment() -> jinja2.Environment:
    """The report templates' environment (`template_environment`, plus the list of tones)."""
    env = template_environment("oligoboard.report.html")
    env.globals["tones"] = sorted(TONE_STYLE)
    return env


def render_page(template: str, **context: Any) -> str:
    """Render one template of the package with `context`."""
    return environment().get_template(template).render(**context)
