"""Human citations from the knowledge's `source:` strings, for clinicians; the whole string stays a tooltip.

A knowledge source names both the public document (`DLCG 2025, kap. 1 Anbefalinger, anbefaling 3`,
`Lancet Oncol 2016 abstract, eligibility (2)`) and the project's own pointers into it (`seed 002, lines
15-18`, `trials.md §3 L1`, `[V]` evidence tags). The pages show the first and keep the second for the
curious (a `title` tooltip on screen, the details row of a criterion): `human` removes the internal
pointers, turning a seed file into the document it is, by what the knowledge files themselves say
(a guideline file's `info.seed`, a trial file's `… registry text = shared/seeds/NNN_…`).
"""

from __future__ import annotations

import re
from functools import cache

_SEED_REF = r"(?:shared/seeds/|seed\s+)(?P<n>\d{3})(?:_[0-9a-f]+\.txt)?"
_SEED = re.compile(_SEED_REF)
_SEED_EQUALS = re.compile(r"(?P<name>[^;=]+?)\s*=\s*shared/seeds/(?P<n>\d{3})_")
_TAG = re.compile(r"\s*\[(?:[VSMX](?:/[VSMX])?)(?:[^\]]*)\]")
_QUOTE = re.compile(r"\s*\(\s*'[^']*'\s*\)|:?\s*'[^']*'")
_INTERNAL_PAREN = re.compile(
    r"\s*\((?:[^()]*(?:\bseed\b|\blines?\s+\d|\.txt|\.md\b|reference note|secondary transcription)[^()]*)\)"
)
_INTERNAL_PART = re.compile(
    r"^(?:shared/|reference/|[a-z_]+\.md\b|radiotherapy reference note|via [a-z_]+\.md)", re.IGNORECASE
)
_INTERNAL_TAIL = re.compile(r",?\s*(?:via\s+)?(?:shared/reference/)?[a-z_]+\.md\b.*$")
_LINES = re.compile(r",?\s*\blines?\s+\d[\d\-–, ]*")


@cache
def seed_names() -> dict[str, str]:
    """Seed number → the document it holds, read from the knowledge files (loaded once per process)."""
    from oligoboard.guidelines.catalogue import Guideline
    from oligoboard.web.casework import engine

    names: dict[str, str] = {}
    for spec in engine().kb.files.values():
        seed = getattr(spec.info, "seed", None)
        if isinstance(seed, str) and seed[:3].isdigit():
            names.setdefault(seed[:3], Guideline.from_file(spec).name)
        source = str(getattr(spec, "source", "") or "")
        for match in _SEED_EQUALS.finditer(source):
            names.setdefault(match["n"], match["name"].strip().split(";")[-1].strip())
    return names


def _part(text: str, seeds: dict[str, str]) -> str:
    text = _SEED.sub(lambda m: seeds.get(m["n"], ""), text)
    if _INTERNAL_PART.match(text.strip()):
        return ""
    text = _INTERNAL_TAIL.sub("", text)
    text = _LINES.sub("", text)
    text = re.sub(r"\s+", " ", text).strip(" ,:;")
    return text


def clean(source: object, seeds: dict[str, str]) -> str:
    """`source` without the project's internal pointers (pure: the seed names are passed in).

    Example:
        >>> clean("DLCG 2025, kap. 1 Anbefalinger, anbefaling 3 (seed 002, lines 15-18); Ad pkt. 3 (lines 175-188)", {})
        'DLCG 2025, kap. 1 Anbefalinger, anbefaling 3; Ad pkt. 3'
        >>> clean("Lancet Oncol 2016 abstract, eligibility (2); trials.md L1 inclusion 2 [V]", {})
        'Lancet Oncol 2016 abstract, eligibility (2)'
        >>> clean("seed 002 kap. 2: 'OMD-NSCLC …'; seed 003: multidisciplinary approach", {"002": "DLCG 2025", "003": "ASTRO/ESTRO 2023"})
        'DLCG 2025 kap. 2; ASTRO/ESTRO 2023: multidisciplinary approach'
    """
    if not isinstance(source, str):
        return ""
    # quotes and internal parentheses first: a quote may hold "; ", a journal reference holds ";7(10)"
    text = _INTERNAL_PAREN.sub("", _QUOTE.sub("", _TAG.sub("", source)))
    seen: list[str] = []
    for piece in re.split(r";\s+", text):
        part = _part(piece, seeds)
        if part and part not in seen:
            seen.append(part)
    return "; ".join(seen)


def human(source: object) -> str:
    """The public citation in `source` (empty when it holds only internal pointers)."""
    return clean(source, seed_names())
