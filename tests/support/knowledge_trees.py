"""Small knowledge trees in a temporary folder: the packaged classification plus the trial files a test writes.

Compiling only the classification and one or two trials keeps a test's knowledge load fast, and the trial
texts stay in the test that reads them.
"""

from __future__ import annotations

import shutil
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
