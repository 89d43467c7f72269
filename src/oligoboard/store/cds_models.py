"""Tables of the CDS Hooks service: the cards it issued and the feedback the EHR sent on them.

A card row keeps what the feedback endpoint must check (which service issued it, its suggestion
uuids) and what makes feedback interpretable later (its kind, the recommendation or trial or fact it
was about, the knowledge version), never patient data: no patient id, no card text. Both tables are
append-only (triggers in migration 0004_cds), like the decisions and the audit chain.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from oligoboard.store.models import Base


class CdsCard(Base):
    __tablename__ = "cds_cards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    service_id: Mapped[str] = mapped_column(String(64))
    hook_instance: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(20))
    item: Mapped[str] = mapped_column(String(1000))
    suggestions: Mapped[str] = mapped_column(Text)  # JSON list of suggestion uuids
    knowledge_version: Mapped[str] = mapped_column(String(80))
    issuer: Mapped[str] = mapped_column(String(250))
    tenant: Mapped[str | None] = mapped_column(String(250), nullable=True)
    issued_at: Mapped[str] = mapped_column(String(32))


class CdsFeedback(Base):
    """One feedback entry: accepted (with the suggestions) or overridden (with an offered reason)."""

    __tablename__ = "cds_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_uuid: Mapped[str] = mapped_column(ForeignKey("cds_cards.card_uuid"), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    accepted_suggestions: Mapped[str] = mapped_column(Text)  # JSON list of suggestion uuids
    reason_system: Mapped[str | None] = mapped_column(String(250), nullable=True)
    reason_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    user_comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    outcome_timestamp: Mapped[str] = mapped_column(String(40))
    issuer: Mapped[str] = mapped_column(String(250))
    received_at: Mapped[str] = mapped_column(String(32))


#: Tables whose rows are never changed or removed once written.
CDS_APPEND_ONLY: tuple[str, ...] = ("cds_cards", "cds_feedback")
