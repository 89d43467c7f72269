"""The DuckDB statement rewritten for Spark SQL: sqlglot transpiles it, these rewrites fix what differs in meaning.

sqlglot's `read="duckdb", write="spark"` changes spelling (ARG_MIN → MIN_BY, TEXT → STRING); it does not
change semantics, and where DuckDB and Spark answer the same SQL differently a transpiled statement would
silently give other verdicts. Each rewrite below is applied to the sqlglot tree, carries its reason, and is
listed in docs/spark.md. The tree is then checked against a closed list of node types known to mean the same
on both engines (`SUPPORTED`): anything else fails before Spark starts, naming the construct (`SparkUnsupported`).

Example:
    >>> to_spark("SELECT count_if(x > 1) AS n FROM t GROUP BY k")
    'SELECT SUM(CASE WHEN x > 1 THEN 1 WHEN NOT x > 1 THEN 0 END) AS n FROM t GROUP BY k'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlglot
from sqlglot import exp

from oligoboard.errors import EngineError


class SparkUnsupported(EngineError):
    """The statement uses a construct Spark would answer differently (or not at all): refused at start."""


@dataclass(frozen=True)
class Rewrite:
    """One tree transform: which node it rewrites, why, and the function doing it (node → replacement)."""

    name: str
    reason: str
    apply: Callable[[exp.Expr], exp.Expr]


def _count_if(node: exp.Expr) -> exp.Expr:
    if not isinstance(node, exp.CountIf):
        return node
    cond = node.this
    return exp.Sum(
        this=exp.Case(
            ifs=[
                exp.If(this=cond.copy(), true=exp.Literal.number(1)),
                exp.If(this=exp.not_(cond.copy()), true=exp.Literal.number(0)),
            ]
        )
    )


def _unit(node: exp.Expr) -> str | None:
    """The unit of DuckDB's `date_sub('month', a, b)` / `date_diff('day', a, b)`, lower case."""
    unit = node.args.get("unit")
    if unit is None:
        return None
    return str(unit.name).lower()


def _months_forward(start: exp.Expr, end: exp.Expr) -> exp.Expr:
    """Complete calendar months from start to end, for end >= start (DuckDB's DateSub::MonthOperator).

    m = month difference; one less when start + m months (month-end clamped, Spark 3+ add_months) is after
    end. Equal to DuckDB's rule (start day clamped when end is the last day of its month).
    """
    m = exp.Add(
        this=exp.Mul(
            this=exp.paren(exp.Sub(this=exp.Year(this=end.copy()), expression=exp.Year(this=start.copy()))),
            expression=exp.Literal.number(12),
        ),
        expression=exp.paren(
            exp.Sub(this=exp.Month(this=end.copy()), expression=exp.Month(this=start.copy()))
        ),
    )
    shifted = exp.AddMonths(this=start.copy(), expression=m.copy())
    return exp.Case(
        ifs=[
            exp.If(
                this=exp.GT(this=shifted, expression=end.copy()),
                true=exp.Sub(this=m.copy(), expression=exp.Literal.number(1)),
            )
        ],
        default=m,
    )


def _date_sub(node: exp.Expr) -> exp.Expr:
    """DuckDB `date_sub(unit, start, end)`: complete months or years, negative when end < start.

    DuckDB negates the forward count for end < start (`-f(end, start)`), which is not the same as counting
    backwards with add_months (2020-02-29 → 2020-01-31 is -1 in DuckDB, 0 backwards), so both branches are
    spelled out. Years are complete months DIV 12 (DuckDB's year operator divides the month count).
    """
    if not (isinstance(node, exp.Anonymous) and str(node.name).lower() == "date_sub"):
        return node
    args = node.expressions
    if len(args) != 3 or not (isinstance(args[0], exp.Literal) and args[0].is_string):
        raise SparkUnsupported(f"date_sub needs a literal unit and two dates: {node.sql('duckdb')[:80]}")
    unit, start, end = str(args[0].this).lower(), args[1], args[2]
    if unit not in ("month", "year"):
        raise SparkUnsupported(f"date_sub in unit {unit!r} has no Spark rewrite (only month, year)")
    forward, backward = _months_forward(start, end), _months_forward(end, start)
    if unit == "year":
        twelve = exp.Literal.number(12)
        forward = exp.IntDiv(this=exp.paren(forward), expression=twelve)
        backward = exp.IntDiv(this=exp.paren(backward), expression=twelve.copy())
    return exp.Case(
        ifs=[exp.If(this=exp.GTE(this=end.copy(), expression=start.copy()), true=forward)],
        default=exp.Neg(this=exp.paren(backward)),
    )


def _date_diff(node: exp.Expr) -> exp.Expr:
    """`date_diff('day', a, b)` → Spark's two-argument `datediff(b, a)` (whole days, end first)."""
    if not isinstance(node, exp.DateDiff):
        return node
    if _unit(node) != "day":
        raise SparkUnsupported(f"date_diff in unit {_unit(node)!r} has no Spark rewrite (only day)")
    # sqlglot's DuckDB reader stores DATE_DIFF('day', start, end) as this=end, expression=start
    return exp.Anonymous(this="DATEDIFF", expressions=[node.this.copy(), node.expression.copy()])


def _not_null(value: exp.Expr) -> exp.Expr:
    """`NOT (value) IS NULL`, the value parenthesised: `NOT a = 0 AND b IS NULL` would bind otherwise."""
    return exp.Not(this=exp.Is(this=exp.paren(value.copy(), copy=False), expression=exp.null()))


