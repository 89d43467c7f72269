"""One error hierarchy for everything oligoboard refuses to do.

Every refusal a user can cause carries structured fields (where, what was expected, what was found)
so the CLI and the web render the same message: the CLI exits 2 for `InputError`, the web answers 422.
Messages never echo whole input documents, only the offending value, so no patient record leaks into logs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: At most this many problems are rendered; the rest are counted ("… and 1,234 more"), so a document
#: with 100,000 bad keys gives a screenful, not megabytes, of output.
MAX_RENDERED_PROBLEMS = 20
#: Longest field path rendered: a path can carry a user-chosen key (an answer key), which is cut, not echoed.
MAX_RENDERED_PATH = 120


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
