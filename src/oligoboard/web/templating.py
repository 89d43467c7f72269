"""Page rendering: Jinja2 templates of `web/templates/`, autoescaped, status colours from the one palette."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2
from fastapi.responses import HTMLResponse

from oligoboard.report.html.render import template_environment
from oligoboard.report.labels import words


@cache
def environment() -> jinja2.Environment:
    env = template_environment("oligoboard.web")
    env.filters["words"] = words
    return env


def render(template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("principal", None)
    html = environment().get_template(template).render(**context)
    return HTMLResponse(html, status_code=status_code)
