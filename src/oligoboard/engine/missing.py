"""From "this criterion is unknown" to "collect lesions[1].amenable_to_lat".

A criterion reads feature columns; the catalogue says which case fields feed each column. For an unknown
criterion we keep the columns that are NULL for this case and name the concrete case fields that are
missing (or `not_tested`, which is as unknown as a blank). Without a case document (a cohort loaded from
tables) the catalogue's generic field patterns are reported instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from oligoboard.engine.knowledge_base import FeatureInfo

# values that say "we do not know" as surely as a blank does
_UNKNOWN_VALUES = (None, "not_tested", "absent_unknown")


def _lookup(doc: Any, dotted: str) -> tuple[bool, Any]:
    """Follow `a.b.c` in a nested mapping; (found, value). A missing key or None parent is not found."""
    node = doc
    for part in dotted.split(".") if dotted else []:
        if not isinstance(node, Mapping) or node.get(part) is None:
            return False, None
        node = node[part]
    return True, node


def concrete_missing(doc: Mapping[str, Any], pattern: str) -> list[str]:
    """The concrete unknown fields behind one catalogue input pattern.

    `lesions[].organ` checks every lesion; `systemic_therapy[line=1].cycles` only the items whose `line` is 1,
    so a missing cycle count of a second-line entry is not reported for a first-line criterion.
    """
    if "[" not in pattern:
        found, value = _lookup(doc, pattern)
        return [] if found and value not in _UNKNOWN_VALUES else [pattern]
    head, _, rest = pattern.partition("[")
    selector, _, tail = rest.partition("]")
    found, items = _lookup(doc, head)
    if not found:
        return [head]
    tail = tail.lstrip(".")
    key, _, wanted = selector.partition("=")
    out: list[str] = []
    for i, item in enumerate(items or []):
        if key and str(item.get(key)) != wanted:
            continue
        ok, value = _lookup(item, tail)
        if not ok or value in _UNKNOWN_VALUES:
            out.append(f"{head}[{i}].{tail}")
    return out


def missing_facts(
    reads: Iterable[str],
    feature_row: Mapping[str, Any],
    catalogue: Mapping[str, FeatureInfo],
    doc: Mapping[str, Any] | None,
) -> list[str]:
    """Case fields to collect so that an expression reading `reads` can be decided."""
    out: dict[str, None] = {}
    for name in sorted(reads):
        if name.startswith("answers["):
            out.setdefault(name, None)
            continue
        if feature_row.get(name) is not None:
            continue
        info = catalogue.get(name)
        if info is None:
            out.setdefault(name, None)
            continue
        if doc is None:
            for pattern in info.inputs:
                out.setdefault(pattern, None)
            continue
        found = [m for pattern in info.inputs for m in concrete_missing(doc, pattern)]
        # every input is present yet the column is NULL: name the derived fact rather than nothing
        for item in found or [name]:
            out.setdefault(item, None)
    return list(out)
