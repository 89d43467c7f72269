"""Display labels for ids, derived from the knowledge (never from a table in Python)."""

from __future__ import annotations

from collections.abc import Iterable

from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.guidelines.catalogue import guidelines


def short_recommendations(ids: Iterable[str], kb: KnowledgeBase) -> str:
    """`dlcg-2025-3, dlcg-2025-4, astro-estro-2023-1` → `DLCG 3,4 · ASTRO/ESTRO 1`.

    The short label of each guideline comes from its knowledge file (`guidelines.catalogue.Guideline`); an id
    of no known guideline keeps its own prefix.
    """
    short = {g.file_id: g.short for g in guidelines(kb)}
    groups: dict[str, list[str]] = {}
    for rid in ids:
        head, _, number = rid.rpartition("-")
        groups.setdefault(short.get(head, head), []).append(number)
    return " · ".join(f"{label} {','.join(numbers)}" for label, numbers in groups.items())
