"""Build the one SQL statement that evaluates the whole knowledge base for any number of cases.

Shape: features (features.sql) ⟶ answers pivoted to one private column per attested criterion ⟶ one layer
per definition or decision list, in load order, so each is computed once and later rules refer to it by name
(inlining them instead made the statement ~60 kB and planning dominated single-case latency) ⟶ one column per
criterion ⟶ one status column per rule set, computed from the criterion columns with Kleene logic.

The statement is assembled from sqlglot expression trees (the compiled, type-checked knowledge expressions
and builder calls), never by pasting knowledge text into SQL strings, and every output column is named after
what it holds (`engine/naming.py`); `Statement` maps each rule to its column so results are read by name.
The same statement serves one case or a million, on every backend.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import sqlglot
from sqlglot import exp

from oligoboard.engine.compile import DIALECT, FEATURES_SQL
from oligoboard.engine.knowledge_base import CompiledExpr, FeatureInfo, KnowledgeBase
from oligoboard.engine.layout import Statement
from oligoboard.engine.naming import answer_column, sanitise, step_column

CASE_ID = "case_id"
__all__ = ["Statement", "build_statement", "feature_columns", "set_status"]


class _Names:
    """Hands out unique output names; a clash after sanitising gets `__2`, `__3`…"""

    def __init__(self, taken: Iterable[str]) -> None:
        self.taken = set(taken)

    def claim(self, wanted: str) -> str:
        name, n = wanted, 1
        while name in self.taken:
            n += 1
            name = f"{wanted}__{n}"
        self.taken.add(name)
        return name


def features_tree() -> exp.Select:
    """features.sql parsed once (it is engine code, not knowledge): the statement's first CTE."""
    tree = sqlglot.parse_one(FEATURES_SQL.read_text(encoding="utf-8"), dialect=DIALECT)
    if not isinstance(tree, exp.Select):
        raise TypeError("features.sql must be one SELECT")
    return tree


#: catalogue type (engine/features.yaml) -> the SQL type every engine must return for such a feature column
CAST_TYPES = {"integer": "INTEGER", "number": "DOUBLE"}


def typed_features(tree: exp.Select, catalogue: Mapping[str, FeatureInfo]) -> exp.Select:
    """Every numeric feature column cast to its catalogue type, so result types agree across engines.

    Why: DuckDB's `count_if` is a HUGEINT and `count(*)` a BIGINT, `date_sub('month', …)` a BIGINT, while
    Spark types a month difference DECIMAL(31,7) and a count a BIGINT; Parquet written by either then has
    other column types and a cohort's results could not be compared or appended. An `integer` column
    becomes INTEGER (every count fits), a `number` column (a month difference, a size) DOUBLE.
    """
    typed = tree.copy()
    projections: list[exp.Expr] = []
    for projection in typed.expressions:
        info = catalogue.get(projection.alias_or_name)
        target = CAST_TYPES.get(info.type) if info is not None else None
        if target is None or not isinstance(projection, exp.Alias):
            projections.append(projection)
            continue
        cast = exp.cast(projection.this, exp.DataType.build(target), copy=False)
        projections.append(exp.alias_(cast, projection.alias, copy=False))
    typed.set("expressions", projections)
    return typed


def feature_columns(tree: exp.Select | None = None) -> tuple[str, ...]:
    """The columns of the features view, read from features.sql itself (its one definition)."""
    return tuple((tree or features_tree()).named_selects)


def _tree(compiled: CompiledExpr) -> exp.Expr:
    """A fresh copy of a compiled expression's tree (a node can sit in one place of a tree only)."""
    if compiled.tree is not None:
        tree: exp.Expr = compiled.tree.copy()
        return tree
    # a knowledge base restored from the cache carries no trees; its canonical SQL re-parses to the same tree
    return sqlglot.parse_one(compiled.sql, dialect=DIALECT)


def _text(value: str | None) -> exp.Expr:
    return exp.cast(exp.null(), exp.DataType.build("VARCHAR")) if value is None else exp.Literal.string(value)


def _is_null(cond: exp.Expr) -> exp.Expr:
    return exp.Is(this=exp.paren(cond, copy=False), expression=exp.null())


def decision_value(
    conditions: list[CompiledExpr], values: list[str | None], otherwise: str | None
) -> exp.Expr:
    """First match wins; an unknown condition stops the list with NULL (never a wrong branch)."""
    ifs: list[exp.Expr] = []
    for cond, value in zip(conditions, values, strict=True):
        ifs.append(exp.If(this=_is_null(_tree(cond)), true=exp.null()))
        ifs.append(exp.If(this=_tree(cond), true=_text(value)))
    return exp.Case(ifs=ifs, default=_text(otherwise))


def decision_step(conditions: list[CompiledExpr]) -> exp.Expr:
    """Which rule decided (1-based), -k when rule k was unknown, 0 for `otherwise`."""
    ifs: list[exp.Expr] = []
    for k, cond in enumerate(conditions, start=1):
        ifs.append(exp.If(this=_is_null(_tree(cond)), true=exp.Literal.number(-k)))
        ifs.append(exp.If(this=_tree(cond), true=exp.Literal.number(k)))
    return exp.Case(ifs=ifs, default=exp.Literal.number(0))


