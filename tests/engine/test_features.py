"""The features view: one definition per count, NULL for unknown, and a catalogue that matches the SQL."""

from __future__ import annotations

from typing import Any

import pytest

from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.engine.runner import Engine
from tests.support.cases import build, lesion


def test_catalogue_lists_exactly_the_sql_columns(engine: Engine, kb: KnowledgeBase) -> None:
    assert set(engine.feature_columns) == set(kb.features)


def features(engine: Engine, **edit: Any) -> dict[str, Any]:
    return engine.evaluate_one(build(**edit)).features


COUNTS = [
    # lesions, n_metastases, n_intracranial, n_extracranial, n_organs, n_extracranial_organs
    ([lesion(1, "brain"), lesion(2, "brain"), lesion(3, "adrenal")], 3, 2, 1, 2, 1),
    ([lesion(1, "adrenal"), lesion(2, "adrenal", laterality="right")], 2, 0, 2, 1, 1),
    ([], 0, 0, 0, 0, 0),
]


@pytest.mark.parametrize(("lesions", "n", "intra", "extra", "organs", "extra_organs"), COUNTS)
def test_counts(
    engine: Engine,
    lesions: list[dict[str, Any]],
    n: int,
    intra: int,
    extra: int,
    organs: int,
    extra_organs: int,
) -> None:
    f = features(engine, lesions=lesions)
    assert (
        f["n_metastases"],
        f["n_intracranial"],
        f["n_extracranial"],
        f["n_organs"],
        f["n_extracranial_organs"],
    ) == (
        n,
        intra,
        extra,
        organs,
        extra_organs,
    )


def test_unknown_list_gives_null_counts_and_empty_list_gives_zero(engine: Engine) -> None:
    assert features(engine, lesions=None)["n_metastases"] is None
    assert features(engine, lesions=[])["n_metastases"] == 0
    assert features(engine, systemic_therapy=None)["on_systemic_at_metastatic_diagnosis"] is None
    assert features(engine, systemic_therapy=[])["on_systemic_at_metastatic_diagnosis"] is False


def test_organ_unknown_makes_organ_counts_unknown_but_not_the_lesion_count(engine: Engine) -> None:
    f = features(engine, lesions=[lesion(1, "bone"), {**lesion(2, "bone"), "organ": None}])
    assert f["n_metastases"] == 2 and f["n_organs"] is None and f["n_intracranial"] is None


def test_first_line_duration_and_on_therapy(engine: Engine) -> None:
    therapy = [{"line": 1, "start_date": "2026-06-01", "end_date": None, "cycles": 4, "best_response": "SD"}]
    f = features(
        engine, assessment_date="2026-10-01", metastatic_diagnosis_date="2026-08-15", systemic_therapy=therapy
    )
    assert f["on_systemic_at_metastatic_diagnosis"] is True
    assert f["first_line_months"] == 4  # 1 June → 1 October: 4 complete calendar months (test_calendar.py)
    assert f["first_line_best_response"] == "SD" and f["first_line_ongoing"] is True


def test_therapy_started_after_metastatic_diagnosis_is_not_on_therapy_then(engine: Engine) -> None:
    therapy = [{"line": 1, "start_date": "2026-08-20", "end_date": None}]
    f = features(engine, metastatic_diagnosis_date="2026-08-15", systemic_therapy=therapy)
    assert f["on_systemic_at_metastatic_diagnosis"] is False and f["on_systemic_at_assessment"] is True


@pytest.mark.parametrize(
    ("drivers", "expected"),
    [({"egfr": "positive"}, True), ({}, False), ({"ret": "not_tested"}, None), ({"alk": None}, None)],
)
def test_any_driver_positive_is_three_valued(
    engine: Engine, drivers: dict[str, Any], expected: bool | None
) -> None:
    base = {
        k: "negative"
        for k in ("egfr", "alk", "ros1", "ret", "braf_v600e", "met_ex14", "ntrk", "kras_g12c", "her2")
    }
    f = features(engine, tumour={"drivers": {**base, **drivers}})
    assert f["any_driver_positive"] is expected


def test_ipsilateral_other_lobe_nodule_is_t4_not_a_metastasis(engine: Engine) -> None:
    """TNM 9th: a separate nodule in another ipsilateral lobe is T4, not M1 (clinical.md §4.1); the schema's
    lesions are distant metastases only, so it is left out of every count."""
    t4 = lesion(1, "lung", lung_relation="ipsilateral_other_lobe")
    f = features(engine, lesions=[t4, lesion(2, "adrenal")])
    assert (
        f["n_metastases"] == 1 and f["n_organs"] == 1 and f["all_lesions_in_brain_adrenal_lung_bone"] is True
    )
    result = engine.evaluate_one(build(lesions=[t4]))
    assert result.definitions["omd"] is False and result.decisions["tnm9_m"].value == "M0"


def test_lung_lesion_of_unknown_relation_makes_counts_unknown(engine: Engine) -> None:
    result = engine.evaluate_one(build(lesions=[lesion(1, "lung", lung_relation=None)]))
    assert result.features["n_metastases"] is None and result.features["n_organs"] is None
    assert "lesions[0].lung_relation" in result.definition_missing["omd"]


