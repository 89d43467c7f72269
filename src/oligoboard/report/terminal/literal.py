"""The one way a string from a case or a DICOM file reaches the terminal: escaped, never interpreted.

Why: a case id or a DICOM ROI name is text someone else typed. Printed raw, ESC/OSC sequences clear the
screen, recolour it or retitle the window, NUL and bidi overrides (U+202E) make the screen show something
other than the data, and Rich would read `[/red]` as markup (and crash on it, exit 1) or `:pill:` as an
emoji. `visible` turns every such character into a visible escape (`\\x1b`, `\\u202e`); `literal` wraps the
result in a `rich.text.Text`, which Rich never parses for markup or emoji. HTML needs neither: Jinja2
autoescape handles it (`report/html`).

What is escaped: C0 and C1 control characters and DEL (`\\n` and `\\t` too: an id is one line), Unicode
format characters (category Cf: bidi embeddings, overrides and isolates, zero-width characters, the BOM),
line and paragraph separators, lone surrogates and private-use characters. Everything else, accented
letters and CJK included, is printed as it is. Backslashes are not doubled: the escapes are for a person
to see that something was there, not for a program to read back (the JSON output is for programs).
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.text import Text  # imported by `literal` only: ~40 ms, and `validate` needs `visible` alone

_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})
_SHORT = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape(ch: str) -> str:
    if ch in _SHORT:
        return _SHORT[ch]
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def visible(value: object) -> str:
    """`str(value)` with every control, format and bidi character shown as an escape.

    Example:
        >>> visible("L1\\x1b[2J\\u202eabc")
        'L1\\\\x1b[2J\\\\u202eabc'
    """
    text = "" if value is None else str(value)
    if text.isprintable():  # the common case: nothing to do (isprintable is False for every escaped class)
        return text
    return "".join(_escape(ch) if unicodedata.category(ch) in _ESCAPED_CATEGORIES else ch for ch in text)


def visible_lines(text: str) -> str:
    """`visible` line by line, keeping the line breaks: for multi-line messages (an error and its problems)
    that carry a file name or a field path the user chose."""
    return "\n".join(visible(line) for line in text.split("\n"))


def literal(value: object, style: str = "") -> Text:
    """A Rich `Text` of `visible(value)`: shown exactly, never read as markup or emoji."""
    from rich.text import Text

    return Text(visible(value), style=style)