def _arg_min_max(node: exp.Expr) -> exp.Expr:
    """DuckDB arg_min/arg_max skip rows whose value is NULL; Spark min_by/max_by would return that NULL."""
    if isinstance(node, exp.Filter) and isinstance(node.this, exp.ArgMin | exp.ArgMax):
        where = node.expression.this
        keep = _not_null(node.this.this)
        return exp.Filter(
            this=node.this.copy(), expression=exp.Where(this=exp.and_(exp.paren(where.copy()), keep))
        )
    if isinstance(node, exp.ArgMin | exp.ArgMax) and not isinstance(node.parent, exp.Filter):
        keep = _not_null(node.this)
        return exp.Filter(this=node.copy(), expression=exp.Where(this=keep))
    return node


def _interval(node: exp.Expr) -> exp.Expr:
    """DATE ± INTERVAL is a TIMESTAMP in DuckDB, a DATE in Spark: cast to TIMESTAMP_NTZ so the types agree
    (comparisons with a DATE are unchanged: both engines widen the DATE to midnight)."""
    if not (isinstance(node, exp.Add | exp.Sub) and isinstance(node.expression, exp.Interval)):
        return node
    unit = str(node.expression.unit.name if node.expression.unit else "").lower()
    if unit not in ("day", "month", "year"):
        raise SparkUnsupported(f"interval in unit {unit!r} has no Spark rewrite (day, month, year)")
    if not isinstance(node.expression.this, exp.Literal):
        raise SparkUnsupported("an interval with a computed amount has no Spark rewrite")
    return exp.Cast(this=exp.paren(node.copy()), to=exp.DataType.build("TIMESTAMP_NTZ", dialect="spark"))


REWRITES: tuple[Rewrite, ...] = (
    Rewrite(
        "count_if",
        "DuckDB's count_if is a sum of booleans: NULL over all-NULL input, where Spark's gives 0",
        _count_if,
    ),
    Rewrite(
        "date_sub(month|year)",
        "complete calendar months/years; Spark has no such function (months_between is fractional)",
        _date_sub,
    ),
    Rewrite("date_diff(day)", "Spark's datediff takes (end, start) and no unit", _date_diff),
    Rewrite(
        "arg_min/arg_max",
        "DuckDB skips rows with a NULL value; Spark's min_by/max_by return it: add FILTER (WHERE value IS NOT NULL)",
        _arg_min_max,
    ),
    Rewrite(
        "date ± interval",
        "DuckDB gives a TIMESTAMP, Spark a DATE: cast to TIMESTAMP_NTZ so output types agree",
        _interval,
    ),
)

#: Node types whose meaning is the same on DuckDB and Spark (after the rewrites), for the values our
#: tables hold. Anything else is refused by `check_supported`. A sub-query only as a derived table (the
#: screening wraps the statement: `SELECT case_id, … FROM (statement) AS screened`).
SUPPORTED: frozenset[type[exp.Expr]] = frozenset(
    {
        exp.Select, exp.From, exp.Join, exp.Where, exp.Group, exp.Order, exp.Ordered, exp.With, exp.CTE,
        exp.Table, exp.TableAlias, exp.Alias, exp.Column, exp.Identifier, exp.Star, exp.Literal, exp.Null,
        exp.Boolean, exp.Paren, exp.And, exp.Or, exp.Not, exp.Is, exp.EQ, exp.NEQ, exp.LT, exp.LTE, exp.GT,
        exp.GTE, exp.NullSafeEQ, exp.NullSafeNEQ, exp.In, exp.Between, exp.Case, exp.If, exp.Coalesce,
        exp.Nullif, exp.Greatest, exp.Least, exp.Add, exp.Sub, exp.Mul, exp.Neg, exp.IntDiv, exp.Cast,
        exp.DataType, exp.Count, exp.Distinct, exp.Sum, exp.Min, exp.Max, exp.ArgMin, exp.ArgMax,
        exp.LogicalOr, exp.LogicalAnd, exp.Filter, exp.Interval, exp.Var, exp.Year, exp.Month, exp.AddMonths,
        exp.Anonymous, exp.Tuple, exp.Subquery,
    }
)  # fmt: skip

#: The only functions allowed to stay anonymous (emitted by the rewrites above).
ANONYMOUS_OK = frozenset({"datediff"})


def check_supported(tree: exp.Expr) -> None:
    """Refuse what the rewrites did not turn into a construct both engines answer alike."""
    for node in tree.walk():
        if type(node) not in SUPPORTED:
            raise SparkUnsupported(
                f"the statement uses {type(node).__name__} ({node.sql('duckdb')[:60]}), which the Spark "
                "backend does not translate (engine/backends/spark_sql.py SUPPORTED)"
            )
        if isinstance(node, exp.Subquery) and not isinstance(node.parent, exp.From | exp.Join):
            raise SparkUnsupported("a sub-query outside FROM/JOIN has no Spark translation")
        if isinstance(node, exp.Anonymous) and str(node.name).lower() not in ANONYMOUS_OK:
            raise SparkUnsupported(f"function {node.name}() has no Spark translation")
        if isinstance(node, exp.DataType) and node.is_type(exp.DataType.Type.DECIMAL):
            raise SparkUnsupported("CAST to DECIMAL rounds differently on Spark; cast to DOUBLE")


def to_spark_tree(sql: str) -> exp.Expr:
    """The DuckDB statement parsed, rewritten for Spark and checked (raises `SparkUnsupported`)."""
    tree = sqlglot.parse_one(sql, dialect="duckdb")
    for rewrite in REWRITES:
        tree = tree.transform(rewrite.apply, copy=False)
    check_supported(tree)
    return tree


def to_spark(sql: str) -> str:
    """Spark SQL text for a DuckDB statement (see `REWRITES`)."""
    return to_spark_tree(sql).sql(dialect="spark")
