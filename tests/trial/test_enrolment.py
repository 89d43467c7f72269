"""Enrolment and randomisation against a real database (SQLite and PostgreSQL): the eligibility snapshot,
overrides, the refusals that store nothing, one randomisation per patient, frozen strata, invalidation,
append-only tables and the hash-chained allocation log that `oligoboard trial verify` checks."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from oligoboard.cli.main import main
from oligoboard.errors import InputError
from oligoboard.store import repositories as repo
from oligoboard.store import trial_repositories as trials
from oligoboard.store.db import transaction
from oligoboard.store.models import AuditEvent, CaseRecord
from oligoboard.store.trial_models import Allocation, AllocationLogEntry, Enrolment
from oligoboard.trial import enrolment as service
from oligoboard.trial.randomisation.config import operations_for
from oligoboard.web import casework

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cases"
SALVAGE = operations_for("NCT06114108")
TODAY = dt.date(2026, 12, 1)


def store_case(session: Session, name: str) -> tuple[CaseRecord, dict[str, Any]]:
    document = casework.parse_upload((EXAMPLES / name).read_bytes(), name)
    case = casework.validate(document)
    assessment = casework.assess(case)
    record, _ = repo.save_version(
        session, casework.stored_form(case), assessment["case_hash"], "test", casework.index_of(assessment)
    )
    return record, assessment


def count(session: Session, model: type[Any]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_enrolling_an_eligible_case_keeps_the_eligibility_snapshot(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        record, assessment = store_case(session, "demo-02-sync-two-bone-on-induction.json")
        row = service.enrol(session, SALVAGE, record, assessment, "coord", enrolment_date=TODAY)
    with transaction(factory) as session:
        stored = session.get(Enrolment, row.id)
        assert stored is not None
        snap = trials.snapshot_of(stored)
        verdict = next(t for t in assessment["trials"] if t["id"] == "NCT06114108")
        assert snap["verdict"] == verdict["status"] == stored.verdict == "eligible"
        assert snap["knowledge_version"] == assessment["knowledge_version"] == stored.knowledge_version
        assert snap["case_version"] == record.current_version and snap["case_hash"] == assessment["case_hash"]
        assert snap["criteria"] == [{"id": c["id"], "status": c["status"]} for c in verdict["criteria"]]
        assert snap["facts"] == {
            "ecog": assessment["facts"]["ecog"],
            "n_intracranial": assessment["facts"]["n_intracranial"],
        }
        assert (
            session.scalars(select(AuditEvent.action).order_by(AuditEvent.id.desc())).first() == "trial.enrol"
        )


@pytest.mark.parametrize(
    ("reason", "may_override", "field"),
    [("", True, "override_reason"), ("clinician judges the brain MRI adequate", False, "override_reason")],
)
def test_an_undetermined_case_needs_a_reason_and_an_allowed_role(
    factory: sessionmaker[Session], reason: str, may_override: bool, field: str
) -> None:
    with transaction(factory) as session:
        record, assessment = store_case(session, "demo-08-induced-oligopersistence.json")
    assert next(t for t in assessment["trials"] if t["id"] == "NCT06114108")["status"] == "undetermined"
    with transaction(factory) as session:
        events = count(session, AuditEvent)
    with pytest.raises(InputError) as info, transaction(factory) as session:
        service.enrol(
            session,
            SALVAGE,
            record,
            assessment,
            "u",
            enrolment_date=TODAY,
            override_reason=reason,
            may_override=may_override,
        )
    assert [p.path for p in info.value.problems] == [field]
    with transaction(factory) as session:
        assert count(session, Enrolment) == 0 and count(session, AuditEvent) == events
    with transaction(factory) as session:
        row = service.enrol(
            session,
            SALVAGE,
            record,
            assessment,
            "clin",
            enrolment_date=TODAY,
            override_reason="clinician judges the brain MRI adequate",
            may_override=True,
        )
        assert row.verdict == "undetermined" and row.override_reason


def _enrol_eligible(factory: sessionmaker[Session]) -> int:
    with transaction(factory) as session:
        record, assessment = store_case(session, "demo-02-sync-two-bone-on-induction.json")
        row = service.enrol(session, SALVAGE, record, assessment, "coord", enrolment_date=TODAY)
    trials.ensure_trial(factory, SALVAGE.trial)
    return row.id


@pytest.mark.parametrize(
    ("factors", "paths"),
    [
        ({}, ["factors.centre"]),
        ({"centre": "Z"}, ["factors.centre"]),
        ({"centre": "A", "smoking": "yes"}, ["factors.smoking"]),
        ({"centre": "A", "ecog": "0"}, ["factors.ecog"]),  # a fact-based factor cannot be typed in
    ],
)
def test_randomisation_is_refused_until_every_factor_is_known_and_stores_nothing(
    factory: sessionmaker[Session], factors: dict[str, object], paths: list[str]
) -> None:
    enrolment_id = _enrol_eligible(factory)
    with pytest.raises(InputError) as info, transaction(factory) as session:
        service.randomise(session, SALVAGE, enrolment_id, factors, "coord", randomisation_date=TODAY)
    assert [p.path for p in info.value.problems] == paths
    with transaction(factory) as session:
        assert count(session, Allocation) == 0 and count(session, AllocationLogEntry) == 0
        counter = trials.lock_trial(session, SALVAGE.trial)
        assert counter.last_sequence == 0 and counter.log_entries == 0


def test_one_randomisation_per_patient_frozen_strata_invalidation_and_the_chain(
    factory: sessionmaker[Session], tmp_path: Path
) -> None:
    enrolment_id = _enrol_eligible(factory)
    with transaction(factory) as session:
        done = service.randomise(
            session, SALVAGE, enrolment_id, {"centre": "B"}, "coord", randomisation_date=TODAY
        )
    assert done.sequence == 1 and done.arm in SALVAGE.arm_ids
    with pytest.raises(InputError) as info, transaction(factory) as session:
        service.randomise(session, SALVAGE, enrolment_id, {"centre": "A"}, "coord", randomisation_date=TODAY)
    assert info.value.message == "already randomised"
    with transaction(factory) as session:
        allocation = trials.allocation_of(session, enrolment_id)
        assert allocation is not None
        assert trials.factors_of(allocation) == {"brain_metastases": "none", "centre": "B", "ecog": "1"}
        logged = json.loads(session.scalars(select(AllocationLogEntry.payload)).one())
        assert logged["factors"] == trials.factors_of(allocation) and set(
            logged["details"]["imbalance"]
        ) == set(SALVAGE.arm_ids)
    with pytest.raises(InputError), transaction(factory) as session:
        service.invalidate(session, SALVAGE, 1, "  ", "admin")
    with transaction(factory) as session:
        service.invalidate(session, SALVAGE, 1, "randomised the wrong patient record", "admin")
    with pytest.raises(InputError), transaction(factory) as session:
        service.invalidate(session, SALVAGE, 1, "again", "admin")
    with transaction(factory) as session:
        report = trials.verify_log(session, SALVAGE.trial)
        assert report.ok and report.entries == 2
    # the tables refuse edits in the database itself
    for statement in (
        "UPDATE trial_allocations SET arm = 'x'",
        "DELETE FROM trial_allocation_log",
        "DELETE FROM trial_invalidations",
    ):
        with pytest.raises(DBAPIError), transaction(factory) as session:
            session.execute(text(statement))


def _tamper(factory: sessionmaker[Session], dialect: str) -> None:
    """What a database administrator could still do: drop the trigger and rewrite an allocation."""
    with transaction(factory) as session:
        drop = "DROP TRIGGER trial_allocations_no_update" + (
            " ON trial_allocations" if dialect == "postgresql" else ""
        )
        session.execute(text(drop))
        session.execute(
            text("UPDATE trial_allocations SET arm = CASE WHEN arm = 'lat' THEN 'control' ELSE 'lat' END")
        )


def test_trial_verify_exit_codes(
    factory: sessionmaker[Session],
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    enrolment_id = _enrol_eligible(factory)
    with transaction(factory) as session:
        service.randomise(session, SALVAGE, enrolment_id, {"centre": "A"}, "coord", randomisation_date=TODAY)
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert main(["trial", "verify"]) == 0
    assert "NCT06114108: allocation log intact, 1" in capsys.readouterr().out
    _tamper(factory, "postgresql" if db_url.startswith("postgresql") else "sqlite")
    assert main(["trial", "verify"]) == 1
    assert "NCT06114108: BROKEN at allocation 1: differs from its log entry" in capsys.readouterr().err
    assert main(["trial", "verify", "--trial", "NCT00000000"]) == 2
    assert "trial" in capsys.readouterr().err
    monkeypatch.delenv("DATABASE_URL")
    assert main(["trial", "verify", "--db", str(tmp_path / "nope.db")]) == 2
    assert "Traceback" not in capsys.readouterr().err
