"""The `trials` part of every public vignette (shared/vignettes/*/expected.json), through `trials_section`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oligoboard.case.validate import parse_case
from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.engine.runner import Engine
from oligoboard.trials.section import trials_section
from tests.support.shared import VIGNETTES

CASES = sorted(
    d
    for d in VIGNETTES.glob("*/")
    if (d / "expected.json").exists() and json.loads((d / "expected.json").read_text()).get("trials")
)


@pytest.mark.skipif(not CASES, reason="shared vignettes not available")
@pytest.mark.parametrize("folder", CASES, ids=[d.name for d in CASES])
def test_vignette_trials(folder: Path, kb: KnowledgeBase, engine: Engine) -> None:
    expected = json.loads((folder / "expected.json").read_text())["trials"]
    case = parse_case(json.loads((folder / "case.json").read_text()))
    section = trials_section(engine.evaluate_one(case), kb)
    got = {t["id"]: t["status"] for t in section["trials"]}
    assert {k: got.get(k) for k in expected} == expected
