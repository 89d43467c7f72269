"""Demo mode: the synthetic demo cases and one printed login, for `make run` only.

A normal start refuses to run while any active account still accepts the demo password (it is public).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from oligoboard.store import repositories as repo
from oligoboard.store.db import transaction
from oligoboard.store.models import User
from oligoboard.web import casework
from oligoboard.web.security import DEMO_PASSWORD, DEMO_USER, hash_password, verify_password

DEMO_ROLE = "clinician"


def load_demo(factory: sessionmaker[Session], cases_dir: Path, *, with_trial: bool = False) -> int:
    """Create the demo login and store every demo case not stored yet; returns the number stored.

    `with_trial` also seeds the demo trial (`load_demo_trial`: `oligoboard serve --demo` does).
    """
    stored = 0
    with transaction(factory) as session:
        if repo.get_user(session, DEMO_USER) is None:
            repo.add_user(session, DEMO_USER, hash_password(DEMO_PASSWORD), DEMO_ROLE, actor="demo")
    for path in sorted(cases_dir.glob("*.json")):
        document = casework.parse_upload(path.read_bytes(), path.name)
        with transaction(factory) as session:
            if repo.get_case(session, str(document.get("id"))) is not None:
                continue
            case = casework.validate(document)
            assessment = casework.assess(case)
            repo.save_version(
                session,
                casework.stored_form(case),
                assessment["case_hash"],
                "demo",
                casework.index_of(assessment),
                "demo case",
            )
            stored += 1
    if with_trial:
        load_demo_trial(factory, cases_dir)
    return stored


def accounts_with_demo_password(session: Session) -> list[str]:
    """Active accounts whose password is the public demo password."""
    users = session.scalars(select(User).where(User.active.is_(True)))
    return [u.username for u in users if verify_password(u.password_hash, DEMO_PASSWORD)]


DEMO_TRIAL = "NCT06114108"
DEMO_TRIAL_TEMPLATE = "demo-02-sync-two-bone-on-induction.json"


def _shift_dates(value: object, days: int) -> object:
    """Every ISO date in a document moved by `days` (the synthetic copies keep their internal intervals)."""
    import datetime as dt
    import re

    if isinstance(value, dict):
        return {k: _shift_dates(v, days) for k, v in value.items()}
    if isinstance(value, list):
        return [_shift_dates(v, days) for v in value]
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return (dt.date.fromisoformat(value) + dt.timedelta(days=days)).isoformat()
    return value


def load_demo_trial(
    factory: sessionmaker[Session], cases_dir: Path, patients: int = 18, seed: int = 16
) -> int:
    """A demo salVage trial: synthetic copies of an eligible demo case (dates shifted so each is assessed on
    its enrolment day), enrolled and randomised through the real services, followed up every interval with
    a seeded synthetic course (progression more often in the control arm, some deaths, a few missed visits);
    two more patients enrolled but not randomised. Returns the number of patients added (0 if present)."""
    import datetime as dt
    import json
    import random

    from oligoboard.store import trial_repositories as trials
    from oligoboard.store.clock import utc_now
    from oligoboard.trial import enrolment as service
    from oligoboard.trial import followup
    from oligoboard.trial.randomisation.config import operations_for
    from oligoboard.web.routes.trials_api import death_in, visit_in

    config = operations_for(DEMO_TRIAL)
    with transaction(factory) as session:
        if trials.enrolments(session, DEMO_TRIAL):
            return 0
    trials.ensure_trial(factory, DEMO_TRIAL)
    template = json.loads((cases_dir / DEMO_TRIAL_TEMPLATE).read_text(encoding="utf-8"))
    base = dt.date.fromisoformat(template["assessment_date"])
    rng = random.Random(seed)
    today = utc_now().date()
    sites = ("liver", "bone", "brain", "lung", "adrenal")
    for i in range(patients + 2):
        start = dt.date(2025, 1, 10) + dt.timedelta(days=24 * i)
        document = _shift_dates(template, (start - base).days)
        assert isinstance(document, dict)
        document["id"] = f"trial-demo-{i + 1:02d}"
        document["patient"] = {**document.get("patient", {}), "ecog": i % 2}
        with transaction(factory) as session:
            case = casework.validate(document)
            assessment = casework.assess(case)
            record, _ = repo.save_version(
                session,
                casework.stored_form(case),
                assessment["case_hash"],
                "demo",
                casework.index_of(assessment),
                "demo trial patient",
            )
            row = service.enrol(session, config, record, assessment, "demo", enrolment_date=start)
        if i >= patients:
            continue  # enrolled, not yet randomised
        with transaction(factory) as session:
            arm = service.randomise(
                session, config, row.id, {"centre": "AB"[i % 2]}, "demo", randomisation_date=start
            ).arm
        hazard = 0.04 if arm == "lat" else 0.10  # per month, synthetic
        progressed: str | None = None
        for visit in followup.schedule(config, start):
            when = visit.due + dt.timedelta(days=rng.randint(-4, 4))
            if when > today:
                break
            if rng.random() < 0.08:
                continue  # a missed visit
            entry = followup.VisitInput(when, "SD", visit_no=visit.number)
            if progressed is not None:
                entry = followup.VisitInput(when, "PD", visit_no=visit.number, progression_lesion=progressed)
            elif rng.random() < 1 - (1 - hazard) ** config.followup.interval_months.value:
                site = rng.choice(sites)
                entry = followup.VisitInput(when, "PD", visit_no=visit.number, progression_site=site)
            with transaction(factory) as session:
                done = visit_in(session, config, row.id, entry, "demo")
            if entry.progression_site is not None:
                progressed = f"{done['scan_id']}-new-{entry.progression_site}"
                if rng.random() < 0.5:
                    death = when + dt.timedelta(days=rng.randint(20, 120))
                    if death <= today:
                        with transaction(factory) as session:
                            death_in(session, config, row.id, death, "demo")
                        break
    return patients + 2
