"""Knowledge expressions → checked SQL with known inputs (sqlglot).

Each `expr`/`when`/`sql` of a knowledge file is parsed once at load and every column it names must be a
feature column or an earlier definition (checked here, so a typo fails the load, not a patient). The query
builder computes each definition once, in its own layer, and later rules refer to it by name; the compiler
records, transitively through definitions, which feature columns each expression reads — that is how an
unknown answer lists its missing facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from oligoboard.errors import KnowledgeError, Problem

DIALECT = "duckdb"

_FORBIDDEN_NODES: tuple[type[exp.Expr], ...] = (exp.Select, exp.Subquery, exp.Star, exp.Query)


@dataclass(frozen=True)
class CompiledExpr:
    """One checked expression: its SQL (earlier definitions referenced by name) and the features it reads."""

    sql: str
    reads: frozenset[str]


def parse_expression(text: str, *, where: str) -> exp.Expr:
    """Parse one SQL expression; a syntax error or a sub-query is a load error naming `where`."""
    if not text or not text.strip():
        raise KnowledgeError(f"{where}: empty expression", [Problem(where, "empty expression")])
    try:
        tree: exp.Expr = sqlglot.parse_one(text, dialect=DIALECT, into=exp.Condition)
    except (ParseError, sqlglot.errors.TokenError) as exc:
        first = str(exc).splitlines()[0]
        raise KnowledgeError(f"{where}: SQL syntax error", [Problem(where, first, found=text)]) from None
    for node in tree.walk():
        if isinstance(node, _FORBIDDEN_NODES):
            raise KnowledgeError(
                f"{where}: only scalar expressions over the features view are allowed",
                [Problem(where, f"{type(node).__name__} not allowed", found=text)],
            )
    return tree


class Namespace:
    """Feature columns plus the definitions compiled so far, in load order."""

    def __init__(self, features: Mapping[str, object]) -> None:
        self.features: frozenset[str] = frozenset(features)
        self.macros: dict[str, CompiledExpr] = {}

    def known(self) -> set[str]:
        return set(self.features) | set(self.macros)

    def compile(
        self, text: str, *, where: str, extra_columns: Mapping[str, str] | None = None
    ) -> CompiledExpr:
        """Parse, check every column is known, expand macros; `extra_columns` maps private names to reads."""
        tree = parse_expression(text, where=where)
        extra = dict(extra_columns or {})
        unknown: list[str] = []
        for column in tree.find_all(exp.Column):
            if column.table:
                unknown.append(f"{column.table}.{column.name}")
            elif (
                column.name not in self.features
                and column.name not in self.macros
                and column.name not in extra
            ):
                unknown.append(column.name)
        if unknown:
            raise KnowledgeError(
                f"{where}: unknown feature(s) {', '.join(sorted(set(unknown)))}",
                [
                    Problem(where, f"unknown feature {name!r}", expected="a column of engine/features.yaml")
                    for name in sorted(set(unknown))
                ],
            )
        reads: set[str] = set()
        for column in tree.find_all(exp.Column):
            macro = self.macros.get(column.name)
            if macro is not None:
                reads.update(macro.reads)
            else:
                reads.add(extra.get(column.name, column.name))
        return CompiledExpr(sql=tree.sql(dialect=DIALECT), reads=frozenset(reads))

    def define(self, name: str, compiled: CompiledExpr, *, where: str) -> None:
        if name in self.features or name in self.macros:
            raise KnowledgeError(
                f"{where}: name {name!r} is already defined", [Problem(where, f"duplicate name {name!r}")]
            )
        self.macros[name] = compiled


def decision_list_sql(conditions: list[CompiledExpr], values: list[str | None], otherwise: str | None) -> str:
    """First match wins; an unknown condition stops the list with NULL (never a wrong branch)."""
    parts = ["CASE"]
    for cond, value in zip(conditions, values, strict=True):
        parts.append(f"WHEN ({cond.sql}) IS NULL THEN NULL WHEN {cond.sql} THEN {_literal(value)}")
    parts.append(f"ELSE {_literal(otherwise)} END")
    return " ".join(parts)


def decision_step_sql(conditions: list[CompiledExpr]) -> str:
    """Which rule decided (1-based), -k when rule k was unknown, 0 for `otherwise`."""
    parts = ["CASE"]
    for k, cond in enumerate(conditions, start=1):
        parts.append(f"WHEN ({cond.sql}) IS NULL THEN {-k} WHEN {cond.sql} THEN {k}")
    parts.append("ELSE 0 END")
    return " ".join(parts)


def _literal(value: str | None) -> str:
    if value is None:
        return "CAST(NULL AS VARCHAR)"
    return "'" + value.replace("'", "''") + "'"
