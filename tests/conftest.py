"""Shared fixtures: one engine per test session (compiling the knowledge base is the slow part)."""

from __future__ import annotations

import pytest

from oligoboard.engine.runner import Engine
from oligoboard.knowledge.loader import KnowledgeBase, default_knowledge


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return default_knowledge()


@pytest.fixture(scope="session")
def engine(kb: KnowledgeBase) -> Engine:
    return Engine(kb)
