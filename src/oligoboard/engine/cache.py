"""The compiled knowledge base on disk, so `Engine()` starts in milliseconds without sqlglot or DuckDB.

Compiling the knowledge (≈ 220 sqlglot parses, type checks, the statement) takes over a second; a CLI run for
one case must start in a few hundred milliseconds. The compiled result (knowledge base, statement, column map,
the Python executor's generated source and code, the parsed and validated radiotherapy files) is pickled once
per machine.

Never stale: the key hashes the knowledge content (every YAML file, features.yaml and features.sql, as
`knowledge_version` does), the package version, the Python version, the cache format and the source of the
modules that shape the compiled result (engine/ and knowledge/ Python files), so any edit to any of them gives
another key and another file. A file that cannot be read, does not unpickle, or carries another key or format
is ignored and rebuilt. Writes go to a temporary file in the same directory, then `os.replace`: readers see
either no file or a complete one, and two processes writing at once each leave a complete file.

Location: `$OLIGOBOARD_CACHE_DIR`, else `$XDG_CACHE_HOME/oligoboard`, else `~/.cache/oligoboard`. The directory
is trusted like the installation itself (pickle runs code on load): it lives in the user's own home.
An unwritable location only costs the speed-up.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import pickle
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from oligoboard import __version__
from oligoboard.engine.backends.base import CompiledArtifacts
from oligoboard.engine.layout import Statement
from oligoboard.knowledge.files import KNOWLEDGE_DIR, content_hash

if TYPE_CHECKING:  # unpickling the artifacts imports these; `validate` reads only the answer keys
    from oligoboard.documents import Document
    from oligoboard.engine.knowledge_base import KnowledgeBase
    from oligoboard.knowledge.rt_files import RuleSet

#: bump when the pickled layout changes in a way the source fingerprint would not catch
#: (2: the executor's code object is stored marshalled next to its source; 3: parsed radiotherapy documents;
#: 4: the artifacts are pickled inside the payload, next to the answer keys, so these load on their own;
#: 5: the validated radiotherapy rule sets)
CACHE_FORMAT = 5
#: knowledge folders read at run time by the domain packages (not compiled): cached as parsed documents
PARSED_FOLDERS = ("radiotherapy",)
ENGINE_DIR = Path(__file__).parent
FEATURES_CATALOGUE = ENGINE_DIR / "features.yaml"
FEATURES_SQL = ENGINE_DIR / "features.sql"
_SOURCE_DIRS = (ENGINE_DIR, ENGINE_DIR / "backends", KNOWLEDGE_DIR)


@dataclass(frozen=True)
class EngineArtifacts:
    """Everything `Engine()` needs, as stored in one cache file."""

    key: str
    kb: KnowledgeBase
    statement: Statement
    python_source: str | None = None
    #: `marshal.dumps` of the executor's compiled module: compiling the 100 kB source costs ≈ 40-100 ms on
    #: the 2-core machine, loading the marshalled code < 1 ms (the key pins the Python version marshal needs)
    python_code: bytes | None = None
    #: parsed documents of `PARSED_FOLDERS` (path relative to the knowledge root → (sha256, document)),
    #: handed to `knowledge.reading` so a warm run reads them without PyYAML
    documents: dict[str, tuple[str, Document]] | None = None
    #: validated rule sets of the same files (path relative to the knowledge root → (sha256, rule set)),
    #: handed to `knowledge.rt_files`: a warm run neither validates the rules again nor builds the
    #: validators of their spec models (≈ 3-5 ms, docs/architecture.md "Start-up")
    rule_sets: dict[str, tuple[str, RuleSet]] | None = None

    def for_backends(self) -> CompiledArtifacts:
        """The backends' view; the Python executor is made ready from the marshalled code when there is one."""
        if self.python_code is not None:
            _remember_marshalled_executor(self.statement.sql, self.python_code)
        return CompiledArtifacts(statement=self.statement, python_source=self.python_source)


