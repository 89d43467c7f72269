"""Build the one SQL statement that evaluates the whole knowledge base for any number of cases.

Shape: features (features.sql) ⟶ answers pivoted to one column per attested criterion ⟶ one layer per
definition or decision list, in load order, so each is computed once and later rules refer to it by name
(inlining them instead made the statement ~60 kB and planning dominated single-case latency) ⟶ one output
column per criterion ⟶ one status column per rule set, computed from the criterion columns with Kleene logic.
Output columns get positional aliases (`o0`, `o1`, …) and `QueryLayout` remembers what each one means, so
the statement is the same for one case or a million.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from oligoboard.knowledge.loader import KnowledgeBase, answer_column

FEATURES_SQL = Path(__file__).parent / "features.sql"


@dataclass
class QueryLayout:
    """Where each answer sits in the result row."""

    feature_columns: list[str] = field(default_factory=list)
    definitions: dict[str, int] = field(default_factory=dict)
    decisions: dict[str, tuple[int, int]] = field(default_factory=dict)  # id -> (value col, step col)
    criteria: dict[tuple[str, str], int] = field(default_factory=dict)  # (rule set, criterion) -> col
    rule_set_status: dict[str, int] = field(default_factory=dict)


def _set_status_sql(columns: Sequence[tuple[str, str]]) -> str:
    """`columns`: (alias, kind). met when all inclusions TRUE and exclusions FALSE (Kleene AND)."""
    terms = [alias if kind == "inclusion" else f"NOT {alias}" for alias, kind in columns]
    conj = " AND ".join(terms)
    return f"CASE WHEN {conj} THEN 'met' WHEN NOT ({conj}) THEN 'not_met' ELSE 'unknown' END"


def _answers_cte(kb: KnowledgeBase) -> tuple[str, str, str]:
    """(CTE text, join clause, select list) pivoting attested answers to one column per criterion."""
    if not kb.answer_keys:
        return "", "", ""
    cols = [
        f"bool_or(a.value) FILTER (WHERE a.rule_id = '{key.replace(chr(39), chr(39) * 2)}') AS {answer_column(i)}"
        for i, key in enumerate(kb.answer_keys)
    ]
    cte = (
        ",\nanswers_wide AS (SELECT a.case_id, " + ", ".join(cols) + " FROM answers AS a GROUP BY a.case_id)"
    )
    join = " LEFT JOIN answers_wide AS aw ON aw.case_id = f.case_id"
    select = ", " + ", ".join(f"aw.{answer_column(i)}" for i in range(len(kb.answer_keys)))
    return cte, join, select


def build_query(kb: KnowledgeBase, feature_columns: list[str]) -> tuple[str, QueryLayout]:
    layout = QueryLayout(feature_columns=list(feature_columns))
    features_sql = FEATURES_SQL.read_text(encoding="utf-8")
    answers_cte, answers_join, answers_select = _answers_cte(kb)

    layers = [f"layer0 AS (SELECT f.*{answers_select} FROM features AS f{answers_join})"]
    named: list[str] = []  # definition and decision columns, in order

    def add_layer(select: str, names: list[str]) -> None:
        layers.append(f"layer{len(layers)} AS (SELECT *, {select} FROM layer{len(layers) - 1})")
        named.extend(names)

    for d in kb.definitions:
        add_layer(f"{d.expr.sql} AS {d.spec.id}", [d.spec.id])
    for dl in kb.decision_lists:
        step = f"{dl.spec.id}__step"
        add_layer(f"{dl.value_sql} AS {dl.spec.id}, {dl.step_sql} AS {step}", [dl.spec.id, step])

    base = len(feature_columns)
    for i, name in enumerate(named):
        if name.endswith("__step"):
            continue
        if name in {d.spec.id for d in kb.definitions}:
            layout.definitions[name] = base + i
        else:
            layout.decisions[name] = (base + i, base + i + 1)

    criteria_sql: list[str] = []
    for rs in kb.rule_sets:
        for crit in rs.criteria:
            layout.criteria[(rs.spec.id, crit.spec.id)] = base + len(named) + len(criteria_sql)
            criteria_sql.append(crit.expr.sql)

    inner_select = ", ".join(
        [*feature_columns, *named, *(f"{sql} AS o{i}" for i, sql in enumerate(criteria_sql))]
    )
    status_cols: list[str] = []
    offset = base + len(named)
    for rs in kb.rule_sets:
        cols = [(f"o{layout.criteria[(rs.spec.id, c.spec.id)] - offset}", c.spec.kind) for c in rs.criteria]
        status_cols.append(_set_status_sql(cols))
        layout.rule_set_status[rs.spec.id] = offset + len(criteria_sql) + len(status_cols) - 1
    outer_cols = [*feature_columns, *named, *(f"o{i}" for i in range(len(criteria_sql)))]
    outer_cols += [f"{sql} AS s{i}" for i, sql in enumerate(status_cols)]
    last = f"layer{len(layers) - 1}"
    sql = (
        f"WITH features AS (\n{features_sql}\n){answers_cte},\n"
        + ",\n".join(layers)
        + f",\nevaluated AS (SELECT {inner_select} FROM {last})\n"
        f"SELECT {', '.join(outer_cols)} FROM evaluated ORDER BY case_id"
    )
    return sql, layout
