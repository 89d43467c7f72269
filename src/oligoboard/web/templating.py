"""Page rendering: Jinja2 templates of `web/templates/`, autoescaped, status colours from the one palette."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2
from fastapi.responses import HTMLResponse

from oligoboard.report.palette import css_class


def _words(value: object) -> str:
    """A status or state word for people: `not_applicable` → `not applicable`, None → `unknown`."""
    if value is None:
        return "unknown"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value).replace("_", " ")


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("oligoboard.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["tone"] = css_class
    env.filters["words"] = _words
    return env


def render(template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("principal", None)
    html = environment().get_template(template).render(**context)
    return HTMLResponse(html, status_code=status_code)
