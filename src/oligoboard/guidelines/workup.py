"""Work-up gaps: the staging the guidelines require before OMD can be declared, still missing for a case.

Reads the rule set marked `info.workup: true` (knowledge/guidelines/workup.yaml). Every criterion that is not
met or unknown is one gap, with the case fields to collect. Scans that are present but older than the
file's `advisory_window_days` are listed separately as unverified advice, never as gaps (no guideline
source gives a recency window; see workup.yaml).
"""

from __future__ import annotations

from typing import Any

from oligoboard.engine.results import CaseResult, RuleSetResult
from oligoboard.guidelines.catalogue import is_workup


def workup_rule_sets(result: CaseResult) -> list[RuleSetResult]:
    return [rs for rs in result.rule_sets.values() if rs.kind == "recommendation" and is_workup(rs.compiled)]


def workup_gaps(result: CaseResult) -> list[dict[str, Any]]:
    """One entry per unmet or unknown work-up item: id, item, status, text, source, missing."""
    gaps: list[dict[str, Any]] = []
    for rs in workup_rule_sets(result):
        for c in rs.criteria:
            if c.value is True:
                continue
            spec = c.compiled.spec
            collect = spec.info.collect
            missing = list(c.missing) or ([str(collect)] if collect else [])
            gaps.append(
                {
                    "id": f"{rs.id}/{c.id}",
                    "item": spec.info.item if spec.info.item is not None else spec.text,
                    "status": c.status,
                    "text": " ".join(spec.text.split()),
                    "source": spec.source,
                    "missing": missing,
                }
            )
    return gaps


def workup_advisories(result: CaseResult) -> list[dict[str, Any]]:
    """Scans present but older than the advisory window (unverified local-policy advice, not gaps)."""
    out: list[dict[str, Any]] = []
    for rs in workup_rule_sets(result):
        window = rs.compiled.spec.info.advisory_window_days
        if window is None:
            continue
        for c in rs.criteria:
            item = c.compiled.spec.info.item if c.compiled.spec.info.item is not None else c.id
            feature = c.compiled.spec.info.age_feature
            age = result.features.get(str(feature)) if feature else None
            if c.value is True and isinstance(age, int) and age > int(window):
                out.append(
                    {
                        "id": f"{rs.id}/{c.id}",
                        "item": item,
                        "age_days": age,
                        "window_days": int(window),
                        "text": f"{item} is {age} days old (> {window} days)",
                        "source": rs.compiled.spec.info.advisory_window_source,
                        "verified": rs.compiled.spec.info.advisory_window_verified,
                    }
                )
    return out
