"""Validation problems as the web shows them: the field path and what is wrong, never the value sent.

The CLI may quote the offending value back to the person at the terminal; a web answer can end up in a
proxy or server log, so the value is replaced by the word "value" and pydantic's ", got …" tail dropped.
"""

from __future__ import annotations

from typing import Any

from oligoboard.errors import InputError, OligoboardError, Problem


def safe_message(problem: Problem) -> str:
    """Example:
    >>> safe_message(Problem("tumour.n", "'N9' is not one of 'N0', 'N1'", expected="'N0', 'N1'", found="'N9'"))
    'value is not one of N0, N1'
    """
    message = problem.message
    if problem.found:
        message = message.replace(", got " + problem.found, "").replace(problem.found, "value")
    return message.replace("'", "")


def safe_problems(error: OligoboardError) -> list[dict[str, Any]]:
    out = []
    for p in error.problems:
        message = safe_message(p)
        expected = p.expected if p.expected and p.expected.replace("'", "") not in message else None
        out.append({"path": p.path or "<document>", "message": message, "expected": expected})
    return out


def safe_summary(error: OligoboardError) -> str:
    """The headline without anything taken from the document (its first words name the source)."""
    count = len(error.problems)
    return f"invalid case ({count} problem{'s' if count != 1 else ''})" if count else "invalid input"


class NotFound(InputError):
    """An unknown case, version, meeting or decision id in the URL: 404, with the same problem shape."""
