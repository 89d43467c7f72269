"""Trial operations: enrolments, allocations and their hash-chained log, invalidations, visits, deaths.

Revision ID: 0003_trials
Revises: 0002_login
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_trials"
down_revision = "0002_login"
branch_labels = None
depends_on = None

APPEND_ONLY = (
    "trial_enrolments",
    "trial_allocations",
    "trial_invalidations",
    "trial_allocation_log",
    "trial_visits",
    "trial_deaths",
)


def upgrade() -> None:
    op.create_table(
        "trial_secrets",
        sa.Column("trial_id", sa.String(40), primary_key=True),
        sa.Column("secret", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "trial_counters",
        sa.Column("trial_id", sa.String(40), primary_key=True),
        sa.Column("last_sequence", sa.Integer, nullable=False),
        sa.Column("log_entries", sa.Integer, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "trial_enrolments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("trial_id", sa.String(40), nullable=False),
        sa.Column("case_pk", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("case_version", sa.Integer, nullable=False),
        sa.Column("knowledge_version", sa.String(80), nullable=False),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("snapshot", sa.Text, nullable=False),
        sa.Column("override_reason", sa.Text, nullable=False),
        sa.Column("enrolment_date", sa.String(10), nullable=False),
        sa.Column("enrolled_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.UniqueConstraint("trial_id", "case_pk"),
    )
    op.create_index("ix_trial_enrolments_trial_id", "trial_enrolments", ["trial_id"])
    op.create_table(
        "trial_allocations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("trial_id", sa.String(40), nullable=False),
        sa.Column(
            "enrolment_id", sa.Integer, sa.ForeignKey("trial_enrolments.id"), nullable=False, unique=True
        ),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("arm", sa.String(40), nullable=False),
        sa.Column("stratum", sa.String(250), nullable=False),
        sa.Column("factors", sa.Text, nullable=False),
        sa.Column("randomisation_date", sa.String(10), nullable=False),
        sa.Column("allocated_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.UniqueConstraint("trial_id", "sequence"),
    )
    op.create_index("ix_trial_allocations_trial_id", "trial_allocations", ["trial_id"])
    op.create_table(
        "trial_invalidations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "allocation_id", sa.Integer, sa.ForeignKey("trial_allocations.id"), nullable=False, unique=True
        ),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("invalidated_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "trial_allocation_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("trial_id", sa.String(40), nullable=False),
        sa.Column("entry_no", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
        sa.UniqueConstraint("trial_id", "entry_no"),
        sa.UniqueConstraint("trial_id", "prev_hash"),
    )
    op.create_index("ix_trial_allocation_log_trial_id", "trial_allocation_log", ["trial_id"])
    op.create_table(
        "trial_visits",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("enrolment_id", sa.Integer, sa.ForeignKey("trial_enrolments.id"), nullable=False),
        sa.Column("visit_no", sa.Integer),
        sa.Column("visit_date", sa.String(10), nullable=False),
        sa.Column("case_version", sa.Integer, nullable=False),
        sa.Column("scan_id", sa.String(200), nullable=False),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_trial_visits_enrolment_id", "trial_visits", ["enrolment_id"])
    op.create_table(
        "trial_deaths",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "enrolment_id", sa.Integer, sa.ForeignKey("trial_enrolments.id"), nullable=False, unique=True
        ),
        sa.Column("death_date", sa.String(10), nullable=False),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    _append_only_triggers()


def _append_only_triggers() -> None:
    """Refuse UPDATE and DELETE on the trial tables (PostgreSQL reuses 0001's trigger function)."""
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        for verb in ("UPDATE", "DELETE"):
            name = f"{table}_no_{verb.lower()}"
            if dialect == "postgresql":
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
    for table in (
        "trial_deaths",
        "trial_visits",
        "trial_allocation_log",
        "trial_invalidations",
        "trial_allocations",
        "trial_enrolments",
        "trial_counters",
        "trial_secrets",
    ):
        op.drop_table(table)
