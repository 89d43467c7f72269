"""What changed between two case versions, field by field (paths in the contract's notation)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_MISSING = object()


@dataclass(frozen=True)
class Change:
    path: str
    before: Any
    after: Any

    @property
    def kind(self) -> str:
        if self.before is _MISSING:
            return "added"
        if self.after is _MISSING:
            return "removed"
        return "changed"

    def shown(self, side: str) -> str:
        """One side as short JSON-ish text, or an em dash when the field was absent on that side."""
        value = self.before if side == "before" else self.after
        if value is _MISSING:
            return "—"
        import json

        return json.dumps(value, ensure_ascii=False, sort_keys=True)


def diff(before: Any, after: Any, path: str = "") -> list[Change]:
    """Leaf-level differences; lists are compared position by position (a case's lists are short)."""
    if isinstance(before, dict) and isinstance(after, dict):
        changes: list[Change] = []
        for key in sorted(set(before) | set(after), key=str):
            sub = f"{path}.{key}" if path else str(key)
            changes.extend(diff(before.get(key, _MISSING), after.get(key, _MISSING), sub))
        return changes
    if isinstance(before, list) and isinstance(after, list):
        changes = []
        for i in range(max(len(before), len(after))):
            left = before[i] if i < len(before) else _MISSING
            right = after[i] if i < len(after) else _MISSING
            changes.extend(diff(left, right, f"{path}[{i}]"))
        return changes
    if before is _MISSING and isinstance(after, dict | list):
        return diff(type(after)(), after, path) or [Change(path or "<document>", before, after)]
    if after is _MISSING and isinstance(before, dict | list):
        return diff(before, type(before)(), path) or [Change(path or "<document>", before, after)]
    if before == after:
        return []
    return [Change(path or "<document>", before, after)]
