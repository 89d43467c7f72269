"""The two case@2 inputs features.sql derives from the timeline, on both backends.

1. `fdg_pet_ct_date` / `brain_mri_date`: the latest dated scan of that kind on or before assessment_date
   (any purpose; a brain MRI is modality mri with brain true). case@1 dates arrive as staging scans, so every
   case@1 verdict reads the same date as before (case_v2 frame: "every existing rule keeps its meaning").
2. A lesion's current status and size: its latest finding, else the lesion summary (brief, item 2); no
   latest finding when an undated scan records the lesion or same-day reads disagree.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from oligoboard.engine.runner import Engine
from tests.case.v2 import build2, scan
from tests.support.cases import build, lesion


def _features(engine: Engine, **changes: Any) -> dict[str, Any]:
    case = build2(**changes)
    python = engine.evaluate_one(case, backend="python").features
    duck = engine.evaluate_one(case, backend="duckdb").features
    assert python == duck
    return python


def _pet(scan_id: str, day: str | None, **fields: Any) -> dict[str, Any]:
    return {"id": scan_id, "date": day, "modality": "fdg_pet_ct", **fields}


def _mri(scan_id: str, day: str, brain: bool | None) -> dict[str, Any]:
    return {"id": scan_id, "date": day, "modality": "mri", "brain": brain}


D = date.fromisoformat

# (imaging, fdg_pet_ct_date, brain_mri_date); assessment_date is 2026-10-01
SCAN_DATES = [
    ([], None, None),  # known: no scans
    (None, None, None),  # unknown timeline
    ([_pet("P1", "2026-08-10", purpose="staging")], D("2026-08-10"), None),
    ([_pet("P1", "2026-08-10"), _pet("P2", "2026-09-20", purpose="restaging")], D("2026-09-20"), None),
    ([_pet("P1", "2026-08-10"), _pet("P2", None)], D("2026-08-10"), None),  # an undated scan has no date
    ([_pet("P1", "2026-10-01")], D("2026-10-01"), None),  # on the assessment date
    ([_mri("M1", "2026-08-12", True), _mri("M2", "2026-09-01", False)], None, D("2026-08-12")),
    ([_mri("M1", "2026-08-12", None)], None, None),  # coverage unknown: not counted as a brain MRI
    ([{"id": "C1", "date": "2026-08-12", "modality": "ct", "brain": True}], None, None),  # a CT is no MRI
]


@pytest.mark.parametrize(("imaging", "pet", "mri"), SCAN_DATES)
def test_staging_dates_come_from_the_latest_scan_of_the_kind(
    engine: Engine, imaging: list[dict[str, Any]] | None, pet: date | None, mri: date | None
) -> None:
    features = _features(engine, imaging=imaging)
    assert (features["fdg_pet_ct_date"], features["brain_mri_date"]) == (pet, mri)


def test_case1_staging_dates_are_read_as_before(engine: Engine) -> None:
    features = engine.evaluate_one(build()).features
    assert (features["fdg_pet_ct_date"], features["brain_mri_date"]) == (D("2026-08-10"), D("2026-08-12"))
    assert features["days_since_fdg_pet_ct"] == 52


UNKNOWN_SUMMARY = [lesion(1, "adrenal", status=None, size_mm=None)]

# (lesion summary, scans, any_lesion_progressing, any_lesion_new)
CURRENT_STATUS = [
    (
        UNKNOWN_SUMMARY,
        [scan("S1", "2026-08-10", ("L1", "new")), scan("S2", "2026-09-20", ("L1", "progressing"))],
        True,
        False,
    ),
    (
        UNKNOWN_SUMMARY,
        [scan("S1", "2026-08-10", ("L1", "progressing")), scan("S2", "2026-09-20", ("L1", "stable"))],
        False,
        False,
    ),
    # listed out of date order: the date decides, not the position
    (
        UNKNOWN_SUMMARY,
        [scan("S2", "2026-09-20", ("L1", "stable")), scan("S1", "2026-08-10", ("L1", "progressing"))],
        False,
        False,
    ),
    # an undated scan might be the latest: the timeline does not settle it, the (unknown) summary is used
    (
        UNKNOWN_SUMMARY,
        [scan("S1", "2026-08-10", ("L1", "stable")), scan("S2", None, ("L1", "progressing"))],
        None,
        None,
    ),
    # same-day reads that disagree settle nothing
    (
        UNKNOWN_SUMMARY,
        [scan("S1", "2026-09-20", ("L1", "stable")), scan("S2", "2026-09-20", ("L1", "new"))],
        None,
        None,
    ),
    # no finding for the lesion: its summary is the current status
    ([lesion(1, "adrenal", status="progressing")], [scan("S1", "2026-09-20")], True, False),
    # a finding with unknown status falls back to the summary
    ([lesion(1, "adrenal", status="new")], [scan("S1", "2026-09-20", ("L1", None))], False, True),
]


@pytest.mark.parametrize(("lesions", "imaging", "progressing", "new"), CURRENT_STATUS)
def test_current_status_is_the_latest_finding_else_the_summary(
    engine: Engine,
    lesions: list[dict[str, Any]],
    imaging: list[dict[str, Any]],
    progressing: bool | None,
    new: bool | None,
) -> None:
    features = _features(engine, lesions=lesions, imaging=imaging)
    assert (features["any_lesion_progressing"], features["any_lesion_new"]) == (progressing, new)


def test_current_size_is_the_latest_finding_else_the_summary(engine: Engine) -> None:
    older = {
        "id": "S1",
        "date": "2026-08-10",
        "findings": [{"lesion": "L1", "status": "new", "size_mm": 50.0}],
    }
    latest = {
        "id": "S2",
        "date": "2026-09-20",
        "findings": [{"lesion": "L1", "status": "stable", "size_mm": 30.0}],
    }
    lesions = [lesion(1, "adrenal", status=None, size_mm=18.0)]
    assert _features(engine, lesions=lesions, imaging=[older, latest])["max_lesion_size_mm"] == 30.0
    unsized = {**latest, "findings": [{"lesion": "L1", "status": "stable"}]}
    assert _features(engine, lesions=lesions, imaging=[older, unsized])["max_lesion_size_mm"] == 18.0


def _sized(scan_id: str, day: str | None, *readings: tuple[str | None, float | None]) -> dict[str, Any]:
    findings = [{"lesion": "L1", "status": status, "size_mm": size} for status, size in readings]
    return {"id": scan_id, "date": day, "findings": findings}


# (scans, max_lesion_size_mm, any_lesion_progressing); the lesion summary is status unknown, size 18 mm.
# Brief item 2: "same-day reads that disagree settle nothing" — for size as for status, however many scans
# share the day, and whatever the scans of earlier days read (features.sql `lesion_keys`)
SAME_DAY = [
    # two scans of the latest day agree: that is the reading
    (
        [_sized("S1", "2026-09-20", ("stable", 30.0)), _sized("S2", "2026-09-20", ("stable", 30.0))],
        30.0,
        False,
    ),
    # sizes disagree (status agrees): the size falls back to the summary, the status is read
    (
        [_sized("S1", "2026-09-20", ("stable", 30.0)), _sized("S2", "2026-09-20", ("stable", 30.1))],
        18.0,
        False,
    ),
    # one of the day's readings has no size: the size is not read
    (
        [
            _sized("S1", "2026-09-20", ("progressing", 30.0)),
            _sized("S2", "2026-09-20", ("progressing", None)),
        ],
        18.0,
        True,
    ),
    # one of the day's readings has no status: the status is not read (summary: unknown)
    ([_sized("S1", "2026-09-20", ("stable", 30.0)), _sized("S2", "2026-09-20", (None, 30.0))], 30.0, None),
    # three scans, the disagreement in the middle of the range: not read
    (
        [
            _sized("S1", "2026-09-20", ("stable", 25.0)),
            _sized("S2", "2026-09-20", ("stable", 40.0)),
            _sized("S3", "2026-09-20", ("stable", 25.0)),
        ],
        18.0,
        False,
    ),
    # an earlier day's disagreement and larger sizes do not reach the latest day
    (
        [
            _sized("S1", "2026-08-10", ("new", 90.0)),
            _sized("S2", "2026-08-10", ("progressing", 95.0)),
            _sized("S3", "2026-09-20", ("responding", 12.5)),
        ],
        12.5,
        False,
    ),
    # a later day wins even when its size is 0 and the earlier one 1000 (the key's widest span)
    (
        [_sized("S1", "2026-09-19", ("stable", 1000.0)), _sized("S2", "2026-09-20", ("responding", 0.0))],
        0.0,
        False,
    ),
    # scans before 2000-01-01 (negative day numbers in the key) are ordered by date too
    (
        [_sized("S1", "1999-06-01", ("progressing", 40.0)), _sized("S2", "1999-12-31", ("stable", 22.0))],
        22.0,
        False,
    ),
]


@pytest.mark.parametrize(("imaging", "size", "progressing"), SAME_DAY)
def test_the_latest_day_is_read_only_when_its_readings_agree(
    engine: Engine, imaging: list[dict[str, Any]], size: float | None, progressing: bool | None
) -> None:
    lesions = [lesion(1, "adrenal", status=None, size_mm=18.0)]
    features = _features(engine, lesions=lesions, imaging=imaging)
    assert (features["max_lesion_size_mm"], features["any_lesion_progressing"]) == (size, progressing)
