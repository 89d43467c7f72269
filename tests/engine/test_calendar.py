"""Ages and "N months" follow one calendar convention, on both backends (issue 11, item 3).

Issue 11: "age in whole calendar years (an 18th birthday is 18), and one month convention for every 'N months'
rule, defined once and cited, with boundary tests on both sides of each threshold". The convention
(docs/knowledge-format.md, "Dates, ages and months"): N months after a date is `date + INTERVAL N MONTH`
(month ends clamped); a duration in months is the complete calendar months, `date_sub('month', a, b)`; an
age is complete calendar years, `date_sub('year', birth_date, assessment_date)`.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import duckdb
import pytest

from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.engine.pyruntime import date_sub
from oligoboard.engine.runner import Engine
from tests.support.cases import NEGATIVE_DRIVERS as NEGATIVE
from tests.support.cases import build

BACKENDS = ("python", "duckdb")


def _features(engine: Engine, backend: str, **edit: Any) -> dict[str, Any]:
    return engine.evaluate_one(build(**edit), backend=backend).features


def _criterion(engine: Engine, backend: str, rule_set: str, criterion: str, **edit: Any) -> bool | None:
    result = engine.evaluate_one(build(**edit), backend=backend)
    return next(c.value for c in result.rule_sets[rule_set].criteria if c.id == criterion)


# ---- age: complete calendar years ---------------------------------------------------------------------

AGES = [
    # birth_date, assessment_date, age: the day of the 18th birthday is 18, the day before is 17
    ("2008-10-01", "2026-10-01", 18),
    ("2008-10-02", "2026-10-01", 17),
    ("2008-09-30", "2026-10-01", 18),
    # born on 29 February: the birthday in a common year is 28 February (INTERVAL clamping, as DuckDB)
    ("2008-02-29", "2027-02-28", 19),
    ("2008-02-29", "2027-02-27", 18),
    ("1960-01-01", "2026-10-01", 66),
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("birth", "assessed", "age"), AGES)
def test_age_is_complete_calendar_years(
    engine: Engine, backend: str, birth: str, assessed: str, age: int
) -> None:
    f = _features(engine, backend, patient={"age_years": None, "birth_date": birth}, assessment_date=assessed)
    assert f["age_years"] == age


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("birth", "adult"), [("2008-10-01", True), ("2008-10-02", False)])
def test_age_18_criteria_on_both_sides_of_the_birthday(
    engine: Engine, kb: KnowledgeBase, backend: str, birth: str, adult: bool
) -> None:
    """Every `age_years >= 18` criterion ("Age 18 years or older", NCT01446744 I5a, NCT03721341 I3)."""
    targets = [
        (rs.spec.id, c.spec.id)
        for rs in kb.rule_sets
        for c in rs.criteria
        if c.spec.sql and re.search(r"\bage_years\s*>=\s*18\b", c.spec.sql)
    ]
    assert targets, "no age threshold found in the knowledge"
    for rule_set, criterion in targets:
        value = _criterion(
            engine,
            backend,
            rule_set,
            criterion,
            patient={"age_years": None, "birth_date": birth},
            assessment_date="2026-10-01",
        )
        assert value is adult, (rule_set, criterion)


# ---- months: complete calendar months ------------------------------------------------------------------

MONTH_SPANS = [
    # start, end, complete months
    ("2026-01-15", "2026-04-15", 3),
    ("2026-01-15", "2026-04-14", 2),
    ("2026-01-31", "2026-04-30", 3),  # 31 Jan + 3 months = 30 Apr (clamped)
    ("2026-01-31", "2026-04-29", 2),
    ("2025-11-30", "2026-02-28", 3),  # month end clamped in February
    ("2025-11-30", "2026-02-27", 2),
    ("2026-03-01", "2026-03-01", 0),
    ("2026-04-15", "2026-01-15", -3),
]


@pytest.mark.parametrize("backend", BACKENDS)
# a therapy cannot end before it starts: negative spans are tested on the helper only
@pytest.mark.parametrize(("start", "end", "months"), [span for span in MONTH_SPANS if span[2] >= 0])
def test_first_line_months_are_complete_calendar_months(
    engine: Engine, backend: str, start: str, end: str, months: int
) -> None:
    therapy = [{"line": 1, "category": "chemo_io", "start_date": start, "end_date": end, "cycles": 4}]
    therapy[0]["best_response"] = "SD"
    f = _features(engine, backend, systemic_therapy=therapy, assessment_date="2026-10-01")
    assert f["first_line_months"] == months


@pytest.mark.parametrize(("start", "end", "months"), MONTH_SPANS)
def test_helper_agrees_with_duckdb(start: str, end: str, months: int) -> None:
    a, b = date.fromisoformat(start), date.fromisoformat(end)
    got = duckdb.connect().execute("SELECT date_sub('month', ?::DATE, ?::DATE)", [a, b]).fetchall()
    assert got[0][0] == months == date_sub("month", a, b)


def test_months_and_interval_are_one_convention() -> None:
    """`date_sub('month', a, b) >= n` exactly when `b >= a + INTERVAL n MONTH`, for every day of two years."""
    rows = (
        duckdb.connect()
        .execute(
            """
        SELECT count(*) FROM
            (SELECT unnest(range(DATE '2023-12-25', DATE '2025-03-05', INTERVAL 1 DAY))::DATE AS a),
            (SELECT unnest(range(DATE '2024-01-01', DATE '2025-12-31', INTERVAL 3 DAY))::DATE AS b),
            (SELECT unnest([1, 3, 6, 12]) AS n)
        WHERE a <= b AND ((date_sub('month', a, b) >= n) <> (b >= a + n * INTERVAL 1 MONTH))
        """
        )
        .fetchall()
    )
    assert rows == [(0,)]


def test_python_helper_matches_duckdb_on_every_pair() -> None:
    starts = [date(2023, 12, 25) + timedelta(days=i) for i in range(0, 430, 1)]
    ends = [date(2024, 1, 1) + timedelta(days=i) for i in range(0, 730, 29)]
    pairs = [(a, b) for a in starts for b in ends]
    con = duckdb.connect()
    con.execute("CREATE TABLE p (a DATE, b DATE)")
    con.executemany("INSERT INTO p VALUES (?, ?)", pairs)
    got = con.execute("SELECT a, b, date_sub('month', a, b), date_sub('year', a, b) FROM p").fetchall()
    wrong = [(a, b) for a, b, m, y in got if (date_sub("month", a, b), date_sub("year", a, b)) != (m, y)]
    assert wrong == []


# ---- every "N months" threshold of the knowledge, on both sides ---------------------------------------------

# every criterion reading first_line_months → the first-line category and case edits that make every other
# part of it TRUE, so the month count alone decides (2 cycles: the "3 cycles" alternative is FALSE)
FIRST_LINE_RULES: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {
    ("NCT01725165", "three-months-front-line"): ("chemo_io", {}),
    ("NCT01725165", "front-line-therapy"): (
        "targeted",
        {"tumour": {"drivers": {**NEGATIVE, "egfr": "positive"}}},
    ),
    ("NCT06114108", "first-line-duration"): ("chemo_io", {}),
    ("dlcg-2025-4", "timing-systemic-3-months"): ("chemo_io", {}),
}


def _month_thresholds(kb: KnowledgeBase) -> set[tuple[str, str]]:
    """(rule set, criterion) of every criterion comparing `first_line_months` with a number of months."""
    return {
        (rs.spec.id, c.spec.id)
        for rs in kb.rule_sets
        for c in rs.criteria
        if c.spec.sql and re.search(r"\bfirst_line_months\s*>=\s*\d+", c.spec.sql)
    }


def test_the_first_line_thresholds_are_the_ones_tested(kb: KnowledgeBase) -> None:
    assert _month_thresholds(kb) == set(FIRST_LINE_RULES)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("rule", sorted(FIRST_LINE_RULES))
@pytest.mark.parametrize(("end", "met"), [("2026-04-30", True), ("2026-04-29", False)])
def test_first_line_3_months_on_both_sides(
    engine: Engine, backend: str, rule: tuple[str, str], end: str, met: bool
) -> None:
    """'≥3 months of inhibitors' (NCT01725165), '3 cycles … or 3 months' (NCT06114108), DLCG rec. 4 '3 mdr.'."""
    category, edits = FIRST_LINE_RULES[rule]
    therapy = [
        {
            "line": 1,
            "category": category,
            "start_date": "2026-01-31",
            "end_date": end,
            "cycles": 2,
            "best_response": "SD",
        }
    ]
    value = _criterion(
        engine, backend, *rule, systemic_therapy=therapy, assessment_date="2026-10-01", **edits
    )
    assert value is met


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("progression", "met"), [("2026-04-30", True), ("2026-04-29", False)])
def test_nct06523673_three_months_of_benefit_on_both_sides(
    engine: Engine, kb: KnowledgeBase, backend: str, progression: str, met: bool
) -> None:
    """NCT06523673: 'after ≥3 months of clinical benefit by first-line systemic therapy' (seed 004)."""
    [(rule_set, criterion)] = [
        (rs.spec.id, c.spec.id)
        for rs in kb.rule_sets
        for c in rs.criteria
        if c.spec.sql and "first_line_benefit_months >= 3" in c.spec.sql
    ]
    therapy = [
        {
            "line": 1,
            "category": "chemo_io",
            "start_date": "2026-01-31",
            "end_date": None,
            "cycles": 4,
            "best_response": "PR",
        }
    ]
    value = _criterion(
        engine,
        backend,
        rule_set,
        criterion,
        systemic_therapy=therapy,
        tumour={"diagnosis_date": "2025-12-01"},
        metastatic_diagnosis_date=progression,
        assessment_date="2026-10-01",
    )
    assert value is met


SYNCHRONOUS = [
    # diagnosis, metastatic diagnosis, synchronous ("≤ 6 months after the primary", ESTRO/EORTC)
    ("2025-08-31", "2026-02-28", True),  # 31 Aug + 6 months = 28 Feb (clamped)
    ("2025-08-31", "2026-03-01", False),
    ("2025-01-15", "2025-07-15", True),
    ("2025-01-15", "2025-07-16", False),
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("diagnosed", "metastatic", "synchronous"), SYNCHRONOUS)
def test_six_month_cut_offs_on_both_sides(
    engine: Engine,
    kb: KnowledgeBase,
    backend: str,
    diagnosed: str,
    metastatic: str,
    synchronous: bool,
) -> None:
    """Every `INTERVAL 6 MONTH` cut-off: the definition is_synchronous and the trial criteria that inline it."""
    edit: dict[str, Any] = {
        "tumour": {"diagnosis_date": diagnosed},
        "metastatic_diagnosis_date": metastatic,
        "assessment_date": "2026-10-01",
    }
    edit["lesions"] = [{**build().model_dump(mode="json")["lesions"][0], "detected_date": metastatic}]
    result = engine.evaluate_one(build(**edit), backend=backend)
    assert result.definitions["is_synchronous"] is synchronous
    inline = [
        (rs.spec.id, c.spec.id)
        for rs in kb.rule_sets
        for c in rs.criteria
        if c.spec.sql and "INTERVAL 6 MONTH" in c.spec.sql
    ]
    assert inline
    for rule_set, criterion in inline:
        value = next(c.value for c in result.rule_sets[rule_set].criteria if c.id == criterion)
        assert value is synchronous, (rule_set, criterion)


def test_no_rule_uses_another_month_convention(kb: KnowledgeBase) -> None:
    """No day-count months (30.4375, 30, 365.25) left in any rule: INTERVAL or the month features only."""
    texts = [d.spec.expr for d in kb.definitions] + [
        c.spec.sql or "" for rs in kb.rule_sets for c in rs.criteria
    ]
    texts += [r.when for dl in kb.decision_lists for r in dl.spec.rules]
    assert not [t for t in texts if re.search(r"30\.4|365|/\s*30\b|'day'", t)]


def test_every_month_feature_uses_the_convention() -> None:
    """Each `*months*` column of features.sql is `date_sub('month', …)` and no day-count month is left.

    Guards features added later (months on the current line, months of benefit): one convention, defined once.
    """
    from sqlglot import exp

    from oligoboard.engine.compile import FEATURES_SQL
    from oligoboard.engine.statement import features_tree

    assert not re.search(r"30\.4|365\.2", FEATURES_SQL.read_text(encoding="utf-8").split("WITH", 1)[1])
    tree = features_tree()
    month_columns = [e for e in tree.expressions if "month" in e.alias_or_name]
    assert {e.alias_or_name for e in month_columns} >= {
        "months_primary_to_metastatic",
        "first_line_months",
        "months_first_line_to_metastatic_diagnosis",
    }
    for column in month_columns:
        calls = [
            f
            for f in column.find_all(exp.Anonymous)
            if f.name.lower() == "date_sub" and f.expressions[0].name == "month"
        ]
        assert calls, column.alias_or_name
