"""One error hierarchy for everything oligoboard refuses to do.

Every refusal a user can cause carries structured fields (where, what was expected, what was found)
so the CLI and the web render the same message: the CLI exits 2 for `InputError`, the web answers 422.
Messages never echo input values (issue 12): they name the file, the field path, the expected form and
the *kind* of value found (`kind_of`), because a value in a case is patient data and error text ends up in
logs, terminals and bug reports. User-chosen mapping keys reach a path only through `safe_key`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: At most this many problems are rendered; the rest are counted ("… and 1,234 more"), so a document
#: with 100,000 bad keys gives a screenful, not megabytes, of output.
MAX_RENDERED_PROBLEMS = 20
#: Longest field path rendered: a path can carry a user-chosen key (an answer key), which is cut, not echoed.
MAX_RENDERED_PATH = 120


_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,39}")


def kind_of(value: object) -> str:
    """What sort of value was found, never the value: `text (12 characters)`, `a number`, `a list of 3`.

    The length of a text is shown because it tells "empty" from "a paragraph pasted by mistake" without
    saying what the text is.

    Example:
        >>> kind_of("Jane Doe"), kind_of(3.5), kind_of(None), kind_of([1, 2])
        ('text (8 characters)', 'a number', 'null', 'a list of 2 item(s)')
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return f"text ({len(value)} characters)"
    if isinstance(value, list | tuple):
        return f"a list of {len(value)} item(s)"
    if isinstance(value, dict):
        return f"a mapping of {len(value)} key(s)"
    return f"a {type(value).__name__} value"


def safe_key(key: object, position: int | None = None) -> str:
    """A mapping key as it may appear in a field path: a field-name-shaped key (`sexx`, `fdg_pet_ct_date`)
    is shown, since a misspelt field name is what the user must see; anything else (free text, an MRN,
    an answer key) is replaced by its position (`<key 3>`), so a key can never carry patient data out.
    """
    if isinstance(key, str) and _FIELD_NAME.fullmatch(key):
        return key
    return f"<key {position}>" if position is not None else "<key>"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located by its path (`lesions[2].organ`)."""

    path: str
    message: str
    expected: str | None = None
    found: str | None = None

    def render(self) -> str:
        where = self.path or "<document>"
        if len(where) > MAX_RENDERED_PATH:
            where = where[: MAX_RENDERED_PATH - 1] + "…"
        text = f"{where}: {self.message}"
        if self.expected is not None and self.expected not in self.message:
            text += f" (expected {self.expected})"
        return text


@dataclass
class OligoboardError(Exception):
    """Root of every error oligoboard raises on purpose."""

    message: str
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def render(self) -> str:
        """The one text shown to people, the same in CLI and web."""
        if not self.problems:
            return self.message
        shown = self.problems[:MAX_RENDERED_PROBLEMS]
        lines = [self.message] + [f"  - {p.render()}" for p in shown]
        if len(self.problems) > len(shown):
            lines.append(f"  … and {len(self.problems) - len(shown):,} more problem(s)")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, object]:
        return {
            "error": type(self).__name__,
            "message": self.message,
            "problems": [
                {"path": p.path, "message": p.message, "expected": p.expected, "found": p.found}
                for p in self.problems
            ],
        }


class InputError(OligoboardError):
    """The user's input (a case, a file, an option) is invalid: exit code 2, HTTP 422."""


class CaseValidationError(InputError):
    """A case document breaks the case contract; `problems` lists every violation at once."""


class DicomError(InputError):
    """A DICOM RT file is unreadable, of the wrong kind, or does not match its partner files."""


class DoseInputError(InputError):
    """A dose, fraction number or alpha/beta value is not physically meaningful."""


class KnowledgeError(OligoboardError):
    """A knowledge file is malformed: no source, unknown feature, bad SQL. Fails at load, never at use."""


class EngineError(OligoboardError):
    """The rules engine failed on valid input: a bug, exit code 1."""
