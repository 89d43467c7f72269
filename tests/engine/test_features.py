"""The features view: one definition per count, NULL for unknown, and a catalogue that matches the SQL."""

from __future__ import annotations

from typing import Any

import pytest

from oligoboard.engine.runner import Engine
from oligoboard.knowledge.loader import KnowledgeBase
from tests.casebuilder import build, lesion


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
    assert f["first_line_months"] == pytest.approx(122 / 30.4375)
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
