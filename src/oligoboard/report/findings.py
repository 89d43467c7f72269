"""The patient's finding behind a criterion, in words: `EGFR positive`, `2 metastases`, `ECOG 2`.

A criterion's text states the requirement ("Not oncogene-driven"); a clinician needs what was found in this
patient. The finding is built from the facts the criterion reads (`CompiledExpr.reads`, from the knowledge)
and their values in the assessment's `facts` (the engine's features for this case), so nothing here is a
per-criterion sentence in Python: only how a feature name and its value read as words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.report.labels import words

#: Tokens of feature names that read as abbreviations (everything else is lower-case words).
_ACRONYMS = {
    "ecog": "ECOG",
    "omd": "OMD",
    "rt": "RT",
    "mri": "MRI",
    "fdg": "FDG",
    "pet": "PET",
    "ct": "CT",
    "io": "IO",
    "pdl1": "PD-L1",
    "tps": "TPS",
    "lat": "LAT",
    "m1a": "M1a",
}
#: At most this many facts in one finding; dates only when nothing else was read.
MAX_FACTS = 2


def feature_label(name: str) -> str:
    """`days_since_fdg_pet_ct` → `days since FDG PET CT`; `driver_braf_v600e` → `BRAF V600E`.

    Example:
        >>> feature_label("driver_egfr"), feature_label("n_metastases"), feature_label("ecog")
        ('EGFR', 'metastases', 'ECOG')
    """
    if name.startswith("driver_"):
        return name.removeprefix("driver_").replace("_", " ").upper()
    return " ".join(_ACRONYMS.get(token, token) for token in name.removeprefix("n_").split("_"))


def _number(value: float | int) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _count(label: str, value: int) -> str:
    if value == 1 and label.endswith("ases"):
        return f"1 {label[:-4]}asis"
    if value == 1 and label.endswith("s") and not label.endswith("ss"):
        return f"1 {label[:-1]}"
    return f"{value} {label}"


def _positive_parts(name: str, facts: Mapping[str, Any], kb: KnowledgeBase) -> list[str]:
    """The positive findings an aggregate feature summarises (`any_driver_positive` → `EGFR positive`)."""
    info = kb.features.get(name)
    if info is None or len(info.inputs) < 2:
        return []
    inputs = set(info.inputs)
    return [
        f"{feature_label(other)} positive"
        for other, other_info in kb.features.items()
        if other != name and other_info.inputs and set(other_info.inputs) <= inputs
        if facts.get(other) == "positive"
    ]


def feature_phrase(name: str, facts: Mapping[str, Any], kb: KnowledgeBase) -> str:
    """One fact of this patient in words (`EGFR positive`, `1 metastasis`, `all lesions amenable: no`)."""
    value = facts.get(name)
    label = feature_label(name)
    if value is None:
        return f"{label}: unknown"
    if isinstance(value, bool):
        parts = _positive_parts(name, facts, kb) if value else []
        if parts:
            return ", ".join(parts)
        head, _, rest = label.partition(" ")
        if head == "any" and rest:
            return rest if value else f"no {rest}"
        if head == "all" and rest and not value:
            return f"not all {rest}"
        return label if value else f"{label}: no"
    if name.startswith("n_") and isinstance(value, int):
        if label.endswith(("al", "ic")):  # an adjective (`intracranial`): count metastases
            label += " metastases"
        return _count(label, value)
    if isinstance(value, (int, float)):
        return f"{label} {_number(value)}"
    return f"{label} {words(value)}"


def _criterion(kb: KnowledgeBase, rule_set_id: str, criterion_id: str) -> tuple[list[str], str]:
    """(features read, SQL) of one criterion; empty for an unknown id."""
    try:
        rule_set = kb.rule_set(rule_set_id)
    except KeyError:
        return [], ""
    for criterion in rule_set.criteria:
        if criterion.spec.id == criterion_id:
            return sorted(criterion.expr.reads), criterion.expr.sql
    return [], ""


def criterion_reads(kb: KnowledgeBase, rule_set_id: str, criterion_id: str) -> list[str]:
    """The features one criterion reads (empty for an attested criterion or an unknown id)."""
    return _criterion(kb, rule_set_id, criterion_id)[0]


def finding(kb: KnowledgeBase, facts: Mapping[str, Any], rule_set_id: str, criterion_id: str) -> str:
    """What this patient has, for one criterion: its facts in words, at most `MAX_FACTS`, known ones only when there are any.

    A criterion on a decided state (`estro_eortc IN (…)`) is found by that state when `facts` carries it
    (the renderers add the disease-state answers); otherwise by the features it reads. Dates are left out
    when the criterion reads other facts too (the count or state says more than the date it was derived
    from). An attested criterion has no facts: the finding is empty.
    """
    reads, sql = _criterion(kb, rule_set_id, criterion_id)
    decided = [
        d.spec.id
        for d in kb.decision_lists
        if d.spec.id in facts and re.search(rf"\b{re.escape(d.spec.id)}\b", sql)
    ]
    if decided:
        return ", ".join(words(facts[d]) for d in decided)
    reads = _fold_bounds([name for name in reads if name in facts], facts)
    undated = [name for name in reads if not name.endswith("_date")]
    chosen = undated or reads
    known = [name for name in chosen if facts.get(name) is not None]
    chosen = known or chosen  # an unknown fact did not decide a known answer
    chosen.sort(key=lambda name: (name != "n_metastases", not name.startswith("n_")))  # counts say most
    return ", ".join(_phrase(name, facts, kb) for name in chosen[:MAX_FACTS])


_BOUND = re.compile(r"^(?P<base>.+)_(?:min|max)$")


def _fold_bounds(reads: list[str], facts: Mapping[str, Any]) -> list[str]:
    """A count read with its bounds (`n_metastases`, `_min`, `_max`) is one finding: the count itself."""
    out: list[str] = []
    for name in reads:
        match = _BOUND.match(name)
        base = match["base"] if match and match["base"] in facts else name
        if base not in out:
            out.append(base)
    return out


def _phrase(name: str, facts: Mapping[str, Any], kb: KnowledgeBase) -> str:
    """`feature_phrase`, except that an unknown count with known bounds says its range ("1–2 metastases")."""
    lo, hi = facts.get(f"{name}_min"), facts.get(f"{name}_max")
    if facts.get(name) is None and isinstance(lo, int) and isinstance(hi, int) and lo != hi:
        shown = feature_phrase(name, {**facts, name: hi}, kb)
        if shown.startswith(str(hi)):
            return f"{lo}–{shown}"
    return feature_phrase(name, facts, kb)


def case_facts(out: Mapping[str, Any]) -> dict[str, Any]:
    """The assessment's `facts` plus its decided states (`estro_eortc`, `tnm9_m`, …) for `finding`."""
    ds = out.get("disease_state") or {}
    decided = {k: ds[k] for k in ("estro_eortc", "tnm9_m", "stage", "prognostic_group") if ds.get(k)}
    return {**(out.get("facts") or {}), **decided}
