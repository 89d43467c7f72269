"""Display labels: plain words for ids, states, truth values and facts (derived, never a table of prose).

Everything a clinician reads goes through here, so the JSON's snake_case (`synchronous_oligometastatic`),
raw truth values (`True`) and answer-key syntax (`answers['NCT…/consent']`) never reach the screen as is.
Guideline labels come from the knowledge files (`guidelines.catalogue.Guideline`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.guidelines.catalogue import guidelines

_ANSWER_KEY = re.compile(r"^answers\[['\"](?P<key>.+)['\"]\]$")


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


def words(value: object) -> str:
    """A snake_case word in plain words: `not_applicable` → `not applicable`; None → `unknown`.

    Example:
        >>> words("synchronous_oligometastatic"), words(None), words(True)
        ('synchronous oligometastatic', 'unknown', 'yes')
    """
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace("_", " ")


def state_label(ds: Mapping[str, Any]) -> str:
    """The ESTRO/EORTC state of a disease-state section in words, `not oligometastatic` when OMD is no.

    Example:
        >>> state_label({"estro_eortc": "repeat_oligorecurrence", "omd": True})
        'repeat oligorecurrence'
        >>> state_label({"estro_eortc": None, "omd": False})
        'not oligometastatic'
    """
    state = ds.get("estro_eortc")
    if state:
        return words(state)
    if ds.get("omd") is False:
        return "not oligometastatic"
    return "undetermined"


def answer_key(fact: str) -> str | None:
    """The key to write under `answers:` for a missing attested fact, None for a case field.

    Example:
        >>> answer_key("answers['NCT06114108/consent']"), answer_key("history.omd_before")
        ('NCT06114108/consent', None)
    """
    match = _ANSWER_KEY.match(fact)
    return match.group("key") if match else None


def trial_name(item: Mapping[str, Any]) -> str:
    """`NCT06114108 salVage`: the registry id (what `trials show` needs) and the acronym when there is one."""
    return f"{item['id']} {item['acronym']}" if item.get("acronym") else str(item["id"])


def recommendation_label(rec: Mapping[str, Any]) -> str:
    """`DLCG 2025 rec. 3`: the guideline's name and the number at the end of the id."""
    number = str(rec["id"]).rpartition("-")[2]
    return f"{rec['guideline']} rec. {number}"


def plural(n: int, noun: str) -> str:
    """`1 trial`, `3 trials`.

    Example:
        >>> plural(1, "trial"), plural(0, "metastasis"), plural(2, "metastasis")
        ('1 trial', '0 metastases', '2 metastases')
    """
    if n == 1:
        return f"{n} {noun}"
    return f"{n} {noun[:-2] + 'es' if noun.endswith('is') else noun + 's'}"


#: Internal references of the knowledge files (seed numbers, reference-note sections, evidence tags) that a
#: clinician cannot follow; `--sources` shows them, the other views drop them.
_INTERNAL_PAREN = re.compile(
    r"\s*\((?=[^()]*(?:\bseed\b|\.md\b|§|reference note|README|\[[SMV]\]|lines? \d))[^()]*\)", re.IGNORECASE
)
_EVIDENCE_TAG = re.compile(r"\s*\[(?:[SMVU](?:/[SMVU])?)(?:\s*[—-][^\]]*)?\]")
_BARE_REFERENCE = re.compile(
    r";?\s*(?:\b[a-z_-]+\.md\s*§\s*[\d.]+[a-z]?|\bseed \d{3}\b[^;,)]*)", re.IGNORECASE
)


def clinical_text(text: object) -> str:
    """A knowledge text without internal references: `(clinical.md §8.2)`, `seed 002, lines 6-8`, `[S]`.

    Example:
        >>> clinical_text("Stage IVB (clinical.md §4.1) [S/M — confirm in the tables]")
        'Stage IVB'
        >>> clinical_text("DLCG 2025, anbefaling 1 (seed 002, lines 6-8)")
        'DLCG 2025, anbefaling 1'
    """
    shown = _INTERNAL_PAREN.sub("", " ".join(str(text).split()))
    shown = _EVIDENCE_TAG.sub("", shown)
    shown = _BARE_REFERENCE.sub("", shown)
    return shown.strip(" ;,")
