"""Fixtures for the guideline tests: evaluate a synthetic case on the session engine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from oligoboard.case.validate import parse_case
from oligoboard.engine.results import CaseResult
from oligoboard.engine.runner import Engine
from tests.support.guideline_cases import SEED_DLCG


@pytest.fixture(scope="session")
def evaluate(engine: Engine) -> Callable[[dict[str, Any]], CaseResult]:
    def run(doc: dict[str, Any]) -> CaseResult:
        return engine.evaluate_one(parse_case(doc))

    return run


@pytest.fixture(scope="session")
def seed_dlcg_text() -> str:
    """The DLCG seed with whitespace collapsed, so quotes spanning line breaks can be found."""
    if not SEED_DLCG.exists():
        pytest.skip(f"needs {SEED_DLCG} (../shared beside the repo), not present")
    return " ".join(SEED_DLCG.read_text(encoding="utf-8").split())
