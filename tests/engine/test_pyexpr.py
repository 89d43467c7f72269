"""The expression half of the Python executor: the dispatch table refuses what it does not implement.

Semantics are checked value by value against DuckDB in test_expression_oracle.py; here: that an argument
the emitter does not implement is refused by name, that emitted code is safe and flat, and the runtime
helpers' few rules that the oracle cannot show from SQL alone (messages without values).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlglot
from sqlglot import exp

from oligoboard.engine import pyruntime as rt
from oligoboard.engine.pyexpr import EXPRESSIONS, ExpressionGenerator, Scope, check_args
from oligoboard.engine.pyload import compile_source
from oligoboard.engine.pyruntime import SqlRuntimeError, Unsupported
from oligoboard.errors import EngineError

SCOPE = Scope([("t", ["x", "y", "d"], "r0")])


def emit(sql: str) -> str:
    return ExpressionGenerator(SCOPE).emit(sqlglot.parse_one(sql, dialect="duckdb", into=exp.Condition))


def evaluate(sql: str, row: dict[str, object]) -> object:
    return eval(emit(sql), dict(rt.HELPERS), {"r0": row})  # our own generated code, as pyload runs it


def test_unsupported_is_an_engine_error() -> None:
    assert issubclass(Unsupported, EngineError) and issubclass(SqlRuntimeError, EngineError)


@pytest.mark.parametrize(
    ("node", "named"),
    [
        (exp.Floor(this=exp.column("x"), decimals=exp.Literal.number(1)), "decimals"),
        (exp.Div(this=exp.column("x"), expression=exp.column("y"), safe=True), "safe"),
        (
            exp.Between(this=exp.column("x"), low=exp.column("y"), high=exp.column("d"), symmetric=True),
            "symmetric",
        ),
        (
            exp.Greatest(this=exp.column("x"), expressions=[exp.column("y")], ignore_nulls=False),
            "ignore_nulls",
        ),
        (exp.In(this=exp.column("x"), expressions=[], unnest=exp.column("y")), "unnest"),
        (
            exp.Cast(this=exp.column("x"), to=exp.DataType.build("INT"), format=exp.Literal.string("%d")),
            "format",
        ),
        (
            exp.Column(this=exp.to_identifier("x"), table=exp.to_identifier("t"), db=exp.to_identifier("s")),
            "db",
        ),
    ],
)
def test_an_argument_not_implemented_is_refused_by_name(node: exp.Expr, named: str) -> None:
    with pytest.raises(Unsupported, match=named):
        ExpressionGenerator(SCOPE).emit(node)


@pytest.mark.parametrize(
    "sql", ["upper(x)", "x % 2", "x || 'a'", "TRY_CAST(x AS INT)", "sum(x) OVER ()", "IF(x, 1, 2)"]
)
def test_a_node_type_not_in_the_table_is_refused(sql: str) -> None:
    with pytest.raises(Unsupported):
        emit(sql)


def test_every_registered_rule_has_an_emitter() -> None:
    assert all(rule.emit is not None for rule in EXPRESSIONS.values())
    assert exp.Window not in EXPRESSIONS


def test_check_args_names_an_unknown_node() -> None:
    with pytest.raises(Unsupported, match="Window"):
        check_args(exp.Window(this=exp.column("x")))


@pytest.mark.parametrize("sql", ["f(1)", "date_sub('day', a, b)", "date_sub(a, b)", "date_sub(x, a, b)"])
def test_only_date_sub_by_month_or_year_is_a_function(sql: str) -> None:
    """Anonymous functions are refused except the calendar convention's `date_sub('month' | 'year', …)`."""
    with pytest.raises(Unsupported, match="function"):
        emit(sql)


def test_aggregate_outside_a_grouped_select_is_refused() -> None:
    with pytest.raises(Unsupported, match="aggregate"):
        emit("count(*) > 1")


def test_unknown_and_ambiguous_columns_are_refused() -> None:
    with pytest.raises(Unsupported, match="unknown column"):
        emit("z = 1")
    two = Scope([("a", ["x"], "r0"), ("b", ["x"], "r1")])
    with pytest.raises(Unsupported, match="ambiguous"):
        ExpressionGenerator(two).emit(exp.column("x"))


def test_string_literal_is_emitted_with_repr() -> None:
    assert emit("x = 'a''b\\'") == f"eq(r0['x'], {'a' + chr(39) + 'b' + chr(92)!r})"


def test_long_and_chain_is_flat_and_compiles() -> None:
    sql = " AND ".join(f"x > {i}" for i in range(400))  # nested calls would pass 200 levels
    code = emit(sql)
    assert code.startswith("and_(") and code.count("and_(") == 1
    compile_source(f"v = {code}\n")
    assert evaluate(sql, {"x": 500, "y": None, "d": None}) is True
    assert evaluate(sql, {"x": 3, "y": None, "d": None}) is False


def test_long_case_chain_compiles() -> None:
    sql = "CASE " + " ".join(f"WHEN x = {i} THEN {i}" for i in range(250)) + " ELSE -1 END"
    compile_source(f"v = {emit(sql)}\n")
    assert evaluate(sql, {"x": 249, "y": None, "d": None}) == 249


def test_case_is_lazy_and_first_true_wins() -> None:
    # the second branch would fail to convert: DuckDB never evaluates it for this row, neither do we
    assert (
        evaluate(
            "CASE WHEN x > 0 THEN 'pos' WHEN CAST(y AS INTEGER) > 0 THEN 'no' END",
            {"x": 1, "y": "zz", "d": None},
        )
        == "pos"
    )


def test_simple_case_evaluates_its_subject_once() -> None:
    code = emit("CASE x WHEN 1 THEN 'a' WHEN 2 THEN 'b' END")
    assert code.count("r0['x']") == 1


def test_interval_with_months_and_days_shifts_months_first() -> None:
    assert evaluate("d + INTERVAL 1 MONTH", {"x": None, "y": None, "d": date(2021, 1, 31)}) == datetime(
        2021, 2, 28
    )
    assert evaluate("d - INTERVAL 1 YEAR", {"x": None, "y": None, "d": date(2024, 2, 29)}) == datetime(
        2023, 2, 28
    )


def test_conversion_errors_never_echo_the_value() -> None:
    secret = "patient-1234"
    for cast in (rt.cast_boolean, rt.cast_integer, rt.cast_double, rt.cast_date):
        with pytest.raises(SqlRuntimeError) as caught:
            cast(secret)
        assert secret not in caught.value.render()
    with pytest.raises(SqlRuntimeError) as caught:
        rt.ge(date(2020, 1, 1), secret)
    assert secret not in caught.value.render()


def test_comparing_unrelated_types_is_an_engine_error() -> None:
    with pytest.raises(SqlRuntimeError, match="cannot compare"):
        rt.lt(date(2020, 1, 1), 5)


def test_helpers_exposed_to_generated_code_are_the_public_ones() -> None:
    assert {"and_", "or_", "eq", "cast_boolean", "shift", "count_if", "order_rows"} <= set(rt.HELPERS)
    assert "Unsupported" not in rt.HELPERS and not any(name.startswith("_") for name in rt.HELPERS)
