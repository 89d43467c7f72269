"""Backends are chosen by name from a registry; a new one (Spark, later) plugs in without touching the engine."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from oligoboard.engine.backends import base
from oligoboard.engine.backends.base import CompiledArtifacts, ResultRow
from oligoboard.engine.runner import PYTHON_BATCH_LIMIT, Engine
from oligoboard.engine.tables import CaseTables
from oligoboard.errors import EngineError
from tests.support.cases import build


class Recording:
    """A backend that delegates to Python and records that it ran."""

    name = "recording"

    def __init__(self, artifacts: CompiledArtifacts) -> None:
        self.inner = base.create_backend("python", artifacts)
        self.calls = 0

    def run(self, tables: CaseTables) -> list[ResultRow]:
        self.calls += 1
        return self.inner.run(tables)


@pytest.fixture
def registered() -> Iterator[None]:
    base.register_backend("recording", Recording)
    yield
    del base.BACKENDS["recording"]


def test_unknown_backend_is_an_engine_error(engine: Engine) -> None:
    with pytest.raises(EngineError, match="unknown backend 'sparkk'"):
        engine.evaluate_one(build(), backend="sparkk")


def test_a_registered_backend_is_used_by_name(engine: Engine, registered: None) -> None:
    fresh = Engine.from_artifacts(engine.kb, engine.artifacts)
    result = fresh.evaluate_one(build(), backend="recording")
    backend = fresh.backend("recording")
    assert isinstance(backend, Recording) and backend.calls == 1
    assert result.rule_sets == engine.evaluate_one(build(), backend="python").rule_sets


@pytest.mark.parametrize(
    ("n", "expected"), [(1, "python"), (PYTHON_BATCH_LIMIT, "python"), (PYTHON_BATCH_LIMIT + 1, "duckdb")]
)
def test_default_choice_by_batch_size(engine: Engine, n: int, expected: str) -> None:
    fresh = Engine.from_artifacts(engine.kb, engine.artifacts)
    fresh.evaluate([build(id=f"c{i}") for i in range(n)])
    assert list(fresh._backends) == [expected]
