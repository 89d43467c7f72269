"""Enrolment and randomisation: the rules a trial office applies, on top of the store's tables and lock.

- Enrolment binds a case version to a trial with an eligibility snapshot (knowledge version, case version
  and hash, the trial's verdict and each criterion's status, and the facts the stratification factors read).
  A verdict other than `eligible` needs an override reason, and only a role the caller allows (the web
  gives it to clinicians and admins: eligibility is a medical judgement).
- Randomisation is refused until the enrolment stands (eligible or overridden) and every stratification
  factor has a value in a configured level; the levels used are frozen in the allocation row and the log.
  The arm comes from the trial's method (`randomisation.blocks` or `.minimisation`) and is computed only
  inside the locked transaction, so nobody can read it before assignment.
- A mistaken allocation is invalidated with a reason (a new row and log entry); nothing is edited, its
  sequence number is never reused and the patient cannot be randomised again (intention to treat).
Every refusal is an `InputError` naming the field; nothing is written when one is raised.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from oligoboard.errors import InputError, Problem
from oligoboard.store import audit
from oligoboard.store import repositories as repo
from oligoboard.store import trial_repositories as trials
from oligoboard.store.clock import iso, utc_now
from oligoboard.store.models import CaseRecord
from oligoboard.store.trial_models import Allocation, Enrolment, Invalidation
from oligoboard.trial.randomisation import blocks, minimisation
from oligoboard.trial.randomisation.config import TrialOperations

#: Test-only hook: when set to a file path, a randomisation writes that file and sleeps inside its
#: transaction after the allocation is flushed (the crash test SIGKILLs the server then).
HOLD_ENV = "OLIGOBOARD_TEST_HOLD_RANDOMISATION"


def _refuse(message: str, field: str, detail: str) -> InputError:
    return InputError(message, [Problem(field, detail)])


def snapshot(
    assessment: Mapping[str, Any], trial_id: str, case_version: int, config: TrialOperations
) -> dict[str, Any]:
    """What the enrolment was decided on, from the `assess --json` contract of one case version."""
    verdict = next((t for t in assessment.get("trials", []) if t.get("id") == trial_id), None)
    if verdict is None:
        raise _refuse("trial not assessed", "trial_id", "the assessment has no verdict for this trial")
    facts = assessment.get("facts", {})
    return {
        "knowledge_version": assessment.get("knowledge_version"),
        "case_version": case_version,
        "case_hash": assessment.get("case_hash"),
        "verdict": verdict.get("status"),
        "criteria": [{"id": c.get("id"), "status": c.get("status")} for c in verdict.get("criteria", [])],
        "facts": {f.fact: facts.get(f.fact) for f in config.factors if f.fact is not None},
    }


def enrol(
    session: Session,
    config: TrialOperations,
    record: CaseRecord,
    assessment: Mapping[str, Any],
    actor: str,
    *,
    enrolment_date: date,
    override_reason: str = "",
    may_override: bool = False,
) -> Enrolment:
    """Enrol the case's current version; refused when already enrolled or an override is missing."""
    if trials.enrolment_of_case(session, config.trial, record.id) is not None:
        raise _refuse("already enrolled", "case_id", "this case is already enrolled in this trial")
    snap = snapshot(assessment, config.trial, record.current_version, config)
    reason = override_reason.strip()
    if snap["verdict"] != "eligible":
        if not reason:
            raise _refuse(
                "override needed",
                "override_reason",
                f"the trial verdict is {snap['verdict']}: give a reason to override",
            )
        if not may_override:
            raise _refuse("override not allowed", "override_reason", "your role may not override eligibility")
    elif reason:
        raise _refuse("no override needed", "override_reason", "the case is eligible: leave the reason empty")
    now = iso(utc_now())
    row = Enrolment(
        trial_id=config.trial,
        case_pk=record.id,
        case_version=record.current_version,
        knowledge_version=str(snap["knowledge_version"]),
        verdict=str(snap["verdict"]),
        snapshot=json.dumps(snap, sort_keys=True),
        override_reason=reason[:2000],
        enrolment_date=enrolment_date.isoformat(),
        enrolled_by=actor,
        created_at=now,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor,
        "trial.enrol",
        f"trial:{config.trial}/enrolment:{row.id}",
        after={
            "case": record.case_id,
            "case_version": row.case_version,
            "knowledge_version": row.knowledge_version,
            "verdict": row.verdict,
            "override": bool(reason),
        },
    )
    return row


def levels_of(config: TrialOperations, row: Enrolment, entered: Mapping[str, object]) -> dict[str, str]:
    """The level of every factor, or an InputError listing each unknown or unmatched factor."""
    problems: list[Problem] = []
    for key in entered:
        factor = config.factor(str(key))
        if factor is None or not factor.entered:
            problems.append(
                Problem(
                    f"factors.{key}" if str(key).isidentifier() else "factors",
                    "not an entered stratification factor of this trial",
                )
            )
    facts = trials.snapshot_of(row).get("facts", {})
    out: dict[str, str] = {}
    for factor in config.factors:
        value = entered.get(factor.id) if factor.entered else facts.get(factor.fact)
        if value is None:
            problems.append(
                Problem(f"factors.{factor.id}", "unknown: every stratification factor must be known")
            )
            continue
        level = factor.level_of(value)
        if level is None:
            expected = ", ".join(lv.id for lv in factor.levels)
            problems.append(Problem(f"factors.{factor.id}", "outside every configured level", expected))
            continue
        out[factor.id] = level
    if problems:
        raise InputError("randomisation refused", problems)
    return out


