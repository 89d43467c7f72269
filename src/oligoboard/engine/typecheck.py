"""Type-check one knowledge expression against the feature catalogue's types, at load.

Why: DuckDB coerces freely (`diagnosis_date >= '2020-01-01'` casts the text, `TRUE + 1` is 2) while a Python
executor compares what it is given, so a loosely typed rule either answers differently on the two executors or
crashes one of them with a patient in front of it. Here every expression gets a type from its columns
(features.yaml `type:`; definitions and decision lists carry the type inferred when they were compiled) and a
mismatch is a `KnowledgeError` naming the file and the rule. The one coercion we accept is the one people
write: an ISO-date text literal compared with a date, which is rewritten in the tree to `CAST('…' AS DATE)`
so both executors see a typed literal.

Types: integer, number, boolean, text, date, interval and null (a bare NULL, compatible with anything).
The checker is closed-world: a node type it does not know is refused, so the supported set can be listed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date

from sqlglot import exp

from oligoboard.errors import KnowledgeError, Problem

INTEGER, NUMBER, BOOLEAN, TEXT, DATE, INTERVAL, NULL = (
    "integer",
    "number",
    "boolean",
    "text",
    "date",
    "interval",
    "null",
)
NUMERIC = frozenset({INTEGER, NUMBER})
CATALOGUE_TYPES = frozenset({INTEGER, NUMBER, BOOLEAN, TEXT, DATE})

_CAST_TYPES: dict[str, str] = {
    "INT": INTEGER,
    "INTEGER": INTEGER,
    "BIGINT": INTEGER,
    "SMALLINT": INTEGER,
    "DOUBLE": NUMBER,
    "FLOAT": NUMBER,
    "DECIMAL": NUMBER,
    "VARCHAR": TEXT,
    "TEXT": TEXT,
    "BOOLEAN": BOOLEAN,
    "DATE": DATE,
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ExpressionTypeError(Exception):
    """Internal: one mismatch, turned into a KnowledgeError naming file and rule by `check`."""


def is_iso_date(text: str) -> bool:
    """`YYYY-MM-DD` naming a real calendar day (2021-02-30 is not one)."""
    if not _ISO_DATE.match(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def date_literal(text: str) -> exp.Expr:
    """The typed literal both executors understand: CAST('YYYY-MM-DD' AS DATE)."""
    return exp.cast(exp.Literal.string(text), exp.DataType.build("DATE"))


def _unify(a: str, b: str, what: str) -> str:
    if a == NULL:
        return b
    if b == NULL or a == b:
        return a
    if a in NUMERIC and b in NUMERIC:
        return NUMBER
    raise ExpressionTypeError(f"{what} mixes {a} and {b}")


class TypeChecker:
    """Infers the type of an expression whose columns have the types in `columns`, rewriting date literals."""

    def __init__(self, columns: Mapping[str, str]) -> None:
        self.columns = columns
        self.rules: dict[type[exp.Expr], Callable[[exp.Expr], str]] = {
            exp.Column: self._column,
            exp.Paren: lambda n: self.infer(n.this),
            exp.Literal: lambda n: TEXT if n.is_string else _number_type(str(n.this)),
            exp.Boolean: lambda n: BOOLEAN,
            exp.Null: lambda n: NULL,
            exp.And: self._logical,
            exp.Or: self._logical,
            exp.Not: self._not,
            exp.Is: self._is,
            exp.EQ: self._comparison,
            exp.NEQ: self._comparison,
            exp.GT: self._comparison,
            exp.GTE: self._comparison,
            exp.LT: self._comparison,
            exp.LTE: self._comparison,
            exp.NullSafeEQ: self._comparison,
            exp.NullSafeNEQ: self._comparison,
            exp.Between: self._between,
            exp.In: self._in,
            exp.Case: self._case,
            exp.Coalesce: self._variadic,
            exp.Greatest: self._variadic,
            exp.Least: self._variadic,
            exp.Nullif: self._nullif,
            exp.Add: self._add_sub,
            exp.Sub: self._add_sub,
            exp.Mul: self._arithmetic,
            exp.Div: self._arithmetic,
            exp.Neg: self._neg,
            exp.Floor: self._rounding,
            exp.Ceil: self._rounding,
            exp.Abs: self._rounding,
            exp.Cast: self._cast,
            exp.DateDiff: self._date_diff,
            exp.Interval: self._interval,
        }

    # ---- entry points -------------------------------------------------------------------------------

    def infer(self, node: exp.Expr) -> str:
        rule = self.rules.get(type(node))
        if rule is None:
            raise ExpressionTypeError(f"{type(node).__name__} is not supported in knowledge expressions")
        return rule(node)

    # ---- rules --------------------------------------------------------------------------------------

    def _column(self, node: exp.Expr) -> str:
        return self.columns.get(node.name, NULL)

    def _need(self, node: exp.Expr, wanted: frozenset[str], what: str) -> str:
        found = self.infer(node)
        if found != NULL and found not in wanted:
            raise ExpressionTypeError(
                f"{what} needs {' or '.join(sorted(wanted))}, got {found} ({node.sql(dialect='duckdb')[:60]})"
            )
        return found

    def _logical(self, node: exp.Expr) -> str:
        name = type(node).__name__.upper()
        self._need(node.this, frozenset({BOOLEAN}), name)
        self._need(node.expression, frozenset({BOOLEAN}), name)
        return BOOLEAN

    def _not(self, node: exp.Expr) -> str:
        self._need(node.this, frozenset({BOOLEAN}), "NOT")
        return BOOLEAN

    def _is(self, node: exp.Expr) -> str:
        target = node.expression
        if isinstance(target, exp.Boolean):
            self._need(node.this, frozenset({BOOLEAN}), "IS TRUE/FALSE")
        elif isinstance(target, exp.Null):
            self.infer(node.this)
        else:
            raise ExpressionTypeError("IS needs NULL, TRUE or FALSE on its right")
        return BOOLEAN

    def _compare(self, parent: exp.Expr, left: exp.Expr, right: exp.Expr) -> None:
        """Two operands that can be compared; an ISO text literal next to a date becomes a DATE literal."""
        a, b = self.infer(left), self.infer(right)
        for this, other, other_type in ((left, right, b), (right, left, a)):
            if self._is_text_literal(this) and other_type == DATE:
                if not is_iso_date(str(this.this)):
                    raise ExpressionTypeError(
                        f"text {this.sql()} compared with the date {other.sql(dialect='duckdb')[:40]} "
                        "is not an ISO date (YYYY-MM-DD)"
                    )
                this.replace(date_literal(str(this.this)))
                return
        if NULL in (a, b) or a == b or (a in NUMERIC and b in NUMERIC):
            return
        raise ExpressionTypeError(f"cannot compare {a} with {b} ({parent.sql(dialect='duckdb')[:80]})")

    @staticmethod
    def _is_text_literal(node: exp.Expr) -> bool:
        return isinstance(node, exp.Literal) and node.is_string

    def _comparison(self, node: exp.Expr) -> str:
        self._compare(node, node.this, node.expression)
        return BOOLEAN

    def _between(self, node: exp.Expr) -> str:
        self._compare(node, node.this, node.args["low"])
        self._compare(node, node.this, node.args["high"])
        return BOOLEAN

    def _in(self, node: exp.Expr) -> str:
        if node.args.get("query") is not None or not node.expressions:
            raise ExpressionTypeError("IN needs a list of values")
        for option in list(node.expressions):
            self._compare(node, node.this, option)
        return BOOLEAN

    def _case(self, node: exp.Expr) -> str:
        subject = node.this
        result = NULL
        for branch in node.args.get("ifs") or []:
            if subject is not None:
                self._compare(node, subject, branch.this)
            else:
                self._need(branch.this, frozenset({BOOLEAN}), "CASE WHEN")
            result = _unify(result, self.infer(branch.args["true"]), "CASE")
        default = node.args.get("default")
        if default is not None:
            result = _unify(result, self.infer(default), "CASE")
        return result

    def _variadic(self, node: exp.Expr) -> str:
        result = NULL
        name = type(node).__name__.upper()
        for part in [node.this, *node.expressions]:
            result = _unify(result, self.infer(part), name)
        return result

    def _nullif(self, node: exp.Expr) -> str:
        self._compare(node, node.this, node.expression)
        return self.infer(node.this)

    def _add_sub(self, node: exp.Expr) -> str:
        a, b = self.infer(node.this), self.infer(node.expression)
        if b == INTERVAL:
            if a not in (DATE, NULL):
                raise ExpressionTypeError(f"an INTERVAL can only be added to a date, not to {a}")
            return DATE
        if a == INTERVAL:
            if isinstance(node, exp.Sub) or b not in (DATE, NULL):
                raise ExpressionTypeError("write date + INTERVAL, with the date first")
            return DATE
        if a == DATE and b == DATE:
            raise ExpressionTypeError("subtracting dates is not supported: use date_diff('day', start, end)")
        return self._numeric_pair(node, a, b)

    def _arithmetic(self, node: exp.Expr) -> str:
        result = self._numeric_pair(node, self.infer(node.this), self.infer(node.expression))
        return NUMBER if isinstance(node, exp.Div) else result

    def _numeric_pair(self, node: exp.Expr, a: str, b: str) -> str:
        for t in (a, b):
            if t not in NUMERIC and t != NULL:
                raise ExpressionTypeError(
                    f"arithmetic needs numbers, got {t} ({node.sql(dialect='duckdb')[:80]})"
                )
        return INTEGER if a == b == INTEGER else NUMBER

    def _neg(self, node: exp.Expr) -> str:
        return self._need(node.this, NUMERIC, "unary minus")

    def _rounding(self, node: exp.Expr) -> str:
        if node.args.get("decimals") is not None or node.args.get("to") is not None:
            raise ExpressionTypeError(f"{type(node).__name__.upper()} takes one argument here")
        return self._need(node.this, NUMERIC, type(node).__name__.upper())

    def _cast(self, node: exp.Expr) -> str:
        to_type = node.args["to"]
        target = to_type.this
        name = target.name if hasattr(target, "name") else str(target)
        to = _CAST_TYPES.get(str(name).upper())
        if to is None:
            raise ExpressionTypeError(f"CAST to {name} is not supported")
        source = self.infer(node.this)
        if to == DATE and source == TEXT:
            if not (self._is_text_literal(node.this) and is_iso_date(str(node.this.this))):
                raise ExpressionTypeError("only an ISO-date literal (YYYY-MM-DD) can be cast to DATE")
        elif to == DATE and source not in (DATE, NULL):
            raise ExpressionTypeError(f"cannot cast {source} to DATE")
        elif source == DATE and to != DATE and to != TEXT:
            raise ExpressionTypeError(f"cannot cast a date to {to}")
        return to

    def _date_diff(self, node: exp.Expr) -> str:
        unit = node.args.get("unit")
        unit_name = str(unit.this if isinstance(unit, exp.Var) else unit).upper().strip("'")
        if unit_name != "DAY":
            raise ExpressionTypeError(f"date_diff unit {unit_name} is not supported (use 'day')")
        self._need(node.this, frozenset({DATE}), "date_diff")
        self._need(node.expression, frozenset({DATE}), "date_diff")
        return INTEGER

    def _interval(self, node: exp.Expr) -> str:
        amount = node.this
        if isinstance(amount, exp.Literal) and str(amount.this).lstrip("-").isdigit():
            return INTERVAL
        raise ExpressionTypeError("INTERVAL needs a whole-number literal amount")


def _number_type(text: str) -> str:
    return NUMBER if any(ch in text for ch in ".eE") else INTEGER


def check(tree: exp.Expr, columns: Mapping[str, str], *, where: str, text: str, condition: bool) -> str:
    """The type of `tree` (rewritten in place where a date literal is typed); `condition` wants boolean."""
    try:
        found = TypeChecker(columns).infer(tree)
        if condition and found not in (BOOLEAN, NULL):
            raise ExpressionTypeError(f"a condition must be boolean (TRUE/FALSE/NULL), this is {found}")
    except ExpressionTypeError as exc:
        raise KnowledgeError(f"{where}: type error: {exc}", [Problem(where, str(exc), found=text)]) from None
    return found