def _remember_marshalled_executor(sql: str, code: bytes) -> None:
    """Hand the Python backend a ready executor (its `remember_executor` hook); on any doubt keep the source."""
    if sql in _EXECUTOR_READY:
        return
    from oligoboard.engine.backends.python import remember_executor
    from oligoboard.engine.pyload import LoadedQuery, StaleQuery

    try:
        executor = LoadedQuery.from_code(marshal.loads(code))
    except (StaleQuery, ValueError, EOFError, TypeError):
        return  # the backend falls back to the source, then to compiling the SQL
    remember_executor(sql, executor)
    _EXECUTOR_READY.add(sql)


#: statements whose executor this process already handed to the Python backend (compiled or unmarshalled)
_EXECUTOR_READY: set[str] = set()


def compiled_code(source: str | None) -> bytes | None:
    """The marshalled code object of the executor's generated module (what `python_code` stores)."""
    if source is None:
        return None
    from oligoboard.engine.pyload import compile_source

    return marshal.dumps(compile_source(source))


def cache_dir() -> Path:
    explicit = os.environ.get("OLIGOBOARD_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "oligoboard"


def source_fingerprint() -> str:
    """Hash of the compiler's own Python source: an edited compiler (editable install) never reads old output."""
    digest = hashlib.sha256()
    for folder in _SOURCE_DIRS:
        for path in sorted(folder.glob("*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(root: Path = KNOWLEDGE_DIR, features_path: Path = FEATURES_CATALOGUE) -> str:
    parts = [
        f"format={CACHE_FORMAT}",
        f"oligoboard={__version__}",
        f"python={sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}",
        f"knowledge={content_hash(root, features_path, features_path.with_suffix('.sql'))}",
        f"root={root.resolve()}",
        f"source={source_fingerprint()}",
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def cache_path(key: str) -> Path:
    return cache_dir() / f"knowledge-{key[:24]}.pickle"


def read_cached(key: str) -> EngineArtifacts | None:
    """The cached artifacts for `key`, or None when absent, unreadable, corrupt or of another key/format."""
    payload = _read_payload(key)
    blob = None if payload is None else payload.get("artifacts")
    if not isinstance(blob, bytes):
        return None
    try:
        artifacts = pickle.loads(blob)
    except Exception:  # a truncated or foreign blob can raise almost anything while unpickling
        return None
    if not isinstance(artifacts, EngineArtifacts) or artifacts.key != key:
        return None
    return artifacts


def read_cached_answer_keys(key: str) -> tuple[str, ...] | None:
    """The answer keys cached for `key` without unpickling the knowledge base, or None (as `read_cached`).

    Why apart: `validate` only checks answer keys, and unpickling the full knowledge base imports and
    rebuilds every knowledge spec model (≈ 40 ms of its start-up, docs/architecture.md "Start-up").
    """
    payload = _read_payload(key)
    keys = None if payload is None else payload.get("answer_keys")
    if not isinstance(keys, tuple) or not all(isinstance(k, str) for k in keys):
        return None
    return keys


def _read_payload(key: str) -> dict[str, object] | None:
    """The outer payload of the cache file for `key` (the artifacts still pickled inside), or None."""
    try:
        payload = pickle.loads(cache_path(key).read_bytes())
    except Exception:  # a truncated or foreign file can raise almost anything while unpickling
        return None
    if not isinstance(payload, dict) or payload.get("format") != CACHE_FORMAT or payload.get("key") != key:
        return None
    return payload


#: cached builds kept per cache folder: every knowledge or code change makes a new key, and the old files
#: would otherwise pile up; a few are kept because test trees and installed versions share the folder
MAX_ENTRIES = 8


def _evict_old(folder: Path, keep: int = MAX_ENTRIES) -> None:
    """Delete all but the `keep` most recently written cache files (a racing reader just rebuilds)."""
    entries = []
    for path in folder.glob("knowledge-*.pickle"):
        try:
            entries.append((path.stat().st_mtime, path))
        except OSError:
            continue
    for _, path in sorted(entries, reverse=True)[keep:]:
        path.unlink(missing_ok=True)


def write_cached(artifacts: EngineArtifacts) -> Path | None:
    """Store atomically (temporary file + os.replace); None when the location is not writable."""
    import tempfile  # only a cold run writes

    target = cache_path(artifacts.key)
    inner = pickle.dumps(artifacts, protocol=pickle.HIGHEST_PROTOCOL)
    blob = pickle.dumps(
        {
            "format": CACHE_FORMAT,
            "key": artifacts.key,
            "answer_keys": tuple(artifacts.kb.answer_keys),
            "artifacts": inner,
        },
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    tmp_name: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            dir=target.parent, prefix=".tmp-", suffix=".pickle", delete=False
        ) as f:
            tmp_name = f.name
            f.write(blob)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp_name, target)
        _evict_old(target.parent)
        return target
    except OSError:
        if tmp_name is not None:
            Path(tmp_name).unlink(missing_ok=True)
        return None


def compile_artifacts(
    key: str, root: Path = KNOWLEDGE_DIR, features_path: Path = FEATURES_CATALOGUE
) -> EngineArtifacts:
    """The slow path: read, type-check and compile the knowledge, build the statement and the executor."""
    from oligoboard.engine.backends.python import compile_executor, executor_source, remember_executor
    from oligoboard.engine.compile import load_knowledge
    from oligoboard.engine.statement import build_statement
    from oligoboard.knowledge.reading import parsed_documents
    from oligoboard.knowledge.rt_files import validated_rule_sets

    kb = load_knowledge(root, features_path)
    statement = build_statement(kb)
    executor = compile_executor(statement.sql)
    remember_executor(statement.sql, executor)  # this process reuses it instead of compiling twice
    _EXECUTOR_READY.add(statement.sql)
    source = executor_source(executor)
    parsed: dict[str, tuple[str, Document]] = {}
    rule_sets: dict[str, tuple[str, RuleSet]] = {}
    for folder in PARSED_FOLDERS:
        parsed.update(parsed_documents(root, folder))
        rule_sets.update(validated_rule_sets(root, folder))
    return EngineArtifacts(
        key=key,
        kb=kb,
        statement=statement,
        python_source=source,
        python_code=compiled_code(source),
        documents=parsed,
        rule_sets=rule_sets,
    )


def load_artifacts(root: Path = KNOWLEDGE_DIR, features_path: Path = FEATURES_CATALOGUE) -> EngineArtifacts:
    """Cached artifacts when valid, else compile them and try to cache them."""
    key = cache_key(root, features_path)
    artifacts = read_cached(key)
    if artifacts is None:
        artifacts = compile_artifacts(key, root, features_path)
        write_cached(artifacts)
    if artifacts.documents:
        from oligoboard.knowledge.reading import remember_parsed

        remember_parsed({root / rel: entry for rel, entry in artifacts.documents.items()})
    if artifacts.rule_sets:
        from oligoboard.knowledge.rt_files import remember_rule_sets

        remember_rule_sets({root / rel: entry for rel, entry in artifacts.rule_sets.items()})
    return artifacts


@cache
def default_artifacts() -> EngineArtifacts:
    """The packaged knowledge base's artifacts, once per process."""
    return load_artifacts()


def default_artifacts_if_loaded() -> EngineArtifacts | None:
    """The packaged artifacts if this process already has them (never triggers a load)."""
    return default_artifacts() if default_artifacts.cache_info().currsize else None


def default_answer_keys() -> tuple[str, ...]:
    """The packaged knowledge base's answer keys: from the cache file alone when it is valid (`validate`).

    A process that already holds the artifacts uses them; a missing or stale cache loads them as
    `Engine()` would (compile once, write the cache), so the keys are always those `assess` checks.
    """
    loaded = default_artifacts_if_loaded()
    if loaded is None:
        keys = read_cached_answer_keys(cache_key())
        if keys is not None:
            return keys
        loaded = default_artifacts()
    return tuple(loaded.kb.answer_keys)
