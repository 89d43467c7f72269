"""Shared fixtures: one engine per test session (compiling the knowledge base is the slow part)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator

import pytest

# the compiled-knowledge cache of this test session (and of the CLI subprocesses it starts), not the user's
_CACHE = tempfile.mkdtemp(prefix="oligoboard-test-cache-")
os.environ["OLIGOBOARD_CACHE_DIR"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)

from oligoboard.engine.knowledge_base import KnowledgeBase, default_knowledge  # noqa: E402
from oligoboard.engine.runner import Engine  # noqa: E402
from tests.store.postgres import PostgresServer, missing_reason, run_server  # noqa: E402


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return default_knowledge()


@pytest.fixture(scope="session")
def engine(kb: KnowledgeBase) -> Engine:
    return Engine(kb)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One real PostgreSQL server for the whole session (store, web, trial and CDS tests share it).

    `make test` installs Debian's postgresql (debian-packages.txt), so missing binaries mean a broken
    install: the tests fail with the reason rather than skip.
    """
    reason = missing_reason()
    if reason:
        pytest.fail(reason)
    yield from run_server()
