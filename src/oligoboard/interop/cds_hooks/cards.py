"""An assessment (the `assess --json` contract) as CDS Hooks cards for the `patient-view` hook.

At most four kinds of card, in this order:
1. **disease state**: the ESTRO/EORTC state, OMD, stage and M category, the counts they rest on, and
   the facts still missing (indicator `warning` when the state is undetermined, else `info`);
2. one card per **recommendation that applies**, with its grade as the guideline prints it, the
   guideline as the card's source and the section it comes from in the detail;
3. **trials the patient may fit** (eligible or undetermined), recruiting first, each linked to its
   ClinicalTrials.gov record, with one suggestion per eligible trial ("refer for screening");
4. the **next best question**: the missing fact whose answer could change the most verdicts (trial
   verdicts from `next_best_questions`, plus undetermined recommendations and the disease state that
   list the same fact), with a suggestion to ask for it before the board.

Suggestions propose a FHIR R4 `Task` (status `requested`, intent `proposal`) for the EHR to create;
nothing is ordered. Every card carries a fresh uuid (feedback names it) and the 12 override reasons of
`reasons.py`. Unverified rules are said to be unverified, in the detail. Summaries stay under 140
characters as the specification asks; texts come from the knowledge files, never from the record.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from oligoboard.interop.cds_hooks.reasons import override_reasons
from oligoboard.report.labels import (
    answer_key,
    clinical_text,
    plural,
    recommendation_label,
    state_label,
    trial_name,
    words,
)

MAX_SUMMARY = 139
TRIAL_REGISTRY = "https://clinicaltrials.gov/study/"


@dataclass(frozen=True)
class IssuedCard:
    """A card as sent, with what the feedback endpoint needs to check feedback on it."""

    uuid: str
    kind: str  # disease-state | recommendation | trials | question
    item: str  # recommendation id, trial ids, fact, or "" for the disease state
    suggestions: tuple[str, ...]
    card: dict[str, Any]


@dataclass
class CardMaker:
    """Builds cards for one patient; `new_uuid` is injectable so tests can pin identifiers."""

    patient_id: str
    source_label: str
    new_uuid: Callable[[], str] = field(default=lambda: str(uuid.uuid4()))

    def card(
        self,
        kind: str,
        item: str,
        summary: str,
        detail: str,
        indicator: str = "info",
        source: Mapping[str, Any] | None = None,
        suggestions: list[tuple[str, str]] | None = None,
        links: list[dict[str, str]] | None = None,
    ) -> IssuedCard:
        card_uuid = self.new_uuid()
        body: dict[str, Any] = {
            "uuid": card_uuid,
            "summary": shorten(summary),
            "indicator": indicator,
            "detail": detail,
            "source": dict(source) if source else {"label": self.source_label},
        }
        ids: list[str] = []
        if suggestions:
            made = []
            for label, description in suggestions:
                sid = self.new_uuid()
                ids.append(sid)
                made.append({"label": shorten(label), "uuid": sid, "actions": [self.task(description)]})
            body["suggestions"] = made
            body["selectionBehavior"] = "any"
        if links:
            body["links"] = links
        body["overrideReasons"] = override_reasons()
        return IssuedCard(card_uuid, kind, item, tuple(ids), body)

    def task(self, description: str) -> dict[str, Any]:
        """A `create` action proposing a FHIR R4 Task for the patient (the EHR decides what to do)."""
        return {
            "type": "create",
            "description": description,
            "resource": {
                "resourceType": "Task",
                "status": "requested",
                "intent": "proposal",
                "description": description,
                "for": {"reference": f"Patient/{self.patient_id}"},
            },
        }


def shorten(text: str, limit: int = MAX_SUMMARY) -> str:
    """One line of at most `limit` characters, cut at a word with an ellipsis.

    Example:
        >>> shorten("a b c d", 5)
        'a b…'
    """
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def _bullets(items: list[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def _fact(fact: str) -> str:
    key = answer_key(fact)
    return f"clinician's answer to {key}" if key else fact


def disease_state_card(assessment: Mapping[str, Any], maker: CardMaker) -> IssuedCard:
    ds = assessment["disease_state"]
    counts = ds["counts"]
    state = state_label(ds)
    summary = (
        f"Disease state: {state} (ESTRO/EORTC); OMD {words(ds['omd'])}; "
        f"stage {ds['stage'] or 'unknown'}, {ds['tnm9_m'] or 'M unknown'}"
    )
    lines = [
        f"**ESTRO/EORTC**: {state}. **ESTRO-ASTRO OMD**: {words(ds['omd'])}. "
        f"**Stage** (TNM 9): {ds['stage'] or 'unknown'}, {ds['tnm9_m'] or 'M category unknown'}. "
        f"**Prognostic group**: {words(ds['prognostic_group'])}.",
        "",
        "Metastases: "
        + ", ".join(
            f"{words(n).removeprefix('n ')} {'unknown' if counts[n] is None else counts[n]}"
            for n in ("n_metastases", "n_intracranial", "n_extracranial", "n_organs")
        )
        + ".",
    ]
    if ds["estro_eortc"] is not None:
        lines += ["", f"Classified by: {clinical_text(ds['explain']['estro_eortc']['source'])}."]
    if ds["missing"]:
        lines += ["", "Still missing (could change the state):", _bullets([_fact(f) for f in ds["missing"]])]
    if not ds["verified"]:
        lines += ["", "_Some rules behind this reading are not yet verified against their source._"]
    indicator = "warning" if ds["estro_eortc"] is None else "info"
    return maker.card("disease-state", "", summary, "\n".join(lines), indicator)


def recommendation_cards(assessment: Mapping[str, Any], maker: CardMaker) -> list[IssuedCard]:
    cards = []
    for rec in assessment["recommendations"]:
        if rec["status"] != "applies":
            continue
        label = recommendation_label(rec)
        grade = rec["grade"] or "not graded"
        summary = f"{label} (grade {grade}): {clinical_text(rec['title'])}"
        lines = [clinical_text(rec["text"]), "", f"**Grade**: {grade}"]
        if rec["strength"] or rec["quality"]:
            lines[-1] += f" (strength {rec['strength'] or '—'}, quality of evidence {rec['quality'] or '—'})"
        lines += ["", f"**Source**: {clinical_text(rec['source'])}"]
        if not rec["verified"]:
            lines += ["", "_This rule is not yet verified against its source._"]
        cards.append(
            maker.card(
                "recommendation",
                rec["id"],
                summary,
                "\n".join(lines),
                source={"label": rec["guideline"]},
                suggestions=[
                    (
                        "Discuss at the tumour board",
                        f"Discuss {label} (grade {grade}) at the multidisciplinary tumour board",
                    )
                ],
            )
        )
    return cards


def trials_card(assessment: Mapping[str, Any], maker: CardMaker) -> IssuedCard | None:
    fitting = [t for t in assessment["trials"] if t["status"] in ("eligible", "undetermined")]
    if not fitting:
        return None
    fitting.sort(key=lambda t: (not t["recruiting"], t["status"] != "eligible", t["id"]))
    eligible = [t for t in fitting if t["status"] == "eligible"]
    undetermined = len(fitting) - len(eligible)
    names = ", ".join(trial_name(t) for t in eligible[:3]) or "none yet"
    summary = f"Trials the patient may fit: eligible {names}" + (
        f"; {plural(undetermined, 'trial')} undetermined" if undetermined else ""
    )
    rows = []
    for t in fitting:
        state = "recruiting" if t["recruiting"] else "not recruiting"
        line = f"**{trial_name(t)}** — {words(t['status'])}, {state}, phase {t['phase']}: {t['title']}"
        if t["missing"]:
            line += f" (missing: {', '.join(_fact(f) for f in t['missing'][:4])})"
        rows.append(line)
    links = [
        {
            "label": f"{trial_name(t)} on ClinicalTrials.gov",
            "url": TRIAL_REGISTRY + t["id"],
            "type": "absolute",
        }
        for t in fitting
        if str(t["id"]).startswith("NCT")
    ]
    suggestions = [
        (
            f"Refer for screening: {trial_name(t)}",
            f"Refer the patient for screening for trial {trial_name(t)}",
        )
        for t in eligible
        if t["recruiting"]
    ]
    return maker.card(
        "trials",
        ",".join(t["id"] for t in fitting),
        summary,
        _bullets(rows),
        source={"label": "oligoboard trial criteria (registry records)"},
        suggestions=suggestions or None,
        links=links or None,
    )


def best_question(assessment: Mapping[str, Any]) -> tuple[str, str, int, list[str]] | None:
    """(fact, question, verdicts it could change, what they are) for the fact that settles most.

    Ties go to the fact that could change more recruiting trials, then to a case fact over a clinician's
    attestation (data the record can hold), then by name, so the choice is stable.
    """
    scores: dict[str, tuple[str, int, int, list[str]]] = {}
    for q in assessment["next_best_questions"]:
        text = q["question"] or _fact(q["fact"])
        scores[q["fact"]] = (text, q["could_change"], q["could_change_recruiting"], list(q["trials"]))
    for rec in assessment["recommendations"]:
        if rec["status"] == "undetermined":
            for fact in rec["missing"]:
                text, n, recruiting, what = scores.get(fact, (_fact(fact), 0, 0, []))
                scores[fact] = (text, n + 1, recruiting, [*what, recommendation_label(rec)])
    for fact in assessment["disease_state"]["missing"]:
        text, n, recruiting, what = scores.get(fact, (_fact(fact), 0, 0, []))
        scores[fact] = (text, n + 1, recruiting, [*what, "the disease state"])
    if not scores:
        return None
    fact = max(scores, key=lambda f: (scores[f][1], scores[f][2], answer_key(f) is None, f))
    text, n, _recruiting, what = scores[fact]
    return fact, text, n, what


def question_card(assessment: Mapping[str, Any], maker: CardMaker) -> IssuedCard | None:
    found = best_question(assessment)
    if found is None:
        return None
    fact, text, n, what = found
    summary = f"Next question: {clinical_text(text)}"
    detail = f"The answer could change {plural(n, 'verdict')}: {', '.join(what)}.\n\nMissing fact: `{fact}`."
    return maker.card(
        "question",
        fact,
        summary,
        detail,
        source={"label": "oligoboard missing-fact ranking"},
        suggestions=[
            ("Ask for it before the tumour board", f"Collect before the tumour board: {clinical_text(text)}")
        ],
    )


def build_cards(
    assessment: Mapping[str, Any], patient_id: str, new_uuid: Callable[[], str] | None = None
) -> list[IssuedCard]:
    """Every card for one assessment, in the order of this module's docstring."""
    label = f"oligoboard {assessment['engine_version']} · knowledge {assessment['knowledge_version']}"
    maker = CardMaker(patient_id, label) if new_uuid is None else CardMaker(patient_id, label, new_uuid)
    cards = [disease_state_card(assessment, maker), *recommendation_cards(assessment, maker)]
    for extra in (trials_card(assessment, maker), question_card(assessment, maker)):
        if extra is not None:
            cards.append(extra)
    return cards
