"""`oligoboard qol` and `oligoboard survival` keep the start-up budget: their help imports no heavy library
(lifelines, pandas, matplotlib, numpy, pydantic, Rich tables). No timing: the probe of
tests/test_startup_imports.py reports what a fresh interpreter loaded."""

from __future__ import annotations

import pytest

from tests.test_startup_imports import HEAVY, RICH_HEAVY, _loaded

TRIAL_HEAVY = ("lifelines", "pandas", "matplotlib", "scipy")


@pytest.mark.parametrize("argv", [["survival", "--help"], ["qol", "--help"], ["qol", "score", "--help"]])
def test_help_imports_nothing_heavy(argv: list[str]) -> None:
    loaded = _loaded(*argv)
    assert sorted(m for m in (*HEAVY, *RICH_HEAVY, *TRIAL_HEAVY) if m in loaded) == []


def test_the_probe_sees_lifelines_when_a_survival_analysis_runs(tmp_path: object) -> None:
    """So the check above can fail: a real run does import lifelines."""
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    data = tmp_path / "d.csv"
    data.write_text("t,e\n1,1\n2,0\n3,1\n", encoding="utf-8")
    loaded = _loaded("survival", str(data), "--time", "t", "--event", "e", "--json")
    assert "lifelines" in loaded
