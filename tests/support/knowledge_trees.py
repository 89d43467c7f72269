"""Small knowledge trees in a temporary folder: the packaged classification plus the trial files a test writes.

Compiling only the classification and one or two trials keeps a test's knowledge load fast, and the trial
texts stay in the test that reads them.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Mapping
from pathlib import Path

from oligoboard.knowledge.loader import KNOWLEDGE_DIR


def classification_tree(tmp_path: Path, trials: Mapping[str, str] | None = None) -> Path:
    """`tmp_path/knowledge` with the packaged manifest and classification, no guidelines, and `trials`
    written as `trials/<name>` (name → YAML text)."""
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR / "classification", root / "classification")
    shutil.copy(KNOWLEDGE_DIR / "manifest.yaml", root / "manifest.yaml")
    (root / "guidelines").mkdir()
    (root / "trials").mkdir()
    for name, text in (trials or {}).items():
        (root / "trials" / name).write_text(text, encoding="utf-8")
    return root


def trial_yaml(criteria: str, trial_id: str = "TEST-1") -> str:
    """A synthetic one-rule-set trial file: the header the small-tree tests shared, then `criteria` (YAML
    list items, written flush left; they are indented under `criteria:`). The criteria start on line 8."""
    items = textwrap.indent(textwrap.dedent(criteria).strip("\n") + "\n", "      ")
    return (
        f'id: {trial_id}\nsource: "synthetic test file"\nrule_sets:\n  - id: {trial_id}\n    kind: trial\n'
        f'    source: "synthetic"\n    criteria:\n{items}'
    )
