"""The per-trial YAML is strict: unknown keys, bad block sizes and a factor without a level set fail the load."""

from __future__ import annotations

from pathlib import Path

import pytest

from oligoboard.errors import InputError
from oligoboard.trial.randomisation.config import OPERATIONS_DIR, load_operations

TEXT = (OPERATIONS_DIR / "NCT06523673.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ("method:\n", "methd: {value: blocks, source: x}\nmethod:\n", "methd"),
        ("    value: [2, 4, 6]\n", "    value: [3, 4]\n", "<document>"),
        ("  horizon_months:\n", "  horizon_month:\n", "followup"),
        ("    fact: ecog\n", "    fact: ecog\n    entered: true\n", "factors"),
    ],
)
def test_a_bad_file_fails_naming_the_key(tmp_path: Path, old: str, new: str, path: str) -> None:
    assert old in TEXT
    bad = tmp_path / "NCT06523673.yaml"
    bad.write_text(TEXT.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_operations(bad)
    assert "NCT06523673.yaml" in info.value.message
    assert any(p.path.startswith(path) for p in info.value.problems), info.value.problems
