"""The compiled-knowledge cache: hit, miss on any change, corrupt or foreign files rebuilt, safe concurrent
writers, and a cached engine that answers exactly like a freshly compiled one."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from oligoboard.case.io import load_case
from oligoboard.engine import cache
from oligoboard.engine.cache import EngineArtifacts
from oligoboard.engine.compile import load_knowledge
from oligoboard.engine.runner import Engine
from tests.support.knowledge_trees import classification_tree, trial_yaml

ROOT = Path(__file__).resolve().parents[2]
TRIAL = trial_yaml(
    '- {id: inc-1, kind: inclusion, text: "ECOG 0-1", sql: "ecog <= 1", source: "synthetic inclusion 1"}'
)


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("OLIGOBOARD_CACHE_DIR", str(where))
    return where


@pytest.fixture
def small_tree(tmp_path: Path) -> Path:
    """Classification plus one trial: quick to compile, enough to tell two compilations apart."""
    return classification_tree(tmp_path, {"TEST-1.yaml": TRIAL})


def _no_compile(*args: object, **kwargs: object) -> EngineArtifacts:
    raise AssertionError("compiled although the cache should have answered")


def test_location_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OLIGOBOARD_CACHE_DIR", str(tmp_path / "a"))
    assert cache.cache_dir() == tmp_path / "a"
    monkeypatch.delenv("OLIGOBOARD_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "oligoboard"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "oligoboard"


def test_second_load_is_a_hit(cache_dir: Path, small_tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = cache.load_artifacts(small_tree)
    assert cache.cache_path(first.key).exists()
    monkeypatch.setattr(cache, "compile_artifacts", _no_compile)
    second = cache.load_artifacts(small_tree)
    assert second.statement == first.statement and second.kb.full_version == first.kb.full_version


def test_changed_knowledge_is_a_miss(cache_dir: Path, small_tree: Path) -> None:
    before = cache.load_artifacts(small_tree)
    (small_tree / "trials" / "TEST-1.yaml").write_text(
        TRIAL.replace("ecog <= 1", "ecog <= 2"), encoding="utf-8"
    )
    after = cache.load_artifacts(small_tree)
    assert after.key != before.key and after.kb.content_hash != before.kb.content_hash
    assert "ecog <= 2" in after.statement.sql and "ecog <= 2" not in before.statement.sql


def test_changed_compiler_source_is_a_miss(small_tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = cache.cache_key(small_tree)
    monkeypatch.setattr(cache, "source_fingerprint", lambda: "edited")
    assert cache.cache_key(small_tree) != before


@pytest.mark.parametrize(
    "content",
    [
        b"not a pickle at all",
        b"",
        pickle.dumps({"format": cache.CACHE_FORMAT + 1, "key": "x", "artifacts": None}),
        pickle.dumps(["a", "list"]),
    ],
    ids=["garbage", "empty", "foreign-format", "foreign-shape"],
)
def test_corrupt_or_foreign_file_is_rebuilt(cache_dir: Path, small_tree: Path, content: bytes) -> None:
    key = cache.cache_key(small_tree)
    path = cache.cache_path(key)
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    assert cache.read_cached(key) is None
    artifacts = cache.load_artifacts(small_tree)
    assert artifacts.key == key
    assert cache.read_cached(key) is not None  # the rebuilt file replaced the bad one


def test_file_of_another_key_is_ignored(cache_dir: Path, small_tree: Path) -> None:
    artifacts = cache.load_artifacts(small_tree)
    other = "0" * 64
    cache.cache_path(other).write_bytes(cache.cache_path(artifacts.key).read_bytes())
    assert cache.read_cached(other) is None


def test_concurrent_writers_leave_a_valid_file(cache_dir: Path, small_tree: Path) -> None:
    script = (
        "import sys; from pathlib import Path; from oligoboard.engine import cache; "
        "a = cache.compile_artifacts(cache.cache_key(Path(sys.argv[1])), Path(sys.argv[1])); "
        "[cache.write_cached(a) for _ in range(20)]"
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, str(small_tree)], cwd=ROOT) for _ in range(2)]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    key = cache.cache_key(small_tree)
    found = cache.read_cached(key)
    assert found is not None and found.kb.rule_set("TEST-1").criteria[0].expr.sql == "ecog <= 1"
    assert [p.name for p in cache_dir.iterdir()] == [cache.cache_path(key).name]  # no temporary file left


def test_answer_keys_are_read_apart_and_equal_the_knowledge_bases(cache_dir: Path) -> None:
    """`validate` reads only the answer keys (no knowledge-base unpickling); they must be the ones `assess`
    checks, and a missing or foreign file gives None (then the full load) rather than a wrong list."""
    key = cache.cache_key()
    assert cache.read_cached_answer_keys(key) is None  # nothing written yet
    artifacts = cache.load_artifacts()
    keys = cache.read_cached_answer_keys(key)
    assert keys is not None and len(keys) > 0
    assert list(keys) == artifacts.kb.answer_keys
    assert cache.read_cached_answer_keys("0" * 64) is None
    cache.cache_path(key).write_bytes(pickle.dumps({"format": cache.CACHE_FORMAT, "key": key}))
    assert cache.read_cached_answer_keys(key) is None


def test_cached_engine_answers_like_a_fresh_one(cache_dir: Path, engine: Engine) -> None:
    cache.load_artifacts()  # writes the packaged knowledge's file
    cached = cache.read_cached(cache.cache_key())
    assert cached is not None
    from_disk = Engine.from_artifacts(cached.kb, cached.for_backends())
    fresh = Engine(load_knowledge())
    cases = [load_case(p) for p in sorted((ROOT / "examples" / "cases").glob("*.json"))]
    for backend in ("duckdb", "python"):
        a = [
            (r.case_id, {k: rs.status for k, rs in r.rule_sets.items()}, dict(r.definitions))
            for r in from_disk.evaluate(cases, backend)
        ]
        b = [
            (r.case_id, {k: rs.status for k, rs in r.rule_sets.items()}, dict(r.definitions))
            for r in fresh.evaluate(cases, backend)
        ]
        assert a == b


def test_warm_engine_imports_neither_sqlglot_nor_duckdb(cache_dir: Path) -> None:
    code = (
        "import json, sys; from oligoboard.engine.runner import Engine; e = Engine(); "
        "print(json.dumps([len(e.kb.rule_sets), 'sqlglot' in sys.modules, 'duckdb' in sys.modules]))"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, cwd=ROOT)  # cold: fills it
    warm = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT)
    n_rule_sets, sqlglot, duckdb = json.loads(warm.stdout)
    assert n_rule_sets > 10 and sqlglot is False and duckdb is False


def test_old_builds_are_evicted_newest_kept(tmp_path: Path) -> None:
    """Every knowledge or code change makes a new key: only the MAX_ENTRIES newest files stay."""
    import os

    for i in range(cache.MAX_ENTRIES + 3):
        path = tmp_path / f"knowledge-{i:024d}.pickle"
        path.write_bytes(b"x")
        os.utime(path, (1_000_000 + i, 1_000_000 + i))
    (tmp_path / "unrelated.txt").write_text("kept", encoding="utf-8")
    cache._evict_old(tmp_path)
    left = sorted(p.name for p in tmp_path.glob("knowledge-*.pickle"))
    assert left == [f"knowledge-{i:024d}.pickle" for i in range(3, cache.MAX_ENTRIES + 3)]
    assert (tmp_path / "unrelated.txt").exists()


def test_warm_engine_runs_the_marshalled_executor_without_compiling_source(cache_dir: Path) -> None:
    """Compiling the generated module costs tens of ms per start; a warm start loads its marshalled code."""
    case = sorted((ROOT / "examples" / "cases").glob("*.json"))[0]
    code = (
        "import json, sys; from pathlib import Path\n"
        "import oligoboard.engine.pyload as pyload\n"
        "def refuse(source): raise AssertionError('compiled the executor source on a warm start')\n"
        "from oligoboard.engine.runner import Engine; from oligoboard.case.io import load_case\n"
        "e = Engine()\n"
        "pyload.compile_source = refuse\n"
        f"r = e.evaluate([load_case(Path({str(case)!r}))], 'python')[0]\n"
        "print(json.dumps({k: rs.status for k, rs in r.rule_sets.items()}, sort_keys=True))"
    )
    cold = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT)
    warm = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT)
    assert json.loads(warm.stdout) == json.loads(cold.stdout) != {}
    found = cache.read_cached(cache.cache_key())
    assert found is not None and found.python_code is not None


def test_parsed_documents_memo_never_answers_for_changed_bytes(tmp_path: Path) -> None:
    """The cache hands parsed radiotherapy documents to the reader; an edited file is parsed again."""
    import hashlib

    from oligoboard.documents import Document
    from oligoboard.knowledge.reading import read_knowledge, remember_parsed

    path = tmp_path / "regimens.yaml"
    path.write_text("rules: [first]\n", encoding="utf-8")
    marker = Document(value={"rules": ["from the memo"]}, name=str(path))
    remember_parsed({path: (hashlib.sha256(path.read_bytes()).hexdigest(), marker)})
    assert read_knowledge(path) is marker
    path.write_text("rules: [second]\n", encoding="utf-8")
    assert read_knowledge(path).value == {"rules": ["second"]}


def test_cache_carries_the_parsed_radiotherapy_documents(cache_dir: Path) -> None:
    artifacts = cache.load_artifacts()
    assert artifacts.documents is not None
    assert {"radiotherapy/regimens.yaml", "radiotherapy/alpha_beta.yaml"} <= set(artifacts.documents)