def set_status(
    columns: Sequence[tuple[str, str]], label: Callable[[str], exp.Expr] = exp.Literal.string
) -> exp.Expr:
    """`columns`: (criterion column, kind). met when all inclusions TRUE and exclusions FALSE (Kleene AND).

    `label` makes each of the three outcome words; bulk screening passes an ENUM-typed constant (a cohort's
    statuses are then written without building a string per patient and rule set).
    """

    def conjunction() -> exp.Expr:
        terms = [exp.column(c) if kind == "inclusion" else exp.not_(exp.column(c)) for c, kind in columns]
        return exp.and_(*terms, copy=False) if len(terms) > 1 else terms[0]

    return exp.Case(
        ifs=[
            exp.If(this=conjunction(), true=label("met")),
            exp.If(this=exp.not_(exp.paren(conjunction(), copy=False)), true=label("not_met")),
        ],
        default=label("unknown"),
    )


def _answers_cte(kb: KnowledgeBase) -> exp.Select:
    """One row per case, one boolean column per attested criterion (NULL when not answered)."""
    value, rule_id = exp.column("value", table="a"), exp.column("rule_id", table="a")
    pivots = [
        exp.alias_(
            exp.Filter(
                this=exp.LogicalOr(this=value.copy()),
                expression=exp.Where(this=exp.EQ(this=rule_id.copy(), expression=exp.Literal.string(key))),
            ),
            answer_column(key),
        )
        for key in kb.answer_keys
    ]
    return (
        exp.select(exp.column(CASE_ID, table="a"), *pivots)
        .from_(exp.alias_(exp.to_table("answers"), "a", table=True))
        .group_by(exp.column(CASE_ID, table="a"))
    )


def _layer(previous: str, *projections: exp.Expr) -> exp.Select:
    return exp.select(exp.Star(), *projections).from_(exp.to_table(previous))


def build_statement(kb: KnowledgeBase) -> Statement:
    """The statement for `kb`, with its column map."""
    features = typed_features(features_tree(), kb.features)
    feature_cols = feature_columns(features)
    ctes: list[tuple[str, exp.Expr]] = [("features", features)]

    first = exp.select(exp.Column(this=exp.Star(), table=exp.to_identifier("f"))).from_(
        exp.alias_(exp.to_table("features"), "f", table=True)
    )
    if kb.answer_keys:
        ctes.append(("answers_wide", _answers_cte(kb)))
        first = first.select(*(exp.column(answer_column(k), table="aw") for k in kb.answer_keys)).join(
            exp.alias_(exp.to_table("answers_wide"), "aw", table=True),
            on=exp.EQ(this=exp.column(CASE_ID, table="aw"), expression=exp.column(CASE_ID, table="f")),
            join_type="left",
        )
    layers: list[exp.Select] = [first]

    names = _Names(feature_cols)
    carried: list[str] = []  # definition and decision columns as the layers name them
    out: list[exp.Expr] = [exp.column(c) for c in feature_cols]
    definitions: dict[str, str] = {}
    decisions: dict[str, tuple[str, str]] = {}
    for d in kb.definitions:
        layers.append(_layer(f"layer{len(layers) - 1}", exp.alias_(_tree(d.expr), d.spec.id)))
        carried.append(d.spec.id)
        definitions[d.spec.id] = names.claim("def__" + sanitise(d.spec.id))
        out.append(exp.alias_(exp.column(d.spec.id), definitions[d.spec.id]))
    for dl in kb.decision_lists:
        conditions = list(dl.conditions)
        value = decision_value(conditions, [r.then for r in dl.spec.rules], dl.spec.otherwise)
        step = step_column(dl.spec.id)
        layers.append(
            _layer(
                f"layer{len(layers) - 1}",
                exp.alias_(value, dl.spec.id),
                exp.alias_(decision_step(conditions), step),
            )
        )
        carried.extend([dl.spec.id, step])
        value_col = names.claim("dec__" + sanitise(dl.spec.id))
        step_col = names.claim(f"dec__{sanitise(dl.spec.id)}__step")
        decisions[dl.spec.id] = (value_col, step_col)
        out.append(exp.alias_(exp.column(dl.spec.id), value_col))
        out.append(exp.alias_(exp.column(step), step_col))

    criteria: dict[tuple[str, str], str] = {}
    evaluated: list[exp.Expr] = [exp.column(c) for c in [*feature_cols, *carried]]
    for rs in kb.rule_sets:
        for crit in rs.criteria:
            column = names.claim(f"crit__{sanitise(rs.spec.id)}__{sanitise(crit.spec.id)}")
            criteria[(rs.spec.id, crit.spec.id)] = column
            evaluated.append(exp.alias_(_tree(crit.expr), column))
            out.append(exp.column(column))
    status: dict[str, str] = {}
    for rs in kb.rule_sets:
        status[rs.spec.id] = names.claim("status__" + sanitise(rs.spec.id))
        kinds = [(criteria[(rs.spec.id, c.spec.id)], c.spec.kind) for c in rs.criteria]
        out.append(exp.alias_(set_status(kinds), status[rs.spec.id]))

    for i, layer in enumerate(layers):
        ctes.append((f"layer{i}", layer))
    ctes.append(("evaluated", exp.select(*evaluated).from_(exp.to_table(f"layer{len(layers) - 1}"))))
    statement = exp.select(*out).from_(exp.to_table("evaluated")).order_by(exp.column(CASE_ID))
    for name, cte in ctes:
        statement = statement.with_(name, as_=cte, copy=False)
    columns = tuple(
        [
            *feature_cols,
            *definitions.values(),
            *(c for pair in decisions.values() for c in pair),
            *criteria.values(),
            *status.values(),
        ]
    )
    return Statement(
        sql=statement.sql(dialect=DIALECT),
        feature_columns=feature_cols,
        columns=columns,
        definitions=definitions,
        decisions=decisions,
        criteria=criteria,
        rule_set_status=status,
    )
