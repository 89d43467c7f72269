"""knowledge/ is input data (YAML + typed specs + a reader): it never imports the engine or anything above it.

The engine owns the compiler; a knowledge module importing `oligoboard.engine` would bring the cycle back.
(The global import rule for every layer is enforced elsewhere; this guards the split of issue 10.)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import oligoboard.knowledge

KNOWLEDGE_SRC = Path(oligoboard.knowledge.__file__).parent
ABOVE = (
    "engine",
    "classification",
    "guidelines",
    "trials",
    "dose",
    "assessment",
    "cohort",
    "report",
    "render",
    "cli",
    "web",
    "interop",
    "store",
    "subsystems",
)


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.level:  # relative import inside knowledge/: resolve against the package
                out.append("oligoboard.knowledge." + node.module)
            else:
                out.append(node.module)
                out.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return out


def forbidden(module: str) -> bool:
    return any(module == f"oligoboard.{name}" or module.startswith(f"oligoboard.{name}.") for name in ABOVE)


@pytest.mark.parametrize("path", sorted(KNOWLEDGE_SRC.rglob("*.py")), ids=lambda p: p.name)
def test_knowledge_module_imports_nothing_above_it(path: Path) -> None:
    assert [m for m in imported_modules(path) if forbidden(m)] == []


@pytest.mark.parametrize(
    ("source", "bad"),
    [
        ("from oligoboard.engine.compile import Namespace", True),
        ("import oligoboard.engine", True),
        ("from oligoboard import engine", True),
        ("def f():\n    from oligoboard.engine import cache\n", True),  # a lazy import counts too
        ("from oligoboard.errors import KnowledgeError", False),
        ("from oligoboard.case.validate import format_path", False),
    ],
)
def test_the_scan_itself_catches_engine_imports(tmp_path: Path, source: str, bad: bool) -> None:
    path = tmp_path / "probe.py"
    path.write_text(source, encoding="utf-8")
    assert any(forbidden(m) for m in imported_modules(path)) is bad
