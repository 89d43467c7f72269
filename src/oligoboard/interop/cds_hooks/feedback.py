"""Cards issued and feedback received (`POST {baseUrl}/cds-services/{id}/feedback`), in the store.

The body is first checked against the `CDSHooksFeedback` logical model (`validate.py`: outcome
`accepted | overridden` cds-fb-1, accepted needs `acceptedSuggestions` cds-fb-2, an override reason
needs a reason or a comment cds-fb-3). Then against what this service issued: the card must be one of
its cards for this service and this EHR, accepted suggestions must be the card's, and an override
reason must be one the card offered (`reasons.py`, the spec's clinical ValueSet); any other code is
refused. A body with any problem stores nothing (one transaction); the problems name the entry and
element, never a value. The clinician's `userComment` is stored (it is what feedback is for) but never
logged or echoed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from oligoboard.interop.cds_hooks.cards import IssuedCard
from oligoboard.interop.cds_hooks.reasons import VALUE_SET, is_offered
from oligoboard.store.cds_models import CdsCard, CdsFeedback

#: longest userComment stored (characters); a longer one is refused, not cut
MAX_COMMENT = 4000


@dataclass(frozen=True)
class FeedbackProblem:
    path: str
    message: str


class FeedbackRefused(Exception):
    """The feedback names cards, suggestions or reasons this service did not issue: 422, nothing stored."""

    def __init__(self, problems: list[FeedbackProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def record_cards(
    session: Session,
    issued: Iterable[IssuedCard],
    *,
    service_id: str,
    hook_instance: str,
    knowledge_version: str,
    issuer: str,
    tenant: str | None,
    at: str,
) -> None:
    """Remember the cards of one response (no patient data: see `store/cds_models.py`)."""
    for card in issued:
        session.add(
            CdsCard(
                card_uuid=card.uuid.lower(),
                service_id=service_id,
                hook_instance=hook_instance.lower(),
                kind=card.kind,
                item=card.item[:1000],
                suggestions=json.dumps([s.lower() for s in card.suggestions]),
                knowledge_version=knowledge_version,
                issuer=issuer,
                tenant=tenant,
                issued_at=at,
            )
        )


def _entry_problems(
    index: int, entry: Mapping[str, Any], card: CdsCard | None, service_id: str, issuer: str
) -> list[FeedbackProblem]:
    where = f"feedback[{index}]"
    if card is None or card.service_id != service_id:
        return [FeedbackProblem(f"{where}.card", "no card with this uuid was issued by this service")]
    if card.issuer != issuer:
        return [FeedbackProblem(f"{where}.card", "the card was issued to another EHR (iss)")]
    problems = []
    offered = set(json.loads(card.suggestions))
    for j, accepted in enumerate(entry.get("acceptedSuggestions") or []):
        if str(accepted.get("id", "")).lower() not in offered:
            problems.append(
                FeedbackProblem(f"{where}.acceptedSuggestions[{j}].id", "not a suggestion of this card")
            )
    reason = entry.get("overrideReason")
    if reason is not None and entry.get("outcome") != "overridden":
        problems.append(FeedbackProblem(f"{where}.overrideReason", "only with outcome overridden"))
    if isinstance(reason, dict):
        coding = reason.get("reason")
        if isinstance(coding, dict) and not is_offered(coding.get("system"), coding.get("code")):
            problems.append(
                FeedbackProblem(
                    f"{where}.overrideReason.reason",
                    f"not one of the override reasons the card offered ({VALUE_SET})",
                )
            )
        comment = reason.get("userComment")
        if isinstance(comment, str) and len(comment) > MAX_COMMENT:
            problems.append(
                FeedbackProblem(
                    f"{where}.overrideReason.userComment", f"longer than {MAX_COMMENT} characters"
                )
            )
    return problems


def record_feedback(
    session: Session, body: Mapping[str, Any], *, service_id: str, issuer: str, at: str
) -> int:
    """Store every entry of a validated feedback body, or none (`FeedbackRefused`); the count stored."""
    entries: list[Mapping[str, Any]] = list(body.get("feedback") or [])
    uuids = {str(e["card"]).lower() for e in entries}
    cards = {
        c.card_uuid: c for c in session.scalars(select(CdsCard).where(CdsCard.card_uuid.in_(uuids))).all()
    }
    problems: list[FeedbackProblem] = []
    for index, entry in enumerate(entries):
        problems += _entry_problems(index, entry, cards.get(str(entry["card"]).lower()), service_id, issuer)
    if problems:
        raise FeedbackRefused(problems)
    for entry in entries:
        reason = entry.get("overrideReason") or {}
        coding = reason.get("reason") or {}
        session.add(
            CdsFeedback(
                card_uuid=str(entry["card"]).lower(),
                outcome=str(entry["outcome"]),
                accepted_suggestions=json.dumps(
                    [str(s["id"]).lower() for s in entry.get("acceptedSuggestions") or []]
                ),
                reason_system=coding.get("system"),
                reason_code=coding.get("code"),
                user_comment=reason.get("userComment"),
                outcome_timestamp=str(entry["outcomeTimestamp"]),
                issuer=issuer,
                received_at=at,
            )
        )
    return len(entries)


def feedback_of(session: Session, card_uuid: str) -> list[CdsFeedback]:
    """The feedback received on one card, oldest first."""
    query = select(CdsFeedback).where(CdsFeedback.card_uuid == card_uuid.lower()).order_by(CdsFeedback.id)
    return list(session.scalars(query).all())