@pytest.mark.parametrize(
    ("status", "detected", "expected"),
    [
        ("new", "2026-09-20", True),  # found after first line started: progression on therapy (RECIST)
        ("new", "2026-05-01", False),  # already there at the start of first line
        ("stable", "2026-09-20", False),
        ("new", None, None),  # when it appeared is unknown
        (None, "2026-09-20", None),
    ],
)
def test_new_lesion_on_first_line(
    engine: Engine, status: str | None, detected: str | None, expected: bool | None
) -> None:
    therapy = [{"line": 1, "start_date": "2026-06-01", "end_date": None}]
    f = features(
        engine,
        metastatic_diagnosis_date="2026-05-01",
        tumour={"diagnosis_date": "2026-05-01"},
        systemic_therapy=therapy,
        lesions=[lesion(1, "bone", status=status, detected_date=detected)],
    )
    assert f["any_lesion_new_on_first_line"] is expected


def test_unknown_category_or_start_of_a_first_line_entry_stays_unknown(engine: Engine) -> None:
    therapy: list[dict[str, Any]] = [
        {"line": 1, "category": None, "start_date": "2026-01-01", "end_date": "2026-03-01"},
        {"line": 1, "category": "chemo", "start_date": "2026-03-02", "end_date": None},
    ]
    f = features(
        engine,
        tumour={"diagnosis_date": "2025-12-15"},
        metastatic_diagnosis_date="2025-12-15",
        systemic_therapy=therapy,
    )
    assert f["first_line_category"] is None and f["first_line_included_io"] is None
    therapy[0]["start_date"] = None
    f = features(
        engine,
        tumour={"diagnosis_date": "2025-12-15"},
        metastatic_diagnosis_date="2025-12-15",
        systemic_therapy=therapy,
    )
    assert f["first_line_start_date"] is None


def test_missing_facts_name_only_first_line_entries(engine: Engine) -> None:
    therapy = [
        {"line": 1, "category": "chemo", "start_date": "2026-06-01", "end_date": None, "cycles": None},
        {"line": 2, "category": "io", "start_date": "2026-09-01", "end_date": None, "cycles": None},
    ]
    from oligoboard.engine.missing import missing_facts

    result = engine.evaluate_one(build(systemic_therapy=therapy))
    found = missing_facts(
        {"first_line_cycles"},
        result.features,
        engine.kb.features,
        build(systemic_therapy=therapy).model_dump(mode="json", by_alias=True),
    )
    assert found == ["systemic_therapy[0].cycles"]


def _unknown(i: int, organ: str | None, **fields: Any) -> dict[str, Any]:
    out = lesion(i, organ or "bone", **fields)
    out["organ"] = organ
    return out


# docs/counting.md "Counts under uncertainty": a lung nodule of unknown lung_relation is 0 or 1 metastasis but
# never a brain metastasis; a lesion of unknown organ is a metastasis that may or may not be in the brain.
BOUNDS = [
    # lesions, column, (min, max, exact)
    ([lesion(1, "lung", lung_relation=None)], "n_metastases", (0, 1, None)),
    ([lesion(1, "lung", lung_relation=None)], "n_intracranial", (0, 0, 0)),
    ([lesion(1, "lung", lung_relation=None), lesion(2, "adrenal")], "n_extracranial", (1, 2, None)),
    ([lesion(1, "lung", lung_relation=None), lesion(2, "lung")], "n_organs", (1, 1, 1)),
    ([_unknown(1, None), lesion(2, "bone")], "n_metastases", (2, 2, 2)),
    ([_unknown(1, None), lesion(2, "bone")], "n_intracranial", (0, 1, None)),
    ([_unknown(1, None), lesion(2, "bone")], "n_organs", (1, 2, None)),
    ([lesion(1, "bone", status="complete_response"), lesion(2, "bone")], "n_residual_metastases", (1, 1, 1)),
    ([lesion(1, "bone", status=None), lesion(2, "bone")], "n_residual_metastases", (1, 2, None)),
    ([lesion(1, "brain", status="stable"), lesion(2, "bone")], "n_residual_extracranial", (1, 1, 1)),
]


@pytest.mark.parametrize(("lesions", "column", "expected"), BOUNDS)
def test_count_bounds(
    engine: Engine, lesions: list[dict[str, Any]], column: str, expected: tuple[int, int, int | None]
) -> None:
    f = features(engine, lesions=lesions)
    assert (f[f"{column}_min"], f[f"{column}_max"], f[column]) == expected


def test_new_lesions_at_staging_are_not_progression_on_therapy(engine: Engine) -> None:
    """clinical.md §8.1: oligoprogression is progression "during active systemic therapy"."""
    naive = features(engine, lesions=[lesion(1, "bone"), lesion(2, "liver")], systemic_therapy=[])
    assert naive["progression_on_systemic_therapy"] is False and naive["n_progressing_sites"] == 0
    therapy = [{"line": 1, "start_date": "2026-08-20", "end_date": None}]
    on = features(engine, lesions=[lesion(1, "bone", detected_date="2026-09-20")], systemic_therapy=therapy)
    assert on["progression_on_systemic_therapy"] is True and on["n_progressing_sites"] == 1


def test_features_sql_has_no_distinct_aggregate() -> None:
    """features.sql: "a DISTINCT aggregate is a separate group-by over all lesion rows, several times the cost
    on a registry" — organ systems are rows of `organ_systems` instead (docs/cohort.md "Speed")."""
    import sqlglot
    from sqlglot import exp

    from oligoboard.engine.statement import features_tree

    tree = features_tree()
    distinct = [n.sql() for n in tree.find_all(exp.Count) if isinstance(n.this, exp.Distinct)]
    assert not distinct, distinct
    # the check itself can fail: a DISTINCT count is found where there is one
    probe = sqlglot.parse_one("SELECT count(DISTINCT organ) FROM lesions", dialect="duckdb")
    assert any(isinstance(n.this, exp.Distinct) for n in probe.find_all(exp.Count))
