"""OS/PFS from dated events by the protocol definitions in `knowledge/endpoints/survival.yaml`.

NCT06523673 (seed 004): PFS "Time from date of randomization until the date of first documented progression
or date of death from any cause ..., whichever came first"; OS "Time from date of randomization to death
(from any cause)". NCT01282450 (seed 000): OS "two years after entering the study" (origin = enrolment).
Censoring (not in the seeds, FDA convention, `shared/reference/trial-operations.md` §4.1): PFS at the last
tumour assessment (none → the origin), OS at the last date known alive.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from oligoboard.errors import InputError, KnowledgeError
from oligoboard.knowledge.reading import load_spec
from oligoboard.trial.survival.endpoints import (
    DAYS_PER_MONTH,
    ENDPOINTS_FILE,
    EndpointEvent,
    EndpointsFile,
    endpoint_definition,
    endpoint_definitions,
    endpoint_times,
)

D0 = dt.date(2025, 1, 10)


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


def ev(kind: str, n: int) -> EndpointEvent:
    return EndpointEvent(kind, day(n))  # type: ignore[arg-type]


PFS = endpoint_definition("NCT06523673", "pfs")
OS = endpoint_definition("NCT06523673", "os")

CASES = [
    # (definition, events, expected days, expected event, why)
    (
        PFS,
        [ev("randomisation", 0), ev("tumour_assessment", 60), ev("progression", 120), ev("death", 300)],
        120,
        1,
        "first documented progression ... whichever came first",
    ),
    (
        PFS,
        [ev("randomisation", 0), ev("tumour_assessment", 60), ev("death", 90)],
        90,
        1,
        "or date of death from any cause",
    ),
    (
        PFS,
        [
            ev("randomisation", 0),
            ev("tumour_assessment", 60),
            ev("tumour_assessment", 150),
            ev("last_known_alive", 200),
        ],
        150,
        0,
        "no event: censored at the last tumour assessment, not the last contact",
    ),
    (
        PFS,
        [ev("randomisation", 0), ev("last_known_alive", 40)],
        0,
        0,
        "no post-baseline assessment: censored at the origin",
    ),
    (
        OS,
        [ev("randomisation", 0), ev("progression", 120), ev("death", 300)],
        300,
        1,
        "randomization to death (from any cause)",
    ),
    (
        OS,
        [ev("randomisation", 0), ev("progression", 120), ev("last_known_alive", 400)],
        400,
        0,
        "alive: last date known alive",
    ),
    (
        OS,
        [ev("randomisation", 0), ev("tumour_assessment", 500)],
        500,
        0,
        "an assessment means alive on that date",
    ),
]


@pytest.mark.parametrize(("definition", "events", "days", "event", "why"), CASES, ids=[c[4] for c in CASES])
def test_endpoint_times(
    definition: object, events: list[EndpointEvent], days: int, event: int, why: str
) -> None:
    months, flag = endpoint_times(events, definition)  # type: ignore[arg-type]
    assert flag == event
    assert months == pytest.approx(days / DAYS_PER_MONTH)


def test_single_arm_trial_counts_from_enrolment() -> None:
    """Seed 000: 'The survival of participating patient two years after entering the study'."""
    os = endpoint_definition("NCT01282450", "os")
    assert os.origin == "enrolment" and os.landmarks_years == (2, 3)
    months, flag = endpoint_times([ev("enrolment", 0), ev("death", 365)], os)
    assert flag == 1 and months == pytest.approx(365 / DAYS_PER_MONTH)
    with pytest.raises(InputError, match="enrolment date is missing"):
        endpoint_times([ev("randomisation", 0), ev("death", 365)], os)


@pytest.mark.parametrize(
    ("events", "phrase"),
    [
        ([ev("randomisation", 10), ev("progression", 5)], "dated before the randomisation"),
        ([ev("randomisation", 0), ev("death", 50), ev("progression", 80)], "dated after the death"),
        ([ev("randomisation", 0), ev("death", 50), ev("death", 60)], "a second death"),
        ([ev("randomisation", 0), ev("randomisation", 3)], "recorded more than once"),
        ([ev("progression", 3)], "randomisation date is missing"),
    ],
)
def test_contradictory_timelines_are_refused(events: list[EndpointEvent], phrase: str) -> None:
    with pytest.raises(InputError) as info:
        endpoint_times(events, PFS)
    rendered = info.value.render()
    assert phrase in rendered
    assert "2025" not in rendered  # dates are patient data: never echoed


def test_every_definition_is_cited_and_unverified_censoring_says_so() -> None:
    definitions = endpoint_definitions()
    assert {(d.trial, d.endpoint) for d in definitions} >= {("NCT06523673", "pfs"), ("NCT06523673", "os")}
    for d in definitions:
        assert d.source.strip() and d.censoring_source.strip()
        assert not d.censoring_verified  # no seed states the censoring rule
    assert (
        endpoint_definition("NCT01282450", "pfs").verified is False
    )  # seed 000 names PFS without defining it


def test_a_trial_without_a_definition_is_refused() -> None:
    with pytest.raises(InputError, match="no PFS definition"):
        endpoint_definition("NCT00000000", "pfs")


def test_unknown_key_fails_the_load(tmp_path: Path) -> None:
    text = ENDPOINTS_FILE.read_text(encoding="utf-8").replace(
        "    censor_at:", "    censor_on: [death]\n    censor_at:", 1
    )
    bad = tmp_path / "survival.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError) as info:
        load_spec(EndpointsFile, bad)
    assert "censor_on" in info.value.render() and "survival.yaml" in info.value.render()
