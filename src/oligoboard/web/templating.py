"""Page rendering: Jinja2 templates of `web/templates/`, autoescaped, status colours from the one palette."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2
from fastapi.responses import HTMLResponse

from oligoboard.report.html.render import template_environment
from oligoboard.report.labels import words
from oligoboard.web import citations, fields


def open_trials(trials: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Trials still open to the case, in the order a board reads them: eligible first, then the
    undetermined ones by how few facts are missing (the nearest to a verdict first)."""
    rank = {"eligible": 0, "undetermined": 1}
    kept = [t for t in trials if t.get("status") in rank]
    return sorted(kept, key=lambda t: (rank[str(t["status"])], len(t.get("missing") or [])))


@cache
def environment() -> jinja2.Environment:
    env = template_environment("oligoboard.web")
    env.filters["words"] = words
    env.filters["choice"] = fields.choice_words
    env.filters["fact"] = fields.fact_label
    env.filters["cite"] = citations.human
    env.filters["missing"] = fields.missing_summary
    env.filters["open_trials"] = open_trials
    return env


def render(template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("principal", None)
    html = environment().get_template(template).render(**context)
    return HTMLResponse(html, status_code=status_code)
