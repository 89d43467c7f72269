"""Both guidelines side by side for one case: per topic, which recommendations apply, and do they agree.

Verdict per topic (only rule recommendations count; unverified guidance is listed, never weighed):
* `agree`   — both guidelines have a rule on the topic and either both have one that applies, or neither
              does and none is undetermined;
* `differ`  — one guideline has an applying recommendation and the other has only not-applicable ones;
* `open`    — at least one side is undetermined, so the comparison cannot be made yet;
* `one_sided` — only one guideline has a rule on the topic.
"""

from __future__ import annotations

from typing import Any

from oligoboard.guidelines.catalogue import EncodedRecommendation, Guideline

TOPIC_LABELS: dict[str, str] = {
    "local_therapy": "Definitive local therapy of all sites",
    "systemic_first": "Systemic therapy first, local therapy after",
    "mdt": "Multidisciplinary decision",
    "selection": "Feasibility and number of sites",
    "modality": "Modality of local therapy",
}


def _side(recs: list[dict[str, Any]]) -> str:
    statuses = {r["status"] for r in recs}
    if "applies" in statuses:
        return "applies"
    if "undetermined" in statuses:
        return "undetermined"
    return "not_applicable"


def _brief(rec: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": rec["id"],
        "status": rec["status"],
        "grade": rec["grade"],
        "strength": rec.get("strength"),
        "quality": rec.get("quality"),
        "verified": rec.get("verified", True),
    }


def _note(topic: str, verdict: str, sides: dict[str, str]) -> str:
    label = TOPIC_LABELS.get(topic, topic)
    if verdict == "agree":
        apply = "apply" if next(iter(sides.values())) == "applies" else "do not apply"
        every = "both guidelines" if len(sides) == 2 else f"all {len(sides)} guidelines"
        return f"{label}: recommendations of {every} {apply} to this case."
    if verdict == "differ":
        yes = [g for g, s in sides.items() if s == "applies"]
        no = [g for g, s in sides.items() if s != "applies"]
        return f"{label}: {', '.join(yes)} has a recommendation that applies; {', '.join(no)} has none."
    if verdict == "open":
        return f"{label}: cannot compare yet, a recommendation is undetermined."
    return f"{label}: only {', '.join(sides)} has an encoded rule on this topic."


def concordance(
    recommendations: list[dict[str, Any]],
    guidance: list[EncodedRecommendation],
    method_differences: list[str],
    guidelines: list[Guideline],
) -> dict[str, Any]:
    """Rows per topic with every guideline's answers and grades; agreements, differences, evidence.

    Each row has `sides` (one entry per guideline, in `guidelines` order, with the guideline's name, key and
    recommendations) and, for each guideline, the same list under the guideline's key (`dlcg`,
    `astro_estro`, …: the keys of the first contract, kept).
    """
    topics: list[str] = []
    for rec in recommendations:
        if rec["topic"] not in topics:
            topics.append(rec["topic"])
    rows: list[dict[str, Any]] = []
    agreements: list[str] = []
    differences: list[str] = []
    for topic in topics:
        by_guideline = {
            g.name: [r for r in recommendations if r["topic"] == topic and r["guideline"] == g.name]
            for g in guidelines
        }
        present = {g: recs for g, recs in by_guideline.items() if recs}
        sides = {g: _side(recs) for g, recs in present.items()}
        if len(present) < 2:
            verdict = "one_sided"
        elif "undetermined" in sides.values():
            verdict = "open"
        elif len(set(sides.values())) == 1:
            verdict = "agree"
        else:
            verdict = "differ"
        note = _note(topic, verdict, sides)
        if verdict == "agree":
            agreements.append(note)
        elif verdict == "differ":
            differences.append(note)
        row: dict[str, Any] = {
            "topic": topic,
            "label": TOPIC_LABELS.get(topic, topic),
            "verdict": verdict,
            "note": note,
        }
        row.update({g.key: [_brief(r) for r in by_guideline[g.name]] for g in guidelines})
        row["unverified_guidance"] = [item.id for item in guidance if item.topic == topic]
        row["sides"] = [
            {
                "guideline": g.name,
                "key": g.key,
                "recommendations": row[g.key],
                "unverified_guidance": [
                    item.id for item in guidance if item.topic == topic and item.guideline == g.name
                ],
            }
            for g in guidelines
        ]
        rows.append(row)
    evidence = [
        {
            "id": r["id"],
            "guideline": r["guideline"],
            "status": r["status"],
            "grade": r["grade"],
            "strength": r.get("strength"),
            "quality": r.get("quality"),
        }
        for r in recommendations
        if r["status"] == "applies"
    ]
    return {
        "guidelines": [
            {"name": g.name, "short": g.short, "key": g.key, "file": g.file_id} for g in guidelines
        ],
        "rows": rows,
        "agreements": agreements,
        "differences": differences,
        "method_differences": list(method_differences),
        "evidence": evidence,
    }
