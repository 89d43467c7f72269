"""Start-up cannot regress silently: each command imports only the heavy libraries it needs.

No timing here (timing lives in benchmarks/startup.py): each command runs in a fresh interpreter and reports
which heavy top-level packages ended up in `sys.modules`. The budget (≤ 300 ms, docs/architecture.md
"Start-up") was met by keeping exactly these out; the measured cost of each is in that section.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CASE = sorted((ROOT / "examples" / "cases").glob("*.json"))[0]
#: the same demo case as a case@1 document (read through the case@1 models, then upgraded)
CASE_V1 = ROOT / "tests" / "case" / "fixtures_v1" / CASE.name

#: packages whose import costs tens of milliseconds or more on the 2-core machine (docs/architecture.md)
HEAVY = (
    "numpy",
    "duckdb",
    "sqlglot",
    "pydantic",
    "yaml",
    "jinja2",
    "pydicom",
    "markdown_it",
    "importlib.metadata",
    "rich",  # rich.text alone ≈ 40 ms: only a command that renders, or reports an error, may import it
)
#: Rich modules that only rendering needs (listed apart so a failure names the module that came back)
RICH_HEAVY = ("rich.table", "rich.markdown", "rich.syntax", "rich.progress", "rich.traceback", "rich.pretty")

_PROBE = """
import io, json, sys
from contextlib import redirect_stdout
from oligoboard.cli.main import main
with redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
# the CLI's stand-in for pydantic's plugin loader (cli/_plugins.py) is not pydantic itself
names = [m for m in sys.modules if m != "pydantic.plugin._loader"]
loaded = sorted({m.split(".")[0] for m in names} | set(names))
print(json.dumps({"code": code, "loaded": loaded}))
"""


def _loaded(*argv: str) -> set[str]:
    """The modules a fresh interpreter holds after running `oligoboard ARGV` (exit code must be 0)."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, *argv], check=True, capture_output=True, text=True, cwd=ROOT
    )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["code"] == 0, out.stderr
    return set(report["loaded"])


# (command, heavy packages it may import): everything else in HEAVY and RICH_HEAVY must stay out
ALLOWED = [
    (["--help"], set()),
    (["--version"], set()),
    (["dose", "bed", "--dose", "30", "--fractions", "5"], set()),
    (["dose", "bed", "--dose", "30", "--fractions", "5", "--json"], set()),
    (["validate", str(CASE)], {"pydantic"}),
    (["assess", "--json", str(CASE)], {"pydantic"}),
]


@pytest.fixture(scope="module")
def warm_cache() -> None:
    """A start-up is warm: the compiled knowledge is on disk (the first run of a new version compiles it)."""
    _loaded("assess", "--json", str(CASE))


@pytest.mark.parametrize(
    ("argv", "allowed"), ALLOWED, ids=lambda v: " ".join(v) if isinstance(v, list) else ""
)
def test_command_imports_only_what_it_needs(warm_cache: None, argv: list[str], allowed: set[str]) -> None:
    loaded = _loaded(*argv)
    unexpected = sorted(m for m in (*HEAVY, *RICH_HEAVY) if m in loaded and m not in allowed)
    assert unexpected == [], f"`oligoboard {' '.join(argv)}` imported {unexpected}"


def test_pydantic_still_validates_with_plugins_disabled() -> None:
    """The plugin stub (cli/_plugins.py) must leave validation intact: a bad case is still refused."""
    code = (
        "from oligoboard.cli._plugins import disable_pydantic_plugins; disable_pydantic_plugins()\n"
        "import sys; from pydantic import BaseModel, ValidationError\n"
        "class M(BaseModel):\n    n: int\n"
        "assert M(n=1).n == 1\n"
        "try:\n    M(n='x')\nexcept ValidationError:\n    print('refused', 'importlib.metadata' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.split() == ["refused", "False"]


def test_validate_reads_answer_keys_without_the_knowledge_specs(warm_cache: None) -> None:
    """`validate` takes the answer keys from the cache file alone (engine/cache.py, format 4): unpickling the
    knowledge base would import and rebuild every spec model, ≈ 40 ms of its start-up."""
    loaded = _loaded("validate", str(CASE))
    assert "oligoboard.knowledge.spec" not in loaded
    assert "oligoboard.engine.knowledge_base" not in loaded


#: modules of this package (and the standard library) that a single-case `assess --json` or `validate` of a
#: case@2 document does not use, measured in docs/architecture.md "Start-up" (2026-12-02, branch startup3):
#: the case@1 models (≈ 3 ms), the section TypedDicts that only mypy reads (≈ 3 ms), the trial catalogue
#: views, and the modules only a batch or a cache write needs
NOT_FOR_ONE_CASE2 = (
    "oligoboard.case.models_v1",
    "oligoboard.classification.models",
    "oligoboard.dose.models",
    "oligoboard.guidelines.models",
    "oligoboard.trials.models",
    "oligoboard.trials.catalogue",
    "csv",
    "tempfile",
)


@pytest.mark.parametrize("command", ["assess", "validate"])
def test_one_case2_document_skips_what_it_does_not_use(warm_cache: None, command: str) -> None:
    loaded = _loaded(command, str(CASE), *(["--json"] if command == "assess" else []))
    assert sorted(m for m in NOT_FOR_ONE_CASE2 if m in loaded) == []


def test_a_case1_document_still_reads_through_the_case1_models(warm_cache: None) -> None:
    """The lazy import of the case@1 models is taken when it must be (and the check above can fail)."""
    assert CASE_V1.is_file()
    assert "oligoboard.case.models_v1" in _loaded("assess", "--json", str(CASE_V1))


def test_warm_assess_builds_no_validator_the_cache_made_unneeded(warm_cache: None) -> None:
    """The cache carries the validated radiotherapy rule sets (engine/cache.py format 5) and each trial
    file's `TrialInfo` (`KnowledgeFileSpec.trial_info`): a warm `assess` neither validates them again nor
    builds the validators of their spec models (≈ 3 ms each). A cold `load_rule_file` of the same file does
    build them, so the probe can fail."""
    code = (
        "import io, sys\n"
        "from contextlib import redirect_stdout\n"
        "from oligoboard.cli.main import main\n"
        "with redirect_stdout(io.StringIO()):\n"
        "    assert main(sys.argv[1:]) == 0\n"
        "from oligoboard.knowledge import info, radiotherapy as rt\n"
        "print(rt.RegimenRule.__pydantic_complete__, rt.OarLimitRule.__pydantic_complete__)\n"
        "print(info.TrialInfo.__pydantic_complete__, info.FileInfo.__pydantic_complete__)\n"
        "from oligoboard.dose.knowledge import KNOWLEDGE_DIR\n"
        "from oligoboard.knowledge.rt_files import _load\n"
        "_load(KNOWLEDGE_DIR / 'regimens.yaml')\n"
        "print(rt.RegimenRule.__pydantic_complete__)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, "assess", "--json", str(CASE)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.stdout.split() == ["False", "False", "False", "False", "True"]


def test_the_probe_sees_imports(warm_cache: None) -> None:
    """The check above is only worth something if a heavy import does show up: assess needs pydantic."""
    loaded = _loaded("assess", "--json", str(CASE))
    assert "pydantic" in loaded
    assert "oligoboard.knowledge.spec" in loaded  # so the validate check above can fail
