"""SQL expressions → Python closures with DuckDB's semantics (the expression half of `pyexec`).

One closure per AST node, built once: NULL-propagating comparisons and arithmetic, Kleene AND/OR/NOT,
aggregates that ignore NULLs (count(*) does not; count_if is NULL over all-NULL input, as in DuckDB),
`/` as floating division (x/0 = ±inf, 0/0 = NaN), casts to integer rounding half away from zero, and
`date + INTERVAL n MONTH` clamped to the month's end. Anything else raises `Unsupported` at compile time.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from sqlglot import exp

from oligoboard.errors import EngineError

Env = dict[str, dict[str, Any]]  # table alias -> that table's current row
Fn = Callable[[Any], Any]  # takes an Env (scalar mode) or a list of Env (aggregate mode)
Schema = list[tuple[str, list[str]]]  # (alias, columns) in FROM/JOIN order
Row = dict[str, Any]

AGGREGATES: tuple[type[exp.Expr], ...] = (
    exp.Count,
    exp.CountIf,
    exp.Sum,
    exp.Min,
    exp.Max,
    exp.ArgMin,
    exp.LogicalOr,
    exp.Filter,
)


class Unsupported(EngineError):
    """The generated SQL uses a construct this executor does not implement."""


# ---- three-valued helpers -------------------------------------------------------------------------


def _and(values: Iterable[Any]) -> bool | None:
    unknown = False
    for v in values:
        if v is False:
            return False
        if v is None:
            unknown = True
    return None if unknown else True


def _cmp(op: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool | None]:
    def apply(a: Any, b: Any) -> bool | None:
        if a is None or b is None:
            return None
        return op(a, b)

    return apply


def _add_months(d: date, months: int) -> date:
    year, month0 = divmod(d.year * 12 + d.month - 1 + months, 12)
    day = min(d.day, calendar.monthrange(year, month0 + 1)[1])
    return date(year, month0 + 1, day)


def _interval(node: exp.Interval) -> tuple[int, str]:
    amount = int(str(node.this.this))
    unit = str(node.unit.this if isinstance(node.unit, exp.Var) else node.unit).upper().rstrip("S")
    return amount, unit


def _shift(d: Any, amount: int, unit: str) -> Any:
    if d is None:
        return None
    if unit == "MONTH":
        return _add_months(d, amount)
    if unit == "YEAR":
        return _add_months(d, 12 * amount)
    if unit == "DAY":
        return d + timedelta(days=amount)
    raise Unsupported(f"interval unit {unit}")


def _divide(a: Any, b: Any) -> float:
    """DuckDB 2.0 divides as doubles: x/0 is ±inf, 0/0 is NaN (not NULL)."""
    if b == 0:
        return math.nan if a == 0 else math.copysign(math.inf, a)
    return float(a) / float(b)


def _cast(value: Any, to: str) -> Any:
    if value is None:
        return None
    if to in ("INT", "BIGINT", "INTEGER", "SMALLINT"):
        # DuckDB rounds half away from zero when casting a fraction to an integer
        return (
            int(math.copysign(math.floor(abs(value) + 0.5), value))
            if isinstance(value, float)
            else int(value)
        )
    if to in ("DOUBLE", "FLOAT", "DECIMAL"):
        return float(value)
    if to in ("TEXT", "VARCHAR"):
        return str(value)
    if to == "BOOLEAN":
        return bool(value)
    raise Unsupported(f"CAST to {to}")


# ---- expression compiler ------------------------------------------------------------------------


class ExpressionCompiler:
    """Compiles one expression in a scope; `aggregate=True` compiles over a group (list of Env)."""

    def __init__(self, schema: Schema, aggregate: bool) -> None:
        self.schema = schema
        self.aggregate = aggregate

    def resolve(self, column: exp.Column) -> tuple[str, str]:
        name, table = column.name, column.table
        for alias, columns in self.schema:
            if (not table or table == alias) and name in columns:
                return alias, name
        raise Unsupported(f"unknown column {column.sql()}")

    def column(self, node: exp.Column) -> Fn:
        alias, name = self.resolve(node)
        if self.aggregate:
            return lambda envs: envs[0][alias][name] if envs else None
        return lambda env: env[alias][name]

    def agg(self, node: exp.Expr, where: exp.Expr | None = None) -> Fn:
        scalar = ExpressionCompiler(self.schema, aggregate=False)
        keep: Callable[[Env], bool] = (lambda env: True) if where is None else truthy(scalar.compile(where))
        if isinstance(node, exp.Count):
            arg = node.this
            if isinstance(arg, exp.Star):
                return lambda envs: sum(1 for e in envs if keep(e))
            if isinstance(arg, exp.Distinct):
                inner = scalar.compile(arg.expressions[0])
                return lambda envs: len({v for e in envs if keep(e) and (v := inner(e)) is not None})
            value = scalar.compile(arg)
            return lambda envs: sum(1 for e in envs if keep(e) and value(e) is not None)
        if isinstance(node, exp.CountIf):
            # DuckDB's count_if is a sum: NULL when every input is NULL, not 0
            cond = scalar.compile(node.this)
            return lambda envs: (
                sum(1 for v in vals if v)
                if (vals := [v for e in envs if keep(e) and (v := cond(e)) is not None])
                else None
            )
        if isinstance(node, exp.LogicalOr):
            value = scalar.compile(node.this)

            def bool_or(envs: list[Env]) -> bool | None:
                vals = [v for e in envs if keep(e) and (v := value(e)) is not None]
                return any(vals) if vals else None

            return bool_or
        if isinstance(node, exp.Sum | exp.Min | exp.Max):
            value = scalar.compile(node.this)
            reducers: dict[type[exp.Expr], Callable[[list[Any]], Any]] = {
                exp.Sum: sum,
                exp.Min: min,
                exp.Max: max,
            }
            reduce = reducers[type(node)]
            return lambda envs: (
                reduce(vals)
                if (vals := [v for e in envs if keep(e) and (v := value(e)) is not None])
                else None
            )
        if isinstance(node, exp.ArgMin):
            value, by = scalar.compile(node.this), scalar.compile(node.expression)

            def arg_min(envs: list[Env]) -> Any:
                # DuckDB skips rows where either the value or the ordering key is NULL
                pairs = [
                    (b, v)
                    for e in envs
                    if keep(e) and (b := by(e)) is not None and (v := value(e)) is not None
                ]
                return min(pairs, key=lambda p: p[0])[1] if pairs else None

            return arg_min
        if isinstance(node, exp.Filter):
            return self.agg(node.this, node.expression.this)
        raise Unsupported(f"aggregate {type(node).__name__}")

    def compile(self, node: exp.Expr) -> Fn:
        c = self.compile
        if isinstance(node, exp.Column):
            return self.column(node)
        if self.aggregate and isinstance(node, AGGREGATES):
            return self.agg(node)
        if isinstance(node, exp.Paren | exp.Alias):
            return c(node.this)
        if isinstance(node, exp.Literal):
            value: Any = node.this if node.is_string else _number(node.this)
            return lambda _: value
        if isinstance(node, exp.Boolean):
            flag = bool(node.this)
            return lambda _: flag
        if isinstance(node, exp.Null):
            return lambda _: None
        if isinstance(node, exp.And):
            a, b = c(node.this), c(node.expression)
            return lambda x: _and((a(x), b(x)))
        if isinstance(node, exp.Or):
            a, b = c(node.this), c(node.expression)

            def or_(x: Any) -> bool | None:
                left, right = a(x), b(x)
                if left is True or right is True:
                    return True
                return None if left is None or right is None else False

            return or_
        if isinstance(node, exp.Not):
            inner = c(node.this)
            return lambda x: None if (v := inner(x)) is None else not v
        if isinstance(node, exp.Is):
            inner = c(node.this)
            target = node.expression
            if isinstance(target, exp.Null):
                return lambda x: inner(x) is None
            if isinstance(target, exp.Boolean):
                want = bool(target.this)
                return lambda x: inner(x) is want
            raise Unsupported("IS with a non-constant")
        comparisons: dict[type[exp.Expr], Callable[[Any, Any], bool | None]] = {
            exp.EQ: _cmp(lambda a, b: a == b),
            exp.NEQ: _cmp(lambda a, b: a != b),
            exp.GT: _cmp(lambda a, b: a > b),
            exp.GTE: _cmp(lambda a, b: a >= b),
            exp.LT: _cmp(lambda a, b: a < b),
            exp.LTE: _cmp(lambda a, b: a <= b),
        }
        if type(node) in comparisons:
            op = comparisons[type(node)]
            a, b = c(node.this), c(node.expression)
            return lambda x: op(a(x), b(x))
        if isinstance(node, exp.NullSafeNEQ | exp.NullSafeEQ):
            a, b = c(node.this), c(node.expression)
            equal = isinstance(node, exp.NullSafeEQ)
            return lambda x: (a(x) == b(x)) is equal
        if isinstance(node, exp.Between):
            v, lo, hi = c(node.this), c(node.args["low"]), c(node.args["high"])
            ge, le = comparisons[exp.GTE], comparisons[exp.LTE]
            return lambda x: _and((ge(val := v(x), lo(x)), le(val, hi(x))))
        if isinstance(node, exp.In):
            v = c(node.this)
            options = [c(o) for o in node.expressions]

            def in_(x: Any) -> bool | None:
                val = v(x)
                if val is None:
                    return None
                unknown = False
                for o in options:
                    ov = o(x)
                    if ov is None:
                        unknown = True
                    elif ov == val:
                        return True
                return None if unknown else False

            return in_
        if isinstance(node, exp.Case):
            return self.case(node)
        if isinstance(node, exp.Coalesce):
            parts = [c(node.this), *(c(e) for e in node.expressions)]
            return lambda x: next((v for p in parts if (v := p(x)) is not None), None)
        if isinstance(node, exp.Nullif):
            a, b = c(node.this), c(node.expression)
            return lambda x: None if (av := a(x)) is not None and av == b(x) else av
        if isinstance(node, exp.Greatest):
            parts = [c(node.this), *(c(e) for e in node.expressions)]
            return lambda x: max(vals) if (vals := [v for p in parts if (v := p(x)) is not None]) else None
        if isinstance(node, exp.Add) and isinstance(node.expression, exp.Interval):
            base = c(node.this)
            amount, unit = _interval(node.expression)
            return lambda x: _shift(base(x), amount, unit)
        if isinstance(node, exp.Sub) and isinstance(node.expression, exp.Interval):
            base = c(node.this)
            amount, unit = _interval(node.expression)
            return lambda x: _shift(base(x), -amount, unit)
        arithmetic: dict[type[exp.Expr], Callable[[Any, Any], Any]] = {
            exp.Add: lambda a, b: a + b,
            exp.Sub: lambda a, b: a - b,
            exp.Mul: lambda a, b: a * b,
            exp.Div: _divide,
        }
        if type(node) in arithmetic:
            fn = arithmetic[type(node)]
            a, b = c(node.this), c(node.expression)
            return lambda x: None if (av := a(x)) is None or (bv := b(x)) is None else fn(av, bv)
        if isinstance(node, exp.Neg):
            inner = c(node.this)
            return lambda x: None if (v := inner(x)) is None else -v
        if isinstance(node, exp.Floor):
            inner = c(node.this)
            return lambda x: None if (v := inner(x)) is None else math.floor(v)
        if isinstance(node, exp.Cast):
            inner = c(node.this)
            to = node.to.this.name if hasattr(node.to.this, "name") else str(node.to.this)
            return lambda x: _cast(inner(x), to)
        if isinstance(node, exp.DateDiff):
            unit = str(node.unit.this if isinstance(node.unit, exp.Var) else node.unit).upper()
            if unit != "DAY":
                raise Unsupported(f"DATE_DIFF unit {unit}")
            end, start = c(node.this), c(node.expression)
            return lambda x: None if (e := end(x)) is None or (s := start(x)) is None else (e - s).days
        raise Unsupported(f"SQL construct {type(node).__name__}: {node.sql()[:80]}")

    def case(self, node: exp.Case) -> Fn:
        subject = self.compile(node.this) if node.this is not None else None
        branches = [(self.compile(i.this), self.compile(i.args["true"])) for i in node.args.get("ifs", [])]
        default = (
            self.compile(node.args["default"]) if node.args.get("default") is not None else (lambda _: None)
        )

        def case(x: Any) -> Any:
            if subject is not None:
                s = subject(x)
                for when, then in branches:
                    if s is not None and s == when(x):
                        return then(x)
                return default(x)
            for when, then in branches:
                if when(x) is True:
                    return then(x)
            return default(x)

        return case


def _number(text: str) -> int | float:
    return float(text) if any(ch in text for ch in ".eE") else int(text)


def truthy(fn: Fn) -> Callable[[Env], bool]:
    return lambda env: fn(env) is True


def has_aggregate(node: exp.Expr) -> bool:
    return any(isinstance(n, AGGREGATES) for n in node.walk())