@dataclass(frozen=True)
class Assignment:
    sequence: int
    arm: str
    enrolment_id: int


def _u(secret: bytes, trial_id: str, sequence: int) -> float:
    digest = hmac.new(secret, f"minimisation|{trial_id}|{sequence}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _hold() -> None:
    flag = os.environ.get(HOLD_ENV, "")
    if flag:
        Path(flag).write_text("holding\n", encoding="utf-8")
        time.sleep(60)


def randomise(
    session: Session,
    config: TrialOperations,
    enrolment_id: int,
    entered: Mapping[str, object],
    actor: str,
    *,
    randomisation_date: date,
) -> Assignment:
    """Assign the next sequence number and an arm, inside the caller's transaction (lock taken first)."""
    counter = trials.lock_trial(session, config.trial)
    row = trials.enrolment(session, enrolment_id)
    if row is None or row.trial_id != config.trial:
        raise _refuse("unknown enrolment", "enrolment_id", "no such enrolment in this trial")
    if trials.allocation_of(session, row.id) is not None:
        raise _refuse(
            "already randomised", "enrolment_id", "this patient is already randomised in this trial"
        )
    if row.verdict != "eligible" and not row.override_reason:
        raise _refuse(
            "eligibility not confirmed", "enrolment_id", "eligibility is neither confirmed nor overridden"
        )
    if randomisation_date.isoformat() < row.enrolment_date:
        raise _refuse(
            "randomisation before enrolment", "randomisation_date", "earlier than the enrolment date"
        )
    levels = levels_of(config, row, entered)
    stratum = "|".join(f"{k}={v}" for k, v in sorted(levels.items()))
    sequence = counter.last_sequence + 1
    secret = trials.secret_of(session, config.trial)
    previous = trials.allocations(session, config.trial)
    details: dict[str, Any]
    if config.method.value == "blocks":
        assert config.blocks is not None
        position = sum(1 for a in previous if a.stratum == stratum)
        drawn = blocks.draw(
            secret,
            config.trial,
            stratum,
            position,
            config.blocks.sizes.value,
            config.arm_ids,
            config.ratio.value,
        )
        arm = drawn.arm
        details = {
            "block": drawn.block_index,
            "block_size": drawn.block_size,
            "position": drawn.position_in_block,
        }
    else:
        assert config.minimisation is not None
        invalid = trials.invalidated_ids(session, config.trial)
        counts: dict[str, dict[str, dict[str, int]]] = {}
        for a in previous:
            if a.id not in invalid:
                minimisation.add(counts, trials.factors_of(a), a.arm)
        weights = {f.id: f.weight.value for f in config.factors}
        picked = minimisation.choose(
            counts,
            levels,
            weights,
            config.arm_ids,
            config.minimisation.probability.value,
            _u(secret, config.trial, sequence),
            config.minimisation.imbalance.value,
        )
        arm = picked.arm
        details = {"imbalance": picked.imbalance, "u": picked.u}
    record = trials.case_of(session, row)
    now = iso(utc_now())
    allocation = Allocation(
        trial_id=config.trial,
        enrolment_id=row.id,
        sequence=sequence,
        arm=arm,
        stratum=stratum,
        factors=json.dumps(levels, sort_keys=True),
        randomisation_date=randomisation_date.isoformat(),
        allocated_by=actor,
        created_at=now,
    )
    session.add(allocation)
    counter.last_sequence = sequence
    session.flush()
    trials.append_log(
        session,
        counter,
        "assign",
        {
            "sequence": sequence,
            "enrolment_id": row.id,
            "case": record.case_id,
            "arm": arm,
            "factors": levels,
            "method": config.method.value,
            "details": details,
            "date": allocation.randomisation_date,
            "by": actor,
            "at": now,
        },
    )
    audit.append(
        session,
        actor,
        "trial.randomise",
        f"trial:{config.trial}/allocation:{sequence}",
        after={"enrolment": row.id},
    )
    _hold()
    return Assignment(sequence, arm, row.id)


def invalidate(
    session: Session, config: TrialOperations, sequence: int, reason: str, actor: str
) -> Invalidation:
    """Mark allocation `sequence` as mistaken (the allocation itself stays as it was written)."""
    if not reason.strip():
        raise _refuse("reason needed", "reason", "an invalidation needs a reason")
    counter = trials.lock_trial(session, config.trial)
    allocation = trials.allocation_by_sequence(session, config.trial, sequence)
    if allocation is None:
        raise _refuse("unknown allocation", "sequence", "no allocation with this sequence number")
    if trials.invalidation_of(session, allocation.id) is not None:
        raise _refuse("already invalidated", "sequence", "this allocation is already invalidated")
    now = iso(utc_now())
    row = Invalidation(
        allocation_id=allocation.id, reason=reason.strip()[:2000], invalidated_by=actor, created_at=now
    )
    session.add(row)
    session.flush()
    trials.append_log(
        session, counter, "invalidate", {"sequence": sequence, "reason": row.reason, "by": actor, "at": now}
    )
    audit.append(session, actor, "trial.invalidate", f"trial:{config.trial}/allocation:{sequence}")
    return row


def case_record(session: Session, case_id: str) -> CaseRecord:
    record = repo.get_case(session, case_id)
    if record is None:
        raise _refuse("unknown case", "case_id", "no such case")
    return record


def is_retryable(exc: IntegrityError) -> bool:
    """A lost race on the global audit chain (`audit_events.prev_hash`): the caller retries the transaction."""
    return "audit_events" in str(exc.orig) or "prev_hash" in str(exc.orig)
