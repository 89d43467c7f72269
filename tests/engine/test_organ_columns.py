"""The per-organ columns of features.sql cover exactly the contract's organ list.

`lesion_counts` has `<organ>_any/_counted/_progressing/_may_progress` per organ and `bounds` sums "the organ
has one" over them (no DISTINCT aggregate). A literal list like that goes stale silently when the contract
gains an organ: the new organ's lesions would then count as metastases but never as an organ system. These
tests read the SQL text and fail when the lists and the contract's `Organ` disagree.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

import pytest

import oligoboard.engine
from oligoboard.case.models import Organ

SQL = (Path(oligoboard.engine.__file__).parent / "features.sql").read_text(encoding="utf-8")
ORGANS = set(get_args(Organ))
EXTRACRANIAL = ORGANS - {"brain"}
# TNM 8: the thorax holds the lung, the pleura and the pericardium (M1a); everything else is extrathoracic
EXTRATHORACIC = ORGANS - {"lung", "pleura", "pericardium"}


def _bounds_expression(alias: str) -> str:
    """The SQL text of one `bounds` column, from the end of the previous column to `AS <alias>`."""
    bounds = SQL[SQL.index("bounds AS (") : SQL.index("FROM lesion_counts AS c")]
    end = bounds.index(f" AS {alias}")
    start = max(bounds.rfind(" AS ", 0, end), bounds.index("c.*"))
    return bounds[start:end]


def _organs(expression: str, suffix: str) -> set[str]:
    """Organs whose `_<suffix>` column the expression reads (`c.n_organ_null…`: the unknown organ, not one)."""
    return set(re.findall(rf"c\.(?!n_)([a-z_]+?)_{suffix}\b", expression))


@pytest.mark.parametrize(
    ("suffix", "organs"),
    [("any", ORGANS), ("counted", ORGANS), ("progressing", EXTRACRANIAL), ("may_progress", EXTRACRANIAL)],
)
def test_lesion_counts_has_a_column_per_contract_organ(suffix: str, organs: set[str]) -> None:
    found = set(re.findall(rf"count_if\(s\.organ = '([a-z_]+)'[^)]*\)\s+AS ([a-z_]+)_{suffix}\b", SQL))
    assert {organ for organ, column in found if organ == column} == organs
    assert all(organ == column for organ, column in found), "a column named for another organ"


@pytest.mark.parametrize(
    ("alias", "suffix", "organs"),
    [
        ("organs_lo", "counted", ORGANS),
        ("organs_hi", "any", ORGANS),
        ("extracranial_organs_lo", "counted", EXTRACRANIAL),
        ("extracranial_organs_hi", "any", EXTRACRANIAL),
        ("n_extrathoracic_organs_distinct", "any", EXTRATHORACIC),
        ("progressing_extracranial_organs_lo", "progressing", EXTRACRANIAL),
        ("progressing_extracranial_organs_hi", "may_progress", EXTRACRANIAL),
        ("max_per_organ", "any", ORGANS),
    ],
)
def test_bounds_sums_every_organ_of_its_kind(alias: str, suffix: str, organs: set[str]) -> None:
    assert _organs(_bounds_expression(alias), suffix) == organs
