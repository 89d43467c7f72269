"""Where the knowledge tree lives and its content hash — standard library only.

Kept apart from the loader (YAML, pydantic) so the compiled-knowledge cache can check its key without
importing either: hashing the ~40 small files takes a few milliseconds.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

KNOWLEDGE_DIR = Path(__file__).parent


def content_hash(root: Path, *extra_files: Path) -> str:
    """Hash of every YAML file under `root` plus `extra_files` (the engine's feature catalogue and SQL).

    Order-independent and cheap (bytes only, no parsing): the compiled-knowledge cache is keyed by it, so any
    edit to any file yields another key and a cached compilation can never be stale.
    """
    digest = hashlib.sha256()
    paths = sorted(p for p in root.rglob("*.yaml") if p.is_file())
    for path in [*paths, *extra_files]:
        digest.update(str(path.relative_to(path.parent.parent)).encode())
        digest.update(path.read_bytes())
    return "sha256:" + digest.hexdigest()[:12]
