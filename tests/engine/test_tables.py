"""tables.py only reshapes: one row per thing, and an omitted list is told apart from an empty one."""

from __future__ import annotations

from datetime import date

from oligoboard.engine.tables import PATIENT_COLUMNS, TABLES, CaseTables, to_tables
from tests.case.v2 import build2, scan
from tests.support.cases import build, lesion


def _patient(**edit: object) -> dict[str, object]:
    row = to_tables([build(**edit)]).patients[0]
    return dict(zip([name for name, _ in PATIENT_COLUMNS], row, strict=True))


def _rows(tables: CaseTables, table: str) -> list[dict[str, object]]:
    names = [name for name, _ in TABLES[table]]
    return [dict(zip(names, row, strict=True)) for row in tables.rows(table)]


def test_every_row_matches_its_table_columns() -> None:
    case = build(
        lesions=[lesion(1, "bone"), lesion(2, "brain")],
        systemic_therapy=[{"line": 1, "start_date": "2026-08-20"}],
        radiotherapy_courses=[{"id": "RT1", "target": "L1", "oar": {"spinal_cord_dmax_gy": 20.0}}],
        answers={"NCT06114108/consent": True},
    )
    tables = to_tables([case])
    for table, columns in TABLES.items():
        assert all(len(row) == len(columns) for row in tables.rows(table)), table
    assert len(tables.lesions) == 2 and len(tables.therapies) == 1
    assert tables.rt_courses[0][6] == 20.0  # spinal_cord_dmax_gy
    assert tables.answers == [("t-001", "NCT06114108/consent", True)]


def test_omitted_and_empty_lists_are_different_facts() -> None:
    assert _patient(lesions=None)["lesions_known"] is False
    assert _patient(lesions=[])["lesions_known"] is True
    assert _patient(systemic_therapy=None)["systemic_known"] is False
    assert _patient(radiotherapy_courses=[])["rt_known"] is True


def test_absent_sections_give_nulls_not_defaults() -> None:
    row = _patient(tumour=None, patient=None)
    assert row["histology"] is None and row["driver_egfr"] is None and row["age_years"] is None
    assert _patient(tumour={"drivers": {"egfr": "positive"}})["driver_egfr"] == "positive"


def test_case1_staging_dates_arrive_as_scans() -> None:
    """The frame: staging.fdg_pet_ct_date / brain_mri_date become staging scans of the imaging table."""
    tables = to_tables([build()])  # the baseline: PET/CT on 2026-08-10, brain MRI on 2026-08-12
    assert _rows(tables, "imaging") == [
        {
            "case_id": "t-001",
            "scan_id": "staging-fdg-pet-ct",
            "scan_date": date(2026, 8, 10),
            "modality": "fdg_pet_ct",
            "purpose": "staging",
            "brain": None,
            "response": None,
        },
        {
            "case_id": "t-001",
            "scan_id": "staging-brain-mri",
            "scan_date": date(2026, 8, 12),
            "modality": "mri",
            "purpose": "staging",
            "brain": True,
            "response": None,
        },
    ]
    assert tables.imaging_findings == [] and tables.local_treatments == []
    patient = dict(zip([n for n, _ in PATIENT_COLUMNS], tables.patients[0], strict=True))
    assert patient["imaging_known"] is True and patient["local_treatments_known"] is False


def test_unknown_case1_dates_give_no_scan_and_unknown_imaging() -> None:
    row = _patient(staging={"fdg_pet_ct_date": None, "brain_mri_date": None})
    assert row["imaging_known"] is False


def test_timeline_rows() -> None:
    case = build2(
        imaging=[scan("S1", "2026-09-20", ("L1", "responding"), response="PR")],
        local_treatments=[
            {
                "id": "LT1",
                "target": "primary",
                "modality": "surgery",
                "intent": "curative",
                "date": "2026-09-01",
                "margin": "R0",
            },
            {"id": "LT2", "target": "L1", "modality": "sbrt", "intent": "ablative", "rt_course": "RT1"},
        ],
        lesions=[lesion(1, "adrenal", status=None, treated=True)],
        radiotherapy_courses=[
            {
                "id": "RT1",
                "target": "L1",
                "protocol": "NCT01282450",
                "start_date": "2026-09-10",
                "end_date": "2026-09-14",
            }
        ],
        systemic_therapy=[
            {"line": 1, "start_date": "2026-06-01", "end_date": "2026-08-01", "end_reason": "toxicity"}
        ],
    )
    tables = to_tables([case])
    (s1,) = _rows(tables, "imaging")
    assert (s1["scan_id"], s1["modality"], s1["purpose"], s1["response"]) == ("S1", "ct", "restaging", "PR")
    assert tables.imaging_findings == [("t-001", "S1", "L1", "responding", None)]
    lt1, lt2 = _rows(tables, "local_treatments")
    assert (lt1["target"], lt1["modality"], lt1["intent"], lt1["margin"]) == (
        "primary",
        "surgery",
        "curative",
        "R0",
    )
    assert (lt2["target"], lt2["rt_course"], lt2["treatment_date"]) == ("L1", "RT1", None)
    (rt,) = _rows(tables, "rt_courses")
    assert rt["protocol"] == "NCT01282450" and str(rt["start_date"]) == "2026-09-10"
    assert _rows(tables, "therapies")[0]["end_reason"] == "toxicity"


def test_empty_timeline_lists_are_known_none() -> None:
    tables = to_tables([build2(imaging=[], local_treatments=[])])
    patient = dict(zip([n for n, _ in PATIENT_COLUMNS], tables.patients[0], strict=True))
    assert patient["imaging_known"] is True and patient["local_treatments_known"] is True
    assert tables.imaging == [] and tables.local_treatments == []
