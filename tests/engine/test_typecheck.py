"""Every knowledge expression is type-checked at load against the feature catalogue (features.yaml `type:`).

A mismatch DuckDB would coerce silently and the Python executor would trip over (or answer differently) is a
load error naming the file and the rule; an ISO-date text compared with a date is typed explicitly instead.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from oligoboard.engine.compile import Namespace, load_features, load_knowledge
from oligoboard.engine.runner import Engine
from oligoboard.errors import KnowledgeError
from tests.support.cases import build
from tests.support.knowledge_trees import classification_tree

ACCEPTED = [
    # (expression, inferred type, a fragment of the SQL the executors see)
    ("ecog <= 1", "boolean", "ecog <= 1"),
    ("age_years >= 18 AND diagnosis_date >= '2020-01-01'", "boolean", "CAST('2020-01-01' AS DATE)"),
    ("'2020-01-01' <= diagnosis_date", "boolean", "CAST('2020-01-01' AS DATE) <= diagnosis_date"),
    ("diagnosis_date BETWEEN '2020-01-01' AND '2025-12-31'", "boolean", "CAST('2025-12-31' AS DATE)"),
    ("diagnosis_date IN ('2020-01-01', NULL)", "boolean", "CAST('2020-01-01' AS DATE)"),
    ("metastatic_diagnosis_date <= diagnosis_date + INTERVAL 6 MONTH", "boolean", "INTERVAL"),
    ("pdl1_tps >= 50", "boolean", "pdl1_tps >= 50"),  # number vs integer compare numerically
    ("days_primary_to_metastatic / 30.4375", "number", "/ 30.4375"),
    ("n_metastases + 1", "integer", "n_metastases + 1"),
    ("histology IN ('adenocarcinoma', 'squamous')", "boolean", "IN ("),
    ("coalesce(ecog, 0) < 2", "boolean", "COALESCE"),
    ("CASE WHEN n_extracranial = 0 THEN TRUE END", "boolean", "CASE"),
    ("CASE histology WHEN 'sclc' THEN 'small' ELSE 'non-small' END", "text", "CASE histology"),
    ("any_driver_positive IS NULL", "boolean", "IS NULL"),
    ("NOT histology_confirmed", "boolean", "NOT histology_confirmed"),
    ("nullif(ecog, 9) = 1", "boolean", "NULLIF"),
    ("date_diff('day', diagnosis_date, assessment_date) > 30", "boolean", "DATE_DIFF"),
    ("CAST(pdl1_tps AS INTEGER) >= 50", "boolean", "CAST(pdl1_tps AS INT"),
]

REFUSED = [
    # (expression, phrase of the error)
    ("diagnosis_date >= 2020", "cannot compare date with integer"),
    ("histology_confirmed + 1 > 1", "arithmetic needs numbers, got boolean"),
    ("diagnosis_date >= 'last year'", "is not an ISO date"),
    ("diagnosis_date >= histology", "cannot compare date with text"),  # text that is not a literal
    ("diagnosis_date >= '2021-02-30'", "is not an ISO date"),  # not a calendar day
    ("ecog = '1'", "cannot compare integer with text"),
    ("histology = 1", "cannot compare text with integer"),
    ("histology_confirmed = 1", "cannot compare boolean with integer"),
    ("ecog", "a condition must be boolean"),
    ("ecog AND histology_confirmed", "AND needs boolean, got integer"),
    ("NOT pdl1_tps", "NOT needs boolean, got number"),
    ("diagnosis_date - metastatic_diagnosis_date > 10", "subtracting dates is not supported"),
    ("ecog + INTERVAL 1 MONTH > 1", "INTERVAL can only be added to a date"),
    ("upper(histology) = 'X'", "is not supported in knowledge expressions"),
    ("CASE WHEN ecog = 1 THEN 'a' ELSE 2 END = 'a'", "CASE mixes text and integer"),
    ("date_diff('month', diagnosis_date, assessment_date) > 1", "date_diff unit MONTH"),
    ("CAST(histology AS DATE) > diagnosis_date", "only an ISO-date literal"),
    ("CASE WHEN ecog THEN TRUE END", "CASE WHEN needs boolean"),
]


@pytest.fixture(scope="module")
def namespace() -> Namespace:
    return Namespace(load_features())


@pytest.mark.parametrize(("text", "kind", "fragment"), ACCEPTED)
def test_accepted(namespace: Namespace, text: str, kind: str, fragment: str) -> None:
    compiled = namespace.compile(text, where="test.yaml: T/rule", condition=kind == "boolean")
    assert compiled.type == kind
    assert fragment in compiled.sql


@pytest.mark.parametrize(("text", "phrase"), REFUSED)
def test_refused_naming_the_rule(namespace: Namespace, text: str, phrase: str) -> None:
    with pytest.raises(KnowledgeError) as info:
        namespace.compile(text, where="test.yaml: T/rule", condition=True)
    rendered = info.value.render()
    assert "test.yaml: T/rule" in rendered and "type error" in rendered and phrase in rendered


def test_definition_types_flow_into_later_rules(namespace: Namespace) -> None:
    ns = Namespace(load_features())
    ns.define("months_to_mets", ns.compile("days_primary_to_metastatic / 30.4375", where="d"), where="d")
    assert ns.compile("months_to_mets > 6", where="r", condition=True).type == "boolean"
    with pytest.raises(KnowledgeError, match="cannot compare number with date"):
        ns.compile("months_to_mets > diagnosis_date", where="r", condition=True)


TRIAL = """
id: TEST-DATE
source: "synthetic test file"
rule_sets:
  - id: TEST-DATE
    kind: trial
    source: "synthetic"
    criteria:
      - {id: recent-adult, kind: inclusion, text: "adult, diagnosed 2020 or later", sql: "SQL", source: "synthetic 1"}
"""


def _tree(tmp_path: Path, sql: str) -> Path:
    return classification_tree(tmp_path, {"TEST-DATE.yaml": TRIAL.replace("SQL", sql)})


def test_type_error_in_a_file_names_file_and_rule(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(_tree(tmp_path, "diagnosis_date >= 2020"))
    rendered = info.value.render()
    assert (
        "TEST-DATE.yaml:9: TEST-DATE/recent-adult" in rendered  # file:line of the `sql:` value
        and "cannot compare date with integer" in rendered
    )


def test_review_repro_date_literal_gives_identical_answers_on_both_backends(tmp_path: Path) -> None:
    """Review repro: `age_years >= 18 AND diagnosis_date >= '2020-01-01'` loaded, DuckDB answered and
    single-case assess crashed with a TypeError. Now the literal is a typed DATE for both executors."""
    kb = load_knowledge(_tree(tmp_path, "age_years >= 18 AND diagnosis_date >= '2020-01-01'"))
    engine = Engine(kb)
    assert "CAST('2020-01-01' AS DATE)" in engine.sql
    cases = [
        build(id="recent", tumour={"diagnosis_date": "2026-08-15"}),
        build(id="old", tumour={"diagnosis_date": "2019-12-31"}, metastatic_diagnosis_date="2026-08-15"),
        build(id="unknown", tumour={"diagnosis_date": None}),
        build(id="minor", patient={"age_years": 17}),
    ]
    duck = [r.rule_sets["TEST-DATE"].criteria[0].status for r in engine.evaluate(cases, backend="duckdb")]
    assert duck == ["met", "not_met", "unknown", "not_met"]
    python = [
        engine.evaluate_one(c, backend="python").rule_sets["TEST-DATE"].criteria[0].status for c in cases
    ]
    assert python == duck
