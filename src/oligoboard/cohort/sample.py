"""Case@2 documents for a sample of a synthetic cohort, read back from its Parquet files.

Why from the files and not from the arrays: the documents are then exactly what the tables say, so
`engine.tables.to_tables(parse_case(document))` gives back the same rows (tests/cohort prove it), and a
sample case can be opened with `oligoboard validate` / `assess` like any other case. A NULL becomes an
omitted field (unknown); a list flag (`lesions_known`, …) that is false omits the list, true gives it
(possibly `[]`); a scan with `findings_known` false has no `findings` key.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from oligoboard.case.models import DRIVER_NAMES
from oligoboard.engine.tables import TABLES

Doc = dict[str, Any]


def sample_numbers(patients: int, k: int) -> list[int]:
    """K patient numbers spread evenly over the cohort (deterministic, no draw)."""
    k = min(k, patients)
    return [i * patients // k for i in range(k)] if k else []


def _value(v: object) -> object:
    return v.isoformat() if isinstance(v, date) else v


def _section(row: dict[str, Any], mapping: Sequence[tuple[str, str]]) -> Doc:
    return {key: _value(row[col]) for key, col in mapping if row[col] is not None}


def _rows(con: Any, path: Path, table: str, ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    columns = [c for c, _ in TABLES[table]]
    marks = ", ".join("?" for _ in ids)
    sql = f"SELECT * FROM read_parquet(?) WHERE case_id IN ({marks})"
    out: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    for row in con.execute(sql, [str(path), *ids]).fetchall():
        record = dict(zip(columns, row, strict=True))
        out[record["case_id"]].append(record)
    return out


def documents(con: Any, out: Path, chunk_index: int, ids: Sequence[str]) -> list[Doc]:
    """The case documents of `ids` (all in chunk `chunk_index`), in the order given."""
    if not ids:
        return []
    name = f"part-{chunk_index:06d}.parquet"
    by_table = {table: _rows(con, out / table / name, table, ids) for table in TABLES}
    return [_document(case_id, {t: rows[case_id] for t, rows in by_table.items()}) for case_id in ids]


def _drop_none(d: dict[str, Any]) -> Doc:
    return {k: _value(v) for k, v in d.items() if v is not None}


def _document(case_id: str, rows: dict[str, list[dict[str, Any]]]) -> Doc:
    (p,) = rows["patients"]
    doc: Doc = {"schema": "oligoboard/case@2", "id": case_id, "assessment_date": _value(p["assessment_date"])}
    sections: dict[str, Doc] = {
        "patient": _section(
            p, [("age_years", "age_years"), ("birth_date", "birth_date"), ("sex", "sex"), ("ecog", "ecog")]
        ),
        "tumour": _section(
            p,
            [
                ("histology", "histology"),
                ("histology_confirmed", "histology_confirmed"),
                ("diagnosis_date", "diagnosis_date"),
                ("t", "t_category"),
                ("n", "n_category"),
            ],
        ),
        "primary": _section(
            p, [("status", "primary_status"), ("radically_treatable", "primary_radically_treatable")]
        ),
        "history": _section(
            p,
            [
                ("polymetastatic_before", "polymetastatic_before"),
                ("omd_before", "omd_before"),
                ("prior_thoracic_rt", "prior_thoracic_rt"),
            ],
        ),
        "staging": _section(p, [("mediastinal_staging", "mediastinal_staging")]),
    }
    drivers = _section(p, [(name, f"driver_{name}") for name in DRIVER_NAMES])
    if drivers:
        sections["tumour"]["drivers"] = drivers
    if p["pdl1_tps"] is not None:
        sections["tumour"]["pdl1_tps"] = p["pdl1_tps"]
    doc.update({k: v for k, v in sections.items() if v})
    if p["metastatic_diagnosis_date"] is not None:
        doc["metastatic_diagnosis_date"] = _value(p["metastatic_diagnosis_date"])
    if p["lesions_known"]:
        doc["lesions"] = [
            _drop_none({("id" if k == "lesion_id" else k): v for k, v in r.items() if k != "case_id"})
            for r in rows["lesions"]
        ]
    if p["systemic_known"]:
        doc["systemic_therapy"] = [
            _drop_none({k: v for k, v in r.items() if k != "case_id"}) for r in rows["therapies"]
        ]
    if p["imaging_known"]:
        doc["imaging"] = [_scan(r, rows["imaging_findings"]) for r in rows["imaging"]]
    if p["local_treatments_known"]:
        doc["local_treatments"] = [_treatment(r) for r in rows["local_treatments"]]
    if p["rt_known"]:
        doc["radiotherapy_courses"] = [_course(r) for r in rows["rt_courses"]]
    if rows["answers"]:
        doc["answers"] = {r["rule_id"]: r["value"] for r in rows["answers"]}
    return doc


def _scan(r: dict[str, Any], findings: list[dict[str, Any]]) -> Doc:
    scan = _drop_none(
        {
            "id": r["scan_id"],
            "date": r["scan_date"],
            "modality": r["modality"],
            "purpose": r["purpose"],
            "brain": r["brain"],
            "response": r["response"],
        }
    )
    if r["findings_known"]:
        scan["findings"] = [
            _drop_none({"lesion": f["lesion_id"], "status": f["status"], "size_mm": f["size_mm"]})
            for f in findings
            if f["scan_id"] == r["scan_id"]
        ]
    return scan


def _treatment(r: dict[str, Any]) -> Doc:
    renamed = {"treatment_id": "id", "treatment_date": "date"}
    return _drop_none({renamed.get(k, k): v for k, v in r.items() if k != "case_id"})


def _course(r: dict[str, Any]) -> Doc:
    oar_keys = ("spinal_cord_dmax_gy", "brachial_plexus_dmax_gy", "mean_lung_dose_gy", "esophagus_dmax_gy")
    course = _drop_none(
        {("id" if k == "course_id" else k): v for k, v in r.items() if k != "case_id" and k not in oar_keys}
    )
    oar = _drop_none({k: r[k] for k in oar_keys})
    if oar:
        course["oar"] = oar
    return course
