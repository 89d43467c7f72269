"""The layers of docs/architecture.md, enforced: a module importing a higher layer fails the build.

Every module's imports are read with `ast` (static, so a lazy import inside a function counts too); each
`oligoboard.*` module is mapped to its layer by its package; an import of a strictly higher layer fails
with the importing module and the imported name. Same-layer imports are allowed (domain packages may use
each other, e.g. guidelines uses dose.lq).
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "oligoboard"

#: Lowest first. A module may import its own layer and every layer below it, never one above.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("oligoboard", "oligoboard.errors", "oligoboard.config", "oligoboard.case"),
    ("oligoboard.knowledge",),
    ("oligoboard.engine",),
    ("oligoboard.classification", "oligoboard.guidelines", "oligoboard.trials", "oligoboard.dose"),
    ("oligoboard.assessment", "oligoboard.cohort", "oligoboard.trial", "oligoboard.store"),
    ("oligoboard.report",),
    ("oligoboard.cli", "oligoboard.web", "oligoboard.interop"),
)

#: Known violations, each with the branch that removes it. The integrator deletes entries after merge.
#: known upward imports, each with the reason it is tolerated; empty: the layers hold everywhere
ALLOWED: set[tuple[str, str]] = set()


def layer_of(module: str) -> int:
    """The layer index of a module: the longest package prefix listed in LAYERS wins."""
    best, best_len = -1, -1
    for index, packages in enumerate(LAYERS):
        for package in packages:
            if (module == package or module.startswith(package + ".")) and len(package) > best_len:
                best, best_len = index, len(package)
    assert best >= 0, f"{module}: not in any layer of tests/test_architecture.py (add its package)"
    return best


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, module: str) -> list[str]:
    """Every `oligoboard` module imported by the file (absolute and relative), lazy imports included."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            found.append(target)
    return [name for name in found if name == "oligoboard" or name.startswith("oligoboard.")]


def test_every_module_imports_only_its_layer_or_below() -> None:
    files = sorted(SRC.rglob("*.py"))
    assert len(files) > 40, "the source tree was not found"
    upward: list[str] = []
    used_allowances: set[tuple[str, str]] = set()
    for path in files:
        module = module_name(path)
        for target in imports(path, module):
            if layer_of(target) > layer_of(module):
                if (module, target) in ALLOWED:
                    used_allowances.add((module, target))
                    continue
                upward.append(f"{module} imports {target} (layer {layer_of(target)} > {layer_of(module)})")
    assert not upward, "imports against the layers (docs/architecture.md):\n" + "\n".join(upward)
    assert used_allowances == ALLOWED, f"stale allow-list entries, delete them: {ALLOWED - used_allowances}"


def test_the_rule_catches_an_upward_import() -> None:
    """The checker itself: a domain module importing the report layer is found."""
    assert layer_of("oligoboard.guidelines.section") < layer_of("oligoboard.report.terminal.guidelines")
    assert layer_of("oligoboard.knowledge.loader") < layer_of("oligoboard.engine.compile")
    assert layer_of("oligoboard.errors") == 0 and layer_of("oligoboard.cli.main") == len(LAYERS) - 1
