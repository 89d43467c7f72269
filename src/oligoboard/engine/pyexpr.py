"""SQL expressions → Python source text calling `pyruntime` helpers (the expression half of `pyexec`).

Why a dispatch table: the Python executor must never silently disagree with DuckDB. `EXPRESSIONS` maps each
sqlglot node type we implement to the arguments we implement and the function that emits its code, in the
manner of sqlglot's own generator `TRANSFORMS`. A node type that is not a key, or an argument that is set but
not listed (`Ordered.desc` would be one if ORDER BY were not implemented, `Between.symmetric`, `Floor.decimals`,
an unknown function's arguments), raises `Unsupported` naming the construct while the executor is being
built — never later, never silently. `pyexec.SUPPORTED_NODES` lists the whole closed world.

Each emitted snippet is one Python expression over the row variables `r0, r1, …` (one per FROM/JOIN alias, a
dict column → value). In grouped mode it reads the group key `k` and the group's rows `g` (a list of row
tuples); aggregates emit a list comprehension over `g`. CASE becomes a chained conditional expression (lazy,
first TRUE wins); everything else a helper call with DuckDB's semantics (see `pyruntime`). Literals from the
knowledge are emitted with `repr`, so no SQL text is ever pasted into code.

To add a node type: write `_emit_x(gen, node) -> str`, register it with `@emits(exp.X, "this", ...)` listing
the arguments it implements, add the runtime helper if one is needed, and add rows to the oracle table
(`tests/engine/test_expression_oracle.py`) so DuckDB confirms the semantics.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from oligoboard.engine.pyruntime import Unsupported

Emitter = Callable[["ExpressionGenerator", Any], str]


@dataclass(frozen=True)
class NodeRule:
    """What the executor implements of one node type: its arguments and (for expressions) its emitter."""

    args: frozenset[str]
    emit: Emitter | None = None
    #: arguments sqlglot sets as dialect flags whose value we require (e.g. greatest ignores NULLs in DuckDB)
    flags: Mapping[str, Any] = field(default_factory=dict)


#: expression node type → rule; filled by `@emits`
EXPRESSIONS: dict[type[exp.Expr], NodeRule] = {}

#: node types that only appear as parts of other nodes (read by their parent's emitter or by `pyexec`)
STRUCTURAL: dict[type[exp.Expr], NodeRule] = {
    exp.If: NodeRule(frozenset({"this", "true"})),
    exp.Where: NodeRule(frozenset({"this"})),
    exp.Interval: NodeRule(frozenset({"this", "unit"})),
    exp.DataType: NodeRule(frozenset({"this", "nested"})),
    exp.Var: NodeRule(frozenset({"this"})),
    exp.Distinct: NodeRule(frozenset({"expressions"})),
    exp.Star: NodeRule(frozenset()),
    exp.Identifier: NodeRule(frozenset({"this", "quoted"})),
}

AGGREGATES: tuple[type[exp.Expr], ...] = (
    exp.Count,
    exp.CountIf,
    exp.Sum,
    exp.Min,
    exp.Max,
    exp.ArgMin,
    exp.ArgMax,
    exp.LogicalOr,
    exp.LogicalAnd,
    exp.Filter,
)

CAST_HELPERS: dict[exp.DType, str] = {
    exp.DType.INT: "cast_integer",
    exp.DType.BIGINT: "cast_bigint",
    exp.DType.DOUBLE: "cast_double",
    exp.DType.TEXT: "cast_varchar",
    exp.DType.VARCHAR: "cast_varchar",
    exp.DType.BOOLEAN: "cast_boolean",
    exp.DType.DATE: "cast_date",
    exp.DType.TIMESTAMP: "cast_timestamp",
}

INTERVAL_UNITS: dict[str, tuple[int, int]] = {  # unit → (months, days) per 1
    "DAY": (0, 1),
    "DAYS": (0, 1),
    "WEEK": (0, 7),
    "WEEKS": (0, 7),
    "MONTH": (1, 0),
    "MONTHS": (1, 0),
    "YEAR": (12, 0),
    "YEARS": (12, 0),
}


def emits(node_type: type[exp.Expr], *args: str, **flags: Any) -> Callable[[Emitter], Emitter]:
    """Register an emitter for `node_type` implementing exactly `args` (and requiring `flags`' values)."""

    def register(fn: Emitter) -> Emitter:
        EXPRESSIONS[node_type] = NodeRule(frozenset(args) | frozenset(flags), fn, dict(flags))
        return fn

    return register


def _is_set(value: Any) -> bool:
    return value is not None and value is not False and value != [] and value != ""


def check_args(node: exp.Expr, rule: NodeRule | None = None) -> None:
    """Refuse `node` if its type is unknown or it sets an argument the executor does not implement."""
    if rule is None:
        rule = EXPRESSIONS.get(type(node)) or STRUCTURAL.get(type(node))
    if rule is None:
        raise Unsupported(f"SQL construct {type(node).__name__} is not supported: {_snippet(node)}")
    for name, value in node.args.items():
        if not _is_set(value):
            continue
        if name not in rule.args:
            raise Unsupported(f"{type(node).__name__} with {name!r} is not supported: {_snippet(node)}")
        if name in rule.flags and value != rule.flags[name]:
            raise Unsupported(f"{type(node).__name__} with {name}={value!r} is not supported")
    for name, wanted in rule.flags.items():
        if wanted is True and not _is_set(node.args.get(name)):
            raise Unsupported(f"{type(node).__name__} without {name} is not supported")


def _snippet(node: exp.Expr) -> str:
    try:
        return node.sql(dialect="duckdb")[:80]
    except Exception:  # a node sqlglot cannot print still gets a useful message
        return type(node).__name__


def has_aggregate(node: exp.Expr) -> bool:
    return any(isinstance(n, AGGREGATES) for n in node.walk())


@dataclass
class Scope:
    """The FROM/JOIN aliases visible to an expression: (alias, columns, Python variable), in order."""

    aliases: list[tuple[str, list[str], str]] = field(default_factory=list)

    def resolve(self, column: exp.Column) -> tuple[str, str]:
        """(variable, column name) of a column reference; unknown or ambiguous names are refused."""
        check_args(column, NodeRule(frozenset({"this", "table"})))
        name, table = column.name, column.table
        hits = [
            (var, name) for alias, cols, var in self.aliases if (not table or table == alias) and name in cols
        ]
        if not hits:
            raise Unsupported(f"unknown column {column.sql(dialect='duckdb')}")
        if len(hits) > 1:
            raise Unsupported(f"ambiguous column {column.sql(dialect='duckdb')}")
        return hits[0]

    def unpack(self) -> str:
        """The tuple pattern binding one grouped row back to `r0, r1, …`."""
        return "(" + "".join(f"{var}, " for _, _, var in self.aliases) + ")"


class ExpressionGenerator:
    """Emits Python for expressions in one scope; `group_keys` set = grouped mode (over `k` and `g`)."""

    def __init__(
        self, scope: Scope, group_keys: Sequence[exp.Expr] | None = None, names: Iterator[int] | None = None
    ) -> None:
        self.scope = scope
        self.group_keys = list(group_keys) if group_keys is not None else None
        self._names = names if names is not None else iter(range(1 << 30))

    def fresh(self, prefix: str) -> str:
        return f"_{prefix}{next(self._names)}"

    def scalar(self) -> ExpressionGenerator:
        """A generator for the rows inside an aggregate (same scope, not grouped)."""
        return ExpressionGenerator(self.scope, None, self._names)

    def _key_index(self, node: exp.Expr) -> int | None:
        assert self.group_keys is not None
        for i, key in enumerate(self.group_keys):
            if isinstance(node, exp.Column) and isinstance(key, exp.Column):
                if self.scope.resolve(node) == self.scope.resolve(key):
                    return i
            elif node == key:
                return i
        return None

    def emit(self, node: exp.Expr) -> str:
        if self.group_keys is not None and not isinstance(node, exp.Literal | exp.Boolean | exp.Null):
            index = self._key_index(node)
            if index is not None:
                return f"k[{index}]"
            if isinstance(node, exp.Column):
                raise Unsupported(f"column {node.sql(dialect='duckdb')} must appear in GROUP BY")
        if isinstance(node, AGGREGATES) and self.group_keys is None:
            raise Unsupported(f"aggregate {type(node).__name__} outside a grouped SELECT")
        rule = EXPRESSIONS.get(type(node))
        if rule is None or rule.emit is None:
            check_args(node)  # raises, naming the construct
            raise Unsupported(f"SQL construct {type(node).__name__}")  # pragma: no cover
        check_args(node, rule)
        return rule.emit(self, node)

    def call(self, helper: str, *nodes: exp.Expr) -> str:
        return f"{helper}({', '.join(self.emit(n) for n in nodes)})"

    def aggregate(self, helper: str, value: str | None, where: exp.Expr | None) -> str:
        """`helper([value for <row> in g if where])` evaluated over the group's rows."""
        inner = self.scalar()
        cond = f" if {inner.emit(where)} is True" if where is not None else ""
        item = "1" if value is None else value
        return f"{helper}([{item} for {self.scope.unpack()} in g{cond}])"


# ---- leaves -----------------------------------------------------------------------------------------


@emits(exp.Column, "this", "table")
def _emit_column(gen: ExpressionGenerator, node: exp.Column) -> str:
    if isinstance(node.this, exp.Star):
        raise Unsupported("* is only supported as a SELECT item")
    var, name = gen.scope.resolve(node)
    return f"{var}[{name!r}]"


@emits(exp.Literal, "this", "is_string")
def _emit_literal(gen: ExpressionGenerator, node: exp.Literal) -> str:
    if node.is_string:
        return repr(str(node.this))
    return repr(number(str(node.this)))


def number(text: str) -> int | float:
    """A numeric literal's value. DuckDB types `1.5` DECIMAL; we compute it as a DOUBLE (see docs/engine.md)."""
    try:
        return int(text)
    except ValueError:
        return float(text)


@emits(exp.Boolean, "this")
def _emit_boolean(gen: ExpressionGenerator, node: exp.Boolean) -> str:
    return repr(bool(node.this))


@emits(exp.Null)
def _emit_null(gen: ExpressionGenerator, node: exp.Null) -> str:
    return "None"


@emits(exp.Paren, "this")
def _emit_paren(gen: ExpressionGenerator, node: exp.Paren) -> str:
    return gen.emit(node.this)


# ---- logic and comparisons ------------------------------------------------------------------------------


def _flatten(node: exp.Expr, kind: type[exp.Expr]) -> list[exp.Expr]:
    """The operands of a chain `a AND b AND c` (sqlglot nests binary nodes; Python would nest too deep)."""
    out: list[exp.Expr] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if type(n) is kind:
            check_args(n, EXPRESSIONS[kind])
            stack.append(n.expression)
            stack.append(n.this)
        else:
            out.append(n)
    return out


@emits(exp.And, "this", "expression")
def _emit_and(gen: ExpressionGenerator, node: exp.And) -> str:
    return "and_(" + ", ".join(gen.emit(n) for n in _flatten(node, exp.And)) + ")"


@emits(exp.Or, "this", "expression")
def _emit_or(gen: ExpressionGenerator, node: exp.Or) -> str:
    return "or_(" + ", ".join(gen.emit(n) for n in _flatten(node, exp.Or)) + ")"


@emits(exp.Not, "this")
def _emit_not(gen: ExpressionGenerator, node: exp.Not) -> str:
    return gen.call("not_", node.this)


@emits(exp.Is, "this", "expression")
def _emit_is(gen: ExpressionGenerator, node: exp.Is) -> str:
    target = node.expression
    if isinstance(target, exp.Null):
        return f"({gen.emit(node.this)} is None)"
    if isinstance(target, exp.Boolean):
        return f"({gen.emit(node.this)} is {bool(target.this)!r})"
    raise Unsupported(f"IS {type(target).__name__} (only IS [NOT] NULL/TRUE/FALSE)")


def _comparison(helper: str) -> Emitter:
    def emit(gen: ExpressionGenerator, node: exp.Expr) -> str:
        return gen.call(helper, node.this, node.expression)

    return emit


for _node, _helper in (
    (exp.EQ, "eq"),
    (exp.NEQ, "ne"),
    (exp.LT, "lt"),
    (exp.LTE, "le"),
    (exp.GT, "gt"),
    (exp.GTE, "ge"),
    (exp.NullSafeNEQ, "distinct_from"),
    (exp.Mul, "mul"),
):
    emits(_node, "this", "expression")(_comparison(_helper))


@emits(exp.NullSafeEQ, "this", "expression")
def _emit_not_distinct(gen: ExpressionGenerator, node: exp.NullSafeEQ) -> str:
    return f"(not {gen.call('distinct_from', node.this, node.expression)})"


@emits(exp.Between, "this", "low", "high")
def _emit_between(gen: ExpressionGenerator, node: exp.Between) -> str:
    return gen.call("between", node.this, node.args["low"], node.args["high"])


@emits(exp.In, "this", "expressions")
def _emit_in(gen: ExpressionGenerator, node: exp.In) -> str:
    options = "".join(f"{gen.emit(o)}, " for o in node.expressions)
    return f"in_({gen.emit(node.this)}, ({options}))"


@emits(exp.Case, "this", "ifs", "default")
def _emit_case(gen: ExpressionGenerator, node: exp.Case) -> str:
    default = gen.emit(node.args["default"]) if node.args.get("default") is not None else "None"
    subject = node.this
    parts: list[str] = []
    var = gen.fresh("s") if subject is not None else None
    for i, branch in enumerate(node.args.get("ifs") or []):
        check_args(branch)
        when, then = gen.emit(branch.this), gen.emit(branch.args["true"])
        if var is not None:
            lhs = f"({var} := {gen.emit(subject)})" if i == 0 else var
            parts.append(f"{then} if eq({lhs}, {when}) is True else")
        else:
            parts.append(f"{then} if {when} is True else")
    if var is not None and not parts:
        raise Unsupported("CASE without WHEN")
    return "(" + " ".join([*parts, default]) + ")"


# ---- scalar functions and arithmetic ---------------------------------------------------------------------


def _variadic(helper: str) -> Emitter:
    def emit(gen: ExpressionGenerator, node: exp.Expr) -> str:
        return gen.call(helper, node.this, *node.expressions)

    return emit


emits(exp.Coalesce, "this", "expressions", "is_nvl", "is_null")(_variadic("coalesce"))
emits(exp.Greatest, "this", "expressions", ignore_nulls=True)(_variadic("greatest"))
emits(exp.Least, "this", "expressions", ignore_nulls=True)(_variadic("least"))


@emits(exp.Nullif, "this", "expression")
def _emit_nullif(gen: ExpressionGenerator, node: exp.Nullif) -> str:
    return gen.call("nullif", node.this, node.expression)


def _interval(node: exp.Interval) -> tuple[int, int]:
    """(months, days) of `INTERVAL n UNIT` with a literal integer n."""
    check_args(node)
    amount = node.this
    while isinstance(amount, exp.Paren):
        amount = amount.this
    negative = False
    if isinstance(amount, exp.Neg):
        negative, amount = True, amount.this
    if not isinstance(amount, exp.Literal) or node.unit is None:
        raise Unsupported(f"INTERVAL must be a literal number and a unit: {_snippet(node)}")
    try:
        n = int(str(amount.this))
    except ValueError:
        raise Unsupported(f"INTERVAL amount must be an integer: {_snippet(node)}") from None
    unit = str(node.unit.this if isinstance(node.unit, exp.Var) else node.unit.name).upper()
    if unit not in INTERVAL_UNITS:
        raise Unsupported(f"INTERVAL unit {unit}")
    months, days = INTERVAL_UNITS[unit]
    sign = -1 if negative else 1
    return sign * n * months, sign * n * days


def _arith(helper: str, interval_sign: int) -> Emitter:
    def emit(gen: ExpressionGenerator, node: exp.Expr) -> str:
        if isinstance(node.expression, exp.Interval):
            months, days = _interval(node.expression)
            return f"shift({gen.emit(node.this)}, {interval_sign * months}, {interval_sign * days})"
        if isinstance(node.this, exp.Interval):
            raise Unsupported("INTERVAL must be the right operand")
        return gen.call(helper, node.this, node.expression)

    return emit


emits(exp.Add, "this", "expression")(_arith("add", 1))
emits(exp.Sub, "this", "expression")(_arith("sub", -1))


@emits(exp.Div, "this", "expression", typed=False, safe=False)
def _emit_div(gen: ExpressionGenerator, node: exp.Div) -> str:
    return gen.call("div", node.this, node.expression)


@emits(exp.Neg, "this")
def _emit_neg(gen: ExpressionGenerator, node: exp.Neg) -> str:
    if isinstance(node.this, exp.Literal) and not node.this.is_string:
        return repr(-number(str(node.this.this)))
    return gen.call("neg", node.this)


@emits(exp.Floor, "this")
def _emit_floor(gen: ExpressionGenerator, node: exp.Floor) -> str:
    return gen.call("floor", node.this)


@emits(exp.Cast, "this", "to")
def _emit_cast(gen: ExpressionGenerator, node: exp.Cast) -> str:
    to = node.to
    check_args(to)
    helper = CAST_HELPERS.get(to.this) if isinstance(to, exp.DataType) else None
    if helper is None or to.expressions:
        raise Unsupported(f"CAST to {_snippet(to)}")
    return gen.call(helper, node.this)


@emits(exp.DateDiff, "this", "expression", "unit", "date_part_boundary", "big_int")
def _emit_date_diff(gen: ExpressionGenerator, node: exp.DateDiff) -> str:
    unit = node.unit
    name = str(unit.this if isinstance(unit, exp.Var) else unit.name if unit is not None else "DAY").upper()
    if name not in ("DAY", "DAYS"):
        raise Unsupported(f"DATE_DIFF unit {name}")
    # sqlglot's DateDiff(this=end, expression=start) for date_diff('day', start, end)
    return gen.call("date_diff_day", node.expression, node.this)


#: `date_sub(part, start, end)` parts the executor implements (the calendar convention, docs/knowledge-format.md)
DATE_SUB_PARTS = frozenset({"month", "year"})


@emits(exp.Anonymous, "this", "expressions")
def _emit_anonymous(gen: ExpressionGenerator, node: exp.Anonymous) -> str:
    """Only DuckDB's `date_sub('month' | 'year', start, end)`: complete calendar months or years."""
    args = node.expressions
    part = args[0] if len(args) == 3 else None
    if (
        str(node.name).lower() != "date_sub"
        or not isinstance(part, exp.Literal)
        or not part.is_string
        or str(part.this).lower() not in DATE_SUB_PARTS
    ):
        raise Unsupported(f"function {_snippet(node)}")
    return f"date_sub({str(part.this).lower()!r}, {gen.emit(args[1])}, {gen.emit(args[2])})"


# ---- aggregates ----------------------------------------------------------------------------------------


def _agg(gen: ExpressionGenerator, node: exp.Expr, where: exp.Expr | None) -> str:
    rule = EXPRESSIONS[type(node)]
    check_args(node, rule)
    inner = gen.scalar()
    if isinstance(node, exp.Count):
        arg = node.this
        if arg is None or isinstance(arg, exp.Star):
            return gen.aggregate("len", None, where)
        if isinstance(arg, exp.Distinct):
            check_args(arg)
            if len(arg.expressions) != 1:
                raise Unsupported("count(DISTINCT …) of more than one expression")
            return gen.aggregate("count_distinct", inner.emit(arg.expressions[0]), where)
        return gen.aggregate("count", inner.emit(arg), where)
    if isinstance(node, exp.ArgMin | exp.ArgMax):
        helper = "arg_min" if isinstance(node, exp.ArgMin) else "arg_max"
        return gen.aggregate(helper, f"({inner.emit(node.this)}, {inner.emit(node.expression)})", where)
    helpers: dict[type[exp.Expr], str] = {
        exp.CountIf: "count_if",
        exp.Sum: "sum_",
        exp.Min: "min_",
        exp.Max: "max_",
        exp.LogicalOr: "bool_or",
        exp.LogicalAnd: "bool_and",
    }
    helper = helpers[type(node)]
    return gen.aggregate(helper, inner.emit(node.this), where)


def _emit_aggregate(gen: ExpressionGenerator, node: exp.Expr) -> str:
    return _agg(gen, node, None)


for _agg_node in (exp.CountIf, exp.Sum, exp.Min, exp.Max, exp.LogicalOr, exp.LogicalAnd):
    emits(_agg_node, "this")(_emit_aggregate)
emits(exp.Count, "this", "big_int")(_emit_aggregate)
emits(exp.ArgMin, "this", "expression")(_emit_aggregate)
emits(exp.ArgMax, "this", "expression")(_emit_aggregate)


@emits(exp.Filter, "this", "expression")
def _emit_filter(gen: ExpressionGenerator, node: exp.Filter) -> str:
    agg, where = node.this, node.expression
    if not isinstance(agg, AGGREGATES) or isinstance(agg, exp.Filter) or not isinstance(where, exp.Where):
        raise Unsupported(f"FILTER on {type(agg).__name__}")
    check_args(where)
    return _agg(gen, agg, where.this)
