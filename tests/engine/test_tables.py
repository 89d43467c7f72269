"""tables.py only reshapes: one row per thing, and an omitted list is told apart from an empty one."""

from __future__ import annotations

from oligoboard.engine.tables import PATIENT_COLUMNS, TABLES, to_tables
from tests.support.cases import build, lesion


def _patient(**edit: object) -> dict[str, object]:
    row = to_tables([build(**edit)]).patients[0]
    return dict(zip([name for name, _ in PATIENT_COLUMNS], row, strict=True))


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
