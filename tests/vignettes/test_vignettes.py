"""The public vignettes (shared/vignettes): the disease-state answers the sources settle must match.

Recommendations and trials of the same vignettes are checked by shared/vignettes/check.py in `make test`
(through the real CLI); here the disease state is checked in-process with one test per vignette.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from oligoboard.assessment import assess
from oligoboard.case.io import load_case
from oligoboard.engine.runner import Engine
from oligoboard.errors import CaseValidationError
from tests.support.shared import VIGNETTES, needs

pytestmark = [needs(VIGNETTES), pytest.mark.slow]
CASES = sorted(p for p in VIGNETTES.glob("*") if (p / "expected.json").exists())


def test_vignettes_are_present() -> None:
    assert len(CASES) >= 24, f"expected the public vignettes beside the repo at {VIGNETTES}"


@pytest.mark.parametrize("folder", CASES, ids=lambda p: p.name)
def test_vignette_disease_state(engine: Engine, folder: Path) -> None:
    expected = json.loads((folder / "expected.json").read_text())
    if expected.get("exit_code") == 2:
        with pytest.raises(CaseValidationError):
            load_case(folder / "case.json")
        return
    out = assess(load_case(folder / "case.json"), engine)
    state: Mapping[str, Any] = out["disease_state"]
    for key, value in expected.get("disease_state", {}).items():
        assert state[key] == value, f"{folder.name}: disease_state.{key}"
