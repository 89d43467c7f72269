"""The one status palette: every status word of every section, mapped to one tone, for Rich and HTML.

A tone is what the reader should feel (good, bad, open, later, quiet); each tone has one Rich style and one
HTML class, so "unknown" is the same yellow in the disease-state panel, the trial table and the plan check.
Unknown is never coloured like "no": an unanswered question needs attention, it is not a failure.
"""

from __future__ import annotations

from typing import Any, Final, Literal

from rich.text import Text

Tone = Literal["good", "bad", "severe", "open", "later", "quiet", "plain"]

#: Rich style per tone.
TONE_STYLE: Final[dict[Tone, str]] = {
    "good": "green",
    "bad": "red",
    "severe": "bold red",
    "open": "yellow",
    "later": "cyan",
    "quiet": "dim",
    "plain": "",
}

#: Every status word used in a section or in the JSON contract, and its tone.
STATUS_TONE: Final[dict[str, Tone]] = {
    # rule sets (recommendations, trials) and their criteria
    "applies": "good",
    "eligible": "good",
    "met": "good",
    "not_applicable": "quiet",
    "ineligible": "bad",
    "not_met": "bad",
    "undetermined": "open",
    "unknown": "open",
    "not_now": "later",
    "applies_later_if": "later",
    # radiotherapy checks and plan checks
    "pass": "good",
    "within_tolerance": "open",
    "fail": "severe",
    "on_target": "good",
    "off_target": "bad",
    "ablative": "good",
    "not_ablative": "open",
    # guideline concordance verdicts
    "agree": "good",
    "differ": "bad",
    "open": "open",
    "one_sided": "quiet",
}


def tone(status: str | None) -> Tone:
    """The tone of a status word; None (unknown) is `open`, an unlisted word is `plain`.

    Example:
        >>> tone("eligible"), tone(None), tone("M1b")
        ('good', 'open', 'plain')
    """
    if status is None:
        return "open"
    return STATUS_TONE.get(status, "plain")


def style(status: str | None) -> str:
    """The Rich style of a status word."""
    return TONE_STYLE[tone(status)]


def status_text(status: str | None, *, label: str | None = None) -> Text:
    """A status as coloured Rich text; `not_applicable` reads `not applicable`."""
    shown = label if label is not None else ("unknown" if status is None else status.replace("_", " "))
    return Text(shown, style=style(status))


def value_text(value: Any) -> Text:
    """Any decided value (a state, `M1b`, True): status words in their tone, other values bold, None unknown."""
    if value is None:
        return Text("unknown", style=style(None))
    text = str(value)
    return Text(text, style=style(text) if text in STATUS_TONE else "bold")


def css_class(status: str | None) -> str:
    """The HTML class of a status (`tone-good` …), styled once in the HTML templates."""
    return f"tone-{tone(status)}"
