"""The built statement: its SQL text and which named column holds each answer (no sqlglot here, so it can be
cached and loaded without importing the compiler)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Statement:
    """The SQL text and where each answer sits in a result row (by column name)."""

    sql: str
    feature_columns: tuple[str, ...]
    columns: tuple[str, ...]
    definitions: dict[str, str] = field(default_factory=dict)  # definition id -> column
    decisions: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (value, step) columns
    criteria: dict[tuple[str, str], str] = field(default_factory=dict)  # (rule set, criterion) -> column
    rule_set_status: dict[str, str] = field(default_factory=dict)  # rule set id -> column
