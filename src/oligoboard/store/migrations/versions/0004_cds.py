"""CDS Hooks: the cards issued and the feedback received on them (both append-only).

Revision ID: 0004_cds
Revises: 0003_trials
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_cds"
down_revision = "0003_trials"
branch_labels = None
depends_on = None

APPEND_ONLY = ("cds_cards", "cds_feedback")


def upgrade() -> None:
    op.create_table(
        "cds_cards",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("card_uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("service_id", sa.String(64), nullable=False),
        sa.Column("hook_instance", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("item", sa.String(1000), nullable=False),
        sa.Column("suggestions", sa.Text, nullable=False),
        sa.Column("knowledge_version", sa.String(80), nullable=False),
        sa.Column("issuer", sa.String(250), nullable=False),
        sa.Column("tenant", sa.String(250)),
        sa.Column("issued_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "cds_feedback",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("card_uuid", sa.String(36), sa.ForeignKey("cds_cards.card_uuid"), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("accepted_suggestions", sa.Text, nullable=False),
        sa.Column("reason_system", sa.String(250)),
        sa.Column("reason_code", sa.String(64)),
        sa.Column("user_comment", sa.Text),
        sa.Column("outcome_timestamp", sa.String(40), nullable=False),
        sa.Column("issuer", sa.String(250), nullable=False),
        sa.Column("received_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_cds_feedback_card_uuid", "cds_feedback", ["card_uuid"])
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        for verb in ("UPDATE", "DELETE"):
            name = f"{table}_no_{verb.lower()}"
            if dialect == "postgresql":  # the function comes with revision 0001
                op.execute(
                    f"CREATE TRIGGER {name} BEFORE {verb} ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION oligoboard_append_only()"
                )
            else:
                op.execute(
                    f"CREATE TRIGGER {name} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'oligoboard: {table} is append-only'); END"
                )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        for verb in ("update", "delete"):
            op.execute(
                f"DROP TRIGGER IF EXISTS {table}_no_{verb}"
                + (f" ON {table}" if dialect == "postgresql" else "")
            )
    op.drop_index("ix_cds_feedback_card_uuid", "cds_feedback")
    op.drop_table("cds_feedback")
    op.drop_table("cds_cards")
