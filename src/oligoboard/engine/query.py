"""Build the one SQL statement that evaluates the whole knowledge base for any number of cases.

Shape: features (features.sql) ⟶ answers pivoted to one column per attested criterion ⟶ one output
column per definition, decision list, decision step and criterion ⟶ one status column per rule set,
computed from the criterion columns with Kleene logic. Output columns get positional aliases (`o0`, `o1`,
…) and `QueryLayout` remembers what each one means, so the statement is the same for one case or a million.
"""

from __future__ import annotations

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


def _set_status_sql(columns: list[tuple[str, str]]) -> str:
    """`columns`: (alias, kind). met when all inclusions TRUE and exclusions FALSE (Kleene AND)."""
    terms = [alias if kind == "inclusion" else f"NOT {alias}" for alias, kind in columns]
    conj = " AND ".join(terms)
    return f"CASE WHEN {conj} THEN 'met' WHEN NOT ({conj}) THEN 'not_met' ELSE 'unknown' END"


def build_query(kb: KnowledgeBase, feature_columns: list[str]) -> tuple[str, QueryLayout]:
    layout = QueryLayout(feature_columns=list(feature_columns))
    features_sql = FEATURES_SQL.read_text(encoding="utf-8")
    outputs: list[str] = []

    def add(sql: str) -> int:
        outputs.append(sql)
        return len(feature_columns) + len(outputs) - 1

    for d in kb.definitions:
        layout.definitions[d.spec.id] = add(d.expr.sql)
    for dl in kb.decision_lists:
        layout.decisions[dl.spec.id] = (add(dl.value_sql), add(dl.step_sql))
    for rs in kb.rule_sets:
        for crit in rs.criteria:
            layout.criteria[(rs.spec.id, crit.spec.id)] = add(crit.expr.sql)

    answers_cols = [
        f"bool_or(a.value) FILTER (WHERE a.rule_id = '{key.replace(chr(39), chr(39) * 2)}') AS {answer_column(i)}"
        for i, key in enumerate(kb.answer_keys)
    ]
    answers_cte = ""
    answers_join = ""
    answers_select = ""
    if answers_cols:
        answers_cte = (
            ",\nanswers_wide AS (SELECT a.case_id, " + ", ".join(answers_cols) + " FROM answers AS a GROUP BY a.case_id)"
        )
        answers_join = " LEFT JOIN answers_wide AS aw ON aw.case_id = f.case_id"
        answers_select = ", " + ", ".join(f"aw.{answer_column(i)}" for i in range(len(kb.answer_keys)))

    n_features = len(feature_columns)
    inner_select = ", ".join(
        [*(f"f.{c}" for c in feature_columns), *(f"{sql} AS o{i}" for i, sql in enumerate(outputs))]
    )
    status_cols: list[str] = []
    for rs in kb.rule_sets:
        cols = [(f"o{layout.criteria[(rs.spec.id, c.spec.id)] - n_features}", c.spec.kind) for c in rs.criteria]
        status_cols.append(_set_status_sql(cols))
        layout.rule_set_status[rs.spec.id] = n_features + len(outputs) + len(status_cols) - 1
    outer_cols = [*feature_columns, *(f"o{i}" for i in range(len(outputs)))]
    outer_cols += [f"{sql} AS s{i}" for i, sql in enumerate(status_cols)]
    sql = (
        f"WITH features AS (\n{features_sql}\n){answers_cte},\n"
        f"evaluated AS (SELECT {inner_select} FROM (SELECT f.*{answers_select} FROM features AS f{answers_join}) AS f)\n"
        f"SELECT {', '.join(outer_cols)} FROM evaluated ORDER BY case_id"
    )
    return sql, layout
